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
- Text search: ``?label bif:contains "…"`` answers from Virtuoso's free-text index of literals, which
  a Debian 7.2 database has on from the start (the rule ``RDF_OBJ_FT_RULE_ADD(null, null, 'ALL')``),
  filled in batches by ``VT_INC_INDEX_DB_DBA_RDF_OBJ()``, a scheduled event that runs only when the
  server's ``SchedulerInterval`` is set (Debian's virtuoso.ini: 10 minutes; unset, as in the tests'
  server, a label loaded 10 minutes earlier was still not found): a literal loaded since the last
  batch is not found until the next, or until an administrator runs that procedure. Latin text is split into words: "taiyuan" finds
  "Taiyuan …" but not "abc-taiyuan2024", and a wildcard needs 4 leading letters ("taiy*"), so no
  word query finds every label holding a piece of a word. Chinese is indexed one character a word,
  and a quoted run of characters is a phrase of adjacent ones: ``"太原"`` finds every label holding
  太原 (with anything between the characters that is no word, as in 太-原) and never 原太. So for
  text with Chinese in it, ``text_words`` gives a query whose hits are a superset of the labels
  holding that text, and kxgraph's own ``CONTAINS`` then keeps exactly those (``kx find``); latin
  text (and pinyin) goes the standard way. The pattern must be a constant in the query text (a
  variable, even one bound by ``VALUES``, is error SR468), so ``bind`` writes that one literal in
  place of its variable, from its N-Triples form as the binder writes every term; and the pattern
  must follow a triple with its variable as object in the same group (SP031), so a ``UNION`` needs
  it in each branch. Without the index (the rule removed before a load), ``bif:contains`` answers
  nothing, without an error; with the rule removed after a load the old index answers and new
  literals are missing: ``kx find`` probes once per store that a sampled Chinese label is found
  (``EndpointStore.text_index``), and a caller who knows better sets ``text_index = False`` (or
  ``$KXGRAPH_ENDPOINT_TEXT_SEARCH=off``).

Oxigraph server (``oxigraph serve --union-default-graph``): none; it has no text search, so
``kx find`` reads labels with ``CONTAINS``. QLever (whose ``ql:contains-word`` is a text search)
is not installable here and untested: it gets the standard path too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

ASK_VARIABLE = "__ASK_RETVAL"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
VIRTUOSO_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#",
                   "http://localuriqaserver/sparql")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")   # what Virtuoso indexes a character a word
_TEXT_PATTERN = re.compile(r"(bif:contains\s+)\?([A-Za-z_]\w*)")


@dataclass(frozen=True)
class Dialect:
    """One server's differences: graphs to hide, how ASK comes back, its text search."""

    name: str = "standard"
    hidden_graphs: tuple[str, ...] = ()
    canonical_booleans: bool = False
    text_search: bool = False

    def text_words(self, words: list[str]) -> str | None:
        """The server's text-search query matching every label that holds all ``words``, or None.

        None where the server has no text search, or where its hits could miss such a label
        (latin text, which its word index cannot find inside a word).

        >>> VIRTUOSO.text_words(["太原", "科协"]), VIRTUOSO.text_words(["taiyuan"])
        ('"太原" AND "科协"', None)
        """
        if not self.text_search:
            return None
        runs = dict.fromkeys(run for word in words for run in _HAN.findall(word))
        return " AND ".join(f'"{run}"' for run in runs) or None

    def bind(self, sparql: str, substitutions: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """The query with the values this server takes only as constants written in place.

        Virtuoso: the pattern of ``bif:contains``, a literal written from its N-Triples form.
        """
        if not self.text_search:
            return sparql, dict(substitutions)
        written = set()

        def constant(match: re.Match) -> str:
            term = substitutions.get(match.group(2))
            if getattr(term, "language", "?") is not None or term.datatype.value != XSD_STRING:
                return match.group(0)  # only a plain literal is a pattern; anything else stays bound
            written.add(match.group(2))
            return match.group(1) + str(term)

        sparql = _TEXT_PATTERN.sub(constant, sparql)  # a pattern's variable serves nothing else
        return sparql, {name: term for name, term in substitutions.items() if name not in written}

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
VIRTUOSO = Dialect("virtuoso", VIRTUOSO_GRAPHS, canonical_booleans=True, text_search=True)


def for_server(server: str) -> Dialect:
    """The dialect of a server, from its HTTP ``Server`` header."""
    return VIRTUOSO if server.lower().startswith("virtuoso") else STANDARD


__all__ = ["Dialect", "STANDARD", "VIRTUOSO", "for_server"]
