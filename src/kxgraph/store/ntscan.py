"""Read an N-Triples file as it streams into the store: what the label index and the literal check need.

Reading a freshly loaded graph back out of Oxigraph costs a lookup per entity IRI, and the SPARQL
literal check decodes every literal: together they doubled ``kx load``. An N-Triples line holds
everything whole, so while pyoxigraph's bulk loader reads the file, ``Scan`` (a reader wrapped
around the file) picks out, per chunk of whole lines and mostly with bytes methods that run in C:

- the ``rdfs:label`` / ``kx:pinyin`` literals, ``rdf:type`` classes and ``kx:synthetic`` marks of
  IRI subjects (for the label index and kept counts);
- whether any literal may be ill-typed or hold a control character (then the loader runs the
  SPARQL check as before).

It never guesses: whatever it cannot read exactly (another spacing, a ``\\u`` escape, a blank
node subject, a label that is an IRI) makes it ``unsure`` and the index reads the graph back from
the store; whatever may be a bad literal sets ``suspect`` and the SPARQL check runs. The store
parses the file itself; a file with a syntax error is refused there, whatever this scan saw.
"""

from __future__ import annotations

import queue
import re
import threading
from itertools import repeat
from typing import Any

from kxgraph.vocab import KX, RDF, RDFS

__all__ = ["Scan", "Collected", "Discarded"]

BATCH = 1 << 20  # bytes scanned at a time (the worker holds one, QUEUED wait: a few MB)
CHUNK = 1 << 20  # bytes read from the file at a time
QUEUED = 2       # batches waiting for a threaded scan
XSD = "http://www.w3.org/2001/XMLSchema#"
LABEL, PINYIN, TYPE, SYNTHETIC = (RDFS + "label", KX + "pinyin", RDF + "type", KX + "synthetic")
_PREDICATES = {f"<{iri}>".encode(): iri for iri in (LABEL, PINYIN, TYPE, SYNTHETIC)}
_MARK = f'"true"^^<{XSD}boolean> .'.encode()  # the one form of a kx:synthetic mark the scan reads
_LITERAL = re.compile(rb'"([^\n]*)"(@[A-Za-z0-9-]+|\^\^<http://www\.w3\.org/2001/XMLSchema#string>)? \.\n')
_TYPED = f'"^^<{XSD}'.encode()
_LEFT_TO_THE_STORE = {b"time", b"duration", b"dayTimeDuration", b"yearMonthDuration"}  # literal_ok passes them
_ALLOWED = bytes(range(0x20, 0x7f)) + bytes(range(0x80, 0x100)) + b"\t\n\r"  # all but C0 controls and DEL
_C1 = re.compile(rb"\xc2[\x80-\x9f]")                 # C1 controls, UTF-8 encoded
_ESCAPED_CONTROL = re.compile(rb"\\[bf]")              # \b, \f: ECHARs of controls
_ECHAR = {b"t": "\t", b"n": "\n", b"r": "\r", b'"': '"', b"'": "'", b"\\": "\\"}
_UNESCAPE = re.compile(rb"\\(.)")


