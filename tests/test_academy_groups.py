"""Grouping by academy and division (issue 12): counts by academy, by division and by election
year with zh/en names, ``show`` naming an academician's academy, division and election, views
coloured by academy or division with a legend, and the bad inputs that must stay questions.

Every name here is synthetic (示例…).
"""

from __future__ import annotations

import json

import pytest

import kxgraph

ACADEMICIANS = ("姓名,院别,学部,当选时间,工作单位\n"
                "示例院士甲,两院院士,化学部,2021年11月,示例理工大学\n"
                "示例院士乙,中国工程院,机械与运载工程学部,2019,示例重工集团有限公司\n"
                "示例院士丙,中国工程院,机械与运载工程学部,2019,示例重工集团有限公司\n"
                "示例院士丁,中国科学院,生物学部,1995,示例医科大学第一医院\n")


@pytest.fixture(scope="module")
def graph(tmp_path_factory):
    """A new store holding four synthetic academicians, imported from a register-shaped sheet."""
    folder = tmp_path_factory.mktemp("academies")
    sheet = folder / "院士名单.csv"
    sheet.write_text(ACADEMICIANS, encoding="utf-8")
    with kxgraph.open(folder / "store", mode="create") as g:
        g.import_tables(sheet)
    g = kxgraph.open(folder / "store")
    yield g
    g.close()


def records(result) -> list[dict]:
    return [{k: v for k, v in r.items() if v is not None} for r in result.records()]


def test_counts_by_academy_carry_zh_and_en_names(graph):
    got = {(r["label"], r["label_en"]): r["academicians"] for r in records(graph.named_query("academicians-by-academy"))}
    assert got == {("中国工程院", "Chinese Academy of Engineering"): 3, ("中国科学院", "Chinese Academy of Sciences"): 2}


def test_counts_by_division_carry_zh_and_en_names_and_the_academy(graph):
    rows = records(graph.named_query("academicians-by-division", {"academy": "kx:CAE"}))
    assert {r["academy_label"] for r in rows} == {"中国工程院"}
    mechanical = [r for r in rows if r["label"] == "机械与运载工程学部"]
    assert mechanical[0]["label_en"] == "Division of Mechanical and Vehicle Engineering"
    assert mechanical[0]["academicians"] == 2
    assert rows[0]["label"] == "机械与运载工程学部"  # the biggest division first


def test_counts_by_election_year_carry_the_academys_names(graph):
    rows = records(graph.named_query("academicians-by-election-year"))
    got = {(r["year"], r["label"]): r["academicians"] for r in rows}
    assert got == {("1995", "中国科学院"): 1, ("2019", "中国工程院"): 2, ("2021", "中国工程院"): 1,
                   ("2021", "中国科学院"): 1}
    assert {r["label_en"] for r in rows} == {"Chinese Academy of Sciences", "Chinese Academy of Engineering"}
    only = records(graph.named_query("academicians-by-election-year", {"academy": "kx:CAS"}))
    assert {r["label"] for r in only} == {"中国科学院"}


def test_show_names_the_academy_division_and_election_by_label(kx, graph, tmp_path):
    sheet = tmp_path / "院士名单.csv"
    sheet.write_text(ACADEMICIANS, encoding="utf-8")
    assert kx("import", str(sheet)).exit_code == 0
    result = kx("show", "示例院士甲", "--format", "json")
    assert result.exit_code == 0, result.stderr
    rows = [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]
    membership = {r.get("label") or r["value"] for r in rows if r["section"] == "membership"}
    assert {"中国科学院", "中国工程院", "化学部", "2021-11"} <= membership
    table = kx("show", "示例院士甲").stdout
    assert "中国工程院" in table and "化学部" in table and "2021-11" in table


def test_a_view_coloured_by_academy_has_one_group_per_academy_with_a_legend(graph):
    view = graph.view(links=["all"], color_by="academy")
    data = view.data()
    legend = {(g["zh"], g["en"]): g["count"] for g in data["groups"]}
    assert legend[("中国工程院", "Chinese Academy of Engineering")] == 2
    assert legend[("中国科学院", "Chinese Academy of Sciences")] == 1
    assert legend[("中国工程院 + 中国科学院", "Chinese Academy of Engineering + Chinese Academy of Sciences")] == 1
    people = {n["zh"]: data["groups"][n["k"]]["zh"] for n in data["nodes"] if n["zh"].startswith("示例院士")}
    assert people["示例院士乙"] == people["示例院士丙"] == "中国工程院"
    others = [n for n in data["nodes"] if not n["zh"].startswith("示例院士")]
    assert others and {data["groups"][n["k"]]["en"] for n in others} == {"not an academician"}


def test_a_view_coloured_by_division_groups_by_division(graph):
    data = graph.view(links=["all"], color_by="division").data()
    people = {n["zh"]: data["groups"][n["k"]] for n in data["nodes"] if n["zh"].startswith("示例院士")}
    assert people["示例院士乙"]["zh"] == people["示例院士丙"]["zh"] == "机械与运载工程学部"
    assert people["示例院士丁"]["en"] == "Division of Life Sciences and Medicine"  # 生物学部: its former name
    assert people["示例院士乙"]["count"] == 2


def test_kx_view_color_by_division_writes_a_page_with_the_legend(kx, tmp_path):
    sheet = tmp_path / "院士名单.csv"
    sheet.write_text(ACADEMICIANS, encoding="utf-8")
    assert kx("import", str(sheet)).exit_code == 0
    out = tmp_path / "divisions.html"
    result = kx("view", "--link", "all", "--color-by", "division", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "机械与运载工程学部" in page and "Division of Mechanical and Vehicle Engineering" in page
    assert kx("view", "--color-by", "academe", "-o", str(out)).exit_code == 2


# -- bad input: a typo is a question, a constant outside the scheme names file and key -------------

def test_an_academy_typo_on_import_writes_nothing_and_asks(kx, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("姓名,院别\n示例院士甲,中国工程学院\n", encoding="utf-8")
    result = kx("import", str(sheet))
    assert result.exit_code != 0 and "did you mean 中国工程院?" in result.stderr
    assert kx("query", "ASK { ?s ?p '中国工程学院' }").stdout.strip() == "false"


@pytest.mark.parametrize(("mapping", "sheet", "says"), [
    ("extends: academicians\ncolumns:\n  division: {const: 接卸与运载工程学部}\n", "academicians.csv",
     "column 'division' const: '接卸与运载工程学部' is not a known kx:AcademyDivision"),
    ("extends: workstations\ncolumns:\n  host_kind: {const: 机构}\n", "workstations.csv",
     "column 'host_kind' const: '机构' is not one of 企业"),
])
def test_a_constant_outside_the_scheme_or_the_classes_names_mapping_file_and_key(kx, tmp_path, mapping, sheet, says):
    from kxgraph.resources import resource_path

    path = tmp_path / "mine.yaml"
    path.write_text(mapping, encoding="utf-8")
    result = kx("validate", str(resource_path(f"templates/{sheet}")), "--mapping", str(path))
    assert result.exit_code != 0
    assert "mine.yaml" in result.stderr and says in result.stderr
