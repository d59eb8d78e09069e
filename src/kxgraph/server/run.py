"""Serving the explorer with uvicorn: bound to loopback unless told otherwise, stopped by Ctrl-C."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Callable

from kxgraph.errors import ParameterError

LOOPBACK = ("127.0.0.1", "::1", "localhost")


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine.

    >>> is_loopback("127.0.0.1"), is_loopback("0.0.0.0")
    (True, False)
    """
    return host in LOOPBACK or host.startswith("127.")


def serve(store: str | Path, *, host: str = "127.0.0.1", port: int = 8765, timeout: float = 10.0,
          limit: int = 10000, cors: str | None = None, max_query: int = 65536, max_running: int = 4,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the store at ``store`` until interrupted (Ctrl-C stops it cleanly).

    Blocks; the settings are ``kxgraph.server.app.Settings``'s. ``on_ready`` is called with the
    site's URL once the port is bound (``port=0`` picks a free one).
    """
    from kxgraph.server.app import Settings, create_app

    if not 0 <= port <= 65535:
        raise ParameterError(f"--port must be between 0 and 65535, not {port}")
    app = create_app(Settings(Path(store), timeout=timeout, limit=limit, cors=cors, max_query=max_query,
                              max_running=max_running))
    sock = listen(host, port)
    bound = sock.getsockname()[1]
    server = make_server(app, host=host, port=bound)
    if on_ready is not None:
        on_ready(f"http://{f'[{host}]' if ':' in host else host}:{bound}/")
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn has shut down gracefully, then re-raises Ctrl-C
        pass
    finally:
        sock.close()


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port``; a ``ParameterError`` saying why when it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ParameterError(f"cannot listen on {host}: {exc.strerror or exc}; check --host") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ParameterError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; "
                             "choose another --port (or --port 0 for any free one)") from None
    return sock


def make_server(app, *, host: str, port: int, log_level: str = "warning"):
    """A ``uvicorn.Server`` for ``app`` (``.run()`` blocks; ``.should_exit = True`` stops it)."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            lifespan="off", server_header=False)
    return uvicorn.Server(config)


__all__ = ["serve", "listen", "make_server", "is_loopback", "LOOPBACK"]
