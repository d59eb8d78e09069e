"""The held names an import's names could match, looked up by key.

``kxgraph.store.index`` keeps the identity keys (``kxgraph.namekeys``) of the names of the
entities imports have looked up (``name_keys``). An import reads, from the store itself, the names
of the entities of its classes whose keys are not kept yet (``unkeyed``, ``names``: after a load,
all of them once; after an import, the entities it named) and keeps their keys (``keep``); then it
asks for the entities whose keys its own names have (``candidates``) and reads those few entities'
names and classes (``names``, ``classes``). So its cost follows the import's names, not the store's
(``kxgraph.identity``). The lookups answer None when the store keeps no index in step with it (an
endpoint, an index being rebuilt or written): then the caller reads every name of the class.

>>> import kxgraph
>>> candidates(kxgraph.open(memory=True).store, ORGANISATION, ["太钢"], ["https://w3id.org/kxgraph/ns#Enterprise"], [])
[]
"""

from __future__ import annotations

from typing import Any, Iterable

from kxgraph import namekeys
from kxgraph.store.index import ALT_LABEL, BLOCK, DEFAULT, LABEL, NEAR, NEAR_MAX, ORGANISATION, PERSON
from kxgraph.vocab import RDF

TYPE = RDF + "type"


def _index(store: Any) -> Any:
    index = getattr(store, "index", None)
    return index if index is not None and getattr(store, "raw", None) is not None else None


def candidates(store: Any, kind: str, keys: Iterable[str], classes: Iterable[str],
               exclude: Iterable[str]) -> list[tuple[str, str]] | None:
    """``(IRI, key)`` of names whose ``kind`` of key is one of ``keys`` (``BLOCK``: organisation keys
    beginning with one of the characters ``keys``), of IRIs typed with one of ``classes`` in a named
    data graph outside ``exclude``; None without a usable index (``Index.named``)."""
    index = _index(store)
    return None if index is None else index.named(kind, keys, classes, exclude)


def typed(store: Any, classes: Iterable[str], exclude: Iterable[str], *, limit: int,
          offset: int = 0) -> list[str] | None:
    """Up to ``limit`` IRIs typed with one of ``classes`` in a named data graph outside ``exclude``."""
    index = _index(store)
    return None if index is None else index.typed(classes, exclude, limit=limit, offset=offset)


def unkeyed(store: Any, classes: Iterable[str], exclude: Iterable[str]) -> list[str] | None:
    """IRIs typed with one of ``classes`` in a named data graph outside ``exclude`` whose keys are
    not kept, or None without a usable index."""
    index = _index(store)
    return None if index is None else index.unkeyed(classes, exclude)


def keep(store: Any, names: dict[str, list[tuple[str, str, bool, str]]]) -> bool:
    """Keep the keys of ``names`` (as ``names`` reads them) in the index, when it can be written now."""
    index = _index(store)
    if index is None or not names:
        return False
    return index.keep_keys(names, key_rows(names))


def key_rows(names: dict[str, list[tuple[str, str, bool, str]]]) -> set[tuple[str, str, str, int]]:
    """The rows ``(entity, graph, key, kinds)`` the index keeps for ``names`` (``Index.keep_keys``)."""
    rows: dict[tuple[str, str, str], int] = {}
    for entity, found in names.items():
        for text, _, _, graph in found:
            person, organisation = namekeys.key(text, True), namekeys.key(text, False)
            rows[entity, graph, person] = rows.get((entity, graph, person), 0) | PERSON
            rows[entity, graph, organisation] = rows.get((entity, graph, organisation), 0) | ORGANISATION
            if 3 <= len(person) <= NEAR_MAX and not namekeys.latin_key(text):
                for blank in namekeys.blanked(person):   # holds namekeys.BLANK: never a name's own key
                    rows[entity, graph, blank] = NEAR
    return {(*row, kinds) for row, kinds in rows.items()}


def names(store: Any, entities: Iterable[str]) -> dict[str, list[tuple[str, str, bool, str]]]:
    """Each IRI's labels and alternative labels in any graph, as ``(text, language, is rdfs:label,
    graph)`` (the default graph as "")."""
    import pyoxigraph as ox

    raw = store.raw
    found: dict[str, list[tuple[str, str, bool, str]]] = {}
    for entity in entities:
        mine = found.setdefault(entity, [])
        for predicate in (LABEL, ALT_LABEL):
            for quad in raw.quads_for_pattern(ox.NamedNode(entity), ox.NamedNode(predicate), None, None):
                if isinstance(quad.object, ox.Literal):
                    graph = DEFAULT if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
                    mine.append((quad.object.value, quad.object.language or "", predicate == LABEL, graph))
    return found


def classes(store: Any, entities: Iterable[str]) -> dict[str, set[tuple[str, str]]]:
    """Each IRI's ``(graph, class)`` pairs in the named graphs (the default graph is left out)."""
    import pyoxigraph as ox

    raw = store.raw
    found: dict[str, set[tuple[str, str]]] = {}
    for entity in entities:
        found[entity] = {(q.graph_name.value, q.object.value)
                         for q in raw.quads_for_pattern(ox.NamedNode(entity), ox.NamedNode(TYPE), None, None)
                         if isinstance(q.graph_name, ox.NamedNode) and isinstance(q.object, ox.NamedNode)}
    return found


def typed_in(store: Any, graph: str, kinds: Iterable[str]) -> set[str]:
    """IRIs typed with one of ``kinds`` in ``graph`` (the ontology graph, which the index's types leave out)."""
    import pyoxigraph as ox

    raw = store.raw
    return {q.subject.value for kind in kinds
            for q in raw.quads_for_pattern(None, ox.NamedNode(TYPE), ox.NamedNode(kind), ox.NamedNode(graph))
            if isinstance(q.subject, ox.NamedNode)}


__all__ = ["candidates", "unkeyed", "keep", "key_rows", "typed", "names", "classes", "typed_in", "PERSON", "ORGANISATION", "BLOCK", "NEAR",
           "NEAR_MAX"]
