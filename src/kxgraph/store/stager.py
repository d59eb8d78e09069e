"""Scan a big N-Triples file and stage its index rows in a child process, beside the bulk loader.

``ntscan.Scan`` reads labels, types, marks and literal checks from an N-Triples file while
pyoxigraph's bulk loader reads the same file, and the label index's ``_Staging`` writes the rows
into SQLite as they come. On a thread of the loading process that work holds the GIL, and the bulk
loader needs it for every read from its Python file: each second the scan holds it is a second the
loader waits (measured at scale 100: the scan alone added its own CPU time to the load's wall
time). A child process has its own interpreter: it opens the file itself, scans it and writes the
rows into the index's file on its own SQLite connection, in one transaction that it keeps open
until the parent says how the write ended.

The protocol, one JSON object per line:

- parent to child: ``{"scan": path, "graph": graph or null, "clear": bool}`` per file (a null
  graph: only the literal check; ``clear``: empty the index's tables first, for a write that
  rebuilds the index whole), then ``{"commit": true}``; end of input means roll back;
- child to parent: ``{"done": n, "unsure": …, "suspect": …, "lines": …, "labelled": …, "typed": …,
  "marked": …}`` per file, in order, ``{"committed": true}``, or ``{"error": message}`` (then it
  has rolled back everything and exits).

Atomicity stays the store's: the child commits only when the parent asks, after the store's own
commit and before the index's refresh transaction (which marks it clean); a parent that dies
leaves the child's input at its end (the child rolls back) or the index marked dirty (rebuilt by
the next write). A child that fails costs only speed: the parent reads the graphs back from the
store, as for a file the scan cannot read exactly. The child notices a parent that died while it
was still reading (its parent process changes) and stops.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["APART", "Stager", "Report", "worth"]

APART = 32 << 20  # bytes of N-Triples (a gzipped file counts GZIP times its size) scanned in a child process
GZIP = 6          # about how much a gzipped N-Triples file of this project's data grows when read
CHILD = ["-m", "kxgraph.store.stager"]  # the child's arguments to the interpreter, before the index file and parent


def worth(path: Path) -> bool:
    """Whether the file is big enough for a child process's start (~0.2 s) to pay."""
    from kxgraph.store.rdfio import is_gzip

    try:
        size = path.stat().st_size
    except OSError:
        return False
    return size * (GZIP if is_gzip(path) else 1) >= APART


class Report:
    """What the child read of one file: ``unsure`` (the index must read the graph back from the
    store), ``suspect`` (the SPARQL literal check must run), and, when it staged the file's rows,
    how many (``lines`` of triples, ``labelled``, ``typed``, ``marked``, for ``Index._take_staged``)."""

    def __init__(self, answer: dict[str, Any] | None = None) -> None:
        answer = answer or {}
        self.unsure = bool(answer.get("unsure", True))
        self.suspect = bool(answer.get("suspect", True))
        self.lines: int | None = answer.get("lines")
        self.labelled = int(answer.get("labelled", -1))
        self.typed = int(answer.get("typed", -1))
        self.marked = int(answer.get("marked", -1))

    def done(self, lines: int | None = None) -> None:
        """Nothing left to do here: the child wrote the rows (``_Staging.done``'s counterpart)."""


