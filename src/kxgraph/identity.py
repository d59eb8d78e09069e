"""Entity identity across sources: is a name in a sheet an entity the store already holds?

A name is compared in normalised forms: full/half width, case and spaces (``name_key``); for
people a bracketed note or a title written after the name (金智新（院士）, 金智新院士) is dropped;
for organisations brackets and legal-form suffixes are (太原钢铁（集团）有限公司 ~ 太原钢铁有限公司),
and a name in Latin letters is compared with the pinyin of Chinese names (Li Deyi ~ 李德毅).
The same normalised form is an *exact* match: the import links to the entity held. A *close*
match (one character apart for people: 殷瑞玉 ~ 殷瑞钰; an abbreviation or near spelling for
organisations) is a decision for the user, listed with evidence (what both are linked to).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Iterable

from kxgraph.namekeys import block as _block, blanked, key, latin_key, person_name
from kxgraph.vocab import DCTERMS, ID, ONTOLOGY_GRAPH, ORG, RDF, RDFS, SKOS


RDF_TYPE = RDF + "type"
RDFS_LABEL = RDFS + "label"
SKOS_ALT = SKOS + "altLabel"
DC_SOURCE = DCTERMS + "source"
ORG_MEMBER, ORG_ROLE = ORG + "member", ORG + "role"

def _query(store: Any, name: str, values: dict | None = None):
    """Run the shipped query ``<name>`` (``identity/…``, ``sources/…``; ``kxgraph.sparql.catalogue``)."""
    from kxgraph.sparql.catalogue import query

    return query(store, name, values)


@lru_cache(maxsize=256)
def is_person(cls: str) -> bool:
    from kxgraph.tables.mapping import entity_classes

    return bool(entity_classes().get(cls, {}).get("annotated"))


@lru_cache(maxsize=1 << 16)
def pinyin_keys(name: str) -> tuple[str, ...]:
    """A Chinese name spelt in pinyin, surname first and last (李德毅 → lideyi, deyili)."""
    from pypinyin import lazy_pinyin

    parts = [p.lower() for p in lazy_pinyin(name) if p.isalpha()]
    if not parts:
        return ()
    return ("".join(parts), "".join(parts[1:] + parts[:1]))


ORDINALS = set("甲乙丙丁戊己庚辛壬癸一二三四五六七八九十0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def one_apart(a: str, b: str) -> bool:
    """Same length, at least three characters, exactly one character different (殷瑞玉 ~ 殷瑞钰),
    unless that character numbers a series (示例院士甲, 示例院士乙: different on purpose). Two
    names of two characters one apart (示伟, 示刚) share only a surname: that is no evidence.

    >>> one_apart("殷瑞玉", "殷瑞钰"), one_apart("示例院士甲", "示例院士乙"), one_apart("示伟", "示刚")
    (True, False, False)
    """
    if len(a) != len(b) or len(a) < 3:
        return False
    differ = [(x, y) for x, y in zip(a, b) if x != y]
    return len(differ) == 1 and not (differ[0][0] in ORDINALS and differ[0][1] in ORDINALS)


def alike(a: str, b: str) -> str | None:
    """Why two organisation names may be one, judged on what tells them apart (else None).

    Names of one kind share long endings (院士工作站, 技术中心) that make any two of them look
    alike; the ending both share is set aside first, so 太钢院士工作站 and 太重院士工作站 are two
    workstations, while 示例装备院士工作站 and 示例装备有限公司院士工作站 stay close.

    >>> alike("太钢院士工作站", "太重院士工作站") is None, alike("太原钢铁（集团）有限公司", "太钢集团")
    (True, 'abbreviation')
    """
    from kxgraph.tables.validate import core_name, why_alike

    ca, cb = core_name(a), core_name(b)
    shared = 0
    while shared < min(len(ca), len(cb)) and ca[-1 - shared] == cb[-1 - shared]:
        shared += 1
    if shared >= 2 and shared < min(len(ca), len(cb)):
        return why_alike(ca[:-shared], cb[:-shared])
    return why_alike(a, b)


def classes_like(cls: str) -> list[str]:
    """``cls`` and its subclasses among the classes names can refer to."""
    from kxgraph.ontology import terms
    from kxgraph.tables.mapping import entity_classes

    parents = terms()[1]

    def below(c: str) -> bool:
        seen, todo = set(), [c]
        while todo:
            x = todo.pop()
            if x == cls:
                return True
            for p in parents.get(x, ()):
                if p not in seen:
                    seen.add(p)
                    todo.append(p)
        return False

    return [cls] + [c for c in entity_classes() if c != cls and below(c)]


@dataclass
class Held:
    """The entities of one class the store holds, indexed by their normalised names.

    Read whole (``complete``) when the store keeps no index of name keys; otherwise filled as
    the import's names are looked up: an entity is added with all its names, so what is there
    answers each lookup as the whole would (see ``Identity._ensure``).
    """

    person: bool
    exact: dict[str, set[str]] = field(default_factory=dict)       # key -> IRIs
    latin: dict[str, set[str]] = field(default_factory=dict)       # pinyin -> IRIs
    near: dict[str, set[str]] = field(default_factory=dict)        # key with one char blanked -> IRIs
    labels: dict[str, str] = field(default_factory=dict)           # IRI -> a label
    keys: dict[str, set[str]] = field(default_factory=dict)        # IRI -> its keys
    names: dict[str, set[str]] = field(default_factory=dict)       # IRI -> its labels as written
    first: dict[str, list[str]] = field(default_factory=dict)      # block (first character, numbers) -> keys (organisations)
    spelt: bool = False                                            # latin filled (only when a name needs it)
    complete: bool = True                                          # every held entity is in (else: those looked up)
    classes: list[str] = field(default_factory=list)               # the class and its subclasses
    loaded: set[str] = field(default_factory=set)                  # IRIs (canonical) whose names are in
    asked: dict[tuple[int, str], list[tuple[str, str]]] = field(default_factory=dict)  # (kind, key) -> index rows
    blocks: set[str] = field(default_factory=set)                  # blocks whose held entities are in

    def add(self, entity: str, names: Iterable[str]) -> None:
        """Index the names of a held entity (``entity`` as decisions know it)."""
        self.names.setdefault(entity, set()).update(names)
        for name in names:
            k = key(name, self.person)
            if k not in self.exact and not self.person:
                self.first.setdefault(_block(k), []).append(k)
            self.exact.setdefault(k, set()).add(entity)
            self.keys.setdefault(entity, set()).add(k)
            if self.person and not latin_key(name):
                for near in blanked(k):
                    self.near.setdefault(near, set()).add(entity)


def _label(names: Iterable[tuple[str, str, bool, str]]) -> str | None:
    """The label an entity is shown by: its Chinese ``rdfs:label``, else a Chinese alternative
    label, else another label, else another alternative label (the first in text order of each)."""
    ranked = sorted((lang != "zh", not is_label, text) for text, lang, is_label, _ in names)
    return ranked[0][2] if ranked else None


TYPED_PAGE = 64   # entities of a class asked at a time when looking for one with a name


class Identity:
    """Resolves names against the store for one import (classes are read when first needed).

    With the store's index of name keys (``kxgraph.store.heldnames``) only the held entities an
    import's names could match are read; without it (an endpoint, an index being rebuilt) every
    name of the class is, once. Both answer the same.
    """

    def __init__(self, store: Any, *, exclude: Iterable[str] = ()) -> None:
        from kxgraph.curation import Decisions, decisions

        self.store = store
        self.exclude = set(exclude)
        self._held: dict[str, Held] = {}
        self.decisions = decisions(store) if store is not None else Decisions()
        # held entities are known as decided before this import
        self._of = replace(self.decisions, canonical=dict(self.decisions.canonical)).of
        self._members: dict[str, set[str]] = {}
        for merged in self.decisions.canonical:
            self._members.setdefault(self._of(merged), set()).add(merged)

    def held(self, cls: str) -> Held:
        if cls not in self._held:
            self._held[cls] = self._open(cls)
        return self._held[cls]

    def _open(self, cls: str) -> Held:
        from kxgraph.store import heldnames

        held = Held(is_person(cls), classes=classes_like(cls))
        if self.store is None:
            return held
        unkeyed = heldnames.unkeyed(self.store, held.classes, self.exclude)
        if unkeyed is None:
            return self._read(cls)
        held.complete = False
        if unkeyed:   # keyed now for this import and the next; or, when the index cannot keep them, read in
            names = heldnames.names(self.store, unkeyed)
            if not heldnames.keep(self.store, names):
                self._load(held, unkeyed)
        if ONTOLOGY_GRAPH not in self.exclude:  # the index's types leave the ontology graph out
            self._load(held, heldnames.typed_in(self.store, ONTOLOGY_GRAPH, held.classes))
        return held

    def _read(self, cls: str) -> Held:
        """Every held entity of ``cls`` with its names, through SPARQL."""
        import pyoxigraph as ox

        held = Held(is_person(cls), classes=classes_like(cls))
        found: dict[str, list[tuple[str, str, bool, str]]] = {}
        graphs: dict[str, set[str]] = {}
        for c in held.classes:
            for entity, label, g, name in _query(self.store, "identity/names", {"class": ox.NamedNode(c)}).rows:
                if isinstance(entity, ox.NamedNode) and isinstance(label, ox.Literal):
                    found.setdefault(entity.value, []).append(
                        (label.value, label.language or "", name.value == RDFS_LABEL, g.value))
                    graphs.setdefault(entity.value, set()).add(g.value)
        for entity, names in found.items():
            held.labels[entity] = _label(names)
        for entity, names in found.items():
            if graphs[entity] - self.exclude:       # not only in what this import replaces
                held.add(self._of(entity), {text for text, *_ in names})
        return held

    def _load(self, held: Held, entities: Iterable[str]) -> None:
        """Add held ``entities`` (IRIs as the store holds them) with every name of what they are
        now known as: the merged entities' names too, as ``_read`` adds them."""
        from kxgraph.store import heldnames

        wanted = {self._of(e) for e in entities} - held.loaded
        if not wanted:
            return
        group = {member for canonical in wanted for member in (canonical, *self._members.get(canonical, ()))}
        classes = set(held.classes)
        types = {member: {g for g, c in found if c in classes}
                 for member, found in heldnames.classes(self.store, group).items()}
        names = heldnames.names(self.store, [member for member in group if types[member]])  # of the class only
        for member in sorted(group):
            graphs = types[member]
            if graphs and names[member]:
                held.labels[member] = _label(names[member])
                if graphs - self.exclude:
                    held.add(self._of(member), {text for text, *_ in names[member]})
        held.loaded |= wanted

    def _ensure(self, cls: str, kind: int, keys: Iterable[str], keep: Any = None) -> Held:
        """``held(cls)`` with the held entities whose names have ``keys`` (of ``kind``; those of the
        index's rows ``keep`` keeps); the class read whole when the index cannot say (it was
        rebuilt meanwhile)."""
        from kxgraph.store import heldnames

        held = self.held(cls)
        if held.complete:
            return held
        keys = list(keys)
        wanted = [k for k in keys if (kind, k) not in held.asked]
        if wanted:
            found = heldnames.candidates(self.store, kind, wanted, held.classes, self.exclude)
            if found is None:
                return self._whole(cls)
            for k in wanted:
                held.asked[kind, k] = []
            for entity, k in found:
                held.asked[kind, k[:1] if kind == heldnames.BLOCK else k].append((entity, k))
        self._load(held, [entity for k in keys for entity, found in held.asked[kind, k] if keep is None or keep(found)])
        return held

    def _whole(self, cls: str) -> Held:
        held = self._held[cls] = self._read(cls)
        return held

    def _entity(self, cls: str, iri: str) -> Held:
        """``held(cls)`` with ``iri`` (as decisions know it) in, if it is held."""
        held = self.held(cls)
        if not held.complete:
            self._load(held, [iri])
        return held

    @staticmethod
    def _spell(held: Held) -> None:
        """Index the held people's Chinese names by pinyin, once, when a Latin name is met."""
        held.spelt = True
        for entity, keys in held.keys.items():
            for k in keys:
                if not latin_key(k):
                    for spelt in pinyin_keys(k):
                        held.latin.setdefault(spelt, set()).add(entity)

    def exact(self, cls: str, name: str) -> str | None:
        """The entity held that ``name`` means exactly, or None (also None when two would fit)."""
        from kxgraph.store.heldnames import ORGANISATION, PERSON

        person = self.held(cls).person
        k = key(name, person)
        held = self._ensure(cls, PERSON if person else ORGANISATION, [k])
        hits = held.exact.get(k, set())
        spelt = latin_key(name) if held.person else None
        if not hits and spelt:
            if not held.complete:     # pinyin is matched against every held Chinese name
                held = self._whole(cls)
            if not held.spelt:
                self._spell(held)
            hits = held.latin.get(spelt, set())
        return next(iter(hits)) if len(hits) == 1 else None

    def label_predicate(self, cls: str, iri: str, name: str) -> str:
        """``rdfs:label`` for a name the entity already has or a new entity, else ``skos:altLabel``.

        A row that links to a held entity under another spelling (金智新院士, Li Deyi) adds that
        spelling as an alternative name, so the entity keeps one label per language.
        """
        names = self._entity(cls, iri).names.get(iri)
        return RDFS_LABEL if not names or name in names else SKOS_ALT

    def holds(self, cls: str) -> bool:
        """Whether the store holds any named entity of ``cls`` (outside what the import replaces)."""
        from kxgraph.store import heldnames

        held = self.held(cls)
        offset = 0
        while not held.complete and not held.exact:
            page = heldnames.typed(self.store, held.classes, self.exclude, limit=TYPED_PAGE, offset=offset)
            if page is None:
                held = self._whole(cls)
            elif not page:
                return False
            else:
                self._load(held, page)
                offset += len(page)
        return bool(held.exact)

    def is_held(self, cls: str, iri: str) -> bool:
        """Whether ``iri`` (as decisions know it) is a held entity of ``cls`` with a name."""
        return iri in self._entity(cls, iri).keys

    def close(self, cls: str, name: str) -> list[str]:
        """Entities held whose names are close to ``name`` but not the same (for the user to decide)."""
        from kxgraph.store.heldnames import BLOCK, NEAR, NEAR_MAX, ORGANISATION

        held = self.held(cls)
        k = key(name, held.person)
        if held.person:
            if not held.complete:
                held = self._whole(cls) if len(k) > NEAR_MAX else self._ensure(cls, NEAR, blanked(k) if len(k) >= 3 else [])
            hits = set().union(*(held.near.get(near, set()) for near in blanked(k)))
            return sorted(e for e in hits if k not in held.keys.get(e, set())
                          and any(one_apart(k, other) for other in held.keys.get(e, ())))
        block = _block(k)
        if not held.complete and block not in held.blocks:
            if k:
                held = self._ensure(cls, BLOCK, [k[:1]], lambda other: _block(other) == block)
            else:
                held = self._ensure(cls, ORGANISATION, [k])
            held.blocks.add(block)
        return sorted(e for other in held.first.get(_block(k), ()) if other != k and alike(other, k)
                      for e in held.exact[other])

    def evidence(self, entity: str, linked: Iterable[str], labels: dict[str, str]) -> str:
        """What a held entity and a new row are both linked to: 同在 / both: 太钢院士工作站、2019."""
        import pyoxigraph as ox

        theirs = {row[0].value for row in _query(self.store, "identity/facts",
                                                                {"entity": ox.NamedNode(entity)}).rows}
        shared = [x for x in dict.fromkeys(linked) if x in theirs]
        return "、".join(labels.get(x) or self._label(x) for x in shared[:4])

    def _label(self, value: str) -> str:
        import pyoxigraph as ox

        if "://" not in value:
            return value
        if self.store is None:
            return value.rsplit("/", 1)[-1]
        rows = _query(self.store, "sources/labels", {"entity": ox.NamedNode(value)}).rows
        labels = sorted((r[0] for r in rows if r[0] is not None), key=lambda l: l.language != "zh")
        return labels[0].value if labels else value.rsplit("/", 1)[-1]


