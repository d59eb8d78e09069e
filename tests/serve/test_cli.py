"""``kx serve`` as a user starts it: loopback by default, a warning elsewhere, Ctrl-C stops it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request

import pytest


KX = [sys.executable, "-c", "from kxgraph.cli import main; main()"]


def _env() -> dict:
    return dict(os.environ, PYTHONUNBUFFERED="1")


def test_serve_help_imports_neither_starlette_nor_uvicorn():
    probe = ("import sys\nfrom click.testing import CliRunner\nfrom kxgraph.cli import main\n"
             "r = CliRunner().invoke(main, ['serve', '--help'])\nassert r.exit_code == 0, r.output\n"
             "print(' '.join(sorted(sys.modules)))")
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert not {"starlette", "uvicorn", "rdflib", "networkx", "pandas"} & set(loaded)


def _wait(url: str, deadline: float = 15) -> None:
    end = time.monotonic() + deadline
    while True:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            if time.monotonic() > end:
                raise
            time.sleep(0.05)


def _start(store, free_port, *args):
    port = free_port()
    proc = subprocess.Popen([*KX, "--store", str(store), "serve", "--port", str(port), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    return proc, f"http://127.0.0.1:{port}"


def test_serve_answers_on_loopback_and_stops_cleanly_on_ctrl_c(served_store, free_port):
    proc, url = _start(served_store, free_port)
    try:
        _wait(url + "/")
        assert "科协知识图谱" in urllib.request.urlopen(url + "/").read().decode("utf-8")
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err and "warning" not in err
    assert f"{url}/" in err and "stopped" in err


def test_binding_beyond_loopback_prints_a_warning(served_store, free_port):
    port = free_port()
    proc = subprocess.Popen([*KX, "--store", str(served_store), "serve",
                             "--host", "0.0.0.0", "--port", str(port)], stderr=subprocess.PIPE, text=True, env=_env())
    try:
        line = proc.stderr.readline()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=15)
    assert "warning" in line and "0.0.0.0" in line


def test_a_port_in_use_is_one_clean_error(served_store):
    import socket

    from click.testing import CliRunner

    from kxgraph.cli import main

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["--store", str(served_store), "serve", "--port", str(port)])
    assert result.exit_code != 0 and "choose another --port" in result.output


def test_missing_store_is_one_clean_error(tmp_path, free_port):
    from click.testing import CliRunner

    from kxgraph.cli import main

    result = CliRunner().invoke(main, ["--store", str(tmp_path / "none"), "serve", "--port", str(free_port())])
    assert result.exit_code != 0 and "no store at" in result.output


def test_new_data_shows_without_a_restart_and_writers_are_not_locked_out(tmp_path):
    import kxgraph
    from starlette.testclient import TestClient

    from kxgraph.server.app import Settings, create_app

    store = tmp_path / "store"
    with kxgraph.open(store, mode="create") as g:
        g.update("INSERT DATA { GRAPH kxg:a { kxorg:first rdfs:label '第一'@zh } }")
    ask = {"query": "ASK { kxorg:second rdfs:label ?l }"}
    with TestClient(create_app(Settings(store))) as client:
        assert client.get("/sparql", params=ask).json()["boolean"] is False
        with kxgraph.open(store, mode="rw") as g:  # a writer gets the store between requests
            g.update("INSERT DATA { GRAPH kxg:b { kxorg:second rdfs:label '第二'@zh } }")
        assert client.get("/sparql", params=ask).json()["boolean"] is True
        assert "第二" in client.get("/e/kxorg:second").text


def test_overlapping_requests_share_one_opening_and_none_is_kept_when_idle(settings, monkeypatch):
    import kxgraph
    from kxgraph.errors import StoreError
    from kxgraph.server.app import Reader

    reader = Reader(settings)
    with reader.graph() as first, reader.graph() as second:
        assert first is second
        with pytest.raises(StoreError, match="busy"):  # a writer waits while a request reads
            monkeypatch.setattr("kxgraph.store.oxigraph.LOCK_WAIT", 0.2)
            kxgraph.open(settings.store, mode="rw")
        monkeypatch.setattr(Reader, "REOPEN_AFTER", 0.0)
        with reader.graph() as third:  # too old for a new request: a fresh opening sees new data
            assert third is not first
    assert first.closed and third.closed
    kxgraph.open(settings.store, mode="rw").close()  # idle: the writer gets in


def test_while_a_writer_holds_the_store_requests_are_told_to_retry(tmp_path, monkeypatch):
    import kxgraph
    from starlette.testclient import TestClient

    from kxgraph.server.app import Settings, create_app

    store = tmp_path / "store"
    kxgraph.open(store, mode="create").close()
    monkeypatch.setattr("kxgraph.store.oxigraph.LOCK_WAIT", 0.2)
    with TestClient(create_app(Settings(store))) as client, kxgraph.open(store, mode="rw"):
        page = client.get("/")
        endpoint = client.get("/sparql", params={"query": "ASK {}"})
    assert page.status_code == endpoint.status_code == 503
    assert "busy" in page.text and "busy" in endpoint.text
