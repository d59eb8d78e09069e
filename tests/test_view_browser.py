"""Views in a real browser: headless Chromium with every http(s) request aborted and recorded."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest

import kxgraph
from kxgraph.network.view import View

pytestmark = [pytest.mark.browser, pytest.mark.slow]  # each starts Chromium: not in the fast loop

DATA = Path(__file__).parent / "data" / "network-small.ttl"
SYN = "https://w3id.org/kxgraph/synthetic/"
EVIL = [
    '<img src=x onerror="window.__pwned=1">',
    "<script>window.__pwned=1</script>",
    '"><svg onload="window.__pwned=1">',
    "</script><script>window.__pwned=1</script><!--",
    "javascript:window.__pwned=1",
    "<iframe src=\"javascript:parent.__pwned=1\"></iframe>",
]


@pytest.fixture
def open_page(browser):
    """Open a file with networking cut off; returns (page, requests that tried to leave, dialogs)."""
    pages = []

    def run(path: Path):
        # bypass_csp: the page's own Content-Security-Policy would also refuse Playwright's polling
        # script; without it these tests check the page's escaping and routing, not the CSP.
        context = browser.new_context(viewport={"width": 1200, "height": 800}, bypass_csp=True)
        page = context.new_page()
        requests, dialogs, errors = [], [], []
        page.route("http*://**/*", lambda route: (requests.append(route.request.url), route.abort()))
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function("window.kxView && window.kxView.ready", timeout=30000)
        pages.append(page)
        return page, requests, dialogs, errors

    yield run
    for page in pages:
        page.context.close()


def evil_turtle() -> str:
    lines = ["@prefix kx: <https://w3id.org/kxgraph/ns#> . @prefix org: <http://www.w3.org/ns/org#> .",
             "@prefix syn: <https://w3id.org/kxgraph/synthetic/> . "
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ."]
    for i, label in enumerate(EVIL):
        text = label.replace("\\", "\\\\").replace('"', '\\"')
        lines.append(f'syn:evil{i} a kx:Academician ; rdfs:label "{text}"@zh , "{text}"@en ; kx:synthetic true .')
        lines.append(f"syn:evil-m{i} org:member syn:evil{i} ; org:organization syn:w2 .")
    return "\n".join(lines)


@pytest.fixture
def store_with_evil(store_path, tmp_path):
    import pyoxigraph as ox

    extra = tmp_path / "evil.ttl"
    extra.write_text(evil_turtle(), encoding="utf-8")
    g = kxgraph.open(store_path, mode="create")
    g.store.load(DATA, format=ox.RdfFormat.TURTLE, graph="urn:test:small")
    g.store.load(extra, format=ox.RdfFormat.TURTLE, graph="urn:test:evil")
    g.close()
    return store_path


@pytest.fixture
def page_of_network(kx, store_with_evil, tmp_path, open_page):
    out = tmp_path / "view.html"
    result = kx("view", "-o", str(out))
    assert result.exit_code == 0, result.output
    return open_page(out)


def node_index(page, iri: str) -> int:
    return page.evaluate("iri => kxView.data.nodes.findIndex(n => n.i === iri)", iri)


def test_the_network_renders_every_node_without_a_request(page_of_network):
    page, requests, dialogs, errors = page_of_network
    # the small network's 11 collaborating nodes (its district is context, left out) and 13 links
    assert page.evaluate("kxView.nodes.length") == 11 + len(EVIL)
    assert page.evaluate("kxView.network.body.nodeIndices.length") == 11 + len(EVIL)
    assert page.evaluate("kxView.edges.length") == 13 + len(EVIL)
    assert page.evaluate("document.querySelectorAll('#legend input').length") == 6  # six types
    assert requests == [] and dialogs == [] and errors == []


def test_search_focuses_the_right_node_and_shows_its_details(page_of_network):
    page, requests, _, _ = page_of_network
    page.fill("#search", "乙院士")
    page.press("#search", "Enter")
    target = node_index(page, SYN + "a2")
    assert page.evaluate("kxView.focused") == target
    assert page.evaluate("kxView.network.getSelectedNodes()") == [target]
    details = page.inner_text("#details")
    assert "Academician B" in details and SYN + "a2" in details and "合成数据" in details
    assert requests == []


def test_clicking_a_node_shows_its_type_labels_and_source(page_of_network):
    page, requests, _, _ = page_of_network
    target = node_index(page, SYN + "e1")
    page.evaluate("kxView.network.setOptions({physics: {enabled: false}})")
    page.evaluate("i => kxView.network.focus(i, {scale: 1.5, animation: false})", target)
    point = page.evaluate("i => kxView.network.canvasToDOM(kxView.network.getPosition(i))", target)
    box = page.locator("#net").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
    page.wait_for_function("i => kxView.selected === i", arg=target, timeout=5000)
    details = page.inner_text("#details")
    assert "一号企业" in details and "Enterprise 1" in details and "kx:Enterprise" in details
    assert "样例原文：一号企业依托建设一号工作站。" in details
    assert requests == []


def test_script_injection_labels_show_as_text_and_never_run(page_of_network):
    page, requests, dialogs, errors = page_of_network
    for i, label in enumerate(EVIL):
        page.evaluate("q => kxView.search(q)", label)
        assert page.evaluate("kxView.selected") == node_index(page, f"{SYN}evil{i}")
        assert label in page.inner_text("#details")
    page.click("#lang")  # relabel everything in English, legend and details too
    page.evaluate("kxView.network.redraw()")
    assert page.evaluate("window.__pwned") is None
    assert page.evaluate("document.querySelectorAll('#side img, #side svg, #side iframe, #side script').length") == 0
    assert dialogs == [] and requests == [] and errors == []


def test_type_filter_and_language_switch(page_of_network):
    page, _, _, _ = page_of_network
    legend = page.inner_text("#legend")
    assert "院士" in legend
    page.click("#lang")
    assert "academician" in page.inner_text("#legend")
    first_type_count = page.evaluate("kxView.data.types[0].count")
    page.locator("#legend input").first.uncheck()
    hidden = page.evaluate("kxView.nodes.get({filter: n => n.hidden === true}).length")
    assert hidden == first_type_count


def test_a_large_network_opens_with_its_layout_and_physics_off(tmp_path, open_page):
    G = nx.connected_watts_strogatz_graph(3000, 4, 0.1, seed=1)
    G = nx.relabel_nodes(G, {i: f"urn:n{i}" for i in G})
    out = View(G).to_html(tmp_path / "large.html")
    page, requests, _, errors = open_page(out)
    assert page.evaluate("kxView.data.large") is True
    assert page.evaluate("kxView.network.physics.physicsEnabled") is False
    assert page.evaluate("kxView.network.body.nodeIndices.length") == 3000
    page.evaluate("kxView.search('urn:n2999')")
    assert page.evaluate("kxView.focused") == node_index(page, "urn:n2999")
    assert requests == [] and errors == []


def people(*synthetic: bool) -> nx.Graph:
    """A chain of academicians with pinyin and alternative labels; ``synthetic`` marks each."""
    names = [("甲院士", "jia yuan shi", "老甲"), ("乙院士", "yi yuan shi", "老乙"), ("丙院士", "bing yuan shi", "")]
    G = nx.path_graph([f"urn:p{i}" for i in range(len(synthetic))])
    for n, (zh, pinyin, alt), syn in zip(G, names, synthetic):
        G.nodes[n].update({"type": "kx:Academician", "label_zh": zh, "synthetic": syn,
                           "kx:pinyin": pinyin, "skos:altLabel": alt, "kx:discipline": "材料"})
    return G


def test_synthetic_data_is_announced_on_the_page(tmp_path, open_page):
    page, _, _, _ = open_page(View(people(True, False, True)).to_html(tmp_path / "mixed.html"))
    assert "2" in page.inner_text("#synthetic-note") and "合成" in page.inner_text("#synthetic-note")
    page.click("#lang")
    assert "2 nodes are synthetic" in page.inner_text("#synthetic-note")
    page, _, _, _ = open_page(View(people(False, False)).to_html(tmp_path / "real.html"))
    assert page.inner_text("#synthetic-note") == ""


def test_search_finds_pinyin_with_or_without_spaces_and_alternative_labels(tmp_path, open_page):
    page, _, _, _ = open_page(View(people(True, True, True)).to_html(tmp_path / "p.html"))
    for query, expected in (("jiayuanshi", "urn:p0"), ("yi yuan shi", "urn:p1"), ("老乙", "urn:p1"),
                            ("BING", "urn:p2")):
        page.fill("#search", query)
        page.click("#go")
        assert page.evaluate("kxView.data.nodes[kxView.focused].i") == expected, query


def test_details_name_properties_in_the_page_language(page_of_network):
    page, _, _, _ = page_of_network
    assert page.inner_text("#go") == "搜索"
    page.evaluate("kxView.search('甲院士')")
    details = page.inner_text("#details")
    assert "学科" in details and "材料" in details and "kx:discipline" not in details
    page.click("#lang")
    assert page.inner_text("#go") == "Search" and "discipline" in page.inner_text("#details")


def test_a_focus_view_opens_on_its_focus_entity(kx, store_with_evil, tmp_path, open_page):
    out = tmp_path / "focus.html"
    assert kx("view", "--focus", "syn:a1", "--depth", "1", "-o", str(out)).exit_code == 0
    page, requests, _, errors = open_page(out)
    a1 = node_index(page, SYN + "a1")
    assert page.evaluate("kxView.selected") == a1
    assert page.evaluate("kxView.network.getSelectedNodes()") == [a1]
    assert "甲院士" in page.inner_text("#details")
    assert requests == [] and errors == []


def test_related_entities_in_the_details_are_links_that_select_them(page_of_network):
    page, requests, _, errors = page_of_network
    page.evaluate("kxView.search('一号项目')")
    links = page.locator("#details a.entity")
    assert "一号专利" in links.all_inner_texts() and "一号企业" in links.all_inner_texts()
    assert "kx:RnDCompleted" not in page.inner_text("#details")  # the status reads as its label
    page.locator("#details a.entity", has_text="一号专利").click()
    assert page.evaluate("kxView.selected") == node_index(page, SYN + "x")
    assert "Patent 1" in page.inner_text("#details")
    assert requests == [] and errors == []



def test_the_notebook_page_unpacks_vis_network_and_colours_by_community(tmp_path, open_page):
    G = nx.disjoint_union(nx.complete_graph(4), nx.complete_graph(4))
    G = nx.relabel_nodes(G, {i: f"urn:n{i}" for i in G})
    for n in G:
        G.nodes[n].update(type="kx:Academician", label_zh=n[-1])
    view = View(G, color_by="community")
    path = tmp_path / "inline.html"
    path.write_text(view.html(compress=True), encoding="utf-8")
    page, requests, _, errors = open_page(path)
    assert not requests and not errors
    colours = page.evaluate("kxView.data.nodes.map((n, i) => kxView.nodes.get(i).color)")
    assert len(set(colours)) == 2  # one colour per community, though all share a type
    assert "社区 1 (4)" in page.inner_text("#legend")
