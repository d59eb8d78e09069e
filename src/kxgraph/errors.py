"""The one exception tree of kxgraph, and ``map_errors``: the one boundary into it.

    KxError                  anything kxgraph reports to its user (CLI exit code 1)
    ├── InputError           a file or cell that cannot be read as given (names file, line/row, column)
    ├── WriteError           a file that cannot, or may not, be written (names the file)
    ├── ValidationError      data that breaks the ontology's shapes
    ├── QueryError           a query that is malformed, unknown, refused or failed
    ├── AnalysisError        a network analysis that cannot be computed (e.g. no convergence)
    ├── ParameterError       a missing or malformed option or parameter (CLI exit code 2)
    ├── AmbiguousNameError   a label that names several entities (lists them)
    ├── NotFoundError        an entity, graph, named query or shipped file that does not exist
    ├── StoreError           the store cannot be opened, is locked, or an endpoint is unreachable
    └── GenerateError        the synthetic network cannot be generated as asked

The library raises these and never prints; ``kxgraph.cli`` turns them into one line on stderr.
Errors of the libraries underneath become these in one place: ``kxgraph.boundary.map_errors``.

A message names a parameter through ``option(name)``, never a CLI flag: ``str(error)`` reads the
Python name (``scale``, ``timeout=SECONDS``), and the CLI renders the same mark as its option
(``--scale``, ``--timeout SECONDS``) with ``error.message(flag)``; ``error.params`` lists the names.
"""

from __future__ import annotations

import re
from typing import Callable

__all__ = [  # the error classes (tests/test_package.py); ``option`` is imported by name
    "KxError", "InputError", "WriteError", "ValidationError", "QueryError", "AnalysisError",
    "ParameterError", "AmbiguousNameError", "NotFoundError", "StoreError", "GenerateError",
]


# A parameter named in a message: \x1e NAME[:FLAG] \x1f VALUE \x1f CLI-VALUE \x1d (control characters,
# which no message text carries: ``boundary.printable`` escapes them in anything from outside).
_MARK = re.compile("\x1e([A-Za-z_][A-Za-z0-9_]*)(?::([A-Za-z_][A-Za-z0-9_]*))?\x1f([^\x1d\x1f]*)\x1f([^\x1d\x1f]*)\x1d")


def option(name: str, value: object = None, *, cli: str | None = None, flag: str | None = None) -> str:
    """Name the parameter ``name`` (with an example ``value``) in a message of a ``KxError``.

    The library's message says ``name`` or ``name=value``; the CLI says its option for ``name``,
    e.g. ``--name value`` (``cli`` gives the value as the CLI writes it, ``value=True`` a bare flag;
    ``flag`` the CLI's parameter when it is not called ``name``).

    >>> str(ParameterError(f"{option('scale')} must be a positive number"))
    'scale must be a positive number'
    >>> ParameterError(f"give {option('timeout', 'SECONDS')}").message(lambda n: "--" + n)
    'give --timeout SECONDS'
    """
    text = "" if value is None else str(value)
    return f"\x1e{name}{':' + flag if flag else ''}\x1f{text}\x1f{cli or ''}\x1d"


def render(template: str, flag: Callable[[str], str] | None = None) -> str:
    """``template`` with each ``option`` mark spelled for Python, or for the CLI through ``flag``."""
    def one(m: re.Match) -> str:
        name, other, value, cli = m.groups()
        if flag is None:
            return f"{name}={value}" if value else name
        shown = cli or ("" if value == "True" else value)
        return f"{flag(other or name)} {shown}" if shown else flag(other or name)
    return _MARK.sub(one, template)


class KxError(Exception):
    """Base of every error kxgraph reports to its user."""

    exit_code = 1

    def __init__(self, message: object = "", *args: object) -> None:
        self.template = str(message)
        self.params = tuple(m.group(1) for m in _MARK.finditer(self.template))
        self.param = self.params[0] if self.params else None
        super().__init__(render(self.template), *args)

    def message(self, flag: Callable[[str], str] | None = None) -> str:
        """The message, each parameter named by ``flag(name)`` (the CLI's option), or as in Python."""
        return render(self.template, flag)


class InputError(KxError):
    """A file or cell that cannot be read as given."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 column: int | str | None = None, sheet: str | None = None) -> None:
        self.file, self.line, self.column, self.sheet = file, line, column, sheet
        where = ":".join(str(x) for x in (file, sheet, line, column) if x is not None)
        super().__init__(f"{where}: {message}" if where else message)


class WriteError(KxError):
    """A file that cannot be written (no folder, no permission, full disk) or may not be (a link, a device, an input)."""

    def __init__(self, message: str, *, file: str | None = None) -> None:
        self.file = file
        super().__init__(f"{file}: {message}" if file else message)


class ValidationError(KxError):
    """Data that breaks the ontology's shapes; ``problems`` lists each violation."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message)


class QueryError(KxError):
    """A query that is malformed, unknown, refused or failed."""


class AnalysisError(KxError):
    """A network analysis that cannot be computed, e.g. eigenvector centrality that does not converge."""


class ParameterError(KxError):
    """A missing or malformed option or parameter."""

    exit_code = 2


class AmbiguousNameError(KxError):
    """A label that names several entities; ``candidates`` lists them, to give an IRI instead."""

    def __init__(self, message: str, candidates: list | None = None) -> None:
        self.candidates = list(candidates or [])
        super().__init__(message)


class NotFoundError(KxError):
    """An entity, graph or named query that does not exist."""


class StoreError(KxError):
    """The store cannot be opened, is locked by another writer, or an endpoint is unreachable."""


class GenerateError(KxError):
    """The synthetic network cannot be generated as asked (e.g. a scale too small or too large)."""
