"""The ASGI application: settings, routes, and reading the store one request at a time.

Every request opens the store read-only (``kxgraph.open(path)``, mode ``"r"``) and closes it
before answering, so data written by ``kx load``/``kx import`` between two requests is seen by
the next one, and a writer is kept waiting only while a request reads (a read-only holder makes
writers report the store busy). Nothing a request does can write: the store is opened read-only,
and the SPARQL endpoint refuses updates, ``LOAD`` and ``SERVICE`` before anything runs.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from kxgraph.errors import ParameterError, StoreError


@dataclass(frozen=True)
class Settings:
    """What ``kx serve`` was told: the store, and the bounds on what one request may cost.

    ``timeout``: seconds a SPARQL query may run; ``limit``: rows a query returns at most;
    ``cors``: the one origin allowed to call the endpoint from a browser (None: no CORS);
    ``max_query``: the largest query accepted, in bytes.
    """

    store: Path
    timeout: float = 10.0
    limit: int = 10000
    cors: str | None = None
    max_query: int = 65536

    def __post_init__(self) -> None:
        if self.timeout <= 0:
            raise ParameterError("--timeout must be more than 0 seconds")
        if self.limit < 1:
            raise ParameterError("--limit must be 1 or more")
        if self.max_query < 1:
            raise ParameterError("--max-query must be 1 or more")


class Reader:
    """Opens the store read-only for the length of one request."""

    def __init__(self, settings: Settings) -> None:
        from kxgraph.store import is_store

        if not is_store(settings.store):
            raise StoreError(f"no store at {settings.store}; build one with kx demo or kx load FILE")
        self.settings = settings

    @contextlib.contextmanager
    def graph(self) -> Iterator["object"]:
        import kxgraph

        g = kxgraph.open(self.settings.store)  # mode "r": no write lock, nothing written
        try:
            yield g
        finally:
            g.close()


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

    from kxgraph.server import pages, protocol

    reader = Reader(settings)
    middleware = []
    if settings.cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.append(Middleware(CORSMiddleware, allow_origins=[settings.cors],
                                     allow_methods=["GET", "POST"], allow_headers=["Content-Type", "Accept"]))
    routes = [Route("/sparql", protocol.endpoint(reader), methods=["GET", "POST"]),
              *pages.routes(reader)]
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={404: pages.not_found, 405: pages.not_allowed})
    app.state.settings = settings
    return app


__all__ = ["Settings", "Reader", "create_app"]
