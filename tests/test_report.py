"""`kx report`: reported figures against the entities in the graph, and rules between figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import kxgraph
from kxgraph.resources import resource_path
from kxgraph.vocab import INDICATOR, SYN

PREFIXES = """
@prefix kx: <https://w3id.org/kxgraph/ns#> .
@prefix kxi: <https://w3id.org/kxgraph/indicator/> .
@prefix kxid: <https://w3id.org/kxgraph/id/> .
@prefix syn: <https://w3id.org/kxgraph/synthetic/> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix schema: <http://schema.org/> .
@prefix sdmx-dimension: <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix place: <https://w3id.org/kxgraph/id/place/> .
@prefix period: <https://w3id.org/kxgraph/id/period/> .
@prefix figure: <https://w3id.org/kxgraph/id/figure/> .
"""
SPARQL_PREFIXES = PREFIXES.replace("@prefix", "PREFIX").replace(" .\n", "\n")

# A small report: 2 workstations, 3 projects (1 + 1 + 1), more than 10 trained, 5 patents,
# and a figure nothing can count (papers).
FIGURES = PREFIXES + """
period:cumulative rdfs:label "累计"@zh , "cumulative"@en .
period:2019 rdfs:label "2019年"@zh , "2019"@en .
place:140100 rdfs:label "太原市"@zh , "Taiyuan"@en .
place:140105 rdfs:label "小店区"@zh , "Xiaodian District"@en ; schema:containedInPlace place:140100 .
kxid:p1 prov:value "目前累计建立院士工作站2个。" .
kxid:p2 prov:value "合作项目3项，成果转化1项，完成研发1项，正在研发1项。" .
kxid:p3 prov:value "联合培养各类专业人才10余人，申请专利5项，征集论文1115篇。" .
kxi:academician-workstations rdfs:label "院士工作站"@zh , "academician workstations"@en .
""" + "".join(f"""
figure:{name} a kx:ReportedFigure ; kx:indicator kxi:{slug} ; kx:value "{value}"^^xsd:decimal ;
    kx:qualifier kx:{qualifier} ; sdmx-dimension:refPeriod period:{period} ;
    sdmx-dimension:refArea place:140100 ; prov:wasDerivedFrom kxid:{passage} .
""" for name, slug, value, qualifier, period, passage in [
    ("ws", "academician-workstations", 2, "Exact", "cumulative", "p1"),
    ("projects", "cooperation-projects", 3, "Exact", "cumulative", "p2"),
    ("transferred", "projects-result-transferred", 1, "Exact", "cumulative", "p2"),
    ("completed", "projects-rnd-completed", 1, "Exact", "cumulative", "p2"),
    ("in-progress", "projects-rnd-in-progress", 1, "Exact", "cumulative", "p2"),
    ("trained", "professionals-trained", 10, "MoreThan", "cumulative", "p3"),
    ("patents", "patent-applications", 5, "Exact", "cumulative", "p3"),
    ("papers", "papers-collected", 1115, "Exact", "2019", "p3"),
])

ENTITIES = PREFIXES + """
syn:ws1 a kx:AcademicianWorkstation ; kx:synthetic true ; schema:location place:140105 .
syn:ws2 a kx:AcademicianWorkstation ; kx:synthetic true .
syn:pr1 a kx:CooperationProject ; kx:status kx:ResultTransferred ; kx:trainedProfessionals 7 ;
    kx:carriedOutAt syn:ws1 .
