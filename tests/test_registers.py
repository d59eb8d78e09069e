"""Registers as offices keep them (issue 12): header variants and extra columns, hosts of any kind
that no other sheet defines, academies and divisions, dates with their precision.

Every name here is invented (示例…); the divisions are the real ones shipped as reference data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PREFIXES = ("PREFIX kx: <https://w3id.org/kxgraph/ns#> PREFIX org: <http://www.w3.org/ns/org#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
CLASS_COUNTS = PREFIXES + """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
    GRAPH ?g { ?s a ?class } FILTER(?g != <https://w3id.org/kxgraph/graph/ontology>) } GROUP BY ?class"""

# A workstation register as an office keeps it: 所在县区 (not 所在区县), a contact and a remarks
# column, hosts of every kind and no enterprise register beside it.
STATIONS = ("序号,工作站名称,依托单位,单位类型,进站院士,建站时间,所在县区,联系人,备注\n"
            "1,示例甲院士工作站,示例市第一人民医院,,示例院士甲,2021年3月,小店区,示例联系人甲,新建\n"
            "2,示例乙院士工作站,示例理工大学,,示例院士乙,2019,迎泽区,,\n"
            "3,示例丙院士工作站,示例煤化工研究所,,示例院士丙,2018-05-20,晋源区,示例联系人丙,\n"
            "4,示例丁院士工作站,示例装备制造有限公司,,示例院士甲,2020,万柏林区,,\n"
            "5,示例戊院士工作站,示例农业服务中心,事业单位,示例院士乙,2022年,清徐县,,\n")


def rows_of(result) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def counts(kx_json) -> dict[str, int]:
    return {r["class"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]: int(r["n"]) for r in kx_json("query", CLASS_COUNTS)}


@pytest.fixture
def gbk_register(tmp_path: Path) -> Path:
    path = tmp_path / "工作站名单.csv"
    path.write_bytes(STATIONS.encode("gbk"))
    return path


def xlsx_register(path: Path) -> Path:
    """The same register as XLSX: a title row, headers merged over two rows, a 合计 row."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["示例市院士工作站名单"])
    ws.merge_cells("A1:I1")
    lines = [line.split(",") for line in STATIONS.strip().splitlines()]
    ws.append(lines[0])
    ws.append(lines[0])                      # the header merged down over two rows
    for column in "ABCDEFGHI":
        ws.merge_cells(f"{column}2:{column}3")
    for cells in lines[1:]:
        ws.append([c or None for c in cells])
    ws.append(["合计", "5个"])
    book.save(path)
    return path


# -- 1. headers -------------------------------------------------------------------------------

def test_a_gbk_register_with_header_variants_and_extra_columns_imports(kx, kx_json, gbk_register):
    result = kx("import", str(gbk_register))
    assert result.exit_code == 0, result.output
    assert "联系人" in result.stderr and "kept as notes" in result.stderr       # a warning, not an error
    assert result.stderr.count("kept as notes") == 1                            # 备注 is expected: no warning
    found = counts(kx_json)
    assert found["AcademicianWorkstation"] == 5 and found["Academician"] == 3
    places = kx_json("query", PREFIXES + "SELECT ?ws ?p WHERE { ?ws a kx:AcademicianWorkstation ; "
                     "<http://schema.org/location> ?p }")
    assert len(places) == 5                                                      # 所在县区 is 所在区县
    notes = kx_json("query", PREFIXES + """SELECT ?name ?header ?text WHERE { ?ws rdfs:label ?name ;
        kx:note ?n . ?n rdf:value ?text ; kx:noteHeader ?header } ORDER BY ?name ?header""")
    assert [(n["name"], n["header"], n["text"]) for n in notes] == [
        ("示例丙院士工作站", "联系人", "示例联系人丙"), ("示例甲院士工作站", "备注", "新建"),
        ("示例甲院士工作站", "联系人", "示例联系人甲")]
    assert kx("validate", "--store").exit_code == 0                             # the notes fit the shapes


def test_strict_refuses_an_unknown_column_and_a_headers_file_maps_it(kx, tmp_path):
    sheet = tmp_path / "e.csv"
    sheet.write_text("企业名称,企业规模\n示例有限公司,中型\n", encoding="utf-8")
    refused = kx("validate", str(sheet), "--strict", "--format", "json")
    assert refused.exit_code == 1 and "unknown column" in rows_of(refused)[0]["problem"]
    (tmp_path / "h.yaml").write_text("industry: [企业规模]\n", encoding="utf-8")
    assert kx("validate", str(sheet), "--strict", "--headers", str(tmp_path / "h.yaml")).exit_code == 0


def test_a_headers_file_with_an_alias_is_refused(kx, tmp_path):
    sheet = tmp_path / "e.csv"
    sheet.write_text("企业名称\n示例有限公司\n", encoding="utf-8")
    (tmp_path / "h.yaml").write_text("a: &x [甲, 乙]\nb: *x\n", encoding="utf-8")
    result = kx("validate", str(sheet), "--headers", str(tmp_path / "h.yaml"))
    assert result.exit_code != 0 and "aliases" in result.stderr


# -- 2. hosts no sheet defines --------------------------------------------------------------------

def test_hosts_no_sheet_defines_become_organisations_of_the_kind_their_name_or_type_says(kx, kx_json, tmp_path):
    book = xlsx_register(tmp_path / "工作站名单.xlsx")
    result = kx("import", str(book))
    assert result.exit_code == 0, result.output
    assert "created" in result.stderr and "依托单位" in result.stderr and "kx:Hospital" in result.stderr
    hosts = kx_json("query", PREFIXES + """SELECT ?name ?class WHERE { ?ws kx:hostOrganization ?h .
        ?h a ?class ; rdfs:label ?name ; dcterms:source ?row } ORDER BY ?name""")
    kinds = {h["name"]: h["class"].rsplit("#", 1)[-1] for h in hosts}
    assert kinds == {"示例市第一人民医院": "Hospital", "示例理工大学": "University",
                     "示例煤化工研究所": "ResearchInstitute", "示例装备制造有限公司": "Enterprise",
                     "示例农业服务中心": "PublicInstitution"}
    assert kx("validate", "--store").exit_code == 0


def test_a_host_kind_outside_the_scheme_names_row_column_and_the_allowed_values(kx, tmp_path):
    sheet = tmp_path / "w.csv"
    sheet.write_text(STATIONS.replace(",事业单位,", ",机构,"), encoding="utf-8")
    result = kx("validate", str(sheet), "--format", "json")
    [problem] = rows_of(result)
    assert (problem["row"], problem["column"], problem["value"]) == ("6", "单位类型", "机构")
    assert "医院" in problem["problem"] and "事业单位" in problem["problem"] and "企业" in problem["problem"]


def test_strict_requires_hosts_to_be_defined(kx, gbk_register):
    result = kx("validate", str(gbk_register), "--strict", "--format", "json")
    problems = rows_of(result)
    assert {p["column"] for p in problems} == {"依托单位", "联系人"}
    assert sum(p["column"] == "依托单位" for p in problems) == 5
