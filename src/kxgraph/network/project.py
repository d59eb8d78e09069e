"""Project the RDF graph onto a networkx graph of collaboration links, pulling only what is needed.

Which links count is data (``ontology/collaboration.ttl``); the SPARQL lives in the catalogue
(``sparql/queries/network/*.rq``), each link's path bound as a ``path`` parameter.
A projection is one of: the whole collaboration graph, the neighbourhood of a focus entity
(a breadth-first search: per batch of the frontier, one query per link kind with the frontier
bound, so its work is the neighbourhood's, not the store's), the graph of a named query or
``.rq`` file (a CONSTRUCT, or a SELECT of ``?source ?target`` pairs), or a derived projection
declared in ``sparql/queries/projections/*.rq``.

Nodes are IRIs carrying ``type`` (CURIE of the most specific class), ``label_zh``, ``label_en``,
``synthetic``, ``source`` (the quoted passage or imported row) and one string attribute per property named by its
CURIE (``describe.properties(G, node)``), so GraphML takes them; edges carry
``link`` (the link key), ``subject`` (the IRI the link reads from) and ``weight``.

>>> import kxgraph
>>> g = kxgraph.open(memory=True)
>>> g.network().number_of_nodes()
0
"""

from __future__ import annotations

import functools
import gc
import re
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from kxgraph.errors import NotFoundError, ParameterError, QueryError, option
from kxgraph.network.describe import batches, describe_graph, expand_types, kept_types, run, stream
from kxgraph.resources import resource_path
from kxgraph.ontology import terms
from kxgraph.output.results import term_value
from kxgraph.vocab import KX, RDF, RDFS, expand_curie, shorten

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from kxgraph.protocols import GraphLike as KxGraph  # its shape; features never import the facade


@dataclass(frozen=True)
class Link:
    """A kind of collaboration link, as declared in ``ontology/collaboration.ttl``."""

    key: str
    iri: str
    path: str
    object_classes: tuple[str, ...]
    label: dict[str, str]
    verb: dict[str, str]
    inverse_verb: dict[str, str]
    context: bool = False  # says where or under what an entity is; left out unless named


@functools.cache
def links() -> dict[str, Link]:
    """The declared collaboration links by key (``works-at``, ``hosts``, …)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(resource_path("ontology/collaboration.ttl")), format=ox.RdfFormat.TURTLE)

    def objects(s, local: str, ns: str = KX) -> list:
        return [q.object for q in store.quads_for_pattern(s, ox.NamedNode(ns + local), None)]

    def by_lang(s, local: str, ns: str = KX) -> dict[str, str]:
        return {(o.language or ""): o.value for o in objects(s, local, ns)}

    found: dict[str, Link] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(RDF + "type"), ox.NamedNode(KX + "CollaborationLink")):
        s = quad.subject
        key = objects(s, "linkKey")[0].value
        found[key] = Link(key=key, iri=s.value, path=objects(s, "linkPath")[0].value,
                          object_classes=tuple(sorted(o.value for o in objects(s, "objectClass"))),
                          label=by_lang(s, "label", RDFS), verb=by_lang(s, "verb"),
                          inverse_verb=by_lang(s, "inverseVerb"),
                          context=any(o.value == "true" for o in objects(s, "context")))
    return dict(sorted(found.items()))


def resolve(graph: "KxGraph", name: str) -> str:
    """Return the IRI of an entity named by IRI, CURIE or exact label (through ``kxgraph.explore``).

    Raises ``NotFoundError`` when nothing matches, a ``KxError`` when a label is ambiguous.
    """
    from kxgraph.explore import resolve as resolve_entity

    try:
        return resolve_entity(graph.store, name).value
    except ValueError as exc:
        raise ParameterError(f"{name!r} is not a valid IRI: {exc}") from exc


def _link_rows(graph, chosen: list[Link], bounds: dict[str, list[str]] | None = None):
    """(s, o, link key) rows of the chosen links, one query per link kind so that a frontier in
    ``bounds`` (``{"s": [...]}`` or ``{"o": [...]}``) bounds each one: the work is the frontier's."""
    for link in chosen:
        values: dict[str, Any] = {"path": link.path, **_ordered(link, bounds or {})}
        if link.object_classes:
            values["class"] = list(link.object_classes)
        for s, o in run(graph, "network/edges-to-classes" if link.object_classes else "network/edges", values):
            yield s, o, link.key


