"""kx match: ranking experts for technical needs, explaining why, and recording decisions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import kxgraph
from kxgraph.cli import main as cli
from kxgraph.errors import NotFoundError, ParameterError

SMALL = Path(__file__).parent / "data" / "match" / "small.ttl"
EX = "https://example.org/match/"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("match") / "store"
    g = kxgraph.open(path, mode="create")
    g.load(SMALL)
    g.close()
    return path


@pytest.fixture
def g(store):
    graph = kxgraph.open(store)
    yield graph
    graph.close()


def labels(result, n=None):
    return [r["label"] for r in result.records()][:n]


@pytest.mark.parametrize("need, first", [
    ("煤矿瓦斯监测预警", "示例院士甲"),
    ("特殊钢热处理后韧性不足", "示例院士乙"),
    ("煤化工催化剂寿命短", "示例院士丙"),
    ("石墨烯导热膜量产", "示例专家丁"),
    ("医院设备智能化改造", "示例专家戊"),
])
def test_each_field_ranks_its_expert_first(g, need, first):
    assert labels(g.match(need=need, kind=None, top=3))[0] in (first, "示例煤业院士工作站")
    people = [r for r in g.match(need=need, top=5).records() if r["kind"] != "workstation"]
    assert people[0]["label"] == first


def test_the_busy_expert_ranks_below_the_one_who_worked_with_the_enterprise(g):
    order = labels(g.match(need="煤矿瓦斯监测预警", top=5))
    assert order.index("示例院士甲") < order.index("示例专家己")
    busy = next(r for r in g.match(need="煤矿瓦斯监测预警", top=5).records() if r["label"] == "示例专家己")
    assert busy["load"] > 0 and "当前负担" in busy["evidence"]


def test_evidence_names_the_enterprise_the_division_and_the_district(g):
    row = next(r for r in g.match(need="煤矿瓦斯监测预警").records() if r["label"] == "示例院士甲")
    assert "曾与本企业 示例煤业有限公司 合作项目 煤矿瓦斯灾害智能监测预警（成果转化）" in row["evidence"]
    assert "所在学部：能源与矿业工程学部 ↔ 需求领域：煤炭开采和洗选业" in row["evidence"]
    assert "位于需求所在地 小店区" in row["evidence"]
    assert "worked with this very enterprise" in row["evidence_en"]


def test_synonyms_bridge_the_need_and_the_project(g):
    # the need says 特殊钢, the project 特种钢
    row = g.match(need="特殊钢热处理后韧性不足", kind="academician", top=1).records()[0]
    assert row["label"] == "示例院士乙" and "特种钢" in row["evidence"]


def test_every_cited_triple_is_in_the_store(g):
    for need in ("煤矿瓦斯监测预警", "特殊钢热处理后韧性不足", "煤化工催化剂寿命短", "石墨烯导热膜量产", "医院设备智能化改造"):
        result = g.match(need=need, top=10)
        for _, ranked in result.matches:
            for r in ranked:
                assert r.evidence, r.profile.label
                for ev in r.evidence:
                    assert ev.triples
                    for s, p, o in ev.triples:
                        assert g.store.query("ASK { ?s ?p ?o }", substitutions={"s": s, "p": p, "o": o}).boolean, (ev.zh, s, p, o)


def test_to_df_has_an_evidence_column(g):
    df = g.match(need="煤化工催化剂寿命短", top=3).to_df()
    assert {"label", "score", "evidence", "evidence_en"} <= set(df.columns)
    assert df["score"].is_monotonic_decreasing


def test_an_enterprise_gets_a_ranking_for_each_open_need(g):
    result = g.match(enterprise="示例特钢有限公司", top=2)
    assert {r["need_title"] for r in result.records()} == {"特殊钢热处理后韧性不足", '<script>alert(1)</script> & "钢"'}


def test_an_expert_gets_the_needs_they_could_serve(g):
    rows = g.match(expert="示例院士丙", top=3).records()
    assert rows[0]["need_title"] == "煤化工催化剂寿命短" and rows[0]["rank"] == 1


def test_text_and_graph_modes_rank_on_one_side_only(g):
    text = g.match(need="煤矿瓦斯监测预警", mode="text").records()
    graph = g.match(need="煤矿瓦斯监测预警", mode="graph").records()
    assert all(r["graph"] == 0 for r in text) and all(r["text"] == 0 for r in graph)


def test_unknown_names_get_did_you_mean(g):
    with pytest.raises(NotFoundError, match="did you mean: 煤矿瓦斯监测预警"):
        g.match(need="煤矿瓦斯监测")
    with pytest.raises(NotFoundError, match="did you mean: 示例特钢有限公司"):
        g.match(enterprise="示例特钢公司")
    with pytest.raises(NotFoundError, match="did you mean"):
        g.match(expert="示例院士")


def test_a_need_with_no_text_and_no_field_is_a_clear_error(g):
    with pytest.raises(ParameterError, match="no text and no field"):
        g.match(need=f"<{EX}n-empty>")
    with pytest.raises(ParameterError, match="no text and no field"):
        g.match(text="  ")


def test_an_empty_store_says_so(tmp_path):
    g = kxgraph.open(tmp_path / "empty", mode="create")
    with pytest.raises(NotFoundError, match="no academicians, experts or workstations"):
        g.match(text="煤矿安全")


def test_the_page_is_self_contained_and_escaped(g):
    page = g.match(need=f"<{EX}n-bad>", top=3).to_html()
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;钢&quot;" in page
    assert "default-src 'none'" in page and "http://" not in page.split("</head>")[1].replace(
        "http://www.w3.org/2000/svg", "")
    assert "<svg" in page and "依据 / facts" in page


def test_cli_match_prints_json_and_writes_a_page(store, tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["--store", str(store), "match", "--need", "石墨烯导热膜量产", "--top", "2",
                              "--format", "json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    rows = data["results"]["bindings"] if "results" in data else data
    assert len(rows) == 2
    page = tmp_path / "m.html"
    out = runner.invoke(cli, ["--store", str(store), "match", "--need", "石墨烯导热膜量产", "--format", "html",
                              "-o", str(page)])
    assert out.exit_code == 0, out.output
    assert "示例专家丁" in page.read_text(encoding="utf-8")
    out = runner.invoke(cli, ["--store", str(store), "match", "--need", "石墨烯导热膜"])
    assert out.exit_code != 0 and "did you mean" in out.output


def test_recording_a_match_closes_the_need_and_adds_to_the_load(tmp_path):
    path = tmp_path / "s"
    g = kxgraph.open(path, mode="create")
    g.load(SMALL)
    before = next(r for r in g.match(need="石墨烯导热膜量产").records() if r["label"] == "示例专家丁")
    for need in ("石墨烯导热膜量产", "医院设备智能化改造", "煤化工催化剂寿命短", "煤矿瓦斯监测预警", "特殊钢热处理后韧性不足"):
        g.record_match(need, "示例专家丁")
    assert g.query("ASK { ?n kx:matchedBy ?m . ?m a kx:NeedMatch ; kx:candidate ?c ; dcterms:date ?d }").boolean
    with pytest.raises(NotFoundError, match="no open technical need"):
        g.match(enterprise="示例新材料有限公司")
    after = next(r for r in g.match(need="石墨烯导热膜量产").records() if r["label"] == "示例专家丁")
    assert after["load"] > before["load"]
    # the decisions are counted: kx stats lists them, and the expert has no open need left to serve
    counts = {str(r["item"]): r["count"] for r in g.stats().records()}
    assert counts.get("kx:NeedMatch", counts.get("https://w3id.org/kxgraph/ns#NeedMatch")) == 5
    assert {r["need_title"] for r in g.match(expert="示例专家丁").records()}.isdisjoint(
        {"石墨烯导热膜量产", "医院设备智能化改造", "煤化工催化剂寿命短", "煤矿瓦斯监测预警"})
    g.close()
    out = CliRunner().invoke(cli, ["--store", str(path), "match", "--record", "特殊钢热处理后韧性不足", "示例院士乙"])
    assert out.exit_code == 0, out.output


def test_profiles_are_rebuilt_when_the_store_changes(tmp_path):
    from kxgraph.match.profile import profiles

    g = kxgraph.open(tmp_path / "s", mode="create")
    g.load(SMALL)
    first = profiles(g.store)
    assert profiles(g.store) is first
    g.update("INSERT DATA { GRAPH <https://example.org/more> { <https://example.org/match/yi> "
             "rdfs:label 'Shili Yi'@en } }")  # (the ontology came with the new store: reloading it changes nothing)
    assert profiles(g.store) is not first


def test_generate_plants_needs_with_a_separate_ground_truth(tmp_path):
    path = tmp_path / "s"
    out = CliRunner().invoke(cli, ["--store", str(path), "generate", "--scale", "0.2", "--load", "--needs"])
    assert out.exit_code == 0, out.output
    assert "planted" in out.output
    g = kxgraph.open(path)
    graphs = dict(g.store.graphs())
    base = "https://w3id.org/kxgraph/graph/synthetic/seed-0-scale-0.2"
    assert graphs[base + "/needs"] > 0 and graphs[base + "/needs-truth"] > 0
    # the truth is only in its own graph; the needs graph says nothing of it
    assert not g.query(f"ASK {{ GRAPH <{base}/needs> {{ ?n kx:expectedMatch ?c }} }}").boolean
    cases = set(g.query("SELECT DISTINCT ?c WHERE { ?n kx:plantedCase ?c }").column("c"))
    assert {"synonym", "two-fields", "busy", "history"} <= cases
    for need in g.query("SELECT ?l WHERE { ?n a kx:TechnicalNeed ; rdfs:label ?l } ORDER BY ?l LIMIT 4").column("l"):
        result = g.match(need=need, top=5)
        assert len(result) == 5
        for _, ranked in result.matches:   # every sentence rests on facts of the store
            for r in ranked:
                for ev in r.evidence:
                    for s, p, o in ev.triples:
                        assert g.store.query("ASK { ?s ?p ?o }", substitutions={"s": s, "p": p, "o": o}).boolean


def test_needs_and_decisions_do_not_rebuild_the_profiles(tmp_path):
    from kxgraph.match.profile import profiles
    from kxgraph.synthetic.generate import load_into
    from kxgraph.synthetic.needs import plant

    g = kxgraph.open(tmp_path / "s", mode="create")
    load_into(g, scale=0.2, seed=1)
    first = profiles(g.store)
    plant(g, seed=1, scale=0.2)
    assert profiles(g.store) is first
    need = g.query("SELECT ?l WHERE { ?n a kx:TechnicalNeed ; rdfs:label ?l } ORDER BY ?l LIMIT 1").column("l")[0]
    best = g.match(need=need, top=1).records()[0]["candidate"]
    g.record_match(need, best)
    assert profiles(g.store) is first
    g.load(SMALL)   # new experts: rebuilt
    assert profiles(g.store) is not first


def _profile_facts(P):
    """What a profile holds, as plain values (the order rows come in does not matter)."""
    from collections import Counter

    return {p.iri.value: (p.kind, p.label, p.discipline, sorted(d.value for _, d, _ in p.divisions),
                          sorted(ws.value for _, ws in p.workstations),
                          sorted((pr.iri.value, pr.title, sorted(x.value for x in pr.people),
                                  sorted(x.value for x in pr.orgs), sorted(o.value for o, _ in pr.outputs))
                                 for pr in p.projects),
                          sorted(Counter(p.words).items()))
            for p in P.profiles}


def test_after_an_import_only_the_touched_profiles_are_read_and_the_result_is_a_full_rebuild(tmp_path):
    from kxgraph.match.profile import build, profiles
    from kxgraph.match.rank import Matcher, adhoc_need
    from kxgraph.synthetic.generate import load_into

    g = kxgraph.open(tmp_path / "s", mode="create")
    load_into(g, scale=0.2, seed=1)
    before = profiles(g.store)
    assert profiles(g.store) is before          # used again: it now keeps what a change needs
    someone = next(p for p in before.profiles if p.group == "expert" and p.projects)
    partner = next(iter(before.orgs))
    source = tmp_path / "extra.ttl"
    prefixes = ("@prefix kx: <https://w3id.org/kxgraph/ns#> .\n"
                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
    steps = [
        ("a source added", f'<{EX}e9> a kx:Expert ; rdfs:label "示例专家庚"@zh .\n'
                           f'<{EX}p9> a kx:CooperationProject ; rdfs:label "煤矿瓦斯抽采监测"@zh ;\n'
                           f'  kx:participant <{EX}e9> , <{someone.iri.value}> , <{partner}> .\n'),
        ("the source replaced", f'<{EX}e9> a kx:Expert ; rdfs:label "示例专家庚"@zh .\n'
                                f'<{EX}p9> a kx:CooperationProject ; rdfs:label "特种钢热处理"@zh ;\n'
                                f'  kx:participant <{EX}e9> .\n'),
        ("replaced again, same size", f'<{EX}e9> a kx:Expert ; rdfs:label "示例专家庚"@zh .\n'
                                      f'<{EX}p9> a kx:CooperationProject ; rdfs:label "镁合金轻量化"@zh ;\n'
                                      f'  kx:participant <{EX}e9> .\n'),
    ]
    for what, body in steps:
        source.write_text(prefixes + body, encoding="utf-8")
        g.load(source)
        after = profiles(g.store)
        full = build(g.store, after.key)
        assert 0 < after.read <= 3 < len(after.profiles), what
        assert _profile_facts(after) == _profile_facts(full), what
        assert set(after.projects) == set(full.projects) and after.orgs == full.orgs, what
        assert after.dependants() == full.dependants(), what   # kept up to date, not recomputed
        need = adhoc_need("煤矿瓦斯监测预警", fields=["煤炭开采和洗选业"])
        ours = [(r.profile.iri.value, r.score) for r in Matcher(after).rank(need, top=10)]
        assert ours == [(r.profile.iri.value, r.score) for r in Matcher(full).rank(need, top=10)], what
    assert "示例专家庚" in {p.label for p in after.profiles}
    assert not any(pr.title == "煤矿瓦斯抽采监测" for pr in after.by_iri[someone.iri.value].projects)
    assert [pr.title for pr in after.by_iri[f"{EX}e9"].projects] == ["镁合金轻量化"]
    g.store.drop(next(name for name, _ in g.store.graphs() if name.startswith("file:")))
    dropped = profiles(g.store)
    assert "示例专家庚" not in {p.label for p in dropped.profiles}
    assert _profile_facts(dropped) == _profile_facts(build(g.store, dropped.key))
    g.close()


def test_the_matcher_never_reads_the_ground_truth(tmp_path):
    from kxgraph.match import profile as profile_module
    from kxgraph.resources import package_path
    from kxgraph.synthetic.generate import load_into
    from kxgraph.synthetic.needs import plant

    g = kxgraph.open(tmp_path / "s", mode="create")
    load_into(g, scale=0.2, seed=2)
    report = plant(g, seed=2, scale=0.2)
    needs = g.query("SELECT ?l WHERE { ?n a kx:TechnicalNeed ; rdfs:label ?l } ORDER BY ?l LIMIT 6").column("l")
    with_truth = [g.match(need=n, top=5).records() for n in needs]
    g.store.drop(report.truth_graph)
    profile_module._CACHE.clear()
    assert [g.match(need=n, top=5).records() for n in needs] == with_truth
    g.close()
    # and nothing the matcher runs names the truth
    sources = [*package_path("match").glob("*.py"), *package_path("sparql/queries/match").glob("*.rq")]
    assert len(sources) > 10
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "expectedMatch" not in text and "plantedCase" not in text and "needs-truth" not in text, path.name


def test_a_history_need_is_best_served_by_who_worked_with_the_enterprise_on_it(tmp_path):
    from kxgraph.synthetic.generate import load_into
    from kxgraph.synthetic.needs import plant

    g = kxgraph.open(tmp_path / "s", mode="create")
    load_into(g, scale=0.3, seed=0)
    plant(g, seed=0, scale=0.3)
    history = g.query("SELECT ?n ?c WHERE { ?n kx:plantedCase 'history' ; kx:expectedMatch ?c }").rows
    assert history
    strangers = g.query("""SELECT ?n ?c WHERE {
        ?n kx:plantedCase 'history' ; kx:expectedMatch ?c ; kx:raisedBy ?e .
        FILTER NOT EXISTS { ?p kx:participant ?e . { ?p kx:participant ?c } UNION { ?p kx:carriedOutAt ?c } } }""").rows
    assert strangers == []
    g.close()
