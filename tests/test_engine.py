"""Analysis of large networks: igraph when installed (kxgraph[fast]) gives networkx's answers
faster, and a sampled betweenness says so, with its sample size and standard errors."""

from __future__ import annotations

import networkx as nx
import pytest

from kxgraph.network import analyze, engine


@pytest.fixture
def large(monkeypatch):
    """Make every network 'large' and betweenness sampled, so small graphs test the large path."""
    monkeypatch.setattr(engine, "FAST_ABOVE", 10)
    monkeypatch.setattr(engine, "EXACT_BETWEENNESS_UP_TO", 50)


@pytest.fixture
def network():
    return nx.relabel_nodes(nx.barabasi_albert_graph(400, 2, seed=3), str)


def test_igraph_gives_networkx_exact_betweenness_and_eigenvector(monkeypatch, network):
    pytest.importorskip("igraph")
    monkeypatch.setattr(engine, "FAST_ABOVE", 10)
    assert engine.engine(network) == "igraph"
    values, sampling = engine.betweenness(network)
    assert sampling is None
    assert values == pytest.approx(nx.betweenness_centrality(network), abs=1e-12)
    reference = nx.eigenvector_centrality(network, max_iter=1000, tol=1e-9, weight="weight")
    assert analyze.scores(network, "eigenvector") == pytest.approx(reference, abs=1e-5)


def test_igraph_louvain_finds_communities_as_good_as_networkx(large, network):
    pytest.importorskip("igraph")
    found = analyze.community_of(network)
    assert set(found) == set(network)
    groups = [{n for n, c in found.items() if c == i} for i in set(found.values())]
    theirs = nx.community.louvain_communities(network, seed=1)
    assert nx.community.modularity(network, groups) >= 0.95 * nx.community.modularity(network, theirs)
    assert analyze.community_of(network) == found  # the same seed gives the same communities


@pytest.mark.parametrize("installed", [True, False])
def test_sampled_betweenness_is_close_and_reports_its_sample_and_error(large, network, monkeypatch, installed):
    if installed:
        pytest.importorskip("igraph")
    else:
        monkeypatch.setattr(engine, "igraph_module", lambda: None)
    values, sampling = engine.betweenness(network)
    exact = nx.betweenness_centrality(network)
    assert sampling.sources < sampling.nodes == 400
    assert sampling.engine == ("igraph" if installed else "networkx")
    top = max(exact, key=exact.get)
    assert top in sorted(values, key=values.get)[-5:]
    assert abs(values[top] - exact[top]) < 4 * sampling.error[top] + 1e-3
    assert str(sampling.sources) in sampling.note()


def test_the_centrality_table_says_when_betweenness_is_sampled(large, network):
    nx.set_node_attributes(network, "kx:Person", "type")
    table = analyze.centrality(network, top=3)
    assert "betweenness_error" in table.variables
    assert table.notes and "estimated" in table.notes[0]
    exact = analyze.centrality(network.subgraph(list(network)[:40]).copy(), top=3)
    assert "betweenness_error" not in exact.variables and exact.notes == []


def test_kx_analyze_prints_the_sampling_note(kx, monkeypatch):
    monkeypatch.setattr(engine, "EXACT_BETWEENNESS_UP_TO", 5)
    assert kx("generate", "--scale", "0.05", "--load").exit_code == 0
    result = kx("analyze", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "betweenness_error" in result.stdout.splitlines()[0]
    assert "note: betweenness is estimated" in result.stderr


def test_a_larger_network_gets_fewer_betweenness_samples_and_says_so(large, network, monkeypatch):
    pytest.importorskip("igraph")
    size = network.number_of_nodes() + network.number_of_edges()
    monkeypatch.setattr(engine, "IGRAPH_MIN_SAMPLES", 16)
    monkeypatch.setattr(engine, "IGRAPH_WORK", 40 * size)  # work for 40 sources on this network
    _, sampling = engine.betweenness(network)
    assert sampling.sources == 40 and "40 of 400" in sampling.note()
    monkeypatch.setattr(engine, "IGRAPH_WORK", size)  # work for one: never fewer than the minimum
    values, sampling = engine.betweenness(network)
    assert sampling.sources == 16 and len(sampling.error) == len(values) == 400
