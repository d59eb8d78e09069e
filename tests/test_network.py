"""Projections of the RDF graph to networks: which links count, what a focus pulls, derived networks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import kxgraph
from kxgraph.network import describe, project as network
from kxgraph.errors import KxError, NotFoundError, ParameterError

DATA = Path(__file__).parent / "data" / "network-small.ttl"
SYN = "https://w3id.org/kxgraph/synthetic/"


def syn(*names: str) -> set[str]:
    return {SYN + n for n in names}


def load_small(g) -> None:
    import pyoxigraph as ox

    g.store.load(DATA, format=ox.RdfFormat.TURTLE, graph="urn:test:small")


@pytest.fixture
def g():
    graph = kxgraph.open(memory=True)
    load_small(graph)
    yield graph
    graph.close()


@pytest.fixture
def small_store(store_path):
    """The small network in an on-disk store, for the CLI."""
    graph = kxgraph.open(store_path, mode="create")
    load_small(graph)
    graph.close()
    return store_path


def edge_set(G) -> set[frozenset]:
    return {frozenset((u.removeprefix(SYN), v.removeprefix(SYN))) for u, v in G.edges}


def test_collaboration_links_are_declared_as_data():
    links = network.links()
    assert {"works-at", "hosts", "takes-part-in", "carried-out-at", "produced", "organises",
            "part-of", "unit-of", "supervised-by", "located-in"} <= set(links)
    works_at = links["works-at"]
    assert works_at.path == "^org:member/org:organization"
    assert works_at.verb["en"] == "works at" and works_at.verb["zh"]
    assert all(link.label.get("zh") and link.label.get("en") for link in links.values())


def test_whole_graph_has_every_collaboration_link_and_nothing_else(g):
    G = g.network()
    # the district is context, not a collaborator: w1 located-in d is left out unless asked for
    assert (G.number_of_nodes(), G.number_of_edges()) == (11, 13)
    assert SYN + "d" not in G
    assert frozenset(("a1", "w1")) in edge_set(G)
    assert G.edges[SYN + "a1", SYN + "w1"]["link"] == "works-at"
    assert dict(G.edges[SYN + "e1", SYN + "w1"]) == {"link": "hosts", "subject": SYN + "e1", "weight": 1}
    # the academy election is a membership but not a collaboration; passages are not entities
    assert "https://w3id.org/kxgraph/ns#CAS" not in G
    assert SYN + "passage-1" not in G


def test_nodes_carry_type_labels_synthetic_marker_source_and_properties(g):
    G = g.network()
    a1 = G.nodes[SYN + "a1"]
    assert (a1["type"], a1["label_zh"], a1["label_en"], a1["synthetic"]) == (
        "kx:Academician", "甲院士", "Academician A", True)
    assert describe.properties(G, SYN + "a1") == {"kx:discipline": "材料"}
    assert G.nodes[SYN + "e1"]["source"] == "样例原文：一号企业依托建设一号工作站。"
    assert describe.properties(G, SYN + "p1")["kx:status"] == "kx:RnDCompleted"


@pytest.mark.parametrize("depth, expected", [
    (0, {"a1"}),
    (1, {"a1", "w1", "p2"}),
    (2, {"a1", "w1", "p2", "a2", "e1"}),
])
def test_focus_pulls_the_neighbourhood_to_the_given_depth(g, depth, expected):
    G = g.network(focus="syn:a1", depth=depth)
    assert set(G.nodes) == syn(*expected)


def test_focus_accepts_iri_curie_and_exact_label(g):
    for name in (SYN + "a1", "syn:a1", "甲院士", "Academician A"):
        assert set(g.network(focus=name, depth=1).nodes) == syn("a1", "w1", "p2")


def test_unknown_or_ambiguous_entities_are_clear_errors(g):
    with pytest.raises(NotFoundError, match="nobody"):
        g.network(focus="nobody")
    with pytest.raises(NotFoundError, match="syn:zz"):
        g.network(focus="syn:zz")
    g.update('INSERT DATA { <https://w3id.org/kxgraph/synthetic/twin> '
             '<http://www.w3.org/2000/01/rdf-schema#label> "甲院士"@zh }')
    with pytest.raises(KxError, match="甲院士"):
        g.network(focus="甲院士")


def test_type_filter_keeps_the_subgraph_of_those_classes(g):
    G = g.network(types=["kx:Academician", "AcademicianWorkstation"])
    assert edge_set(G) == {frozenset(p) for p in [("a1", "w1"), ("a2", "w1"), ("a3", "w2")]}
    with pytest.raises(ParameterError, match="kx:Nope"):
        g.network(types=["kx:Nope"])


def test_type_filter_includes_subclasses(g):
    G = g.network(types=["foaf:Person", "kx:AcademicianWorkstation"])
    assert syn("a1", "a2", "a3") <= set(G.nodes)


def test_context_links_are_declared_and_left_out_unless_named(g):
    declared = network.links()
    assert {k for k, link in declared.items() if link.context} == {"located-in", "part-of", "works-for"}
    assert "located-in" not in {d["link"] for _, _, d in g.network().edges(data=True)}
    everything = g.network(links=["all"])
    assert (everything.number_of_nodes(), everything.number_of_edges()) == (12, 14)
    assert edge_set(everything) == edge_set(g.network(links=list(declared)))
    with pytest.raises(ParameterError, match="choose from all, "):
        g.network(links=["all", "knows"])
    assert everything.edges[SYN + "w1", SYN + "d"]["link"] == "located-in"
    assert SYN + "d" in g.network(focus="syn:a1", depth=2, links=["works-at", "located-in"])


def test_links_option_follows_only_the_named_links(g):
    G = g.network(links=["works-at", "hosts"])
    assert {d["link"] for _, _, d in G.edges(data=True)} == {"works-at", "hosts"}
    assert G.number_of_edges() == 5
    with pytest.raises(ParameterError, match="unknown link"):
        g.network(links=["knows"])


@pytest.mark.parametrize("name, expected", [
    ("academician-academician", {("a1", "a2", 2)}),
    ("academician-enterprise", {("a1", "e1", 1), ("a2", "e1", 1), ("a3", "e2", 1)}),
    ("organisation-organisation", {("e1", "e2", 1)}),
])
def test_derived_projections_are_weighted(g, name, expected):
    G = g.network(projection=name)
    got = {tuple(sorted((u.removeprefix(SYN), v.removeprefix(SYN)))) + (w,) for u, v, w in G.edges(data="weight")}
    assert got == expected
    assert all(G.nodes[n]["label_zh"] for n in G)


def test_projection_names_are_the_shipped_query_files():
    assert network.projections() == ["academician-academician", "academician-enterprise",
                                     "organisation-organisation"]


def test_a_construct_query_file_becomes_a_network(g, tmp_path):
    rq = tmp_path / "hosts.rq"
    rq.write_text("CONSTRUCT { ?e kx:hosts ?w } WHERE { ?w kx:hostOrganization ?e }", encoding="utf-8")
    G = g.network(query=str(rq))
    assert edge_set(G) == {frozenset(("e1", "w1")), frozenset(("e2", "w2"))}
    assert G.edges[SYN + "e1", SYN + "w1"]["link"] == "kx:hosts"
    assert G.nodes[SYN + "e1"]["label_zh"] == "一号企业"


def test_a_select_of_pairs_becomes_a_network(g, tmp_path):
    rq = tmp_path / "pairs.rq"
    rq.write_text("SELECT ?source ?target WHERE { ?p kx:produced ?target . ?p kx:participant ?source }",
                  encoding="utf-8")
    G = g.network(query=str(rq))
    assert edge_set(G) == {frozenset(("e1", "x")), frozenset(("a3", "x"))}


def test_a_missing_query_file_is_not_found(g, tmp_path):
    with pytest.raises(NotFoundError):
        g.network(query=str(tmp_path / "none.rq"))


# -- through the CLI ---------------------------------------------------------------------------

def test_kx_view_writes_a_page_of_the_network(kx, small_store, tmp_path):
    out = tmp_path / "v.html"
    result = kx("view", "--focus", "甲院士", "--depth", "1", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "3 nodes" in result.stderr
    page = out.read_text(encoding="utf-8")
    data = json.loads(page.split('id="kx-data">', 1)[1].split("</script>", 1)[0])
    assert {n["zh"] for n in data["nodes"]} == {"甲院士", "一号工作站", "二号项目"}
    assert "甲院士" in data["title"]


def test_kx_view_details_brief_keeps_only_names_in_the_panels(kx, small_store, tmp_path):
    pages = {}
    for details in ("all", "brief"):
        out = tmp_path / f"{details}.html"
        assert kx("view", "--details", details, "-o", str(out)).exit_code == 0
        pages[details] = json.loads(out.read_text(encoding="utf-8").split('id="kx-data">', 1)[1].split("</script>", 1)[0])
    assert "details" not in pages["all"] and pages["brief"]["details"] == "brief"
    assert any(set(n.get("p", {})) - {"skos:altLabel", "kx:pinyin"} for n in pages["all"]["nodes"])
    assert all(set(n.get("p", {})) <= {"skos:altLabel", "kx:pinyin"} for n in pages["brief"]["nodes"])
    assert [(n["zh"], n["t"], n["d"]) for n in pages["all"]["nodes"]] == [(n["zh"], n["t"], n["d"]) for n in pages["brief"]["nodes"]]
    assert kx("view", "--details", "some", "-o", str(tmp_path / "x.html")).exit_code == 2


def test_kx_export_writes_cytoscape_json_and_graphml(kx, small_store, tmp_path):
    js, gml = tmp_path / "n.json", tmp_path / "n.graphml"
    assert kx("export", "--projection", "academician-academician", "-o", str(js)).exit_code == 0
    elements = json.loads(js.read_text(encoding="utf-8"))["elements"]
    assert len(elements["nodes"]) == 2
    assert elements["edges"][0]["data"]["weight"] == 2
    assert kx("export", "-o", str(gml)).exit_code == 0
    import networkx as nx

    G = nx.read_graphml(gml)
    assert (G.number_of_nodes(), G.number_of_edges()) == (11, 13)
    assert G.nodes[SYN + "a1"]["label_zh"] == "甲院士"


def test_kx_export_refuses_an_unknown_format_and_writes_nothing(kx, small_store, tmp_path):
    result = kx("export", "-o", str(tmp_path / "n.csv"))
    assert result.exit_code == 2
    assert "csv" in result.stderr
    assert not (tmp_path / "n.csv").exists()


def test_kx_view_of_an_unknown_entity_is_one_line(kx, small_store, tmp_path):
    result = kx("view", "--focus", "nobody", "-o", str(tmp_path / "x.html"))
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0 and "nobody" in result.stderr
    assert not (tmp_path / "x.html").exists()


def test_a_named_query_with_parameters_draws_its_rows(kx, small_store, tmp_path):
    out = tmp_path / "c.json"
    result = kx("export", "--query", "collaborators", "--param", "entity=syn:a1", "-o", str(out))
    assert result.exit_code == 0, result.output
    labels = {n["data"]["label_zh"] for n in json.loads(out.read_text(encoding="utf-8"))["elements"]["nodes"]}
    assert "乙院士" in labels
    missing = kx("export", "--query", "collaborators", "-o", str(out))
    assert missing.exit_code == 2 and "entity" in missing.stderr


def test_details_keep_at_most_max_props_statements_and_no_empty_property(g):
    many = " ; ".join(f'<urn:test:p{i}> "值{i}-{j}"' for i in range(20) for j in range(5))
    g.update(f"PREFIX kx: <https://w3id.org/kxgraph/ns#> INSERT DATA {{ <{SYN}a1> {many} }}")
    props = describe.properties(g.network(), SYN + "a1")
    assert all(value for value in props.values())
    assert sum(len(value.split("; ")) for value in props.values()) == describe.MAX_PROPS


def test_a_query_file_with_parameters_honours_them_in_export(kx, small_store, tmp_path):
    """``kx export --query my.rq --param entity=…`` binds the file's parameters, as ``kx query -f`` does."""
    from kxgraph.sparql.query import named_query

    text = named_query("collaborators").text
    mine = tmp_path / "my.rq"
    mine.write_text(text, encoding="utf-8")
    whole = tmp_path / "all.json"
    assert kx("export", "--query", "collaborators", "--param", "entity=syn:a1", "-o", str(whole)).exit_code == 0
    out = tmp_path / "c.json"
    result = kx("export", "--query", str(mine), "--param", "entity=syn:a1", "-o", str(out))
    assert result.exit_code == 0, result.output
    nodes = lambda p: {n["data"]["id"] for n in json.loads(p.read_text(encoding="utf-8"))["elements"]["nodes"]}  # noqa: E731
    assert nodes(out) == nodes(whole)
    missing = kx("export", "--query", str(mine), "-o", str(out))
    assert missing.exit_code == 2 and "entity" in missing.stderr


