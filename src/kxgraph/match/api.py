"""The library calls behind ``kx match`` and ``KxGraph.match``: rank, explain, record.

>>> import kxgraph                                         # doctest: +SKIP
>>> g = kxgraph.open("store")                              # doctest: +SKIP
>>> g.match(need="示例煤矿瓦斯监测预警需求", top=5).to_df()[["label", "score", "evidence"]]  # doctest: +SKIP
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from kxgraph.errors import NotFoundError, ParameterError, option
from kxgraph.match.profile import Profiles, profiles, query_text
from kxgraph.match.text import expand
from kxgraph.match.rank import (KINDS, Matcher, Need, Ranked, adhoc_need, did_you_mean, read_needs,
                                resolve_need)
from kxgraph.output.results import Result
from kxgraph.vocab import GRAPH, KX

MATCH_GRAPH = GRAPH + "matches"      # where recorded decisions go
COLUMNS = ["need", "need_title", "rank", "candidate", "label", "kind", "score", "text", "graph", "load",
           "evidence", "evidence_en"]


@dataclass
class MatchResult(Result):
    """A ranking table (one row per need and candidate) that keeps the structured evidence.

    ``matches`` holds (need, [Ranked …]) pairs; each ``Ranked`` has ``evidence``: ``Evidence``
    items with ``zh``, ``en``, ``weight`` and the ``triples`` they rest on.
    """

    matches: list = field(default_factory=list)
    profiles: Any = field(default=None, repr=False)

    def to_html(self) -> str:
        """The whole page: each need, its candidates, their evidence and the facts cited."""
        from kxgraph.match.page import to_html

        return to_html(self)


def _profiles(store: Any) -> Profiles:
    P = profiles(store)
    if not P.profiles:
        raise NotFoundError("the store holds no academicians, experts or workstations to match: "
                            "load some first (generated, imported or demo data)")
    return P


def _load_items(store: Any, needs: list[Need]) -> dict[str, list]:
    """Recorded matches of needs not yet solved: they count towards the candidate's load."""
    solved = {n.iri.value for n in needs if n.status is not None and n.status.value == KX + "NeedSolved"}
    items: dict[str, list] = {}
    for n, m, c, _date in store.query(query_text("matches")).rows:
        if n.value not in solved:
            items.setdefault(c.value, []).append((m, n))
    return items


def _candidate(P: Profiles, name: str):
    from kxgraph.vocab import expand_curie

    text = name.strip()
    iri = text[1:-1] if text.startswith("<") else (expand_curie(text) or text)
    if iri in P.by_iri:
        return P.by_iri[iri]
    found = [p for p in P.profiles if text in (p.label, p.en)]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        from kxgraph.errors import AmbiguousNameError

        raise AmbiguousNameError(f"{len(found)} candidates are named {text!r}; give the IRI",
                                 [p.iri.value for p in found])
    raise NotFoundError(f"no academician, expert or workstation {text!r}"
                        f"{did_you_mean(text, [p.label for p in P.profiles if p.label])}")


def _enterprise(P: Profiles, name: str):
    from kxgraph.vocab import expand_curie

    text = name.strip()
    iri = text[1:-1] if text.startswith("<") else (expand_curie(text) or text)
    if iri in P.orgs:
        return P.orgs[iri][0]
    found = [rec[0] for rec in P.orgs.values() if rec[1] == text]
    if found:
        return found[0]
    raise NotFoundError(f"no enterprise {text!r}{did_you_mean(text, [r[1] for r in P.orgs.values() if r[1]])}")


