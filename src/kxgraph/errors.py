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
"""

from __future__ import annotations

__all__ = [
    "KxError", "InputError", "WriteError", "ValidationError", "QueryError", "AnalysisError",
    "ParameterError", "AmbiguousNameError", "NotFoundError", "StoreError", "GenerateError",
]


class KxError(Exception):
    """Base of every error kxgraph reports to its user."""

    exit_code = 1


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
