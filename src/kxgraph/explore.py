"""Finding and describing entities: ``find`` by label or pinyin, ``show`` everything about one.

Pinyin matching (``taiyuan`` finds 太原) uses ``kx:pinyin`` where the data has it, and for
every entity pulls its Chinese labels with one bounded SPARQL query and spells them out with
pypinyin through a per-character table (each distinct character is looked up once, one
``str.translate`` over all labels), so a search over ~120k labels takes about a second. A
character with several readings is spelt with its most common one, except the first character
of a label, which is tried in every reading, its reading as a surname first (翟 zhai, di), so
``zhaiguangming`` and ``Zhai Guangming`` find 翟光明 (``kxgraph.store.pinyin``). An embedded store
answers from its label index (``kxgraph.store.index``), spelt the same way, when it is in step.
An endpoint whose server has a text index kxgraph trusts (Virtuoso, for Chinese text: see
``kxgraph.store.dialect``) narrows the labels with it before the same ``CONTAINS``.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Iterable

from kxgraph.errors import AmbiguousNameError, NotFoundError, ParameterError, option
from kxgraph.output.results import Result
from kxgraph.store.base import Store
from kxgraph.store.index import Facts
from kxgraph.store.pinyin import first_readings, spell_labels, surname_readings
from kxgraph.vocab import GRAPH, KX, SOURCE, expand_curie

SECTIONS = ("type", "synthetic", "label", "property", "membership", "member", "out", "in", "source")
MAX_INCOMING = 200
_NOT_INCOMING = {"http://www.w3.org/ns/org#organization", "https://w3id.org/kxgraph/ns#canonical",
                 "https://w3id.org/kxgraph/ns#merged"}


def _query(store: Store, name: str, **values: Any) -> Result:
    from kxgraph.sparql.catalogue import query

    return query(store, f"explore/{name}", values)


def _literal(value: str):
    import pyoxigraph as ox

    return ox.Literal(value)


_RECORDS = (SOURCE, GRAPH + "source/")   # kxsrc:<name>, and the older kxg:source/<name>


def find(store: Store, text: str, *, limit: int = 20) -> Result:
    """Entities whose zh/en label contains ``text``, or whose pinyin does; best matches first.

    The records of sources (``kxsrc:…``) are not entities: ``kx sources`` lists them.

    >>> import kxgraph
    >>> g = kxgraph.open(memory=True)
    >>> g.find("taiyuan").variables
    ['entity', 'label', 'en', 'type', 'synthetic']
    """
    needle = text.strip().lower()
    if not needle:
        raise ParameterError("give some text to find")
    if limit < 1:
        raise ParameterError(f"{option('limit')} must be 1 or more")
    # Several words (太原 科协) must all occur in one label; the store is asked for the longest.
    words = needle.split()
    spelt = _spelling(needle)
    indexed = (store.index.find(max(words, key=len), spelt, limit=limit if len(words) == 1 else None, skip=_RECORDS)
               if store.index is not None else None)
    if indexed is not None:  # the label index, when it is in step with the store
        from kxgraph import deadline

        deadline.check()  # no query ran, and the command's --timeout still holds
        labelled, spoken = indexed
    else:
        query = _text_searched(store, words)
        if query is None:
            query = _query(store, "find-text", needle=_literal(max(words, key=len)))
        labelled = [(row[0], row[1].value) for row in query.rows]
        spoken = list(_pinyin_matches(store, spelt)) if spelt else []
    hits: dict[str, tuple[Any, str]] = {}  # each entity ranked by its best-matching label
    found = [hit for hit in labelled if all(word in hit[1].lower() for word in words)] + spoken
    for entity, label in found:
        if entity.value.startswith(_RECORDS):   # the records of sources: kx sources lists them
            continue
        best = hits.get(entity.value)
        if best is None or _rank(label, needle, spelt) < _rank(best[1], needle, spelt):
            hits[entity.value] = (entity, label)
    ranked = sorted(hits.values(), key=lambda hit: (*_rank(hit[1], needle, spelt), hit[0].value))[:limit]
    entities = [entity for entity, _ in ranked]
    facts = (store.index.facts(entities) if indexed is not None else None) or {}  # the index, or the store
    facts.update(_facts(store, [entity for entity in entities if entity not in facts]))
    rows = [(entity, *_summary(facts.get(entity))) for entity in entities]
    return Result("select", ["entity", "label", "en", "type", "synthetic"], rows)


def _text_searched(store: Store, words: list[str]) -> Result | None:
    """explore/find-text's answer through an endpoint's own text index, or None where it has none.

    The index only narrows the labels (its hits hold every label that holds the words, see
    ``kxgraph.store.dialect``); the same ``CONTAINS`` then keeps the same rows. Whether the server's
    index is there and filled is probed once per store: a sampled Chinese label must be found.
    """
    from kxgraph.errors import QueryError

    if getattr(store, "text_index", False) is False:  # not an endpoint, or one without a text index
        return None
    if store.dialect is not None and store.dialect.text_words(words) is None:
        return None  # latin text: its word index could miss a label, so no probe either
    if store.text_index is None or store.dialect is None:
        store.text_index = _probe_text_index(store)
    pattern = store.dialect.text_words(words) if store.text_index else None
    if pattern is None:
        return None
    try:
        return _query(store, "find-text-indexed", needle=_literal(max(words, key=len)), words=_literal(pattern))
    except QueryError:  # the server refused this pattern: plain SPARQL answers
        return None


def _probe_text_index(store: Store) -> bool:
    """Whether the server's text index finds a sampled Chinese label (asked once per store)."""
    from kxgraph.errors import QueryError

    sample = _query(store, "text-sample").rows  # also learns the server's dialect
    pattern = store.dialect.text_words([sample[0][1].value]) if sample else None
    if pattern is None:
        return False
    try:
        return bool(_query(store, "text-probe", entity=sample[0][0], words=_literal(pattern)))
    except QueryError:
        return False


