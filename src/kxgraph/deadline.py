"""One overall deadline per command: every query run inside ``within(seconds)`` shares it.

The CLI gives interactive commands (find, show, view, report, graphs, path …) a default deadline
(``KXGRAPH_TIMEOUT`` seconds, 60 unless set; ``--timeout 0`` for none); ``kxgraph.sparql.query.run``
gives each query what is left of it.

>>> with within(30):
...     0 < remaining() <= 30
True
>>> remaining() is None
True
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterator, TypeVar

T = TypeVar("T")

from kxgraph.errors import ParameterError, QueryError, option

__all__ = ["DEFAULT_TIMEOUT", "default_timeout", "within", "remaining", "check", "expired", "interruptible",
           "abandoned"]

DEFAULT_TIMEOUT = 60.0
_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("kx_deadline", default=None)


def default_timeout() -> float:
    """``$KXGRAPH_TIMEOUT`` seconds, else 60; 0 means no deadline."""
    raw = os.environ.get("KXGRAPH_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise ParameterError(f"$KXGRAPH_TIMEOUT must be a number of seconds, not {raw!r}") from None
    return max(value, 0.0)


@contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run the block under a deadline of ``seconds`` (None or 0: none)."""
    token = _DEADLINE.set((time.monotonic() + seconds, seconds) if seconds else None)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def remaining() -> float | None:
    """Seconds left before the deadline (None when there is none)."""
    deadline = _DEADLINE.get()
    return None if deadline is None else deadline[0] - time.monotonic()


def check() -> float | None:
    """Raise ``QueryError`` when the deadline has passed; else return the seconds left."""
    left = remaining()
    if left is not None and left <= 0:
        raise expired()
    return left


def expired() -> QueryError:
    """The error of a command past its deadline."""
    deadline = _DEADLINE.get()
    seconds = f" within {deadline[1]:g} s" if deadline else ""
    return QueryError(f"the command did not finish{seconds}; give {option('timeout', 'SECONDS')} (0 for no limit)")


def interruptible(work: Callable[[], T]) -> T:
    """Run ``work`` in a worker thread so that Ctrl-C and the deadline end the wait at once.

    Oxigraph evaluates without holding Python's lock, but the main thread only sees Ctrl-C when it
    runs Python: waiting on a thread in short joins lets it. An abandoned worker only reads, and
    dies with the process.
    """
    import threading

    outcome: dict = {}

    def run() -> None:
        try:
            outcome["value"] = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            cause = exc
            while cause is not None:  # its frames hold pyoxigraph answers, which must die in this thread
                cause.__traceback__ = None
                cause = cause.__cause__ or cause.__context__
            outcome["error"] = exc

    import contextvars

    check()  # a command already past its deadline starts no more work
    # the worker sees the command's deadline too (a new thread starts with an empty context)
    worker = threading.Thread(target=contextvars.copy_context().run, args=(run,), name="kx-work", daemon=True)
    worker.start()
    while worker.is_alive():
        left = remaining()
        if left is not None and left <= 0:
            raise expired()
        worker.join(0.1 if left is None else min(0.1, left))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def abandoned() -> bool:
    """True while a query given up on (deadline, Ctrl-C) is still running in its worker thread."""
    import threading

    return any(t.name in ("kx-work", "kx-query") and t.is_alive() for t in threading.enumerate())
