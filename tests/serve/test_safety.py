"""Bad input and safety: every hostile request is refused or escaped, nothing is written, and
nothing leaves the machine."""

from __future__ import annotations

import hashlib
import re
import socket
from dataclasses import replace

import pytest

# about a second in memory, several times the 0.2 s timeout below on disk, yet it ends: a query
# that runs on after its answer timed out, holding its slot, then gives the slot back
SLOW = ('SELECT * WHERE { ?a a kx:Academician . ?d ?e ?f . ?x a kx:CooperationProject '
        'FILTER(STR(?a) = CONCAT(STR(?f), STR(?x))) }')


def test_a_malformed_query_is_400_with_where(client):
    r = client.get("/sparql", params={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert r.status_code == 400 and "line" in r.text.lower()


def test_an_over_long_query_is_413(settings):
    from starlette.testclient import TestClient

    from kxgraph.server.app import create_app

    with TestClient(create_app(replace(settings, max_query=1000))) as client:
        _over_long(client, "#" + "x" * 1000 + "\n")


def _over_long(client, padding):
    assert client.get("/sparql", params={"query": padding + "ASK {}"}).status_code == 413
    assert client.post("/sparql", data={"query": padding + "ASK {}"}).status_code == 413
    assert client.post("/sparql", content=(padding + "ASK {}").encode(),
                       headers={"Content-Type": "application/sparql-query"}).status_code == 413
    assert client.get("/editor", params={"query": padding + "ASK {}"}).text.count("role=\"alert\"") == 1


def test_a_query_past_the_timeout_is_answered_and_runaway_queries_are_bounded(settings):
    import time

    from starlette.testclient import TestClient

    from kxgraph.server.app import create_app

    with TestClient(create_app(replace(settings, timeout=0.2, max_running=1))) as client:
        r = client.get("/sparql", params={"query": SLOW})
        assert r.status_code == 503 and "did not finish" in r.text
        busy = client.get("/sparql", params={"query": "ASK {}"})  # the slow one still runs
        assert busy.status_code == 503 and "--max-running" in busy.text
        assert client.get("/e/kxplace:140100").status_code == 200  # pages keep working
        deadline = time.monotonic() + 30
        while client.get("/sparql", params={"query": "ASK {}"}).status_code != 200:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        page = client.get("/editor", params={"query": SLOW}).text
        assert "did not finish" in page, re.search(r"kx-error[^>]*>(.*?)<", page, re.S)


def test_a_huge_result_is_cut_at_the_limit(client, settings):
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert len(r.json()["results"]["bindings"]) == settings.limit
    assert r.headers["x-kx-truncated"] == "true"
    small = client.get("/sparql", params={"query": "SELECT * WHERE { ?s a kx:Academician } LIMIT 2"})
    assert "x-kx-truncated" not in small.headers


@pytest.mark.parametrize("url", [
    "/e/..%2F..%2F..%2Fetc%2Fpasswd", "/e/../../etc/passwd", "/q/..%2F..%2Fsparql%2Fquery",
    "/q/%2E%2E%2Fexplore%2Fshow", "/static/../../pyproject.toml", "/..%2F..%2Fpyproject.toml",
    "/e?iri=file:///etc/passwd", "/q/indicators%2F..%2F..%2Fexplore%2Fshow",
])
def test_path_traversal_reaches_no_file(client, url):
    r = client.get(url)
    assert r.status_code in (400, 404)
    assert "root:" not in r.text and "[project]" not in r.text and "SELECT" not in r.text


def test_labels_carrying_script_are_escaped_on_every_page(client):
    pages = [client.get("/search", params={"q": "恶意"}), client.get("/search", params={"q": "Evil", "lang": "en"}),
             client.get("/e/kxorg:evil"), client.get("/e/kxorg:evil", params={"lang": "en"}),
             client.get("/q/entities-by-class", params={"class": "kx:Enterprise", "run": 1}),
             client.get("/editor", params={"query": "SELECT ?l WHERE { kxorg:evil ?p ?l }"}),
             client.get("/search", params={"q": "<script>alert(1)</script>"}),
             client.get("/e/<script>alert(1)</script>"),
             client.get("/path", params={"from": "kxorg:evil", "to": "<script>x</script>"}),
             client.get("/", params={"lang": "en\"><script>alert(1)</script>"})]
    client.get("/", params={"lang": "zh"})
    shown = 0
    for r in pages:
        assert "<script>" not in r.text and "<img" not in r.text, r.url
        shown += ("&lt;script&gt;alert(&#x27;zh&#x27;)" in r.text) + ("&lt;img src=x" in r.text)
    assert shown >= 4  # the labels are there, as text
    assert 'class="kx-view-summary"' in pages[2].text  # the inline neighbourhood names it too


def test_the_view_page_keeps_labels_out_of_markup(client, evil_label):
    view = client.get("/view", params={"focus": "kxorg:evil", "depth": 1})
    assert view.status_code == 200
    assert evil_label not in view.text.split("<script", 1)[0]  # not in the markup before the data
    assert "<script>alert" not in view.text


def _snapshot(path):
    return {p.relative_to(path): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_no_request_writes_the_store(client, served_store):
    before = _snapshot(served_store)
    for query in ("INSERT DATA { kxorg:x rdfs:label 'x' }", "DROP ALL", "CLEAR DEFAULT",
                  "LOAD <file:///etc/hosts>", "SELECT * WHERE { ?s ?p ?o } LIMIT 1"):
        client.get("/sparql", params={"query": query})
        client.post("/sparql", data={"update": query})
        client.get("/editor", params={"query": query})
    for url in ("/", "/search?q=taiyuan", "/e/kxorg:evil", "/report", "/q/projects-by-status"):
        client.get(url)
    assert client.post("/e/kxorg:evil").status_code == 405
    assert _snapshot(served_store) == before


def test_the_server_never_reaches_the_network(client, monkeypatch):
    reached = []
    real_connect = socket.socket.connect

    def connect(self, address):
        reached.append(address)
        return real_connect(self, address)

    def getaddrinfo(host, *args, **kwargs):
        reached.append(host)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    client.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"})
    client.get("/sparql", params={"query": "LOAD <http://example.org/x.ttl>"})
    client.get("/sparql", params={"query": "SELECT * WHERE { <http://example.org/x> ?p ?o }"})
    client.get("/e", params={"iri": "http://example.org/x"})
    client.get("/editor", params={"query": "SELECT * WHERE { SERVICE <http://example.org/s> { ?s ?p ?o } }"})
    client.get("/search", params={"q": "http://example.org"})
    assert reached == []
