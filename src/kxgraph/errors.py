"""The one exception tree of kxgraph.

    KxError                  anything kxgraph reports to its user (CLI exit code 1)
    ├── InputError           a file or cell that cannot be read as given (names file, line/row, column)
    ├── ValidationError      data that breaks the ontology's shapes
    ├── QueryError           a query that is malformed, unknown, refused or failed
    ├── ParameterError       a missing or malformed option or parameter (CLI exit code 2)
    ├── NotFoundError        an entity, graph, named query or shipped file that does not exist
    ├── WriteError           an output file that cannot or may not be written
    └── StoreError           the store cannot be opened, is locked, or an endpoint is unreachable

The library raises these and never prints; ``kxgraph.cli`` turns them into one line on stderr.
"""

from __future__ import annotations

__all__ = [
    "KxError", "InputError", "ValidationError", "QueryError", "ParameterError",
    "NotFoundError", "StoreError", "WriteError",
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


class ValidationError(KxError):
    """Data that breaks the ontology's shapes; ``problems`` lists each violation."""

    def __init__(self, message: str, problems: list | None = None) -> None:
        self.problems = list(problems or [])
        super().__init__(message)


class QueryError(KxError):
    """A query that is malformed, unknown, refused or failed."""


class ParameterError(KxError):
    """A missing or malformed option or parameter."""

    exit_code = 2


class NotFoundError(KxError):
    """An entity, graph or named query that does not exist."""


class WriteError(KxError):
    """An output file that cannot be written, or may not be (a device, a link, one of the inputs)."""


class StoreError(KxError):
    """The store cannot be opened, is locked by another writer, or an endpoint is unreachable."""