def close_matches(plan: Any) -> None:
    """Check every entity an import would create against close names: the store's and each other's.

    A close match is a decision for the user, whether the other name is held by the store
    (殷瑞玉 in a sheet, 殷瑞钰 held) or comes from the same import (two rows, or two sheets, that
    write 殷瑞玉 and 殷瑞钰). Decided pairs (``kx same``/``kx distinct``, or an earlier import's
    choice) pass; otherwise ``plan.on_duplicate`` says what to do: ``error`` (a problem on the
    row, with the evidence), ``keep`` (two entities, and a ``distinct`` decision), ``merge``
    (one entity, and a ``same`` decision) or ``ask``.
    """
    identity: Identity = plan.identity
    new: dict[str, tuple[str, str, Any, str]] = {}      # IRI -> (class, name, row, header)
    for row in plan.rows:
        if row.subject and row.ok and row.subject not in identity.decisions.canonical:
            header, name = row.cells[row.mapping.key.id]
            new.setdefault(row.subject, (row.cls, str(name), row, header))
    for iri, stub in plan.stubs.items():
        if stub.rows:
            new.setdefault(iri, (stub.cls, stub.name, stub.rows[0], stub.header))
    if identity.store is not None:
        _against_store(plan, new)
    _within(plan, new)


def _decide(plan: Any, kept: str, other: str, name: str, label: str, evidence: str, where: str,
            person: bool, row: Any, header: str) -> bool:
    """Apply ``plan.on_duplicate`` to one close pair (``other``, named ``name``, may be ``kept``):
    True when merged."""
    identity: Identity = plan.identity
    plan.close.add(frozenset((name, label)))
    choice = plan.on_duplicate
    if choice == "ask":
        shown = f"{label} ({where})" if where else f"{label} (already in the store)"
        choice = "merge" if plan.ask(name, shown, evidence) else "keep"
    if choice == "merge":
        identity.decisions.canonical[other] = kept
        plan.decided.append(("same", kept, other, name))
        return True
    if choice == "keep":
        identity.decisions.distinct.add(frozenset((other, kept)))
        plan.decided.append(("distinct", kept, other, name))
        return False
    also = f"; both linked to {evidence}" if evidence else ""
    zh_where, en_where = (f"本次导入（{where}）中", f"in this import ({where})") if where else (
        "库中已有", "already in the store")
    row.problem(header, name, (
        f"“{name}”可能与{zh_where}的“{label}”是同一{'人' if person else '个'} / {name} may be the same as {label} "
        f"{en_where}{also}: import with on-duplicate merge if so, keep if not, or ask "
        "(kx same / kx distinct change it later)"))
    return False


