"""Huge answers on /sparql: cut at the limit, then streamed as the store yields rows, in bounded memory.

The answers are made by the query itself (VALUES cross joins), so no big store is needed.
"""

from __future__ import annotations

import csv
import http.client
import io
import json
import time
import tracemalloc
import urllib.parse

import pytest

from tests.serve.conftest import Running

ACCEPT = {"csv": "text/csv", "tsv": "text/tab-separated-values", "json": "application/sparql-results+json",
          "xml": "application/sparql-results+xml"}


def rows_query(n10: int, *, padding: int = 0) -> str:
    """A SELECT of ``n10 * 100`` synthetic rows (?i, ?j, ?k and a text ``padding`` characters longer)."""
    tens = " ".join(str(i) for i in range(10))
    return (f"SELECT ?i ?j ?k ?text WHERE {{ VALUES ?i {{ {' '.join(str(i) for i in range(n10))} }} "
            f"VALUES ?j {{ {tens} }} VALUES ?k {{ {tens} }} "
            f"BIND(CONCAT(\"synthetic row \", STR(?i), \"-\", STR(?j), \"-\", STR(?k), \"{'x' * padding}\") AS ?text) }}"
            " ORDER BY ?i ?j ?k")


@pytest.fixture(scope="module")
def roomy(served_store):
    """The app with a limit well above one streamed batch."""
    from starlette.testclient import TestClient

    from kxgraph.server.app import Settings, create_app

    with TestClient(create_app(Settings(served_store, timeout=20, limit=5000)), base_url="http://127.0.0.1") as c:
        yield c


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml"])
def test_a_streamed_answer_is_the_whole_answer_byte_for_byte(roomy, served_store, fmt):
    import kxgraph
    from kxgraph.output.render import render_to_string

    text = rows_query(12)  # 1200 rows: several batches, under the limit
    r = roomy.get("/sparql", params={"query": text}, headers={"Accept": ACCEPT[fmt]})
    assert r.status_code == 200 and "x-kx-truncated" not in r.headers and r.headers["x-kx-limit"] == "5000"
    with kxgraph.open(served_store) as g:
        assert r.text == render_to_string(g.query(text), fmt)
    if fmt == "json":
        assert len(r.json()["results"]["bindings"]) == 1200


@pytest.mark.parametrize("fmt,accept", [("ntriples", "application/n-triples"), ("turtle", "text/turtle"),
                                        ("jsonld", "application/ld+json")])
def test_a_streamed_graph_is_the_whole_graph(roomy, fmt, accept):
    import pyoxigraph as ox

    construct = ("CONSTRUCT { ?s rdfs:label ?text } WHERE { VALUES ?i { 0 1 2 3 4 5 6 7 8 9 10 11 } "
                 "VALUES ?j { 0 1 2 3 4 5 6 7 8 9 } VALUES ?k { 0 1 2 3 4 5 6 7 8 9 } "
                 "BIND(IRI(CONCAT(\"https://example.org/synthetic/\", STR(?i), \"-\", STR(?j), \"-\", STR(?k))) AS ?s) "
                 "BIND(CONCAT(\"synthetic \", STR(?i)) AS ?text) }")
    r = roomy.get("/sparql", params={"query": construct}, headers={"Accept": accept})
    assert r.status_code == 200
    rdf = {"ntriples": ox.RdfFormat.N_TRIPLES, "turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    assert len(set(ox.parse(r.content, format=rdf))) == 1200
    if fmt == "turtle":
        assert r.text.count("@prefix rdfs:") == 1


def test_an_answer_larger_than_the_limit_is_cut_at_the_limit(client, settings):
    r = client.get("/sparql", params={"query": rows_query(50)}, headers={"Accept": "text/csv"})  # 5000 rows
    rows = list(csv.reader(io.StringIO(r.text)))
    assert r.status_code == 200 and len(rows) == 1 + settings.limit
    assert r.headers["x-kx-truncated"] == "true" and r.headers["x-kx-limit"] == str(settings.limit)
    assert rows[1][3] == "synthetic row 0-0-0"  # the first rows, in the query's order


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_a_huge_answer_streams_in_bounded_memory(served_store, fmt):
    from kxgraph.server.app import Settings, create_app

    limit = {"csv": 60000, "tsv": 60000, "json": 40000}[fmt]  # JSON is twice the bytes a row
    running = Running(create_app(Settings(served_store, timeout=120, limit=limit)))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=120)
        path = "/sparql?" + urllib.parse.urlencode({"query": rows_query(1000, padding=150)})  # 100000 rows
        tracemalloc.start()
        try:
            conn.request("GET", path, headers={"Accept": ACCEPT[fmt]})
            response = conn.getresponse()
            assert response.status == 200
            assert response.getheader("transfer-encoding") == "chunked"  # no length: produced as it goes
            received, tail = 0, b""
            while chunk := response.read(1 << 16):
                received += len(chunk)
                tail = (tail + chunk)[-400:]
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            conn.close()
    finally:
        running.stop()
    assert received > 10_000_000  # rows of ~170 characters (~330 in JSON)
    assert peak < received / 2, f"{peak} bytes held at once"  # the answer was never held whole
    last = f"synthetic row {limit // 100 - 1}-9-9".encode()  # the last row within the limit
    assert last in tail and (fmt != "json" or tail.endswith(b"]}}\n"))


@pytest.mark.slow
def test_a_client_leaving_mid_answer_frees_its_query_slot(served_store):
    from kxgraph.server.app import Settings, create_app

    running = Running(create_app(Settings(served_store, timeout=30, limit=100000, max_running=1)))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": rows_query(1000, padding=150)}),
                     headers={"Accept": "text/csv"})
        response = conn.getresponse()
        assert response.status == 200 and response.read(1 << 16)
        conn.close()  # gone after the first rows
        small = "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
        deadline, status = time.monotonic() + 20, None
        while time.monotonic() < deadline:
            conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
            conn.request("GET", small, headers={"Accept": "application/sparql-results+json"})
            answer = conn.getresponse()
            status, body = answer.status, answer.read()
            conn.close()
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        running.stop()


def test_queries_one_after_another_never_find_their_own_last_one_running(served_store):
    from kxgraph.server.app import Settings, create_app

    running = Running(create_app(Settings(served_store, timeout=20, limit=100, max_running=1)))
    try:
        conn = http.client.HTTPConnection("127.0.0.1", running.port, timeout=30)
        statuses = []
        for query in ["ASK {}", rows_query(5), "SELECT * WHERE { ?s a kx:Academician } LIMIT 3"] * 10:
            conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}),
                         headers={"Accept": "text/csv"})
            answer = conn.getresponse()
            answer.read()
            statuses.append(answer.status)
        conn.close()
    finally:
        running.stop()
    assert statuses == [200] * 30  # each one's slot was given back before its answer ended
