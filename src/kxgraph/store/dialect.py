"""What differs between the SPARQL endpoints kxgraph has been tested with, worked around in one place.

``EndpointStore`` learns the server from the ``Server`` header of its first answer and then sends
every query through ``Dialect.query`` and reads every answer through ``Dialect.result``.

Virtuoso 7.2 (Debian's ``virtuoso-opensource``, tests/test_virtuoso.py):

- Its own graphs (``virtrdf#`` with its ~2,500 mapping triples, ``ldp#``, ``localuriqaserver``)
  sit beside the data and would show in ``kx graphs``, ``kx stats`` and every class count: each
  query excludes them with Virtuoso's ``define input:default-graph-exclude`` and
  ``define input:named-graph-exclude`` pragmas.
- ASK answers, in SPARQL JSON, as a one-row table of ``?__ASK_RETVAL`` 1 or 0: read as a boolean.
- An ``xsd:boolean`` comes back as ``"1"`` or ``"0"`` (valid, but not canonical): read as
  ``true`` / ``false``, so ``kx show`` prints what the data says.
- ``VALUES`` after the ``WHERE`` block is a syntax error; kxgraph's binder already puts it inside.
- Without ``FROM``, the default graph is the union of all graphs, as kxgraph expects.

Oxigraph server (``oxigraph serve --union-default-graph``): none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

ASK_VARIABLE = "__ASK_RETVAL"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
VIRTUOSO_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                   "http://localuriqaserver/sparql")


@dataclass(frozen=True)
class Dialect:
    """One server's differences: graphs to hide, and how ASK comes back."""

    name: str = "standard"
    hidden_graphs: tuple[str, ...] = ()
    canonical_booleans: bool = False

    def query(self, sparql: str) -> str:
        """The query as this server needs it."""
        if not self.hidden_graphs:
            return sparql
        defines = "".join(f"define input:{kind}-graph-exclude <{g}>\n"
                          for g in self.hidden_graphs for kind in ("default", "named"))
        return defines + sparql

    def asked(self, answer: Any) -> bool:
        """True when a SELECT answer is this server's way of answering ASK."""
        variables = getattr(answer, "variables", None)
        return variables is not None and [getattr(v, "value", v) for v in variables] == [ASK_VARIABLE]

    def result(self, result: Any) -> Any:
        """The answer as SPARQL means it."""
        if result.kind == "select" and result.variables == [ASK_VARIABLE]:
            from kxgraph.output.results import Result

            return Result("ask", boolean=_true(result.rows[0][0] if result.rows else None))
        if self.canonical_booleans and result.kind == "select":
            result.rows = [tuple(map(_canonical, row)) for row in result.rows]
        return result

    def solutions(self, variables: list[str], rows: Iterator[tuple]) -> tuple[str, list[str], Iterator]:
        """A streamed SELECT answer as ``Store.solutions`` returns it, read as SPARQL means it."""
        if variables == [ASK_VARIABLE]:
            row = next(rows, None)
            for _ in rows:  # read to the end, which closes the answer
                pass
            return "ask", [], iter([_true(row[0] if row else None)])
        if self.canonical_booleans:
            rows = (tuple(map(_canonical, row)) for row in rows)
        return "select", variables, rows


def _true(value: Any) -> bool:
    return value is not None and value.value not in ("0", "false")


def _canonical(term: Any) -> Any:
    if getattr(term, "datatype", None) is not None and term.datatype.value == XSD_BOOLEAN \
            and term.value in ("0", "1"):
        import pyoxigraph as ox

        return ox.Literal("true" if term.value == "1" else "false", datatype=term.datatype)
    return term


STANDARD = Dialect()
VIRTUOSO = Dialect("virtuoso", VIRTUOSO_GRAPHS, canonical_booleans=True)


def for_server(server: str) -> Dialect:
    """The dialect of a server, from its HTTP ``Server`` header."""
    return VIRTUOSO if server.lower().startswith("virtuoso") else STANDARD


__all__ = ["Dialect", "STANDARD", "VIRTUOSO", "for_server"]