def _spelling(needle: str) -> str:
    """The query as bare pinyin letters, or "" when it is not latin text.

    Tone marks are dropped and ü is spelt v, as pypinyin spells it: tàiyuán finds 太原, lǚ 吕.
    """
    plain = unicodedata.normalize("NFKD", needle).replace("u\u0308", "v")
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    letters = re.sub(r"[\s'’-]", "", plain)
    return letters if re.fullmatch(r"[a-z0-9]*[a-z][a-z0-9]*", letters) else ""


def _pinyin_matches(store: Store, spelt: str):
    rows = _query(store, "zh-labels").rows
    for (entity, label), spelling in zip(rows, spell_labels([label.value for _, label in rows])):
        if spelt in spelling:  # a label's spellings, one per reading of a polyphonic first character
            yield entity, label.value


def _rank(label: str, needle: str, spelt: str) -> tuple:
    lowered = label.lower()
    exact = lowered == needle
    starts = lowered.startswith(needle) or (spelt and lowered.startswith(spelt))
    return (not exact, not starts, len(label), label)


def _facts(store: Store, entities: list[Any]) -> dict[Any, Facts]:
    """Entity -> its ``Facts`` as the store says them, in one query for them all."""
    import pyoxigraph as ox

    out: dict[Any, Facts] = {}
    if entities:
        for entity, kind, zh, en, synthetic in _query(store, "summaries", entity=entities).rows:
            facts = out.setdefault(entity, Facts(set(), set(), set(), False))
            facts.types.update([kind.value] if isinstance(kind, ox.NamedNode) else [])
            facts.zh.update([(zh.value, zh.language)] if zh is not None else [])
            facts.en.update([(en.value, en.language)] if en is not None else [])
            if synthetic is not None and synthetic.value in ("true", "1"):
                out[entity] = facts._replace(synthetic=True)
    return out


def _summary(facts: Facts | None) -> tuple:
    """(zh label, en label, type, synthetic marker) of a find row: of several types kxgraph's own
    first, then the least IRI; of several labels the least (the same whether index or store says them)."""
    import pyoxigraph as ox

    if facts is None:
        return None, None, None, None
    kind = min(facts.types, key=lambda t: (not t.startswith(KX), t), default=None)
    zh, en = min(facts.zh, default=None), min(facts.en, default=None)
    return (ox.Literal(zh[0], language=zh[1]) if zh else None, ox.Literal(en[0], language=en[1]) if en else None,
            ox.NamedNode(kind) if kind else None, _literal("synthetic") if facts.synthetic else None)