def _against_store(plan: Any, new: dict[str, tuple[str, str, Any, str]]) -> None:
    identity: Identity = plan.identity
    for iri, (cls, name, row, header) in new.items():
        if not identity.holds(cls) or identity.is_held(cls, iri):
            continue     # the store holds nothing of the kind, or the entity is the held one
        close = identity.close(cls, name)
        held = identity.held(cls)        # after close: it may have read the class whole
        for other in close:
            if other == iri or identity.decisions.is_distinct(iri, other):
                continue
            evidence = identity.evidence(other, _linked(plan, iri), _labels(plan))
            if _decide(plan, other, iri, name, held.labels.get(other, other), evidence, "", held.person,
                       row, header):
                break


BLOCK_LIMIT = 400   # organisations sharing a first character compared pairwise; past it, same core names only


def _within(plan: Any, new: dict[str, tuple[str, str, Any, str]]) -> None:
    """Close names among the entities one import creates (rows and sheets of the same import)."""
    from kxgraph.tables.validate import core_name

    identity: Identity = plan.identity
    people: dict[str, list[str]] = {}       # key with one character blanked -> IRIs, in row order
    firsts: dict[str, list[str]] = {}       # organisations by first character of the core name
    keys: dict[str, str] = {}
    for iri, (cls, name, _, _) in new.items():
        if identity.decisions.of(iri) != iri:
            continue     # merged already (an earlier decision, or against the store just now)
        if is_person(cls):
            if latin_key(name):
                continue
            k = keys[iri] = key(name, True)
            for i in range(len(k)):
                people.setdefault(k[:i] + "\0" + k[i + 1:], []).append(iri)
        else:
            k = keys[iri] = core_name(name)
            firsts.setdefault(k[:1], []).append(iri)
    pairs: dict[tuple[str, str], None] = {}
    order = {iri: i for i, iri in enumerate(new)}
    for block in people.values():
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if one_apart(keys[a], keys[b]):
                    pairs[(a, b)] = None
    for block in firsts.values():
        if len(block) > BLOCK_LIMIT:
            seen: dict[str, str] = {}
            for b in block:
                a = seen.setdefault(keys[b], b)
                if a != b:
                    pairs[(a, b)] = None
            continue
        for i, a in enumerate(block):
            for b in block[i + 1:]:
                if alike(new[a][1], new[b][1]):
                    pairs[(a, b)] = None
    facts = None
    for a, b in sorted(pairs, key=lambda p: (order[p[1]], order[p[0]])):
        (cls_a, name_a, row_a, _), (cls_b, name_b, row_b, header_b) = new[a], new[b]
        if not _compatible(cls_a, cls_b) or not row_b.ok or not row_a.ok:
            continue
        kept, other = identity.decisions.of(a), identity.decisions.of(b)
        if kept == other or identity.decisions.is_distinct(kept, other):
            continue
        facts = facts if facts is not None else _Facts(plan)
        if facts.linked(a, b):
            continue     # the rows link one to the other (a workstation and its host): two things
        evidence = facts.shared(a, b)
        _decide(plan, kept, other, name_b, name_a, evidence, _where(row_a), is_person(cls_a), row_b, header_b)