class Stager:
    """The parent's end of one child process, for one write into the index file ``index_file``."""

    def __init__(self, index_file: Path) -> None:
        self.index_file = index_file
        self.graphs: list[str] = []  # the graphs whose rows the child staged
        self.cleared = False          # the child emptied the index's tables first
        self.failed: str | None = None
        self.asked = False            # the child was asked to commit: its rows may be in the file
        self._proc: subprocess.Popen | None = None

    def scan(self, path: Path, graph: str | None, *, clear: bool = False) -> None:
        """Ask the child to scan ``path`` and, with ``graph``, to stage its rows for that graph."""
        if self.failed is not None:
            return
        if self._proc is None:
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, *CHILD, str(self.index_file), str(os.getpid())],
                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                    encoding="utf-8", close_fds=True)
            except OSError as exc:  # no interpreter to start: the graphs are read back from the store
                self.failed = f"cannot start the index's child process ({exc})"
                return
        if graph is not None:
            self.graphs.append(graph)
            self.cleared = self.cleared or clear
        self._send({"scan": str(path.resolve()), "graph": graph, "clear": clear})

    def report(self) -> Report:
        """What the child read of the oldest file whose report is not yet taken (waits for it)."""
        return Report(self._answer("done"))

    def ask_commit(self) -> None:
        """Ask the child to commit its rows (the store's write is committed), without waiting:
        ``commit`` takes the answer. From here the rows may be in the index's file."""
        if self.failed is None and not self.asked:
            self.asked = True
            self._send({"commit": True})

    def commit(self) -> bool:
        """Have the child commit its rows; True once they are in the index's file."""
        self.ask_commit()
        if self._answer("committed") is not None:
            self._close()
            return True
        self.abort()
        return False

    def abort(self) -> None:
        """Stop the child; its transaction is rolled back (by SQLite's journal if it was killed mid-write)."""
        if self._proc is not None:
            self._proc.kill()
            self._close()
        self.failed = self.failed or "aborted"

    def _send(self, message: dict[str, Any]) -> None:
        try:
            self._proc.stdin.write(json.dumps(message) + "\n")
            self._proc.stdin.flush()
        except (OSError, ValueError) as exc:
            self.failed = f"the index's child process is gone ({exc})"

    def _answer(self, key: str) -> dict[str, Any] | None:
        if self.failed is not None or self._proc is None:
            return None
        line = self._proc.stdout.readline()
        try:
            answer = json.loads(line) if line else {"error": "the index's child process ended"}
        except ValueError:
            answer = {"error": f"the index's child process said {line[:200]!r}"}
        if key not in answer:
            self.failed = str(answer.get("error", answer))
            return None
        return answer

    def _close(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        proc.wait()


# -- the child ------------------------------------------------------------------------------

CHUNK = 1 << 20


def _serve(index_file: str, parent: int) -> int:
    """Stage what the parent asks, in one transaction; roll it back unless the parent says commit."""
    from kxgraph.store.index import _connect

    conn = _connect(index_file)
    try:
        return _stage(conn, parent)
    finally:
        if conn.in_transaction:
            conn.rollback()
        conn.close()


def _stage(conn: Any, parent: int) -> int:
    from kxgraph.store.index import _CLEAR, _Staging
    from kxgraph.store.ntscan import Discarded, Scan
    from kxgraph.store.rdfio import open_rdf

    began = False
    pinyin: dict[str, str] = {}
    say = sys.stdout
    for n, line in enumerate(sys.stdin):
        message = json.loads(line)
        if message.get("commit"):
            if began:
                conn.commit()
            say.write(json.dumps({"committed": True}) + "\n")
            say.flush()
            return 0
        graph = message.get("graph")
        sink: Any = Discarded()
        if graph is not None:
            if not began:
                conn.execute("BEGIN IMMEDIATE")
                began = True
            if message.get("clear"):
                for statement in _CLEAR:
                    conn.execute(statement)
            sink = _Staging(conn, graph, pinyin)
        with open_rdf(Path(message["scan"])) as handle:
            scan = Scan(handle, sink)
            while scan.read(CHUNK):
                if os.getppid() != parent:  # the parent died: its write is undone, and so is this
                    return 1
            scan.finish()
        answer = {"done": n, "unsure": scan.unsure, "suspect": scan.suspect}
        if graph is not None:
            answer.update(lines=sink.lines, labelled=sink.labelled, typed=sink.typed, marked=sink.marked)
        say.write(json.dumps(answer) + "\n")
        say.flush()
    return 1  # the parent's input ended without a commit: roll back


def main(argv: list[str]) -> int:
    try:
        return _serve(argv[0], int(argv[1]))
    except BaseException as exc:  # noqa: BLE001 - said to the parent, which reads the graphs from the store instead
        try:
            sys.stdout.write(json.dumps({"error": f"{type(exc).__name__}: {exc}"}) + "\n")
            sys.stdout.flush()
        except OSError:
            pass
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
