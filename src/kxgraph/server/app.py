"""The ASGI application: settings, routes, and reading the store one request at a time.

Requests read the store opened read-only (``kxgraph.open(path)``, mode ``"r"``), and it is
closed as soon as no request reads it (see ``Reader``), so data written by ``kx load``/``kx
import`` between two requests is seen by the next one, and a writer is kept waiting only while a
request reads (a read-only holder makes writers report the store busy). Nothing a request does can write: the store is opened read-only,
and the SPARQL endpoint refuses updates, ``LOAD`` and ``SERVICE`` before anything runs.
"""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from kxgraph.errors import ParameterError, StoreError


@dataclass(frozen=True)
class Settings:
    """What ``kx serve`` was told: the store, and the bounds on what one request may cost.

    ``timeout``: seconds a SPARQL query may run; ``limit``: rows a query returns at most;
    ``cors``: the one origin allowed to call the endpoint from a browser (None: no CORS);
    ``max_query``: the largest query accepted, in bytes; ``max_running``: client SPARQL queries
    running at once (one past its timeout keeps running, and its slot, until it ends).
    """

    store: Path
    timeout: float = 10.0
    limit: int = 10000
    cors: str | None = None
    max_query: int = 65536
    max_running: int = 4

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ParameterError("--timeout must be more than 0 seconds")
        if self.limit < 1:
            raise ParameterError("--limit must be 1 or more")
        if self.max_query < 1:
            raise ParameterError("--max-query must be 1 or more")
        if self.max_running < 1:
            raise ParameterError("--max-running must be 1 or more")


class Reader:
    """Opens the store read-only for requests, and closes it as soon as no request reads it.

    Requests that overlap share one opening (opening costs tens of milliseconds); an opening
    older than ``REOPEN_AFTER`` seconds is not handed to new requests, so under steady load
    new data shows within that time, and at once when the server is idle. The store's shared
    lock is held only while some request reads, so ``kx load`` can write between requests.
    """

    REOPEN_AFTER = 1.0

    def __init__(self, settings: Settings) -> None:
        from kxgraph.store import is_store

        if not is_store(settings.store):
            raise StoreError(f"no store at {settings.store}; build one with kx demo or kx load FILE")
        self.settings = settings
        self._guard = threading.Lock()
        self._current: _Opening | None = None

    @contextlib.contextmanager
    def graph(self) -> Iterator["object"]:
        import kxgraph

        with self._guard:
            opening = self._current
            if opening is None or time.monotonic() - opening.at > self.REOPEN_AFTER:
                # mode "r": no write lock, nothing written
                opening = self._current = _Opening(kxgraph.open(self.settings.store), time.monotonic())
            opening.users += 1
        try:
            yield opening.graph
        finally:
            with self._guard:
                opening.users -= 1
                if opening.users == 0:
                    opening.graph.close()
                    if self._current is opening:
                        self._current = None


@dataclass
class _Opening:
    graph: Any
    at: float
    users: int = 0


def create_app(settings: Settings):
    """The Starlette application serving ``settings.store``.

    >>> import tempfile, pathlib
    >>> create_app(Settings(pathlib.Path(tempfile.mkdtemp())))
    Traceback (most recent call last):
    kxgraph.errors.StoreError: no store at ...; build one with kx demo or kx load FILE
    """
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Route

    from kxgraph.server import pages, protocol, provenance

    reader = Reader(settings)
    runner = protocol.Runner(reader)
    middleware = []
    if settings.cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=[settings.cors],
                                     allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Accept"]))
    site = pages.Site(reader, runner)
    routes = [Route("/sparql", protocol.endpoint(reader, runner), methods=["GET", "POST"]),
              *pages.routes(site), *provenance.routes(site)]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={404: pages.not_found, 405: pages.not_allowed})
    app.state.settings = settings
    return app


__all__ = ["Settings", "Reader", "create_app"]
