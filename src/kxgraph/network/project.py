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
CURIE (``properties(G, node)``), so GraphML takes them; edges carry
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
from kxgraph.resources import resource_path
from kxgraph.ontology import terms
from kxgraph.output.results import term_value
from kxgraph.vocab import DCTERMS, KX, PROV, RDF, RDFS, SKOS, SYN, expand_curie, shorten

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from kxgraph.protocols import GraphLike as KxGraph  # its shape; features never import the facade

BATCH = 500  # IRIs per VALUES block: big enough to be few queries, small enough to stay fast
MAX_PROPS = 40  # statements per node shown in a details panel
WHOLE_ABOVE = 10 * BATCH  # nodes of a whole network described from reads of the whole store, not per batch,
WHOLE_SHARE = 4           # … when they are also more than a quarter of the store's typed entities
# The properties a brief details panel keeps (an overview page's): what else names a node, which
# the page's search finds it by. Every other property is left to ``kx show``.
NAMING = (SKOS + "altLabel", KX + "pinyin")


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


def _ancestors(cls: str) -> set[str]:
    _, parents = terms()
    seen: set[str] = set()
    todo = [cls]
    while todo:
        for p in parents.get(todo.pop(), ()):
            if p not in seen:
                seen.add(p)
                todo.append(p)
    return seen


def most_specific(types: Iterable[str]) -> str | None:
    """The deepest class among ``types`` (kx classes first), or None."""
    types = sorted(set(types))
    if not types:
        return None
    return max(types, key=lambda t: (t.startswith(KX), len(_ancestors(t)), t))


def type_label(type_curie: str | None, lang: str = "zh") -> str:
    """The zh/en label of a class given as CURIE or IRI (its CURIE when the ontology has none)."""
    if not type_curie:
        return ""
    iri = expand_curie(type_curie) or type_curie
    names = terms()[0].get(iri, {})
    return names.get(lang) or names.get("en") or shorten(iri)


def expand_types(types: Iterable[str]) -> set[str]:
    """IRIs of the given classes (CURIEs, IRIs or local kx names) and of all their subclasses."""
    labels, parents = terms()
    known = set(labels) | set(parents)
    wanted: set[str] = set()
    for t in types:
        iri = t if "://" in t else expand_curie(t) or (KX + t if ":" not in t else None)
        if iri is None:
            raise ParameterError(f"unknown type {t!r}: give a CURIE such as kx:Academician")
        if iri not in known:
            raise ParameterError(f"unknown type {t!r}: not a class of ontology/kx.ttl")
        wanted.add(iri)
    return wanted | {c for c in parents if _ancestors(c) & wanted}


def resolve(graph: "KxGraph", name: str) -> str:
    """Return the IRI of an entity named by IRI, CURIE or exact label (through ``kxgraph.explore``).

    Raises ``NotFoundError`` when nothing matches, a ``KxError`` when a label is ambiguous.
    """
    from kxgraph.explore import resolve as resolve_entity

    try:
        return resolve_entity(graph.store, name).value
    except ValueError as exc:
        raise ParameterError(f"{name!r} is not a valid IRI: {exc}") from exc


def _run(graph, name: str, values: dict[str, Any]):
    """Rows of the shipped query ``name`` with ``values`` bound (the catalogue's one binder)."""
    from kxgraph.sparql.catalogue import query

    return query(graph.store, name, values).rows


def _stream(graph, name: str, values: dict[str, Any]):
    """Rows of the shipped query ``name`` as the store yields them, for reads of the whole store
    (no table of every row first); the command's deadline is checked every 65,536 rows."""
    from itertools import islice

    from kxgraph import deadline
    from kxgraph.sparql.catalogue import entry

    bound = entry(name).bind(values)
    deadline.check()
    _, _, rows = graph.store.solutions(bound.text, substitutions=bound.substitutions)
    while True:  # a chunk at a time: no Python step of our own per row
        chunk = list(islice(rows, 0x10000))
        if not chunk:
            return
        yield from chunk
        deadline.check()


def _batches(items: list[str], size: int = BATCH):
    """The IRIs in ``items`` as lists of ``NamedNode`` terms, ``size`` at a time."""
    import pyoxigraph as ox

    for start in range(0, len(items), size):
        yield [ox.NamedNode(i) for i in items[start:start + size]]


