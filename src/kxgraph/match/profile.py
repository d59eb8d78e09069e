"""Expertise profiles: what the graph says each academician, expert and workstation knows and has done.

A profile holds the candidate's discipline and academy division, the projects they took part in (a
person: ``kx:participant``; a workstation: ``kx:carriedOutAt``) with their titles, statuses, outputs
and partner organisations (their industry and place), the workstations a person works at, and the
open items that make up their load. Every fact keeps the nodes it was read from, so that an
explanation can cite the triples.

Profiles are cached per store and kept up to date as the store changes. The cache is keyed by
the list of named graphs, the number of quads and the sources' stamps (``store_key``), so a load,
an import (even of a source replaced by one of the same size) or a dropped graph is seen; reading
changes nothing. A change made only of needs and recorded matches (a graph
of needs added, a match recorded) keeps them as they are: that check costs a count and an ASK per
such graph. Any other change is found graph by graph (the graphs added, dropped or resized), and
only the profiles those graphs touch are read again (``update``): the candidates a changed graph
names, says something about, or reaches through a project, an output, a partner organisation, a
membership or a workstation, in what the graph held before (the subjects kept per graph) and holds
now. The rest are kept. A change that touches more than half the candidates, a store that cannot
count its quads, or a changed default graph rebuild everything. A graph replaced by one of exactly
the same size other than by ``kx load`` or ``kx import`` is missed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kxgraph.resources import resource_path
from kxgraph.store.base import Store
from kxgraph.vocab import KX

PERSON_KINDS = ("Academician", "AcademicianTeamExpert", "TalentProgrammeExpert", "Expert")
WORKSTATION_KINDS = ("AcademicianWorkstation", "ExpertWorkstation")
KIND_NAMES = {"Academician": "academician", "AcademicianTeamExpert": "expert", "TalentProgrammeExpert": "expert",
              "Expert": "expert", "AcademicianWorkstation": "workstation", "ExpertWorkstation": "workstation"}


def query_text(name: str) -> str:
    from kxgraph.sparql.catalogue import entry

    return entry(f"match/{name}").text


@lru_cache(maxsize=1)
def field_aliases() -> dict[str, frozenset[str]]:
    """Field words (industry, discipline, division) → codes of the shipped schemes (``fields.yaml``)."""
    import yaml

    data = yaml.safe_load(resource_path("match/fields.yaml").read_text(encoding="utf-8")) or {}
    return {str(k): frozenset(v) for k, v in data.items()}


@lru_cache(maxsize=1)
def scheme_labels() -> dict[str, tuple[str, str, str]]:
    """Every concept of the shipped schemes: zh/en label (and notation) → (code, zh, iri)."""
    import pyoxigraph as ox

    store = ox.Store()
    for name in ("schemes/gbt4754.ttl", "schemes/gbt13745.ttl"):
        store.load(path=str(resource_path(name)), format=ox.RdfFormat.TURTLE)
    out: dict[str, tuple[str, str, str]] = {}
    q = ("SELECT ?c ?zh ?label WHERE { ?c <http://www.w3.org/2004/02/skos/core#prefLabel> ?zh , ?label "
         "FILTER(LANG(?zh) = 'zh') }")
    for c, zh, label in store.query(q):
        code = c.value.rsplit("/", 1)[1]
        out[label.value.lower()] = (code, zh.value, c.value)
    return out


def codes_of(text: str | None) -> frozenset[str]:
    """The scheme codes a field word falls under: an alias of ``fields.yaml`` or a scheme label."""
    if not text:
        return frozenset()
    text = text.strip()
    found = set(field_aliases().get(text, ()))
    hit = scheme_labels().get(text.lower())
    if hit:
        found.add(hit[0])
    return frozenset(found)


@dataclass
class Project:
    iri: Any
    title: str = ""
    status: Any = None
    ws: Any = None
    programme: Any = None
    people: list = field(default_factory=list)
    orgs: list = field(default_factory=list)
    outputs: list = field(default_factory=list)      # (output node, title)


@dataclass
class Profile:
    iri: Any
    kind: str                                         # local name of the class: Academician …
    label: str
    en: str = ""
    discipline: str | None = None
    divisions: list = field(default_factory=list)     # (membership, division, label)
    workstations: list = field(default_factory=list)  # (membership, workstation)
    projects: list = field(default_factory=list)      # Project
    words: tuple = ()

    @property
    def group(self) -> str:
        """academician, expert or workstation (what ``--kind`` names)."""
        return KIND_NAMES[self.kind]


@dataclass
class Profiles:
    """All profiles of a store, with the organisations, workstations and places they refer to."""

    profiles: list[Profile]
    by_iri: dict[str, Profile]
    projects: dict[str, Project]
    orgs: dict[str, tuple]                            # iri -> (node, label, industry literal, place)
    workstations: dict[str, tuple]                    # iri -> (host, place)
    places: dict[str, str]
    key: tuple
    seconds: float
    index: Any = None                                 # BM25 over the profiles' words
    sizes: dict = field(default_factory=dict)         # graphs of only needs/matches -> size
    graph_sizes: dict = field(default_factory=dict)   # named graph -> quads, when built or updated
    subjects: dict = field(default_factory=dict)      # named graph -> the IRIs it says something about
    read: int = 0                                     # profiles read by the last build or update
    _deps: Any = field(default=None, repr=False)

    def dependants(self) -> dict[str, set[str]]:
        """IRI → the candidates whose profile reads something about it (kept once computed)."""
        if self._deps is None:
            deps: dict[str, set[str]] = {}
            for prof in self.profiles:
                for iri in _reads(prof, self.workstations):
                    deps.setdefault(iri, set()).add(prof.iri.value)
            self._deps = deps
        return self._deps

    def label(self, node: Any) -> str:
        """A readable name for a node: its zh label where known, else its CURIE."""
        from kxgraph.vocab import shorten

        if node is None:
            return ""
        iri = node.value
        p = self.by_iri.get(iri)
        if p is not None and p.label:
            return p.label
        if iri in self.orgs and self.orgs[iri][1]:
            return self.orgs[iri][1]
        if iri in self.projects and self.projects[iri].title:
            return self.projects[iri].title
        if iri in self.places:
            return self.places[iri]
        return shorten(iri)


def _reads(prof: Profile, workstations: dict) -> set[str]:
    """The IRIs ``prof`` reads something about: itself, its memberships, divisions, workstations,
    projects with their partners, outputs and programmes, and a workstation's host."""
    out = {prof.iri.value}
    for m, division, _ in prof.divisions:
        out |= {m.value, division.value}
    for m, ws in prof.workstations:
        out |= {m.value, ws.value}
    for pr in prof.projects:
        out.add(pr.iri.value)
        out.update(x.value for x in pr.orgs)
        out.update(o.value for o, _ in pr.outputs)
        if pr.programme is not None:
            out.add(pr.programme.value)
    if prof.group == "workstation":
        host = workstations.get(prof.iri.value, (None, None))[0]
        if host is not None:
            out.add(host.value)
    return out