class _Facts:
    """What the rows of one import say each entity is linked to, as ``identity/facts`` does for
    the store: its values and neighbours, and the organisations and years of its memberships."""

    SKIP = {RDF_TYPE, RDFS_LABEL, SKOS_ALT, DC_SOURCE, ORG_MEMBER, ORG_ROLE}

    def __init__(self, plan: Any) -> None:
        import pyoxigraph as ox

        self.plan = plan
        self.labels = _labels(plan)
        self.of: dict[str, list[Any]] = {}
        members: dict[str, list[str]] = {}      # membership node -> its members
        about: dict[str, list[Any]] = {}        # membership node -> its organisation and values
        text = "".join(line for row in plan.rows for line in row.lines)
        for q in ox.parse(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES):
            s, p, o = q.subject.value, q.predicate.value, q.object
            if p == ORG_MEMBER:
                members.setdefault(s, []).append(o.value)
            elif p not in self.SKIP:
                about.setdefault(s, []).append(o)
                if isinstance(o, ox.NamedNode):
                    self.of.setdefault(o.value, []).append(q.subject)
        for node, values in about.items():
            self.of.setdefault(node, []).extend(values)
            for member in members.get(node, ()):
                self.of.setdefault(member, []).extend(values)

    def linked(self, a: str, b: str) -> bool:
        """Whether a fact of the import links ``a`` and ``b`` directly."""
        return any(x.value == b for x in self.of.get(a, ())) or any(x.value == a for x in self.of.get(b, ()))

    def shared(self, a: str, b: str) -> str:
        """What ``a`` and ``b`` are both linked to, by label: 太钢院士工作站、中国工程院、2005."""
        theirs = set(self.of.get(a, ()))
        both = [x for x in dict.fromkeys(self.of.get(b, ())) if x in theirs and x.value not in (a, b)
                and not x.value.startswith(("file:", ID + "membership/"))]
        return "、".join(self._label(x) for x in both[:4])

    def _label(self, term: Any) -> str:
        value = term.value
        if "://" not in value:
            return value
        if value in self.labels:
            return self.labels[value]
        from kxgraph.ontology import terms

        names = terms()[0].get(value, {})
        return names.get("zh") or names.get("en") or self.plan.identity._label(value)


