"""Running SPARQL safely: read-only checks, ``SERVICE`` refusal, limits, timeouts, typed terms.

Named queries and their typed headers are read by ``kxgraph.sparql.catalogue`` (the one reader
and binder); this module runs them and turns a user's parameter text into RDF terms.

Timeouts: the query runs in a worker thread that pulls solutions one by one and stops at the
deadline (pyoxigraph releases the GIL while it evaluates, so the caller wakes on time). A single
step that cannot be interrupted (a GROUP BY computed before its first row) keeps running in the
background until it ends, its answer discarded; the caller gets ``QueryError`` at the deadline.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from pathlib import Path
from typing import Any, Mapping

from kxgraph.errors import NotFoundError, ParameterError, QueryError, option
from kxgraph.output.results import Result
from kxgraph.sparql.catalogue import (PARAM_TYPES, Parameter, Query, catalogue, decode_query,  # noqa: F401
                                      looks_like_name, read, read_query_text, resolve)
from kxgraph.sparql.terms import parse_term  # noqa: F401 - part of this module's API


UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")

# Strings, IRIs and comments: blanked out before looking for keywords.
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*(?:<>)?\s*)*", re.IGNORECASE)


def _blank(sparql: str) -> str:
    return _OPAQUE.sub(lambda m: "<>" if m.group(0).startswith("<") else " ", sparql)


def query_form(sparql: str) -> str:
    """The form of a query or update: ``select``, ``ask``, ``construct``, ``describe`` or ``update``.

    >>> query_form("PREFIX kx: <https://w3id.org/kxgraph/ns#> INSERT DATA { kx:a kx:b kx:c }")
    'update'
    """
    body = _PROLOGUE.sub("", _blank(sparql)).lstrip()
    word = re.match(r"[A-Za-z]*", body).group(0).upper()
    if word in UPDATE_WORDS:
        return "update"
    return word.lower() if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "unknown"


def check_read_only(sparql: str, *, allow_service: bool = False) -> None:
    """Refuse updates and, unless allowed, ``SERVICE`` clauses (they reach out to the network).

    Whether a query reaches the network is decided on its parse tree (``kxgraph.sparql.reach``).
    """
    from kxgraph.sparql.reach import operations

    if query_form(sparql) == "update":
        raise QueryError("this is an update, and kx query is read-only; run it with kx update")
    if not allow_service and operations(sparql):
        raise QueryError(f"the query calls a remote SERVICE; give {option('allow_service', True)} to let it reach the network")


def check_update(sparql: str, *, allow_service: bool = False, parsed: Any = None) -> None:
    """Refuse, unless allowed, updates that reach the network: ``LOAD <url>`` and ``SERVICE``.

    ``parsed`` is the update's one parse (``kxgraph.sparql.reach.parse``), when the caller has it."""
    from kxgraph.sparql.reach import operations

    if not allow_service and operations(sparql, update=True, parsed=parsed):
        raise QueryError("the update fetches data over the network (LOAD or SERVICE); "
                         f"give {option('allow_service', True)} to let it, or load a local file")


def run(store: Any, sparql: str, *, substitutions: Mapping[str, Any] | None = None,
        limit: int | None = None, timeout: float | None = None, allow_service: bool = False) -> Result:
    """Run a read-only query on ``store``: at most ``limit`` rows, within ``timeout`` seconds."""
    from kxgraph import deadline

    seconds, by_deadline = _checked(sparql, limit, timeout, allow_service)
    try:
        # Always in a worker thread: the main thread then wakes for Ctrl-C even while Oxigraph works.
        return _with_deadline(store, sparql, substitutions, limit, seconds)
    except QueryError:
        if by_deadline and (deadline.remaining() or 0) <= 0:
            raise deadline.expired() from None
        raise


def _checked(sparql: str, limit: int | None, timeout: float | None, allow_service: bool) -> tuple[float | None, bool]:
    """Refuse what may not run; return the seconds it may take and whether the command's
    overall deadline (rather than ``timeout``) sets them."""
    from kxgraph import deadline

    check_read_only(sparql, allow_service=allow_service)
    if limit is not None and limit < 0:
        raise ParameterError(f"{option('limit')} must be 0 or more")
    if timeout is not None and timeout <= 0:
        raise ParameterError(f"{option('timeout')} must be more than 0 seconds")
    left = deadline.check()  # the command's overall deadline, when it has one
    by_deadline = left is not None and (timeout is None or left < timeout)
    return (left if by_deadline else timeout), by_deadline


BATCH = 500  # rows handed from the query's worker thread to the writer at a time
AHEAD = 8  # batches the worker may read ahead of the writer: what bounds a stream's memory


def stream(store: Any, sparql: str, *, substitutions: Mapping[str, Any] | None = None,
           limit: int | None = None, timeout: float | None = None, allow_service: bool = False) -> Result:
    """Like ``run``, but a SELECT's rows or a CONSTRUCT's triples are read as they are written: a
    ``Streamed`` result.

    A worker thread reads solutions (or a CONSTRUCT's triples) at most ``AHEAD * BATCH`` ahead of
    the reader, so memory stays bounded however many there are; the deadline and Ctrl-C end the
    wait at once. An ASK answer is collected as ``run`` does.
    """
    from kxgraph import deadline

    seconds, by_deadline = _checked(sparql, limit, timeout, allow_service)
    feed = _Feed(store, sparql, substitutions, limit, None if seconds is None else time.monotonic() + seconds)
    try:
        kind, variables = feed.head()
        if kind in ("select", "graph"):
            from kxgraph.output.results import Streamed

            return Streamed(kind, variables, feed.rows(), close=feed.close)
        items = list(itertools.chain.from_iterable(feed.batches()))
    except QueryError:
        feed.close()
        if by_deadline and (deadline.remaining() or 0) <= 0:
            raise deadline.expired() from None
        if feed.late:
            raise QueryError(f"the query did not finish within {seconds:g} s ({option('timeout')}); it was stopped") from None
        raise
    except BaseException:
        feed.close()
        raise
    return Result("ask", boolean=bool(items[0]))


