"""Attack 3: small files that expand to gigabytes are refused before any parser reads them.

Each runs ``kx`` in a subprocess under an address-space cap: a bomb that got through would die
of MemoryError or be killed instead of giving one line.
"""

from __future__ import annotations

import zipfile

import pytest

from .conftest import REPO, assert_refused, quad_dump, run_kx

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _rdfxml(doctype: str, body: str) -> str:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n{doctype}\n]>\n'
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="https://example.org/">\n{body}\n</rdf:RDF>\n')


def test_billion_laughs_in_rdfxml_is_refused(tmp_path, store):
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'
                                           for i in range(1, 10)]
    attack = tmp_path / "laughs.rdf"
    attack.write_text(_rdfxml("\n".join(entities),
                              '<rdf:Description rdf:about="https://example.org/x"><ex:p>&lol9;</ex:p>'
                              '</rdf:Description>'), encoding="utf-8")
    assert attack.stat().st_size < 1200
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(attack)), "laughs.rdf", "expand", "KXGRAPH_XML_MAX_EXPANSION")
    assert quad_dump(store) == before


def test_an_entity_used_many_times_cannot_build_a_gigabyte_literal(tmp_path, store):
    chunk = "x" * 100_000
    attack = tmp_path / "big-literal.rdf"
    attack.write_text(_rdfxml(f'<!ENTITY big "{chunk}">',
                              '<rdf:Description rdf:about="https://example.org/x"><ex:p>'
                              + "&big;" * 10_000 + '</ex:p></rdf:Description>'), encoding="utf-8")
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(attack)), "expand")
    assert quad_dump(store) == before


def test_entities_in_attributes_are_counted_too(tmp_path, store):
    entities = ['<!ENTITY a0 "aaaaaaaaaa">'] + [f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">'
                                                for i in range(1, 8)]
    attack = tmp_path / "attribute.rdf"
    attack.write_text(_rdfxml("\n".join(entities), '<rdf:Description rdf:about="https://example.org/&a7;"/>'),
                      encoding="utf-8")
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(attack)), "expand")
    assert quad_dump(store) == before


def test_deeply_nested_rdfxml_is_refused(tmp_path, store):
    depth = 100_000
    attack = tmp_path / "deep.rdf"
    attack.write_text(_rdfxml("", '<rdf:Description rdf:about="https://example.org/x">'
                              + "<ex:p><rdf:Description>" * depth + "</rdf:Description></ex:p>" * depth
                              + "</rdf:Description>"), encoding="utf-8")
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(attack)), "nest", "KXGRAPH_XML_MAX_DEPTH")
    assert quad_dump(store) == before


def test_rdfxml_with_ordinary_namespace_entities_still_loads(tmp_path, store):
    ok = tmp_path / "owl.rdf"
    ok.write_text(_rdfxml('<!ENTITY ex "https://example.org/">',
                          '<rdf:Description rdf:about="&ex;y"><ex:p>&ex;</ex:p></rdf:Description>'),
                  encoding="utf-8")
    result = run_kx(store, "load", str(ok))
    assert result.returncode == 0, result.stderr
    assert any("https://example.org/y" in q for q in quad_dump(store))


def test_a_64_megabyte_one_line_literal_is_refused_in_one_line(tmp_path, store):
    attack = tmp_path / "long.nt"
    with attack.open("w", encoding="ascii") as out:
        out.write('<https://example.org/x> <https://example.org/p> "')
        for _ in range(64):
            out.write("x" * (1 << 20))
        out.write('" .\n')
    before = quad_dump(store)
    assert_refused(run_kx(store, "load", str(attack)), "line 1", "KXGRAPH_MAX_LINE")
    assert quad_dump(store) == before


def test_the_line_limit_can_be_raised(tmp_path, store):
    data = tmp_path / "wide.nt"
    data.write_text('<https://example.org/x> <https://example.org/p> "' + "y" * 5000 + '" .\n', encoding="ascii")
    assert_refused(run_kx(store, "load", str(data), env={"KXGRAPH_MAX_LINE": "1000"}), "KXGRAPH_MAX_LINE")
    assert run_kx(store, "load", str(data), env={"KXGRAPH_MAX_LINE": "10000"}).returncode == 0


