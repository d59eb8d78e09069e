"""The shipped reference data: the ontology (with the academies' divisions) and the gazetteer.

The first import or load into a new store brings it along (``with_reference``); ``kx load
--ontology`` reloads the ontology explicitly. Below ``load`` and ``sources``, which both use it.
"""

from __future__ import annotations

from kxgraph.resources import resource_path
from kxgraph.store.base import LoadItem, Store
from kxgraph.store.rdfio import rdf_format
from kxgraph.vocab import GAZETTEER_GRAPH, ONTOLOGY_GRAPH

ONTOLOGY_FILES = ("ontology/kx.ttl", "ontology/indicators.ttl", "ontology/collaboration.ttl",
                  "ontology/academies.ttl", "schemes/gbt4754.ttl", "schemes/gbt13745.ttl")
GAZETTEER_FILE = "places/gazetteer.ttl"


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


def with_reference(store: Store, items: list[LoadItem]) -> list[LoadItem]:
    """``items``, after the shipped reference data when the store is new (holds nothing yet).

    So the first import into a store brings the labels of academies, divisions, districts and
    statuses with it; ``kx load --ontology`` reloads them explicitly.
    """
    if store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean:
        return items
    wanted = {item.graph for item in items}
    return [item for item in reference_items() if item.graph not in wanted] + items


__all__ = ["ONTOLOGY_FILES", "GAZETTEER_FILE", "ontology_items", "reference_items", "with_reference"]
