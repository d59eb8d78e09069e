"""The one error boundary: errors of the libraries underneath kxgraph become ``KxError``s here.

pyoxigraph, rdflib, openpyxl, zip/zlib/XML, the OS, ``UnicodeDecodeError`` and ``ValueError`` are
turned into the tree of ``kxgraph.errors`` by ``map_errors``, used as a decorator or a ``with``::

    with map_errors(file="sheet.xlsx"):       # reading: a broken file is an InputError
        workbook = openpyxl.load_workbook(path)
    with map_errors(file=out, writing=True):  # writing: an OSError is a WriteError
        out.write_text(text)

The ``KxGraph`` facade and the ``kx`` command line both run behind it. ``printable`` makes text
from outside (a server's error body, a file's bytes) safe to show on a terminal. Only the
standard library is imported here (``kx --help`` imports it).
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Iterator

from kxgraph.errors import InputError, KxError, ParameterError, QueryError, StoreError, WriteError

__all__ = ["map_errors", "mapped_methods", "translate", "printable"]


# C0 and C1 controls (ESC starts ANSI/OSC sequences), DEL, and the bidi overrides and isolates.
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(text: str, *, limit: int | None = None) -> str:
    """``text`` safe for a terminal on one line: control and bidi characters shown as ``\\xNN``.

    >>> printable("bad\\x1b]8;;http://x\\x07 row\\n2")
    'bad\\\\x1b]8;;http://x\\\\x07 row\\\\x0a2'
    """
    if limit is not None and len(text) > limit:
        text = text[:limit] + "…"
    return _CONTROLS.sub(lambda m: f"\\x{ord(m.group(0)):02x}" if ord(m.group(0)) < 0x100
                         else f"\\u{ord(m.group(0)):04x}", text)


def _module(exc: BaseException) -> str:
    return type(exc).__module__.split(".")[0]


def translate(exc: BaseException, *, file: str | None = None, writing: bool = False) -> KxError | None:
    """The ``KxError`` for an exception from below kxgraph, or None when it is not one to map."""
    import zlib
    import zipfile
    from xml.etree.ElementTree import ParseError

    name = str(file) if file is not None else None
    if isinstance(exc, KxError):
        return None
    if isinstance(exc, UnicodeDecodeError):
        return InputError(f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at {exc.start}); "
                          "save it as UTF-8", file=name)
    if isinstance(exc, UnicodeEncodeError):
        return WriteError(f"cannot be written as {exc.encoding}; use UTF-8", file=name)
    if isinstance(exc, (zipfile.BadZipFile, zlib.error, ParseError, EOFError)) or _module(exc) == "openpyxl":
        return InputError(f"文件已损坏或类型不符 / damaged or misnamed file "
                          f"({printable(str(exc) or type(exc).__name__)})", file=name)
    if isinstance(exc, OSError):
        where = name or (str(exc.filename) if getattr(exc, "filename", None) else None)
        what = printable(exc.strerror or str(exc))
        if _module(exc) == "pyoxigraph" or "rocksdb" in str(exc).lower():
            return StoreError(f"the store failed: {what}")
        return WriteError(what, file=where) if writing else InputError(what, file=where)
    if _module(exc) == "pyoxigraph" and isinstance(exc, SyntaxError):
        return InputError(f"parse error: {printable(str(exc))}", file=name,
                          line=getattr(exc, "lineno", None), column=getattr(exc, "offset", None))
    if _module(exc) == "rdflib" or type(exc).__name__ in ("BadSyntax", "ParserError"):
        return InputError(f"cannot parse: {printable(str(exc))}", file=name)
    if isinstance(exc, SyntaxError):  # pyoxigraph raises the built-in SyntaxError for bad RDF/SPARQL
        return InputError(f"parse error: {printable(str(exc.args[0]) if exc.args else str(exc))}",
                          file=name, line=getattr(exc, "lineno", None), column=getattr(exc, "offset", None))
    if isinstance(exc, MemoryError):
        return InputError("too large to handle in memory", file=name)
    if isinstance(exc, RuntimeError) and not isinstance(exc, RecursionError):
        return QueryError(f"failed: {printable(str(exc))}")
    if isinstance(exc, ValueError):
        return ParameterError(printable(str(exc)) if str(exc) else "a malformed value")
    return None


@contextmanager
def map_errors(*, file: object = None, writing: bool = False) -> Iterator[None]:
    """Turn errors of the libraries underneath into ``KxError``s (see the module's docstring).

    ``KxError``, ``KeyboardInterrupt`` and anything not listed pass through unchanged; ``file``
    names the file being read (or written, with ``writing=True``) in the message.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - translated or re-raised unchanged
        mapped = translate(exc, file=None if file is None else str(file), writing=writing)
        if mapped is None:
            raise
        raise mapped from exc


def mapped_methods(cls: type) -> type:
    """Class decorator: every public method of ``cls`` runs behind ``map_errors``."""
    import functools

    for name, member in list(vars(cls).items()):
        if name.startswith("_") or not callable(member):
            continue

        def wrap(method):
            @functools.wraps(method)
            def mapped(*args, **kwargs):
                with map_errors():
                    return method(*args, **kwargs)
            return mapped

        setattr(cls, name, wrap(member))
    return cls