@lru_cache(maxsize=1024)
def _compatible(a: str, b: str) -> bool:
    from kxgraph.curation import compatible

    return a == b or compatible({a}, {b})


def _where(row: Any) -> str:
    from pathlib import Path

    from kxgraph.output.text import where

    return where(Path(row.file).name, row.sheet, f"row {row.number}")


def _linked(plan: Any, iri: str) -> list[str]:
    """What the rows say ``iri`` is linked to (IRIs and values), memberships included."""
    import pyoxigraph as ox

    lines = [line for row in plan.rows for line in row.lines if f"<{iri}>" in line]
    nodes = {line.split(" ", 1)[0][1:-1] for line in lines if not line.startswith(f"<{iri}>")}
    lines += [line for row in plan.rows for line in row.lines if line.split(" ", 1)[0][1:-1] in nodes]
    found = []
    for q in ox.parse("".join(lines).encode("utf-8"), ox.RdfFormat.N_TRIPLES):
        for term in (q.subject, q.object):
            if term.value != iri and not term.value.startswith("file:") and q.predicate.value.rsplit("#", 1)[-1] != "type":
                found.append(term.value)
    return found


def _labels(plan: Any) -> dict[str, str]:
    labels = {}
    for row in plan.rows:
        if row.subject:
            labels[row.subject] = str(row.cells[row.mapping.key.id][1])
    for iri, stub in plan.stubs.items():
        labels[iri] = stub.name
    return labels


__all__ = ["close_matches", "alike", "Identity", "person_name", "key", "latin_key", "pinyin_keys", "one_apart", "classes_like"]