def _ordered(link: Link, bounds: dict[str, Any]) -> dict[str, Any]:
    """``bounds`` in the order to read the link from when both ends are bound (the last ring of a
    neighbourhood): Oxigraph starts from the first ``VALUES`` block. A single inverse step
    (``^kx:participant``: a project has a few participants, an organisation takes part in thousands
    of projects) is read from its object's side, which is the subject of the stored triples; any
    other path from its subject's side (a person has a few memberships, an organisation thousands).
    At 20M triples the last ring of a depth-2 focus view took 2.5 s the other way round, 0.02 s this way.
    """
    if "s" in bounds and "o" in bounds and link.path.startswith("^") and not re.search(r"[/|]", link.path):
        return {"o": bounds["o"], "s": bounds["s"]}
    return bounds


def _typed(graph, types: set[str] | None) -> set[str] | None:
    """The entities of ``types`` (None: no type filter)."""
    if not types:
        return None
    return {row[0].value for row in run(graph, "network/typed", {"class": sorted(types)})}


class _TypedAmong:
    """Which nodes have one of ``types``, asked only about the nodes met (None: no type filter)."""

    def __init__(self, graph, types: set[str] | None) -> None:
        self.graph, self.types, self.known, self.typed = graph, sorted(types or ()), set(), set()

    def filter(self, rows) -> tuple[list, set[str] | None]:
        rows = list(rows)
        if not self.types:
            return rows, None
        new = sorted({x.value for row in rows for x in row[:2]} - self.known)
        for batch in batches(new):
            self.typed |= {r[0].value for r in run(self.graph, "network/typed-among", {"n": batch, "class": self.types})}
        self.known.update(new)
        return rows, self.typed


def _chosen_links(link_keys: Iterable[str] | None) -> list[Link]:
    declared = links()
    if not link_keys:  # collaboration only: context links (places, programmes) only when named
        return [link for link in declared.values() if not link.context]
    unknown = [k for k in link_keys if k not in declared and k != "all"]
    if unknown:
        raise ParameterError(f"unknown link {unknown[0]!r}; choose from all, {', '.join(declared)}")
    if "all" in link_keys:
        return list(declared.values())
    return [declared[k] for k in link_keys]


def _add_edges(G: "nx.Graph", rows, *, keep=None, allowed: set[str] | None = None) -> set[str]:
    """Add (s, o, link) rows between ``allowed`` nodes; return the endpoints not yet in ``keep`` (when given)."""
    new: set[str] = set()
    for s, o, link in rows:
        s, o = s.value, o.value
        if allowed is not None and (s not in allowed or o not in allowed):
            continue
        if G.has_edge(s, o):
            if link not in G.edges[s, o]["link"].split("|"):
                G.edges[s, o]["link"] += "|" + link
            continue
        G.add_edge(s, o, link=link, subject=s, weight=1)
        if keep is not None:
            new.update(x for x in (s, o) if x not in keep)
    return new


def _whole(graph, chosen, types, kept: dict[str, frozenset[str]] | None = None,
           read: dict[str, list] | None = None) -> "nx.Graph":
    """Every link of the ``chosen`` kinds (between nodes of ``types``), gathered in plain dicts and
    handed to networkx at once: the same nodes, links and order as adding them one by one.

    With ``kept`` (every entity's classes, from the label index) the links are read as stored and
    the classes checked here, instead of per link in SPARQL; a link of plain properties is read a
    property at a time, each property's statements kept in ``read`` for the nodes' details."""
    import networkx as nx

    if kept is None:
        allowed = _typed(graph, types)
        rows = ((s.value, o.value, key) for s, o, key in _link_rows(graph, chosen))
    else:
        allowed = None if not types else {e for e, classes in kept.items() if classes & types}
        rows = _stored_links(graph, chosen, kept, {} if read is None else read)
    edges: dict[tuple[str, str], list[str]] = {}
    for s, o, link in rows:
        if allowed is not None and (s not in allowed or o not in allowed):
            continue
        known = edges.get((s, o)) or edges.get((o, s))
        if known is None:
            edges[s, o] = [link]
        elif link not in known:
            known.append(link)
    G = nx.Graph(kind="collaboration")
    G.add_edges_from((s, o, {"link": "|".join(keys), "subject": s, "weight": 1}) for (s, o), keys in edges.items())
    return G


