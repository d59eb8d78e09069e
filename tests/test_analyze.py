"""Analyses with known answers: centralities, communities, brokers, explained paths, export."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

import kxgraph
from kxgraph.network import analyze, engine
from kxgraph.errors import NotFoundError, ParameterError

DATA = Path(__file__).parent / "data" / "network-small.ttl"
SYN = "https://w3id.org/kxgraph/synthetic/"


@pytest.fixture
def g():
    import pyoxigraph as ox

    graph = kxgraph.open(memory=True)
    graph.store.load(DATA, format=ox.RdfFormat.TURTLE, graph="urn:test:small")
    yield graph
    graph.close()


@pytest.fixture
def small_store(store_path):
    import pyoxigraph as ox

    graph = kxgraph.open(store_path, mode="create")
    graph.store.load(DATA, format=ox.RdfFormat.TURTLE, graph="urn:test:small")
    graph.close()
    return store_path


def teams(names: str = "xy") -> nx.Graph:
    """4-cliques (one per letter) joined through one broker node ``urn:b``."""
    G = nx.Graph()
    for team in names:
        members = [f"urn:{team}{i}" for i in range(4)]
        G.add_edges_from((u, v) for i, u in enumerate(members) for v in members[i + 1:])
        G.add_edge(f"urn:{team}0", "urn:b")
    for n in G:
        G.nodes[n].update(type="kx:Academician" if n != "urn:b" else "kx:Enterprise", label_zh=n[4:])
    return G


def test_star_centre_has_the_known_centralities():
    star = nx.star_graph(4)
    assert analyze.scores(star, "degree")[0] == 1.0
    assert analyze.scores(star, "betweenness")[0] == 1.0
    assert analyze.scores(star, "betweenness")[1] == 0.0
    eig = analyze.scores(star, "eigenvector")
    assert eig[0] == pytest.approx(2 ** -0.5, abs=1e-4)


def test_eigenvector_centrality_agrees_with_networkx_on_a_disconnected_graph():
    G = nx.disjoint_union(nx.karate_club_graph(), nx.path_graph(6))
    ours = analyze.scores(G, "eigenvector")
    reference = nx.eigenvector_centrality(G, max_iter=1000, tol=1e-6, weight="weight")
    assert ours == pytest.approx(reference, abs=1e-9)


def test_large_graphs_get_sampled_betweenness_close_to_exact(monkeypatch):
    monkeypatch.setattr(engine, "EXACT_BETWEENNESS_UP_TO", 100)
    monkeypatch.setattr(engine, "BETWEENNESS_SAMPLES", 60)
    G = nx.barabasi_albert_graph(400, 2, seed=3)
    sampled = analyze.scores(G, "betweenness")
    exact = nx.betweenness_centrality(G)
    assert sampled != exact  # sampled, not computed exactly
    top_exact = max(exact, key=exact.get)
    assert top_exact in sorted(sampled, key=sampled.get)[-5:]


def test_centrality_table_ranks_each_type(g):
    rows = g.analyze(sort_by="degree").records()
    workstations = [r for r in rows if r["type"] == "kx:AcademicianWorkstation"]
    assert [r["label"] for r in workstations] == ["一号工作站", "二号工作站"]
    assert [r["links"] for r in workstations] == [3, 3]  # w1's district is context, not a link
    assert {r["type"] for r in rows} >= {"kx:Academician", "kx:Enterprise", "kx:CooperationProject"}


def test_places_are_analysed_only_when_located_in_is_named(g):
    assert "kx:District" not in {r["type"] for r in g.analyze().records()}
    rows = g.analyze(links=["works-at", "hosts", "located-in"]).records()
    district = [r for r in rows if r["type"] == "kx:District"]
    assert [r["entity"] for r in district] == [SYN + "d"]
    workstations = [r["links"] for r in rows if r["type"] == "kx:AcademicianWorkstation"]
    assert workstations == [4, 2]  # w1: a1, a2, e1 and its district; w2: a3, e2


def test_the_cut_vertex_between_the_two_halves_has_the_highest_betweenness(g):
    rows = g.analyze(sort_by="betweenness", top=1).records()
    best = max(rows, key=lambda r: r["betweenness"])
    assert best["entity"] == SYN + "e1"


def test_top_limits_rows_per_type(g):
    rows = g.analyze(top=1).records()
    types = [r["type"] for r in rows]
    assert len(types) == len(set(types))


def test_communities_split_two_teams_joined_by_a_broker():
    community = analyze.community_of(teams("xy"), seed=1)
    assert len({community[f"urn:x{i}"] for i in range(4)}) == 1
    assert len({community[f"urn:y{i}"] for i in range(4)}) == 1
    assert community["urn:x0"] != community["urn:y0"]
    table = analyze.communities(teams("xy")).records()
    assert sorted(r["size"] for r in table) == [4, 5]


def test_communities_name_their_types_in_the_chosen_language():
    assert {r["types"] for r in analyze.communities(teams("xy")).records()} == {"院士 4", "院士 4, 企业 1"}
    english = analyze.communities(teams("xy"), lang="en").records()
    assert {r["types"] for r in english} == {"academician 4", "academician 4, enterprise 1"}
    assert all("、" not in r["members"] and r["members"].count("; ") == r["size"] - 1 for r in english)


def test_communities_are_repeatable_with_a_seed():
    G = nx.les_miserables_graph()
    assert analyze.community_of(G, seed=7) == analyze.community_of(G, seed=7)


def test_the_broker_between_communities_comes_first():
    rows = analyze.brokers(teams("xyz")).records()
    assert rows[0]["entity"] == "urn:b"
    assert rows[0]["communities_reached"] == 2 and rows[0]["cross_links"] == 2
    assert all(r["communities_reached"] == 1 for r in rows[1:])


def test_path_is_explained_step_by_step_in_english(g):
    rows = g.path("甲院士", "syn:a3", lang="en").records()
    assert len(rows) == 1
    assert rows[0]["steps"] == 4
    assert rows[0]["explanation"] == (
        "Academician A works at academician workstation Workstation 1, hosted by enterprise "
        "Enterprise 1, takes part in cooperation project Project 1, with partner academician Academician C")
    assert rows[0]["entities"] == "syn:a1 → syn:w1 → syn:e1 → syn:p1 → syn:a3"


def test_path_is_explained_in_chinese_by_default(g):
    text = g.path("syn:a1", "丙院士").records()[0]["explanation"]
    assert text == "甲院士进站于院士工作站「一号工作站」，依托于企业「一号企业」，参与合作项目「一号项目」，参与方有院士「丙院士」"


def test_all_shortest_paths_are_listed(g):
    rows = g.path("syn:a1", "syn:a2", lang="en").records()
    assert sorted(r["entities"] for r in rows) == ["syn:a1 → syn:p2 → syn:a2", "syn:a1 → syn:w1 → syn:a2"]


def test_a_path_describes_only_the_entities_it_shows(g, monkeypatch):
    """What the search grew to find the path (a hub can bring tens of thousands of nodes) is not
    described: only the entities on the paths shown are looked up."""
    from kxgraph.network import describe

    described: list[str] = []
    real = describe._describe_nodes
    monkeypatch.setattr(describe, "_describe_nodes",
                        lambda graph, G, nodes, **kw: (described.extend(nodes), real(graph, G, nodes, **kw)))
    rows = g.path("syn:a1", "syn:a3", lang="en", limit=1).records()
    shown = {SYN + n.removeprefix("syn:") for n in rows[0]["entities"].split(" → ")}
    assert set(described) == shown


def test_no_path_within_the_depth_is_not_found(g):
    with pytest.raises(NotFoundError, match="within 3 steps"):
        g.path("syn:a1", "syn:a3", max_depth=3)
    with pytest.raises(ParameterError):
        g.path("syn:a1", "syn:a1")


def test_export_formats_round_trip(g, tmp_path):
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        written = g.export(tmp_path / f"n.{fmt}")
        H = reader(written)
        assert (H.number_of_nodes(), H.number_of_edges()) == (11, 13)
    data = json.loads(g.export(tmp_path / "n.json").read_text(encoding="utf-8"))
    ids = {n["data"]["id"] for n in data["elements"]["nodes"]}
    assert all(e["data"]["source"] in ids and e["data"]["target"] in ids for e in data["elements"]["edges"])


def test_kx_analyze_prints_tables_like_kx_query(kx_json, small_store):
    rows = kx_json("analyze", "--measure", "communities")
    assert sum(int(r["size"]) for r in rows) == 11
    brokers = kx_json("analyze", "--measure", "brokers", "--top", "1")
    assert brokers[0]["entity"] == SYN + "e1"


def test_kx_path_explains_in_the_chosen_language(kx_json, small_store):
    rows = kx_json("path", "Academician A", "Academician C", "--lang", "en")
    assert rows[0]["explanation"].startswith("Academician A works at academician workstation")


def test_kx_path_with_unknown_entity_fails_cleanly(kx, small_store):
    result = kx("path", "syn:a1", "nobody")
    assert result.exit_code == 1
    assert result.stderr.startswith("kx: error:") and "nobody" in result.stderr


def test_paths_do_not_run_through_places_unless_asked(g):
    with pytest.raises(NotFoundError, match=r"only with links=\['all'\]\)$"):
        g.path("syn:d", "syn:a1")
    rows = g.path("syn:d", "syn:a1", links=["all"], lang="en").records()
    assert rows[0]["explanation"] == ("Sample District which contains academician workstation Workstation 1, "
                                      "with resident academician Academician A")
