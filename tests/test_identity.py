"""One entity however it is written, across sources; decisions kept as data; names as handles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile.conftest import quad_dump

KX = "https://w3id.org/kxgraph/ns#"

ENTERPRISES = "企业名称,所属行业,所在区县\n太原钢铁（集团）有限公司,冶金,尖草坪区\n山西示例装备有限公司,智能制造,小店区\n"
WORKSTATIONS = ("工作站名称,工作站类型,依托单位,进站院士,建站时间,所在区县\n"
                "太钢院士工作站,院士工作站,太原钢铁（集团）有限公司,殷瑞钰、金智新,2019,尖草坪区\n"
                "示例装备院士工作站,院士工作站,山西示例装备有限公司,李德毅,2020,小店区\n")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(kx, *args: str) -> list[dict[str, str]]:
    result = kx(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def academicians(kx) -> int:
    return int(rows(kx, "query", "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kx:Academician }")[0]["n"])


@pytest.fixture
def store(kx, tmp_path):
    """Enterprises and workstations imported: 殷瑞钰, 金智新 and 李德毅 are held."""
    kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)),
       str(write(tmp_path / "workstations.csv", WORKSTATIONS)))
    assert academicians(kx) == 3
    return tmp_path


def sheet(folder: Path, *lines: str) -> str:
    return str(write(folder / "academicians.csv", "姓名,所属学院,当选年份,进站工作站\n" + "".join(f"{l}\n" for l in lines)))


@pytest.mark.parametrize("written", ["金智新院士", "金智新（中国工程院院士）", "金智新 ", "Jin Zhixin", "zhixin jin"])
def test_a_name_written_another_way_links_to_the_held_person(kx, store, written):
    assert kx("import", sheet(store, f"{written},中国工程院,2019,太钢院士工作站")).exit_code == 0
    assert academicians(kx) == 3


def test_a_close_name_is_an_error_with_evidence_until_decided(kx, store):
    before = rows(kx, "query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o")
    result = kx("import", sheet(store, "殷瑞玉,中国工程院,2005,太钢院士工作站"))
    assert result.exit_code == 1
    assert "殷瑞钰" in result.stderr and "太钢院士工作站" in result.stderr      # the evidence: same station
    assert rows(kx, "query", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o") == before


def test_on_duplicate_keep_records_a_distinct_decision_and_stops_asking(kx, store):
    path = sheet(store, "殷瑞玉,中国工程院,2005,太钢院士工作站")
    assert kx("import", "--on-duplicate", "keep", path).exit_code == 0
    assert academicians(kx) == 4
    assert [d["decision"] for d in rows(kx, "decisions")] == ["distinct"]
    assert kx("import", path).exit_code == 0                 # decided: no longer an error
    assert academicians(kx) == 4


def test_on_duplicate_merge_links_and_records_a_same_decision(kx, store):
    assert kx("import", "--on-duplicate", "merge", sheet(store, "殷瑞玉,中国工程院,2005,太钢院士工作站")).exit_code == 0
    assert academicians(kx) == 3
    decided = rows(kx, "decisions")
    assert [(d["decision"], d["name"]) for d in decided] == [("same", "殷瑞钰")] and decided[0]["by"]


def test_on_duplicate_ask_asks(kx, store):
    result = kx("import", "--on-duplicate", "ask", sheet(store, "殷瑞玉,中国工程院,2005,太钢院士工作站"), input="y\n")
    assert result.exit_code == 0 and "殷瑞钰" in result.stderr
    assert academicians(kx) == 3


def test_same_merges_everywhere_and_the_old_iri_and_name_still_find_the_one(kx, store):
    kx("import", "--on-duplicate", "keep", sheet(store, "殷瑞玉,中国工程院,2005,太钢院士工作站"))
    old = rows(kx, "query", "SELECT ?a WHERE { ?a rdfs:label '殷瑞玉'@zh }")[0]["a"]
    assert kx("same", "殷瑞钰", "殷瑞玉").exit_code == 0
    assert academicians(kx) == 3
    for handle in (old, "殷瑞玉", "殷瑞钰"):
        shown = rows(kx, "show", handle)
        assert {"殷瑞钰", "殷瑞玉"} <= {r["value"] for r in shown}
    # a later import still says 殷瑞玉: the decision holds, nothing doubles
    assert kx("import", str(store / "academicians.csv")).exit_code == 0
    assert academicians(kx) == 3


def test_a_merge_back_a_merge_of_different_kinds_and_distinct_after_same_are_refused(kx, store):
    kx("import", "--on-duplicate", "keep", sheet(store, "殷瑞玉,中国工程院,2005,太钢院士工作站"))
    kx("same", "殷瑞钰", "殷瑞玉")
    before = rows(kx, "query", "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o")
    for args in (["same", "殷瑞玉", "殷瑞钰"], ["same", "殷瑞钰", "太钢院士工作站"], ["distinct", "殷瑞钰", "殷瑞玉"]):
        result = kx(*args)
        assert result.exit_code != 0 and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert rows(kx, "query", "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o") == before


def test_rename_survives_a_reimport(kx, store):
    assert kx("rename", "太钢院士工作站", "太钢集团院士工作站").exit_code == 0
    kx("import", str(store / "workstations.csv"))
    names = {r["l"] for r in rows(kx, "query", "SELECT ?l WHERE { ?w a kx:AcademicianWorkstation ; rdfs:label ?l }")}
    assert "太钢集团院士工作站" in names and "太钢院士工作站" not in names
    assert kx("show", "太钢院士工作站").exit_code == 0          # the old name still finds it


def test_an_ambiguous_name_gets_a_numbered_which_one_list(kx, store, tmp_path):
    kx("load", str(write(tmp_path / "more.ttl", f'<urn:x:other> a <{KX}Academician> ; '
                                               f'<http://www.w3.org/2000/01/rdf-schema#label> "李德毅"@zh .\n')))
    result = kx("show", "李德毅")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert "which one?" in lines[0]
    assert lines[1].lstrip().startswith("1.") and lines[2].lstrip().startswith("2.")
    assert any("more" in line for line in lines) and any("示例装备院士工作站" in line for line in lines)


def test_show_describes_an_organisations_members_by_person_and_role(kx, store):
    shown = rows(kx, "show", "太钢院士工作站")
    members = [r for r in shown if r["section"] == "member"]
    assert {r["label"] for r in members} == {"殷瑞钰", "金智新"}
    assert not any("membership/" in r["value"] for r in shown)


def test_a_name_in_pinyin_is_a_handle(kx, store):
    assert {"金智新"} <= {r["value"] for r in rows(kx, "show", "jin zhixin")}


def test_validate_store_names_the_sources_and_rows_of_a_cross_source_conflict(kx, store, tmp_path):
    kx("import", str(write(tmp_path / "other.csv", "工作站名称,工作站类型,依托单位,建站时间\n"
                                                  "太钢院士工作站,院士工作站,山西示例装备有限公司,2019\n")))
    found = kx("validate", "--store", "--format", "json")
    assert found.exit_code == 1
    problems = [{k: v["value"] for k, v in b.items()} for b in json.loads(found.stdout)["results"]["bindings"]]
    assert {(p["file"], p["row"], p["value"]) for p in problems} == {
        ("workstations (workstations.csv)", "2", "太原钢铁（集团）有限公司"),
        ("other (other.csv)", "2", "山西示例装备有限公司")}


def test_validate_store_finds_a_membership_pointing_at_nothing(kx, store):
    kx("update", "INSERT DATA { GRAPH <urn:g> { <urn:m> a org:Membership ; org:member <urn:nobody> ; "
                 "org:organization kxid:org\\/ws-x ; org:role kx:ResidentAcademician } }")
    problems = rows(kx, "query", "SELECT ?x WHERE { ?x a org:Membership }")
    assert problems
    found = kx("validate", "--store")
    assert found.exit_code == 1 and "nothing in the store describes" in found.stdout


def test_a_name_works_for_an_iri_parameter_and_in_the_api(kx, store):
    by_name = rows(kx, "query", "collaborators", "--param", "entity=金智新")
    assert {r["label"] for r in by_name} >= {"殷瑞钰", "太原钢铁（集团）有限公司"}
    import kxgraph

    with kxgraph.open(store / "store", read_only=True) as g:
        assert g.entity("jin zhixin") == g.entity("金智新")
        labels = g.named("collaborators", {"entity": "金智新"}).column("label")
        assert "殷瑞钰" in {getattr(x, "value", x) for x in labels}


# -- close names within one import -------------------------------------------------------------


def two_rows(folder: Path) -> str:
    """One sheet naming 殷瑞钰 and, two rows down, 殷瑞玉 (a typo): synthetic rows, real-shaped."""
    return str(write(folder / "academicians.csv", "姓名,所属学院,当选年份,进站工作站\n"
                                                   "殷瑞钰,中国工程院,2005,太钢院士工作站\n"
                                                   "金智新,中国工程院,2019,太钢院士工作站\n"
                                                   "殷瑞玉,中国工程院,2005,太钢院士工作站\n"))


def test_close_names_in_two_rows_of_one_sheet_are_an_error_with_evidence(kx, tmp_path, store_path):
    kx("import", str(write(tmp_path / "enterprises.csv", ENTERPRISES)))
    before = quad_dump(store_path)
    result = kx("import", str(write(tmp_path / "workstations.csv", WORKSTATIONS)), two_rows(tmp_path))
    assert result.exit_code == 1
    error = result.stderr.strip().splitlines()[-1]          # the one-line error: both names, where, why
    assert "殷瑞玉" in error and "殷瑞钰" in error and "row 2" in error
    assert "太钢院士工作站" in error and "中国工程院" in error     # the evidence: same station, same academy
    assert quad_dump(store_path) == before


def test_close_names_in_two_sheets_of_one_import_are_an_error(kx, tmp_path, store_path):
    stations = write(tmp_path / "workstations.csv", WORKSTATIONS)
    people = write(tmp_path / "academicians.csv", "姓名,所属学院,当选年份,进站工作站\n殷瑞玉,中国工程院,2005,太钢院士工作站\n")
    result = kx("import", str(stations), str(people))
    assert result.exit_code == 1
    assert "殷瑞玉" in result.stderr and "殷瑞钰" in result.stderr and "workstations.csv" in result.stderr
    assert quad_dump(store_path) == []


@pytest.mark.parametrize("choice, people, decision", [("keep", 4, "distinct"), ("merge", 3, "same")])
def test_a_close_pair_within_one_import_is_decided_once_and_the_decision_holds(kx, store, choice, people, decision):
    path = two_rows(store)
    assert kx("import", "--on-duplicate", choice, path).exit_code == 0
    assert academicians(kx) == people
    assert [(d["decision"], d["name"], d["other_name"]) for d in rows(kx, "decisions")] == [
        (decision, "殷瑞钰", "殷瑞玉")]
    result = kx("import", path)                        # the same sheet again, no option: decided
    assert result.exit_code == 0, result.output
    assert academicians(kx) == people
    if choice == "merge":                              # one person, who answers to both names
        assert {"殷瑞钰", "殷瑞玉"} <= {r["value"] for r in rows(kx, "show", "殷瑞玉")}


def test_ask_names_the_row_of_the_other_name_within_the_import(kx, tmp_path):
    stations = write(tmp_path / "workstations.csv", WORKSTATIONS)
    result = kx("import", "--on-duplicate", "ask", str(stations), two_rows(tmp_path), input="n\n")
    assert result.exit_code == 0
    assert "is 殷瑞玉 the same as 殷瑞钰 (academicians.csv:row 2)" in result.stderr
    assert academicians(kx) == 4


def test_names_that_number_a_series_or_share_only_a_surname_are_not_close(kx, tmp_path):
    people = write(tmp_path / "academicians.csv", "姓名,所属学院,当选年份\n示例院士甲,中国工程院,2005\n"
                                                  "示例院士乙,中国工程院,2007\n示伟,中国工程院,2009\n示刚,中国工程院,2009\n")
    assert kx("import", str(people)).exit_code == 0
    assert academicians(kx) == 4


@pytest.mark.parametrize("a, b, close", [
    ("太钢院士工作站", "太重院士工作站", False),            # two workstations: 太钢 and 太重 tell them apart
    ("示例装备院士工作站", "示例装备有限公司院士工作站", True),
    ("太原钢铁（集团）有限公司", "太钢集团", True),
    ("太原钢铁（集团）有限公司", "太原钢铁有限公司", True),
    ("示例第一中学", "示例第二中学", False),
])
def test_organisations_are_close_on_what_tells_them_apart(a, b, close):
    from kxgraph.identity import alike

    assert bool(alike(a, b)) is close


def test_the_library_decides_close_names_within_one_import_the_same_way(tmp_path):
    import kxgraph
    from kxgraph.errors import ParameterError, ValidationError

    stations = write(tmp_path / "workstations.csv", WORKSTATIONS)
    people = two_rows(tmp_path)
    with kxgraph.open(memory=True) as g:
        with pytest.raises(ValidationError) as refused:
            g.import_tables(stations, people)
        assert [p.value for p in refused.value.problems] == ["殷瑞玉"]
        with pytest.raises(ParameterError):
            g.import_tables(stations, people, on_duplicate="ask")           # ask needs someone to ask
        asked = []
        g.import_tables(stations, people, on_duplicate="ask", ask=lambda *pair: asked.append(pair) or True)
        assert [(name, other) for name, other, _ in asked] == [("殷瑞玉", "殷瑞钰 (academicians.csv:row 2)")]
        assert g.query("SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kx:Academician }").rows[0][0].value == "3"
