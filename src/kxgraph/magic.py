"""Jupyter support: ``%load_ext kxgraph`` gives the ``%%sparql`` cell magic.

    %load_ext kxgraph
    g = kxgraph.open()            # the graph the magic uses (the last one opened)

    %%sparql -o top
    SELECT ?label (COUNT(?ws) AS ?n) WHERE { ... } GROUP BY ?label ORDER BY DESC(?n) LIMIT 10

The cell shows a table; ``-o NAME`` also stores the result as a pandas DataFrame in ``NAME``.
``-g NAME`` names another graph variable to run against.
"""

from __future__ import annotations

import shlex


_OPTIONS = {"-o": "output", "--output": "output", "-g": "graph", "--graph": "graph", "--limit": "limit"}


def _parse_line(line: str) -> dict[str, str]:
    from kxgraph.errors import ParameterError

    words = shlex.split(line)
    if len(words) % 2 or any(w not in _OPTIONS for w in words[::2]):
        raise ParameterError(f"%%sparql: cannot read options {line!r} (use -o NAME, -g GRAPH, --limit N)")
    return {_OPTIONS[k]: v for k, v in zip(words[::2], words[1::2])}


def sparql_cell(line: str, cell: str, namespace: dict):
    """Run the cell's SPARQL on the chosen graph; return what the notebook displays."""
    from kxgraph.errors import KxError
    from kxgraph.graph import KxGraph, last_opened

    options = _parse_line(line)
    graph = namespace.get(options["graph"]) if "graph" in options else last_opened()
    if not isinstance(graph, KxGraph):
        raise KxError("%%sparql: no graph is open; run g = kxgraph.open() first (or pass -g NAME)")
    result = graph.query(cell, limit=int(options["limit"]) if "limit" in options else None)
    if "output" in options:
        namespace[options["output"]] = result.to_df()
    return result


def register(ipython) -> None:
    """Register the magics with an IPython shell."""
    from IPython.core.magic import register_cell_magic

    @register_cell_magic("sparql")
    def _sparql(line: str, cell: str):  # noqa: ANN202 - IPython's signature
        from kxgraph.errors import KxError

        try:
            return sparql_cell(line, cell, ipython.user_ns)
        except KxError as exc:
            print(f"kx: error: {exc}")  # a notebook user wants the message, not a traceback
            return None