_CACHE: dict[int, Profiles] = {}


def store_key(store: Store) -> tuple:
    """What the cache is keyed by: the named graphs, the number of quads, and the sources' stamps.

    An embedded store counts its quads in one pass of its index (a tenth of counting per graph);
    other stores count per graph. The stamps (when each source was written, its files' checksums)
    make a source replaced by one of the same size a change too. A graph replaced by one of
    exactly the same size without going through ``kx load`` / ``kx import`` is missed.
    """
    raw = getattr(store, "raw", None)
    if raw is not None and hasattr(raw, "named_graphs"):
        stamps = tuple(sorted({(r.value, t.value, c.value if c is not None else "")
                               for r, t, c, _ in store.query(query_text("source-stamps")).rows}))
        return (tuple(sorted(g.value for g in raw.named_graphs())), len(raw), stamps)
    return tuple(sorted(store.graphs()))


def _counted(key: tuple) -> bool:
    """True for a key of an embedded store (graph names, quad count, stamps)."""
    return len(key) == 3 and isinstance(key[1], int)


def profiles(store: Store) -> Profiles:
    """The profiles of ``store``, from the cache while the store's graphs keep their sizes.

    When the store changed only by graphs of needs and recorded matches (added, or grown), the
    cached profiles stay valid: the check costs one count and one ASK per such graph, not a rebuild.
    Any other change reads again only the profiles the changed graphs touch (``update``), once the
    cache has been used again after it was built: then it keeps, per named graph, its size and the
    IRIs it speaks of (one pass over the store, which a one-off command does not pay for).
    """
    key = store_key(store)
    cached = _CACHE.get(id(store))
    if cached is not None and (cached.key == key or _only_needs_changed(store, cached, key)):
        cached.key = key
        if not cached.graph_sizes:
            _record_graphs(store, cached)
        return cached
    built = update(store, cached, key) if cached is not None else None
    if built is None:
        built = build(store, key)
        if cached is not None:   # a long-lived cache: keep what the next change needs at once
            _record_graphs(store, built)
    built.sizes = _tracked_sizes(store, key)
    _CACHE[id(store)] = built
    return built


