"""The page of a whole network is the same whether its nodes are described from reads of the whole
store (a property at a time, the links' properties read once: the path taken at scale) or per batch
of nodes (the per-node path): the same nodes, labels, search text, details panels and communities,
byte for byte. (Synthetic data: a generated network and a few made-up nodes beside it.)"""

from __future__ import annotations

import json
import re

import pytest

import kxgraph
from kxgraph.network import describe, project as network
from kxgraph.errors import ParameterError
from kxgraph.network import view as views
from kxgraph.network.view import View
from kxgraph.store import entitytypes

KX = "https://w3id.org/kxgraph/ns#"
SYN = "https://w3id.org/kxgraph/synthetic/seed-0-scale-0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
FACTS = describe.MAX_PROPS + 5
SHIPPED = describe.WHOLE_SHARE

# Nodes not generated (so their own kx:synthetic marker counts), linked to the generated network:
# a project with more statements than a details panel shows and a second label in each language; a
# lab with alternative labels, pinyin, typed values that read as numbers and a truth value.
EXTRA = f"""
PREFIX kx: <{KX}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <{XSD}>
INSERT DATA {{ GRAPH <urn:test:extra> {{
  <urn:test:project-1> a kx:CooperationProject ; rdfs:label "示例合作项目"@zh , "另一个名字"@zh , "Sample project"@en ;
      kx:participant <{SYN}academician-1> , <urn:test:lab-1> ; kx:synthetic false ;
      {" ; ".join(f'kx:note "fact {i:02d}"' for i in range(FACTS))} .
  <urn:test:lab-1> a kx:Enterprise ; rdfs:label "Sample lab" ; kx:synthetic true ;
      skos:altLabel "样例实验室" , "Demo lab"@en ; kx:pinyin "shi li shi yan shi" ;
      kx:trainedProfessionals "007"^^xsd:integer ; kx:share "2.50"^^xsd:decimal ; kx:open "1"^^xsd:boolean .
}} }}
"""


@pytest.fixture(scope="module")
def g():
    graph = kxgraph.open(memory=True)
    graph.generate(scale=0.1)
    graph.update(EXTRA)
    yield graph
    graph.close()


def page(g, monkeypatch, *, whole: bool, share: int = SHIPPED) -> str:
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0 if whole else 10**9)
    monkeypatch.setattr(describe, "WHOLE_SHARE", share)
    return View(g.network(), overview=50).html()


def part(html: str, name: str):
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.parametrize("names, share", [("index", SHIPPED), ("store", SHIPPED), ("store", 10**9)])
def test_the_whole_page_is_the_same_from_whole_reads_as_per_batch_of_nodes(g, monkeypatch, names, share):
    # names: labels, pinyin and markers from the label index, or (no index in step) from the store;
    # share: as shipped, the markers of the few nodes not generated are asked per batch; 10**9,
    # they are read for the whole store
    if names == "store":
        monkeypatch.setattr(entitytypes, "entity_names", lambda store, **_: None)
    asked: list[str] = []
    run = describe.run
    monkeypatch.setattr(describe, "run", lambda graph, name, values: asked.append(name) or run(graph, name, values))
    whole = page(g, monkeypatch, whole=True, share=share)
    assert "network/nodes" not in asked  # described from whole reads, not per batch
    assert ("network/synthetic" in asked) == (names == "store" and share == SHIPPED)
    # the project's two zh labels: which is first is the store's order, so it alone is asked
    assert ("network/names" in asked) == (names == "index")
    batched = page(g, monkeypatch, whole=False)
    assert whole == batched
    data = part(whole, "kx-data")
    assert data["overview"] is not None and data["overview"]["count"] == g.network().number_of_nodes()


def test_the_whole_page_keeps_what_a_user_searches_and_reads(g, monkeypatch):
    html = page(g, monkeypatch, whole=True)
    data = part(html, "kx-data")
    text, _ = part(html, "kx-search")
    line = next(line.split("\t") for line in text.split("\n") if "Sample lab" in line)
    assert line[:2] == ["Sample lab", "Sample lab"]  # a label without a language serves both
    assert {"样例实验室", "Demo lab", "shi li shi yan shi", "shilishiyanshi"} <= set(line)
    details = [item[-1]["p"] for c in range(len(data["overview"]["groups"])) for item in part(html, f"kx-c{c}")["n"]
               if isinstance(item[-1], dict) and "p" in item[-1]]
    lab = next(p for p in details if p.get("kx:pinyin") == "shi li shi yan shi")
    assert lab["kx:trainedProfessionals"] == "7" and lab["kx:share"] == "2.5" and lab["kx:open"] == "True"
    project = next(p for p in details if "kx:note" in p)
    assert sum(len(v.split("; ")) for v in project.values()) == describe.MAX_PROPS  # the panel's cap
    G = g.network()
    assert G.nodes["urn:test:project-1"]["synthetic"] is False and G.nodes["urn:test:lab-1"]["synthetic"] is True
    assert G.nodes["urn:test:project-1"]["label_zh"] in ("示例合作项目", "另一个名字")