def _link_rows(graph, chosen: list[Link], bounds: dict[str, list[str]] | None = None):
    """(s, o, link key) rows of the chosen links, one query per link kind so that a frontier in
    ``bounds`` (``{"s": [...]}`` or ``{"o": [...]}``) bounds each one: the work is the frontier's."""
    for link in chosen:
        values: dict[str, Any] = {"path": link.path, **_ordered(link, bounds or {})}
        if link.object_classes:
            values["class"] = list(link.object_classes)
        for s, o in _run(graph, "network/edges-to-classes" if link.object_classes else "network/edges", values):
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
    return {row[0].value for row in _run(graph, "network/typed", {"class": sorted(types)})}


class _TypedAmong:
    """Which nodes have one of ``types``, asked only about the nodes met (None: no type filter)."""

    def __init__(self, graph, types: set[str] | None) -> None:
        self.graph, self.types, self.known, self.typed = graph, sorted(types or ()), set(), set()

    def filter(self, rows) -> tuple[list, set[str] | None]:
        rows = list(rows)
        if not self.types:
            return rows, None
        new = sorted({x.value for row in rows for x in row[:2]} - self.known)
        for batch in _batches(new):
            self.typed |= {r[0].value for r in _run(self.graph, "network/typed-among", {"n": batch, "class": self.types})}
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
                 else _stream(graph, "network/links", {"path": link.path}))
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
        rows = read[iri] = list(_stream(graph, "network/predicate-values", {"p": iri}))
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
        for batch in _batches(sorted(frontier)):
            for var in ("s", "o"):
                rows, allowed = typed.filter(_link_rows(graph, chosen, {var: batch}))
                new |= _add_edges(G, rows, keep=seen, allowed=allowed)
        seen |= new
        frontier = sorted(new)
        if not frontier or (stop_at is not None and stop_at in seen):
            break
        if step == depth - 1 and stop_at is None:  # the last ring: only the links among nodes already drawn
            for batch in _batches(frontier):
                for others in _batches(frontier):
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


def _kept_types(graph) -> dict[str, frozenset[str]] | None:
    """Every entity's classes from the store's label index, or None (no index in step: ask SPARQL)."""
    from kxgraph.store.entitytypes import entity_types

    return entity_types(graph.store)


def _described(node: str) -> bool:
    """True for an IRI node, which the store can describe (a query's projection may give others)."""
    return "://" in node or node.startswith("urn:")


