"""Query results as plain objects: a table of RDF terms, a boolean, or a set of triples.

Every command and API call that returns tabular data returns a ``Result``; ``kxgraph.output.render``
writes it in any output format, and ``to_df()`` turns it into a pandas DataFrame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

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

    def to_df(self):
        """Return the rows as a pandas DataFrame (needs pandas: ``pip install kxgraph[notebook]``)."""
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from kxgraph.errors import KxError
            raise KxError("to_df() needs pandas: pip install 'kxgraph[notebook]'") from exc
        if self.kind == "ask":
            return pd.DataFrame({"boolean": [bool(self.boolean)]})
        if self.kind == "graph":
            return pd.DataFrame([(t.subject.value, t.predicate.value, term_value(t.object))
                                 for t in self.triples], columns=["subject", "predicate", "object"])
        return pd.DataFrame(self.records(), columns=self.variables)

    def _repr_html_(self) -> str:  # Jupyter shows results as a table
        from kxgraph.output.render import render_to_string
        return render_to_string(self, "html")