def _stored_links(graph, chosen: list[Link], kept: dict[str, frozenset[str]], read: dict[str, list]):
    """(s, o, link key) of every link of the chosen kinds between two different IRIs whose object has
    one of the link's object classes (what network/edges and network/edges-to-classes answer)."""
    import pyoxigraph as ox

    nothing: frozenset[str] = frozenset()
    named = ox.NamedNode
    for link in chosen:
        classes = set(link.object_classes)
        steps = _steps(link.path)
        pairs = (_path_pairs(graph, steps, read) if steps is not None
                 else stream(graph, "network/links", {"path": link.path}))
        for s, o in pairs:
            if type(s) is not named or type(o) is not named:
                continue
            s, o = s.value, o.value
            if s != o and (not classes or kept.get(o, nothing) & classes):
                yield s, o, link.key


_STEP = re.compile(r"(\^?)([A-Za-z][\w.-]*:[\w.-]+)")


def _steps(path: str) -> list[list[tuple[str, bool]]] | None:
    """A link path of plain properties as alternatives (``|``) of sequences (``/``) of (property IRI,
    read backwards); None for any other path (read by the store's own path evaluation)."""
    alternatives = []
    for alternative in path.split("|"):
        sequence = []
        for step in alternative.split("/"):
            found = _STEP.fullmatch(step.strip())
            iri = expand_curie(found.group(2)) if found else None
            if iri is None:
                return None
            sequence.append((iri, bool(found.group(1))))
        alternatives.append(sequence)
    return alternatives


def _path_pairs(graph, alternatives: list[list[tuple[str, bool]]], read: dict[str, list]):
    """The (start, end) terms of a path of plain properties, in the order the store's path evaluation
    gives them (each alternative in turn; a sequence from its first step's statements, each followed
    by the next step's statements of its end), from each property's statements read once."""
    for sequence in alternatives:
        (first, backwards), rest = sequence[0], sequence[1:]
        rows = _predicate_rows(graph, first, read)
        pairs = ((v, n) for n, v in rows) if backwards else iter(rows)
        for iri, back in rest:
            following: dict[Any, list] = {}
            for n, v in _predicate_rows(graph, iri, read):
                start, end = (v, n) if back else (n, v)
                following.setdefault(start, []).append(end)
            pairs = _followed(pairs, following)
        yield from pairs


def _followed(pairs, following: dict[Any, list]):
    for start, middle in pairs:
        for end in following.get(middle, ()):
            yield start, end


def _predicate_rows(graph, iri: str, read: dict[str, list]) -> list:
    """The (subject, object) terms of every statement of property ``iri`` (read once, kept in ``read``)."""
    rows = read.get(iri)
    if rows is None:
        rows = read[iri] = list(stream(graph, "network/predicate-values", {"p": iri}))
    return rows


def _neighbourhood(graph, start: str, depth: int, chosen, types, *, stop_at: str | None = None) -> "nx.Graph":
    """Breadth-first search from ``start`` to ``depth`` hops: per batch of the frontier, one query per
    link kind and side, so the work grows with the neighbourhood, not with the store. Links between
    two nodes of the last ring are fetched too (they belong to the neighbourhood's picture)."""
    import networkx as nx

    typed = _TypedAmong(graph, types)
    G = nx.Graph(kind="focus", focus=start, depth=depth)
    G.add_node(start)
    seen = {start}
    frontier = [start]
    for step in range(depth):
        new: set[str] = set()
        for batch in batches(sorted(frontier)):
            for var in ("s", "o"):
                rows, allowed = typed.filter(_link_rows(graph, chosen, {var: batch}))
                new |= _add_edges(G, rows, keep=seen, allowed=allowed)
        seen |= new
        frontier = sorted(new)
        if not frontier or (stop_at is not None and stop_at in seen):
            break
        if step == depth - 1 and stop_at is None:  # the last ring: only the links among nodes already drawn
            for batch in batches(frontier):
                for others in batches(frontier):
                    rows, allowed = typed.filter(_link_rows(graph, chosen, {"s": batch, "o": others}))
                    _add_edges(G, rows, allowed=allowed)
    return G


