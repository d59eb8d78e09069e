"""The shipped reference data, and the one rule that brings it: the first write to a new store.

The ontology (classes, statuses, the academies and their divisions, the GB/T schemes) and the
gazetteer (districts) come with every store: ``Store.load_files`` adds them to the first load
into a store that holds nothing yet, in the same all-or-nothing commit (``with_reference``), and
a store's first SPARQL update is preceded by them (``before_first_update``). So ``kx load``,
``kx import``, ``kx generate --load`` and ``kx update`` on a new store all leave academies,
districts, statuses and divisions with their labels. ``kx load --ontology`` reloads the ontology
explicitly, after an upgrade.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from kxgraph.resources import resource_path
from kxgraph.store.rdfio import LoadItem, rdf_format
from kxgraph.vocab import GAZETTEER_GRAPH, ONTOLOGY_GRAPH

ONTOLOGY_FILES = ("ontology/kx.ttl", "ontology/indicators.ttl", "ontology/collaboration.ttl",
                  "ontology/academies.ttl", "schemes/gbt4754.ttl", "schemes/gbt13745.ttl")
GAZETTEER_FILE = "places/gazetteer.ttl"
SKOS_SCHEME = "http://www.w3.org/2004/02/skos/core#ConceptScheme"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def ontology_items() -> list[LoadItem]:
    """The shipped ontology files, all bound for ``kxg:ontology``."""
    items = []
    for relative in ONTOLOGY_FILES:
        path = resource_path(relative)  # a missing one is an error: never load less than shipped
        items.append(LoadItem(path, rdf_format(path), ONTOLOGY_GRAPH, path.stat().st_size))
    return items


def reference_items() -> list[LoadItem]:
    """The shipped reference data: the ontology (with the academies' divisions) and the gazetteer."""
    path = resource_path(GAZETTEER_FILE)
    return ontology_items() + [LoadItem(path, rdf_format(path), GAZETTEER_GRAPH, path.stat().st_size)]


def is_new(store: Any) -> bool:
    """True when ``store`` holds nothing yet: its next write is its first."""
    return not store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean


def with_reference(store: Any, items: list[LoadItem]) -> list[LoadItem]:
    """``items``, after the shipped reference data when the store is new (holds nothing yet).

    Graphs the caller loads itself (``kx load --ontology``) are not added twice.
    """
    if not is_new(store):
        return items
    wanted = {item.graph for item in items}
    return [item for item in reference_items() if item.graph not in wanted] + items


def before_first_update(store: Any) -> list[str]:
    """Load the reference data into a new store before its first update; the graphs it wrote.

    The caller drops them again (``undo``) if the update then fails, so a failed first update
    leaves the store as empty as it found it.
    """
    if not is_new(store):
        return []
    store.load_files([])  # the first-write rule of Store.load_files adds the reference data
    return [item.graph for item in reference_items()]


def undo(store: Any, graphs: list[str]) -> None:
    """Remove the reference graphs ``before_first_update`` wrote (the update after it failed)."""
    for graph in dict.fromkeys(graphs):
        store.drop(graph)
    store.reference_loaded = ""


@lru_cache(maxsize=1)
def summary() -> str:
    """The one line a command prints when a write brought the reference data along."""
    import pyoxigraph as ox

    schemes = set()
    for item in reference_items():
        with item.path.open("rb") as handle:
            schemes.update(q.subject for q in ox.parse(handle, item.format, base_iri=item.path.as_uri())
                           if q.predicate.value == RDF_TYPE and q.object.value == SKOS_SCHEME)
    return f"loaded reference data: ontology, gazetteer, {len(schemes)} schemes"


__all__ = ["ONTOLOGY_FILES", "GAZETTEER_FILE", "ontology_items", "reference_items", "with_reference",
           "is_new", "before_first_update", "undo", "summary"]