class Scan:
    """A binary reader over ``handle`` that scans the N-Triples passing through it (see the module).

    ``threaded``: scan (and fill the sink) on a worker thread while the reader goes on, so on a
    machine with a free core the scan and the index's SQLite work overlap pyoxigraph's bulk load,
    which releases the GIL; ``finish`` then waits for it. At most ``QUEUED`` batches wait.
    """

    def __init__(self, handle: Any, sink: Any = None, *, threaded: bool = False) -> None:
        self._handle = handle
        self._buffer, self._offset = b"", 0  # what was read from the handle, and how much of it was asked for
        self._queue: queue.Queue | None = queue.Queue(QUEUED) if threaded else None
        self._worker: threading.Thread | None = None
        self._error: BaseException | None = None
        self.sink = Collected() if sink is None else sink  # where the rows go, batch by batch
        self._tail = b""
        self._batch: list[bytes] = []
        self._size = 0
        self.unsure = False    # the index must read the graph back from the store
        self.suspect = False   # a literal may be ill-typed or hold a control character
        self.lines: int | None = 0  # lines of triples (``_count_lines``); None when a line was not one
        self._valid: set[tuple[bytes, bytes]] = set()

    # -- the reader pyoxigraph pulls from ----------------------------------------------------

    def read(self, size: int = -1) -> bytes:
        # pyoxigraph asks for ~2 kB at a time: the file is read (and scanned) a CHUNK at a time, and
        # each ask answered from that, so most asks cost a slice instead of a call into gzip's Python
        if size is None or size < 0:
            rest = self._handle.read()
            if rest:
                self._feed(rest)
            self._feed(b"")
            data, self._buffer, self._offset = self._buffer[self._offset:] + rest, b"", 0
            return data
        if self._offset >= len(self._buffer):
            self._buffer, self._offset = self._handle.read(max(size, CHUNK)), 0
            self._feed(self._buffer)
        data = self._buffer[self._offset:self._offset + size]
        self._offset += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        data = self.read(len(view))
        view[:len(data)] = data
        return len(data)

    def readable(self) -> bool:
        return True

    def finish(self) -> None:
        """Scan the last line when the file does not end with a line break, and wait for the scan."""
        self._feed(b"")
        if self._worker is not None:
            self._queue.put(None)
            self._worker.join()
            self._worker = None
        elif self._error is None:
            self._done()
        if self._error is not None:
            raise self._error

    def abandon(self) -> None:
        """Stop scanning (the load failed): what is still queued is dropped."""
        if self._worker is not None:
            self._error = self._error or _Abandoned()
            self._queue.put(None)
            self._worker.join()
            self._worker = None

    def _work(self) -> None:
        while (data := self._queue.get()) is not None:
            if self._error is None:  # after an error, only empty the queue so the reader never waits
                try:
                    self._lines(data)
                except BaseException as exc:  # noqa: BLE001 - raised again by finish, in the reader's thread
                    self._error = exc
        if self._error is None:
            try:
                self._done()
            except BaseException as exc:  # noqa: BLE001 - raised again by finish, in the reader's thread
                self._error = exc

    def _done(self) -> None:
        """The whole file is scanned: the sink hears how many lines of triples it had."""
        self.sink.done(None if self.unsure else self.lines)

    # -- scanning --------------------------------------------------------------------------

    def _feed(self, chunk: bytes) -> None:
        """Collect what pyoxigraph reads (a few kB at a time) and scan it in batches of whole lines."""
        if chunk:
            self._batch.append(chunk)
            self._size += len(chunk)
            if self._size < BATCH:
                return
        data = self._tail + b"".join(self._batch)
        self._batch, self._size = [], 0
        if chunk:
            cut = data.rfind(b"\n") + 1
            data, self._tail = data[:cut], data[cut:]
        else:  # the end: what is left may be a last line without its line break
            self._tail = b""
            if data and not data.endswith(b"\n"):
                data += b"\n"
        if not data:
            return
        if self._queue is None:
            self._lines(data)
            return
        if self._worker is None:
            self._worker = threading.Thread(target=self._work, name="kxgraph-ntscan", daemon=True)
            self._worker.start()
        self._queue.put(data)

    def _lines(self, data: bytes) -> None:
        if self.lines is not None:
            self._count_lines(data)
        if data.translate(None, _ALLOWED) or (b"\xc2" in data and _C1.search(data)):
            self.suspect = True
        if b"\\" in data:
            if b"\\u" in data or b"\\U" in data:  # escapes may hide an IRI or a control character
                self.unsure = self.suspect = True
            elif _ESCAPED_CONTROL.search(data):
                self.suspect = True
        if not self.suspect and _TYPED in data:
            self._typed(data)
        if not self.unsure and any(p in data for p in _PREDICATES):
            self._picked(data)

    def _count_lines(self, data: bytes) -> None:
        """Count the lines of triples: when every line ends with " ." (CR LF or LF, no CR alone), each
        holds one triple, or is a comment ending so (then the count is too high, never too low:
        ``Index._take_staged`` then checks the staged rows against the store). Else ``lines`` is None."""
        lines, ends = data.count(b"\n"), data.count(b" .\n")
        if b"\r" in data:
            crlf = data.count(b" .\r\n")
            ends = ends + crlf if data.count(b"\r") == crlf else -1
        self.lines = self.lines + lines if ends == lines else None

    def _typed(self, data: bytes) -> None:
        """Check each XSD-typed literal's lexical form (each distinct one once)."""
        from kxgraph.checks import literal_ok

        parts = data.split(_TYPED)
        names = [after[:after.find(b">")] for after in parts[1:]]
        # each value with the character before its opening quote: a backslash there, or in the value, is suspect
        values = [part[part.rfind(b'"') - 1:] for part, name in zip(parts, names) if name != b"string"]
        if b"\\" in b"\n".join(values):
            self.suspect = True
            return
        pairs = set(zip([value[2:] for value in values], [name for name in names if name != b"string"]))
        for value, name in pairs - self._valid:
            datatype = XSD + name.decode("ascii", "replace")
            if name in _LEFT_TO_THE_STORE or not literal_ok(value.decode("utf-8", "replace"), datatype):
                self.suspect = True
                return
        if len(self._valid) < 100_000:
            self._valid |= pairs

    def _picked(self, data: bytes) -> None:
        """The label, pinyin and type triples of IRI subjects, exactly, or ``unsure``.

        Whole lists at a time (split, join, counts), not line by line in Python. The store parses
        the same file and refuses it unless it is valid N-Triples, so only valid lines need reading
        right; anything else here (a blank node subject, a comment, other spacing, a label that is
        an IRI or typed) makes the scan ``unsure``.
        """
        for predicate, iri in _PREDICATES.items():
            if predicate not in data:
                continue
            parts = data.split(b" " + predicate + b" ")
            n = len(parts) - 1
            if n != data.count(predicate):
                self.unsure = True
                return
            subjects = b"\n".join([part[part.rfind(b"\n") + 1:] for part in parts[:-1]])
            objects = b"\n".join([after[:after.find(b"\n")] for after in parts[1:]]).replace(b"\r\n", b"\n")
            if objects.endswith(b"\r"):
                objects = objects[:-1]
            if not (subjects[:1] == b"<" and subjects.count(b"\n<") == subjects.count(b">\n") == n - 1
                    and subjects.endswith(b">") and b" " not in subjects and b"\t" not in subjects):
                self.unsure = True
                return
            entities = subjects.decode("utf-8").replace("<", "").replace(">", "").split("\n")
            if iri == TYPE:
                if not (objects[:1] == b"<" and objects.count(b"\n<") == objects.count(b"> .\n") == n - 1
                        and objects.endswith(b"> .") and objects.count(b" ") == n and b"\t" not in objects):
                    self.unsure = True
                    return
                classes = objects.decode("utf-8").replace("<", "").replace("> .", "").split("\n")
                self.sink.types(list(zip(entities, classes)))
                continue
            if iri == SYNTHETIC:
                if objects != b"\n".join(repeat(_MARK, n)):
                    self.unsure = True
                    return
                self.sink.marks(entities)
                continue
            found = _LITERAL.findall(objects + b"\n") if objects[:1] == b'"' else []
            if len(found) != n or objects.count(b'\n"') != n - 1:
                self.unsure = True
                return
            texts = b"\n".join([text for text, _ in found])
            if b"\\" in texts:
                if b'"' in texts.replace(b"\\\\", b"").replace(b'\\"', b""):
                    self.unsure = True  # a quote ended the literal sooner: something follows it
                    return
                texts = _UNESCAPE.sub(lambda m: _ECHAR.get(m.group(1), "\x00").encode("utf-8"), texts)
                if b"\x00" in texts:
                    self.unsure = True
                    return
            elif b'"' in texts:
                self.unsure = True
                return
            languages = b"\n".join([suffix for _, suffix in found]).decode("ascii").lower().split("\n")
            self.sink.labels(list(zip(entities, repeat(iri), texts.decode("utf-8").split("\n"),
                                      [lang[1:] if lang[:1] == "@" else "" for lang in languages])))


