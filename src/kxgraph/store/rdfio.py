"""RDF files: the one map from file extension to format, opening (gzip, byte-order mark), parsing.

Parse errors become ``InputError``s naming file, line and column. Nothing here touches a store.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator

from kxgraph.errors import InputError, option


@dataclass
class LoadItem:
    """One file of a load: where it is, its format, and the graph its triples go to."""

    path: Path
    format: Any
    graph: str
    size: int = 0
    own: bool = False    # kxgraph's own bookkeeping (a source's record): may fill an internal graph


# File extension -> pyoxigraph RdfFormat attribute name: the one such map of kxgraph.
FORMATS = {
    ".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES",
    ".nq": "N_QUADS", ".nquads": "N_QUADS", ".trig": "TRIG", ".jsonld": "JSON_LD",
    ".json": "JSON_LD", ".rdf": "RDF_XML", ".xml": "RDF_XML", ".owl": "RDF_XML", ".n3": "N3",
}
# Format names as options take them (--format turtle) -> RdfFormat attribute name.
FORMAT_NAMES = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
                "jsonld": "JSON_LD", "rdfxml": "RDF_XML", "n3": "N3"}

BOM = b"\xef\xbb\xbf"  # Windows Notepad starts UTF-8 files with it; RDF parsers refuse it


def rdf_format(path: str | Path, fmt: str | None = None):
    """Return the pyoxigraph ``RdfFormat`` for a file, from ``fmt`` or the file's extension.

    >>> rdf_format("network.nt.gz").name
    'N-Triples'
    """
    import pyoxigraph as ox

    if fmt:
        key = FORMAT_NAMES.get(fmt.lower().replace("-", "").replace("_", "").replace("/", ""))
        if key is None:
            raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMAT_NAMES)}", file=str(path))
        return getattr(ox.RdfFormat, key)
    suffixes = [x.lower() for x in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":  # network.nt.gz, as kx generate writes it
        suffixes.pop()
    key = FORMATS.get(suffixes[-1]) if suffixes else None
    if key is None:
        raise InputError(f"unknown file type; give {option('format')} ({', '.join(FORMAT_NAMES)})",
                         file=Path(path).name)
    return getattr(ox.RdfFormat, key)


def format_name(path: str | Path) -> str | None:
    """The option-style name of a file's RDF format by its extension (``.gz`` allowed), or None.

    >>> format_name("network.nt.gz")
    'ntriples'
    """
    suffixes = [x.lower() for x in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    key = FORMATS.get(suffixes[-1]) if suffixes else None
    return next((name for name, attr in FORMAT_NAMES.items() if attr == key), None)


def is_quad_format(fmt: Any) -> bool:
    """True for formats whose documents name their own graphs (TriG, N-Quads, JSON-LD)."""
    return bool(fmt.supports_datasets)


def syntax_error(exc: SyntaxError, file: str | None = None) -> InputError:
    """Turn a pyoxigraph parse error into an ``InputError`` naming file, line and column."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    message = str(exc.args[0]) if exc.args else str(exc)
    message = re.sub(r"^Parser error (between|at) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    return InputError(f"parse error: {message}", file=file, line=line, column=column)


def is_gzip(path: Path) -> bool:
    """True for a gzip-compressed file (by its ``.gz`` extension)."""
    return path.suffix.lower() == ".gz"


def has_bom(path: Path) -> bool:
    """True when a file starts with a UTF-8 byte-order mark."""
    with path.open("rb") as handle:
        return handle.read(3) == BOM


@contextmanager
def open_rdf(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[IO[bytes]]:
    """Open an RDF file for reading bytes, decompressing ``.gz`` on the fly and skipping a UTF-8
    byte-order mark; ``progress`` gets the bytes read from disk."""
    with path.open("rb") as handle:
        if not is_gzip(path):
            handle.seek(3 if handle.read(3) == BOM else 0)
            yield _Progress(handle, progress) if progress else handle
            return
        import gzip

        with gzip.GzipFile(fileobj=_Progress(handle, progress) if progress else handle, mode="rb") as unzipped:
            if unzipped.peek(3)[:3] == BOM:
                unzipped.read(3)
            yield unzipped


class _Progress:
    """A binary file wrapper that reports how many bytes have been read."""

    def __init__(self, handle, report: Callable[[int], None]) -> None:
        self._handle, self._report = handle, report

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._report(len(data))
        return data

    def readinto(self, buffer) -> int:
        n = self._handle.readinto(buffer)
        self._report(n or 0)
        return n

    def readable(self) -> bool:
        return True


def parse(data: bytes | str | IO[bytes], format: Any, graph: str | None, *, file: str,
          base_iri: str | None = None) -> Iterator[Any]:
    """Parse an RDF document lazily into quads; triples of the default graph go to ``graph``."""
    import pyoxigraph as ox

    target = ox.NamedNode(graph) if graph else None
    try:
        for quad in ox.parse(data, format, base_iri=base_iri):
            if target is not None and isinstance(quad.graph_name, ox.DefaultGraph):
                quad = ox.Quad(quad.subject, quad.predicate, quad.object, target)
            yield quad
    except SyntaxError as exc:
        raise syntax_error(exc, file) from exc
    except (OSError, EOFError) as exc:  # a truncated .gz, a file gone while reading
        raise InputError(f"cannot read: {exc}", file=file) from exc
