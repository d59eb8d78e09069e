"""Fixtures for ``kx serve``: a small store with a disagreeing figure and a hostile label, the
application under Starlette's test client, and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")

EVIL_ZH = "<script>alert('zh')</script>恶意企业"
EVIL_EN = "<img src=x onerror=alert('en')>Evil & Co"
EVIL = f"""INSERT DATA {{ GRAPH kxg:evil {{
  kxorg:evil a kx:Enterprise ; rdfs:label "{EVIL_ZH}"@zh , "{EVIL_EN}"@en ;
    rdfs:comment "\\"><script>alert('comment')</script>" .
  syn-seed-0-scale-0.1:academician-workstation-3 kx:hostOrganization kxorg:evil .
}} }}"""


TWINS = """INSERT DATA { GRAPH kxg:twins {
  kxorg:twin-a a kx:Enterprise ; rdfs:label "同名机构"@zh . kxorg:twin-b a kx:Enterprise ; rdfs:label "同名机构"@zh .
} }"""


@pytest.fixture(scope="session")
def served_store(tmp_path_factory) -> Path:
    """The Taiyuan report and a small synthetic network (so figures disagree), plus an entity
    whose labels carry script."""
    import kxgraph
    from kxgraph.resources import resource_path

    path = tmp_path_factory.mktemp("serve") / "store"
    with kxgraph.open(path, mode="create") as g:
        g.load(ontology=True)
        g.load(resource_path("places/gazetteer.ttl"), graph="kxg:gazetteer")
        g.load(resource_path("taiyuan/taiyuan.trig"))
        g.generate(scale=0.1)
        g.update(EVIL)
        g.update(TWINS)
        g.import_tables(resource_path("data/templates/enterprises.csv"))
    return path


@pytest.fixture(scope="session")
def settings(served_store):
    from kxgraph.server.app import Settings

    return Settings(served_store, timeout=2.0, limit=500)


@pytest.fixture(scope="session")
def client(settings):
    from starlette.testclient import TestClient

    from kxgraph.server.app import create_app

    with TestClient(create_app(settings), base_url="http://127.0.0.1") as c:
        yield c


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(name="free_port")
def free_port_fixture():
    """A function returning a free loopback port."""
    return free_port


@pytest.fixture
def evil_label() -> str:
    """The Chinese label of kxorg:evil, which carries a script."""
    return EVIL_ZH


class Running:
    """A uvicorn server in a thread: ``.url``, ``.stop()``."""

    def __init__(self, app) -> None:
        from kxgraph.server.run import make_server

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server(app, host="127.0.0.1", port=self.port)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)


@pytest.fixture(scope="session")
def server(settings):
    from kxgraph.server.app import create_app

    running = Running(create_app(settings))
    yield running
    running.stop()
