"""Query results as plain objects: a table of RDF terms, a boolean, or a set of triples.

Every command and API call that returns tabular data returns a ``Result``; ``kxgraph.output.render``
writes it in any output format, and ``to_df()`` turns it into a pandas DataFrame.

The family is small: a ``Result`` (one table, a boolean or triples) and a ``Document`` (a main
table with titled further tables and notes: ``kxgraph.report.Report`` is one). Jobs that do more
than answer (an import, the generator, the demo) return a summary object whose tables are
``Result``s (``ImportReport.result()``, ``DemoReport.graphs`` …), so everything a user sees goes
out through ``render``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

if TYPE_CHECKING:  # pragma: no cover
    import pandas

from kxgraph.output.terms import XSD, python_value, term_value, to_term, typed

__all__ = ["Document", "Result", "Streamed", "XSD", "python_value", "term_value", "to_term", "typed"]

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
    # ``labeller(iris, lang) -> {iri: label}``: set by the graph that answered, for label columns
    labeller: Callable[..., dict[str, str]] | None = field(default=None, repr=False, compare=False,
                                                            kw_only=True)

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

    def with_labels(self, lang: str = "zh") -> "Result":
        """This table with a label column after each column of entity IRIs: ``x`` is followed by
        ``x_label``, in ``lang`` (``zh`` or ``en``) where the data has it.

        The labels come from the graph that answered (``rdfs:label``, else ``skos:prefLabel``) in
        one bounded lookup over the IRIs shown. A column already followed by ``label``, or with an
        ``xLabel``/``x_label`` column, keeps that; a column none of whose entities has a label gets
        none. A result not from a graph (no ``labeller``), or not a table, is returned as it is.

        >>> import pyoxigraph as ox
        >>> r = Result.table(["x", "n"], [(ox.NamedNode("https://w3id.org/kxgraph/ns#a"), 1)])
        >>> r.labeller = lambda iris, lang: {i: "甲" for i in iris}
        >>> r.with_labels().variables
        ['x', 'x_label', 'n']
        """
        if self.kind != "select" or self.labeller is None or not self.rows:
            return self
        names = set(self.variables)
        columns = [i for i, name in enumerate(self.variables)
                   if any(type(row[i]).__name__ == "NamedNode" for row in self.rows)
                   and f"{name}_label" not in names and f"{name}Label" not in names
                   and self.variables[i + 1:i + 2] != ["label"]]
        iris = {row[i].value for i in columns for row in self.rows if type(row[i]).__name__ == "NamedNode"}
        found = self.labeller(sorted(iris), lang) if iris else {}
        columns = [i for i in columns if any(type(row[i]).__name__ == "NamedNode" and row[i].value in found
                                             for row in self.rows)]
        if not columns:
            return self
        variables, rows = [], [[] for _ in self.rows]
        for i, name in enumerate(self.variables):
            variables.append(name)
            for out, row in zip(rows, self.rows):
                out.append(row[i])
            if i in columns:
                variables.append(f"{name}_label")
                for out, row in zip(rows, self.rows):
                    label = found.get(row[i].value) if type(row[i]).__name__ == "NamedNode" else None
                    out.append(to_term(label) if label is not None else None)
        return Result("select", variables, [tuple(r) for r in rows])

    def to_df(self, *, iris: bool = False, labels: bool = True, lang: str = "zh") -> "pandas.DataFrame":
        """The rows as a pandas DataFrame holding what the table displays, typed.

        IRIs are the CURIEs a table prints (``kxorg:taiyuan-cast``; ``iris=True`` gives full IRIs);
        literals are Python values: ``int``, ``float``, ``bool``, ``datetime.date`` and
        ``datetime.datetime``, a year (``xsd:gYear``) an ``int``, text a ``str``. Integer and boolean
        columns with gaps are pandas' nullable ``Int64`` and ``boolean``. A column of entities is
        followed by their labels, as displayed (``with_labels(lang)``; ``labels=False`` leaves them
        out). Needs pandas (``pip install 'kxgraph[notebook]'``).

        >>> Result.table(["year", "n"], [(typed("2023", "gYear"), 3)]).to_df().dtypes.tolist()
        [dtype('int64'), dtype('int64')]
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - depends on the environment
            from kxgraph.errors import KxError
            raise KxError("to_df() needs pandas: pip install 'kxgraph[notebook]'") from exc
        table = self.with_labels(lang) if labels else self
        if table.kind == "ask":
            return pd.DataFrame({"boolean": [bool(table.boolean)]})
        if table.kind == "graph":
            columns = ["subject", "predicate", "object"]
            rows = [[python_value(t.subject, iris=iris), python_value(t.predicate, iris=iris),
                     python_value(t.object, iris=iris)] for t in table.triples]
        else:
            columns = table.variables
            rows = [[python_value(t, iris=iris) for t in row] for row in table.rows]
        frame = pd.DataFrame(rows, columns=columns, dtype=object)
        for name in frame.columns:
            frame[name] = _typed_column(frame[name])
        return frame

    def _repr_html_(self) -> str:  # Jupyter shows results as a table
        from kxgraph.output.render import render_to_string  # one way only: render never imports results

        return render_to_string(self.with_labels(), "html")


