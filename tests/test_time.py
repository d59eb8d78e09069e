"""Time (issue 18): periods with bounds, dates with precision, as-of snapshots, growth per year,
the figures paragraph written from the data, and the named queries for time questions."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from click.testing import CliRunner

import kxgraph
from kxgraph.sparql.catalogue import entry
from kxgraph import vocab
from kxgraph.errors import ParameterError
from kxgraph.resources import resource_path
from kxgraph.timeline import as_of, parse_period, parse_when, period_report, timeline, timeline_page, totals
from kxgraph.writeup import diff_text, paragraphs, write

TAIYUAN = resource_path("taiyuan/taiyuan.trig")
WORKSTATIONS = ("大力推进院士专家工作站建设，目前累计建立院士工作站75个，累计引进院士81名，建立国家重大人才工程专家工作站18个，"
                "引进相关专家20名，引进院士团队专家393名。")


@pytest.fixture(scope="module")
def sample():
    """The report's facts and the sample network (scale 1, seed 0) in memory."""
    g = kxgraph.open(memory=True)
    g.load(TAIYUAN)
    g.generate(scale=1, seed=0)
    return g


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """A store on disk holding the report's facts and the sample network, for the CLI."""
    path = tmp_path_factory.mktemp("time") / "store"
    runner = CliRunner()
    from kxgraph.cli import main

    assert runner.invoke(main, ["--store", str(path), "load", str(TAIYUAN)]).exit_code == 0
    assert runner.invoke(main, ["--store", str(path), "generate", "--load"]).exit_code == 0
    return path


def kx(store, *args):
    from kxgraph.cli import main

    return CliRunner().invoke(main, ["--store", str(store), *args])


def computed(graph) -> dict[str, object]:
    return {r["id"]: r["computed"] for r in graph.report().records()}


# --- periods and dates as data ---------------------------------------------------------------

def _period(graph, slug):
    rows = [r for r in graph.query(
        "SELECT * WHERE { ?p a kx:Period . OPTIONAL { ?p time:hasBeginning/time:inXSDDate ?begin } "
        "OPTIONAL { ?p time:hasEnd/time:inXSDDate ?end } OPTIONAL { ?p time:inXSDDate ?at } "
        "OPTIONAL { ?p time:hasXSDDuration ?rate } OPTIONAL { ?p kx:averagedOver ?over } "
        "OPTIONAL { ?p kx:boundAssumed ?assumed } OPTIONAL { ?p kx:readAs ?read } }").records()
            if r["p"] == vocab.ID + "period/" + slug]
    assert len(rows) == 1, slug
    return rows[0]


def test_every_period_of_the_report_has_bounds_read_from_a_passage(sample):
    found = sample.query("SELECT ?p (COUNT(?passage) AS ?n) WHERE { ?p a kx:Period ; kx:readFrom ?passage . "
                         "?passage a kx:Passage } GROUP BY ?p").records()
    assert len(found) == 8
    seventh = _period(sample, "since-7th-congress")
    assert (str(seventh["begin"]), str(seventh["end"])) == ("2018-01-01", "2023-12-31")
    assert "七大以来" in seventh["read"] and "the 7th is taken as the start of 2018" in seventh["assumed"]
    assert str(_period(sample, "as-of-report")["at"]) == "2023-12-31"
    per_year = _period(sample, "per-year")
    assert str(per_year["rate"]) == "P1Y" and per_year["over"] == vocab.ID + "period/since-7th-congress"
    three = _period(sample, "last-three-years")
    assert (str(three["begin"]), str(three["end"])) == ("2021-01-01", "2023-12-31") and three["assumed"]
    assert _period(sample, "2022")["assumed"] is None  # a calendar year is read, not assumed


def test_the_build_refuses_a_period_that_ends_before_it_starts():
    spec = importlib.util.spec_from_file_location("taiyuan_build", resource_path("taiyuan/build.py"))
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    facts = build.load_facts()
    facts["periods"]["2022"]["end"] = "2021-12-31"
    with pytest.raises(build.FactsError, match="ends"):
        build.build(facts)
    facts["periods"]["2022"]["end"] = "2022-02-30"
    with pytest.raises(build.FactsError, match="not a date"):
        build.build(facts)