def resolve(store: Store, entity: str | Any) -> Any:
    """The IRI node that ``entity`` names: an IRI, a CURIE, or a name (zh, en or pinyin).

    A name is matched on labels and alternative labels, then without a note or title (金智新院士),
    then as pinyin (li deyi). An IRI merged into another by ``kx same`` gives the one it was merged
    into. A name that fits several entities raises ``AmbiguousNameError`` with a numbered "which one?"
    list: type, label, source and a fact to tell them apart, each with its IRI to give instead.
    """
    import pyoxigraph as ox

    if isinstance(entity, ox.NamedNode):
        return _canonical(store, entity)
    text = entity.strip()
    if not text:
        raise ParameterError("give an entity: an IRI, a CURIE or a name")
    iri = text[1:-1] if text.startswith("<") and text.endswith(">") else expand_curie(text)
    if iri is None and re.match(r"^[a-z][\w+.-]*://", text):
        iri = text
    if iri is not None:
        try:
            node = ox.NamedNode(iri)
        except ValueError as exc:
            raise ParameterError(f"{text!r} is not a valid IRI: {exc}") from None
        node = _canonical(store, node)
        if not _query(store, "exists", entity=node).boolean:
            raise NotFoundError(f"no entity {text} in the graph")
        return node
    found = _by_name(store, text)
    if not found:
        raise NotFoundError(f"no entity named {text!r}; try kx find {text}")
    if len(found) > 1:
        raise AmbiguousNameError(which_one(store, text, found), [n.value for n in found])
    return found[0]


def _canonical(store: Store, node: Any) -> Any:
    rows = _identity(store, "merged", entity=node).rows
    return rows[0][0] if rows else node


def _identity(store: Store, name: str, **values: Any) -> Result:
    from kxgraph.sparql.catalogue import query

    return query(store, f"identity/{name}", values)


def _by_name(store: Store, text: str) -> list:
    from kxgraph.identity import person_name

    tries = list(dict.fromkeys([text, person_name(text)]))
    for attempt in tries:
        found = [row[0] for row in _identity(store, "by-name", text=_literal(attempt)).rows
                 if not row[0].value.startswith(_RECORDS)]     # a source's name is for kx drop, not an entity
        if found:
            return list(dict.fromkeys(_canonical(store, node) for node in found))
    spelt = _spelling(text.lower())
    if spelt:   # a name in pinyin: the whole label spelt out, surname first or last
        from kxgraph.identity import pinyin_keys

        found = [e for e, label in _pinyin_matches(store, spelt) if spelt in pinyin_keys(label)]
        return list(dict.fromkeys(_canonical(store, node) for node in found))
    return []


def which_one(store: Store, text: str, found: list) -> str:
    """The numbered "which one?" list for a name several entities have (a line each, labels escaped)."""
    from kxgraph.boundary import printable
    from kxgraph.ontology import label as class_label
    from kxgraph.sources import held
    from kxgraph.vocab import shorten

    graphs = {g: s.name for s in held(store).values() for g in s.graphs}
    lines = [f"{len(found)} entities are named {printable(repr(text))}; which one? give the IRI (or CURIE):"]
    for number, node in enumerate(found, 1):
        rows = _identity(store, "describe", entity=node).rows
        types = sorted({class_label(r[0].value, "zh") for r in rows if r[0] is not None})
        label = next((r[1].value for r in rows if r[1] is not None), text)
        where = sorted({graphs.get(r[2].value, shorten(r[2].value)) for r in rows if r[2] is not None})
        facts = sorted({r[3].value for r in rows if r[3] is not None})[:2]
        lines.append(printable(f"  {number}. {'、'.join(types) or '?'} {label}  {shorten(node.value)}"
                               f"  (source: {', '.join(where) or '?'}{'; ' + '、'.join(facts) if facts else ''})"))
    return "\n".join(lines)


LABELS_PER_QUERY = 1000  # IRIs in one VALUES block of the label lookup


