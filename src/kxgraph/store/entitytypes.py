"""Bulk reads of what the label index keeps, for projections of a whole store (read side only):
every entity's classes (``entity_types``), labels, pinyin and synthetic marks (``entity_names``).

``kxgraph.store.index`` keeps every typed entity of the named data graphs in its ``types`` table
(``kx stats`` counts them). A projection of the whole network needs the classes of every node:
one read of that table instead of a SPARQL query per few hundred nodes. The index leaves out the
default graph and the ontology graph, so their ``rdf:type`` statements are read from the store
beside it; the answer is then the same as ``?n a ?type`` over the union of all graphs.

>>> import kxgraph
>>> entity_types(kxgraph.open(memory=True).store)
{}
"""

from __future__ import annotations

import sqlite3
from typing import Any

from kxgraph.vocab import ONTOLOGY_GRAPH, RDF


def entity_types(store: Any) -> dict[str, frozenset[str]] | None:
    """Every typed entity's classes (``{IRI: {class IRI, …}}``, blank nodes as ``_:id``), or None
    when ``store`` keeps no index in step with it (an endpoint, an index being rebuilt): then ask SPARQL.

    Entities of the same classes share one frozenset (a few hundred sets for 300,000 entities).
    """
    index, raw = getattr(store, "index", None), getattr(store, "raw", None)
    if index is None or raw is None:
        return None
    found: dict[str, frozenset[str]] = {}
    shared: dict[frozenset[str], frozenset[str]] = {}

    def add(entity: str, cls: str) -> None:
        mine = found.get(entity)
        if mine is None or cls not in mine:
            classes = mine | {cls} if mine else frozenset((cls,))
            found[entity] = shared.setdefault(classes, classes)

    try:
        with index._snapshot() as conn:
            if conn is None:
                return None
            for entity, cls in conn.execute("SELECT entity, class FROM types"):
                add(entity, cls)
    except sqlite3.Error:
        return None
    import pyoxigraph as ox

    rdf_type = ox.NamedNode(RDF + "type")
    for graph in (ox.DefaultGraph(), ox.NamedNode(ONTOLOGY_GRAPH)):  # the graphs the index leaves out
        for quad in raw.quads_for_pattern(None, rdf_type, None, graph):
            if isinstance(quad.object, ox.NamedNode):
                s = quad.subject
                add(f"_:{s.value}" if isinstance(s, ox.BlankNode) else s.value, quad.object.value)
    return found


def entity_names(store: Any, *, outside: str = "") -> tuple[dict[str | None, list[tuple[str, str]]], list[str]] | None:
    """Every entity's labels by language (lower-cased, "" for none) and its ``kx:pinyin`` (under
    None), as ``(entity, text)`` rows, and the entities marked ``kx:synthetic`` whose IRI does not
    begin with ``outside``, from the label index (``Index.names``, which keeps them for every
    graph); or None when ``store`` keeps no index in step with it: then read the store."""
    index = getattr(store, "index", None)
    if index is None or getattr(store, "raw", None) is None:
        return None
    return index.names(outside=outside)


__all__ = ["entity_types", "entity_names"]