@pytest.mark.parametrize("backwards", [False, True])
def test_a_node_past_the_panels_cap_keeps_the_stores_first_statements_whatever_order_properties_are_read(
        g, monkeypatch, backwards):
    stream = describe.stream

    def ordered(graph, name, values):
        rows = list(stream(graph, name, values))
        return reversed(rows) if backwards and name == "network/predicates" else rows

    monkeypatch.setattr(describe, "stream", ordered)
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0)
    whole = g.network().nodes["urn:test:project-1"]
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 10**9)
    assert whole == g.network().nodes["urn:test:project-1"]


def test_links_computed_from_each_propertys_statements_are_the_links_the_store_evaluates(g, monkeypatch):
    """Plain-property paths (``p``, ``^p``, ``a|b``, ``^a/b``) are followed in Python, in the store's
    order, so the nodes come in the same order (and Louvain finds the same communities)."""
    org = "http://www.w3.org/ns/org#"
    assert network._steps("^org:member/org:organization") == [[(org + "member", True), (org + "organization", False)]]
    assert all(network._steps(link.path) for link in network.links().values())
    assert network._steps("kx:partOf+") is None and network._steps("(kx:a|kx:b)/kx:c") is None
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0)
    ours = network.project(g, links=["all"])
    monkeypatch.setattr(network, "_steps", lambda path: None)  # every path evaluated by the store
    theirs = network.project(g, links=["all"])
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))


@pytest.mark.parametrize("brief_above", [None, 0])
def test_a_whole_projection_from_the_label_index_equals_one_from_the_store(g, monkeypatch, brief_above):
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0)
    from_index = network.project(g, brief_above=brief_above)
    monkeypatch.setattr(entitytypes, "entity_names", lambda store, **_: None)
    from_store = network.project(g, brief_above=brief_above)
    assert list(from_index.nodes(data=True)) == list(from_store.nodes(data=True))
    assert from_index.graph == from_store.graph
    lab = from_index.nodes["urn:test:lab-1"]
    assert lab["label_zh"] == "Sample lab" and lab["synthetic"] is True and lab["kx:pinyin"] == "shi li shi yan shi"
    assert ("kx:trainedProfessionals" in lab) == (brief_above is None)  # a brief panel keeps only the names


def test_a_brief_projection_keeps_what_names_a_node_whether_read_whole_or_per_batch(g, monkeypatch):
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 0)
    whole = network.project(g, brief_above=0)
    monkeypatch.setattr(describe, "WHOLE_ABOVE", 10**9)
    batched = network.project(g, brief_above=0)
    assert list(whole.nodes(data=True)) == list(batched.nodes(data=True))
    assert whole.graph["details"] == "brief" and "details" not in network.project(g, brief_above=10**9).graph
    lab = whole.nodes["urn:test:lab-1"]
    assert {k for k in lab if ":" in k} == {"skos:altLabel", "kx:pinyin"}
    assert set(lab["skos:altLabel"].split("; ")) == {"样例实验室", "Demo lab"}
    assert all(set(data) & {"kx:note", "kx:participant"} == set() for _, data in whole.nodes(data=True))


def panels(html: str) -> list[dict[str, str]]:
    data = part(html, "kx-data")
    return [item[-1].get("p", {}) for c in range(len(data["overview"]["groups"]))
            for item in part(html, f"kx-c{c}")["n"] if isinstance(item[-1], dict)]


def test_an_overview_page_has_brief_panels_unless_every_property_is_asked(g, monkeypatch):
    monkeypatch.setattr(views, "OVERVIEW", 50)  # the generated network is an overview page
    html = g.view().html()
    data = part(html, "kx-data")
    assert data["overview"] is not None and data["details"] == "brief"
    assert all(set(p) <= {"skos:altLabel", "kx:pinyin"} for p in panels(html))
    assert any(p.get("kx:pinyin") == "shi li shi yan shi" for p in panels(html))
    text, _ = part(html, "kx-search")  # search still finds a node by every name
    assert {"样例实验室", "Demo lab", "shi li shi yan shi", "shilishiyanshi"} <= set(
        next(line for line in text.split("\n") if line.startswith("Sample lab")).split("\t"))
    every = g.view(details="all").html()
    assert "details" not in part(every, "kx-data")
    assert any("kx:note" in p for p in panels(every)) and any("kx:participant" in p for p in panels(every))
    assert part(every, "kx-search") == part(html, "kx-search")


def test_a_page_below_the_overview_keeps_every_property_unless_brief_is_asked(g):
    G = g.view().graph  # a plain page: every property, as before
    assert "details" not in G.graph and "kx:note" in G.nodes["urn:test:project-1"]
    brief = g.view(details="brief")
    assert brief.data()["details"] == "brief" and "kx:note" not in brief.graph.nodes["urn:test:project-1"]
    with pytest.raises(ParameterError, match="details"):
        g.view(details="some")