def test_generated_projects_and_outputs_carry_dates_after_their_start(sample):
    rows = sample.query("SELECT ?s ?start ?done ?moved WHERE { ?s a kx:CooperationProject ; kx:startYear ?start "
                        "OPTIONAL { ?s kx:completionYear ?done } OPTIONAL { ?s kx:transferYear ?moved } }").records()
    assert len(rows) == 342
    for row in rows:
        start = int(str(row["start"]))
        assert row["done"] is None or start <= int(str(row["done"])) <= 2023
        assert row["moved"] is None or int(str(row["done"])) <= int(str(row["moved"])) <= 2023
    undated = sample.query("ASK { VALUES ?k { kx:Award kx:Standard kx:PatentApplication } ?s a ?k "
                           "FILTER NOT EXISTS { ?s dcterms:created ?d } }").boolean
    assert not undated


# --- growth ------------------------------------------------------------------------------------

def test_per_year_counts_add_up_to_the_reports_totals(sample):
    sums = totals(timeline(sample))
    assert sums["founded"] == 75 and sums["introduced"] == 81 and sums["expert-stations"] == 18
    assert sums["started"] == 342 and sums["transferred"] == 129 and sums["golden-bridge"] == 79
    assert sums["produced"] == 672 + 24 + 60 + 4 + 33
    years = timeline(sample, what=["golden-bridge"])
    # Golden Bridge projects are counted "since the 7th congress": all of them fall in 2018–2023
    assert {r["year"] for r in years.records() if r["golden-bridge"]} <= {str(y) for y in range(2018, 2024)}


