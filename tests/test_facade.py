"""The typed facade: every option visible in the signature, names that say what they mean."""

from __future__ import annotations

import inspect
import warnings

import networkx as nx
import pytest

import kxgraph
from kxgraph.graph import KxGraph

DATA = "tests/data/network-small.ttl"


@pytest.fixture(scope="module")
def g(request):
    graph = kxgraph.open(memory=True)
    graph.load(request.config.rootpath / DATA)
    return graph


def public_methods():
    return [(name, member) for name, member in vars(KxGraph).items()
            if callable(member) and not name.startswith("_")]


def test_no_method_hides_its_options_and_every_one_says_what_it_returns():
    for name, method in public_methods():
        signature = inspect.signature(method)
        assert not [p for p in signature.parameters.values() if p.kind is p.VAR_KEYWORD], name
        assert signature.return_annotation is not inspect.Signature.empty, name
        assert ">>>" in (method.__doc__ or ""), f"{name} has no example"


@pytest.mark.parametrize("method", ["network", "view", "analyze", "export"])
def test_network_options_are_named_in_the_signature(method):
    names = set(inspect.signature(getattr(KxGraph, method)).parameters)
    assert {"focus", "depth", "types", "query", "params", "projection", "links"} <= names


def test_the_package_ships_its_type_information(repo):
    assert (repo / "src" / "kxgraph" / "py.typed").exists()
    assert '"py.typed"' in (repo / "pyproject.toml").read_text()


def test_analyze_takes_a_kind_and_a_measure(g):
    by_betweenness = g.analyze("centrality", measure="betweenness", top=1).records()
    assert all(r["rank"] == 1 for r in by_betweenness)
    assert g.analyze(kind="brokers", top=1).variables[0] == "entity"


def test_top_is_honoured_for_communities(g):
    assert len(g.analyze("communities", top=1)) == 1
    assert len(g.analyze("communities", top=100)) == len(g.analyze("communities", top=1000))


def test_the_older_spelling_still_works_with_a_warning(g):
    with pytest.warns(DeprecationWarning, match="kind='communities'"):
        old = g.analyze(measure="communities", top=2)
    assert old.records() == g.analyze("communities", top=2).records()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert g.analyze(sort_by="degree").records() == g.analyze(measure="degree").records()


def test_errors_name_parameters_not_command_line_flags(g):
    with pytest.raises(kxgraph.ParameterError) as caught:
        g.view(size_by="community")
    assert "--" not in str(caught.value) and "color_by='community'" in str(caught.value)
    with pytest.raises(kxgraph.ParameterError, match="^depth must be 0 or more$"):
        g.network(depth=-1)
    with pytest.raises(kxgraph.ParameterError, match="^color_by is one of type, community, source"):
        g.view(color_by="colour")


def test_the_network_writes_as_graphml(g, tmp_path):
    G = g.network()
    nx.write_graphml(G, tmp_path / "n.graphml")
    back = nx.read_graphml(tmp_path / "n.graphml")
    assert back.number_of_nodes() == G.number_of_nodes()
    from kxgraph.network.describe import properties
    node = next(n for n in G if properties(G, n))
    assert back.nodes[node]["label_zh"] == G.nodes[node]["label_zh"]
    assert {k: back.nodes[node][k] for k in properties(G, node)} == properties(G, node)


def test_to_pyvis_gives_the_same_nodes_colours_shapes_sizes_and_escaped_titles(g, tmp_path):
    pytest.importorskip("pyvis")
    view = g.view(color_by="community")
    data = view.data()
    net = view.to_pyvis()
    assert len(net.nodes) == len(data["nodes"]) and len(net.edges) == len(data["edges"])
    for node, item in zip(net.nodes, data["nodes"]):
        assert node["color"] == data["groups"][item["k"]]["color"]
        assert node["shape"] == data["types"][item["t"]]["shape"] and node["size"] == item["s"]
    evil = nx.Graph([("urn:a", "urn:b")])
    evil.nodes["urn:a"].update(label_zh="<img src=x onerror=alert(1)>")
    from kxgraph.network.view import View
    [first, _] = View(evil).to_pyvis().nodes
    assert "<img" not in first["title"] and "&lt;img" in first["title"]
    page = tmp_path / "pyvis.html"
    View(evil).to_pyvis().write_html(str(page))
    assert "vis-network" in page.read_text(encoding="utf-8")


def test_cli_analyze_keeps_its_old_flags_and_takes_kind(loaded, kx_json):
    old = kx_json("analyze", "--measure", "communities", "--top", "1")
    new = kx_json("analyze", "--kind", "communities", "--top", "1")
    assert old == new and len(new) == 1
    assert kx_json("analyze", "--sort-by", "betweenness") == kx_json("analyze", "--measure", "betweenness")
