"""``SELECT *`` over a large store streams to the output: rows are written as they come, in
bounded memory, from the embedded store and from an endpoint (issue 16: "3.35 GB in 72 s").

The stores here hold 30,000 synthetic rows of 10 KB each: 300 MB as Python objects, more than
the memory cap leaves once Python, pyoxigraph and RocksDB are in (kxgraph before streaming was
killed under it in every format). The stored data compresses to a few MB.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.hostile.conftest import assert_refused, quad_dump, run_kx

ROWS = 30_000
WIDTH = 10_000
CAP = 650 * 1024 * 1024  # address space: holding every row would need about 820 MB
EX = "https://example.org/synthetic/"


def _value(i: int) -> str:
    return f"{i:08d} " + "x" * WIDTH


@pytest.fixture(scope="module")
def big_store(tmp_path_factory):
    """An embedded store whose rows would not fit under ``CAP`` all at once."""
    import pyoxigraph as ox

    path = tmp_path_factory.mktemp("big") / "store"
    raw = ox.Store(str(path))
    graph, p = ox.NamedNode(EX + "g"), ox.NamedNode(EX + "p")
    raw.bulk_extend(ox.Quad(ox.NamedNode(f"{EX}{i}"), p, ox.Literal(_value(i)), graph) for i in range(ROWS))
    raw.flush()
    del raw
    return path


def _rows_in(out: bytes, fmt: str) -> int:
    if fmt == "json":
        return len(json.loads(out)["results"]["bindings"])
    if fmt == "xml":
        return out.count(b"<result>")
    lines = out.splitlines()
    if fmt == "table":
        assert lines[-1].startswith(f"({ROWS} rows; columns sized to the first".encode()), lines[-1]
        return len(lines) - 3  # header, rule, count
    return len(lines) - 1  # csv, tsv: a header


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "xml", "table"])
def test_select_star_over_a_large_store_streams_within_a_memory_cap(big_store, tmp_path, fmt):
    before = quad_dump(big_store)
    out = tmp_path / f"out.{fmt}"
    result = run_kx(big_store, "query", "SELECT * WHERE { ?s ?p ?o }", "--format", fmt, "--timeout", "0",
                    memory=CAP, timeout=600, stdout=out)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data = out.read_bytes()
    assert _rows_in(data, fmt) == ROWS
    assert _value(0).encode() in data and _value(ROWS - 1).encode() in data  # the first and the last
    assert quad_dump(big_store) == before


def test_a_stream_stopped_by_its_timeout_says_so_in_one_line(big_store, tmp_path):
    out = tmp_path / "out.csv"
    result = run_kx(big_store, "query", "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }", "--format", "csv",
                    "--timeout", "1", stdout=out)  # the usual cap: CAP leaves threads no room to start
    assert_refused(result, "timeout")


# -- an endpoint: the answer is parsed and written as it arrives ----------------------------

class _Endpoint:
    """A SPARQL endpoint on 127.0.0.1 whose SELECT answer is generated as it is sent, never held."""

    def __init__(self, rows: int) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.end_headers()  # no length: the answer ends when the connection closes
                self.wfile.write(b'{"head": {"vars": ["s", "o"]}, "results": {"bindings": [')
                try:
                    for i in range(rows):
                        binding = {"s": {"type": "uri", "value": f"{EX}{i}"},
                                   "o": {"type": "literal", "value": _value(i)}}
                        self.wfile.write((", " if i else "").encode() + json.dumps(binding).encode())
                    self.wfile.write(b"]}}")
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its cap)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def endpoint():
    server = _Endpoint(ROWS)
    yield server
    server.close()


def _endpoint_kx(url: str, *args: str, **options):
    return run_kx("unused", *args, **options, endpoint=url)


@pytest.mark.slow
def test_select_star_from_an_endpoint_streams_within_a_memory_cap(endpoint, tmp_path):
    out = tmp_path / "out.tsv"
    result = _endpoint_kx(endpoint.url, "query", "SELECT ?s ?o WHERE { ?s ?p ?o }", "--format", "tsv",
                          "--timeout", "0", memory=CAP, timeout=600, stdout=out)
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert len(data.splitlines()) == ROWS + 1
    assert _value(ROWS - 1).encode() in data


def test_an_endpoint_answer_past_its_cap_ends_in_one_line(endpoint, tmp_path):
    out = tmp_path / "out.csv"
    result = _endpoint_kx(endpoint.url, "query", "SELECT ?s ?o WHERE { ?s ?p ?o }", "--format", "csv",
                          memory=CAP, stdout=out, env={"KXGRAPH_ENDPOINT_MAX_BYTES": str(5 * 1024 * 1024)})
    assert_refused(result, "larger than", "KXGRAPH_ENDPOINT_MAX_BYTES")
    assert 0 < len(out.read_bytes().splitlines()) < ROWS  # what came before the cap was written


def test_a_stream_read_by_a_reader_that_stops_early_ends_quietly(big_store):
    """``kx query … | head``: the reader goes away; kx stops without a traceback or noise."""
    import os
    import subprocess
    import sys

    from tests.hostile.conftest import CLI

    proc = subprocess.Popen([sys.executable, "-c", CLI, "--store", str(big_store), "query",
                             "SELECT * WHERE { ?s ?p ?o }", "--format", "csv"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=dict(os.environ))
    assert proc.stdout.read(100).startswith(b"o,p,s")
    proc.stdout.close()
    assert proc.wait(timeout=60) != 0
    assert proc.stderr.read() == b""
