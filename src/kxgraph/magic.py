"""Jupyter support: ``%load_ext kxgraph`` gives the ``%%sparql`` cell magic and ``%kx use``.

    %load_ext kxgraph
    g = kxgraph.open(read_only=True)
    %kx use g                     # the graph %%sparql runs against (or -g NAME on each cell)

    %%sparql -o top
    SELECT ?label (COUNT(?ws) AS ?n) WHERE { ... } GROUP BY ?label ORDER BY DESC(?n) LIMIT 10

    %%sparql -g g
    SELECT ?p ?o WHERE { {org} ?p ?o }    # {org}: the notebook variable org, bound as an RDF term

The magic runs against an explicit graph: ``-g NAME``, the one ``%kx use NAME`` chose, or the
only graph open in the notebook; with several open and none chosen it refuses rather than guess.
An error raises (the cell fails, "Run All" and nbclient stop). ``-o NAME`` stores the result as a
DataFrame (the displayed CURIEs, typed values); the variable is removed first, so a failed cell
never leaves the previous run's table behind.

``{name}`` takes the notebook variable ``name`` as a value, bound as an RDF term, never pasted in:
a string that is a CURIE (as tables print them) or an ``<IRI>`` becomes an IRI, other strings
plain literals; numbers, booleans and dates typed literals; pyoxigraph terms as they are.
"""

from __future__ import annotations

import re
import shlex
from typing import Any

from kxgraph.errors import KxError, ParameterError

_OPTIONS = {"-o": "output", "--output": "output", "-g": "graph", "--graph": "graph", "--limit": "limit"}
_CHOSEN = "__kxgraph_magic_graph__"  # where %kx use keeps the chosen graph's name in the namespace
# A {name} slot outside strings, IRIs and comments (SPARQL's own groups hold spaces or ?vars).
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SLOT = re.compile(r"\{([A-Za-z_]\w*)\}")


def _parse_line(line: str) -> dict[str, str]:
    words = shlex.split(line)
    if len(words) % 2 or any(w not in _OPTIONS for w in words[::2]):
        raise ParameterError(f"%%sparql: cannot read options {line!r} (use -o NAME, -g GRAPH, --limit N)")
    return {_OPTIONS[k]: v for k, v in zip(words[::2], words[1::2])}


def open_graphs(namespace: dict) -> dict[str, Any]:
    """The open ``KxGraph``s of a notebook by variable name (a graph held twice: its first name)."""
    from kxgraph.graph import KxGraph

    found: dict[str, Any] = {}
    for name, value in namespace.items():
        if isinstance(value, KxGraph) and not name.startswith("_") and not value.closed:
            if all(value is not other for other in found.values()):
                found[name] = value
    return found


def choose_graph(namespace: dict, name: str | None = None):
    """The graph a cell runs against: ``name``, the ``%kx use`` choice, or the only open graph."""
    from kxgraph.graph import KxGraph

    name = name or namespace.get(_CHOSEN)
    if name:
        graph = namespace.get(name)
        if not isinstance(graph, KxGraph):
            raise KxError(f"%%sparql: {name} is not a graph; run {name} = kxgraph.open(...) first")
        if graph.closed:
            raise KxError(f"%%sparql: the graph {name} is closed")
        return graph
    graphs = open_graphs(namespace)
    if len(graphs) == 1:
        return next(iter(graphs.values()))
    if not graphs:
        raise KxError("%%sparql: no graph is open; run g = kxgraph.open(...) first")
    names = ", ".join(graphs)
    first = next(iter(graphs))
    raise KxError(f"%%sparql: {len(graphs)} graphs are open ({names}); choose one with "
                  f"%kx use {first}, or %%sparql -g {first}")


def term_of(value: Any, name: str = "value") -> Any:
    """A notebook value as an RDF term (see the module's help)."""
    import datetime as dt

    import pyoxigraph as ox

    from kxgraph.output.results import to_term
    from kxgraph.sparql.query import parse_term
    from kxgraph.vocab import XSD, expand_curie

    if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return value
    if isinstance(value, str):
        text = value.strip()
        if expand_curie(text) or re.fullmatch(r"https?://\S+", text):
            return parse_term(text, "iri", name=name)
        return ox.Literal(value)
    if isinstance(value, dt.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "dateTime"))
    if isinstance(value, dt.date):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if isinstance(value, (bool, int, float)):
        return to_term(value)
    if type(value).__module__.startswith("numpy"):
        return to_term(value.item())
    raise ParameterError(f"%%sparql: {{{name}}} is a {type(value).__name__}; give a string, number, "
                         "date, boolean or RDF term")


def bind_slots(sparql: str, namespace: dict) -> tuple[str, dict[str, Any]]:
    """Replace each ``{name}`` slot by the variable ``?name`` and bind it to the notebook's value.

    >>> bind_slots("SELECT ?p WHERE { {org} ?p ?o }", {"org": "kxorg:cast"})[0]
    'SELECT ?p WHERE { ?org ?p ?o }'
    """
    opaque = [(m.start(), m.end()) for m in re.finditer(_OPAQUE, sparql)]
    bound: dict[str, Any] = {}

    def slot(match: re.Match) -> str:
        if any(a <= match.start() < b for a, b in opaque):
            return match.group(0)
        name = match.group(1)
        if name not in namespace:
            raise ParameterError(f"%%sparql: {{{name}}} names no notebook variable")
        bound[name] = term_of(namespace[name], name)
        return f"?{name}"

    return _SLOT.sub(slot, sparql), bound


def sparql_cell(line: str, cell: str, namespace: dict):
    """Run the cell's SPARQL on the chosen graph; return the ``Result`` the notebook displays."""
    options = _parse_line(line)
    if "output" in options:
        namespace.pop(options["output"], None)  # never a stale table from the last run
    graph = choose_graph(namespace, options.get("graph"))
    try:
        limit = int(options["limit"]) if "limit" in options else None
    except ValueError:
        raise ParameterError("%%sparql: --limit takes a whole number") from None
    text, bound = bind_slots(cell, namespace)
    result = graph.query(text, substitutions=bound or None, limit=limit)
    if "output" in options:
        namespace[options["output"]] = result.to_df()
    return result


def kx_line(line: str, namespace: dict) -> str:
    """``%kx use NAME`` chooses the graph ``%%sparql`` runs against; ``%kx`` says which it is."""
    words = line.split()
    if not words:
        chosen = namespace.get(_CHOSEN)
        return f"%%sparql runs against {chosen}" if chosen else "no graph chosen (%kx use NAME)"
    if words[0] == "use" and len(words) == 2:
        choose_graph(namespace, words[1])  # refuses a name that is not an open graph
        namespace[_CHOSEN] = words[1]
        return f"%%sparql runs against {words[1]}"
    raise ParameterError(f"%kx: cannot read {line!r} (use: %kx use NAME)")


def register(ipython) -> None:
    """Register the magics with an IPython shell."""
    from IPython.core.magic import register_cell_magic, register_line_magic

    @register_cell_magic("sparql")
    def _sparql(line: str, cell: str):  # noqa: ANN202 - IPython's signature
        return sparql_cell(line, cell, ipython.user_ns)

    @register_line_magic("kx")
    def _kx(line: str):  # noqa: ANN202 - IPython's signature
        print(kx_line(line, ipython.user_ns))  # noqa: T201 - a magic talks to the notebook
