"""`kx demo`, the main job: builds the graph, answers, and views; rerunning is safe."""

from __future__ import annotations

import json

import pytest


@pytest.mark.slow
def test_demo_builds_graph_answers_and_views_and_can_rerun(kx, kx_json, tmp_path):
    out = tmp_path / "views"
    first = kx("demo", "-o", str(out))
    assert first.exit_code == 0, first.output
    assert "synthetic" in first.output
    assert "agrees" in first.output and "disagrees" not in first.output
    for name in ("network", "societies", "academician"):
        page = out / f"{name}.html"
        assert page.exists() and str(page) in first.output
        assert "https://" not in page.read_text(encoding="utf-8").split("<script")[0]
    graphs_before = kx_json("graphs")

    again = kx("demo", "-o", str(out))
    assert again.exit_code == 0, again.output
    assert kx_json("graphs") == graphs_before, "a rerun replaces the demo's graphs, it does not add to them"


def test_demo_holds_real_and_synthetic_data_apart(kx, kx_json, tmp_path):
    assert kx("demo", "-o", str(tmp_path / "v"), "--scale", "0.1").exit_code == 0
    graphs = {row["graph"] for row in kx_json("graphs")}
    assert "https://w3id.org/kxgraph/graph/taiyuan-report" in graphs
    assert any(g.startswith("https://w3id.org/kxgraph/graph/synthetic/") for g in graphs)
    leaked = kx_json("query", "SELECT ?s WHERE { GRAPH <https://w3id.org/kxgraph/graph/taiyuan-report> "
                     "{ ?s ?p ?o } FILTER(STRSTARTS(STR(?s), 'https://w3id.org/kxgraph/synthetic/')) } LIMIT 1")
    assert leaked == []
