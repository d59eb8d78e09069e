"""Kept figures: what a store's indicator count queries answered, kept beside it until its next write.

``kx report`` compares each reported figure with a count from the entities (``kxgraph.report``).
Counting walks every entity of a class, so at millions of triples the counts cost what the store
holds. A writable store counts them once, at the end of each write, and keeps them here, in the
``kept_figures`` table of the index's SQLite file (``kxgraph.store.index``); readers take them
from there.

Honest only while nothing else changed the store, so:

- every write empties the table in the same SQLite transaction that marks the index clean
  (``Index.refresh``), unless every graph it touched held nothing the count queries read, before
  and after it (``settle``: what each graph held is noted as the index refreshes it; the count
  queries' ``Terms`` are every IRI their text names, as predicate or as class, so a curation
  decision or a note leaves the figures as they are); readers trust the table only when the index
  is clean (a write that died half-way leaves it dirty: "ask the store");
- the counting itself is done by whoever set ``Index.keeper`` (the report feature, through the
  ``KxGraph`` facade: this layer knows no SPARQL files), after a write that emptied the table,
  and its rows are stored only if no other write began meanwhile;
- each row carries a digest of its query's text: a changed ``.rq`` file makes the row stale;
- a figure asked by area, or as of a date, is never kept: it is counted from the entities.

Opening read-only never writes the table; a store without an index (an endpoint) counts every time.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from kxgraph.vocab import RDF

TABLE = ("CREATE TABLE IF NOT EXISTS kept_figures (query TEXT PRIMARY KEY, digest TEXT NOT NULL, "
         "value TEXT NOT NULL, entities INTEGER NOT NULL)")
# Whether each graph held, when the index last refreshed it, a triple the count queries read.
GRAPHS_TABLE = ("CREATE TABLE IF NOT EXISTS kept_graphs (graph TEXT PRIMARY KEY, digest TEXT NOT NULL, "
                "reads INTEGER NOT NULL)")
FORGET = "DELETE FROM kept_figures"
_READ = "SELECT query, digest, value, entities FROM kept_figures"
_KEEP = "INSERT OR REPLACE INTO kept_figures VALUES (?, ?, ?, ?)"

Figure = tuple[str, str, str, int]  # (query name, digest of its text, value as text, entities)
DEFAULT = ""  # the default graph's key, as in kxgraph.store.index


def create(conn: sqlite3.Connection) -> None:
    """Create the tables (an index from before kept figures gains them at its next write)."""
    conn.execute(TABLE)
    conn.execute(GRAPHS_TABLE)


def forget(conn: sqlite3.Connection) -> None:
    """Drop every kept figure: part of each write's index transaction."""
    conn.execute(FORGET)


def read(conn: sqlite3.Connection) -> dict[str, tuple[str, str, int]]:
    """``query name -> (digest, value text, entities)`` from a clean index's connection."""
    return {name: (digest, value, entities) for name, digest, value, entities in conn.execute(_READ)}


def held(conn: sqlite3.Connection) -> bool:
    """Whether any figure is kept."""
    return conn.execute("SELECT 1 FROM kept_figures LIMIT 1").fetchone() is not None


def keep(conn: sqlite3.Connection, figures: Iterable[Figure]) -> None:
    """Store ``figures`` in one transaction."""
    with conn:
        conn.executemany(_KEEP, [(name, digest, str(value), int(entities))
                                 for name, digest, value, entities in figures])


@dataclass(frozen=True)
class Terms:
    """What the count queries may read: triples with one of ``predicates``, and ``rdf:type`` triples
    with one of ``classes`` (every IRI their text names is both); ``digest`` names the set.

    A predicate in ``objects`` is read only with one of its constant objects (``dcterms:isPartOf``
    only towards the golden-bridge programme), so a row's ``dcterms:isPartOf`` its sheet is not read.
    """

    predicates: frozenset[str]
    classes: frozenset[str]
    objects: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        import hashlib  # only writes and reports need a digest: find and stats start without it

        text = "\n".join(sorted(self.predicates)) + "\n\n" + "\n".join(sorted(self.classes))
        text += "\n\n" + "\n".join(f"{p} {o}" for p in sorted(self.objects) for o in sorted(self.objects[p]))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def settle(conn: sqlite3.Connection, raw: Any, graphs: list[str] | None, terms: Terms | None) -> bool:
    """After a write's index refresh (same transaction): forget the kept figures unless every graph
    the write touched held nothing the count queries read before it and holds nothing now; note
    what each touched graph holds now. Returns True when the figures were forgotten.

    ``graphs`` None means every graph (a rebuild, which notes every graph and that the notes are
    complete: a graph without a note then did not exist). ``terms`` None (nobody counts figures
    here) forgets them, and the notes of the touched graphs, until the next rebuild.
    """
    digest = terms.digest if terms is not None else ""
    if graphs is None:
        conn.execute("DELETE FROM kept_graphs")
        graphs = [g.value for g in raw.named_graphs()] + [DEFAULT]
        forget, complete = True, False
        if terms is not None:
            conn.execute(_NOTE, (COMPLETE, digest, 1))
    else:
        forget = terms is None
        complete = conn.execute(_NOTED, (COMPLETE, digest)).fetchone() is not None
    for graph in dict.fromkeys(graphs):
        if terms is None:
            conn.execute("DELETE FROM kept_graphs WHERE graph IN (?, ?)", (graph, COMPLETE))
            continue
        before = conn.execute(_NOTED, (graph, digest)).fetchone()
        now = _read_by_counts(raw, graph, terms)
        conn.execute(_NOTE, (graph, digest, int(now)))
        forget = forget or now or (bool(before[0]) if before is not None else not complete)
    if forget:
        conn.execute(FORGET)
    return forget


_NOTE = "INSERT OR REPLACE INTO kept_graphs VALUES (?, ?, ?)"
_NOTED = "SELECT reads FROM kept_graphs WHERE graph = ? AND digest = ?"
COMPLETE = " every graph noted"  # no graph IRI starts with a space


def _read_by_counts(raw: Any, graph: str, terms: Terms) -> bool:
    """Whether ``graph`` holds a triple the count queries may read (an index lookup per term)."""
    import pyoxigraph as ox

    node = ox.DefaultGraph() if graph == DEFAULT else ox.NamedNode(graph)
    if graph != DEFAULT and not raw.contains_named_graph(node):
        return False
    for predicate in terms.predicates:
        objects = [ox.NamedNode(o) for o in terms.objects[predicate]] if predicate in terms.objects else [None]
        if any(next(iter(raw.quads_for_pattern(None, ox.NamedNode(predicate), o, node)), None) is not None
               for o in objects):
            return True
    kind = ox.NamedNode(RDF + "type")
    return any(next(iter(raw.quads_for_pattern(None, kind, ox.NamedNode(c), node)), None) is not None
               for c in terms.classes)


__all__ = ["create", "forget", "read", "held", "keep", "settle", "Terms", "Figure"]
