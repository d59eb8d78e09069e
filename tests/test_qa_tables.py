"""Spreadsheets as office staff really make them: a title row, merged and hidden header cells,
a 序号 column, full-width digits, annotated names, a 合计 row, notes under the table and an
instructions sheet. Each must import without hand-editing, and what is left out is said."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from kxgraph.tables.sheets import clean, split_names, strip_note

PREFIXES = ("PREFIX kx: <https://w3id.org/kxgraph/ns#> PREFIX org: <http://www.w3.org/ns/org#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> ")
ENTERPRISES = "企业名称,所属行业,所在区县\n示例新材料有限公司,新材料,小店区\n示例装备,装备制造,迎泽区\n"
STATIONS = PREFIXES + """SELECT ?name ?founded (GROUP_CONCAT(?who; separator="|") AS ?academicians) WHERE {
    ?ws a kx:AcademicianWorkstation ; rdfs:label ?name ; dcterms:created ?founded .
    OPTIONAL { ?m org:organization ?ws ; org:member/rdfs:label ?who } } GROUP BY ?name ?founded ORDER BY ?name"""


def office_workbook(path: Path) -> Path:
    """A workstation list the way it comes out of WPS/Excel in an office (synthetic names)."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "工作站名单"
    ws.append(["太原市院士工作站名单（2023年）"])
    ws.merge_cells("A1:H1")
    ws.append(["填报单位：（盖章）", None, None, None, None, "填报日期：2023年12月"])
    ws.append(["序号", "工作站名称", "依托单位", "进站院士", None, "建站时间", "所在区县", "备注", None])
    ws.merge_cells("D3:E3")                    # one header over two columns, the second hidden
    ws.column_dimensions["E"].hidden = True
    ws.append(["１", "示例新材料院士工作站", "示例新材料有限公司",
               "示例院士甲（中国工程院院士，材料）、示例院士乙（中国科学院院士）", None, "2019年6月", "小店区"])
    ws.append(["２", "示例装备院士工作站", "示例装备", "示例院士丙，示例院士丁", None, "2019.6", "迎泽区", "新建"])
    ws.append(["３", "示例　能源院士工作站", "示例新材料有限公司", "示例院士甲", None, "２０２１年３月", "万柏林区"])
    ws.append(["４"])                            # a pre-numbered row nobody filled in
    ws.append(["合  计", "3个"])
    ws.append([])
    ws.append(["注：1.建站时间以批复文件为准；2.进站院士以签约为准。"])
    ws.append(["填表人：示例", None, "联系电话：0351-0000000"])
    notes = book.create_sheet("说明")
    notes.append(["填表说明"])
    notes.append(["1. 每个工作站一行，进站院士用顿号分隔"])
    book.save(path)
    return path


@pytest.fixture
def enterprises(tmp_path: Path) -> Path:
    path = tmp_path / "enterprises.csv"
    path.write_text(ENTERPRISES, encoding="utf-8")
    return path


def test_an_office_workbook_imports_as_it_is(kx, kx_json, tmp_path, enterprises):
    book = office_workbook(tmp_path / "工作站名单.xlsx")
    result = kx("import", str(enterprises), str(book), "--format", "json")
    assert result.exit_code == 0, result.output
    summary = {r["file"]["value"]: int(r["rows"]["value"]) for r in json.loads(result.stdout)["results"]["bindings"]}
    assert summary[str(book)] == 3
    rows = kx_json("query", STATIONS)
    assert [(r["name"], r["founded"], sorted(r["academicians"].split("|"))) for r in rows] == [
        ("示例新材料院士工作站", "2019-06", ["示例院士乙", "示例院士甲"]),
        ("示例能源院士工作站", "2021-03", ["示例院士甲"]),
        ("示例装备院士工作站", "2019-06", ["示例院士丁", "示例院士丙"]),
    ]


