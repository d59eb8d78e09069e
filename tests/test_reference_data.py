"""Reference data comes with the store: the first write to a new store loads the shipped ontology,
gazetteer and reference schemes, whatever the write is, and says so in one line (issue 12).

Every write path that can create a store is tried: kx load, kx import, kx generate --load,
kx update, and the same through the Python API. The data written here is synthetic.
"""

from __future__ import annotations

import json

import pytest

import kxgraph
from kxgraph.resources import resource_path

ONTOLOGY = "https://w3id.org/kxgraph/graph/ontology"
GAZETTEER = "https://w3id.org/kxgraph/graph/gazetteer"
LINE = "loaded reference data: ontology, gazetteer, 10 schemes"
CAE_LABEL = "ASK { GRAPH <%s> { kx:CAE rdfs:label '中国工程院'@zh . " \
            "<https://w3id.org/kxgraph/id/division/cae-mechanical-vehicle> rdfs:label ?d } }" % ONTOLOGY


@pytest.fixture
def small_file(tmp_path):
    path = tmp_path / "mine.ttl"
    path.write_text("<https://example.org/synthetic/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    return path


def graph_names(kx) -> set[str]:
    result = kx("graphs", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {b["graph"]["value"] for b in json.loads(result.stdout)["results"]["bindings"]}


def has_reference(kx) -> bool:
    result = kx("query", CAE_LABEL)
    assert result.exit_code == 0, result.stderr
    return result.stdout.strip() == "true" and {ONTOLOGY, GAZETTEER} <= graph_names(kx)


def test_a_plain_load_into_a_new_store_brings_the_reference_data_and_says_so(kx, small_file):
    first = kx("load", str(small_file))
    assert first.exit_code == 0, first.stderr
    assert LINE in first.output
    assert first.output.count(LINE) == 1
    assert has_reference(kx)
    second = kx("load", str(small_file))  # not a new store any more: nothing more, nothing said
    assert second.exit_code == 0 and "reference data" not in second.output


def test_the_load_table_lists_the_files_graphs_and_the_line_names_the_rest(kx, small_file):
    result = kx("load", str(small_file), "--format", "turtle")
    assert small_file.resolve().as_uri() in result.stdout
    assert "kxg:ontology" not in result.stdout.split("note:")[0]


def test_an_import_into_a_new_store_brings_it(kx):
    result = kx("import", str(resource_path("templates/enterprises.csv")))
    assert result.exit_code == 0, result.stderr
    assert LINE in result.stderr
    assert has_reference(kx)


def test_an_update_on_a_new_store_brings_it_before_the_update(kx):
    result = kx("update", "INSERT DATA { GRAPH <https://example.org/notes> { <https://example.org/a> "
                          "<https://example.org/p> 1 } }")
    assert result.exit_code == 0, result.stderr
    assert LINE in result.stderr
    assert "ontology" not in result.stdout  # the update's table lists what the update changed
    assert has_reference(kx)


@pytest.mark.slow
def test_generate_load_into_a_new_store_brings_it(kx):
    result = kx("generate", "--load", "--scale", "0.1")
    assert result.exit_code == 0, result.stderr
    assert LINE in result.stderr
    assert has_reference(kx)


def test_the_python_api_does_the_same_for_load_import_and_update(tmp_path, small_file):
    with kxgraph.open(tmp_path / "a", mode="create") as g:
        assert g.load(small_file).notes == [LINE]
        assert g.query(CAE_LABEL).boolean
        assert g.load(small_file).notes == []
    with kxgraph.open(memory=True) as g:
        assert g.import_tables(resource_path("templates/enterprises.csv")).reference == LINE
        assert g.query(CAE_LABEL).boolean
    with kxgraph.open(memory=True) as g:
        report = g.update("INSERT DATA { GRAPH <https://example.org/n> { <https://example.org/a> "
                          "<https://example.org/p> 1 } }")
        assert report.reference == LINE
        assert [graph for graph, _, _ in report.changed] == ["https://example.org/n"]
        assert g.query(CAE_LABEL).boolean


def test_a_failed_first_load_leaves_the_new_store_empty(kx, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<https://example.org/a> <https://example.org/p> .\n", encoding="utf-8")
    assert kx("load", str(bad)).exit_code != 0
    assert graph_names(kx) == set()


def test_a_failed_first_update_leaves_the_new_store_empty(tmp_path):
    with kxgraph.open(tmp_path / "s", mode="create") as g:
        with pytest.raises(kxgraph.KxError):
            g.update("DROP GRAPH <https://example.org/not-there>")
        assert g.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean is False


def test_protected_graphs_stay_protected_on_a_new_store(kx, small_file):
    result = kx("load", "--graph", ONTOLOGY, str(small_file))
    assert result.exit_code != 0 and "ontology" in result.stderr
    assert graph_names(kx) == set()  # refused before anything, reference data included, was written


def test_an_update_of_any_graph_after_the_first_write_keeps_the_reference_data(kx, small_file):
    kx("load", str(small_file))
    result = kx("update", "DELETE WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert result.exit_code == 0, result.stderr
    assert has_reference(kx)
    assert kx("query", "ASK { <https://example.org/synthetic/a> ?p ?o }").stdout.strip() == "false"


def test_load_ontology_stays_for_an_explicit_reload(kx, small_file):
    kx("load", str(small_file))
    kx("update", f"DELETE DATA {{ GRAPH <{ONTOLOGY}> {{ kx:CAE rdfs:label '中国工程院'@zh }} }}", "--force-shipped")
    assert not has_reference(kx)
    assert kx("load", "--ontology").exit_code == 0
    assert has_reference(kx)
