"""Attack 4: ill-typed literals and control characters are refused at load, or kept with --lenient."""

from __future__ import annotations

import gzip
import json

from .conftest import assert_refused, quad_dump, run_kx

XSD = "http://www.w3.org/2001/XMLSchema#"


def _nt(tmp_path, name: str, *objects: str):
    path = tmp_path / name
    path.write_text("".join(f"<https://example.org/s{i}> <https://example.org/p> {o} .\n"
                            for i, o in enumerate(objects)), encoding="utf-8")
    return path


def test_an_ill_typed_integer_is_refused_naming_file_line_and_value(tmp_path, store):
    path = _nt(tmp_path, "bad.nt", '"1"^^<%sinteger>' % XSD, '"abc"^^<%sinteger>' % XSD)
    before = quad_dump(store)
    result = run_kx(store, "load", str(path))
    assert_refused(result, "bad.nt:2", "'abc'", "xsd:integer", "--lenient")
    assert quad_dump(store) == before


def test_an_impossible_date_is_refused(tmp_path, store):
    path = _nt(tmp_path, "dates.nt", '"2021-02-28"^^<%sdate>' % XSD, '"2021-02-30"^^<%sdate>' % XSD)
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(path)), "dates.nt:2", "2021-02-30", "xsd:date")
    assert quad_dump(store) == before


def test_ill_typed_values_in_a_trig_graph_are_refused_too(tmp_path, store):
    path = tmp_path / "g.trig"
    path.write_text('<https://example.org/g> { <https://example.org/x> <https://example.org/p> '
                    '"1,5"^^<%sdecimal> . }\n' % XSD, encoding="utf-8")
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(path)), "g.trig:1", "xsd:decimal")
    assert quad_dump(store) == before


def test_a_nul_byte_in_a_label_is_refused(tmp_path, store):
    path = _nt(tmp_path, "nul.nt.gz", '"ok"')
    with gzip.open(path, "wt", encoding="utf-8") as out:
        out.write('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "a\\u0000b"@zh .\n')
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(path)), "nul.nt.gz:1", "control character", "\\u0000")
    assert quad_dump(store) == before


def test_lenient_keeps_ill_typed_values_as_plain_strings_and_strips_controls(tmp_path, store):
    path = _nt(tmp_path, "bad.nt", '"abc"^^<%sinteger>' % XSD, '"x\\u001by"@zh', '"2"^^<%sinteger>' % XSD)
    result = run_kx(store, "load", "--lenient", str(path))
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "2 ill-typed" in result.stderr
    quads = quad_dump(store)
    assert any('"abc" ' in q for q in quads) and not any('"abc"^^' in q for q in quads)
    assert any('"xy"@zh' in q for q in quads)
    assert any(f'"2"^^<{XSD}integer>' in q for q in quads)


def test_a_nul_in_a_spreadsheet_is_refused_at_import(tmp_path, store):
    csv = tmp_path / "experts.csv"
    csv.write_text("姓名,专家类型,专业领域\n张三,人才计划专家,智能\x00控制\n", encoding="utf-8")
    before = quad_dump(store)
    result = run_kx(store, "import", "--mapping", "experts", str(csv))
    assert_refused(result, "experts.csv")
    assert quad_dump(store) == before


def test_a_nul_after_the_first_64_kib_of_a_csv_is_refused(tmp_path, store):
    csv = tmp_path / "experts.csv"
    filler = "".join(f"专家{i},人才计划专家,智能控制\n" for i in range(4000))
    csv.write_text("姓名,专家类型,专业领域\n" + filler + "李四,人才计划专家,材料\x00加工\n", encoding="utf-8")
    assert csv.stat().st_size > 65536
    before = quad_dump(store)
    assert_refused(run_kx(store, "import", "--mapping", "experts", str(csv)), "experts.csv:4002")
    assert quad_dump(store) == before


def test_kx_report_survives_a_figure_holding_an_ill_typed_value(tmp_path, store):
    from kxgraph.resources import resource_path

    trig = resource_path("taiyuan/taiyuan.trig").read_text(encoding="utf-8")
    assert run_kx(store, "load", "--force-shipped", str(resource_path("taiyuan/taiyuan.trig"))).returncode == 0
    figure = tmp_path / "figure.ttl"
    figure.write_text(
        "@prefix kx: <https://w3id.org/kxgraph/ns#> .\n@prefix xsd: <%s> .\n"
        "<https://example.org/fig> a kx:ReportedFigure ; kx:indicator kx:AcademicianWorkstationCount ;\n"
        '  kx:value "abc"^^xsd:integer .\n' % XSD, encoding="utf-8")
    assert "ReportedFigure" in trig or "kx:value" in trig
    assert run_kx(store, "load", "--lenient", str(figure)).returncode == 0
    result = run_kx(store, "report", "--format", "json")
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    json.loads(result.stdout)