def _describe(graph, G: "nx.Graph", *, properties: bool = True, labels: bool = True,
              kept: dict[str, frozenset[str]] | None = None, whole: bool = False,
              read: dict[str, list] | None = None, brief: bool = False) -> None:
    """Fill in node attributes with two queries per batch of nodes (one without ``properties``), or,
    for a ``whole`` network of more than ``WHOLE_ABOVE`` nodes (and a ``WHOLE_SHARE`` of the store's
    typed entities), reads of the whole store a property at a time (``_describe_whole``). ``brief``
    keeps only the ``NAMING`` properties.

    Without ``labels``, only each node's type, with one light query per batch; the rest of a node
    is asked when ``describe_later`` is called for it (analysis: the nodes its table shows)."""
    if not labels:
        _types_only(graph, G, kept)
        return
    nodes = [n for n in G.nodes if _described(n)]
    # reads of the whole store cost the store, batches the nodes: whole reads only for a network of
    # many nodes that is a good part of the store (not a --type slice of a big one)
    if whole and kept is not None and len(nodes) > max(WHOLE_ABOVE, len(kept) // WHOLE_SHARE):
        _describe_whole(graph, G, nodes, properties=properties, kept=kept, read=read or {}, brief=brief)
    else:
        _describe_nodes(graph, G, nodes, properties=properties, only=NAMING if brief else None)


def _language(label: Any) -> str | None:
    """Which of a node's labels ``label`` is: "zh", "en", "plain" (no language tag) or None (another)."""
    if type(label).__name__ != "Literal":
        return None
    lang = (label.language or "").lower()
    return (_slot(lang) or None) if lang else "plain"


def _describe_whole(graph, G: "nx.Graph", nodes: list[str], *, properties: bool,
                    kept: dict[str, frozenset[str]] | None, read: dict[str, list] | None = None,
                    brief: bool = False) -> None:
    """What ``_describe_nodes`` gives every node, from reads of the whole store (and the kept types)
    instead of two queries per batch of nodes: a network of most of the store's entities.

    The store is read a property at a time (``network/predicate-values``): a row's property is then
    never read back from the store (each IRI read back is a lookup in the store's string table, the
    bulk of the work), and the properties the links were read from (``read``) are not read again.
    A node with more than ``MAX_PROPS`` statements has them read again in the store's order per node
    (``network/properties``), so its panel keeps the same first ones. Labels, pinyin and markers
    come from the label index when it is in step with the store (``_kept_names``). ``brief`` keeps
    only the ``NAMING`` properties: the store is then read for the nodes' sources alone."""
    import pyoxigraph as ox

    _set_types(graph, G, nodes, kept)
    found: dict[str, dict[str, Any]] = {n: {} for n in nodes}
    fields = {RDFS + "label": "label", KX + "synthetic": "synthetic", DCTERMS + "source": "row"}
    skipped = {RDF + "type", PROV + "wasDerivedFrom"}  # types are kept; passages are read through their path
    only = set(NAMING) if brief else None  # the properties a panel keeps (None: all)
    if brief and read:
        read.clear()  # the links' statements: no panel shows them
    names = _kept_names(graph, found)  # each node's labels by language and pinyin, from the index; or None
    pinyin = None if names is None else names.pop("pinyin")
    if names is not None:
        skipped.update((RDFS + "label", KX + "synthetic"))
    zh_of, en_of, plain_of = ({} if names is None else names.get(key, {}) for key in ("zh", "en", "plain"))
    counts = dict.fromkeys(nodes, 0) if properties else {}
    props: dict[str, dict[str, list[str]]] = {}
    named = ox.NamedNode
    curie: dict[str, str] = {}  # property and IRI values recur on many nodes; shorten is not free

    def short(iri: str) -> str:
        found_ = curie.get(iri)
        if found_ is None:
            found_ = curie[iri] = shorten(iri)
        return found_

    if only is None:
        predicates = [p.value for (p,) in _stream(graph, "network/predicates", {}) if type(p) is named]
    else:  # which properties the store holds matters only for the panel's cap, of these few
        predicates = [*fields, *NAMING]
    # a generated node is synthetic whatever its marker says: the markers are read for the others only
    others = [n for n in nodes if not n.startswith(SYN)]
    if names is None and len(others) <= len(nodes) // WHOLE_SHARE:
        skipped.add(KX + "synthetic")
        for batch in _batches(others):
            _first_values(found, "synthetic", _run(graph, "network/synthetic", {"n": batch}))
    literal: dict[Any, str] = {}  # years, statuses, levels … recur on many nodes
    for p in predicates:
        if p in skipped or (p not in fields and only is not None and p not in only):
            continue
        if p == KX + "pinyin" and pinyin is not None:  # from the index: text, not terms
            if properties:
                _add_texts(props, counts, short(p), pinyin)
            continue
        rows = read.pop(p, None) if read else None
        if rows is None:
            rows = _stream(graph, "network/predicate-values", {"p": p})
        what = fields.get(p)
        if what is not None:
            _first_values(found, what, rows)
            continue
        if not properties:
            continue
        key = short(p)
        for n, v in rows:
            n = n.value
            c = counts.get(n)
            if c is None:
                continue
            counts[n] = c + 1
            if c >= MAX_PROPS:
                continue
            if type(v) is named:
                value = short(v.value)
            else:
                value = literal.get(v)
                if value is None:
                    value = literal[v] = str(term_value(v))
            mine = props.get(n)
            if mine is None:
                props[n] = {key: [value]}
            elif key in mine:
                mine[key].append(value)
            else:
                mine[key] = [value]
    del literal
    _first_values(found, "passage", _stream(graph, "network/whole-passages", {}))
    attrs = dict(G.nodes(data=True))  # each node's own attribute dict, without a view per lookup
    for n in nodes:
        mine, data = found[n], attrs[n]
        plain, src = mine.get("plain") or plain_of.get(n), mine.get("row")
        data.update(type=data.get("type", ""), label_zh=mine.get("zh") or zh_of.get(n) or plain or "",
                    label_en=mine.get("en") or en_of.get(n) or plain or "",
                    synthetic=bool(mine.get("synthetic")) or n.startswith(SYN),
                    source=mine.get("passage") or (shorten(src) if src else ""))
    if not properties:
        return
    # read a property at a time, a node's first MAX_PROPS statements are not the store's first ones
    props.update(_properties(graph, [n for n, c in counts.items() if c > MAX_PROPS], only))
    for n, mine in props.items():
        attrs[n].update((p, "; ".join(v)) for p, v in sorted(mine.items()))


def _add_texts(props: dict[str, dict[str, list[str]]], counts: dict[str, int], key: str,
               texts: dict[str, list[str]]) -> None:
    """Add each node's ``texts`` as values of the property ``key`` to its panel, as the loop over a
    property's statements in ``_describe_whole`` does (counted, at most ``MAX_PROPS`` a node)."""
    for n, values in texts.items():
        c = counts.get(n)
        if c is None:
            continue
        counts[n] = c + len(values)
        values = values[:max(0, MAX_PROPS - c)]
        if values:
            props.setdefault(n, {}).setdefault(key, []).extend(values)


def _kept_names(graph, found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]] | None:
    """Each node's labels from the label index by language (``{"zh": {node: text}, "en": …,
    "plain": …}``) and its ``kx:pinyin`` texts (``"pinyin": {node: [text, …]}``), its
    ``kx:synthetic`` mark set in ``found``; None when no index is in step with the store (then read
    the store). A node whose labels of one language (or pinyin) differ is read from the store
    (``network/names``) into ``found``, since which comes first is the store's order."""
    from kxgraph.store.entitytypes import entity_names

    kept = entity_names(graph.store, outside=SYN)  # a generated node is synthetic whatever its mark
    if kept is None:
        return None
    by_lang, marked = kept
    twice: set[str] = set()
    slots: dict[str, dict[str, Any]] = {}
    for lang, rows in by_lang.items():
        key = "pinyin" if lang is None else _slot(lang) if lang else "plain"
        if not key or key == "pinyin":
            continue
        texts = dict(rows)  # in C; a node with two labels of the language is told by the count
        if len(texts) < len(rows) or key in slots:
            twice.update(_differing(rows, slots.get(key, {})))
            slots.setdefault(key, {}).update(texts)
        else:
            slots[key] = texts
    pinyin: dict[str, list[str]] = {}
    for entity, text in by_lang.get(None, ()):
        if entity in found:
            pinyin.setdefault(entity, []).append(text)
    del by_lang
    twice.update(n for n, texts in pinyin.items() if len(texts) > 1 and len(set(texts)) > 1)
    for n in marked:
        mine = found.get(n)
        if mine is not None:
            mine["synthetic"] = True
    twice &= found.keys()
    if twice:
        for n in twice:
            for texts in slots.values():
                texts.pop(n, None)
            pinyin.pop(n, None)
        for batch in _batches(sorted(twice)):
            for n, p, v in _run(graph, "network/names", {"n": batch}):
                if p.value == RDFS + "label":
                    _first_values(found, "label", [(n, v)])
                elif type(v).__name__ == "Literal":
                    pinyin.setdefault(n.value, []).append(str(term_value(v)))
    slots["pinyin"] = pinyin
    return slots


