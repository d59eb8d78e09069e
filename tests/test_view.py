"""The HTML view as a file: self-contained, escaped, sized, laid out when large (no browser needed)."""

from __future__ import annotations

import html
import json
import re

import networkx as nx
import pytest

from kxgraph.network import view as view_module
from kxgraph.errors import ParameterError, WriteError
from kxgraph.network.view import View, grid_layout, script_json

EVIL = ["</script><script>window.pwned=1</script>", "<!--", "<img src=x onerror=alert(1)>",
        "&lt;b&gt;", "\u2028line"]


def page_data(page: str) -> dict:
    return json.loads(page.split('id="kx-data">', 1)[1].split("</script>", 1)[0])


def labelled(labels: list[str]) -> nx.Graph:
    G = nx.path_graph([f"urn:n{i}" for i in range(len(labels))])
    for n, label in zip(G, labels):
        G.nodes[n].update(type="kx:Academician", label_zh=label, label_en=label, synthetic=True)
    return G


def test_the_page_loads_nothing_from_outside():
    page = View(labelled(["甲", "乙"])).html()
    assert "new vis.Network" in page
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page, re.I)
    assert "default-src 'none'" in page  # the page itself forbids requests


def test_labels_cannot_break_out_of_the_data_script():
    page = View(labelled(EVIL)).html()
    for label in EVIL[:3]:
        assert label not in page
    assert [n["zh"] for n in page_data(page)["nodes"]] == EVIL
    assert page.count("</script>") == 3  # data, vis-network, the page's own code


def test_script_json_escapes_what_html_parsers_look_for():
    text = script_json({"a": "</script><!--&\u2028"})
    assert not set("<>&\u2028") & set(text)
    assert json.loads(text) == {"a": "</script><!--&\u2028"}


def test_the_title_is_escaped():
    page = View(labelled(["甲"]), title="<b>网络</b>").html()
    assert "<title>&lt;b&gt;网络&lt;/b&gt;</title>" in page


def test_every_node_and_edge_is_in_the_data_once():
    G = nx.les_miserables_graph()
    data = View(G).data()
    assert len(data["nodes"]) == G.number_of_nodes()
    assert len(data["edges"]) == G.number_of_edges()
    assert {n["i"] for n in data["nodes"]} == set(G.nodes)


def test_size_follows_degree_or_the_chosen_centrality():
    star = nx.star_graph(["urn:hub", "urn:a", "urn:b", "urn:c"])
    for size_by in ("degree", "betweenness", "eigenvector"):
        nodes = {n["i"]: n["s"] for n in View(star, size_by=size_by).data()["nodes"]}
        assert nodes["urn:hub"] > nodes["urn:a"] == nodes["urn:b"]
    with pytest.raises(ParameterError):
        View(star, size_by="height")


def test_types_get_a_colour_a_legend_entry_and_both_labels():
    G = labelled(["甲", "乙"])
    G.nodes["urn:n1"]["type"] = "kx:Enterprise"
    types = View(G).data()["types"]
    assert {(t["curie"], t["zh"], t["en"]) for t in types} == {
        ("kx:Academician", "院士", "academician"), ("kx:Enterprise", "企业", "enterprise")}
    assert len({t["color"] for t in types}) == 2


def test_small_networks_use_physics_and_large_ones_a_precomputed_layout():
    small = View(nx.path_graph(["urn:a", "urn:b"])).data()
    assert small["large"] is False and "x" not in small["nodes"][0]
    big = View(nx.path_graph(50), large=20).data()
    assert big["large"] is True
    assert all("x" in n and "py" in n for n in big["nodes"])


def test_the_linear_layout_places_every_node_at_a_distinct_point():
    G = nx.disjoint_union_all([nx.path_graph(30), nx.star_graph(10), nx.empty_graph(5)])
    pos = grid_layout(G)
    assert set(pos) == set(G.nodes)
    assert len(set(pos.values())) == G.number_of_nodes()


def test_to_html_writes_the_file_or_raises_write_error(tmp_path):
    page = View(labelled(["甲"]))
    written = page.to_html(tmp_path / "v.html")
    assert written.read_text(encoding="utf-8") == page.html()
    with pytest.raises(WriteError, match="missing"):
        page.to_html(tmp_path / "missing" / "v.html")
    assert [p.name for p in tmp_path.iterdir()] == ["v.html"]  # no temporary file left behind


