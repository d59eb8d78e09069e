"""No network without consent: SERVICE and LOAD are refused in any spelling, nesting or file.

A listener on 127.0.0.1 records every request; each refusal asserts that none arrived, and
``--allow-service`` shows that the same text would have reached it.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "kx3-sample.ttl"
EMPTY = json.dumps({"head": {"vars": ["s"]}, "results": {"bindings": []}}).encode()


@pytest.fixture
def listener():
    """An HTTP server on 127.0.0.1 that answers every request with an empty result and counts them."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            hits.append(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
            self.send_header("Content-Length", str(len(EMPTY)))
            self.end_headers()
            self.wfile.write(EMPTY)

        do_GET = do_POST = _answer

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.hits = hits
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def one_line_refusal(result) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().count("\n") == 0 and "--allow-service" in result.stderr


QUERIES = [
    "SELECT * WHERE {{ SERVICE<{url}/sparql> {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ SERVICE   SILENT<{url}/sparql>{{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE<{url}/sparql> {{ ?s ?p ?o }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?s WHERE {{ service <{url}/sparql> {{ ?s ?p ?o }} }} }} }}",
    "SELECT * WHERE {{ \\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }} }}",
    "PREFIX r: <{url}/> SELECT * WHERE {{ SERVICE r:sparql {{ ?s ?p ?o }} }}",
    "SELECT * WHERE {{ #\n SERVICE<{url}/sparql> {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("text", QUERIES)
def test_kx_query_refuses_a_service_in_any_spelling_and_sends_nothing(loaded, listener, text):
    one_line_refusal(loaded("query", text.format(url=listener.url)))
    assert listener.hits == []


def test_the_same_service_query_reaches_the_listener_only_with_allow_service(loaded, listener):
    text = QUERIES[2].format(url=listener.url)
    loaded("query", "--allow-service", text)
    assert listener.hits


def test_service_words_in_strings_iris_variables_and_comments_are_not_clauses(loaded, listener):
    text = ("SELECT ?service ?load WHERE { BIND('SERVICE <x>' AS ?service) BIND(<urn:load> AS ?load) } "
            "# SERVICE <http://127.0.0.1:1/>")
    assert loaded("query", text).exit_code == 0


def test_a_query_file_with_a_service_is_refused_in_query_and_in_view(loaded, listener, tmp_path):
    rq = tmp_path / "remote.rq"
    rq.write_text(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE<{listener.url}/q> {{ ?s ?p ?o }} }} }}",
                  encoding="utf-8")
    one_line_refusal(loaded("query", "-f", str(rq)))
    one_line_refusal(loaded("view", "--query", str(rq), "-o", str(tmp_path / "v.html")))
    one_line_refusal(loaded("export", "--query", str(rq), "-o", str(tmp_path / "v.json")))
    assert listener.hits == []
    assert not (tmp_path / "v.html").exists()


UPDATES = [
    "LOAD<{url}/data.ttl>",
    "LOAD SILENT <{url}/data.ttl> INTO GRAPH <urn:g>",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE<{url}/q> {{ ?s ?p ?o }} }}",
    "DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE<{url}/q> {{ ?s ?p ?o }} }} }}",
    "INSERT DATA {{ <urn:a> <urn:b> 'c' }} ; LOAD<{url}/data.ttl>",
]


@pytest.mark.parametrize("text", UPDATES)
def test_kx_update_refuses_load_and_service_and_changes_nothing(loaded, listener, text):
    before = loaded("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv").stdout
    result = loaded("update", text.format(url=listener.url))
    one_line_refusal(result)
    assert "update done" not in result.stderr
    assert listener.hits == []
    assert loaded("query", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv").stdout == before


def test_checking_a_query_does_not_load_rdflib_unless_it_might_reach_the_network():
    import subprocess
    import sys

    code = ("import sys; from kxgraph.sparql.reach import operations; "
            "operations('SELECT * WHERE { ?s ?p ?o }'); print('rdflib' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