syn:pr2 a kx:CooperationProject ; kx:status kx:RnDCompleted ; kx:trainedProfessionals 5 .
syn:pr3 a kx:CooperationProject ; kx:status kx:RnDInProgress .
"""


STATUS_RULE = "合作项目按状态分项之和等于合作项目总数 / cooperation projects by status add up to the cooperation projects"


def load(store: Path, text: str, graph: str = "urn:test") -> None:
    """Add Turtle to the store at ``store`` (through the library, as `kx load` would)."""
    import pyoxigraph as ox

    with kxgraph.open(store, mode="create") as g:
        g.store.load(text.encode(), format=ox.RdfFormat.TURTLE, graph=graph)


def run_update(store: Path, sparql: str) -> None:
    with kxgraph.open(store, mode="create") as g:
        g.update(SPARQL_PREFIXES + sparql)


def by_id(rows: list[dict]) -> dict[str, dict]:
    return {row["id"]: row for row in rows}


@pytest.fixture
def small(store_path: Path) -> Path:
    load(store_path, FIGURES, "urn:figures")
    load(store_path, ENTITIES, "urn:entities")
    return store_path


def test_every_countable_figure_agrees_and_the_others_say_why(small, kx_json):
    rows = by_id(kx_json("report"))
    assert rows["kxi:academician-workstations"]["computed"] == "2"
    assert rows["kxi:academician-workstations"]["difference"] == "0"
    assert {rows[f"kxi:{s}"]["status"] for s in ("academician-workstations", "cooperation-projects",
            "projects-result-transferred", "projects-rnd-completed", "projects-rnd-in-progress")} == {"agrees"}
    assert rows["kxi:papers-collected"]["status"] == "not computable"
    assert "computed" not in rows["kxi:papers-collected"]
    assert rows["kxi:patent-applications"]["status"] == "no entity data"


def test_rows_carry_labels_qualifier_period_area_and_passage(small, kx_json):
    row = by_id(kx_json("report"))["kxi:academician-workstations"]
    assert row["indicator"] == "院士工作站 / academician workstations"
    assert row["period"] == "累计 / cumulative" and row["area"] == "太原市 / Taiyuan"
    assert row["passage"] == "目前累计建立院士工作站2个。"


def test_a_more_than_figure_agrees_when_the_count_is_at_least_the_figure(small, kx, kx_json):
    trained = by_id(kx_json("report"))["kxi:professionals-trained"]
    assert (trained["reported"], trained["computed"], trained["status"]) == (">10", "12", "agrees")
    run_update(small, "DELETE WHERE { GRAPH ?g { syn:pr1 kx:trainedProfessionals ?n } }")
    trained = by_id(kx_json("report"))["kxi:professionals-trained"]
    assert (trained["computed"], trained["difference"], trained["status"]) == ("5", "-5", "disagrees")
    run_update(small, "INSERT DATA { GRAPH <urn:entities> { syn:pr1 kx:trainedProfessionals 5 } }")
    trained = by_id(kx_json("report"))["kxi:professionals-trained"]
    assert (trained["computed"], trained["status"]) == ("10", "agrees")  # at least 10 counts as >10


def test_deleting_a_workstation_makes_its_figure_disagree_by_one(small, kx, kx_json):
    assert kx("report", "--check").exit_code == 0
    run_update(small, "DELETE WHERE { GRAPH ?g { syn:ws2 ?p ?o } }")
    rows = by_id(kx_json("report"))
    ws = rows["kxi:academician-workstations"]
    assert (ws["computed"], ws["difference"], ws["status"]) == ("1", "-1", "disagrees")
    assert [r["id"] for r in rows.values() if r["status"] == "disagrees"] == ["kxi:academician-workstations"]
    checked = kx("report", "--check")
    assert checked.exit_code == 1
    failing = [line for line in checked.stdout.splitlines() if "disagrees" in line]
    assert len(failing) == 1 and "院士工作站" in failing[0]


def test_the_project_statuses_rule_holds_then_fails_when_a_figure_changes(small, kx):
    rules = json.loads(kx("report", "--format", "json").stdout)["rules"]["results"]["bindings"]
    statuses = {r["rule"]["value"]: (r["parts"]["value"], r["status"]["value"]) for r in rules}
    assert statuses[STATUS_RULE] == ("1 + 1 + 1 = 3", "holds")
    run_update(small, 'DELETE WHERE { GRAPH ?g { figure:in-progress kx:value ?v } } ;\n'
                      'INSERT DATA { GRAPH <urn:figures> { figure:in-progress kx:value "2"^^xsd:decimal } }')
    result = kx("report", "--rules", "--format", "json", "--check")
    assert result.exit_code == 1
    rules = json.loads(result.stdout)["results"]["bindings"]
    [failed] = [r for r in rules if r["status"]["value"] == "fails"]
    assert failed["rule"]["value"] == STATUS_RULE
    assert (failed["parts"]["value"], failed["detail"]["value"]) == ("1 + 1 + 2 = 4", "4 is not = 3")


def test_a_rule_declared_as_data_in_the_store_is_checked(small, kx):
    load(small, PREFIXES + """
        <urn:rule> a kx:ConsistencyRule ; rdfs:label "专利不超过项目"@zh ;
            kx:part kxi:patent-applications ; kx:relation kx:AtMost ; kx:whole kxi:cooperation-projects .
        """, "urn:rules")
    result = kx("report", "--rules", "--format", "csv", "--check")
    assert result.exit_code == 1
    assert "专利不超过项目,5,≤,3,fails,5 is not ≤ 3," in result.stdout


def test_a_rule_with_more_than_figures_fails_only_when_they_cannot_all_be_true():
    from kxgraph.report import _holds

    def fig(value, more_than=False):
        return {"value": value, "more_than": more_than}

    assert _holds([fig(3), fig(4)], fig(7), "=")
    assert not _holds([fig(3), fig(4)], fig(8), "=")
    assert _holds([fig(3, True), fig(4)], fig(8), "=")      # more than 3 + 4 can be 8
    assert _holds([fig(3), fig(4)], fig(6, True), "=")      # 7 is more than 6
    assert not _holds([fig(3), fig(4)], fig(8, True), "=")  # 7 is not more than 8
    assert not _holds([fig(5, True)], fig(3), "≤") and _holds([fig(2, True)], fig(3), "≤")


def test_period_and_area_select_figures_by_slug_code_or_label(small, kx, kx_json):
    assert [r["id"] for r in kx_json("report", "--period", "2019")] == ["kxi:papers-collected"]
    assert len(kx_json("report", "--period", "累计")) == 7
    assert len(kx_json("report", "--area", "140100")) == 8
    unknown = kx("report", "--period", "1999")
    assert unknown.exit_code == 2
    assert "cumulative" in unknown.stderr and "2019" in unknown.stderr


def test_an_area_counts_only_the_entities_located_in_it(small, kx_json):
    run_update(small, """DELETE WHERE { GRAPH ?g { figure:ws sdmx-dimension:refArea ?a } } ;
                         INSERT DATA { GRAPH <urn:figures> { figure:ws sdmx-dimension:refArea place:140105 } }""")
    [ws] = kx_json("report", "--area", "小店区")
    assert (ws["id"], ws["computed"], ws["status"]) == ("kxi:academician-workstations", "1", "disagrees")
    assert by_id(kx_json("report"))["kxi:academician-workstations"]["computed"] == "2"


def test_the_report_says_when_counts_come_from_synthetic_data(small, kx):
    table = kx("report").stdout
    assert "synthetic" in table and "院士工作站" in table
    assert json.loads(kx("report", "--format", "json").stdout)["notes"]


def test_an_empty_graph_reports_nothing_to_check(kx):
    kx("update", "CLEAR ALL")  # an empty store (a missing one is an error: see test_qa_cli.py)
    result = kx("report", "--check", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["results"]["bindings"] == []
    assert "no reported figures" in data["notes"][0]
    assert data["rules"]["results"]["bindings"][0]["status"]["value"] == "cannot be checked"


@pytest.mark.parametrize("fmt", ["csv", "markdown", "table"])
def test_every_format_names_the_figures(small, kx, fmt):
    out = kx("report", "--format", fmt).stdout
    assert "kxi:academician-workstations" in out and "agrees" in out


def test_the_html_page_is_self_contained_and_escapes_every_label(small, kx, tmp_path):
    evil = '<script>alert(1)</script><img src=x onerror=alert(2)>'
    run_update(small, f"""INSERT DATA {{ GRAPH <urn:figures> {{
        kxi:academician-workstations rdfs:label "{evil}"@zh .
        <urn:evil> prov:value "{evil}" . figure:ws prov:wasDerivedFrom <urn:evil> }} }}""")
    page_path = tmp_path / "report.html"
    result = kx("report", "--format", "html", "-o", str(page_path))
    assert result.exit_code == 0
    page = page_path.read_text(encoding="utf-8")
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert page.count("<table") == 2 and "agrees" in page


def test_the_library_gives_the_same_report_as_the_cli(small, kx_json):
    with kxgraph.open(small) as g:
        report = g.report(period="cumulative")
    assert not report.failed
    assert {r["id"] for r in report.records()} == {r["id"] for r in kx_json("report", "--period", "cumulative")}
    statuses = dict(zip(report.rules.column("rule"), report.rules.column("status")))
    assert statuses[STATUS_RULE] == "holds"


def _linked_queries() -> dict[str, str]:
    from kxgraph.report import _pairs, _shipped_metadata

    return _pairs(_shipped_metadata(), "count-queries")


def test_every_indicator_query_is_linked_as_data_and_runs_on_an_empty_graph():
    from kxgraph.report import _count
    from kxgraph.sparql.catalogue import names

    linked = _linked_queries()
    files = set(names("indicators"))
    assert set(linked.values()) == files
    assert all(iri == INDICATOR + name for iri, name in linked.items())
    with kxgraph.open(memory=True) as g:
        for name in sorted(files):
            assert _count(g, name, None) == (0, 0), name
            assert _count(g, name, "https://w3id.org/kxgraph/id/place/140100") == (0, 0), name


def test_the_taiyuan_report_alone_has_a_figure_for_every_countable_indicator(repo, store_path, kx, kx_json):
    import pyoxigraph as ox

    trig = resource_path("taiyuan/taiyuan.trig")
    with kxgraph.open(store_path, mode="create") as g:
        g.store.load(trig, format=ox.RdfFormat.TRIG, graph=None)
    rows = kx_json("report")
    countable = {"kxi:" + name for name in _linked_queries().values()}
    assert countable <= {r["id"] for r in rows}
    # the report names no workstation, project or society: nothing to count, nothing disagrees
    assert {r["status"] for r in rows if r["id"] in countable} == {"no entity data"}
    assert {r["status"] for r in rows if r["id"] not in countable} == {"not computable"}
    assert kx("report", "--check").exit_code == 0
    rules = json.loads(kx("report", "--rules", "--format", "json").stdout)["results"]["bindings"]
    assert {r["status"]["value"] for r in rules} == {"holds"}


@pytest.fixture
def taiyuan_and_sample(repo, tmp_path, store_path, kx) -> Path:
    """The Taiyuan report's facts plus the calibrated sample network at scale 1, loaded with `kx load`."""
    from kxgraph.synthetic.generate import generate

    network = tmp_path / "sample.nq"
    generate(network, scale=1, seed=0)
    loaded = kx("load", str(resource_path("taiyuan/taiyuan.trig")), str(network))
    assert loaded.exit_code == 0, loaded.output
    return store_path