def test_timeline_in_every_table_format_and_as_a_self_contained_page(store, tmp_path):
    csv = kx(store, "timeline", "--what", "founded,started", "--format", "csv")
    assert csv.exit_code == 0 and csv.output.splitlines()[0] == "year,founded,started"
    rows = json.loads(kx(store, "timeline", "--what", "founded", "--format", "json").stdout)
    assert sum(int(b["founded"]["value"]) for b in rows["results"]["bindings"]) == 75
    out = tmp_path / "growth.html"
    assert kx(store, "timeline", "--format", "html", "-o", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.count("<svg") == 10 and "default-src 'none'" in text
    assert not re.search(r"""(src|href)=["']?https?:""", text)
    bad = kx(store, "timeline", "--what", "nonsense")
    assert bad.exit_code != 0 and "choose from" in bad.output


def test_the_page_escapes_what_it_shows():
    from kxgraph.output.results import Result

    page = timeline_page(Result.table(["year", "founded"], [("<b>2021</b>", 3)]), title="<script>x</script>")
    assert "<b>2021" not in page and "&lt;b&gt;2021" in page and "<script>x" not in page


# --- as of a date ------------------------------------------------------------------------------

def test_as_of_the_reports_last_day_equals_the_full_counts(sample):
    assert computed(as_of(sample, "2023-12-31")) == computed(sample)
    assert computed(as_of(sample, "2023")) == computed(sample)


def test_as_of_an_earlier_year_is_smaller_and_equals_a_count_from_the_generated_data(sample):
    founded = [int(str(r["d"])) for r in sample.query(
        "SELECT ?w ?d WHERE { ?w a kx:AcademicianWorkstation ; dcterms:created ?d }").records()]
    started = [int(str(r["d"])) for r in sample.query(
        "SELECT ?p ?d WHERE { ?p a kx:CooperationProject ; kx:startYear ?d }").records()]
    moved = [int(str(r["d"])) for r in sample.query(
        "SELECT ?p ?d WHERE { ?p a kx:CooperationProject ; kx:transferYear ?d }").records()]
    then = computed(as_of(sample, "2019"))
    assert then["kxi:academician-workstations"] == sum(1 for y in founded if y <= 2019) < 75
    assert then["kxi:cooperation-projects"] == sum(1 for y in started if y <= 2019) < 342
    # a project transferred later was not yet "transferred" in 2019
    assert then["kxi:projects-result-transferred"] == sum(1 for y in moved if y <= 2019) < 129
    stats = {r["item"]: r["count"] for r in as_of(sample, "2019").stats().records()}
    assert stats[vocab.KX + "AcademicianWorkstation"] == then["kxi:academician-workstations"]


def test_the_network_as_it_stood_is_smaller(sample):
    full, then = sample.network(), as_of(sample, "2015").network()
    assert 0 < then.number_of_nodes() < full.number_of_nodes()


def test_named_queries_take_an_as_of_parameter(sample):
    all_rows = sample.named_query("workstations-founded")
    old = sample.named_query("workstations-founded", {"asOf": "2012"})
    assert 0 < len(old.rows) < len(all_rows.rows)
    assert all(int(str(y)) <= 2012 for y in old.column("founded"))


def test_period_counts_flows_inside_and_stocks_at_the_end(sample):
    rows = {r["id"]: r for r in period_report(sample, "2021..2022").records()}
    assert rows["kxi:academician-workstations"]["kind"] == "stock"
    assert rows["kxi:academician-workstations"]["computed"] == computed(as_of(sample, "2022"))[
        "kxi:academician-workstations"]
    golden = [int(str(r["d"])) for r in sample.query(
        "SELECT ?p ?d WHERE { ?p a kx:ProgrammeProject ; kx:startYear ?d }").records()]
    assert rows["kxi:golden-bridge-projects"]["kind"] == "flow"
    assert rows["kxi:golden-bridge-projects"]["computed"] == sum(1 for y in golden if 2021 <= y <= 2022)
    seventh = period_report(sample, "since-7th-congress").records()
    assert [(r["id"], r["computed"]) for r in seventh] == [("kxi:golden-bridge-projects", 79)]


@pytest.mark.slow
def test_as_of_through_the_cli(store, tmp_path):
    full = kx(store, "stats", "--format", "csv").output
    then = kx(store, "stats", "--as-of", "2016", "--format", "csv").output
    assert full != then
    for args in (("analyze", "--top", "3"), ("export", "-o", str(tmp_path / "n.graphml")),
                 ("view", "-o", str(tmp_path / "v.html")), ("report", "--format", "csv")):
        result = kx(store, *args, "--as-of", "2016")
        assert result.exit_code == 0, (args, result.output)
    named = kx(store, "query", "workstations-founded", "--param", "asOf=2012", "--format", "csv")
    assert named.exit_code == 0 and len(named.output.splitlines()) > 1


@pytest.mark.parametrize("args, message", [
    (("stats", "--as-of", "2021-02-30"), "not a real date"),
    (("stats", "--as-of", "next year"), "is not a date"),
    (("report", "--period", "2022..2021"), "ends (2021-12-31) before it starts (2022-01-01)"),
    (("stats", "--as-of", "1900"), "nothing is dated that early"),
])
def test_bad_dates_get_one_clear_line(store, args, message):
    result = kx(store, *args)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and message in lines[0], result.output


def test_a_date_finer_than_the_data_gets_a_note(store, sample):
    assert as_of(sample, "2021").snapshot.notes == []
    assert "more precise" in as_of(sample, "2021-06-30").snapshot.notes[0]
    result = kx(store, "stats", "--as-of", "2021-06")
    assert result.exit_code == 0 and "note: as of 2021-06: this is more precise" in result.output


def test_parse_when_and_period():
    assert parse_when("2020").last.isoformat() == "2020-12-31"
    assert parse_when("2024-02").last.isoformat() == "2024-02-29"
    with pytest.raises(ParameterError):
        parse_when("2023-13")
    assert [w.text for w in parse_period("2019..2021-06")] == ["2019", "2021-06"]


# --- the paragraph from the data ------------------------------------------------------------

def test_write_zh_gives_the_reports_sentences_with_every_exact_figure(store):
    result = kx(store, "report", "--write", "zh")
    assert result.exit_code == 0, result.output
    assert "累计建立院士工作站75个" in result.output and WORKSTATIONS in result.output
    for figure in ("合作项目342项", "成果转化129项", "完成研发62项", "正在研发151项", "申请专利672项",
                   "国家各类奖项24个", "省部级各类奖项60个", "制定国家标准4个", "参与制定国家标准33个",
                   "专业人才2177人", "学会服务站18个", "企业科协组织143个", "“金桥工程”项目79项"):
        assert figure in result.output, figure
    english = kx(store, "report", "--write", "en").output
    assert "75 academician workstations" in english


def test_every_number_traces_to_its_count_query(sample):
    for row in write(sample).records():
        numbers = re.findall(r"\d+", row["sentence"].replace("3+1", "").replace("七大", ""))
        traced = re.findall(r"=(\d+) \(sparql/queries/indicators/([a-z-]+)\.rq\)", row["trace"])
        assert sorted(numbers) == sorted(n for n, _ in traced), row["sentence"]
        for _, name in traced:
            assert entry(f"indicators/{name}").text  # a shipped count query (NotFoundError otherwise)


def test_diff_marks_a_number_that_differs():
    g = kxgraph.open(memory=True)
    g.load(TAIYUAN)
    g.generate(scale=1, seed=0)
    assert "75 → 74" not in diff_text(write(g))
    ws = g.query("SELECT ?w WHERE { ?w a kx:AcademicianWorkstation } ORDER BY ?w LIMIT 1").rows[0][0]
    g.update(f"DELETE WHERE {{ GRAPH ?g {{ <{ws.value}> ?p ?o }} }}")
    text = diff_text(write(g))
    block = next(b for b in text.split("\n\n") if "院士工作站" in b and "原文" in b)
    assert "院士工作站: 75 → 74" in block and "建立院士工作站74个" in block and WORKSTATIONS in block
    assert "累计建立院士工作站74个" in paragraphs(write(g))


# --- named queries for time questions ---------------------------------------------------------

def test_named_queries_for_time_questions(sample):
    line = {r["year"]: r for r in timeline(sample, what=["founded", "expert-stations", "started"]).records()}
    founded = sample.named_query("workstations-founded", {"year": "2021"})
    assert len(founded.rows) == line["2021"]["founded"] + line["2021"]["expert-stations"] > 0
    assert len(sample.named_query("projects-started", {"year": "2021"}).rows) == line["2021"]["started"] > 0
    introduced = sample.named_query("academicians-introduced-by-year")
    assert sum(int(n) for n in introduced.column("introduced")) == 81


# --- the network's growth per year -----------------------------------------------------------

@pytest.fixture(scope="module")
def small():
    g = kxgraph.open(memory=True)
    g.load(TAIYUAN)
    g.generate(scale=0.2, seed=0)
    return g


def test_analyze_by_year_shows_the_network_growing(small):
    from kxgraph.timeline import by_year

    rows = by_year(small, top=2).records()
    assert rows[0]["year"] == min(r["year"] for r in timeline(small, what=["founded"]).records() if r["founded"])
    assert rows[-1]["year"] == "2023" and rows[-1]["nodes"] == small.network().number_of_nodes()
    sizes = [r["nodes"] for r in rows]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert all(0 <= r["density"] <= 1 and r["components"] >= 1 for r in rows)
    assert rows[-1]["brokers"] and len(rows[-1]["brokers"].split("; ")) == 2


def test_the_slider_page_knows_when_each_node_appeared(small):
    from kxgraph.timeline import node_years

    view = small.view()
    nodes = [str(n) for n in view.graph.nodes]
    years, since = node_years(small, nodes)
    for year in (years[0] + 3, 2019):
        assert sum(1 for y in since if y <= year) == as_of(small, str(year)).network().number_of_nodes()


@pytest.mark.slow
def test_by_year_and_the_slider_through_the_cli(store, tmp_path):
    result = kx(store, "analyze", "--by-year", "--format", "csv")
    assert result.exit_code == 0 and result.output.startswith("year,nodes,links,density,components,largest,brokers")
    out = tmp_path / "slider.html"
    assert kx(store, "view", "--year-slider", "-o", str(out)).exit_code == 0
    assert 'id="kx-year"' in out.read_text(encoding="utf-8")


def test_report_period_by_the_reports_own_words(store):
    three = kx(store, "report", "--period", "近三年")
    assert three.exit_code == 0 and "2021-01-01 to 2023-12-31" in three.output and "no entity data" in three.output
    rate = kx(store, "report", "--period", "每年")
    assert rate.exit_code != 0 and "yearly rate" in rate.output
    seventh = kx(store, "report", "--period", "市科协第七次代表大会以来", "--format", "csv").output.splitlines()
    assert seventh[1].startswith("kxi:golden-bridge-projects,") and ",flow,2018-01-01,2023-12-31,79,79," in seventh[1]


def test_a_period_finer_than_the_data_gets_a_note(sample):
    notes = period_report(sample, "2021-03..2021-09").notes
    assert any("more precise than" in n for n in notes)
    assert not any("more precise than" in n for n in period_report(sample, "2021..2022").notes)
