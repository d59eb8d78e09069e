"""Bad spreadsheets: each gives one clear line naming file, sheet, row and column, and the store
stays exactly as it was (unless --skip-bad-rows, which loads the good rows and reports the rest)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import kxgraph

ENTERPRISES = "企业名称,所属行业,所在区县\n示例钢铁有限公司,冶金,小店区\n示例化工有限公司,化工,晋源区\n"
WORKSTATIONS = ("工作站名称,依托单位,进站院士,建站时间,所在区县\n"
                "示例钢铁院士工作站,示例钢铁有限公司,示例院士甲,2019年6月,小店区\n"
                "示例化工院士工作站,示例化工有限公司,示例院士乙、示例院士丙,2020-03,晋源区\n")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def snapshot(store_path: Path) -> list[tuple]:
    """Every quad of the store, sorted: equal snapshots mean an unchanged store."""
    with kxgraph.open(store_path) as g:
        rows = g.query("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return sorted(tuple(str(t) for t in row) for row in rows)


@pytest.fixture
def loaded(kx, tmp_path, store_path):
    """A store already holding one imported enterprises sheet; returns its snapshot."""
    result = kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)))
    assert result.exit_code == 0, result.output
    return snapshot(store_path)


def refused(kx, store_path, before, *args) -> str:
    """Run an import that must fail; check the store is unchanged; return the error line."""
    result = kx("import", *args)
    assert result.exit_code != 0
    assert snapshot(store_path) == before
    error = [line for line in result.stderr.splitlines() if line.startswith("kx: error:")]
    assert len(error) == 1, result.stderr
    return error[0]


def test_missing_required_column(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "ws.csv", "工作站名称,建站时间\n示例钢铁院士工作站,2019\n")
    line = refused(kx, store_path, loaded, str(sheet))
    assert "ws.csv" in line and "missing required column" in line and "依托单位" in line


def test_unknown_header(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "e.csv", "企业名称,所属行业,颜色\n示例新企业,冶金,红\n")
    line = refused(kx, store_path, loaded, str(sheet), "--strict")
    assert "e.csv" in line and ":1:颜色:" in line and "unknown column" in line


def test_empty_file(kx, tmp_path, store_path, loaded):
    line = refused(kx, store_path, loaded, str(write(tmp_path / "empty.csv", "")))
    assert "empty.csv" in line and "empty" in line


def test_sheet_with_only_headers(kx, tmp_path, store_path, loaded):
    line = refused(kx, store_path, loaded, str(write(tmp_path / "h.csv", "企业名称,所属行业\n")))
    assert "h.csv" in line and "no data rows" in line


def test_wrong_encoding_declared(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "gbk.csv", ENTERPRISES.replace("示例", "另一"), "gbk")
    line = refused(kx, store_path, loaded, str(sheet), "--encoding", "utf-8")
    assert "gbk.csv:1" in line and "not valid utf-8" in line and "--encoding" in line


def test_number_where_a_date_belongs(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "ws.csv", WORKSTATIONS.replace("2020-03", "3.5"))
    line = refused(kx, store_path, loaded, str(sheet))
    assert "ws.csv:3:建站时间" in line and "a number where a date belongs" in line


def test_reference_to_an_enterprise_no_sheet_defines_is_refused_when_strict(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "ws.csv", WORKSTATIONS.replace("示例化工有限公司", "不存在的有限公司"))
    line = refused(kx, store_path, loaded, str(sheet), "--strict")
    assert "ws.csv:3:依托单位" in line and "no sheet defines" in line


def test_reference_to_an_enterprise_the_store_holds_is_fine(kx, tmp_path, loaded):
    result = kx("import", str(write(tmp_path / "ws.csv", WORKSTATIONS)))
    assert result.exit_code == 0, result.output


def test_duplicate_ids(kx, tmp_path, store_path, loaded):
    # full-width Ａ and a trailing space make the same name
    sheet = write(tmp_path / "e.csv", "企业名称,所属行业\n示例Ａ有限公司,冶金\n示例A有限公司 ,化工\n")
    line = refused(kx, store_path, loaded, str(sheet))
    assert "e.csv:3:企业名称" in line and "duplicate" in line and "row 2" in line


def test_ten_megabyte_cell(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "big.csv", f"企业名称,所属行业\n示例大企业,{'冶' * 10_000_000}\n")
    line = refused(kx, store_path, loaded, str(sheet))
    assert "big.csv:2:所属行业" in line and "longer than" in line
    assert len(line) < 400


def test_formula_cells_without_values(kx, tmp_path, store_path, loaded):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["企业名称", "所属行业"])
    book.active.append(["示例公式企业", '=CONCAT("冶","金")'])
    book.save(tmp_path / "f.xlsx")
    line = refused(kx, store_path, loaded, str(tmp_path / "f.xlsx"))
    assert "f.xlsx:Sheet:2:所属行业" in line and "formula" in line


@pytest.mark.parametrize("name, content, expected", [
    ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content"),
    ("notes.xlsx", "这不是表格".encode(), "not an Excel workbook"),
    ("report.pdf", b"%PDF-1.4", "not a spreadsheet"),
])
def test_not_a_spreadsheet(kx, tmp_path, store_path, loaded, name, content, expected):
    (tmp_path / name).write_bytes(content)
    line = refused(kx, store_path, loaded, str(tmp_path / name))
    assert name in line and expected in line


def test_one_bad_file_stops_all_files(kx, tmp_path, store_path, loaded):
    good = write(tmp_path / "ws.csv", WORKSTATIONS)
    bad = write(tmp_path / "bad.csv", "企业名称,所属行业\n示例企业,冶金\n示例企业,冶金\n")
    refused(kx, store_path, loaded, str(good), str(bad))


def test_skip_bad_rows_loads_good_rows_and_reports_the_rest(kx, kx_json, tmp_path):
    kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)))
    sheet = write(tmp_path / "ws.csv", WORKSTATIONS.replace("2020-03", "去年"))
    result = kx("import", str(sheet), "--skip-bad-rows")
    assert result.exit_code == 0, result.output
    assert "ws.rejects.csv" in result.stderr
    with (tmp_path / "ws.rejects.csv").open(encoding="utf-8-sig") as handle:
        rejected = list(csv.DictReader(handle))
    assert [(r["row"], r["column"], r["value"]) for r in rejected] == [("3", "建站时间", "去年")]
    names = {r["name"] for r in kx_json("query", "PREFIX kx: <https://w3id.org/kxgraph/ns#> "
                                        "SELECT ?name WHERE { ?w a kx:AcademicianWorkstation ; "
                                        "<http://www.w3.org/2000/01/rdf-schema#label> ?name }")}
    assert names == {"示例钢铁院士工作站"}


def test_skip_bad_rows_writes_rejects_where_asked(kx, tmp_path):
    sheet = write(tmp_path / "e.csv", "企业名称,统一社会信用代码\n示例企业,91140105MA0K12345X\n示例企业二,12345\n")
    result = kx("import", str(sheet), "--skip-bad-rows", "--rejects", str(tmp_path / "out.csv"))
    assert result.exit_code == 0, result.output
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "12345" in text and "wrong format" in text


def test_validate_lists_every_problem_as_json_without_writing(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "ws.csv", WORKSTATIONS.replace("2019年6月", "明年").replace("示例化工有限", "示例化肥有限"))
    result = kx("validate", str(sheet), "--format", "json", "--strict")
    assert result.exit_code == 1
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    assert [(r["row"], r["column"], r["value"]) for r in rows] == [("2", "建站时间", "明年"), ("3", "依托单位", "示例化肥有限公司")]
    assert all(r["file"].endswith("ws.csv") and " / " in r["problem"] for r in rows)
    assert snapshot(store_path) == loaded


def test_validate_a_good_file_prints_no_problems(kx_json, tmp_path, loaded):
    assert kx_json("validate", str(write(tmp_path / "ws.csv", WORKSTATIONS))) == []


def test_shacl_violations_are_told_in_the_users_terms(kx, tmp_path):
    # a standard must state its level (modelling.md); the template cannot say so, the shapes do
    project = write(tmp_path / "p.csv", "项目名称,项目状态,牵头单位\n示例项目,在研,示例企业\n")
    outputs = write(tmp_path / "o.csv", "成果名称,成果类型,所属项目,制定角色\n示例标准,标准,示例项目,主导\n")
    result = kx("validate", str(project), str(outputs), "--format", "json")
    assert result.exit_code == 1
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    assert rows and all(r["file"].endswith("o.csv") and r["row"] == "2" for r in rows)
    assert [r["column"] for r in rows] == ["级别"]
    assert "国家级" in rows[0]["problem"] and "national" in rows[0]["problem"]
    assert not any("sh:" in r["problem"] or "ConstraintComponent" in r["problem"] for r in rows)


def test_a_project_without_participants_is_named_by_the_column_to_fill(kx, tmp_path):
    result = kx("validate", str(write(tmp_path / "p.csv", "项目名称,项目状态\n示例项目,在研\n")), "--format", "json")
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    assert [(r["row"], r["column"]) for r in rows] == [("2", "参与单位")]


def test_validate_store_finds_nothing_wrong_after_a_clean_import(kx, kx_json, tmp_path):
    kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)), str(write(tmp_path / "ws.csv", WORKSTATIONS)))
    assert kx_json("validate", "--store") == []


def test_validate_needs_files_or_store(kx):
    result = kx("validate")
    assert result.exit_code == 2 and "--store" in result.stderr


def test_validate_store_names_the_row_a_broken_resource_came_from(kx, kx_json, tmp_path):
    kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)), str(write(tmp_path / "ws.csv", WORKSTATIONS)))
    graph = (tmp_path / "ws.csv").resolve().as_uri()
    host = "<https://w3id.org/kxgraph/ns#hostOrganization>"
    result = kx("update", f"DELETE {{ GRAPH <{graph}> {{ ?ws {host} ?h }} }} WHERE {{ GRAPH <{graph}> "
                          f"{{ ?ws {host} ?h ; <http://www.w3.org/2000/01/rdf-schema#label> \"示例化工院士工作站\"@zh }} }}")
    assert result.exit_code == 0, result.output
    result = kx("validate", "--store", "--format", "json")
    assert result.exit_code == 1
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    assert [(r["file"], r["sheet"], r["row"]) for r in rows] == [(graph, "", "3")]
    assert "依托单位" in rows[0]["problem"]


def test_a_broken_mapping_file_is_one_clear_error(kx, tmp_path):
    mapping = write(tmp_path / "m.yaml", "name: x\nclass: kx:Enterprise\ncolumns:\n  - {id: a, headers: [甲]}\n")
    result = kx("validate", str(write(tmp_path / "s.csv", "甲\n乙\n")), "--mapping", str(mapping))
    assert result.exit_code == 1
    assert "m.yaml" in result.stderr and "no column has key: true" in result.stderr


def test_an_unknown_template_name_lists_the_templates(kx, tmp_path):
    result = kx("import", str(write(tmp_path / "s.csv", ENTERPRISES)), "--mapping", "factories")
    assert result.exit_code == 2 and "workstations" in result.stderr


def test_skip_bad_rows_with_no_good_row_writes_nothing(kx, tmp_path, store_path, loaded):
    sheet = write(tmp_path / "e.csv", "企业名称,统一社会信用代码\n示例企业,123\n")
    line = refused(kx, store_path, loaded, str(sheet), "--skip-bad-rows")
    assert "e.csv:2:统一社会信用代码" in line


def test_large_imports_run_shacl_on_representatives_and_report_every_row_like_them(tmp_path, monkeypatch):
    from kxgraph.tables import validate
    from kxgraph.tables.importer import check_tables

    monkeypatch.setattr(validate, "FULL_SHACL_ROWS", 5)
    lines = ["项目名称,项目状态,牵头单位"] + [f"示例项目{i},在研,示例企业{i}" for i in range(20)]
    lines += [f"无参与方示例项目{i},在研," for i in range(30)]       # the shapes need a participant
    plan, _ = check_tables([write(tmp_path / "p.csv", "\n".join(lines) + "\n")])
    assert "representative" in plan.shacl
    bad = sorted({p.row for p in plan.all_problems()})
    assert bad == list(range(22, 52)) and {p.column for p in plan.all_problems()} == {"参与单位"}


def _broken_graph(kx, tmp_path) -> str:
    """Import the sheets, move the workstations into kxg:imported and break one; return the graph's IRI."""
    kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)), str(write(tmp_path / "ws.csv", WORKSTATIONS)))
    imported = "https://w3id.org/kxgraph/graph/imported"
    host = "<https://w3id.org/kxgraph/ns#hostOrganization>"
    moved = kx("update", f"MOVE <{(tmp_path / 'ws.csv').resolve().as_uri()}> TO <{imported}> ; "
                         f"DELETE {{ GRAPH <{imported}> {{ ?ws {host} ?h }} }} WHERE {{ GRAPH <{imported}> "
                         f"{{ ?ws {host} ?h ; <http://www.w3.org/2000/01/rdf-schema#label> \"示例化工院士工作站\"@zh }} }}")
    assert moved.exit_code == 0, moved.output
    return imported


