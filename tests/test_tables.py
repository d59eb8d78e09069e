"""Spreadsheets into the graph: templates, encodings, headers, dates, stable IRIs, provenance,
duplicates and custom mappings, through the real ``kx import`` command."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pytest

from kxgraph.resources import resource_path
from kxgraph.tables.mapping import load_mapping, template_names
from kxgraph.tables.sheets import clean, name_key, parse_date, parse_year, split_names

TEMPLATES = resource_path("templates")
PREFIXES = ("PREFIX kx: <https://w3id.org/kxgraph/ns#> PREFIX org: <http://www.w3.org/ns/org#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            "PREFIX schema: <http://schema.org/> ")
ENTERPRISES = "企业名称,所属行业,所在区县\n示例钢铁有限公司,冶金,小店区\n示例化工有限公司,化工,晋源区\n"
WORKSTATIONS = ("工作站名称,依托单位,进站院士,建站时间,所在区县\n"
                "示例钢铁院士工作站,示例钢铁有限公司,示例院士甲,2019年6月,小店区\n"
                "示例化工院士工作站,示例化工有限公司,示例院士乙、示例院士丙,2020-03,晋源区\n")
WORKSTATIONS_EN = ("workstation_name,host_enterprise,academicians,founded,district\n"
                   "示例钢铁院士工作站,示例钢铁有限公司,示例院士甲,2019.6,Xiaodian\n"
                   "示例化工院士工作站,示例化工有限公司,示例院士乙; 示例院士丙,2020/3,Jinyuan\n")


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


WORKSTATIONS_QUERY = PREFIXES + """
    SELECT ?ws ?name ?host ?founded ?place (COUNT(?m) AS ?academicians) WHERE {
      ?ws a kx:AcademicianWorkstation ; rdfs:label ?name ; kx:hostOrganization/rdfs:label ?host ;
          dcterms:created ?founded ; schema:location ?place .
      OPTIONAL { ?m org:organization ?ws ; org:role kx:ResidentAcademician ; org:member ?a }
    } GROUP BY ?ws ?name ?host ?founded ?place ORDER BY ?name"""


def workstations(kx_json) -> list[dict]:
    return kx_json("query", WORKSTATIONS_QUERY)


def records(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


# -- cells ----------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["2019", "2019-06", "2019年6月", "2019年", "2019/6/1", "2019.6",
                                   2019, 43617, 43617.0, dt.datetime(2019, 6, 1), dt.date(2019, 6, 1)])
def test_dates_in_the_usual_forms_give_the_year(value):
    assert parse_year(value) == "2019"


@pytest.mark.parametrize(("value", "kept"), [("2019", ("2019", "gYear")), ("2019年", ("2019", "gYear")),
                                             ("2019年6月", ("2019-06", "gYearMonth")), ("2019.6", ("2019-06", "gYearMonth")),
                                             ("2019/6/1", ("2019-06-01", "date")), (43617, ("2019-06-01", "date")),
                                             (dt.datetime(2019, 6, 1), ("2019-06-01", "date"))])
def test_dates_keep_the_precision_they_are_written_with(value, kept):
    assert parse_date(value) == kept


@pytest.mark.parametrize("value", ["3.5", 12, "明年", "2019-13", "2019年2月30日"])
def test_what_is_not_a_date_is_refused_with_a_reason(value):
    with pytest.raises(ValueError, match=" / "):
        parse_year(value)
    with pytest.raises(ValueError, match=" / "):
        parse_date(value)


def test_full_width_and_whitespace_are_normalised_but_chinese_punctuation_kept():
    assert clean("  示例Ａ１公司\u3000（集团） ") == "示例A1公司 （集团）"
    assert name_key("示例Ａ１公司（集团）") == name_key("示例a1公司(集团)")


def test_cells_naming_several_entities_are_split_on_chinese_and_ascii_separators():
    assert split_names("甲、乙，丙,丁;戊；己/庚\n辛") == list("甲乙丙丁戊己庚辛")


def test_every_template_has_a_csv_an_xlsx_and_a_mapping():
    assert set(template_names()) >= {"workstations", "academicians", "experts", "enterprises",
                                     "projects", "outputs", "societies"}
    for name in template_names():
        assert (TEMPLATES / f"{name}.csv").is_file() and (TEMPLATES / f"{name}.xlsx").is_file()
        assert load_mapping(name).key.headers


# -- importing ------------------------------------------------------------------------------

def test_all_templates_import_together_and_link_up(kx, kx_json):
    files = sorted(str(p) for p in TEMPLATES.glob("*.csv"))
    result = kx("import", *files, "--format", "json")
    assert result.exit_code == 0, result.output
    (row,) = kx_json("query", PREFIXES + """
        SELECT ?ws ?project WHERE { ?project kx:carriedOutAt ?ws ; kx:produced ?o .
          ?ws kx:hostOrganization/rdfs:label "示例新材料有限公司"@zh .
          ?o a kx:Standard ; kx:level kx:National } """)
    assert row["ws"].startswith("https://w3id.org/kxgraph/id/org/ws-")
    # an academician named in the workstations sheet and defined in the academicians sheet is one
    people = kx_json("query", PREFIXES + 'SELECT DISTINCT ?p WHERE { ?p rdfs:label "示例院士甲"@zh }')
    assert len(people) == 1


def test_xlsx_templates_import_like_the_csv_ones(kx, kx_json):
    result = kx("import", str(TEMPLATES / "enterprises.xlsx"), str(TEMPLATES / "workstations.xlsx"))
    assert result.exit_code == 0, result.output
    names = {r["name"] for r in workstations_any(kx_json)}
    assert names == {"示例新材料院士工作站", "示例智能装备专家工作站"}


def workstations_any(kx_json):
    return kx_json("query", PREFIXES + "SELECT ?name WHERE { ?w kx:hostOrganization ?h ; rdfs:label ?name }")


def test_gbk_round_trip_without_naming_the_encoding(kx, kx_json, tmp_path):
    kx("import", str(write(tmp_path / "e.csv", ENTERPRISES, "gbk")))
    result = kx("import", str(write(tmp_path / "ws.csv", WORKSTATIONS, "gb18030")))
    assert result.exit_code == 0, result.output
    assert [r["host"] for r in workstations(kx_json)] == ["示例化工有限公司", "示例钢铁有限公司"]


def test_utf8_with_bom_and_explicit_encoding(kx, kx_json, tmp_path):
    kx("import", str(write(tmp_path / "e.csv", ENTERPRISES, "utf-8-sig")))
    result = kx("import", str(write(tmp_path / "ws.csv", WORKSTATIONS, "gbk")), "--encoding", "gbk")
    assert result.exit_code == 0, result.output
    assert len(workstations(kx_json)) == 2


def test_english_headers_give_the_same_resources_as_chinese_ones(kx, tmp_path):
    enterprises = str(write(tmp_path / "e.csv", ENTERPRISES))
    kx("import", enterprises, str(write(tmp_path / "zh.csv", WORKSTATIONS)))
    other = tmp_path / "other-store"
    result = kx("import", enterprises, str(write(tmp_path / "en.csv", WORKSTATIONS_EN)), store=other)
    assert result.exit_code == 0, result.output
    chinese, english = (records(kx("query", WORKSTATIONS_QUERY, "--format", "json", store=s))
                        for s in (None, other))
    assert english == chinese
    assert [(r["founded"], r["place"], r["academicians"]) for r in english] == [
        ("2020-03", "https://w3id.org/kxgraph/id/place/140110", "2"),
        ("2019-06", "https://w3id.org/kxgraph/id/place/140105", "1")]


@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_same_rows_imported_twice_give_the_same_store(kx, kx_json, tmp_path):
    files = [str(write(tmp_path / "e.csv", ENTERPRISES)), str(write(tmp_path / "ws.csv", WORKSTATIONS))]
    kx("import", *files)
    # the facts, not the sources' records (those say when each import ran)
    facts = ("SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
             "FILTER(!STRSTARTS(STR(?g), 'https://w3id.org/kxgraph/graph/source/')) } ORDER BY ?g ?s ?p ?o")
    first = kx_json("query", facts)
    kx("import", *files)
    assert kx_json("query", facts) == first


def test_each_file_is_its_own_graph_with_row_provenance(kx, kx_json, tmp_path):
    kx("import", str(write(tmp_path / "e.csv", ENTERPRISES)), str(write(tmp_path / "ws.csv", WORKSTATIONS)))
    rows = kx_json("query", PREFIXES + """
        SELECT ?g ?name ?row WHERE { GRAPH ?g { ?ws a kx:AcademicianWorkstation ; rdfs:label ?name ;
          dcterms:source ?r . ?r schema:position ?row ; dcterms:isPartOf ?g } } ORDER BY ?row""")
    graph = (tmp_path / "ws.csv").resolve().as_uri()
    assert [(r["g"], r["name"], r["row"]) for r in rows] == [
        (graph, "示例钢铁院士工作站", "2"), (graph, "示例化工院士工作站", "3")]


def test_workbook_sheets_are_named_in_the_provenance(kx, kx_json, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "企业名单"
    for line in ENTERPRISES.splitlines():
        book.active.append(line.split(","))
    book.save(tmp_path / "book.xlsx")
    assert kx("import", str(tmp_path / "book.xlsx")).exit_code == 0
    rows = kx_json("query", PREFIXES + """SELECT ?sheet ?row WHERE { ?e a kx:Enterprise ;
        dcterms:source ?r . ?r schema:position ?row ; dcterms:isPartOf/rdfs:label ?sheet } ORDER BY ?row""")
    assert [(r["sheet"], r["row"]) for r in rows] == [("企业名单", "2"), ("企业名单", "3")]


def test_merged_cells_title_rows_and_blank_rows_of_a_formatted_sheet(kx, kx_json, tmp_path):
    from openpyxl import Workbook

    kx("import", str(write(tmp_path / "e.csv", ENTERPRISES)))
    book = Workbook()
    ws = book.active
    ws.append(["2024年院士工作站名单"])
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["工作站名称", "依托单位", "进站院士", "建站时间", "所在区县"])
    ws.append(["示例钢铁院士工作站", "示例钢铁有限公司", "示例院士甲", dt.datetime(2019, 6, 1), "小店区"])
    ws.append([])
    ws.append(["示例钢铁第二院士工作站", None, "示例院士乙", 43900, "小店区"])
    ws.merge_cells("B4:B6")   # one host written once for both stations, across the blank row
    book.save(tmp_path / "formatted.xlsx")
    result = kx("import", str(tmp_path / "formatted.xlsx"))
    assert result.exit_code == 0, result.output
    rows = workstations(kx_json)
    assert [(r["name"], r["host"], r["founded"]) for r in rows] == [
        ("示例钢铁第二院士工作站", "示例钢铁有限公司", "2020-03-10"), ("示例钢铁院士工作站", "示例钢铁有限公司", "2019-06-01")]


def test_formula_cells_with_computed_values_are_read(kx, kx_json, tmp_path):
    from openpyxl import Workbook, load_workbook

    path = tmp_path / "f.xlsx"
    book = Workbook()
    book.active.append(["企业名称", "所属行业"])
    book.active.append(["示例公式企业", "=C2"])
    book.save(path)
    # Excel stores a formula's last value beside it; openpyxl does not, so write one in the XML
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b"<f>C2</f><v />", b'<f>C2</f><v>metallurgy</v>').replace(
        b'<c r="B2">', b'<c r="B2" t="str">')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert load_workbook(path, data_only=True).active["B2"].value == "metallurgy"
    result = kx("import", str(path))
    assert result.exit_code == 0, result.output
    assert kx_json("query", PREFIXES + "SELECT ?i WHERE { ?e kx:industry ?i }") == [{"i": "metallurgy"}]


def test_close_names_within_one_sheet_are_a_problem_until_decided(kx, kx_json, tmp_path):
    sheet = write(tmp_path / "e.csv", "企业名称,所属行业\n太原钢铁（集团）有限公司,冶金\n太钢集团,冶金\n示例化工有限公司,化工\n")
    refused = kx("import", str(sheet))
    assert refused.exit_code == 1
    assert "太钢集团" in refused.stderr and "太原钢铁（集团）有限公司" in refused.stderr
    assert "示例化工" not in refused.stderr
    assert kx("import", "--on-duplicate", "keep", str(sheet)).exit_code == 0
    assert len(kx_json("query", PREFIXES + "SELECT ?e WHERE { ?e a kx:Enterprise }")) == 3
    assert kx("import", str(sheet)).exit_code == 0          # decided once: kept apart on every re-import


def test_a_custom_yaml_mapping_reads_a_sheet_that_follows_no_template(kx, kx_json, tmp_path):
    mapping = write(tmp_path / "map.yaml", """
