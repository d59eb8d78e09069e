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


def page_data(html: str) -> dict:
    text = re.search(r'<script type="application/json" id="kx-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(text)


def test_a_network_above_the_threshold_gets_an_overview_of_its_communities():
    G = network()
    data = page_data(View(G, overview=100).html())
    groups = data["overview"]["groups"]
    assert sum(g["n"] for g in groups) == G.number_of_nodes()
    assert len(groups) >= 3
    assert groups == sorted(groups, key=lambda g: -g["n"])  # biggest first, and drawn biggest
    assert all(0 <= node["g"] < len(groups) for node in data["nodes"])
    assert data["overview"]["links"], "communities are linked by the links between their members"
    assert page_data(View(G).html())["overview"] is None  # below the threshold: the plain view


@pytest.mark.browser
def test_the_overview_opens_offline_with_search_and_drill_down(browser, tmp_path):
    G = network()
    path = View(G, overview=100).to_html(tmp_path / "overview.html")
    data = page_data(path.read_text(encoding="utf-8"))
    page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()  # the page's own CSP holds
    requests, errors = [], []
    page.route("http*://**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    page.wait_for_function("window.kxView && window.kxView.ready", timeout=30000)
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
    target = next(i for i, n in enumerate(data["nodes"]) if n["g"] == groups - 1)
    page.fill("#search", data["nodes"][target]["zh"])
    page.click("#go")
    assert page.evaluate("kxView.community") == groups - 1
    assert page.evaluate("kxView.focused") == target
    assert page.evaluate(f"kxView.nodes.get({target}) !== null")
    assert data["nodes"][target]["zh"] in page.locator("#details").inner_text()
    page.click("#lang")  # labels switch language in a community view too
    assert page.evaluate(f"kxView.nodes.get({target}).label") == data["nodes"][target]["en"]
    assert requests == [] and errors == []