def _record_graphs(store: Store, P: Profiles) -> None:
    """Keep, per named graph, its size and the IRIs it says something about (one pass over the store)."""
    import pyoxigraph as ox

    if not _counted(P.key):
        return
    sizes: dict[str, int] = {}
    subjects: dict[str, set[str]] = {}
    for g, subject, n in store.query(query_text("graph-subjects")).rows:
        sizes[g.value] = sizes.get(g.value, 0) + int(n.value)
        if isinstance(subject, ox.NamedNode):
            subjects.setdefault(g.value, set()).add(subject.value)
    for g in P.key[0]:
        sizes.setdefault(g, 0)
    P.graph_sizes, P.subjects = sizes, subjects
    P.dependants()


def changed_graphs(store: Store, cached: Profiles, key: tuple) -> tuple[set[str], dict[str, int]] | None:
    """The named graphs added, dropped or resized since ``cached`` was built, and every graph's size now.

    Counting only the graphs that came or went when they explain the change of the store's size;
    else every graph is counted. None when that cannot tell (no sizes kept, or the default graph changed).
    """
    if not cached.graph_sizes or not _counted(key) or not _counted(cached.key):
        return None
    old = cached.graph_sizes
    names = set(key[0])
    added, dropped = names - set(old), set(old) - names
    rewritten: set[str] = set()     # sources written again: their records and the graphs they name
    records = {r for r, *_ in set(key[2]) ^ set(cached.key[2])}
    if records:
        rewritten = records | {g.value for r, _, _, g in store.query(query_text("source-stamps")).rows
                               if r.value in records and g is not None}
        rewritten &= names | set(old)
    sizes = {g: n for g, n in old.items() if g in names}
    for g in added:
        sizes[g] = store.graph_size(g)
    if cached.key[1] - sum(old[g] for g in dropped) + sum(sizes[g] for g in added) == key[1]:
        return added | dropped | rewritten, sizes
    sizes = {g: store.graph_size(g) for g in names}
    default_before = cached.key[1] - sum(old.values())
    if key[1] - sum(sizes.values()) != default_before:
        return None
    return {g for g in names | set(old) if sizes.get(g) != old.get(g)} | rewritten, sizes


def update(store: Store, cached: Profiles, key: tuple, *, limit: float = 0.5) -> Profiles | None:
    """New profiles for the store as it is now, reading again only what the changed graphs touch.

    None when that is not worth it or cannot be known (then everything is built again).
    """
    import pyoxigraph as ox

    found = changed_graphs(store, cached, key)
    if found is None:
        return None
    changed, sizes = found
    start = time.perf_counter()
    touched: set[str] = set()
    new_subjects: dict[str, set[str]] = {}
    for g in changed:
        touched |= cached.subjects.get(g, set())
        if g in sizes:
            args, kw = _bound("graph-mentions", g=ox.NamedNode(g))
            now = {x.value for (x,) in store.query(*args, **kw).rows}
            touched |= now
            new_subjects[g] = now
    deps = cached.dependants()
    scope = set()
    unknown = set()
    for x in touched:
        if x in deps:
            scope |= deps[x]
        else:
            unknown.add(x)   # new, or never part of a profile: read as a candidate, project, organisation …
    if len(scope) > limit * max(1, len(cached.profiles)) or len(unknown) > limit * max(1, len(cached.by_iri)) + 1000:
        return None
    part = build(store, key, scope=scope | unknown, also=touched, known=cached)
    gone = scope | unknown
    by_iri = {k: v for k, v in cached.by_iri.items() if k not in gone}
    by_iri.update(part.by_iri)
    reread = set(part.projects) | touched
    projects = {k: v for k, v in cached.projects.items() if k not in reread}
    projects.update(part.projects)
    orgs = {k: v for k, v in cached.orgs.items() if k not in touched and k not in part.orgs}
    orgs.update(part.orgs)
    workstations = {k: v for k, v in cached.workstations.items() if k not in touched and k not in part.workstations}
    workstations.update(part.workstations)
    profiles_ = [p for p in cached.profiles if p.iri.value in by_iri and p.iri.value not in part.by_iri]
    profiles_ += [p for p in part.profiles]
    out = Profiles(profiles_, by_iri, projects, orgs, workstations, part.places, key, 0.0,
                   cached.index.replaced({p.iri.value: p.words for p in part.profiles}, remove=gone))
    out.graph_sizes = sizes
    out.subjects = {g: v for g, v in cached.subjects.items() if g in sizes and g not in changed}
    out.subjects.update(new_subjects)
    out.read = len(part.profiles)
    if cached._deps is not None:   # who reads what: changed for the candidates read again only
        deps = dict(cached._deps)
        for c in gone & set(cached.by_iri):
            for iri in _reads(cached.by_iri[c], cached.workstations):
                left = deps.get(iri, set()) - {c}
                if left:
                    deps[iri] = left
                else:
                    deps.pop(iri, None)
        for prof in part.profiles:
            for iri in _reads(prof, workstations):
                deps[iri] = deps.get(iri, set()) | {prof.iri.value}
        out._deps = deps
    kept = getattr(cached, "_features", None)
    if kept is not None:   # what the ranking counts per candidate (``rank._features``): the unchanged keep it
        out._features = {k: v for k, v in kept.items() if k in by_iri and k not in part.by_iri}
    out.seconds = time.perf_counter() - start
    return out


