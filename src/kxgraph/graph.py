"""``KxGraph``: the object a user holds. Every CLI command is a few lines over one of its methods.

>>> import kxgraph
>>> g = kxgraph.open(memory=True)
>>> g.query("ASK { ?s ?p ?o }").boolean
False
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any, Mapping

from kxgraph.output.results import Result
from kxgraph.store.oxigraph import Store


class KxGraph:
    """A knowledge graph in an embedded store or behind a SPARQL endpoint."""

    def __init__(self, store: Store) -> None:
        global _last_opened
        self.store = store
        _last_opened = weakref.ref(self)  # what the %%sparql magic runs against

    def __repr__(self) -> str:
        return f"<KxGraph {self.store!r}>"

    def __enter__(self) -> "KxGraph":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Release the store."""
        self.store.close()

    # --- store, load, query (issue 3) ---------------------------------------------------------

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None,
              limit: int | None = None, timeout: float | None = None,
              allow_service: bool = False) -> Result:
        """Run a read-only SPARQL query and return its ``Result``.

        Common prefixes (kx:, kxid:, rdfs:, org: … see ``kxgraph.vocab``) need not be declared;
        ``substitutions`` binds variables to terms; updates and ``SERVICE`` are refused.

        >>> g = open(memory=True)
        >>> g.query("SELECT ?n WHERE { VALUES ?n { 1 2 } }", limit=1).column("n")
        [1]
        """
        from kxgraph.sparql.query import run

        return run(self.store, sparql, substitutions=substitutions, limit=limit, timeout=timeout,
                   allow_service=allow_service)

    def named(self, name: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
              timeout: float | None = None) -> Result:
        """Run a packaged named query with parameters given as text (``"kx:x"``, ``"太原@zh"``) or terms.

        >>> g = open(memory=True)
        >>> g.named("projects-by-status").variables[:2]
        ['project', 'label']
        """
        from kxgraph.sparql.query import named_query

        named = named_query(name)
        return self.query(named.text, substitutions=named.bind(params or {}, names=self.entity), limit=limit,
                          timeout=timeout)

    def queries(self, *, indicators: bool = False) -> Result:
        """The named queries: name, parameters and description."""
        from kxgraph.sparql.query import listing

        return listing(indicators=indicators)

    def update(self, sparql: str, *, allow_service: bool = False):
        """Run a SPARQL update (the only write path besides loading); return what it changed.

        ``LOAD <url>`` and ``SERVICE`` reach the network, so they are refused unless ``allow_service``.
        Returns a ``kxgraph.updates.UpdateReport``: triples per graph before and after
        (``.result()``), and ``.hint`` when a DELETE matched nothing because the facts are in
        named graphs.
        """
        from kxgraph.sparql.query import check_update
        from kxgraph.updates import run

        check_update(sparql, allow_service=allow_service)
        return run(self.store, sparql)

    def load(self, *paths: str | Path, format: str | None = None, graph: str | None = None,
             replace: bool = False, ontology: bool = False, progress: Any = None,
             source: str | None = None) -> Result:
        """Load RDF files, each into its own named graph, all or nothing; returns graph and triples.

        Each file is a source named after it (``source`` names them all); loading a source again
        replaces it (see ``sources``).

        >>> g = open(memory=True)
        >>> g.load(ontology=True).column("graph")
        ['https://w3id.org/kxgraph/graph/ontology']
        """
        from kxgraph.load import load

        return load(self.store, paths, format=format, graph=graph, replace=replace, ontology=ontology,
                    progress=progress, source=source)

    def graphs(self) -> Result:
        """Named graphs with their triple counts."""
        from kxgraph.load import graph_table

        return graph_table(self.store.graphs())

    def drop(self, graph: str) -> None:
        """Remove a source by its name (all it wrote and its record), or one named graph.

        ``NotFoundError`` when there is neither by that name.
        """
        from kxgraph.errors import NotFoundError
        from kxgraph.sources import drop_source, forget_graph, held
        from kxgraph.vocab import expand_curie

        if graph in held(self.store):
            drop_source(self.store, graph)
            return
        iri = expand_curie(graph) or graph.strip("<>")
        if iri not in {g for g, _ in self.store.graphs()}:
            raise NotFoundError(f"no source or graph {graph}; kx sources and kx graphs list them")
        self.store.drop(iri)
        forget_graph(self.store, iri)

    def sources(self) -> Result:
        """The sources loaded or imported: name, kind, files, sheets, rows, entities, triples, when, version.

        >>> open(memory=True).sources().variables[:3]
        ['name', 'kind', 'files']
        """
        from kxgraph.sources import listing

        return listing(self.store)

    def diff(self, *files: str | Path, source: str | None = None, mapping: str | Path | None = None,
             encoding: str | None = None, sheet: str | None = None, format: str | None = None) -> Result:  # noqa: A002
        """What importing (or loading) ``files`` again would add, change and remove; writes nothing.

        One row per change: change, kind, entity, fact, before, after, in labels, not IRIs.
        """
        from kxgraph.diff import diff

        return diff(self.store, files, source=source, mapping=mapping, encoding=encoding, sheet=sheet,
                    format=format)

    def stats(self) -> Result:
        """Triples, graphs and entities per class (with zh/en class labels)."""
        from kxgraph.explore import stats

        return stats(self.store)

    def find(self, text: str, *, limit: int = 20) -> Result:
        """Entities whose zh/en label or pinyin contains ``text``: entity, label, en, type, synthetic."""
        from kxgraph.explore import find

        return find(self.store, text, limit=limit)

    def entity(self, handle: str):
        """The IRI node an entity handle names: IRI, CURIE, or a zh/en/pinyin name.

        A name several entities share raises ``QueryError`` with a numbered "which one?" list.
        """
        from kxgraph.explore import resolve

        return resolve(self.store, handle)

    def show(self, entity: str) -> Result:
        """Everything about one entity (IRI, CURIE or exact label): section, property, value, label."""
        from kxgraph.explore import show

        return show(self.store, entity)

    # --- generate (issue 4) --------------------------------------------------------------------

    def generate(self, *, scale: float = 1, seed: int = 0):
        """Generate the synthetic sample network into its own named graph; returns a ``GenerateReport``.

        >>> g = open(memory=True)
        >>> g.generate(scale=0.1).graph
        'https://w3id.org/kxgraph/graph/synthetic/seed-0-scale-0.1'
        """
        from kxgraph.synthetic.generate import load_into

        return load_into(self, scale=scale, seed=seed)

    # --- network, views, analysis (issue 5) ----------------------------------------------------

    def network(self, **options: Any):
        """The collaboration network as a networkx graph (see ``kxgraph.network.project.project``).

        Options: ``focus``, ``depth``, ``types``, ``query``, ``projection``, ``links``.
        """
        from kxgraph.network.project import project

        return project(self, **options)

    def view(self, *, size_by: str = "degree", lang: str = "zh", title: str | None = None,
             **options: Any):
        """An offline HTML view of the network; ``.to_html(path)`` writes it (see ``kxgraph.network.view``)."""
        from kxgraph.network.view import View

        return View(self.network(**options), size_by=size_by, lang=lang, title=title)

    def analyze(self, *, measure: str = "centrality", top: int = 10, sort_by: str = "degree",
                seed: int = 1, lang: str = "zh", **options: Any) -> Result:
        """Centralities (top per type), communities or brokers of the network, as a table."""
        from kxgraph.network.analyze import analyze

        return analyze(self.network(**options), measure=measure, top=top, sort_by=sort_by,
                       seed=seed, lang=lang)

    def path(self, a: str, b: str, **options: Any) -> Result:
        """The shortest collaboration paths between two entities, each explained in words."""
        from kxgraph.network.analyze import paths

        return paths(self, a, b, **options)

    def export(self, path: str | Path, *, format: str | None = None, lang: str = "zh",  # noqa: A002
               **options: Any) -> Path:
        """Write the network as GraphML, GEXF or Cytoscape.js JSON for Gephi or Cytoscape (nodes labelled in ``lang``)."""
        from kxgraph.network.analyze import export

        return export(self.network(**options), path, format=format, lang=lang)

    # --- spreadsheets and validation (issue 6) -------------------------------------------------

    def import_tables(self, *files: str | Path, mapping: str | Path | None = None,
                      encoding: str | None = None, sheet: str | None = None,
                      skip_bad_rows: bool = False, rejects: str | Path | None = None,
                      source: str | None = None, on_duplicate: str = "error", ask: Any = None):
        """Validate CSV/XLSX files and load each into its own named graph (its ``file://`` IRI).

        Nothing is written when a row fails (``ValidationError`` lists every problem) unless
        ``skip_bad_rows``; returns a ``kxgraph.tables.importer.ImportReport`` (``.result()``, ``.duplicates``).

        >>> from kxgraph.resources import resource_path
        >>> g = open(memory=True)
        >>> g.import_tables(resource_path("data/templates/enterprises.csv")).result().column("rows")
        [3]
        """
        from kxgraph.tables.importer import import_tables

        return import_tables(self, files, mapping=mapping, encoding=encoding, sheet=sheet,
                             skip_bad_rows=skip_bad_rows, rejects=rejects, source=source,
                             on_duplicate=on_duplicate, ask=ask)

    def validate(self, *files: str | Path, store: bool = False, graph: str | None = None,
                 mapping: str | Path | None = None, encoding: str | None = None,
                 sheet: str | None = None) -> Result:
        """Run the import checks on files, or SHACL on the store (``store=True``), writing nothing.

        With ``store=True`` the union of all sources is checked too (``kxgraph.consistency``): one
        host per workstation across sources, memberships pointing at nothing; each problem names
        the source, file and row of each contributing fact.

        Returns the problems as a table: file, sheet, row, column, value, problem (empty = valid).
        """
        from kxgraph.tables.validate import problems_result, validate_store

        if store:
            from kxgraph.consistency import check

            # each graph against the shapes, then the union across sources (whole store only)
            return problems_result(validate_store(self.store, graph=graph) + ([] if graph else check(self.store)))
        from kxgraph.tables.importer import check_tables

        from kxgraph.sources import replaced_graphs

        plan, _ = check_tables(files, store=self.store, mapping=mapping, encoding=encoding, sheet=sheet,
                               replaces=replaced_graphs(self.store, files))
        return problems_result(plan.all_problems())

    # --- identity and curation (issue 11) -----------------------------------------------------

    def same(self, a: str, b: str, *, by: str | None = None) -> tuple[str, str]:
        """Decide that two entities (IRIs, CURIEs or names) are one; ``a`` stays, ``b`` merges into it.

        Every fact about ``b`` now names ``a``; ``b``'s IRI and names still find ``a``; later imports
        write ``a`` where they say ``b``. Returns (kept IRI, merged IRI).
        """
        from kxgraph.curation import same
        from kxgraph.explore import resolve

        return same(self.store, resolve(self.store, a), resolve(self.store, b), by=by)

    def distinct(self, a: str, b: str, *, by: str | None = None) -> None:
        """Decide that two entities with close names are different, so imports stop asking."""
        from kxgraph.curation import distinct
        from kxgraph.explore import resolve

        distinct(self.store, resolve(self.store, a), resolve(self.store, b), by=by)

    def rename(self, entity: str, name: str, *, by: str | None = None) -> None:
        """Give an entity a new zh label; the old ones stay as alternative labels, after re-imports too."""
        from kxgraph.curation import rename
        from kxgraph.explore import resolve

        rename(self.store, resolve(self.store, entity), name, by=by)

    def decisions(self) -> Result:
        """The curation decisions: decision, entity, other, label, by, when."""
        from kxgraph.curation import listing

        return listing(self.store)

    # --- reported figures (issue 8) ------------------------------------------------------------

    def report(self, *, period: str | None = None, area: str | None = None):
        """Reported figures beside the counts computed from entities, and the consistency rules.

        Returns a ``kxgraph.report.Report`` (a ``Result``); see ``kxgraph.report.report``.

        >>> open(memory=True).report().failed
        False
        """
        from kxgraph.report import report

        return report(self, period=period, area=area)


def open(path: str | Path | None = None, *, memory: bool = False, endpoint: str | None = None,  # noqa: A001
         update_endpoint: str | None = None, read_only: bool = False) -> KxGraph:
    """Open the embedded store at ``path`` (default ``./.kxgraph``), in memory, or a SPARQL endpoint.

    An endpoint takes its credentials from ``KXGRAPH_ENDPOINT_USER`` / ``KXGRAPH_ENDPOINT_PASSWORD``.

    >>> g = open(memory=True)
    """
    from kxgraph.store.oxigraph import open_store

    return KxGraph(open_store(path, memory=memory, endpoint=endpoint, update_endpoint=update_endpoint,
                              read_only=read_only))


_last_opened: "weakref.ref[KxGraph] | None" = None


def last_opened() -> KxGraph | None:
    """The graph opened most recently in this process, if it is still alive."""
    return _last_opened() if _last_opened is not None else None
