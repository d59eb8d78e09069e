"""Loading RDF files: each into its own named graph, all files of one call or none of them.

A file's graph is the ``file://`` IRI of its resolved path unless ``graph=`` names one; TriG and
N-Quads files keep the graphs they name (their default-graph triples go to the file's graph).
The first write into a new store brings the shipped reference data with it (the store's rule,
``kxgraph.store.reference``): ``ontology/*.ttl`` (with the academies' divisions) into
``kxg:ontology`` and the gazetteer into ``kxg:gazetteer``; the result's ``notes`` say so.
``load(ontology=True)`` (``kx load --ontology``) reloads the ontology explicitly, after an upgrade.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Callable, Iterable

from kxgraph.errors import InputError, ParameterError, option
from kxgraph.output.results import Document, Result
from kxgraph.store.base import LoadItem, Store
from kxgraph.store.rdfio import is_quad_format, rdf_format
from kxgraph.store.reference import (GAZETTEER_FILE, ONTOLOGY_FILES, ontology_items,  # noqa: F401
                                     reference_items, with_reference)
from kxgraph.vocab import expand_curie


def plan(paths: Iterable[str | Path], *, format: str | None = None, graph: str | None = None) -> list[LoadItem]:
    """Check every file (exists, known format) and decide its graph, before anything is written.

    ``graph`` may be an IRI, an ``<IRI>`` or a CURIE (``kxg:mine``), as ``kx drop`` takes it.
    """
    if graph:
        graph = expand_curie(graph) or graph.strip().removeprefix("<").removesuffix(">")
    if graph and not _is_iri(graph):
        raise ParameterError(f"{option('graph')} must be an absolute IRI, not {graph!r}")
    items = []
    for given in paths:
        path = Path(given)
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "not a file", file=str(path))
        fmt = rdf_format(path, format)
        target = graph or path.resolve().as_uri()
        items.append(LoadItem(path, fmt, target, path.stat().st_size))
    return items


def load(store: Store, paths: Iterable[str | Path] = (), *, format: str | None = None,
         graph: str | None = None, replace: bool = False, ontology: bool = False,
         progress: Callable[[int], None] | None = None, source: str | None = None,
         force_shipped: bool = False, lenient: bool = False) -> Document:
    """Load files into ``store``; return a table of graph and triple count per graph touched.

    Its ``notes`` say when this first write into a new store brought the reference data along.

    The shipped and internal graphs (``kxgraph.protect``) are refused unless ``force_shipped``;
    ``lenient`` keeps ill-typed literals as plain strings (with a warning) instead of refusing them.

    Each file is a source (``kxgraph.sources``) named after it without version marks, or all
    are the one source ``source``; loading a source again replaces everything it wrote before.

    >>> import kxgraph
    >>> g = kxgraph.open(memory=True)
    >>> g.load(ontology=True).column("graph")
    ['https://w3id.org/kxgraph/graph/ontology']
    """
    from kxgraph import sources

    from kxgraph.protect import check_graphs, is_shipped_file

    items = plan(paths, format=format, graph=graph)
    targets = {id(item): _graphs_of(item) for item in items}
    for item in items:   # before anything is written: a file naming a protected graph changes nothing
        check_graphs(targets[id(item)], force_shipped=force_shipped or is_shipped_file(item.path), action="load into")
    groups = sources.group_files([item.path for item in items], source)
    writing = [sources.Writing(name, "rdf", [Path(f) for f in files],
                               list(dict.fromkeys(g for item in items if str(item.path) in files
                                                  for g in targets[id(item)])))
               for name, files in groups.items()]
    drops, _ = sources.plan_drops(store, writing, replace=replace)
    if ontology:
        replace = replace or not items  # `kx load --ontology` alone refreshes kxg:ontology
        items = ontology_items() + items
    if not items:
        raise ParameterError(f"nothing to load: give one or more files (or {option('ontology', True)})")
    with tempfile.TemporaryDirectory(prefix="kx-load-") as folder:
        records = []
        for i, new in enumerate(writing):
            path = Path(folder) / f"record-{i}.nt"
            path.write_text(sources.record_ntriples(new), encoding="utf-8")
            records.append(LoadItem(path, rdf_format(path), new.record, path.stat().st_size, own=True))
        counts = store.load_files(items + records, replace=replace, progress=_capped(progress, total_size(items)),
                                  drop=tuple(drops), force_shipped=force_shipped, lenient=lenient)
    reference = store.reference_loaded
    for new in writing:   # the counts are known once written; a record without them is still whole
        new.triples = sum(counts.get(g, 0) for g in new.graphs)
        new.entities = sum(sources.graph_entities(store, g)
                           for g in new.graphs)
        store.load(sources.counts_ntriples(new).encode("utf-8"), format=rdf_format("x.nt"), graph=new.record)
    records = {new.record for new in writing}
    table = graph_table((g, n) for g, n in counts.items() if g not in records)
    return Document(table.kind, table.variables, table.rows, notes=[reference] if reference else [])


def _capped(progress: Callable[[int], None] | None, size: int) -> Callable[[int], None] | None:
    """``progress`` over the files' bytes only, not the small source records loaded with them."""
    if progress is None:
        return None
    left = [size]

    def report(n: int) -> None:
        n = min(n, left[0])
        left[0] -= n
        if n:
            progress(n)

    return report


def _graphs_of(item: LoadItem) -> list[str]:
    """The graphs a file's triples go to (a TriG or N-Quads file names its own)."""
    if not is_quad_format(item.format):
        return [item.graph]
    import pyoxigraph as ox

    from kxgraph.store.rdfio import open_rdf

    found: dict[str, None] = {}
    try:
        with open_rdf(item.path) as handle:
            for quad in ox.parse(handle, item.format, base_iri=item.path.resolve().as_uri()):
                found[item.graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value] = None
    except SyntaxError as exc:
        from kxgraph.store.rdfio import syntax_error

        raise syntax_error(exc, str(item.path)) from exc
    return list(found)


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


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
