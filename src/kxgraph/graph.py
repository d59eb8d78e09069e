"""``KxGraph``: the object a user holds. Every CLI command is a few lines over one of its methods.

>>> import kxgraph
>>> g = kxgraph.open(memory=True)
>>> g.query("ASK { ?s ?p ?o }").boolean
False
"""

from __future__ import annotations

import warnings
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from kxgraph.boundary import mapped_methods
from kxgraph.output.results import Result
from kxgraph.store.base import Store

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from kxgraph.network.view import View
    from kxgraph.report import Report
    from kxgraph.synthetic.generate import GenerateReport
    from kxgraph.updates import UpdateReport
    from kxgraph.tables.importer import ImportReport

ANALYSES = ("centrality", "communities", "brokers")


@mapped_methods  # the one error boundary: only KxErrors come out
class KxGraph:
    """A knowledge graph in an embedded store or behind a SPARQL endpoint."""

    def __init__(self, store: Store) -> None:
        global _last_opened
        self.store = store
        self.closed = False
        _last_opened = weakref.ref(self)
        index = getattr(store, "index", None)
        if index is not None and not index.read_only:  # each write counts the report's figures again
            index.keeper = _FigureKeeper()

    def __repr__(self) -> str:
        return f"<KxGraph {self.store!r}{' closed' if self.closed else ''}>"

    def __enter__(self) -> "KxGraph":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def close(self) -> None:
        """Release the store.

        >>> g = open(memory=True); g.close(); g.closed
        True
        """
        self.store.close()
        self.closed = True

    # --- store, load, query (issue 3) ---------------------------------------------------------

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None,
              limit: int | None = None, timeout: float | None = None,
              allow_service: bool = False, stream: bool = False) -> Result:
        """Run a read-only SPARQL query and return its ``Result``.

        Common prefixes (kx:, kxid:, rdfs:, org: … see ``kxgraph.vocab``) need not be declared;
        ``substitutions`` binds variables to terms; updates and ``SERVICE`` are refused.
        ``stream=True`` gives a SELECT's rows as they come, read once, in bounded memory
        (a ``kxgraph.output.results.Streamed``; ``render`` writes it as it reads it).

        >>> g = open(memory=True)
        >>> g.query("SELECT ?n WHERE { VALUES ?n { 1 2 } }", limit=1).column("n")
        [1]
        >>> [row[0].value for row in g.query("SELECT ?n WHERE { VALUES ?n { 1 2 } }", stream=True)]
        ['1', '2']
        """
        from kxgraph.sparql.query import run, stream as streamed

        return self._labelled((streamed if stream else run)(self.store, sparql, substitutions=substitutions,
                                                            limit=limit, timeout=timeout,
                                                            allow_service=allow_service))

    def _labelled(self, result: Any) -> Any:
        """``result``, able to add label columns from this graph (``Result.with_labels``)."""
        from kxgraph.boundary import map_errors
        from kxgraph.explore import labels

        def labeller(iris: list[str], lang: str) -> dict[str, str]:
            with map_errors():  # called later, from to_df() or a display: still only KxErrors
                return labels(self.store, iris, lang=lang)

        result.labeller = labeller
        return result

    def solutions(self, sparql: str, *, limit: int | None = None) -> tuple[str, list[str], Iterator]:
        """Run a read-only SPARQL query lazily: ``(kind, variables, rows)``, rows read as the store answers.

        For results too large to hold whole (``kx serve`` streams them). ``kind`` is ``"select"``
        (rows are tuples of terms), ``"ask"`` (one bool) or ``"graph"`` (triples); at most ``limit``
        rows; updates and ``SERVICE`` are refused. Read the rows before closing the graph.

        >>> kind, variables, rows = open(memory=True).solutions("SELECT ?n WHERE { VALUES ?n { 1 2 3 } }", limit=2)
        >>> kind, variables, [row[0].value for row in rows]
        ('select', ['n'], ['1', '2'])
        """
        import itertools

        from kxgraph.sparql.query import check_read_only

        check_read_only(sparql)
        kind, variables, rows = self.store.solutions(sparql)
        return kind, variables, rows if limit is None or kind == "ask" else itertools.islice(rows, limit)

    def named_query(self, name: str, params: Mapping[str, Any] | None = None, *, limit: int | None = None,
                    timeout: float | None = None) -> Result:
        """Run a packaged named query (``kx queries`` lists them) with parameters given as text
        (``"kxorg:cast"``, ``"太原@zh"``) or terms. ``named()`` is the same method.

        >>> g = open(memory=True)
        >>> g.named_query("projects-by-status").variables[:2]
        ['project', 'label']
        """
        from kxgraph.sparql.query import named_query

        if params and "asOf" in params:  # only what existed then (kxgraph.timeline.as_of)
            params = dict(params)
            return self.as_of(params.pop("asOf")).named_query(name, params, limit=limit, timeout=timeout)
        bound = named_query(name).bind(params or {}, names=self.entity)
        return self.query(bound.text, substitutions=bound.substitutions, limit=limit, timeout=timeout)

    def as_of(self, when: str) -> "KxGraph":
        """An in-memory copy holding only what existed on ``when`` (``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``).

        See ``kxgraph.timeline.as_of``; its ``snapshot.notes`` say where the date is finer than the data.

        >>> g = open(memory=True)
        >>> _ = g.generate(scale=0.1)
        >>> g.as_of("2015").stats().column("count")[0] < g.stats().column("count")[0]
        True
        """
        from kxgraph.timeline import as_of

        return as_of(self, when)

    named = named_query  # the first name; reads like "named graphs", so named_query is preferred

    def queries(self, *, indicators: bool = False) -> Result:
        """The named queries: name, parameters and description.

        >>> "collaborators" in open(memory=True).queries().column("name")
        True
        """
        from kxgraph.sparql.query import listing

        return listing(indicators=indicators)

    def update(self, sparql: str, *, allow_service: bool = False, force_shipped: bool = False) -> "UpdateReport":
        """Run a SPARQL update (the only write path besides loading); return what it changed.

        ``LOAD <url>`` and ``SERVICE`` reach the network, so they are refused unless ``allow_service``;
        updates writing the shipped or internal graphs are refused unless ``force_shipped``.
        Returns a ``kxgraph.updates.UpdateReport``: triples per graph before and after
        (``.result()``), and ``.hint`` when a DELETE matched nothing because the facts are in
        named graphs.

        >>> g = open(memory=True)
        >>> g.update("INSERT DATA { GRAPH kxg:notes { kxorg:cast rdfs:label 'CAST' } }").changed
        [('https://w3id.org/kxgraph/graph/notes', 0, 1)]
        >>> g.query("ASK { kxorg:cast rdfs:label 'CAST' }").boolean
        True
        """
        from kxgraph import protect
        from kxgraph.sparql.query import check_update
        from kxgraph.updates import run
        from kxgraph.vocab import prefixes_for

        from kxgraph.sparql.reach import parse

        parsed = parse(sparql, update=True, prefixes=prefixes_for(sparql))  # once, for both checks
        check_update(sparql, allow_service=allow_service, parsed=parsed)
        return run(self.store, sparql, execute=lambda text: protect.guarded_update(
            self.store, text, force_shipped=force_shipped, parsed=parsed))

    def load(self, *paths: str | Path, format: str | None = None, graph: str | None = None,  # noqa: A002
             replace: bool = False, ontology: bool = False, progress: Any = None,
             source: str | None = None, force_shipped: bool = False, lenient: bool = False) -> Result:
        """Load RDF files, each into its own named graph, all or nothing; returns graph and triples.

        Each file is a source named after it (``source`` names them all); loading a source again
        replaces it (see ``sources``).

        >>> g = open(memory=True)
        >>> g.load(ontology=True).column("graph")
        ['https://w3id.org/kxgraph/graph/ontology']
        """
        from kxgraph.load import load

        return load(self.store, paths, format=format, graph=graph, replace=replace, ontology=ontology,
                    progress=progress, source=source, force_shipped=force_shipped, lenient=lenient)

    def graphs(self) -> Result:
        """Named graphs with their triple counts.

        >>> open(memory=True).graphs().variables
        ['graph', 'triples']
        """
        from kxgraph.load import graph_table

        return graph_table(self._graph_sizes())

    def _graph_sizes(self) -> list[tuple[str, int]]:
        from kxgraph.store.base import RECORDS

        kept = self.store.index.counts() if self.store.index is not None else None
        # the records of sources are listed by kx sources, not kx graphs (as Store.graphs leaves them out)
        return [(g, n) for g, n in kept[0] if not g.startswith(RECORDS)] if kept is not None else self.store.graphs()

    def drop(self, graph: str, *, force_shipped: bool = False) -> None:
        """Remove a source by its name (all it wrote and its record), or one named graph.

        ``NotFoundError`` when there is neither by that name.

        The shipped and internal graphs (``kxgraph.protect``) are refused unless ``force_shipped``.

        >>> g = open(memory=True)
        >>> g.drop("kxg:nothing")
        Traceback (most recent call last):
        kxgraph.errors.NotFoundError: no source or graph kxg:nothing; kx sources and kx graphs list them
        """
        from kxgraph.errors import NotFoundError
        from kxgraph.protect import check_graphs
        from kxgraph.sources import drop_source, forget_graph, held
        from kxgraph.vocab import expand_curie

        if graph in held(self.store):
            drop_source(self.store, graph)
            return
        iri = expand_curie(graph) or graph.strip("<>")
        check_graphs([iri], force_shipped=force_shipped, action="drop")
        if iri not in {g for g, _ in self._graph_sizes()}:
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

        >>> from kxgraph.resources import resource_path
        >>> open(memory=True).diff(resource_path("templates/enterprises.csv")).variables
        ['change', 'kind', 'entity', 'fact', 'before', 'after']
        """
        from kxgraph.diff import diff

        return diff(self.store, files, source=source, mapping=mapping, encoding=encoding, sheet=sheet,
                    format=format)

    def reindex(self) -> None:
        """Rebuild the label index and kept counts that ``find`` and ``stats`` read (``kx reindex``).

        Writes keep them in step by themselves; this is for a store written by other means.

        >>> open(memory=True).reindex()
        """
        from kxgraph.errors import StoreError

        if self.store.index is None:
            raise StoreError("an endpoint store keeps no label index; kx find asks the endpoint")
        self.store.reindex()

    def stats(self) -> Result:
        """Triples, graphs and entities per class (with zh/en class labels).

        >>> open(memory=True).stats().column("item")
        ['triples', 'graphs']
        """
        from kxgraph.explore import stats

        return stats(self.store)

    def find(self, text: str, *, limit: int = 20) -> Result:
        """Entities whose zh/en label or pinyin contains ``text``: entity, label, en, type, synthetic.

        >>> len(open(memory=True).find("taiyuan"))
        0
        """
        from kxgraph.explore import find

        return find(self.store, text, limit=limit)

    def entity(self, handle: str) -> Any:
        """The IRI node an entity handle names: IRI, CURIE, or a zh/en/pinyin name.

        A name several entities share raises ``AmbiguousNameError`` with a numbered "which one?" list.

        >>> g = open(memory=True)
        >>> _ = g.update("INSERT DATA { GRAPH kxg:notes { kxorg:cast a kx:Association ; rdfs:label '中国科协'@zh . "
        ...              "kxorg:cast2 a kx:Association ; rdfs:label '中国科学技术协会'@zh } }")
        >>> g.entity("中国科协").value
        'https://w3id.org/kxgraph/id/org/cast'
        """
        from kxgraph.explore import resolve

        return resolve(self.store, handle)

    def show(self, entity: str) -> Result:
        """Everything about one entity (IRI, CURIE as printed, or exact label): section, property,
        value, label.

        >>> g = open(memory=True)
        >>> _ = g.update("INSERT DATA { GRAPH kxg:notes { kxorg:cast rdfs:label '中国科协'@zh } }")
        >>> g.show("kxorg:cast").column("value")
        ['中国科协']
        """
        from kxgraph.explore import show

        return self._labelled(show(self.store, entity))

    # --- generate (issue 4) --------------------------------------------------------------------

    def generate(self, *, scale: float = 1, seed: int = 0) -> "GenerateReport":
        """Generate the synthetic sample network into its own named graph; returns a ``GenerateReport``.

        >>> g = open(memory=True)
        >>> g.generate(scale=0.1).graph
        'https://w3id.org/kxgraph/graph/synthetic/seed-0-scale-0.1'
        """
        from kxgraph.synthetic.generate import load_into

        return load_into(self, scale=scale, seed=seed)

    # --- network, views, analysis (issue 5) ----------------------------------------------------

    def network(self, *, focus: str | None = None, depth: int = 2, types: Iterable[str] | None = None,
                query: str | None = None, params: Mapping[str, Any] | None = None,
                projection: str | None = None, links: Iterable[str] | None = None) -> "nx.Graph":
        """The collaboration network (or the part asked for) as an undirected networkx graph.

        ``focus`` (IRI, CURIE or exact label) with ``depth`` hops pulls a neighbourhood; ``types``
        keeps nodes of those classes and their subclasses (``["kx:Academician"]``); ``query`` (a
        named query or ``.rq`` file: a CONSTRUCT, or a SELECT of ``?source ?target``) with its
        ``params``, or ``projection`` (``academician-academician``, ``academician-enterprise``,
        ``organisation-organisation``) replaces the declared links; ``links`` names the links to
        follow (``works-at``, ``hosts`` …, ``"all"``; by default all but located-in and part-of).

        Every attribute is a string, number or boolean, so ``nx.write_graphml(G, path)`` works:
        nodes carry ``type``, ``label_zh``, ``label_en``, ``synthetic``, ``source`` and one attribute
        per property, named by its CURIE (``kxgraph.network.describe.properties(G, node)``).

        >>> open(memory=True).network(focus=None, types=["kx:Academician"]).number_of_nodes()
        0
        """
        from kxgraph.network.project import project

        return project(self, focus=focus, depth=depth, types=types, query=query, projection=projection,
                       links=links, params=dict(params) if params else None)

    def view(self, *, focus: str | None = None, depth: int = 2, types: Iterable[str] | None = None,
             query: str | None = None, params: Mapping[str, Any] | None = None,
             projection: str | None = None, links: Iterable[str] | None = None,
             size_by: str = "degree", color_by: str = "type", lang: str = "zh",
             title: str | None = None, height: int = 640, details: str | None = None) -> "View":
        """An offline HTML view of the network (chosen as in ``network()``).

        ``size_by``: ``degree``, ``betweenness``, ``eigenvector`` or ``none``; ``color_by``:
        ``type``, ``community``, ``source``, ``academy`` or ``division`` (the academies and
        divisions that elected each academician, with a legend); ``lang``: ``zh`` or ``en`` (the page has a switch);
        ``height``: pixels in a notebook; ``details``: what a node's panel holds, ``all`` its
        properties or ``brief`` (its names, type, source, community, links, synthetic marker and
        CURIE, for ``kx show``); by default brief on an overview page (more than
        ``kxgraph.network.view.OVERVIEW`` nodes, 20,000), all otherwise. ``.to_html(path)`` writes
        the page, ``.to_pyvis()`` gives a ``pyvis.network.Network``; a notebook shows it inline.

        >>> open(memory=True).view(color_by="community", height=400)
        <View 0 nodes, 0 links>
        """
        from kxgraph.errors import ParameterError, option
        from kxgraph.network.project import project
        from kxgraph.network.view import OVERVIEW, View

        brief_above = {None: OVERVIEW, "brief": 0, "all": None}.get(details, -1)
        if brief_above == -1:
            raise ParameterError(f"{option('details')} is all or brief, not {details!r}")
        G = project(self, focus=focus, depth=depth, types=types, query=query, projection=projection,
                    links=links, params=dict(params) if params else None, brief_above=brief_above)
        if color_by in ("academy", "division"):
            from kxgraph.network.describe import describe_academies

            describe_academies(self, G)
        return View(G, size_by=size_by, color_by=color_by, lang=lang, title=title, height=height, overview=OVERVIEW)

    def analyze(self, kind: str = "centrality", *, measure: str = "degree", top: int = 10, seed: int = 1,
                lang: str = "zh", focus: str | None = None, depth: int = 2,
                types: Iterable[str] | None = None, query: str | None = None,
                params: Mapping[str, Any] | None = None, projection: str | None = None,
                links: Iterable[str] | None = None, sort_by: str | None = None,
                progress: Callable[[str], None] | None = None) -> Result:
        """One analysis of the network (chosen as in ``network()``) as a table.

        ``kind``: ``centrality`` (the ``top`` nodes of each type ranked by ``measure``: ``degree``,
        ``betweenness`` or ``eigenvector``), ``communities`` (the ``top`` largest Louvain
        communities, seeded by ``seed``) or ``brokers`` (the ``top`` nodes linking communities).
        ``sort_by`` is the older name of ``measure``; ``measure="communities"`` (the older spelling
        of the kind) still works, with a ``DeprecationWarning``.

        Large networks go to igraph when it is installed (``kxgraph[fast]``); a sampled measure says
        so in the result's ``notes``. ``progress`` is called with each step's name as it starts.

        >>> open(memory=True).analyze("communities", top=3).variables
        ['community', 'size', 'types', 'members']
        """
        from kxgraph.network.analyze import analyze
        from kxgraph.network.project import project

        if measure in ANALYSES:  # analyze(measure="communities") from before kind existed
            warnings.warn("analyze(measure=...) now names the centrality measure; give kind="
                          f"{measure!r}", DeprecationWarning, stacklevel=2)
            kind, measure = measure, "degree"
        if progress is not None:
            progress("network")
        G = project(self, focus=focus, depth=depth, types=types, query=query, projection=projection,
                    links=links, params=dict(params) if params else None, properties=False, labels=False)
        return analyze(G, kind=kind, measure=sort_by or measure, top=top, seed=seed, lang=lang,
                       progress=progress)

    def path(self, a: str, b: str, *, max_depth: int = 8, limit: int = 5, lang: str = "zh",
             links: Iterable[str] | None = None) -> Result:
        """The shortest collaboration paths between two entities (IRI, CURIE or exact label), each
        step explained in words: path, steps, explanation, entities. At most ``limit`` paths of at
        most ``max_depth`` steps, over ``links`` (as in ``network()``).

        >>> g = open(memory=True)
        >>> g.path("kxorg:a", "kxorg:b")
        Traceback (most recent call last):
        kxgraph.errors.NotFoundError: no entity kxorg:a in the graph
        """
        from kxgraph.network.analyze import paths

        return paths(self, a, b, max_depth=max_depth, limit=limit, lang=lang, links=links)

    def export(self, path: str | Path, *, format: str | None = None, lang: str = "zh",  # noqa: A002
               focus: str | None = None, depth: int = 2, types: Iterable[str] | None = None,
               query: str | None = None, params: Mapping[str, Any] | None = None,
               projection: str | None = None, links: Iterable[str] | None = None) -> Path:
        """Write the network (chosen as in ``network()``) as GraphML, GEXF or Cytoscape.js JSON for
        Gephi or Cytoscape, nodes labelled in ``lang``; ``format`` defaults to the file's extension.
        Returns the path.

        >>> import tempfile, os
        >>> out = open(memory=True).export(os.path.join(tempfile.mkdtemp(), "n.graphml"))
        >>> out.suffix
        '.graphml'
        """
        from kxgraph.network.analyze import export

        G = self.network(focus=focus, depth=depth, types=types, query=query, params=params,
                         projection=projection, links=links)
        return export(G, path, format=format, lang=lang)

    # --- spreadsheets and validation (issue 6) -------------------------------------------------

    def import_tables(self, *files: str | Path, mapping: str | Path | None = None,
                      encoding: str | None = None, sheet: str | None = None,
                      skip_bad_rows: bool = False, rejects: str | Path | None = None,
                      headers: str | Path | None = None, strict: bool = False,
                      source: str | None = None, on_duplicate: str = "error", ask: Any = None) -> "ImportReport":
        """Validate CSV/XLSX files and load each into its own named graph (its ``file://`` IRI).

        Nothing is written when a row fails (``ValidationError`` lists every problem) unless
        ``skip_bad_rows``; returns a ``kxgraph.tables.importer.ImportReport`` (``.result()``,
        ``.duplicates``, ``.warnings()``, ``.created()``). ``headers``: a YAML file of more header
        variants; ``strict``: refuse unknown columns and names no sheet defines.

        >>> from kxgraph.resources import resource_path
        >>> g = open(memory=True)
        >>> g.import_tables(resource_path("templates/enterprises.csv")).result().column("rows")
        [3]
        """
        from kxgraph.tables.importer import import_tables

        return import_tables(self, files, mapping=mapping, encoding=encoding, sheet=sheet,
                             skip_bad_rows=skip_bad_rows, rejects=rejects, headers=headers, strict=strict,
                             source=source, on_duplicate=on_duplicate, ask=ask)

    def validate(self, *files: str | Path, store: bool = False, graph: str | None = None,
                 mapping: str | Path | None = None, encoding: str | None = None,
                 sheet: str | None = None, headers: str | Path | None = None, strict: bool = False) -> Result:
        """Run the import checks on files, or SHACL on the store (``store=True``), writing nothing.

        With ``store=True`` the union of all sources is checked too (``kxgraph.consistency``): one
        host per workstation across sources, memberships pointing at nothing; each problem names
        the source, file and row of each contributing fact.

        Returns the problems as a table: file, sheet, row, column, value, problem (empty = valid).

        >>> from kxgraph.resources import resource_path
        >>> len(open(memory=True).validate(resource_path("templates/enterprises.csv")))
        0
        """
        from kxgraph.tables.validate import problems_result, validate_store

        if store:
            from kxgraph.consistency import check

            # each graph against the shapes, then the union across sources (whole store only)
            return problems_result(validate_store(self.store, graph=graph) + ([] if graph else check(self.store)))
        from kxgraph.tables.importer import check_tables

        from kxgraph.sources import replaced_graphs

        plan, _ = check_tables(files, store=self.store, mapping=mapping, encoding=encoding, sheet=sheet,
                               headers=headers, strict=strict, replaces=replaced_graphs(self.store, files))
        return problems_result(plan.all_problems())

    # --- identity and curation (issue 11) -----------------------------------------------------

    def same(self, a: str, b: str, *, by: str | None = None) -> tuple[str, str]:
        """Decide that two entities (IRIs, CURIEs or names) are one; ``a`` stays, ``b`` merges into it.

        Every fact about ``b`` now names ``a``; ``b``'s IRI and names still find ``a``; later imports
        write ``a`` where they say ``b``. Returns (kept IRI, merged IRI).

        >>> g = open(memory=True)
        >>> _ = g.update("INSERT DATA { GRAPH kxg:notes { kxorg:cast a kx:Association ; rdfs:label '中国科协'@zh . "
        ...              "kxorg:cast2 a kx:Association ; rdfs:label '中国科学技术协会'@zh } }")
        >>> g.same("中国科协", "kxorg:cast2", by="doc")[1]
        'https://w3id.org/kxgraph/id/org/cast2'
        >>> g.entity("中国科学技术协会").value
        'https://w3id.org/kxgraph/id/org/cast'
        """
        from kxgraph.curation import same
        from kxgraph.explore import resolve

        return same(self.store, resolve(self.store, a), resolve(self.store, b), by=by)

    def distinct(self, a: str, b: str, *, by: str | None = None) -> None:
        """Decide that two entities with close names are different, so imports stop asking.

        >>> g = open(memory=True)
        >>> _ = g.update("INSERT DATA { GRAPH kxg:notes { kxorg:cast a kx:Association ; rdfs:label '中国科协'@zh . "
        ...              "kxorg:cast2 a kx:Association ; rdfs:label '中国科学技术协会'@zh } }")
        >>> g.distinct("kxorg:cast", "kxorg:cast2", by="doc")
        >>> g.decisions().column("decision")
        ['distinct']
        """
        from kxgraph.curation import distinct
        from kxgraph.explore import resolve

        distinct(self.store, resolve(self.store, a), resolve(self.store, b), by=by)

    def rename(self, entity: str, name: str, *, by: str | None = None) -> None:
        """Give an entity a new zh label; the old ones stay as alternative labels, after re-imports too.

        >>> g = open(memory=True)
        >>> _ = g.update("INSERT DATA { GRAPH kxg:notes { kxorg:cast a kx:Association ; rdfs:label '中国科协'@zh . "
        ...              "kxorg:cast2 a kx:Association ; rdfs:label '中国科学技术协会'@zh } }")
        >>> g.rename("kxorg:cast", "科协", by="doc")
        >>> g.entity("科协").value
        'https://w3id.org/kxgraph/id/org/cast'
        """
        from kxgraph.curation import rename
        from kxgraph.explore import resolve

        rename(self.store, resolve(self.store, entity), name, by=by)

    def decisions(self) -> Result:
        """The curation decisions: decision, entity, name, other, other_name, label, by, when.

        >>> open(memory=True).decisions().variables[:3]
        ['decision', 'entity', 'name']
        """
        from kxgraph.curation import listing

        return listing(self.store)
    # --- matching experts to technical needs (issue 17) -------------------------------------------

    def match(self, *, need: str | None = None, enterprise: str | None = None, expert: str | None = None,
              text: str | None = None, fields: Iterable[str] | None = None, top: int = 10,
              kind: str | None = None, mode: str = "both") -> Result:
        """Rank academicians, experts and workstations for technical needs, each with its evidence.

        One of ``need`` (IRI, CURIE or title), ``enterprise`` (its open needs), ``expert`` (the open
        needs they could serve) or ``text`` (an ad-hoc need, with ``fields``). The result's
        ``to_df()`` has ``evidence`` (zh) and ``evidence_en`` columns; ``result.matches`` keeps the
        structured evidence with the triples it cites; ``result.to_html()`` is a page.
        See ``kxgraph.match.api.match``.

        >>> open(memory=True).match(text="煤矿瓦斯监测预警")
        Traceback (most recent call last):
        kxgraph.errors.NotFoundError: the store holds no academicians, experts or workstations to match: load some first (generated, imported or demo data)
        """
        from kxgraph.match.api import match

        return match(self.store, need=need, enterprise=enterprise, expert=expert, text=text,
                     fields=list(fields) if fields is not None else None, top=top, kind=kind, mode=mode)

    def record_match(self, need: str, candidate: str) -> Result:
        """Record that ``candidate`` takes on ``need`` (as data, in ``kxg:matches``); needs a writable store.

        Returns a one-row table: need, candidate, the ``kx:NeedMatch`` node and the date.

        >>> open(memory=True).record_match("示例需求", "示例院士甲")
        Traceback (most recent call last):
        kxgraph.errors.NotFoundError: the store holds no academicians, experts or workstations to match: load some first (generated, imported or demo data)
        """
        from kxgraph.match.api import record

        return record(self.store, need, candidate)

    # --- reported figures (issue 8) ------------------------------------------------------------

    def report(self, *, period: str | None = None, area: str | None = None) -> "Report":
        """Reported figures beside the counts computed from entities, and the consistency rules.

        Returns a ``kxgraph.report.Report`` (a ``Result``); see ``kxgraph.report.report``.

        >>> open(memory=True).report().failed
        False
        """
        from kxgraph.report import report

        return report(self, period=period, area=area)


class _FigureKeeper:
    """Counts the report's figures after a write (``kxgraph.store.kept``), importing the report only then."""

    def __call__(self, store: Store) -> list:
        from kxgraph.report import keep_figures

        return keep_figures(store)

    def terms(self) -> Any:
        from kxgraph.report import count_terms

        return count_terms()


def open(path: str | Path | None = None, mode: str | None = None, *, memory: bool = False,  # noqa: A001
         endpoint: str | None = None, update_endpoint: str | None = None, read_only: bool | None = None,
         timeout: float | None = None) -> KxGraph:
    """Open the embedded store at ``path`` (default ``./.kxgraph``), in memory, or a SPARQL endpoint.

    ``mode`` is as in the CLI: ``"r"`` (the default) reads an existing store without taking its
    write lock, so ``kx`` commands can read it too while the notebook holds it; ``"rw"`` writes
    an existing store (one writer at a time: ``kx`` waits for ``close()``); ``"create"`` makes
    the store when it is missing. A mistyped path is a ``StoreError``, never a new empty store.
    ``read_only=True`` is the older spelling of ``mode="r"``. A memory store is always writable.
    An endpoint takes its credentials from ``KXGRAPH_ENDPOINT_USER`` / ``KXGRAPH_ENDPOINT_PASSWORD``.

    >>> g = open(memory=True)
    """
    from kxgraph.boundary import map_errors
    from kxgraph.errors import ParameterError
    from kxgraph.store import open_store

    if mode is None:
        mode = "r" if read_only or (read_only is None and not update_endpoint) else "rw"
    elif read_only and mode != "r":
        raise ParameterError(f"read_only=True contradicts mode={mode!r}")
    with map_errors():
        return KxGraph(open_store(path, memory=memory, endpoint=endpoint, update_endpoint=update_endpoint,
                                  mode=mode, timeout=timeout))


_last_opened: "weakref.ref[KxGraph] | None" = None


def last_opened() -> KxGraph | None:
    """The graph opened most recently in this process, if it is still alive."""
    return _last_opened() if _last_opened is not None else None