def test_jupyter_shows_the_page_in_a_srcdoc_iframe_with_a_visible_fallback(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    page = View(labelled(EVIL), height=480)
    shown = page._repr_html_()
    assert shown.startswith("<iframe srcdoc=\"") and "src=\"http" not in shown
    srcdoc = shown.split('srcdoc="', 1)[1].split('" title=', 1)[0]
    assert html.unescape(srcdoc) == page.html(compress=True)
    assert "height:480px" in shown
    # Where the iframe is stripped (untrusted output in JupyterLab), a summary and a link remain.
    fallback = shown.split("</iframe>", 1)[1]
    assert "5 节点 · 4 关系" in fallback
    [link] = re.findall(r'href="([^"]+)"', fallback)
    assert (tmp_path / link).read_text(encoding="utf-8") == page.html()
    assert "<script" not in fallback and EVIL[0] not in fallback


def test_the_inline_page_carries_vis_network_compressed():
    page = View(labelled(["甲", "乙"]))
    assert len(page.html(compress=True)) < len(page.html()) * 0.45
    assert "DecompressionStream" in page.html(compress=True)


def test_vis_network_comes_from_the_installed_copy_with_its_licence():
    js = view_module.vis_network_js()
    assert "@license" in js[:2000] and "vis-network" in js[:200]


def test_every_type_looks_different_however_many_there_are():
    G = nx.empty_graph([f"urn:n{i}" for i in range(25)])
    for i, n in enumerate(G):
        G.nodes[n]["type"] = f"kx:Type{i}"
    types = View(G).data()["types"]
    assert len({(t["color"], t["shape"]) for t in types}) == 25
    assert {t["shape"] for t in types[:10]} == {"dot"}  # the ten biggest types are plain dots


def test_a_focus_view_marks_its_focus_node():
    G = nx.path_graph(["urn:a", "urn:b", "urn:c"])
    G.graph.update(kind="focus", focus="urn:b", depth=1)
    data = View(G).data()
    assert data["nodes"][data["focus"]]["i"] == "urn:b"
    assert View(nx.path_graph(["urn:a", "urn:b"])).data()["focus"] is None


def test_details_name_properties_and_known_values_in_both_languages():
    G = labelled(["甲"])
    G.nodes["urn:n0"].update({"kx:discipline": "材料", "kx:status": "kx:RnDCompleted", "ex:odd": "x"})
    terms = View(G).data()["terms"]
    assert terms["kx:discipline"] == {"zh": "学科", "en": "discipline"}
    assert terms["kx:RnDCompleted"]["zh"] == "完成研发"
    assert "ex:odd" not in terms  # shown as it is


def test_default_titles_name_the_focus_or_projection_in_the_starting_language():
    G = labelled(["甲", "乙"])
    G.nodes["urn:n0"]["label_en"] = "Jia"
    G.graph.update(kind="focus", focus="urn:n0", depth=2)
    assert View(G).title == "协作网络 · 甲 · 2 层"
    assert View(G, lang="en").title == "Collaboration network · Jia · 2 hops"
    P = nx.Graph(kind="projection", projection="academician-enterprise")
    assert View(P, lang="en").title == "Collaboration network · projection academician-enterprise"
    assert View(nx.Graph()).title == "协作网络"


def test_colour_by_source_groups_synthetic_report_and_each_imported_file():
    G = nx.path_graph(["urn:a", "urn:b", "urn:c", "urn:d"])
    G.nodes["urn:a"].update(synthetic=True)
    G.nodes["urn:b"].update(source="样例原文：一号企业依托建设一号工作站。")
    G.nodes["urn:c"].update(source="file:///data/workstations.csv#row-3")
    data = View(G, color_by="source").data()
    names = [data["groups"][n["k"]]["en"] for n in data["nodes"]]
    assert names == ["synthetic", "the report", "workstations.csv", "no source"]
    assert len({data["groups"][n["k"]]["color"] for n in data["nodes"]}) == 4
    assert View(G).data()["groups"] is None  # by type, as before
