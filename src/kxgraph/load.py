"""Loading RDF files: each into its own named graph, all files of one call or none of them.

A file's graph is the ``file://`` IRI of its resolved path unless ``graph=`` names one; TriG and
N-Quads files keep the graphs they name (their default-graph triples go to the file's graph).
The first import into a new store brings the shipped reference data with it (``with_reference``):
``ontology/*.ttl`` (with the academies' divisions) into ``kxg:ontology`` and the gazetteer into
``kxg:gazetteer``. ``load(ontology=True)`` (``kx load --ontology``) reloads
the ontology explicitly, after an upgrade.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from kxgraph.errors import InputError, ParameterError
from kxgraph.resources import resource_path
from kxgraph.output.results import Result
from kxgraph.store.base import LoadItem, Store
from kxgraph.store.rdfio import rdf_format
from kxgraph.vocab import GAZETTEER_GRAPH, ONTOLOGY_GRAPH, expand_curie

ONTOLOGY_FILES = ("ontology/kx.ttl", "ontology/indicators.ttl", "ontology/collaboration.ttl",
                  "ontology/academies.ttl", "schemes/gbt4754.ttl", "schemes/gbt13745.ttl")
GAZETTEER_FILE = "places/gazetteer.ttl"


def plan(paths: Iterable[str | Path], *, format: str | None = None, graph: str | None = None) -> list[LoadItem]:
    """Check every file (exists, known format) and decide its graph, before anything is written.

    ``graph`` may be an IRI, an ``<IRI>`` or a CURIE (``kxg:mine``), as ``kx drop`` takes it.
    """
    if graph:
        graph = expand_curie(graph) or graph.strip().removeprefix("<").removesuffix(">")
    if graph and not _is_iri(graph):
        raise ParameterError(f"--graph must be an absolute IRI, not {graph!r}")
    items = []
    for given in paths:
        path = Path(given)
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "not a file", file=str(path))
        fmt = rdf_format(path, format)
        target = graph or path.resolve().as_uri()
        items.append(LoadItem(path, fmt, target, path.stat().st_size))
    return items



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


def load(store: Store, paths: Iterable[str | Path] = (), *, format: str | None = None,
         graph: str | None = None, replace: bool = False, ontology: bool = False,
         progress: Callable[[int], None] | None = None, force_shipped: bool = False,
         lenient: bool = False) -> Result:
    """Load files into ``store``; return a table of graph and triple count per graph touched.

    The shipped and internal graphs (``kxgraph.protect``) are refused unless ``force_shipped``;
    ``lenient`` keeps ill-typed literals as plain strings (with a warning) instead of refusing them.

    >>> import kxgraph
    >>> g = kxgraph.open(memory=True)
    >>> g.load(ontology=True).column("graph")
    ['https://w3id.org/kxgraph/graph/ontology']
    """
    items = plan(paths, format=format, graph=graph)
    if ontology:
        replace = replace or not items  # `kx load --ontology` alone refreshes kxg:ontology
        items = ontology_items() + items
    if not items:
        raise ParameterError("nothing to load: give one or more files (or --ontology)")
    counts = store.load_files(items, replace=replace, progress=progress, force_shipped=force_shipped,
                              lenient=lenient)
    return graph_table(counts.items())


def graph_table(counts: Iterable[tuple[str, int]]) -> Result:
    """A table of graph IRIs and triple counts."""
    import pyoxigraph as ox

    return Result.table(["graph", "triples"], [(ox.NamedNode(g), n) for g, n in counts])


def total_size(items: list[LoadItem]) -> int:
    """Bytes to read, for a progress bar."""
    return sum(item.size for item in items)


def _is_iri(text: str) -> bool:
    return ":" in text and not any(c in text for c in ' <>"{}|^`\\')


__all__ = ["plan", "load", "ontology_items", "reference_items", "with_reference", "total_size", "graph_table"]