class _Abandoned(Exception):
    """The scan was stopped before the end of its file."""


class Collected:
    """A sink that keeps the rows in memory, each once: ``labels`` as (entity, predicate, text,
    language), ``types`` as (entity, class) and ``marks`` as entities. (The label index streams
    them to SQLite instead.)"""

    def __init__(self) -> None:
        self.label_rows: dict[tuple[str, str, str, str], None] = {}
        self.type_rows: dict[tuple[str, str], None] = {}
        self.marked: dict[str, None] = {}
        self.lines: int | None = None  # lines of triples in the file, once read (None: not counted)

    def labels(self, rows: list[tuple[str, str, str, str]]) -> None:
        self.label_rows.update(dict.fromkeys(rows))

    def types(self, rows: list[tuple[str, str]]) -> None:
        self.type_rows.update(dict.fromkeys(rows))

    def marks(self, entities: list[str]) -> None:
        self.marked.update(dict.fromkeys(entities))

    def done(self, lines: int | None) -> None:
        self.lines = lines


class Discarded:
    """A sink that keeps nothing: for a file whose rows the index does not take (a second file
    into a graph, a staged target), whose scan only says whether the literal check must run."""

    def labels(self, rows) -> None:
        pass

    def types(self, rows) -> None:
        pass

    def marks(self, entities) -> None:
        pass

    def done(self, lines) -> None:
        pass
