"""The endpoint client against misbehaving servers (tiny http.servers on 127.0.0.1, started here).

No credentials travel to another origin, no secret appears in a message, no server's escape
sequence reaches the terminal, no answer is waited on forever or read without bound, and a load
goes in bounded requests.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

from kxgraph.errors import KxError, QueryError, StoreError

ASK_TRUE = {"head": {}, "boolean": True}


class Server:
    """An HTTP server on 127.0.0.1 that answers with ``self.reply(handler)`` and records requests."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.reply = lambda handler: send(handler, 200, "application/sparql-results+json", json.dumps(ASK_TRUE))
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.requests.append({"path": self.path, "headers": dict(self.headers),
                                       "form": parse_qs(body.decode("utf-8")), "size": len(body)})
                outer.reply(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(handler, code: int, content_type: str, body: str | bytes, headers: dict | None = None) -> None:
    data = body.encode("utf-8") if isinstance(body, str) else body
    handler.send_response(code)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)


@pytest.fixture
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture
def other():
    """A second server: another origin (another port)."""
    s = Server()
    yield s
    s.close()


def endpoint(url: str, **options):
    from kxgraph.store.endpoint import EndpointStore

    return EndpointStore(url + "/query", update_endpoint=url + "/update", **options)


def test_credentials_never_follow_a_redirect_to_another_origin(server, other, monkeypatch):
    monkeypatch.setenv("KXGRAPH_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KXGRAPH_ENDPOINT_PASSWORD", "s3cret")
    server.reply = lambda h: send(h, 302, "text/plain", "moved", {"Location": other.url + "/steal"})
    with pytest.raises(StoreError, match="another origin") as caught:
        endpoint(server.url).query("ASK {}")
    assert other.requests == []  # nothing was sent there, so no Authorization either
    assert server.requests[0]["headers"]["Authorization"].startswith("Basic ")
    assert "s3cret" not in str(caught.value)


def test_a_redirect_within_the_origin_is_followed(server):
    def reply(handler):
        if handler.path.startswith("/query"):
            send(handler, 307, "text/plain", "", {"Location": "/sparql"})
        else:
            send(handler, 200, "application/sparql-results+json", json.dumps(ASK_TRUE))
    server.reply = reply
    try:
        assert endpoint(server.url).query("ASK {}").boolean is True
    except QueryError as exc:  # urllib does not re-send a POST on 307: then one line, not a traceback
        assert "307" in str(exc)


def test_a_password_in_the_url_is_used_but_never_shown(server):
    from kxgraph.store.endpoint import EndpointStore

    secret_url = server.url.replace("http://", "http://analyst:s3cret@")
    server.reply = lambda h: send(h, 500, "text/plain", "boom")
    store = EndpointStore(secret_url + "/query")
    with pytest.raises(KxError) as caught:
        store.query("ASK {}")
    assert "s3cret" not in str(caught.value) and "s3cret" not in repr(store)
    assert server.requests[0]["headers"]["Authorization"] == "Basic YW5hbHlzdDpzM2NyZXQ="


def test_an_unreachable_endpoint_named_with_a_password_does_not_show_it(kx):
    result = kx("--endpoint", "http://analyst:s3cret@127.0.0.1:1/query", "query", "ASK {}")
    assert result.exit_code == 1 and "s3cret" not in result.stderr and "analyst" not in result.stderr
    assert "127.0.0.1:1" in result.stderr


def test_escape_sequences_in_a_server_error_never_reach_the_terminal(kx, server):
    server.reply = lambda h: send(h, 400, "text/plain", "bad query \x1b]52;c;ZXZpbA==\x07\x1b[2J here")
    result = kx("--endpoint", server.url + "/query", "query", "ASK {}")
    assert result.exit_code == 1
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "\\x1b]52" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_server_that_drips_its_answer_is_given_up_on_at_the_deadline(server):
    stop = threading.Event()

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/sparql-results+json")
        handler.end_headers()
        while not stop.is_set():  # a byte every tenth of a second, forever: no read ever times out
            try:
                handler.wfile.write(b" ")
                handler.wfile.flush()
            except OSError:
                return
            time.sleep(0.1)

    server.reply = drip
    try:
        with pytest.raises(StoreError, match="did not answer in time"):
            endpoint(server.url, timeout=1).query("ASK {}")
    finally:
        stop.set()


def test_a_huge_answer_is_refused_past_the_cap(server):
    rows = [{"x": {"type": "literal", "value": "v" * 100}}] * 5000
    server.reply = lambda h: send(h, 200, "application/sparql-results+json",
                                  json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}))
    with pytest.raises(StoreError, match="larger than"):
        endpoint(server.url, max_bytes=50_000).query("SELECT ?x WHERE { ?x ?p ?o }")
    assert len(endpoint(server.url).query("SELECT ?x WHERE { ?x ?p ?o }").rows) == 5000


