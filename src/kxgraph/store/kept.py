"""Kept figures: what a store's indicator count queries answered, kept beside it until its next write.

``kx report`` compares each reported figure with a count from the entities (``kxgraph.report``).
Counting walks every entity of a class, so at millions of triples the counts cost what the store
holds. A writable store counts them once, at the end of each write, and keeps them here, in the
``kept_figures`` table of the index's SQLite file (``kxgraph.store.index``); readers take them
from there.

Honest only while nothing else changed the store, so:

- every write empties the table in the same SQLite transaction that marks the index clean
  (``Index.refresh``), and readers trust the table only when the index is clean (a write that died
  half-way leaves it dirty: "ask the store");
- the counting itself is done by whoever set ``Index.keeper`` (the report feature, through the
  ``KxGraph`` facade: this layer knows no SPARQL files), after the write, and its rows are stored
  only if no other write began meanwhile;
- each row carries a digest of its query's text: a changed ``.rq`` file makes the row stale;
- a figure asked by area, or as of a date, is never kept: it is counted from the entities.

Opening read-only never writes the table; a store without an index (an endpoint) counts every time.
"""

from __future__ import annotations

import sqlite3
from typing import Iterable

TABLE = ("CREATE TABLE IF NOT EXISTS kept_figures (query TEXT PRIMARY KEY, digest TEXT NOT NULL, "
         "value TEXT NOT NULL, entities INTEGER NOT NULL)")
FORGET = "DELETE FROM kept_figures"
_READ = "SELECT query, digest, value, entities FROM kept_figures"
_KEEP = "INSERT OR REPLACE INTO kept_figures VALUES (?, ?, ?, ?)"

Figure = tuple[str, str, str, int]  # (query name, digest of its text, value as text, entities)


def create(conn: sqlite3.Connection) -> None:
    """Create the table (an index from before kept figures gains it at its next write)."""
    conn.execute(TABLE)


def forget(conn: sqlite3.Connection) -> None:
    """Drop every kept figure: part of each write's index transaction."""
    conn.execute(FORGET)


def read(conn: sqlite3.Connection) -> dict[str, tuple[str, str, int]]:
    """``query name -> (digest, value text, entities)`` from a clean index's connection."""
    return {name: (digest, value, entities) for name, digest, value, entities in conn.execute(_READ)}


def keep(conn: sqlite3.Connection, figures: Iterable[Figure]) -> None:
    """Store ``figures`` in one transaction."""
    with conn:
        conn.executemany(_KEEP, [(name, digest, str(value), int(entities))
                                 for name, digest, value, entities in figures])


__all__ = ["create", "forget", "read", "keep", "Figure"]
