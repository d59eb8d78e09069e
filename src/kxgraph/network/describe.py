"""Describe the nodes of a projected network: type, labels, marker, source and details-panel properties.

A network from ``kxgraph.network.project`` holds IRIs; this module gives each node what a view,
an export or an analysis shows of it, read from the store with the catalogue's shipped queries
(``sparql/queries/network/*.rq``): per batch of nodes, or, for a whole network that is a good part
of the store, by reads of the whole store a property at a time (and the label index's names when it
is in step). It also holds the class helpers (the most specific type, its label) and the reads the
projections share (``run``, ``stream``, ``batches``).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Iterable

from kxgraph.errors import ParameterError
from kxgraph.ontology import ancestors, terms
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


def most_specific(types: Iterable[str]) -> str | None:
    """The deepest class among ``types`` (kx classes first), or None."""
    types = sorted(set(types))
    if not types:
        return None
    return max(types, key=lambda t: (t.startswith(KX), len(ancestors(t)), t))


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
    return wanted | {c for c in parents if ancestors(c) & wanted}


def run(graph, name: str, values: dict[str, Any]):
    """Rows of the shipped query ``name`` with ``values`` bound (the catalogue's one binder)."""
    from kxgraph.sparql.catalogue import query

    return query(graph.store, name, values).rows


def stream(graph, name: str, values: dict[str, Any]):
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


def batches(items: list[str], size: int = BATCH):
    """The IRIs in ``items`` as lists of ``NamedNode`` terms, ``size`` at a time."""
    import pyoxigraph as ox

    for start in range(0, len(items), size):
        yield [ox.NamedNode(i) for i in items[start:start + size]]


def kept_types(graph) -> dict[str, frozenset[str]] | None:
    """Every entity's classes from the store's label index, or None (no index in step: ask SPARQL)."""
    from kxgraph.store.entitytypes import entity_types

    return entity_types(graph.store)


def describable(node: str) -> bool:
    """True for an IRI node, which the store can describe (a query's projection may give others)."""
    return "://" in node or node.startswith("urn:")


def describe_graph(graph, G: "nx.Graph", *, properties: bool = True, labels: bool = True,
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
    nodes = [n for n in G.nodes if describable(n)]
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
        predicates = [p.value for (p,) in stream(graph, "network/predicates", {}) if type(p) is named]
    else:  # which properties the store holds matters only for the panel's cap, of these few
        predicates = [*fields, *NAMING]
    # a generated node is synthetic whatever its marker says: the markers are read for the others only
    others = [n for n in nodes if not n.startswith(SYN)]
    if names is None and len(others) <= len(nodes) // WHOLE_SHARE:
        skipped.add(KX + "synthetic")
        for batch in batches(others):
            _first_values(found, "synthetic", run(graph, "network/synthetic", {"n": batch}))
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
            rows = stream(graph, "network/predicate-values", {"p": p})
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
    _first_values(found, "passage", stream(graph, "network/whole-passages", {}))
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
        for batch in batches(sorted(twice)):
            for n, p, v in run(graph, "network/names", {"n": batch}):
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
    for batch in batches(nodes):
        for n, p, v in run(graph, "network/properties", {"n": batch}):
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
    nodes = [n for n in G.nodes if describable(n)]
    _set_types(graph, G, nodes, kept)
    for _, data in G.nodes(data=True):
        data.setdefault("type", "")
    G.graph["describe_later"] = lambda wanted: _describe_nodes(
        graph, G, [n for n in wanted if "label_zh" not in G.nodes[n] and describable(n)],
        properties=False)


def _set_types(graph, G: "nx.Graph", nodes: list[str], kept: dict[str, frozenset[str]] | None) -> None:
    """Each node's type: from the label index's kept types when the store has them (one read for
    the whole network), else one light query per batch of nodes."""
    if kept is None and len(nodes) > BATCH:  # a few nodes: SPARQL is cheaper than reading every type
        kept = kept_types(graph)
    if kept is not None:
        nothing: frozenset[str] = frozenset()
        attrs = dict(G.nodes(data=True))
        for n in nodes:
            attrs[n]["type"] = _type_curie(frozenset(kept.get(n, nothing)))
    else:
        for batch in batches(nodes):
            for n, types in run(graph, "network/node-types", {"n": batch}):
                G.nodes[n.value]["type"] = _type_curie(frozenset((term_value(types) or "").split()))


def describe_later(G: "nx.Graph", nodes: Iterable[str]) -> None:
    """Labels and the rest for ``nodes`` of a network projected without them (see ``describe_graph``)."""
    later = G.graph.get("describe_later")
    if later is not None:
        later(list(nodes))


def _describe_nodes(graph, G: "nx.Graph", nodes: list[str], *, properties: bool,
                    only: Iterable[str] | None = None) -> None:
    for batch in batches(nodes):
        for row in run(graph, "network/nodes", {"n": batch}):
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
    nodes = [n for n in G.nodes if describable(n)]
    for batch in batches(nodes):
        for row in run(graph, "network/academies", {"n": batch}):
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


def describe(graph: "KxGraph", G: "nx.Graph", nodes: Iterable[str], *, properties: bool = False) -> None:
    """Fill in the type, labels, marker and source of ``nodes`` of ``G`` (with ``properties``, their
    literal properties too), with a query per batch of them."""
    _describe_nodes(graph, G, [n for n in dict.fromkeys(nodes) if describable(n)],
                    properties=properties)


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
