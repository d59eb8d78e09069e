"""The whole network reads every node's classes from the label index in one go
(``kxgraph.store.entitytypes``) and its links as stored: the same network, node for node and link for
link, in the same order, as asking SPARQL per link and per batch of nodes. (Synthetic data.)"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import kxgraph
from kxgraph.network import describe, project as network
from kxgraph.store.entitytypes import entity_types

DATA = Path(__file__).parent / "data" / "network-small.ttl"
SYN = "https://w3id.org/kxgraph/synthetic/"
KX = "https://w3id.org/kxgraph/ns#"


@pytest.fixture
def g():
    import pyoxigraph as ox

    graph = kxgraph.open(memory=True)
    graph.store.load(DATA, format=ox.RdfFormat.TURTLE, graph="urn:test:small")
    # typed statements outside the named data graphs, which the index's types table leaves out:
    # an extra class of a1 in the default graph, and a new workstation typed only there
    graph.update(f"INSERT DATA {{ <{SYN}a1> a <{KX}Person> . <{SYN}w3> a <{KX}ExpertWorkstation> . "
                 f"<{SYN}a2> <http://www.w3.org/ns/org#hasMembership> <{SYN}m9> . "
                 f"<{SYN}m9> <http://www.w3.org/ns/org#member> <{SYN}a2> ; "
                 f"<http://www.w3.org/ns/org#organization> <{SYN}w3> . }}")
    yield graph
    graph.close()


def sparql_types(graph) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for n, t in graph.query("SELECT ?n ?t WHERE { ?n a ?t FILTER(isIRI(?t)) }").rows:
        key = f"_:{n.value}" if type(n).__name__ == "BlankNode" else n.value
        found.setdefault(key, set()).add(t.value)
    return found


def test_kept_types_are_the_classes_sparql_finds_in_every_graph(g):
    kept = entity_types(g.store)
    assert kept == sparql_types(g)
    assert KX + "Person" in kept[SYN + "a1"] and KX + "Academician" in kept[SYN + "a1"]
    assert kept[SYN + "w3"] == {KX + "ExpertWorkstation"}


def test_an_endpoint_or_a_store_without_index_has_no_kept_types():
    class Endpoint:  # what an endpoint store offers: queries, no index beside it
        def query(self, text, substitutions=None):
            raise AssertionError("not asked")

    assert entity_types(Endpoint()) is None


def snapshot(G):
    return (list(G.nodes(data=True)), list(G.edges(data=True)),
            {k: v for k, v in G.graph.items() if not callable(v)})


@pytest.mark.parametrize("options", [
    {"labels": False, "properties": False},
    {},
    {"types": ["kx:Academician", "kx:ExpertWorkstation"]},
    {"links": ["all"]},
])
@pytest.mark.parametrize("whole_reads", [True, False])
def test_the_whole_network_is_the_same_with_kept_types_as_with_sparql(g, monkeypatch, options, whole_reads):
    # whole_reads: node labels, markers and properties from reads of the whole store, not per batch
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0 if whole_reads else 10**9)
    monkeypatch.setattr(describe, "WHOLE_SHARE", 10**9)  # the small network counts as most of the store
    kept = network.project(g, **options)
    assert SYN + "w3" in kept
    monkeypatch.setattr(network, "kept_types", lambda graph: None)
    monkeypatch.setattr(describe, "kept_types", lambda graph: None)
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 10**9)
    asked = network.project(g, **options)
    assert snapshot(kept) == snapshot(asked)


def test_a_node_with_many_statements_keeps_the_first_ones_in_whole_reads(g, monkeypatch):
    facts = " ".join(f'<{SYN}a3> <{KX}note> "fact {i:02d}" .' for i in range(describe.MAX_PROPS + 5))
    g.update(f"INSERT DATA {{ GRAPH <urn:test:small> {{ {facts} }} }}")
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0)
    monkeypatch.setattr(describe, "WHOLE_SHARE", 10**9)
    whole = network.project(g).nodes[SYN + "a3"]
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 10**9)
    batched = network.project(g).nodes[SYN + "a3"]
    assert whole == batched
    assert sum(len(v.split("; ")) for k, v in whole.items() if ":" in k) == describe.MAX_PROPS
    assert whole["label_zh"] == "丙院士" and whole["synthetic"] is True


def test_the_workstation_typed_in_the_default_graph_is_a_works_at_link(g):
    G = network.project(g, labels=False)
    assert G.edges[SYN + "a2", SYN + "w3"]["link"] == "works-at"
    assert G.nodes[SYN + "w3"]["type"] == "kx:ExpertWorkstation"


@pytest.mark.slow
def test_igraph_is_imported_without_its_plotting_back_ends():
    pytest.importorskip("igraph")
    code = ("import sys; from kxgraph.network import engine; assert engine.igraph_module() is not None; "
            "print(sorted(m for m in ('matplotlib', 'plotly', 'cairo') if m in sys.modules)); "
            "import importlib.util; print(importlib.util.find_spec('json') is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["[]", "True"]


def test_a_small_slice_of_a_big_store_is_described_per_batch_not_by_reading_the_store(g, monkeypatch):
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0)  # WHOLE_SHARE as shipped: the store holds far more
    others = " ".join(f"<{SYN}enterprise-{i}> a <{KX}Enterprise> ." for i in range(40))
    g.update(f"INSERT DATA {{ GRAPH <urn:test:small> {{ {others} }} }}")
    read = []
    monkeypatch.setattr(describe, "_describe_whole", lambda *args, **kwargs: read.append(args))
    G = network.project(g, types=["kx:Academician", "kx:AcademicianWorkstation"])
    assert SYN + "a1" in G and G.number_of_nodes() < len(entity_types(g.store)) // describe.WHOLE_SHARE
    assert read == []
    assert G.nodes[SYN + "a1"]["label_en"] == "Academician A"


def test_the_last_ring_reads_a_single_inverse_step_from_its_objects_and_gets_the_same_links(g, monkeypatch):
    """With both ends of a link bound (the links among the last ring of a focus view), Oxigraph
    starts from the first VALUES block: an organisation takes part in thousands of projects, a
    project has a few participants, so ``^kx:participant`` is read from the projects' side."""
    declared = network.links()
    both = {"s": ["x"], "o": ["y"]}
    by_path = {link.path: list(network._ordered(link, both)) for link in declared.values()}
    assert by_path["^kx:participant"] == ["o", "s"]
    assert by_path["^org:member/org:organization"] == ["s", "o"]   # a person has a few memberships
    assert by_path["kx:carriedOutAt"] == ["s", "o"]
    assert all(network._ordered(link, {"o": ["y"]}) == {"o": ["y"]} for link in declared.values())

    def edges(G):
        return {frozenset((u, v)): d["link"] for u, v, d in G.edges(data=True)}

    ordered = g.network(focus=f"{SYN}a1", depth=2)
    monkeypatch.setattr(network, "_ordered", lambda link, bounds: bounds)
    plain = g.network(focus=f"{SYN}a1", depth=2)
    assert set(ordered.nodes) == set(plain.nodes) and edges(ordered) == edges(plain)
    assert ordered.number_of_edges() > 1