@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_on_the_sample_network_every_countable_figure_agrees(taiyuan_and_sample, kx, kx_json):
    rows = kx_json("report")
    countable = {"kxi:" + name for name in _linked_queries().values()}
    agreeing = {r["id"] for r in rows if r["status"] == "agrees"}
    assert agreeing == countable
    assert all(r["difference"] == "0" for r in rows if r["id"] in countable)
    assert by_id(rows)["kxi:projects-rnd-in-progress"]["computed"] == "151"
    assert kx("report", "--check").exit_code == 0


@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_deleting_one_sample_workstation_is_named_as_the_one_disagreement(taiyuan_and_sample, kx, kx_json):
    [victim] = [r["ws"] for r in kx_json(
        "query", SPARQL_PREFIXES + "SELECT ?ws WHERE { ?ws a kx:AcademicianWorkstation } ORDER BY ?ws LIMIT 1")]
    assert victim.startswith(SYN)
    assert kx("update", f"DELETE WHERE {{ GRAPH ?g {{ <{victim}> ?p ?o }} }}").exit_code == 0
    disagreeing = [r for r in kx_json("report") if r["status"] == "disagrees"]
    assert [(r["id"], r["reported"], r["computed"], r["difference"]) for r in disagreeing] == [
        ("kxi:academician-workstations", "75", "74", "-1")]
    checked = kx("report", "--check", "--format", "markdown")
    assert checked.exit_code == 1
    [line] = [line for line in checked.stdout.splitlines() if "disagrees" in line]
    assert "kxi:academician-workstations" in line and "| 74 | -1 |" in line