class _Feed:
    """A query read in a worker thread and handed over in batches through a bounded queue."""

    def __init__(self, store: Any, sparql: str, substitutions: Mapping[str, Any] | None,
                 limit: int | None, end: float | None) -> None:
        import contextvars
        import queue

        self.end, self.late, self.count = end, False, 0
        self.cancel = threading.Event()
        self.queue: Any = queue.Queue(maxsize=AHEAD)
        worker = threading.Thread(target=contextvars.copy_context().run,
                                  args=(self._work, store, sparql, substitutions, limit),
                                  name="kx-query", daemon=True)
        worker.start()

    def _put(self, item: tuple) -> bool:
        import queue

        while not self.cancel.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _work(self, store: Any, sparql: str, substitutions: Mapping[str, Any] | None, limit: int | None) -> None:
        try:
            kind, variables, items = store.solutions(sparql, substitutions=substitutions)
            if not self._put(("head", kind, variables)):
                return
            items = iter(items) if kind == "ask" else itertools.islice(items, limit)
            while batch := list(itertools.islice(items, BATCH)):
                if not self._put(("rows", batch)):
                    return
            self._put(("end",))
        except BaseException as exc:  # noqa: BLE001 - handed to the reading thread
            cause = exc
            while cause is not None:  # its frames hold pyoxigraph answers, which must die in this thread
                cause.__traceback__ = None
                cause = cause.__cause__ or cause.__context__
            self._put(("error", exc))

    def _next(self) -> tuple:
        import queue

        while True:
            wait = 0.1 if self.end is None else min(0.1, self.end - time.monotonic())
            if wait <= 0:
                self.late = True
                self.close()
                raise QueryError("late")
            try:
                item = self.queue.get(timeout=wait)
            except queue.Empty:
                continue
            if item[0] == "error":
                self.close()
                raise item[1]
            return item

    def head(self) -> tuple[str, list[str]]:
        _, kind, variables = self._next()
        return kind, variables

    def batches(self):
        while (item := self._next())[0] == "rows":
            yield item[1]

    def rows(self):
        from kxgraph import deadline

        try:
            for batch in self.batches():
                self.count += len(batch)
                yield from batch
        except QueryError:
            if not self.late:
                raise
            if (deadline.remaining() or 1) <= 0:
                raise deadline.expired() from None
            raise QueryError(f"the query was stopped at its timeout ({option('timeout')}), after {self.count:,} "
                             "rows") from None
        finally:
            self.close()

    def close(self) -> None:
        """Stop the worker (it stops at its next batch; the store is only read)."""
        self.cancel.set()


def _collect(store: Any, sparql: str, substitutions: Mapping[str, Any] | None, limit: int | None,
             cancel: threading.Event | None) -> Result:
    kind, variables, items = store.solutions(sparql, substitutions=substitutions)
    if kind == "ask":
        return Result("ask", boolean=bool(next(items)))
    rows = list(itertools.islice(items, limit)) if cancel is None else _until(cancel, items, limit)
    return Result("graph", triples=rows) if kind == "graph" else Result("select", variables, rows)


def _until(cancel: threading.Event, items, limit: int | None) -> list:
    rows = []
    for item in itertools.islice(items, limit):
        if cancel.is_set():
            break
        rows.append(item)
    return rows


def _with_deadline(store: Any, sparql: str, substitutions: Mapping[str, Any] | None, limit: int | None,
                   timeout: float | None) -> Result:
    cancel, outcome = threading.Event(), {}

    def work() -> None:
        try:
            outcome["result"] = _collect(store, sparql, substitutions, limit, cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="kx-query", daemon=True)
    worker.start()
    try:
        end = None if timeout is None else time.monotonic() + timeout
        while worker.is_alive() and (end is None or time.monotonic() < end):
            worker.join(0.1 if end is None else max(0.0, min(0.1, end - time.monotonic())))
    except BaseException:  # Ctrl-C: stop reading rows; the store is only read
        cancel.set()
        raise
    if worker.is_alive():
        cancel.set()
        raise QueryError(f"the query did not finish within {timeout:g} s ({option('timeout')}); it was stopped")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# -- named queries (the catalogue: kxgraph.sparql.catalogue) ---------------------------------

NamedQuery = Query


def read_named(path: Path, group: str = "") -> Query:
    """Read a ``.rq`` file with its header (see ``kxgraph.sparql.catalogue.read``)."""
    return read(path, group=group)


def named_query(name: str) -> Query:
    """Find a named query by name (``indicators/<slug>`` for an indicator count query)."""
    if name.endswith(".rq"):
        hint = f"; to run the file {name}, give -f {name}" if Path(name).is_file() else ""
        raise NotFoundError(f"no named query {name!r}; kx queries lists them{hint}")
    return resolve(name)


def listing(*, indicators: bool = False) -> Result:
    """The named queries as a table: name, parameters (``name:type``, ``?`` when optional), description."""
    return Result.table(["name", "parameters", "description"], [
        (f"{q.group}/{q.name}" if q.group else q.name,
         " ".join(f"{p.name}:{p.type}{'?' if p.optional else ''}" for p in q.parameters), q.description)
        for q in catalogue(indicators=indicators)])


from kxgraph.vocab import with_prefixes  # noqa: E402,F401  (in vocab: the store needs it too)
