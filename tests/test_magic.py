"""The %%sparql magic runs against an explicit graph, fails cells on errors, binds {var} as terms."""

from __future__ import annotations

import datetime

import pytest

import kxgraph
from kxgraph.magic import bind_slots, kx_line, sparql_cell

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s a kx:AcademicianWorkstation }"


@pytest.fixture
def ns(repo):
    g = kxgraph.open(memory=True)
    g.load(repo / "tests" / "data" / "kx3-sample.ttl")
    return {"g": g}


def test_the_only_open_graph_is_used(ns):
    assert sparql_cell("", COUNT, ns).column("n") == [2]


def test_with_two_graphs_open_and_none_chosen_the_magic_refuses(ns):
    ns["scratch"] = kxgraph.open(memory=True)
    with pytest.raises(kxgraph.KxError, match=r"2 graphs are open \(g, scratch\); choose one with %kx use g"):
        sparql_cell("", COUNT, ns)
    assert sparql_cell("-g g", COUNT, ns).column("n") == [2]
    assert sparql_cell("-g scratch", COUNT, ns).column("n") == [0]
    kx_line("use g", ns)
    assert sparql_cell("", COUNT, ns).column("n") == [2]


def test_a_closed_graph_does_not_count_as_open(ns):
    ns["old"] = kxgraph.open(memory=True)
    ns["old"].close()
    assert sparql_cell("", COUNT, ns).column("n") == [2]


def test_use_refuses_a_name_that_is_not_a_graph(ns):
    with pytest.raises(kxgraph.KxError, match="nothing is not a graph"):
        kx_line("use nothing", ns)


def test_errors_raise_and_leave_no_stale_output(ns):
    sparql_cell("-o df", COUNT, ns)
    assert list(ns["df"]["n"]) == [2]
    with pytest.raises(kxgraph.QueryError, match="did you mean WHERE"):
        sparql_cell("-o df", "SELECT * WHER { ?s ?p ?o }", ns)
    assert "df" not in ns


def test_braced_names_are_notebook_values_bound_as_terms(ns):
    ns["ws"] = "syn:ws/w1"  # as a table prints it: an IRI
    ns["label"] = "一号工作站"  # other text: a literal, never pasted into the query
    rows = sparql_cell("", "SELECT ?p WHERE { {ws} ?p ?o }", ns)
    assert len(rows) > 0
    ns["evil"] = '"} } DROP ALL #'
    assert sparql_cell("", "SELECT ?s WHERE { ?s rdfs:label {evil} }", ns).rows == []


def test_values_become_typed_literals():
    text, bound = bind_slots("SELECT * { ?s ?p {n} . ?s ?q {day} . FILTER(?x = {yes}) }",
                             {"n": 3, "day": datetime.date(2024, 5, 1), "yes": True})
    assert text == "SELECT * { ?s ?p ?n . ?s ?q ?day . FILTER(?x = ?yes) }"
    assert bound["n"].datatype.value.endswith("#integer")
    assert bound["day"].datatype.value.endswith("#date")
    assert bound["yes"].value == "true"


def test_braces_in_strings_and_comments_are_left_alone():
    text, bound = bind_slots('SELECT * { ?s ?p "{x}" . # {x}\n ?s ?p ?o }', {})
    assert "{x}" in text and not bound


def test_an_unknown_name_is_an_error(ns):
    with pytest.raises(kxgraph.ParameterError, match="missing"):
        sparql_cell("", "SELECT * { {missing} ?p ?o }", ns)