def _differing(rows: list[tuple[str, str]], known: dict[str, str]) -> set[str]:
    """The entities among ``rows`` given two different texts (counting ``known``'s)."""
    seen = dict(known)
    found = set()
    for entity, text in rows:
        if seen.setdefault(entity, text) != text:
            found.add(entity)
    return found


def _slot(lang: str) -> str:
    """Which of a node's labels a label of (lower-cased) ``lang`` is: "zh", "en" or "" (neither)."""
    for wanted in ("zh", "en"):
        if lang == wanted or lang.startswith(wanted + "-"):
            return wanted
    return ""


def _first_values(found: dict[str, dict[str, Any]], what: str, rows) -> None:
    """Keep in ``found`` each node's first value of ``what`` among ``rows`` (labels by language), as
    ``network/nodes``'s SAMPLE takes it."""
    label = what == "label"
    for n, v in rows:
        mine = found.get(n.value)
        if mine is None:
            continue
        key = _language(v) if label else what
        if key is not None and key not in mine:
            mine[key] = v.value if label and v.language else term_value(v)  # a language's label: its text


def _properties(graph, nodes: list[str], only: Iterable[str] | None = None) -> dict[str, dict[str, list[str]]]:
    """The details-panel statements of ``nodes`` (their first ``MAX_PROPS`` in the store's order),
    by node and property CURIE, one query per batch of nodes; with ``only``, of those properties."""
    props: dict[str, dict[str, list[str]]] = {}
    keep = None if only is None else set(only)
    for batch in _batches(nodes):
        for n, p, v in _run(graph, "network/properties", {"n": batch}):
            if keep is not None and p.value not in keep:
                continue
            mine = props.setdefault(n.value, {})
            if sum(len(x) for x in mine.values()) < MAX_PROPS:  # a property past the cap gets no empty row
                mine.setdefault(shorten(p.value), []).append(
                    shorten(v.value) if type(v).__name__ == "NamedNode" else str(term_value(v)))
    return props


