"""The same commands against a real SPARQL 1.1 endpoint (`oxigraph serve`, started here and stopped)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "kx3-sample.ttl"
SYN = "https://w3id.org/kxgraph/synthetic/"

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs the oxigraph server (pip install oxigraph)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    """An `oxigraph serve` on 127.0.0.1 whose default graph is the union of its graphs."""
    port = _free_port()
    proc = subprocess.Popen(["oxigraph", "serve", "--location", str(tmp_path / "server"),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(base + "/query?query=ASK%7B%7D", timeout=1).read()
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail("oxigraph serve did not start")
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def ep(kx, server):
    """Run kx against the endpoint, with writes allowed."""
    def run(*args: str, **kw):
        return kx("--endpoint", server + "/query", "--update-endpoint", server + "/update", *args, **kw)
    return run


REFERENCE = {"https://w3id.org/kxgraph/graph/ontology", "https://w3id.org/kxgraph/graph/gazetteer"}


def rows(result) -> list[dict]:
    """The rows of a JSON result (the reference data every new store gets left out of graph lists)."""
    assert result.exit_code == 0, result.stderr
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]
            if b.get("graph", {}).get("value") not in REFERENCE]


def test_load_query_and_graphs_through_the_endpoint(ep):
    assert ep("load", str(SAMPLE)).exit_code == 0
    assert rows(ep("graphs", "--format", "json")) == [{"graph": SAMPLE.resolve().as_uri(), "triples": "102"}]
    labels = rows(ep("query", "SELECT ?l WHERE { ?a a kx:Academician ; rdfs:label ?l FILTER(LANG(?l)='zh') }",
                     "--format", "json"))
    assert sorted(r["l"] for r in labels) == ["乙院士", "甲院士"]


def test_named_queries_bind_parameters_on_the_endpoint(ep):
    ep("load", str(SAMPLE))
    found = rows(ep("query", "workstations-by-district", "--param", "district=kxid:place/140105",
                    "--format", "json"))
    assert [r["workstation"] for r in found] == [SYN + "ws/w1"]
    collaborators = rows(ep("query", "collaborators", "--param", "entity=syn:person/a1", "--format", "json"))
    assert SYN + "person/e1" in {r["collaborator"] for r in collaborators}


def test_find_show_stats_and_construct_on_the_endpoint(ep):
    ep("load", str(SAMPLE))
    assert SYN + "ws/w1" in {r["entity"] for r in rows(ep("find", "longcheng", "--format", "json"))}
    assert "membership" in {r["section"] for r in rows(ep("show", "甲院士", "--format", "json"))}
    assert ep("query", "CONSTRUCT WHERE { ?a a kx:Academician }", "--format", "ntriples").stdout.count("\n") == 2
    assert ep("query", "ASK { ?a a kx:Academician }").stdout.strip() == "true"


def test_replace_and_drop_on_the_endpoint(ep, tmp_path):
    path = tmp_path / "a.ttl"
    path.write_text("<http://example.org/a> <http://example.org/p> 1, 2 .\n", encoding="utf-8")
    ep("load", str(path))
    path.write_text("<http://example.org/a> <http://example.org/p> 3 .\n", encoding="utf-8")
    ep("load", "--replace", str(path))
    assert rows(ep("graphs", "--format", "json")) == [{"graph": path.resolve().as_uri(), "triples": "1"}]
    assert ep("drop", path.resolve().as_uri()).exit_code == 0
    assert rows(ep("graphs", "--format", "json")) == []


def test_a_bad_file_sends_nothing_to_the_endpoint(ep, tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<http://example.org/a> <http://example.org/p> \"x .\n", encoding="utf-8")
    result = ep("load", str(SAMPLE), str(bad))
    assert result.exit_code == 1 and "bad.ttl:1:" in result.stderr
    assert rows(ep("graphs", "--format", "json")) == []


def test_without_an_update_endpoint_writes_are_refused(kx, server):
    result = kx("--endpoint", server + "/query", "load", str(SAMPLE))
    assert result.exit_code == 1 and "--update-endpoint" in result.stderr


def test_syntax_errors_come_back_as_one_line(ep):
    result = ep("query", "SELECT ?x WHERE { ?x ?y }")
    assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_an_unreachable_endpoint_is_one_line(kx):
    result = kx("--endpoint", f"http://127.0.0.1:{_free_port()}/query", "query", "ASK {}")
    assert result.exit_code == 1
    assert "cannot reach the SPARQL endpoint" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_credentials_come_from_the_environment(monkeypatch):
    from kxgraph.store.endpoint import EndpointStore

    monkeypatch.setenv("KXGRAPH_ENDPOINT_USER", "analyst")
    monkeypatch.setenv("KXGRAPH_ENDPOINT_PASSWORD", "s3cret")
    store = EndpointStore("http://127.0.0.1:1/query")
    assert store._auth == {"Authorization": "Basic YW5hbHlzdDpzM2NyZXQ="}


def test_a_focus_view_is_the_same_on_the_endpoint(ep, kx, tmp_path):
    """List parameters (a frontier, a class list) reach the endpoint as VALUES blocks of terms."""
    ep("load", str(SAMPLE))
    kx("load", str(SAMPLE), store=tmp_path / "local")
    remote, local = tmp_path / "r.json", tmp_path / "l.json"
    assert ep("export", "--focus", "syn:person/a1", "--depth", "2", "-o", str(remote)).exit_code == 0
    assert kx("--store", str(tmp_path / "local"), "export", "--focus", "syn:person/a1", "--depth", "2",
              "-o", str(local)).exit_code == 0

    def picture(path):
        elements = json.loads(path.read_text(encoding="utf-8"))["elements"]
        return ({n["data"]["id"] for n in elements["nodes"]},
                {frozenset((e["data"]["source"], e["data"]["target"])) for e in elements["edges"]})

    assert picture(remote) == picture(local) and picture(remote)[1]
