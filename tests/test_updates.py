"""``kx update`` says what it did, and why a DELETE without GRAPH did nothing."""

from __future__ import annotations

import json

KX = "https://w3id.org/kxgraph/ns#"


def test_an_update_reports_triples_added_and_removed_per_graph(kx):
    kx("update", f'INSERT DATA {{ GRAPH <urn:g> {{ <{KX}a> <{KX}p> 1, 2 }} }}')
    result = kx("update", f"DELETE WHERE {{ GRAPH ?g {{ <{KX}a> <{KX}p> 1 }} }}")
    assert result.exit_code == 0
    assert "urn:g" in result.stdout and "urn:g: −1 triples" in result.stderr


def test_a_delete_without_graph_explains_itself_and_shows_the_form_that_works(kx):
    kx("update", f'INSERT DATA {{ GRAPH <urn:g> {{ <{KX}a> kx:pinyin "x" }} }}')
    result = kx("update", "DELETE WHERE { ?s kx:pinyin ?p }")
    assert result.exit_code == 0
    assert "changed nothing" in result.stderr and "named graph" in result.stderr
    fixed = result.stderr.split("so write: ", 1)[1].strip()
    assert fixed == "DELETE WHERE { GRAPH ?g { ?s kx:pinyin ?p } }"
    assert "−1 triples" in kx("update", fixed).stderr


def test_a_delete_insert_gets_the_graph_form_too(kx):
    kx("update", f'INSERT DATA {{ GRAPH <urn:g> {{ <{KX}a> <{KX}p> 1 }} }}')
    result = kx("update", f"DELETE {{ ?s <{KX}p> 1 }} INSERT {{ ?s <{KX}p> 2 }} WHERE {{ ?s <{KX}p> 1 }}")
    fixed = result.stderr.split("so write: ", 1)[1].strip()
    assert "GRAPH ?g" in fixed
    kx("update", fixed)
    rows = json.loads(kx("query", f"SELECT ?o WHERE {{ GRAPH <urn:g> {{ ?s <{KX}p> ?o }} }}", "--format",
                         "json").stdout)["results"]["bindings"]
    assert [r["o"]["value"] for r in rows] == ["2"]


def test_a_delete_that_matches_nowhere_gets_no_hint(kx):
    result = kx("update", "DELETE WHERE { ?s kx:nonesuch ?p }")
    assert result.exit_code == 0 and "changed nothing" in result.stderr and "GRAPH" not in result.stderr


def test_the_help_example_works_as_written(kx):
    import re

    from kxgraph.cli import main

    example = re.search(r"kx update '(.*)'", main.get_command(None, "update").help)[1]
    kx("update", f'INSERT DATA {{ GRAPH <urn:g> {{ <{KX}a> kx:pinyin "x" }} }}')
    assert "−1 triples" in kx("update", example).stderr


def test_the_library_returns_the_report():
    import kxgraph

    with kxgraph.open(memory=True) as g:
        report = g.update(f'INSERT DATA {{ GRAPH <urn:g> {{ <{KX}a> <{KX}p> 1 }} }}')
        assert report.changed == [("urn:g", 0, 1)]
        assert report.result().column("added") == [1]