@dataclass
class Document(Result):
    """A ``Result`` (the main table, under ``heading``) with further titled tables and notes.

    The family's second member, for reports: ``render`` writes all of it in the human formats
    (``table``, ``markdown``, ``html``) and in ``json`` (the main table as SPARQL JSON results, each
    part as a member of that name, and ``notes``); ``csv``, ``tsv``, ``xml`` and ``excel`` hold
    one table, so they carry the main one (render a part, ``doc.parts[key][1]``, for another).

    >>> doc = Document("select", ["n"], Result.table(["n"], [(1,)]).rows, heading="Counts",
    ...                parts={"more": ("More", Result.table(["m"], [(2,)]))}, notes=["a note"])
    >>> doc.main().records(), doc.parts["more"][1].records()
    ([{'n': 1}], [{'m': 2}])
    """

    heading: str = ""
    parts: dict[str, tuple[str, Result]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def main(self) -> Result:
        """The main table alone, as a plain ``Result``."""
        return Result(self.kind, self.variables, self.rows, self.boolean, self.triples)



class Streamed:
    """A SELECT result whose rows, or a CONSTRUCT's whose triples, arrive one by one and are read once
    (``KxGraph.query(stream=True)``).

    ``render`` writes it as the rows come, in bounded memory; ``result()`` collects the rest into a
    ``Result``. Leaving it unread (``close()``, or a ``with`` block) stops the query.

    >>> s = Streamed("select", ["n"], iter([(1,), (2,)]))
    >>> [row for row in s], s.count
    ([(1,), (2,)], 2)
    """

    boolean = None
    streamed = True

    LABEL_CHUNK = 1000  # rows labelled at a time: one bounded label lookup each

    def __init__(self, kind: str, variables: list[str], rows: Iterator[tuple], *, close: Any = None) -> None:
        self.kind, self.variables, self._rows, self._close = kind, list(variables), rows, close
        self.count = 0  # rows read so far
        self._read = False
        self.labeller: Callable[..., dict[str, str]] | None = None

    def with_labels(self, lang: str = "zh") -> "Streamed":
        """These rows with label columns, as ``Result.with_labels`` adds them, still streamed.

        The label columns are chosen from the first ``LABEL_CHUNK`` rows; every further chunk of
        rows gets its labels from one lookup of its own IRIs, so memory stays bounded.

        >>> import pyoxigraph as ox
        >>> s = Streamed("select", ["x"], iter([(ox.NamedNode("https://w3id.org/kxgraph/ns#a"),)]))
        >>> s.labeller = lambda iris, lang: {i: "甲" for i in iris}
        >>> labelled = s.with_labels()
        >>> labelled.variables, [row[1].value for row in labelled]
        (['x', 'x_label'], ['甲'])
        """
        import itertools

        if self.kind != "select" or self.labeller is None:
            return self
        rows = self.rows
        first = list(itertools.islice(rows, self.LABEL_CHUNK))
        labelled = Result("select", self.variables, first)
        labelled.labeller = self.labeller
        labelled = labelled.with_labels(lang)
        if labelled.variables == self.variables:
            return Streamed("select", self.variables, itertools.chain(first, rows), close=self._close)
        names = [name for name in labelled.variables if name.endswith("_label")
                 and name[:-len("_label")] in self.variables]

        def later() -> Iterator[tuple]:
            while chunk := list(itertools.islice(rows, self.LABEL_CHUNK)):
                found = Result("select", self.variables, chunk)
                found.labeller = self.labeller
                yield from _with_columns(found, names, lang)

        return Streamed("select", labelled.variables, itertools.chain(labelled.rows, later()),
                        close=self._close)

    @property
    def rows(self) -> Iterator[tuple]:
        """The rows, once: a second read is an error rather than an empty table."""
        if self._read:
            from kxgraph.errors import KxError

            raise KxError("a streamed result is read once; use result() to keep its rows")
        self._read = True
        return self._counted()

    def _counted(self) -> Iterator[tuple]:
        for row in self._rows:
            self.count += 1
            yield row

    @property
    def triples(self) -> Iterator[Any]:
        """A CONSTRUCT's triples, once (none for a SELECT)."""
        return self.rows if self.kind == "graph" else iter(())

    def __iter__(self) -> Iterator[tuple]:
        return self.rows

    def result(self) -> Result:
        """The rows (or triples) not yet read, collected into a ``Result``."""
        if self.kind == "graph":
            return Result("graph", triples=list(self.rows))
        return Result(self.kind, self.variables, list(self.rows))

    def close(self) -> None:
        """Stop the query behind the rows."""
        if self._close is not None:
            self._close()

    def __enter__(self) -> "Streamed":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _with_columns(result: Result, names: list[str], lang: str) -> Iterator[tuple]:
    """``result``'s rows with exactly the label columns ``names`` (``x_label`` after ``x``)."""
    columns = [result.variables.index(name[:-len("_label")]) for name in names]
    iris = {row[i].value for i in columns for row in result.rows if type(row[i]).__name__ == "NamedNode"}
    found = result.labeller(sorted(iris), lang) if iris else {}
    for row in result.rows:
        out: list = []
        for i, term in enumerate(row):
            out.append(term)
            if i in columns:
                label = found.get(term.value) if type(term).__name__ == "NamedNode" else None
                out.append(to_term(label) if label is not None else None)
        yield tuple(out)
