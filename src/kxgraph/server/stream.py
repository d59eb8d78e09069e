"""A SPARQL answer streamed: rows go out as the store yields them, at most ``limit``, in bounded memory.

A producer thread reads the rows (``KxGraph.solutions``) in batches into a small queue, holding the
store open and one of the runner's slots until the last row is read or the response is gone; the
response takes batches off the queue. Each batch is written by the one renderer
(``kxgraph.output.render``) and the pieces are joined, so a streamed answer is, byte for byte, the
answer rendered whole (JSON-LD, which cannot be joined, is rendered whole; it is bounded by the limit).

The first ``WINDOW`` rows are read before the status line is sent, so a query that fails or times
out early is answered with its error status, and an answer that fits that window says whether it
was cut at the limit (``X-KX-Truncated``). A longer answer is streamed: ``X-KX-Limit`` says the
limit, and a stream that passes the timeout is cut off (the connection is closed mid-answer, so
the client sees an incomplete answer, never a short one that looks whole).
"""

from __future__ import annotations

import queue
import threading
import time
from typing import Any, Iterator

BATCH = 500    # rows rendered at once
QUEUE = 4      # batches read ahead of the response, at most
WINDOW = 1000  # rows read before the status line is sent

_SPLIT = {"json": '"bindings": [', "xml": "<results>\n", "csv": None, "tsv": None}  # where rows begin


class Cancelled(Exception):
    """The response is gone (or past its deadline): the producer stops reading."""


class StreamTimeout(Exception):
    """The answer was still streaming at the deadline; the connection is closed mid-answer."""


class Stream:
    """The rows of one query as they come: ``kind``, ``variables``, ``truncated`` (None: not known
    before streaming), and ``chunks(fmt)``; ``close()`` lets the producer go."""

    def __init__(self, read: "queue.Queue", cancel: threading.Event, deadline: float, limit: int,
                 producer: threading.Thread) -> None:
        self._queue, self._cancel, self._deadline, self.limit = read, cancel, deadline, limit
        self._producer = producer
        self._buffer: list = []
        self._ended = False
        self._sent = 0
        self.kind, self.variables = self._take("head")[1:]
        if self.kind == "ask":
            self.boolean = self._take("rows")[1][0]
            self._more()  # its end
        while not self._ended and sum(len(b) for b in self._buffer) < WINDOW:
            self._more()
        count = sum(len(b) for b in self._buffer)
        self.truncated = (count > limit) if self._ended else None

    def _take(self, what: str, *, started: bool = False) -> tuple:
        left = self._deadline - time.monotonic()
        try:
            item = self._queue.get(timeout=max(0.0, left))
        except queue.Empty:
            self.close()
            raise StreamTimeout() if started else TimeoutError() from None
        if item[0] == "error":
            self.close()
            raise item[1]
        if item[0] != what and not (what == "rows" and item[0] == "end"):
            raise RuntimeError(f"stream: expected {what}, got {item[0]}")  # a bug, not a user's error
        return item

    def _more(self, *, started: bool = False) -> None:
        item = self._take("rows", started=started)
        if item[0] == "end":
            self._ended = True
        else:
            self._buffer.append(item[1])

    def rows(self, *, started: bool = True) -> Iterator[list]:
        """The batches of rows, at most ``limit`` rows in all."""
        try:
            while True:
                while self._buffer:
                    batch = self._buffer.pop(0)[: self.limit - self._sent]
                    self._sent += len(batch)
                    if batch:
                        yield batch
                if self._sent >= self.limit:  # the producer reads one row more, at most: let it end
                    while not self._ended:
                        self._more(started=started)
                    self._buffer.clear()
                if self._ended:
                    return
                self._more(started=started)
        finally:
            self.close()

    def chunks(self, fmt: str) -> Iterator[str]:
        """The answer in ``fmt``, piece by piece (see the module's docstring)."""
        from kxgraph.output.render import render_to_string
        from kxgraph.output.results import Result

        if self.kind == "ask":
            self.close()
            yield render_to_string(Result("ask", boolean=self.boolean), fmt)
            return
        if self.kind == "graph":
            yield from self._graph_chunks(fmt)
            return
        empty = render_to_string(Result("select", self.variables, []), fmt)
        mark = _SPLIT[fmt]
        head = empty if mark is None else empty[: empty.index(mark) + len(mark)]
        tail = empty[len(head):]
        yield head
        first = True
        for batch in self.rows():
            whole = render_to_string(Result("select", self.variables, batch), fmt)
            piece = whole[len(head): len(whole) - len(tail)]
            yield piece if first or fmt != "json" else ", " + piece
            first = False
        yield tail

    def _graph_chunks(self, fmt: str) -> Iterator[str]:
        from kxgraph.output.render import graph_pieces

        yield from graph_pieces(self.rows(), fmt)

    def close(self) -> None:
        self._cancel.set()
        if self._ended:
            # The producer has read everything and is about to give its slot back: wait for that,
            # so a client's next query never finds its own last one still holding a slot.
            self._producer.join(1.0)


def start(reader: Any, text: str, *, limit: int, timeout: float, release: Any) -> Stream:
    """Run ``text`` in a producer thread over ``reader`` and return its ``Stream`` once the first
    ``WINDOW`` rows (or the whole answer) are read; ``release()`` is called when the producer ends.

    Raises ``TimeoutError`` when nothing came within ``timeout``, or the query's own error.
    """
    read: queue.Queue = queue.Queue(maxsize=QUEUE)
    cancel = threading.Event()
    deadline = time.monotonic() + timeout

    def put(item: tuple) -> None:
        while True:
            if cancel.is_set() or time.monotonic() > deadline + 1:
                raise Cancelled()
            try:
                read.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def produce() -> None:
        try:
            with reader.graph() as g:
                kind, variables, rows = g.solutions(text, limit=limit + 1)  # one more: was it cut?
                put(("head", kind, variables))
                batch: list = []
                for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH or kind == "ask":
                        put(("rows", batch))
                        batch = []
                if batch:
                    put(("rows", batch))
                put(("end",))
        except Cancelled:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the response's thread
            try:
                put(("error", exc))
            except Cancelled:
                pass
        finally:
            release()

    producer = threading.Thread(target=produce, name="kx-serve-stream", daemon=True)
    producer.start()
    return Stream(read, cancel, deadline, limit, producer)


__all__ = ["Stream", "start", "StreamTimeout", "BATCH", "WINDOW"]
