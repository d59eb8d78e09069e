"""Views of very large networks open on an overview: communities as nodes sized by their members,
each opening its own view in the same page, with search across the whole network."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest

from kxgraph.network.view import View



def network(groups: int = 6, size: int = 40) -> nx.Graph:
    """``groups`` dense clusters joined in a ring by single links; every node labelled."""
    G = nx.relabel_nodes(nx.connected_caveman_graph(groups, size), lambda i: f"urn:kx:n{i}")
    for i, n in enumerate(G):
        G.nodes[n].update(label_zh=f"节点{i}号", label_en=f"Node {i}", type="kx:Person")
    return G


def page_data(html: str, part: str = "kx-data"):
    text = re.search(rf'<script type="application/json" id="{part}">(.*?)</script>', html, re.S).group(1)
    return json.loads(text)


def opened(browser, path):
    """The page at ``path`` opened in Chromium with networking cut off (the page's own CSP holds),
    once drawn and its search text read: (page, requests that tried to leave, page errors)."""
    page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    requests, errors = [], []
    page.route("http*://**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.kxView && window.kxView.ready && kxView.searchReady", timeout=30000)
    return page, requests, errors


def test_a_network_above_the_threshold_gets_an_overview_of_its_communities():
    G = network()
    html = View(G, overview=100).html()
    data = page_data(html)
    groups, starts = data["overview"]["groups"], data["overview"]["starts"]
    assert sum(g["n"] for g in groups) == G.number_of_nodes() == data["overview"]["count"]
    assert len(groups) >= 3
    assert groups == sorted(groups, key=lambda g: -g["n"])  # biggest first, and drawn biggest
    assert data["overview"]["links"], "communities are linked by the links between their members"
    # Each community's members and inner links are their own part of the page, read when opened.
    for c, g in enumerate(groups):
        part = page_data(html, f"kx-c{c}")
        assert len(part["n"]) == g["n"] == starts[c + 1] - starts[c]
        assert all(0 <= a < g["n"] and 0 <= b < g["n"] for a, b, _, _ in part["e"])
    inner = sum(len(page_data(html, f"kx-c{c}")["e"]) for c in range(len(groups)))
    assert inner + sum(k for _, _, k in data["overview"]["links"]) == G.number_of_edges() == data["overview"]["edgeCount"]
    # The search text has a line per node, community by community: every label is in it once.
    text, types = page_data(html, "kx-search")
    lines = text.split("\n")[:-1]
    assert len(lines) == len(types) == G.number_of_nodes()
    assert sorted(line.split("\t")[0] for line in lines) == sorted(d["label_zh"] for _, d in G.nodes(data=True))
    assert page_data(View(G).html())["overview"] is None  # below the threshold: the plain view


def test_a_node_keeps_its_community_links_and_details_in_the_overview():
    G = network()
    G.nodes["urn:kx:n5"].update({"kx:pinyin": "jie dian wu", "skos:altLabel": "第五; Fifth", "synthetic": True})
    html = View(G, overview=100).html()
    data = page_data(html)
    text, _ = page_data(html, "kx-search")
    lines = [line.split("\t") for line in text.split("\n")[:-1]]
    at = next(i for i, f in enumerate(lines) if f[0] == "节点5号")
    assert lines[at][2:] == ["urn:kx:n5", "", "第五", "Fifth", "jie dian wu", "jiedianwu"]
    starts = data["overview"]["starts"]
    c = max(k for k, s in enumerate(starts[:-1]) if s <= at)
    item = page_data(html, f"kx-c{c}")["n"][at - starts[c]]
    assert item[1] == G.degree("urn:kx:n5") and item[5] == 1 and item[6]["p"]["kx:pinyin"] == "jie dian wu"
    assert data["overview"]["synthetic"] == 1
    members = {lines[starts[c] + k][2] for k in range(starts[c + 1] - starts[c])}
    assert set(nx.node_connected_component(G, "urn:kx:n5")) >= members  # a community is one cluster


def test_small_communities_are_gathered_in_one_group_of_the_overview():
    G = network()
    for i in range(30):  # isolated pairs: thirty communities of two
        G.add_edge(f"urn:kx:p{i}a", f"urn:kx:p{i}b")
    for n in G:
        G.nodes[n].setdefault("label_zh", f"合成{n}")
    html = View(G, overview=100).html()
    groups = page_data(html)["overview"]["groups"]
    assert [g.get("small", 0) for g in groups] == [0] * 6 + [30]  # the six clusters, then the pairs together
    assert groups[-1]["n"] == 60 and len(page_data(html, f"kx-c{len(groups) - 1}")["e"]) == 30


def test_curies_are_what_shorten_gives_one_namespace_at_a_time():
    from kxgraph.network.view import curies
    from kxgraph.vocab import ID, KX, SYN, shorten

    iris = [SYN + "seed-0-scale-100/academician-1", SYN + "seed-0-scale-100/enterprise-22", ID + "org/taiyuan-cast",
            ID + "figure/taiyuan-report/patents", KX + "Academician", "urn:kx:n1", "http://example.org/a b",
            SYN + "weird segment/x", ID + "org/-dash", ID + "org/a.", ID + "org/", "https://example.org/x#y"]
    found, whole, prefixes = curies(iris)
    assert found == [shorten(i) for i in iris]
    for iri, curie, given in zip(iris, found, whole):  # the page rebuilds each IRI from its CURIE
        prefix, _, local = curie.partition(":")
        assert (given or (prefixes[prefix] + local if prefix in prefixes else curie)) == iri


@pytest.mark.browser
def test_the_overview_opens_offline_with_search_and_drill_down(browser, tmp_path):
    from kxgraph.vocab import SYN

    G = nx.relabel_nodes(network(), lambda n: SYN + "seed-0-scale-1/" + n.rsplit(":", 1)[-1])  # CURIEs in the page
    path = View(G, overview=100).to_html(tmp_path / "overview.html")
    data = page_data(path.read_text(encoding="utf-8"))
    page, requests, errors = opened(browser, path)
    groups = len(data["overview"]["groups"])
    assert page.evaluate("kxView.nodes.getIds()").count("g0") == 1
    assert page.evaluate("kxView.nodes.length") == groups

    # Drill down: click the biggest community where it is drawn.
    x, y = page.evaluate("(() => { var p = kxView.network.getPositions(['g0']).g0;"
                         " var d = kxView.network.canvasToDOM(p); return [d.x, d.y]; })()")
    box = page.locator("#net").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    assert page.evaluate("kxView.community") == 0
    size = data["overview"]["groups"][0]["n"]
    assert page.evaluate("kxView.nodes.length") == size
    assert "overview" in page.locator("#overview").inner_text().lower() or page.locator("#overview").is_visible()

    # Back to the overview, then search finds a node in another community and opens it there.
    page.click("#overview")
    assert page.evaluate("kxView.community") is None
    text, _ = page_data(path.read_text(encoding="utf-8"), "kx-search")
    lines = [line.split("\t") for line in text.split("\n")[:-1]]
    target = data["overview"]["starts"][groups - 1]  # the first node of the last community
    zh, en, iri = lines[target][0], lines[target][1], SYN + "seed-0-scale-1/" + lines[target][2].split(":")[1]
    assert iri in G
    page.fill("#search", zh)
    page.click("#go")
    assert page.evaluate("kxView.community") == groups - 1
    assert page.evaluate("kxView.focused") == target
    assert page.evaluate(f"kxView.nodes.get({target}) !== null")
    assert zh in page.locator("#details").inner_text() and iri in page.locator("#details").inner_text()
    page.click("#lang")  # labels switch language in a community view too
    assert page.evaluate(f"kxView.nodes.get({target}).label") == en

    # Search by whole IRI, from the overview: the page finds it by its CURIE.
    page.click("#overview")
    other = data["overview"]["starts"][1]
    page.fill("#search", SYN + "seed-0-scale-1/" + lines[other][2].split(":")[1])
    page.click("#go")
    assert page.evaluate("kxView.community") == 1 and page.evaluate("kxView.focused") == other
    # "Node 1" is in "Node 10" to "Node 199" too: the exact match comes first.
    one = next(i for i, f in enumerate(lines) if f[1] == "Node 1")
    page.fill("#search", "node 1")
    page.click("#go")
    assert page.evaluate("kxView.focused") == one
    assert page.locator("#matches button").first.inner_text().startswith("Node 1 ·")  # English since the switch
    page.fill("#search", "no such node anywhere")
    page.click("#go")
    assert page.locator("#matches").inner_text() in ("无匹配", "no match")
    assert requests == [] and errors == []


@pytest.mark.browser
def test_the_small_communities_open_together_from_the_overview(browser, tmp_path):
    G = network()
    for i in range(12):  # isolated pairs: twelve communities of two, one node of the overview
        G.add_edge(f"urn:kx:p{i}a", f"urn:kx:p{i}b")
        G.nodes[f"urn:kx:p{i}a"].update(label_zh=f"合成甲{i}", label_en=f"Pair {i} a")
        G.nodes[f"urn:kx:p{i}b"].update(label_zh=f"合成乙{i}", label_en=f"Pair {i} b")
    path = View(G, overview=100).to_html(tmp_path / "overview.html")
    page, requests, errors = opened(browser, path)
    last = page.evaluate("kxView.nodes.length") - 1
    assert page.evaluate(f"kxView.nodes.get('g{last}').label") == "12 个小社区，共 24 个节点（点击展开）"
    page.click("#lang")
    assert page.evaluate(f"kxView.nodes.get('g{last}').label") == "12 small communities, 24 nodes (click to open)"
    page.fill("#search", "pair 7 b")
    page.click("#go")
    assert page.evaluate("kxView.community") == last
    assert page.evaluate("kxView.nodes.length") == 24 and page.evaluate("kxView.edges.length") == 12
    assert "Pair 7 b" in page.locator("#details").inner_text()
    assert requests == [] and errors == []


@pytest.mark.browser
def test_a_brief_panel_names_the_node_its_community_and_the_command_for_the_rest(browser, tmp_path):
    from kxgraph.vocab import SYN

    G = nx.relabel_nodes(network(), lambda n: SYN + "seed-0-scale-1/" + n.rsplit(":", 1)[-1])
    five = SYN + "seed-0-scale-1/n5"
    G.nodes[five].update({"kx:pinyin": "jie dian wu", "skos:altLabel": "第五; Fifth", "synthetic": True})
    G.graph["details"] = "brief"  # as a projection of more nodes than an overview's threshold says
    path = View(G, overview=100).to_html(tmp_path / "brief.html")
    page, requests, errors = opened(browser, path)
    for query in ("jiedianwu", "Fifth"):  # search finds the node by its pinyin and alternative labels
        page.fill("#search", query)
        page.click("#go")
        details = page.locator("#details").inner_text()
        assert "节点5号" in details and "第五; Fifth" in details and "jie dian wu" in details
    community = page.evaluate("kxView.community")
    assert f"第 {community + 1} 组" in details and "kx show syn-seed-0-scale-1:n5" in details
    assert "kx view --details all" in details and "合成数据" in details
    page.click("#lang")
    assert "All properties" in page.locator("#details").inner_text()
    assert requests == [] and errors == []