@pytest.mark.parametrize("name", ["kxg:imported", "<https://w3id.org/kxgraph/graph/imported>",
                                  "https://w3id.org/kxgraph/graph/imported"])
def test_validate_store_graph_takes_a_curie_or_an_iri_and_checks_that_graph(kx, tmp_path, name):
    _broken_graph(kx, tmp_path)
    result = kx("validate", "--store", "--graph", name, "--format", "json")
    assert result.exit_code == 1, result.output
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    assert len(rows) == 1 and "依托单位" in rows[0]["problem"]


@pytest.mark.parametrize("name", ["kxg:imprted", "kxg:gazeteer", "nonsense", "<x> { ?s ?p ?o } } #"])
def test_validate_store_graph_that_is_not_there_is_one_line_not_zero_problems(kx, tmp_path, name):
    _broken_graph(kx, tmp_path)
    result = kx("validate", "--store", "--graph", name)
    assert result.exit_code != 0 and result.exit_code != 1
    assert result.stderr.strip().count("\n") == 0 and "kx graphs" in result.stderr
    assert "0 problems" not in result.output


def test_shacl_of_an_import_sees_a_link_to_the_wrong_kind_with_only_the_ontology_it_reaches():
    # a project's participant must be a person or an organisation, of whichever listed kind:
    # validating with the part of the ontology the rows reach finds what the whole ontology finds
    from kxgraph.tables.validate import run_shacl

    kx, org, rdfs = "https://w3id.org/kxgraph/ns#", "https://w3id.org/kxgraph/id/org/", "http://www.w3.org/2000/01/rdf-schema#"
    rows = {"urn:x-test:wrong": ("https://w3id.org/kxgraph/id/standard/s1", "Standard", "示例标准"),
            "urn:x-test:right": (org + "e1", "Enterprise", "示例企业"),
            "urn:x-test:academy": (kx + "CAE", None, None)}   # an academy the ontology types
    lines = []
    for project, (other, cls, name) in rows.items():
        lines += [f"<{project}> a <{kx}CooperationProject> .", f'<{project}> <{rdfs}label> "示例项目"@zh .',
                  f"<{project}> <{kx}status> <{kx}RnDInProgress> .", f"<{project}> <{kx}participant> <{other}> ."]
        if cls:
            lines += [f"<{other}> a <{kx}{cls}> .", f'<{other}> <{rdfs}label> "{name}"@zh .']
    data = "\n".join(lines).replace(" a <", " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <") + "\n"
    about = lambda found: {(v["focus"], v["path"].rsplit("#", 1)[-1]) for v in found  # noqa: E731
                           if v["focus"].startswith("urn:x-test:")}
    reached = about(run_shacl(data, whole_ontology=False))
    assert reached == {("urn:x-test:wrong", "participant")}
    assert reached == about(run_shacl(data))