def _bound(name: str, **values: Any) -> tuple:
    """(text, substitutions=…) of a match query with ``values`` bound (lists as VALUES blocks)."""
    from kxgraph.sparql.catalogue import entry

    bound = entry(f"match/{name}").bind({k: v for k, v in values.items() if v is not None})
    return (bound.text,), {"substitutions": bound.substitutions}


def _tracked_sizes(store: Store, key: tuple) -> dict[str, int]:
    """Sizes of the graphs that hold only needs and matches (checked again on the next change)."""
    import pyoxigraph as ox

    if not _counted(key):
        return {}
    sizes = {}
    for g in key[0]:
        if g.endswith(("/needs", "/matches")) and not store.query(
                query_text("graph-touches-profiles"), substitutions={"g": ox.NamedNode(g)}).boolean:
            sizes[g] = store.graph_size(g)
    return sizes


def _only_needs_changed(store: Store, cached: Profiles, key: tuple) -> bool:
    import pyoxigraph as ox

    if not _counted(key) or not _counted(cached.key) or key[2] != cached.key[2]:
        return False
    old_names, new_names = set(cached.key[0]), set(key[0])
    if old_names - new_names:
        return False
    sizes = dict(cached.sizes)
    grown = 0
    for g in (new_names - old_names) | set(sizes):
        if g not in new_names:
            return False
        size = store.graph_size(g)
        grown += size - sizes.get(g, 0)
        if size != sizes.get(g) and store.query(query_text("graph-touches-profiles"),
                                                substitutions={"g": ox.NamedNode(g)}).boolean:
            return False
        sizes[g] = size
    if grown != key[1] - cached.key[1]:
        return False   # something else changed too
    cached.sizes = sizes
    if cached.graph_sizes:
        cached.graph_sizes.update(sizes)
        for g in sizes:
            cached.subjects.pop(g, None)   # needs and matches: nothing a profile reads
    return True