def match(store: Any, *, need: str | None = None, enterprise: str | None = None, expert: str | None = None,
          text: str | None = None, fields: list[str] | None = None, top: int = 10, kind: str | None = None,
          mode: str = "both") -> MatchResult:
    """Rank academicians, experts and workstations for technical needs, with evidence.

    Give one of ``need`` (IRI, CURIE or title of a ``kx:TechnicalNeed``), ``enterprise`` (every open
    need it raised), ``expert`` (the open needs this candidate could serve, best first) or ``text``
    (an ad-hoc need; ``fields`` and ``enterprise`` may go with it). ``kind`` keeps academician,
    expert or workstation candidates; ``mode`` ``text`` or ``graph`` ranks on one side only.
    """
    chosen = [x for x in (need, expert, text) if x is not None]
    if len(chosen) != 1 and not (enterprise and not need and not expert):
        if not chosen and not enterprise:
            raise ParameterError(f"say what to match: {option('need', 'NAME')}, {option('enterprise', 'NAME')} or {option('expert', 'NAME')}")
        if len(chosen) > 1:
            raise ParameterError(f"give one of {option('need')}, {option('expert')} or a need's {option('text')}, not several")
    if top < 1:
        raise ParameterError(f"{option('top')} must be 1 or more")
    if kind is not None and kind not in KINDS:
        raise ParameterError(f"{option('kind')} must be one of {', '.join(KINDS)}, not {kind!r}")
    P = _profiles(store)
    all_needs = read_needs(store)
    matcher = Matcher(P, load_items=_load_items(store, all_needs))
    if text is not None:
        ent = _enterprise(P, enterprise) if enterprise else None
        place = P.orgs[ent.value][3] if ent is not None else None
        return _table(P, [(adhoc_need(text, fields=fields, enterprise=ent, place=place),
                           matcher.rank(adhoc_need(text, fields=fields, enterprise=ent, place=place),
                                        top=top, kind=kind, mode=mode))])
    cand = _candidate(P, expert) if expert else None
    ent = _enterprise(P, enterprise) if enterprise else None
    if not all_needs:
        raise NotFoundError("the store holds no technical needs (kx:TechnicalNeed): import some with "
                            "kx import SHEET (template: kxgraph/data/templates/needs.xlsx), or give the need's text")
    if need:
        one = resolve_need(all_needs, need)
        return _table(P, [(one, matcher.rank(one, top=top, kind=kind, mode=mode))])
    if cand is not None:
        return _for_expert(P, matcher, cand, [n for n in all_needs if n.is_open], top=top, mode=mode)
    mine = [n for n in all_needs if n.enterprise is not None and n.enterprise.value == ent.value]
    if not mine:
        raise NotFoundError(f"{P.label(ent)} has raised no technical need")
    open_ = [n for n in mine if n.is_open]
    if not open_:
        raise NotFoundError(f"{P.label(ent)} has no open technical need ({len(mine)} matched or solved)")
    return _table(P, [(n, matcher.rank(n, top=top, kind=kind, mode=mode)) for n in open_])


def _for_expert(P: Profiles, matcher: Matcher, cand, needs: list[Need], *, top: int, mode: str) -> MatchResult:
    """For each open need: where ``cand`` ranks among its kind, with the evidence; best scores first."""
    pairs = []
    for n in needs:
        if not n.text.strip():
            continue
        ranked = matcher.rank(n, top=len(P.profiles), kind=cand.group, mode=mode, explain=False)
        for i, r in enumerate(ranked):
            if r.profile is cand:
                r.evidence = matcher.explain(n, cand, matcher._field_industries(n), expand(n.text)[0], r.text, mode)
                pairs.append((r.score, i + 1, n, r))
                break
    pairs.sort(key=lambda t: (-t[0], t[2].title))
    result = _table(P, [])
    for _, rank, n, r in pairs[:top]:
        result.rows.append(_row(P, n, rank, r))
        result.matches.append((n, [r]))
    return result


def _row(P: Profiles, need: Need, rank: int, r: Ranked) -> tuple:
    from kxgraph.output.results import to_term

    return tuple(to_term(v) for v in (
        need.iri, need.title, rank, r.profile.iri, r.profile.label, r.profile.group, r.score, r.text, r.graph,
        r.load, "；".join(e.zh for e in r.evidence), "; ".join(e.en for e in r.evidence)))


def _table(P: Profiles, pairs: list) -> MatchResult:
    result = MatchResult("select", list(COLUMNS), [], matches=[], profiles=P)
    for need, ranked in pairs:
        for i, r in enumerate(ranked):
            result.rows.append(_row(P, need, i + 1, r))
        result.matches.append((need, ranked))
    return result


def record(store: Any, need: str, candidate: str, *, date: datetime.date | None = None) -> Result:
    """Record that ``candidate`` takes on ``need`` (a ``kx:NeedMatch`` in ``kxg:matches``); return it.

    Later matches count the decision as load on the candidate, and the need is no longer open.
    """
    import hashlib

    import pyoxigraph as ox

    from kxgraph.vocab import DCTERMS, ID, RDF, XSD

    P = _profiles(store)
    needs = read_needs(store)
    if not needs:
        raise NotFoundError("the store holds no technical needs to record a match for")
    n = resolve_need(needs, need)
    cand = _candidate(P, candidate)
    day = (date or datetime.date.today()).isoformat()
    node = ox.NamedNode(ID + "need/match-" + hashlib.sha1(f"{n.iri.value}|{cand.iri.value}".encode()).hexdigest()[:12])
    triples = [
        (n.iri, ox.NamedNode(KX + "matchedBy"), node),
        (node, ox.NamedNode(RDF + "type"), ox.NamedNode(KX + "NeedMatch")),
        (node, ox.NamedNode(KX + "candidate"), cand.iri),
        (node, ox.NamedNode(DCTERMS + "date"), ox.Literal(day, datatype=ox.NamedNode(XSD + "date"))),
    ]
    if any(m.value == node.value for m, _ in n.matched):
        raise ParameterError(f"{cand.label} is already recorded for {n.title}")
    data = "".join(f"{s} {p} {o} .\n" for s, p, o in triples)
    store.load(data.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, graph=MATCH_GRAPH)
    return Result.table(["need", "need_title", "candidate", "label", "match", "date"],
                        [(n.iri, n.title, cand.iri, cand.label, node, day)])


__all__ = ["match", "record", "MatchResult", "MATCH_GRAPH", "COLUMNS"]