def _query_text(query: str, params: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """Text and bound parameters of a ``.rq`` file, a shipped projection or a named query."""
    from kxgraph.sparql.catalogue import resolve

    return resolve(query).bind(params)


def projections() -> list[str]:
    """Names of the derived projections shipped in ``sparql/queries/projections``."""
    from kxgraph.sparql.catalogue import names

    return names("projections")


def _from_query(graph, text: str, kind: str, substitutions: dict[str, Any]) -> "nx.Graph":
    import networkx as nx

    result = graph.query(text, substitutions=substitutions or None)
    G = nx.Graph(kind=kind)
    if result.kind == "graph":
        for t in result.triples:
            if type(t.object).__name__ == "NamedNode" and t.subject != t.object:
                G.add_edge(t.subject.value, t.object.value, link=shorten(t.predicate.value),
                           subject=t.subject.value, weight=1)
        return G
    if result.kind != "select" or len(result.variables) < 2:
        raise QueryError("a network query is a CONSTRUCT, or a SELECT of ?source ?target (or two IRI columns)")
    names = result.variables
    labels, parents = terms()

    def entity_column(i: int) -> bool:  # IRIs that are not classes of the ontology
        cells = [row[i] for row in result.rows if row[i] is not None]
        return bool(cells) and all(type(c).__name__ == "NamedNode" for c in cells) and not all(
            c.value in labels or c.value in parents for c in cells)

    iri_columns = [i for i in range(len(names)) if entity_column(i)]
    if "source" in names and "target" in names:
        si, ti = names.index("source"), names.index("target")
    elif len(iri_columns) >= 2:  # e.g. ?collaborator … ?via: the first two columns of IRIs
        si, ti = iri_columns[:2]
    else:
        return G
    wi = names.index("weight") if "weight" in names else None
    li = names.index("link") if "link" in names else None
    for row in result.rows:
        s, t = row[si], row[ti]
        if s is None or t is None or type(s).__name__ == "Literal" or type(t).__name__ == "Literal" or s == t:
            continue
        weight = term_value(row[wi]) if wi is not None and row[wi] is not None else 1
        link = term_value(row[li]) if li is not None and row[li] is not None else "linked"
        G.add_edge(s.value, t.value, link=str(link), subject=s.value, weight=weight)
    return G


def project(graph: "KxGraph", *, focus: str | None = None, depth: int = 2,
            types: Iterable[str] | None = None, query: str | None = None,
            projection: str | None = None, links: Iterable[str] | None = None,
            params: dict[str, str] | None = None, properties: bool = True, labels: bool = True,
            brief_above: int | None = None) -> "nx.Graph":
    """Return the collaboration network (or the part asked for) as an undirected networkx graph.

    ``focus`` (IRI, CURIE or exact label) with ``depth`` pulls a neighbourhood; ``types`` keeps
    nodes of those classes (and subclasses); ``query`` (named query or ``.rq`` file) or
    ``projection`` (``academician-academician`` …) replace the declared links (``params`` fill a
    named query's parameters, e.g. ``{"entity": "syn-seed-0-scale-1:academician-1"}``); ``links`` names the links to follow
    (``works-at``, ``hosts`` …); ``properties=False`` leaves out the nodes' literal properties
    (what analysis does not need, and half the time on a large network); ``labels=False`` only
    each node's type, the rest asked by ``describe.describe_later`` for the nodes shown; a network of more
    than ``brief_above`` nodes gets only the properties that name a node (``describe.NAMING``: alternative
    labels, pinyin) and says so (``G.graph["details"] == "brief"``): an overview page's panels,
    which ``kx show`` completes. By default every
    declared link except the context links
    (``located-in``, ``part-of``): a district or programme is not a collaborator, and with them it
    would be the best-connected "broker" of every analysis; ``links=["all"]`` follows every link.

    >>> import kxgraph
    >>> kxgraph.open(memory=True).network(types=["kx:Academician"]).number_of_edges()
    0
    """
    import networkx as nx

    if depth < 0:
        raise ParameterError(f"{option('depth')} must be 0 or more")
    if query and projection:
        raise ParameterError("give a query or a projection, not both")
    wanted = expand_types(types) if types else None
    focus_iri = resolve(graph, focus) if focus else None
    if projection:
        if projection not in projections():
            raise NotFoundError(f"no projection {projection!r}; choose from {', '.join(projections())}")
        query = f"projections/{projection}"
    if query:
        text, bound = _query_text(query, dict(params or {}))
        G = _from_query(graph, text, "projection" if projection else "query", bound)
        if projection:
            G.graph["projection"] = projection
        describe_graph(graph, G, properties=properties, labels=labels, brief=_brief(G, brief_above))
        if wanted:
            keep = {c for c in wanted}
            G = G.subgraph(n for n, d in G.nodes(data=True) if expand_curie(d["type"]) in keep).copy()
        if focus_iri:
            if focus_iri not in G:
                raise NotFoundError(f"{focus} is not in this projection")
            G = nx.ego_graph(G, focus_iri, radius=depth)
        return G
    chosen = _chosen_links(links)
    if focus_iri:
        G = _neighbourhood(graph, focus_iri, depth, chosen, wanted)
        describe_graph(graph, G, properties=properties, labels=labels, brief=_brief(G, brief_above))
        return G
    with _acyclic():
        kept = kept_types(graph)  # the whole network: every node's classes in one read, when kept
        read: dict[str, list] = {}  # the statements of the properties links were read from, by property
        G = _whole(graph, chosen, wanted, kept, read)
        describe_graph(graph, G, properties=properties, labels=labels, kept=kept, whole=True, read=read,
                  brief=_brief(G, brief_above))
        del read
    return G


@contextmanager
def _acyclic():
    """Python's cyclic garbage collector paused: a whole network is millions of small dicts, tuples
    and strings, none in a cycle, and each full collection walks them all again (12 of them, 2 s of
    14 s, at 220,000 nodes)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def _brief(G: "nx.Graph", above: int | None) -> bool:
    """True (and said in ``G.graph["details"]``) when ``G`` has more than ``above`` nodes."""
    if above is None or G.number_of_nodes() <= above:
        return False
    G.graph["details"] = "brief"
    return True


def neighbourhood_until(graph: "KxGraph", start: str, goal: str, *, max_depth: int,
                        links: Iterable[str] | None = None) -> "nx.Graph":
    """The neighbourhoods of ``start`` and ``goal`` grown until they meet (at most ``max_depth`` hops).

    Bidirectional: each step grows the side with the smaller frontier, so a hub near one end does
    not pull its whole neighbourhood; every shortest path lies inside what is grown. The command's
    deadline (``kxgraph.deadline``) is checked before every query.

    The nodes are not described (a hub can bring tens of thousands): ``describe`` the ones shown.
    """
    return _meet(graph, start, goal, max_depth, _chosen_links(links))


def _meet(graph, start: str, goal: str, max_depth: int, chosen) -> "nx.Graph":
    import networkx as nx

    from kxgraph import deadline

    G = nx.Graph(kind="focus", focus=start, depth=max_depth)
    G.add_nodes_from((start, goal))
    seen = {start: {start}, goal: {goal}}
    frontier = {start: [start], goal: [goal]}
    for _ in range(max_depth):
        side = start if len(frontier[start]) <= len(frontier[goal]) else goal
        new: set[str] = set()
        for batch in batches(sorted(frontier[side])):
            for var in ("s", "o"):
                deadline.check()
                new |= _add_edges(G, _link_rows(graph, chosen, {var: batch}), keep=seen[side])
        seen[side] |= new
        frontier[side] = sorted(new)
        if seen[start] & seen[goal] or not frontier[side]:
            break
    return G