def build(store: Store, key: tuple = (), *, scope: set[str] | None = None, also: set[str] = frozenset(),
          known: Profiles | None = None) -> Profiles:
    """Read profiles from ``store`` (a handful of queries, joined here): all, or those of ``scope``.

    With ``scope`` (IRIs of candidates, and of new things that may be candidates), ``also`` (IRIs a
    change touched: projects, organisations, workstations to read again) and ``known`` (the profiles
    before), only those are read; the rest is looked up in ``known``. ``update`` merges the two.
    """
    import pyoxigraph as ox

    from kxgraph.match.text import BM25, tokens

    start = time.perf_counter()
    nodes = (lambda iris: [ox.NamedNode(i) for i in sorted(iris)]) if scope is not None else (lambda iris: None)  # noqa: E731

    def rows(name: str, **values: Any) -> list:
        if scope is not None and any(v is not None and not v for v in values.values()):
            return []   # an empty scope reads nothing
        args, kw = _bound(name, **values)
        return store.query(*args, **kw).rows

    C = nodes(scope or ())
    by_iri: dict[str, Profile] = {}
    for c, kind, label, en, discipline in rows("candidates", c=C):
        local = kind.value.removeprefix(KX)
        prior = by_iri.get(c.value)
        if prior is not None:   # a team expert is also an expert: keep the most specific kind
            if prior.kind == "Expert":
                prior.kind = local
            continue
        by_iri[c.value] = Profile(c, local, label.value if label else "", en.value if en else "",
                                  discipline.value if discipline else None)
    for c, m, division, label in rows("divisions", c=C):
        if c.value in by_iri:
            by_iri[c.value].divisions.append((m, division, label.value if label else ""))
    for c, m, ws in rows("memberships", c=C):
        if c.value in by_iri:
            by_iri[c.value].workstations.append((m, ws))

    gone = scope or set()
    old = known if known is not None and scope is not None else None

    def is_candidate(iri: str) -> bool:
        return iri in by_iri or (old is not None and iri in old.by_iri and iri not in gone)

    Ps = None
    if scope is not None:
        Ps = {p.value for (p,) in rows("candidate-projects", c=C)} | set(also)
    projects: dict[str, Project] = {}
    for p, title, status, ws, programme in rows("projects", p=nodes(Ps or ())):
        if p.value not in projects:
            projects[p.value] = Project(p, title.value if title else "", status, ws, programme)
    participants = rows("participants", p=nodes(set(projects)))
    outputs = rows("outputs", p=nodes(set(projects)))
    wanted = None
    if scope is not None:
        wanted = {x.value for _, x in participants if not is_candidate(x.value)} | set(also)
    orgs: dict[str, tuple] = {}
    for x, label, industry, place in rows("organisations", x=nodes(wanted or ())):
        if x.value not in orgs or (industry is not None and orgs[x.value][2] is None):
            orgs[x.value] = (x, label.value if label else "", industry, place)

    def org(iri: str):
        if iri in orgs:
            return orgs[iri]
        if old is not None and iri not in also:
            return old.orgs.get(iri)
        return None

    for p, x in participants:
        pr = projects.get(p.value)
        if pr is None:
            continue
        if is_candidate(x.value):
            pr.people.append(x)
            if x.value in by_iri:
                by_iri[x.value].projects.append(pr)
        elif org(x.value) is not None:
            pr.orgs.append(x)
    for p, o, title in outputs:
        if p.value in projects:
            projects[p.value].outputs.append((o, title.value if title else ""))
    for pr in projects.values():
        if pr.ws is not None and pr.ws.value in by_iri:
            by_iri[pr.ws.value].projects.append(pr)
    ws_wanted = None
    if scope is not None:
        ws_wanted = {c for c, prof in by_iri.items() if prof.group == "workstation"} | set(also)
        ws_wanted |= {ws.value for prof in by_iri.values() for _, ws in prof.workstations}
    workstations = {ws.value: (host, place) for ws, host, place in rows("workstations", ws=nodes(ws_wanted or ()))}
    if scope is not None:   # the hosts' industries go into a workstation's words
        hosts = {h.value for h, _ in workstations.values() if h is not None and org(h.value) is None}
        for x, label, industry, place in rows("organisations", x=nodes(hosts)):
            if x.value not in orgs or (industry is not None and orgs[x.value][2] is None):
                orgs[x.value] = (x, label.value if label else "", industry, place)
    places = {place.value: label.value for place, label in rows("place-labels")}

    profiles_ = list(by_iri.values())
    docs = {}
    for prof in profiles_:
        parts = [prof.discipline or ""] + [label for _, _, label in prof.divisions]
        for pr in prof.projects:
            parts.append(pr.title)
            parts += [title for _, title in pr.outputs]
            parts += [org(x.value)[2].value for x in pr.orgs if org(x.value)[2] is not None]
        if prof.group == "workstation":
            host = workstations.get(prof.iri.value, (None, None))[0]
            if host is not None and org(host.value) is not None and org(host.value)[2] is not None:
                parts.append(org(host.value)[2].value)
        prof.words = tuple(w for part in parts for w in tokens(part))
        docs[prof.iri.value] = prof.words
    built = Profiles(profiles_, by_iri, projects, orgs, workstations, places, key, 0.0,
                     BM25(docs) if scope is None else None)
    built.read = len(profiles_)
    built.seconds = time.perf_counter() - start
    return built


__all__ = ["Profile", "Profiles", "Project", "profiles", "build", "update", "changed_graphs", "codes_of", "field_aliases", "scheme_labels",
           "store_key", "PERSON_KINDS", "WORKSTATION_KINDS"]