def test_a_notebook_shows_both_tables_and_gets_a_dataframe(small):
    with kxgraph.open(small) as g:
        report = g.report()
    shown = report._repr_html_()
    assert shown.count("<table") == 2 and "<style" not in shown
    frame = report.to_df()
    assert list(frame.columns) == report.variables and len(frame) == 8


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    """A small generated (synthetic) network with the report and the gazetteer."""
    path = tmp_path_factory.mktemp("generated") / "store"
    with kxgraph.open(path, mode="create") as g:
        g.generate(scale=0.3)
    return path


@pytest.mark.slow
def test_without_an_area_each_indicator_counts_what_it_counted_with_the_walk_to_places(generated):
    """The FILTER (BOUND(?area)) inside each count query's OPTIONAL only skips the walk to the
    entity's place when no area is asked for: the counts are those of the query walking it."""
    from kxgraph.sparql.catalogue import entry, names

    with kxgraph.open(generated) as g:
        raw = g.store.raw
        nonzero = 0
        for name in names("indicators"):
            text = entry(f"indicators/{name}").text
            walking = text.replace(" FILTER (BOUND(?area)) }", " }")
            assert walking != text, name
            counts = [[(row[0].value if row[0] else None, row[1].value) for row in
                       raw.query(q, use_default_graph_as_union=True)] for q in (text, walking)]
            assert counts[0] == counts[1], name
            nonzero += counts[0][0][0] not in (None, "0")
        assert nonzero >= 15  # the generated network has entities for most indicators