def test_a_focus_view_draws_the_links_between_nodes_of_its_last_ring():
    """Two nodes both exactly ``depth`` hops from the focus keep the link between them."""
    with kxgraph.open(memory=True) as g:
        g.update(f"""PREFIX kx: <https://w3id.org/kxgraph/ns#> PREFIX org: <http://www.w3.org/ns/org#>
            INSERT DATA {{ GRAPH <urn:test:ring> {{
              <{SYN}p1> a kx:Project ; kx:participant <{SYN}a1> ; kx:carriedOutAt <{SYN}w1> .
              <{SYN}w1> a kx:AcademicianWorkstation .
              <{SYN}m1> a org:Membership ; org:member <{SYN}a1> ; org:organization <{SYN}w1> .
              <{SYN}a1> a kx:Academician . }} }}""")
        G = g.network(focus=SYN + "a1", depth=1)
        assert set(G.nodes) == syn("a1", "p1", "w1")
        assert G.has_edge(SYN + "p1", SYN + "w1") and G.edges[SYN + "p1", SYN + "w1"]["link"] == "carried-out-at"


def test_a_focus_view_asks_only_for_links_of_its_frontier(g, monkeypatch):
    """Every link query of a neighbourhood binds the frontier, so none walks every link of the store."""
    asked: list[str] = []
    original = g.store.query

    def spy(sparql, **kw):
        asked.append(sparql)
        return original(sparql, **kw)

    monkeypatch.setattr(g.store, "query", spy)
    G = g.network(focus=SYN + "a1", depth=2)
    assert G.number_of_edges() > 0
    links = [q for q in asked if "?s" in q and "?o" in q and "DISTINCT ?s ?o" in q]
    assert links and all("VALUES ?s {" in q or "VALUES ?o {" in q for q in links)


def test_a_typed_focus_view_is_the_typed_network_around_the_focus(g):
    import networkx as nx

    kinds = ["kx:Academician", "kx:AcademicianWorkstation", "kx:CooperationProject"]
    whole = g.network(types=kinds)
    focus = g.network(focus=SYN + "a1", depth=2, types=kinds)
    around = nx.ego_graph(whole, SYN + "a1", radius=2)
    assert focus.number_of_edges() > 0
    assert set(focus.nodes) == set(around.nodes)
    assert {frozenset(e) for e in focus.edges} == {frozenset(e) for e in around.edges}