@functools.lru_cache(maxsize=None)
def _type_curie(types: frozenset[str]) -> str:
    """CURIE of the most specific of ``types`` ("" for none): a few hundred sets among all nodes."""
    type_iri = most_specific(types)
    return shorten(type_iri) if type_iri else ""


def _types_only(graph, G: "nx.Graph", kept: dict[str, frozenset[str]] | None = None) -> None:
    nodes = [n for n in G.nodes if _described(n)]
    _set_types(graph, G, nodes, kept)
    for _, data in G.nodes(data=True):
        data.setdefault("type", "")
    G.graph["describe_later"] = lambda wanted: _describe_nodes(
        graph, G, [n for n in wanted if "label_zh" not in G.nodes[n] and _described(n)],
        properties=False)


def _set_types(graph, G: "nx.Graph", nodes: list[str], kept: dict[str, frozenset[str]] | None) -> None:
    """Each node's type: from the label index's kept types when the store has them (one read for
    the whole network), else one light query per batch of nodes."""
    if kept is None and len(nodes) > BATCH:  # a few nodes: SPARQL is cheaper than reading every type
        kept = _kept_types(graph)
    if kept is not None:
        nothing: frozenset[str] = frozenset()
        attrs = dict(G.nodes(data=True))
        for n in nodes:
            attrs[n]["type"] = _type_curie(frozenset(kept.get(n, nothing)))
    else:
        for batch in _batches(nodes):
            for n, types in _run(graph, "network/node-types", {"n": batch}):
                G.nodes[n.value]["type"] = _type_curie(frozenset((term_value(types) or "").split()))


def describe_later(G: "nx.Graph", nodes: Iterable[str]) -> None:
    """Labels and the rest for ``nodes`` of a network projected without them (see ``_describe``)."""
    later = G.graph.get("describe_later")
    if later is not None:
        later(list(nodes))


def _describe_nodes(graph, G: "nx.Graph", nodes: list[str], *, properties: bool,
                    only: Iterable[str] | None = None) -> None:
    for batch in _batches(nodes):
        for row in _run(graph, "network/nodes", {"n": batch}):
            n, types, zh, en, plain, syn, passage, src = (term_value(x) for x in row)
            type_iri = most_specific((types or "").split())
            G.nodes[n].update(
                type=shorten(type_iri) if type_iri else "", label_zh=zh or plain or "",
                label_en=en or plain or "", synthetic=bool(syn) or n.startswith(SYN),
                source=passage or (shorten(src) if src else ""))
    props = _properties(graph, nodes, only) if properties else {}
    for n in nodes:
        data = G.nodes[n]
        data.setdefault("type", "")
        data.setdefault("label_zh", "")
        data.setdefault("label_en", "")
        data.setdefault("synthetic", n.startswith(SYN))
        data.setdefault("source", "")
        # One attribute per property, named by its CURIE: strings only, so GraphML and GEXF take them.
        data.update((p, "; ".join(v)) for p, v in sorted(props.get(n, {}).items()))