def labels(store: Store, iris: Iterable[str], *, lang: str = "zh") -> dict[str, str]:
    """The label of each of ``iris`` (the entities a table shows) in ``lang``, for its label columns.

    One bounded query per ``LABELS_PER_QUERY`` IRIs, over those IRIs only (a VALUES block), never
    the whole store. ``rdfs:label`` comes before ``skos:prefLabel``; a label in ``lang`` before one
    with no language, before any other; an entity with no label is left out.
    """
    iris = list(dict.fromkeys(iris))
    best: dict[str, tuple] = {}
    for start in range(0, len(iris), LABELS_PER_QUERY):
        import pyoxigraph as ox

        chunk = [ox.NamedNode(i) for i in iris[start:start + LABELS_PER_QUERY]]
        for row in _query(store, "labels", entity=chunk).rows:
            entity, label, tag, skos = (t.value if t is not None else "" for t in row)
            rank = (0 if tag.lower() == lang else 1 if not tag else 2, skos == "true", label)
            if entity not in best or rank < best[entity]:
                best[entity] = rank
    return {entity: rank[2] for entity, rank in best.items()}


def show(store: Store, entity: str | Any) -> Result:
    """Everything about one entity, a row per fact: section, property, value, label.

    Sections: type, synthetic (when ``kx:synthetic true``), label, property (literal values),
    membership (``org:Membership`` nodes: organisation and role), member (an organisation's
    members: role, person and name), out, in (at most 200),
    source (``prov:wasDerivedFrom`` passages with their text, ``dcterms:source`` rows).
    """
    node = resolve(store, entity)
    rows = list(dict.fromkeys(_query(store, "show", entity=node).rows))
    rows += _identity(store, "members", entity=node).rows
    # a membership pointing here is shown as its member and role (members.rq), not as a bare node
    # (and the curation decisions naming it are listed by kx decisions, not here)
    incoming = [r for r in _query(store, "incoming", entity=node).rows if r[1].value not in _NOT_INCOMING]
    rows += incoming[:MAX_INCOMING]
    if len(incoming) > MAX_INCOMING:
        rows.append((_literal("in"), None, _literal(f"… more than {MAX_INCOMING} incoming links"), None))
    order = {name: i for i, name in enumerate(SECTIONS)}
    rows.sort(key=lambda r: (order.get(r[0].value, len(order)), r[1].value if r[1] is not None else ""))
    return Result("select", ["section", "property", "value", "label"], rows)




def stats(store: Store) -> Result:
    """Triples, graphs, and entities per class with the class's zh/en labels.

    Class labels come from ``kxg:ontology`` when it is loaded, else from the shipped ontology.
    """
    import pyoxigraph as ox

    kept = store.index.counts() if store.index is not None else None
    if kept is not None:  # counts kept at write time
        from kxgraph.store.base import RECORDS

        graphs, classes = kept
        graphs = [(g, n) for g, n in graphs if not g.startswith(RECORDS)]  # as Store.graphs: kx sources lists them
        classes = [(ox.NamedNode(kind), ox.Literal(n)) for kind, n in classes]
    else:
        graphs, classes = store.graphs(), _query(store, "class-counts").rows
    labels = {row[0].value: (row[1], row[2]) for row in _query(store, "class-labels").rows}
    shipped = _shipped_class_labels()
    rows = [(_literal("triples"), _literal("三元组"), _literal("triples"), sum(n for _, n in graphs)),
            (_literal("graphs"), _literal("命名图"), _literal("named graphs"), len(graphs))]
    for kind, count in classes:
        zh, en = labels.get(kind.value) or shipped.get(kind.value, (None, None))
        rows.append((kind, zh, en, count))
    return Result.table(["item", "zh", "en", "count"], rows)


def _shipped_class_labels() -> dict[str, tuple]:
    import pyoxigraph as ox

    from kxgraph.ontology import terms

    return {iri: tuple(ox.Literal(names[lang], language=lang) if lang in names else None
                       for lang in ("zh", "en"))
            for iri, names in terms()[0].items()}


__all__ = ["find", "show", "resolve", "stats", "first_readings", "surname_readings"]