def test_total_rows_notes_and_instruction_sheets_are_said_to_be_left_out(kx, tmp_path, enterprises):
    result = kx("import", str(enterprises), str(office_workbook(tmp_path / "book.xlsx")))
    assert result.exit_code == 0, result.output
    left_out = [line for line in result.stderr.splitlines() if "book.xlsx" in line]
    assert any(" 8 " in line and "合计" in line and "total row" in line for line in left_out)
    assert sum("note below the table" in line for line in left_out) == 2
    assert any("说明" in line and "sheet not imported" in line for line in left_out)


def test_validate_finds_nothing_wrong_with_the_office_workbook(kx, tmp_path, enterprises):
    result = kx("validate", str(enterprises), str(office_workbook(tmp_path / "book.xlsx")), "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []


def test_a_workbook_with_no_recognised_sheet_is_still_an_error(kx, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["颜色", "大小"])
    book.active.append(["红", "大"])
    book.create_sheet("说明").append(["填表说明"])
    book.save(tmp_path / "other.xlsx")
    result = kx("validate", str(tmp_path / "other.xlsx"))
    assert result.exit_code == 1
    assert result.stdout.count("no known column headers") == 2


def test_a_gbk_csv_with_title_total_and_note_rows(kx, kx_json, tmp_path, enterprises):
    path = tmp_path / "名单.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["太原市院士工作站名单（2023年）", "", "", "", "", "", ""])
        out.writerow(["序号", "工作站名称", "依托单位", "进站院士", "建站时间", "所在区县", ""])
        out.writerow(["１", "示例装备院士工作站", "示例装备", "示例院士丙（中国工程院院士）", "2019.6", "迎泽区", ""])
        out.writerow(["合计", "1", "", "", "", "", ""])
        out.writerow(["注：建站时间以批复文件为准。", "", "", "", "", "", ""])
    result = kx("import", str(enterprises), str(path))
    assert result.exit_code == 0, result.output
    assert [(r["name"], r["academicians"]) for r in kx_json("query", STATIONS)] == [("示例装备院士工作站", "示例院士丙")]


def test_a_row_named_like_a_total_inside_a_cell_is_still_data(kx, kx_json, tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("企业名称,所属行业\n合计科技有限公司,软件\n", encoding="utf-8")
    assert kx("import", str(path)).exit_code == 0
    assert kx_json("query", PREFIXES + "SELECT ?n WHERE { ?e a kx:Enterprise ; rdfs:label ?n }") == [
        {"n": "合计科技有限公司"}]


def test_two_filled_columns_under_one_merged_header(kx, kx_json, tmp_path, enterprises):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["工作站名称", "依托单位", "进站院士", None, "建站时间"])
    ws.merge_cells("C1:D1")
    ws.append(["示例装备院士工作站", "示例装备", "示例院士丙", "示例院士丁", 2019])
    book.save(tmp_path / "two.xlsx")
    assert kx("import", str(enterprises), str(tmp_path / "two.xlsx")).exit_code == 0
    assert [sorted(r["academicians"].split("|")) for r in kx_json("query", STATIONS)] == [["示例院士丁", "示例院士丙"]]
    ws["E2"] = None
    ws.merge_cells("E1:F1")
    ws["E2"], ws["F2"] = 2019, 2020           # a one-value column with two different values
    book.save(tmp_path / "two.xlsx")
    result = kx("validate", str(enterprises), str(tmp_path / "two.xlsx"), "--format", "json")
    problems = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    assert result.exit_code == 1
    assert [(p["row"], p["column"], p["value"]) for p in problems] == [("2", "建站时间", "2020")]
    assert "merged header" in problems[0]["problem"]


def test_a_hidden_helper_column_is_not_part_of_the_table_but_a_visible_one_is(kx, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["企业名称", "辅助列"])
    book.active.append(["示例装备", "x"])
    book.active.column_dimensions["B"].hidden = True
    book.save(tmp_path / "hidden.xlsx")
    assert kx("validate", str(tmp_path / "hidden.xlsx")).exit_code == 0
    book.active.column_dimensions["B"].hidden = False
    book.save(tmp_path / "hidden.xlsx")
    result = kx("validate", str(tmp_path / "hidden.xlsx"), "--strict")
    assert result.exit_code == 1 and "辅助列" in result.stdout and "unknown column" in result.stdout


def test_a_person_named_with_a_note_is_the_same_person_as_without(kx, kx_json, tmp_path, enterprises):
    people = tmp_path / "academicians.csv"
    people.write_text("姓名,所属学院\n示例院士甲（中国工程院院士）,中国工程院\n", encoding="utf-8")
    stations = tmp_path / "ws.csv"
    stations.write_text("工作站名称,依托单位,进站院士\n示例院士工作站,示例装备,示例院士甲（院士）\n", encoding="utf-8")
    assert kx("import", str(enterprises), str(people), str(stations)).exit_code == 0
    rows = kx_json("query", PREFIXES + "SELECT ?a ?n WHERE { ?a a kx:Academician ; rdfs:label ?n }")
    assert [r["n"] for r in rows] == ["示例院士甲"]


def test_notes_are_dropped_from_names_of_people_only():
    assert strip_note("示例院士甲 (CAE)") == "示例院士甲"
    assert strip_note("（仅注释）") == "（仅注释）"
    assert split_names("示例院士甲（中国工程院院士，材料）、示例院士乙") == ["示例院士甲（中国工程院院士，材料）", "示例院士乙"]
    assert split_names("太原钢铁（集团）有限公司，示例（未闭合、示例乙") == ["太原钢铁（集团）有限公司", "示例（未闭合", "示例乙"]


def test_spaces_that_pad_chinese_names_to_one_width_go():
    assert clean("王　伟") == "王伟"
    assert clean("示例 能源院士工作站") == "示例能源院士工作站"
    assert clean("Taiyuan Heavy Industry") == "Taiyuan Heavy Industry"
    assert clean("示例A1公司 （集团）") == "示例A1公司 （集团）"


def problems_of(result) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def test_a_place_written_short_is_the_district_and_an_unknown_place_is_an_error(kx, kx_json, tmp_path):
    sheet = tmp_path / "e.csv"
    sheet.write_text("企业名称,所在区县\n示例甲公司,小店\n示例乙公司,太原市\n", encoding="utf-8")
    result = kx("validate", str(sheet), "--format", "json")
    assert result.exit_code == 1
    [problem] = problems_of(result)
    assert (problem["row"], problem["column"], problem["value"]) == ("3", "所在区县", "太原市")
    assert "小店区" in problem["problem"] and "not a known district" in problem["problem"]
    sheet.write_text("企业名称,所在区县\n示例甲公司,小店\n", encoding="utf-8")
    assert kx("import", str(sheet)).exit_code == 0
    assert kx_json("query", PREFIXES + "PREFIX schema: <http://schema.org/> SELECT ?p WHERE { ?e schema:location ?p }") == [
        {"p": "https://w3id.org/kxgraph/id/place/140105"}]


def test_the_academy_may_be_written_as_the_title(kx, kx_json, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("姓名,所属学院,当选年份\n示例院士甲,中国工程院院士,2011\n示例院士乙,中科院院士,2015\n", encoding="utf-8")
    assert kx("import", str(sheet)).exit_code == 0, kx("validate", str(sheet)).output
    rows = kx_json("query", PREFIXES + """SELECT ?n ?academy ?year WHERE { ?m org:member/rdfs:label ?n ;
        org:organization ?academy ; kx:electionYear ?year } ORDER BY ?n""")
    assert [(r["n"], r["academy"].rsplit("#", 1)[1], r["year"]) for r in rows] == [
        ("示例院士乙", "CAS", "2015"), ("示例院士甲", "CAE", "2011")]


def test_a_year_without_its_academy_names_the_column_to_fill_and_a_wrong_academy_is_one_problem(kx, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("姓名,所属学院,当选年份\n示例院士甲,,2011\n示例院士乙,三院,2015\n", encoding="utf-8")
    result = kx("validate", str(sheet), "--format", "json")
    assert [(p["row"], p["column"]) for p in problems_of(result)] == [("2", "当选年份"), ("3", "所属学院")]
    assert "所属学院" in problems_of(result)[0]["problem"]


@pytest.mark.parametrize(("text", "says"), [
    ("class: kx:Enterprise\ncolumns:\n  - {id: unit, headers: [单位]}\n", "no column has key: true"),
    ("class: kx:Enterprise\ncolumns:\n  - {id: unit, headers: [单位], key: true}\n  - {id: t, headers: [行业], propery: kx:industry}\n",
     "column 't': unknown key 'propery'"),
    ("class: kx:Enterprize\ncolumns:\n  - {id: unit, headers: [单位], key: true}\n", "class: kx:Enterprize is not a class"),
    ("class: kx:Enterprise\ncolumns:\n  - {id: unit, headers: [单位], key: true}\n  - {id: p, headers: [院校], refers: kx:Universty}\n",
     "column 'p' refers: kx:Universty is not a class"),
    ("class: kx:Enterprise\ncolumns:\n  - {id: unit, headers: [单位], key: true\n", "m.yaml:4: not valid YAML"),
])
def test_a_broken_mapping_is_one_line_naming_the_file_and_the_mistake(kx, tmp_path, text, says):
    (tmp_path / "m.yaml").write_text(text, encoding="utf-8")
    (tmp_path / "s.csv").write_text("单位,行业,院校\n示例甲公司,化工,示例大学\n", encoding="utf-8")
    result = kx("validate", str(tmp_path / "s.csv"), "--mapping", str(tmp_path / "m.yaml"))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert "m.yaml" in line and says in line


BROKEN_RULES = """
@prefix kx: <https://w3id.org/kxgraph/ns#> . @prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix ex: <https://example.org/qa/> .
ex:p1 a kx:CooperationProject ; rdfs:label "示例项目"@zh ; kx:status kx:RnDInProgress ;
  kx:participant ex:e1 ; kx:leadOrganization ex:e2 .
ex:p2 a kx:CooperationProject ; rdfs:label "示例项目二"@zh ; kx:status kx:RnDInProgress ;
  kx:participant ex:e1 ; kx:leadOrganization ex:e1 .
ex:e1 a kx:Enterprise ; rdfs:label "Sample A"@en , "示例甲公司"@zh .
ex:e2 a kx:Enterprise ; rdfs:label "Sample B"@en , "示例乙公司"@zh .
ex:a1 a kx:Academician ; rdfs:label "示例院士甲"@zh .
ex:m1 a org:Membership ; org:member ex:a1 ; org:organization ex:e1 ; org:role kx:AcademicianMember .
ex:m2 a org:Membership ; org:member ex:a1 ; org:organization kx:CAE ; org:role kx:AcademicianMember .
"""


def test_store_validation_applies_the_sparql_rules_of_the_shapes(kx, tmp_path):
    (tmp_path / "rules.ttl").write_text(BROKEN_RULES, encoding="utf-8")
    assert kx("load", str(tmp_path / "rules.ttl")).exit_code == 0
    result = kx("validate", "--store", "--format", "json")
    assert result.exit_code == 1
    found = sorted((p["file"].rsplit("/", 1)[1], p["value"], p["problem"].split(" / ")[1]) for p in problems_of(result))
    assert found == [
        ("m1", "示例甲公司", "the academician and foreign-member roles belong to memberships of CAS or CAE only"),
        ("p1", "示例乙公司", "the lead organisation must also be a participant"),
    ]


def test_a_host_named_without_its_legal_form_points_to_the_defined_one(kx, tmp_path):
    (tmp_path / "e.csv").write_text("企业名称\n示例装备有限公司\n", encoding="utf-8")
    (tmp_path / "w.csv").write_text("工作站名称,依托单位\n示例装备院士工作站,示例装备\n示例化工院士工作站,示例化工\n",
                                    encoding="utf-8")
    result = kx("validate", str(tmp_path / "e.csv"), str(tmp_path / "w.csv"), "--format", "json")
    hints = [p["problem"] for p in problems_of(result)]
    assert len(hints) == 1 and "did you mean 示例装备有限公司?" in hints[0]   # 示例化工 becomes a host of its own
    result = kx("validate", str(tmp_path / "e.csv"), str(tmp_path / "w.csv"), "--format", "json", "--strict")
    hints = [p["problem"] for p in problems_of(result)]
    assert len(hints) == 2
    assert "did you mean 示例装备有限公司?" in hints[0] and "did you mean" not in hints[1]


@pytest.mark.parametrize(("name", "content", "says"), [
    ("old.xls", b"\xd0\xcf\x11\xe0", "另存为.xlsx"),
    ("book.csv", b"PK\x03\x04 rest", "不是CSV"),
    ("gbk.csv", "企业名称\n示例公司\n".encode("gbk"), "编码不对"),
])
def test_a_file_that_cannot_be_read_says_why_in_chinese_and_english(kx, tmp_path, name, content, says):
    (tmp_path / name).write_bytes(content)
    extra = ["--encoding", "utf-8"] if name == "gbk.csv" else []
    result = kx("validate", str(tmp_path / name), *extra)
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert name in line and says in line and " / " in line


def test_names_on_separate_lines_of_a_cell_are_several_and_a_wrapped_name_is_one(kx, kx_json, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["工作站名称", "依托单位", "进站院士", "建站时间"])
    book.active.append(["示例装备院士工作站", "示例装备\n有限公司", "示例院士丙\n示例院士丁（中国工程院院士）", 2019])
    book.save(tmp_path / "lines.xlsx")
    (tmp_path / "e.csv").write_text("企业名称\n示例装备有限公司\n", encoding="utf-8")
    result = kx("import", str(tmp_path / "e.csv"), str(tmp_path / "lines.xlsx"))
    assert result.exit_code == 0, result.output
    assert [sorted(r["academicians"].split("|")) for r in kx_json("query", STATIONS)] == [["示例院士丁", "示例院士丙"]]


def test_a_custom_mapping_need_not_list_the_running_number_column(kx, tmp_path):
    (tmp_path / "m.yaml").write_text("class: kx:Enterprise\ncolumns:\n  - {id: unit, headers: [单位], key: true}\n",
                                     encoding="utf-8")
    (tmp_path / "s.csv").write_text("序号,单位\n1,示例甲公司\n", encoding="utf-8")
    result = kx("validate", str(tmp_path / "s.csv"), "--mapping", str(tmp_path / "m.yaml"))
    assert result.exit_code == 0, result.output


def test_csv_rows_are_numbered_as_excel_shows_them_even_after_a_cell_with_line_breaks(kx, tmp_path):
    path = tmp_path / "w.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerows([["工作站名称", "依托单位", "进站院士", "建站时间"],
                       ["示例甲院士工作站", "示例装备", "示例院士丙\n示例院士丁", "2019"],
                       ["示例乙院士工作站", "示例装备", "示例院士丙", "明年"]])
    (tmp_path / "e.csv").write_text("企业名称\n示例装备\n", encoding="utf-8")
    result = kx("validate", str(tmp_path / "e.csv"), str(path), "--format", "json")
    assert [(p["row"], p["value"]) for p in problems_of(result)] == [("3", "明年")]


def test_a_header_repeated_on_each_page_or_spread_by_a_two_row_merge_is_not_data(kx, kx_json, tmp_path, enterprises):
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["序号", "工作站名称", "依托单位", "进站院士", "建站时间"])
    ws.append([None, None, None, "(姓名)", None])          # a second header row under merged cells
    for column in "ABCE":
        ws.merge_cells(f"{column}1:{column}2")
    ws.append([1, "示例新材料院士工作站", "示例新材料有限公司", "示例院士甲", 2019])
    ws.append(["序号", "工作站名称", "依托单位", "进站院士", "建站时间"])   # the next printed page
    ws.append([2, "示例装备院士工作站", "示例装备", "示例院士丙", 2020])
    book.save(tmp_path / "pages.xlsx")
    result = kx("import", str(enterprises), str(tmp_path / "pages.xlsx"))
    assert result.exit_code == 0, result.output
    assert [r["name"] for r in kx_json("query", STATIONS)] == ["示例新材料院士工作站", "示例装备院士工作站"]
    assert result.stderr.count("the header repeated") == 2