@pytest.mark.parametrize("content_type, body", [
    ("application/sparql-results+json", '{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "uri"}}]}}'),
    ("application/sparql-results+json", '{"unexpected": [1, 2, 3]}'),
    ("application/sparql-results+json", '[]'),
    ("application/sparql-results+json", '{"head": {"vars": ["g", "n"]}, "results": {"bindings": []}}'),
    ("application/sparql-results+json", '{"head": {"vars": ["g", "n"]}, "results": {"bindings": '
                                        '[{"g": {"type": "uri", "value": "urn:g"}, "n": {"type": "literal", "value": "many"}}]}}'),
    ("text/csv", "g,n\nurn:g,1\n"),
    ("text/html", "<html>login</html>"),
])
def test_an_unexpected_answer_is_one_line_for_every_reading_command(kx, server, content_type, body):
    server.reply = lambda h: send(h, 200, content_type, body)
    for args in (["graphs"], ["stats"], ["find", "太原"], ["show", "kx:a"], ["query", "SELECT ?x WHERE { ?x ?p ?o }"],
                 ["analyze"], ["report"]):
        result = kx("--endpoint", server.url + "/query", *args)
        if result.exit_code != 0:  # an empty answer of the right shape is fine
            assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("kx: error: "), result.stderr


def test_a_load_goes_in_bounded_requests_then_one_commit(server, tmp_path, monkeypatch):
    monkeypatch.setattr("kxgraph.store.reference.is_new", lambda store: False)  # a store holding data already
    import pyoxigraph as ox

    from kxgraph.store.base import LoadItem

    monkeypatch.setattr("kxgraph.store.base.INSERT_CHUNK", 100)
    path = tmp_path / "a.nt"
    path.write_text("".join(f"<urn:s{i}> <urn:p> \"{i}\" .\n" for i in range(1050)), encoding="utf-8")
    count = {"head": {"vars": ["n"]}, "results": {"bindings": [{"n": {"type": "literal", "value": "1050"}}]}}

    def reply(handler):
        if handler.path.startswith("/update"):
            send(handler, 204, "text/plain", "")
        else:
            send(handler, 200, "application/sparql-results+json", json.dumps(count))

    server.reply = reply
    counts = endpoint(server.url).load_files([LoadItem(path, ox.RdfFormat.N_TRIPLES, "urn:g", 0)])
    updates = [r["form"]["update"][0] for r in server.requests if r["path"].startswith("/update")]
    assert len(updates) == 12  # 11 chunks of at most 100 triples, then the commit
    assert all(u.count("\n<urn:s") <= 100 for u in updates)
    assert "ADD SILENT" in updates[-1] and "<urn:g>" in updates[-1]
    assert counts == {"urn:g": 1050}


def test_a_load_that_fails_midway_leaves_no_staging_graph(server, tmp_path, monkeypatch):
    monkeypatch.setattr("kxgraph.store.reference.is_new", lambda store: False)  # a store holding data already
    import pyoxigraph as ox

    from kxgraph.store.base import LoadItem

    monkeypatch.setattr("kxgraph.store.base.INSERT_CHUNK", 100)
    path = tmp_path / "a.nt"
    path.write_text("".join(f"<urn:s{i}> <urn:p> \"{i}\" .\n" for i in range(500)), encoding="utf-8")
    calls = []

    def reply(handler):
        calls.append(handler.path)
        if len(calls) == 3:
            send(handler, 503, "text/plain", "full")
        else:
            send(handler, 204, "text/plain", "")

    server.reply = reply
    with pytest.raises(QueryError, match="503"):
        endpoint(server.url).load_files([LoadItem(path, ox.RdfFormat.N_TRIPLES, "urn:g", 0)])
    last = server.requests[-1]["form"]["update"][0]
    assert last.startswith("DROP SILENT GRAPH <https://w3id.org/kxgraph/graph/staging/")


@pytest.mark.parametrize("content_type, body", [("text/csv", "s,p,o\nurn:a,urn:b,urn:c\n"),
                                                ("application/sparql-results+json", '{"unexpected": true}'),
                                                ("text/html", "<h1>login</h1>")])
def test_a_service_that_answers_nonsense_is_one_line(kx, server, content_type, body):
    server.reply = lambda h: send(h, 200, content_type, body)
    query = f"SELECT * WHERE {{ SERVICE <{server.url}/sparql> {{ ?s ?p ?o }} }}"
    result = kx("--memory", "query", "--allow-service", query)
    assert result.exit_code == 1 and len(server.requests) == 1
    assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("kx: error: ")