name: hosts
class: kx:Enterprise
columns:
  - {id: unit, headers: [单位], key: true}
  - {id: trade, headers: [行业], property: kx:industry}
  - {id: partners, headers: [合作单位], property: kx:participant, refers: kx:Enterprise, split: true, inverse: true}
""")
    sheet = write(tmp_path / "units.csv", "单位,行业,合作单位\n示例甲公司,冶金,示例乙公司／示例丙公司\n")
    result = kx("import", str(sheet), "--mapping", str(mapping))
    assert result.exit_code == 0, result.output
    rows = kx_json("query", PREFIXES + """SELECT ?other WHERE { ?o kx:participant ?e .
        ?e rdfs:label "示例甲公司"@zh ; kx:industry "冶金" . ?o rdfs:label ?other } ORDER BY ?other""")
    assert [r["other"] for r in rows] == sorted(["示例乙公司", "示例丙公司"])


def test_a_sheet_can_be_chosen_from_a_workbook(kx, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "说明"
    book.active.append(["本表为示例"])
    data = book.create_sheet("企业")
    for line in ENTERPRISES.splitlines():
        data.append(line.split(","))
    book.save(tmp_path / "book.xlsx")
    # an instructions sheet beside the data is left out, and said to be
    result = kx("import", str(tmp_path / "book.xlsx"))
    assert result.exit_code == 0, result.output
    assert "说明" in result.stderr and "sheet not imported" in result.stderr
    result = kx("import", str(tmp_path / "book.xlsx"), "--sheet", "企业", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "sheet not imported" not in result.stderr
    # chosen by name, a sheet without known headers is an error
    assert kx("import", str(tmp_path / "book.xlsx"), "--sheet", "说明").exit_code != 0


def test_python_api_imports_and_validates(tmp_path):
    import kxgraph

    with kxgraph.open(memory=True) as g:
        assert len(g.validate(str(TEMPLATES / "workstations.csv"))) == 0   # hosts made from their names
        assert len(g.validate(str(TEMPLATES / "workstations.csv"), strict=True)) == 2   # hosts not defined
        report = g.import_tables(str(TEMPLATES / "enterprises.csv"), str(TEMPLATES / "workstations.csv"))
        assert report.result().column("rows") == [3, 2]
        assert len(g.validate(store=True)) == 0


def test_excel_unicode_text_export_is_read(kx, kx_json, tmp_path):
    sheet = tmp_path / "e.txt"
    sheet.write_bytes(ENTERPRISES.replace(",", "\t").encode("utf-16"))
    result = kx("import", str(sheet))
    assert result.exit_code == 0, result.output
    assert len(kx_json("query", PREFIXES + "SELECT ?e WHERE { ?e a kx:Enterprise }")) == 2
