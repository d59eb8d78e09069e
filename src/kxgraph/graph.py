"""``KxGraph``: the object a user holds. Every CLI command is a few lines over one of its methods.

>>> import kxgraph
>>> g = kxgraph.open(memory=True)
>>> g.query("ASK { ?s ?p ?o }").boolean
False
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .results import Result
from .store import Store


class KxGraph:
    """A knowledge graph in an embedded store or behind a SPARQL endpoint."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def __repr__(self) -> str:
        return f"<KxGraph {self.store!r}>"

    def __enter__(self) -> "KxGraph":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    # --- store, load, query (issue 3) ---------------------------------------------------------

    def query(self, sparql: str, **options: Any) -> Result:
        """Run a read-only SPARQL query and return its ``Result``."""
        return self.store.query(sparql, **options)

    def update(self, sparql: str) -> None:
        """Run a SPARQL update (the only write path besides loading)."""
        self.store.update(sparql)

    def graphs(self) -> Result:
        """Named graphs with their triple counts."""
        return Result.table(["graph", "triples"], self.store.graphs())

    def drop(self, graph: str) -> None:
        """Remove a named graph."""
        self.store.drop(graph)

    # --- generate (issue 4) --------------------------------------------------------------------

    # --- network, views, analysis (issue 5) ----------------------------------------------------

    # --- spreadsheets and validation (issue 6) -------------------------------------------------

    # --- reported figures (issue 8) ------------------------------------------------------------


def open(path: str | Path | None = None, *, memory: bool = False, read_only: bool = False) -> KxGraph:  # noqa: A001
    """Open the embedded store at ``path`` (default ``./.kxgraph``), or in memory.

    >>> g = open(memory=True)
    """
    from .store import OxigraphStore

    if memory:
        return KxGraph(OxigraphStore(None))
    return KxGraph(OxigraphStore(Path(path or ".kxgraph"), read_only=read_only))
