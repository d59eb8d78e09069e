"""Consistency of the whole store: what no single source shows wrong, but their union does.

``validate_store`` checks each graph against the shapes on its own; here the union is checked:
a property the shapes allow once (one host per workstation) given different values by different
sources, and memberships whose member or organisation nothing describes. Each problem is
reported once per contributing fact, naming its source, file, sheet and row.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kxgraph.resources import resource_path
from kxgraph.tables.validate import Problem


def _query(store: Any, name: str, values: dict | None = None):
    """Run the shipped query ``<name>`` (``consistency/…``, ``sources/…``; ``kxgraph.sparql.catalogue``)."""
    from kxgraph.sparql.catalogue import query

    return query(store, name, values)


@lru_cache(maxsize=1)
def at_most_one() -> tuple[tuple[str, str], ...]:
    """(class, property) pairs the shipped shapes allow once per entity."""
    import pyoxigraph as ox

    from kxgraph.sparql.catalogue import entry

    shapes = ox.Store()
    shapes.load(path=str(resource_path("ontology/shapes.ttl")), format=ox.RdfFormat.TURTLE)
    return tuple(sorted((r["class"].value, r["path"].value) for r in shapes.query(entry("consistency/at-most-one").text)))


class _Where:
    """Names a graph by its source and file, and finds the rows an entity came from."""

    def __init__(self, store: Any) -> None:
        from kxgraph.sources import held

        self.store = store
        self.sources = {g: s for s in held(store).values() for g in s.graphs}

    def source(self, graph: str) -> str:
        from kxgraph.vocab import shorten

        found = self.sources.get(graph)
        if found is None:
            return shorten(graph)
        files = ", ".join(found.files)
        return f"{found.name} ({files})" if files else found.name

    def rows(self, entity: Any, graph: str) -> list[tuple[str, str]]:
        import pyoxigraph as ox

        found = _query(self.store, "consistency/rows", {"entity": entity, "graph": ox.NamedNode(graph)}).rows
        return [(n.value, sheet.value if sheet is not None else "") for n, sheet in found] or [("", "")]


def check(store: Any) -> list[Problem]:
    """Every cross-source problem of ``store``, as ``Problem`` rows (file = source and file)."""
    import pyoxigraph as ox

    from kxgraph.tables.validate import class_label, label

    where = _Where(store)
    names = _Labels(store)
    problems: list[Problem] = []
    for cls, path in at_most_one():
        values: dict[Any, dict[Any, set[str]]] = {}
        for s, o, g in _query(store, "consistency/values", {"class": ox.NamedNode(cls),
                                                                "path": ox.NamedNode(path)}).rows:
            values.setdefault(s, {}).setdefault(o, set()).add(g.value)
        for s, by_value in values.items():
            graphs = set().union(*by_value.values())
            if len(by_value) < 2 or len(graphs) < 2:
                continue   # one value, or one source: the shapes check each source already
            shown = "、".join(sorted(names.of(o) for o in by_value))
            for o, found_in in sorted(by_value.items(), key=lambda item: names.of(item[0])):
                for g in sorted(found_in):
                    for row, sheet in where.rows(s, g):
                        problems.append(Problem(
                            where.source(g), sheet, row, class_label(path), names.of(o),
                            f"{names.of(s)} 只能有一个{label(path, 'zh')}，各来源给了 {len(by_value)} 个 / "
                            f"{names.of(s)} ({label(cls, 'en')}) may have one {label(path, 'en')}; the sources "
                            f"give {len(by_value)}: {shown}"))
    known = _reference_entities()
    for m, g, what, target in _query(store, "consistency/dangling").rows:
        if target.value in known:
            continue   # an academy or place kxgraph knows (entities.yaml, the ontology), loaded or not
        for row, sheet in where.rows(m, g.value):
            problems.append(Problem(
                where.source(g.value), sheet, row, f"org:{what.value}", names.of(target),
                f"成员关系指向不存在的{'成员' if what.value == 'member' else '组织'} / a membership whose "
                f"{what.value} nothing in the store describes (a removed row or dropped source?)"))
    return problems


def _reference_entities() -> set[str]:
    from kxgraph.ontology import terms
    from kxgraph.tables.mapping import entity_classes

    return ({iri for spec in entity_classes().values() for iri in spec["known"].values()} | set(terms()[0]))


class _Labels:
    def __init__(self, store: Any) -> None:
        self.store, self.cache = store, {}

    def of(self, term: Any) -> str:
        import pyoxigraph as ox

        from kxgraph.vocab import shorten

        if isinstance(term, ox.Literal):
            return term.value
        if term.value not in self.cache:
            rows = [r[0] for r in _query(self.store, "sources/labels", {"entity": term}).rows if r[0] is not None]
            rows.sort(key=lambda l: l.language != "zh")
            self.cache[term.value] = rows[0].value if rows else shorten(term.value)
        return self.cache[term.value]


__all__ = ["check", "at_most_one"]
