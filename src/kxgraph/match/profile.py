"""Expertise profiles: what the graph says each academician, expert and workstation knows and has done.

A profile holds the candidate's discipline and academy division, the projects they took part in (a
person: ``kx:participant``; a workstation: ``kx:carriedOutAt``) with their titles, statuses, outputs
and partner organisations (their industry and place), the workstations a person works at, and the
open items that make up their load. Every fact keeps the nodes it was read from, so that an
explanation can cite the triples.

Profiles are cached per store and rebuilt when the store changes: the cache key is the list of
named graphs and the number of quads (``store_key``), so a load, an import or a dropped graph
is seen; reading changes nothing. A change made only of needs and recorded matches
(a graph of needs added, a match recorded) keeps them: checking that costs a count and an ASK per
such graph. Any other change rebuilds every profile (a few seconds per 10,000 candidates, see
benchmarks/RESULTS-match.md): the rebuild is not per changed graph.
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


_CACHE: dict[int, Profiles] = {}


def store_key(store: Store) -> tuple:
    """What the cache is keyed by: the named graphs and the number of quads.

    An embedded store counts its quads in one pass of its index (a tenth of counting per graph);
    other stores count per graph. A graph replaced by one of exactly the same size is missed.
    """
    raw = getattr(store, "raw", None)
    if raw is not None and hasattr(raw, "named_graphs"):
        return (tuple(sorted(g.value for g in raw.named_graphs())), len(raw))
    return tuple(sorted(store.graphs()))


def profiles(store: Store) -> Profiles:
    """The profiles of ``store``, from the cache while the store's graphs keep their sizes.

    When the store changed only by graphs of needs and recorded matches (added, or grown), the
    cached profiles stay valid: the check costs one count and one ASK per such graph, not a rebuild.
    """
    key = store_key(store)
    cached = _CACHE.get(id(store))
    if cached is not None and cached.key == key:
        return cached
    if cached is not None and _only_needs_changed(store, cached, key):
        cached.key = key
        return cached
    built = build(store, key)
    built.sizes = _tracked_sizes(store, key)
    _CACHE[id(store)] = built
    return built


def _tracked_sizes(store: Store, key: tuple) -> dict[str, int]:
    """Sizes of the graphs that hold only needs and matches (checked again on the next change)."""
    import pyoxigraph as ox

    if len(key) != 2 or not isinstance(key[1], int):
        return {}
    sizes = {}
    for g in key[0]:
        if g.endswith(("/needs", "/matches")) and not store.query(
                query_text("graph-touches-profiles"), substitutions={"g": ox.NamedNode(g)}).boolean:
            sizes[g] = store.graph_size(g)
    return sizes


def _only_needs_changed(store: Store, cached: Profiles, key: tuple) -> bool:
    import pyoxigraph as ox

    if len(key) != 2 or len(cached.key) != 2 or not isinstance(key[1], int):
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
    return True


def build(store: Store, key: tuple = ()) -> Profiles:
    """Read every profile from ``store`` (a handful of queries, joined here)."""
    from kxgraph.match.text import BM25, tokens

    start = time.perf_counter()
    rows = lambda name: store.query(query_text(name)).rows  # noqa: E731

    by_iri: dict[str, Profile] = {}
    for c, kind, label, en, discipline in rows("candidates"):
        local = kind.value.removeprefix(KX)
        known = by_iri.get(c.value)
        if known is not None:   # a team expert is also an expert: keep the most specific kind
            if known.kind == "Expert":
                known.kind = local
            continue
        by_iri[c.value] = Profile(c, local, label.value if label else "", en.value if en else "",
                                  discipline.value if discipline else None)
    for c, m, division, label in rows("divisions"):
        if c.value in by_iri:
            by_iri[c.value].divisions.append((m, division, label.value if label else ""))
    for c, m, ws in rows("memberships"):
        if c.value in by_iri:
            by_iri[c.value].workstations.append((m, ws))

    projects: dict[str, Project] = {}
    for p, title, status, ws, programme in rows("projects"):
        pr = projects.get(p.value)
        if pr is None:
            pr = projects[p.value] = Project(p, title.value if title else "", status, ws, programme)
    orgs: dict[str, tuple] = {}
    for x, label, industry, place in rows("organisations"):
        if x.value not in orgs or (industry is not None and orgs[x.value][2] is None):
            orgs[x.value] = (x, label.value if label else "", industry, place)
    for p, x in rows("participants"):
        pr = projects.get(p.value)
        if pr is None:
            continue
        if x.value in by_iri:
            pr.people.append(x)
            by_iri[x.value].projects.append(pr)
        elif x.value in orgs:
            pr.orgs.append(x)
    for p, o, title in rows("outputs"):
        if p.value in projects:
            projects[p.value].outputs.append((o, title.value if title else ""))
    for pr in projects.values():
        if pr.ws is not None and pr.ws.value in by_iri:
            by_iri[pr.ws.value].projects.append(pr)
    workstations = {ws.value: (host, place) for ws, host, place in rows("workstations")}
    places = {place.value: label.value for place, label in rows("place-labels")}

    profiles_ = list(by_iri.values())
    docs = []
    for prof in profiles_:
        parts = [prof.discipline or ""] + [label for _, _, label in prof.divisions]
        for pr in prof.projects:
            parts.append(pr.title)
            parts += [title for _, title in pr.outputs]
            parts += [orgs[x.value][2].value for x in pr.orgs if orgs[x.value][2] is not None]
        if prof.group == "workstation":
            host = workstations.get(prof.iri.value, (None, None))[0]
            if host is not None and host.value in orgs and orgs[host.value][2] is not None:
                parts.append(orgs[host.value][2].value)
        prof.words = tuple(w for part in parts for w in tokens(part))
        docs.append(prof.words)
    built = Profiles(profiles_, by_iri, projects, orgs, workstations, places, key, 0.0, BM25(docs))
    built.seconds = time.perf_counter() - start
    return built


__all__ = ["Profile", "Profiles", "Project", "profiles", "build", "codes_of", "field_aliases", "scheme_labels",
           "store_key", "PERSON_KINDS", "WORKSTATION_KINDS"]