def describe_academies(graph: "KxGraph", G: "nx.Graph") -> None:
    """Give each node the academies and divisions that elected it, by name: ``academy_zh``,
    ``academy_en``, ``division_zh``, ``division_en`` (several joined by " + ", as a 两院院士's
    two academies; empty for everyone else), so a view can colour by them.

    >>> import kxgraph, networkx as nx
    >>> G = nx.Graph(); G.add_node("https://example.org/synthetic/nobody")
    >>> describe_academies(kxgraph.open(memory=True), G); G.nodes["https://example.org/synthetic/nobody"]["academy_zh"]
    ''
    """
    found: dict[str, dict[str, list[str]]] = {}
    nodes = [n for n in G.nodes if _described(n)]
    for batch in _batches(nodes):
        for row in _run(graph, "network/academies", {"n": batch}):
            n, academy, academy_zh, academy_en, division, division_zh, division_en = (
                term_value(x) if x is not None else None for x in row)
            mine = found.setdefault(n, {})
            for key, iri, zh, en in (("academy", academy, academy_zh, academy_en),
                                     ("division", division, division_zh, division_en)):
                if iri is None:
                    continue
                for lang, name in (("zh", zh or en or shorten(iri)), ("en", en or zh or shorten(iri))):
                    names = mine.setdefault(f"{key}_{lang}", [])
                    if name not in names:
                        names.append(name)
    for n, data in G.nodes(data=True):
        for attribute in ("academy_zh", "academy_en", "division_zh", "division_en"):
            data[attribute] = " + ".join(found.get(n, {}).get(attribute, []))


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
    each node's type, the rest asked by ``describe_later`` for the nodes shown; a network of more
    than ``brief_above`` nodes gets only the properties that name a node (``NAMING``: alternative
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
        _describe(graph, G, properties=properties, labels=labels, brief=_brief(G, brief_above))
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
        _describe(graph, G, properties=properties, labels=labels, brief=_brief(G, brief_above))
        return G
    with _acyclic():
        kept = _kept_types(graph)  # the whole network: every node's classes in one read, when kept
        read: dict[str, list] = {}  # the statements of the properties links were read from, by property
        G = _whole(graph, chosen, wanted, kept, read)
        _describe(graph, G, properties=properties, labels=labels, kept=kept, whole=True, read=read,
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


def describe(graph: "KxGraph", G: "nx.Graph", nodes: Iterable[str], *, properties: bool = False) -> None:
    """Fill in the type, labels, marker and source of ``nodes`` of ``G`` (with ``properties``, their
    literal properties too), with a query per batch of them."""
    _describe_nodes(graph, G, [n for n in dict.fromkeys(nodes) if _described(n)],
                    properties=properties)


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
        for batch in _batches(sorted(frontier[side])):
            for var in ("s", "o"):
                deadline.check()
                new |= _add_edges(G, _link_rows(graph, chosen, {var: batch}), keep=seen[side])
        seen[side] |= new
        frontier[side] = sorted(new)
        if seen[start] & seen[goal] or not frontier[side]:
            break
    return G


def properties(G: "nx.Graph", node: str) -> dict[str, str]:
    """The properties of a node shown in its details panel: CURIE of the property to its values
    (joined by "; "), e.g. ``{"schema:location": "kxplace:140105"}``.

    >>> import networkx as nx
    >>> G = nx.Graph(); G.add_node("urn:a", type="kx:Enterprise", **{"schema:location": "kxplace:1"})
    >>> properties(G, "urn:a")
    {'schema:location': 'kxplace:1'}
    """
    return {k: v for k, v in G.nodes[node].items() if ":" in k}


def node_label(data: dict[str, Any], node: str, lang: str = "zh") -> str:
    """The label of a node in ``lang``, falling back to the other language, then its CURIE."""
    other = "en" if lang == "zh" else "zh"
    return data.get(f"label_{lang}") or data.get(f"label_{other}") or shorten(str(node))
