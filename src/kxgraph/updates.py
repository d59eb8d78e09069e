"""SPARQL updates that say what they did: triples per graph before and after, and why nothing changed.

Every fact kxgraph holds sits in a named graph, while a SPARQL update without ``GRAPH`` writes to
and deletes from the default graph only. So ``DELETE WHERE { ?s kx:pinyin ?p }`` matches nothing
and succeeds silently. ``run`` counts the triples of each graph before and after; when a DELETE
changed nothing and the same pattern matches inside named graphs, it says so and gives the
``GRAPH ?g { … }`` form that works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kxgraph.output.results import Result

DEFAULT = "(default graph)"
_DELETE_WHERE = re.compile(r"^(?P<head>.*?)\bDELETE\s+WHERE\s*\{(?P<body>.*)\}\s*$", re.IGNORECASE | re.DOTALL)
_DELETE_INSERT = re.compile(r"^(?P<head>.*?)\bDELETE\s*\{(?P<template>.*?)\}\s*(?P<insert>INSERT\s*\{.*?\}\s*)?"
                            r"WHERE\s*\{(?P<body>.*)\}\s*$", re.IGNORECASE | re.DOTALL)


@dataclass
class UpdateReport:
    """What an update changed: triples per graph before and after; ``hint`` when it did nothing."""

    before: dict[str, int]
    after: dict[str, int]
    hint: str = ""
    changed: list[tuple[str, int, int]] = field(default_factory=list)
    reference: str = ""  # said when this first write into a new store brought the reference data

    def __post_init__(self) -> None:
        graphs = sorted(set(self.before) | set(self.after))
        self.changed = [(g, self.before.get(g, 0), self.after.get(g, 0)) for g in graphs
                        if self.before.get(g, 0) != self.after.get(g, 0)]

    def result(self) -> Result:
        """One row per graph that changed: graph, before, after, added (net), removed (net)."""
        return Result.table(["graph", "before", "after", "added", "removed"],
                            [(g, b, a, max(a - b, 0), max(b - a, 0)) for g, b, a in self.changed])

    def summary(self) -> str:
        if not self.changed:
            return "the update changed nothing" + (f": {self.hint}" if self.hint else "")
        return "; ".join(f"{g}: {'+' if a >= b else '−'}{abs(a - b)} triples" for g, b, a in self.changed)


def counts(store: Any) -> dict[str, int]:
    """Triples per named graph, and in the default graph (embedded store)."""
    found = dict(store.graphs())
    raw = getattr(store, "raw", None)
    if raw is not None:
        import pyoxigraph as ox

        n = sum(1 for _ in raw.quads_for_pattern(None, None, None, ox.DefaultGraph()))
        if n:
            found[DEFAULT] = n
    return found


def run(store: Any, sparql: str, *, execute: Any = None) -> UpdateReport:
    """Run ``sparql`` (through ``execute(sparql)`` when given, e.g. the protected-graph guard) and
    report what it changed.

    On a new store the shipped reference data is loaded first (``kxgraph.store.reference``), and
    removed again if the update fails, so a failed first update leaves the store empty.
    """
    from kxgraph.store.reference import before_first_update, undo

    added = before_first_update(store)
    before = counts(store)
    try:
        (execute or store.update)(sparql)
    except BaseException:
        undo(store, added)
        raise
    report = UpdateReport(before, counts(store), reference=store.reference_loaded if added else "")
    if not report.changed:
        report.hint = hint(store, sparql)
    return report


def hint(store: Any, sparql: str) -> str:
    """Why a DELETE without GRAPH matched nothing, with the form that works; "" when not that."""
    if re.search(r"\bGRAPH\b", sparql, re.IGNORECASE) or not re.search(r"\bDELETE\b", sparql, re.IGNORECASE):
        return ""
    match = _DELETE_WHERE.match(sparql)
    if match:
        body = match["body"].strip()
        fixed = f"{match['head']}DELETE WHERE {{ GRAPH ?g {{ {body} }} }}"
    else:
        match = _DELETE_INSERT.match(sparql)
        if not match:
            return ""
        body = match["body"].strip()
        insert = match["insert"] or ""
        if insert:
            inner = insert.strip()[insert.strip().index("{") + 1:-1].strip()
            insert = f"INSERT {{ GRAPH ?g {{ {inner} }} }} "
        fixed = (f"{match['head']}DELETE {{ GRAPH ?g {{ {match['template'].strip()} }} }} {insert}"
                 f"WHERE {{ GRAPH ?g {{ {body} }} }}")
    try:
        matches = store.query(f"{match['head']}ASK {{ GRAPH ?g {{ {body} }} }}").boolean
    except Exception:  # noqa: BLE001 - the hint is a courtesy; a pattern we cannot re-ask gets none
        return ""
    if not matches:
        return ""
    return ("every fact kxgraph holds is in a named graph and this DELETE only looks in the default "
            f"graph; the pattern matches inside named graphs, so write: {fixed}")


__all__ = ["run", "UpdateReport", "counts", "hint"]