def _workbook(tmp_path, name: str, sheet_xml) -> str:
    """A real workbook from openpyxl with its first sheet's XML replaced by ``sheet_xml`` (chunks)."""
    from openpyxl import Workbook

    plain = tmp_path / "plain.xlsx"
    book = Workbook()
    book.active.append(["姓名", "专业领域"])
    book.save(plain)
    attack = tmp_path / name
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(attack, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            if member.filename == "xl/worksheets/sheet1.xml":
                with out.open(member.filename, "w") as handle:
                    for chunk in sheet_xml:
                        handle.write(chunk)
            else:
                out.writestr(member, source.read(member))
    return str(attack)


SHEET_HEAD = (b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet '
              b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def test_an_xlsx_with_one_cell_at_xfd1048576_is_refused(tmp_path, store):
    attack = _workbook(tmp_path, "far.xlsx", [
        SHEET_HEAD, b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>',
        b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>', SHEET_TAIL])
    before = quad_dump(store)
    assert_refused(run_kx(store, "import", "--mapping", "experts", attack), "far.xlsx", "KXGRAPH_XLSX_MAX_CELLS")
    assert quad_dump(store) == before


def test_an_xlsx_expanding_to_millions_of_cells_is_refused(tmp_path, store):
    row = b"<row>" + b"<c><v>1</v></c>" * 2000 + b"</row>"
    attack = _workbook(tmp_path, "cells.xlsx", [SHEET_HEAD, *(row for _ in range(2000)), SHEET_TAIL])
    assert (tmp_path / "cells.xlsx").stat().st_size < 1_000_000
    before = quad_dump(store)
    assert_refused(run_kx(store, "validate", attack), "cells.xlsx", "KXGRAPH_XLSX_MAX_CELLS")
    assert quad_dump(store) == before


def test_an_xlsx_unzipping_past_the_byte_cap_is_refused(tmp_path, store):
    padding = b"<!--" + b" " * (1 << 20) + b"-->"
    attack = _workbook(tmp_path, "zip.xlsx", [SHEET_HEAD, *(padding for _ in range(300)), SHEET_TAIL])
    before = quad_dump(store)
    assert_refused(run_kx(store, "import", "--mapping", "experts", attack), "unzips", "KXGRAPH_XLSX_MAX_BYTES")
    assert quad_dump(store) == before


def test_a_yaml_alias_bomb_in_a_mapping_is_refused(tmp_path, store):
    lines = ["name: experts", "class: kx:AcademicianTeamExpert", 'a0: &a0 ["lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    lines += ["columns: *a9"]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert bomb.stat().st_size < 1000
    before = quad_dump(store)
    result = run_kx(store, "import", "--mapping", str(bomb), str(REPO / "data" / "templates" / "experts.csv"))
    assert_refused(result, "bomb.yaml", "alias")
    assert quad_dump(store) == before


XLSX_CAP = 320 * 1024 * 1024  # address space: openpyxl's cell model of this workbook needs about 420 MB


@pytest.mark.slow
def test_a_large_honest_workbook_is_read_as_a_stream_within_a_memory_cap(tmp_path):
    """300,000 cells (under the cell cap) read row by row: openpyxl's read-only mode, merged
    header cells still spread (read from the sheet's XML)."""
    import resource
    import subprocess
    import sys

    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.merged_cells.add("A1:B1")  # a header over two columns: read-only mode does not expose merges
    sheet.append(["姓名（合成）", None, "职称", "年份", "电话", "备注", "a", "b", "c", "d"])
    for i in range(30_000):
        sheet.append([f"示例{i}", f"单位{i % 100}", "研究员", 2000 + i % 20, f"1380000{i:04d}", "合成", i, 2 * i, "x", "y"])
    path = tmp_path / "large.xlsx"
    book.save(path)
    code = ("from kxgraph.tables.sheets import read_tables; s = read_tables(%r)[0]; "
            "print(len(s.rows), s.rows[0][1][:2], s.rows[-1][1][0])" % str(path))
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (XLSX_CAP, XLSX_CAP)))
    assert proc.returncode == 0, proc.stderr[-500:]
    assert proc.stdout.split("\n")[0] == "30001 ['姓名（合成）', '姓名（合成）'] 示例29999"
