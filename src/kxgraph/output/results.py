"""Query results as plain objects: a table of RDF terms, a boolean, or a set of triples.

Every command and API call that returns tabular data returns a ``Result``; ``kxgraph.output.render``
writes it in any output format, and ``to_df()`` turns it into a pandas DataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import pandas

XSD = "http://www.w3.org/2001/XMLSchema#"


def term_value(term: Any) -> Any:
    """Return a plain Python value for an RDF term (numbers as numbers, IRIs and text as str)."""
    if term is None:
        return None
    cls = type(term).__name__
    if cls == "Literal":
        dt = term.datatype.value
        if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "short", XSD + "nonNegativeInteger",
                  XSD + "positiveInteger"):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            try:
                number = float(term.value)
            except ValueError:
                return term.value
            return int(number) if dt == XSD + "decimal" and number.is_integer() else number
        if dt == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if cls in ("NamedNode", "BlankNode"):
        return term.value
    return term


_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                 "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                 "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "gYear")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}


def python_value(term: Any, *, iris: bool = False) -> Any:
    """The value a DataFrame cell holds for a term: the displayed CURIE for an IRI (``iris=True``:
    the IRI), ``_:id`` for a blank node, and for a literal a typed Python value (see ``Result.to_df``).

    >>> python_value(typed("2024-05-01", "date"))
    datetime.date(2024, 5, 1)
    """
    import datetime as dt

    if term is None:
        return None
    cls = type(term).__name__
    if cls == "NamedNode":
        if iris:
            return term.value
        from kxgraph.vocab import shorten
        return shorten(term.value)
    if cls == "BlankNode":
        return "_:" + term.value
    if cls != "Literal":
        return term
    datatype, text = term.datatype.value, term.value
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype in _FLOATS:
            return float(text)
        if datatype == XSD + "boolean":
            return text.strip() in ("true", "1")
        if datatype == XSD + "date":
            return dt.date.fromisoformat(text[:10])
        if datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # an ill-typed literal shows as written
    return text


def typed(text: str, datatype: str) -> Any:
    """A literal of an XSD datatype given by local name: ``typed("2023", "gYear")``."""
    import pyoxigraph as ox

    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))


def _typed_column(column: Any) -> Any:
    """A column of Python values with the pandas dtype that fits them (nullable where gaps are)."""
    values = [v for v in column if v is not None]
    if not values:
        return column
    kinds = {type(v) for v in values}
    gaps = len(values) < len(column)
    try:
        if kinds == {bool}:
            return column.astype("boolean" if gaps else bool)
        if kinds == {int}:
            return column.astype("Int64" if gaps else "int64")
        if kinds <= {int, float}:
            return column.astype("float64")
    except (OverflowError, TypeError, ValueError):
        return column  # e.g. an integer past 64 bits stays a Python int
    return column


def to_term(value: Any) -> Any:
    """Return a pyoxigraph term for a plain Python value (terms pass through)."""
    import pyoxigraph as ox

    if value is None or isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    return ox.Literal(str(value))


@dataclass
class Result:
    """The outcome of a query: ``kind`` is ``"select"``, ``"ask"`` or ``"graph"``.

    >>> r = Result.table(["name", "n"], [("太原", 3)])
    >>> r.records()
    [{'name': '太原', 'n': 3}]
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple] = field(default_factory=list)
    boolean: bool | None = None
    triples: list = field(default_factory=list)

    @classmethod
    def table(cls, variables: Iterable[str], rows: Iterable[Iterable[Any]]) -> "Result":
        """Build a SELECT-like result from plain values or terms (plain values become literals)."""
        return cls("select", list(variables), [tuple(to_term(v) for v in row) for row in rows])

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows) if self.kind == "select" else len(self.triples)

    def __bool__(self) -> bool:
        return bool(self.boolean) if self.kind == "ask" else len(self) > 0

    def records(self) -> list[dict[str, Any]]:
        """Rows as dicts of plain Python values."""
        return [dict(zip(self.variables, (term_value(t) for t in row))) for row in self.rows]

    def column(self, name: str) -> list[Any]:
        """The plain values of one column."""
        i = self.variables.index(name)
        return [term_value(row[i]) for row in self.rows]

    def to_df(self, *, iris: bool = False) -> "pandas.DataFrame":
        """The rows as a pandas DataFrame holding what the table displays, typed.

        IRIs are the CURIEs a table prints (``kxorg:taiyuan-cast``; ``iris=True`` gives full IRIs);
        literals are Python values: ``int``, ``float``, ``bool``, ``datetime.date`` and
        ``datetime.datetime``, a year (``xsd:gYear``) an ``int``, text a ``str``. Integer and boolean
        columns with gaps are pandas' nullable ``Int64`` and ``boolean``. Needs pandas
        (``pip install 'kxgraph[notebook]'``).

        >>> Result.table(["year", "n"], [(typed("2023", "gYear"), 3)]).to_df().dtypes.tolist()
        [dtype('int64'), dtype('int64')]
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from kxgraph.errors import KxError
            raise KxError("to_df() needs pandas: pip install 'kxgraph[notebook]'") from exc
        if self.kind == "ask":
            return pd.DataFrame({"boolean": [bool(self.boolean)]})
        if self.kind == "graph":
            columns = ["subject", "predicate", "object"]
            rows = [[python_value(t.subject, iris=iris), python_value(t.predicate, iris=iris),
                     python_value(t.object, iris=iris)] for t in self.triples]
        else:
            columns = self.variables
            rows = [[python_value(t, iris=iris) for t in row] for row in self.rows]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        for name in frame.columns:
            frame[name] = _typed_column(frame[name])
        return frame

    def _repr_html_(self) -> str:  # Jupyter shows results as a table
        from kxgraph.output.render import render_to_string
        return render_to_string(self, "html")
