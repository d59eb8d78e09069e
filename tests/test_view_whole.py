"""The page of a whole network is the same whether its nodes are described from reads of the whole
store (a property at a time, the links' properties read once: the path taken at scale) or per batch
of nodes (the per-node path): the same nodes, labels, search text, details panels and communities,
byte for byte. (Synthetic data: a generated network and a few made-up nodes beside it.)"""

from __future__ import annotations

import json
import re

import pytest

import kxgraph
from kxgraph.network import project as network
from kxgraph.network.view import View

KX = "https://w3id.org/kxgraph/ns#"
SYN = "https://w3id.org/kxgraph/synthetic/seed-0-scale-0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
FACTS = network.MAX_PROPS + 5
SHIPPED = network.WHOLE_SHARE

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
    monkeypatch.setattr(network, "WHOLE_ABOVE", 0 if whole else 10**9)
    monkeypatch.setattr(network, "WHOLE_SHARE", share)
    return View(g.network(), overview=50).html()


def part(html: str, name: str):
    found = re.search(rf'<script type="application/json" id="{name}">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


@pytest.mark.parametrize("share", [SHIPPED, 10**9])
def test_the_whole_page_is_the_same_from_whole_reads_as_per_batch_of_nodes(g, monkeypatch, share):
    # share: as shipped, the markers of the few nodes not generated are asked per batch; 10**9,
    # they are read for the whole store
    asked: list[str] = []
    run = network._run
    monkeypatch.setattr(network, "_run", lambda graph, name, values: asked.append(name) or run(graph, name, values))
    whole = page(g, monkeypatch, whole=True, share=share)
    assert "network/nodes" not in asked  # described from whole reads, not per batch
    assert ("network/synthetic" in asked) == (share == SHIPPED)
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
    assert sum(len(v.split("; ")) for v in project.values()) == network.MAX_PROPS  # the panel's cap
    G = g.network()
    assert G.nodes["urn:test:project-1"]["synthetic"] is False and G.nodes["urn:test:lab-1"]["synthetic"] is True
    assert G.nodes["urn:test:project-1"]["label_zh"] in ("示例合作项目", "另一个名字")


@pytest.mark.parametrize("backwards", [False, True])
def test_a_node_past_the_panels_cap_keeps_the_stores_first_statements_whatever_order_properties_are_read(
        g, monkeypatch, backwards):
    stream = network._stream

    def ordered(graph, name, values):
        rows = list(stream(graph, name, values))
        return reversed(rows) if backwards and name == "network/predicates" else rows

    monkeypatch.setattr(network, "_stream", ordered)
    monkeypatch.setattr(network, "WHOLE_ABOVE", 0)
    whole = g.network().nodes["urn:test:project-1"]
    monkeypatch.setattr(network, "WHOLE_ABOVE", 10**9)
    assert whole == g.network().nodes["urn:test:project-1"]


def test_links_computed_from_each_propertys_statements_are_the_links_the_store_evaluates(g, monkeypatch):
    """Plain-property paths (``p``, ``^p``, ``a|b``, ``^a/b``) are followed in Python, in the store's
    order, so the nodes come in the same order (and Louvain finds the same communities)."""
    org = "http://www.w3.org/ns/org#"
    assert network._steps("^org:member/org:organization") == [[(org + "member", True), (org + "organization", False)]]
    assert all(network._steps(link.path) for link in network.links().values())
    assert network._steps("kx:partOf+") is None and network._steps("(kx:a|kx:b)/kx:c") is None
    monkeypatch.setattr(network, "WHOLE_ABOVE", 0)
    ours = network.project(g, links=["all"])
    monkeypatch.setattr(network, "_steps", lambda path: None)  # every path evaluated by the store
    theirs = network.project(g, links=["all"])
    assert list(ours.edges(data=True)) == list(theirs.edges(data=True))
    assert list(ours.nodes(data=True)) == list(theirs.nodes(data=True))
