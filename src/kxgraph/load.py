"""Loading RDF files: each into its own named graph, all files of one call or none of them.

A file's graph is the ``file://`` IRI of its resolved path unless ``graph=`` names one; TriG and
N-Quads files keep the graphs they name (their default-graph triples go to the file's graph).
The ontology is not loaded by itself: ``load(ontology=True)`` (``kx load --ontology``) puts the
shipped ``ontology/*.ttl`` into ``kxg:ontology``; ``kx stats`` reads class labels from the
shipped file when that graph is absent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterable

from kxgraph.errors import InputError, ParameterError
from kxgraph.resources import resource_path
from kxgraph.output.results import Result
from kxgraph.store.oxigraph import LoadItem, Store, rdf_format
from kxgraph.vocab import ONTOLOGY_GRAPH, expand_curie

ONTOLOGY_FILES = ("ontology/kx.ttl", "ontology/indicators.ttl", "ontology/collaboration.ttl")


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
        try:
            path = resource_path(relative)
        except Exception:  # noqa: BLE001 - an optional ontology file not shipped (yet)
            continue
        items.append(LoadItem(path, rdf_format(path), ONTOLOGY_GRAPH, path.stat().st_size))
    return items


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


__all__ = ["plan", "load", "ontology_items", "total_size", "graph_table"]
