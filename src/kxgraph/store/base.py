"""The store interface: what kxgraph needs from a triple store, and what every store shares.

Everything above ``kxgraph.store`` speaks SPARQL 1.1 through ``Store.query`` / ``Store.update`` and
loads files through ``Store.load_files``, so pointing kxgraph at an endpoint changes nothing else.
The default graph of every query is the union of all named graphs (an endpoint must be set up
that way, e.g. ``oxigraph serve --union-default-graph``).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Mapping

from kxgraph.errors import QueryError, StoreError
from kxgraph.output.results import Result
from kxgraph.vocab import GRAPH

STAGING = GRAPH + "staging/"      # graphs a load writes before it commits; never user data
RECORDS = GRAPH + "source/"       # records of sources (kxgraph.sources), listed by kx sources
MODES = ("r", "rw", "create")     # how a store is opened: see kxgraph.store.open_store

_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass
class LoadItem:
    """One file of a load: where it is, its format, and the graph its triples go to."""

    path: Path
    format: Any
    graph: str
    size: int = 0
    own: bool = False    # kxgraph's own bookkeeping (a source's record): may fill an internal graph


def sparql_syntax_error(exc: SyntaxError, sparql: str = "") -> QueryError:
    """Turn a pyoxigraph SPARQL parse error into a one-line ``QueryError`` (see ``kxgraph.diagnose``)."""
    from kxgraph.diagnose import explain

    return QueryError(explain(sparql, str(exc.args[0]) if exc.args else str(exc)))


def inject_values(sparql: str, substitutions: Mapping[str, Any]) -> str:
    """Bind variables, for a store that cannot take substitutions, by ``VALUES`` blocks: in a
    query's declared slot ``VALUES ?name { UNDEF }`` (which may sit in a subquery), else at the
    start of the outer ``WHERE``.

    Terms are written in N-Triples syntax by pyoxigraph, so no value is ever pasted as text.
    A list or tuple value binds one row per term (``VALUES ?s { <a> <b> }``).
    """
    if not all(re.fullmatch(r"[A-Za-z_]\w*", n) for n in substitutions):
        raise QueryError(f"cannot bind {sorted(substitutions)}: not variable names")
    rest = {}
    for name, value in substitutions.items():
        terms = value if isinstance(value, (list, tuple)) else [value]
        block = f"VALUES ?{name} {{ {' '.join(str(_term(t)) for t in terms)} }}"
        slot = re.compile(rf"VALUES\s*\?{name}\s*\{{\s*UNDEF\s*\}}", re.IGNORECASE)
        if slot.search(sparql):
            sparql = slot.sub(lambda _: block, sparql)
        elif isinstance(value, (list, tuple)):
            rest[name] = block
        else:
            rest[name] = None
    names = [n for n, b in rest.items() if b is None]
    row = " ".join(str(_term(substitutions[n])) for n in names)
    values = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} " if names else " "
    values += " ".join(b for b in rest.values() if b) + " "
    if not rest:
        return sparql
    match = _WHERE.search(sparql) or re.search(r"\{", sparql)
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return sparql[:match.end()] + values + sparql[match.end():]


def _term(value: Any) -> Any:
    """A pyoxigraph term (anything else is refused: only terms are written into SPARQL)."""
    import pyoxigraph as ox

    if not isinstance(value, (ox.NamedNode, ox.Literal, ox.BlankNode, ox.Triple)):
        raise QueryError(f"cannot bind {value!r}: not an RDF term")
    return value


def graph_node(iri: str):
    """A graph name as a ``NamedNode`` (a malformed IRI is a ``ParameterError``)."""
    import pyoxigraph as ox

    from kxgraph.errors import ParameterError

    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise ParameterError(f"not a valid graph IRI: {iri!r} ({exc})") from None


class Store(ABC):
    """What kxgraph needs from a triple store: SPARQL 1.1 query and update, loads, graphs."""

    read_only: bool = False
    index: Any = None  # the label index and kept counts (kxgraph.store.index.Index), where the store keeps them

    @abstractmethod
    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        """Run a read-only SPARQL query; the default graph is the union of all graphs."""

    def solutions(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None):
        """Run a query and return ``(kind, variables, iterator)``, lazily where the store can.

        ``kind`` is ``"select"``, ``"ask"`` (the iterator yields one bool) or ``"graph"``.
        """
        result = self.query(sparql, substitutions=substitutions)
        if result.kind == "ask":
            return "ask", [], iter([result.boolean])
        if result.kind == "graph":
            return "graph", [], iter(result.triples)
        return "select", result.variables, iter(result.rows)

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update."""

    @abstractmethod
    def load_files(self, items: list[LoadItem], *, replace: bool = False,
                   progress: Callable[[int], None] | None = None, force_shipped: bool = False,
                   lenient: bool = False, drop: tuple[str, ...] = ()) -> dict[str, int]:
        """Load every file, all or nothing; return the triple count of each graph touched.

        ``drop`` names graphs removed in the same commit (a source replaced as a whole).
        Files may not write the shipped or internal graphs (``kxgraph.protect``) unless
        ``force_shipped`` or they are kxgraph's own shipped files.
        """

    def load(self, data: bytes | str | Path, *, format: Any, graph: str | None) -> None:
        """Add one RDF document to ``graph`` (kept for callers that load bytes)."""
        from kxgraph.store.rdfio import parse

        if isinstance(data, Path):
            self.load_files([LoadItem(data, format, graph or data.resolve().as_uri())])
            return
        self.check_writable()
        with self.index.writing(self) if self.index is not None else nullcontext():  # one index refresh
            for chunk in insert_data_chunks(parse(data, format, graph, file="<input>")):
                self.update(chunk)

    def graphs(self) -> list[tuple[str, int]]:
        """Named graphs with their triple counts (staging graphs of a running load and the
        records of sources, which ``kx sources`` lists, left out)."""
        import pyoxigraph as ox

        result = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                            "FILTER(!STRSTARTS(STR(?g), ?staging) && !STRSTARTS(STR(?g), ?records)) } "
                            "GROUP BY ?g ORDER BY ?g",
                            substitutions={"staging": ox.Literal(STAGING), "records": ox.Literal(RECORDS)})
        return [(row[0].value, _count(row[1])) for row in result.rows]

    def graph_size(self, graph: str) -> int:
        """Triples in one named graph (0 when it does not exist)."""
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                            substitutions={"g": graph_node(graph)})
        return _count(result.rows[0][0]) if result.rows else 0

    def drop(self, graph: str) -> None:
        """Remove a named graph."""
        self.update(f"DROP SILENT GRAPH {graph_node(graph)}")

    def check_writable(self) -> None:
        """Refuse a write to a store opened for reading, saying how to open it for writing."""
        if self.read_only:
            raise StoreError(f"{self!r} was opened read-only; open it with mode=\"rw\" to write "
                             "(the kx commands that write do)")

    def close(self) -> None:
        """Release the store."""


def _count(term: Any) -> int:
    try:
        return int(term.value)
    except (AttributeError, ValueError):
        raise QueryError(f"the store answered a count that is not a number: {term}") from None


INSERT_CHUNK = 20_000  # triples per INSERT DATA: bounded requests and memory


def insert_data_chunks(quads: Iterable[Any], size: int | None = None) -> Iterator[str]:
    """``INSERT DATA`` updates of at most ``size`` quads each (``INSERT_CHUNK``), terms written by pyoxigraph."""
    import pyoxigraph as ox

    size = size or INSERT_CHUNK

    by_graph: dict[Any, list[str]] = {}
    count = 0
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
        count += 1
        if count >= size:
            yield _insert_data(by_graph, ox)
            by_graph, count = {}, 0
    if count:
        yield _insert_data(by_graph, ox)


def _insert_data(by_graph: dict[Any, list[str]], ox: Any) -> str:
    blocks = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        blocks.append(body if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{\n{body}\n}}")
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def materialise(answer: Any, guard: Callable[[Iterator], Iterator] = iter) -> Result:
    """A pyoxigraph query answer as a ``Result`` (all rows read)."""
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return Result("select", variables, list(map(tuple, guard(answer))))
    return Result("graph", triples=list(guard(answer)))
