"""Ranking candidates for a technical need, with the evidence each score rests on.

``score = text * (1 + graph) - load`` (weights and the combination in ``data/match/weights.yaml``):

- text: BM25 of the need's words (title, description, keywords, fields, plus synonyms of
  ``synonyms.tsv``) against each profile, divided by the best BM25 for this need;
- graph: worked with this very enterprise; with enterprises of the need's industry or field; such
  a project reached 成果转化; the academy division or discipline covers the need's field; a
  workstation in the need's district; a shared programme. Each kind counts ``2w * (1 - 0.5 ** n)``,
  where a fact resting on a project counts by that project's relevance to the need (``relevance``:
  how much of the need's words its title holds), so only the work on the need's subject speaks;
- load: open projects, workstations and recorded open matches beyond a free number.

Every candidate returned carries ``Evidence`` items: a zh and an en sentence, the signed weight
they add, and the triples of the store they rest on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from kxgraph.errors import NotFoundError, ParameterError, option
from kxgraph.match.profile import Profile, Profiles, codes_of, query_text, scheme_labels
from kxgraph.match.text import expand
from kxgraph.resources import resource_path
from kxgraph.vocab import DCTERMS, KX, ORG, RDFS, SCHEMA

TRANSFERRED = KX + "ResultTransferred"
IN_PROGRESS = KX + "RnDInProgress"
KINDS = ("academician", "expert", "workstation")
MODES = ("both", "text", "graph")


@lru_cache(maxsize=1)
def weights() -> dict:
    """The weights of ``data/match/weights.yaml``."""
    import yaml

    return yaml.safe_load(resource_path("match/weights.yaml").read_text(encoding="utf-8"))


@dataclass
class Need:
    """A technical need as the matcher reads it (from the store, or given as text)."""

    iri: Any
    title: str
    description: str = ""
    enterprise: Any = None
    place: Any = None
    status: Any = None
    keywords: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)        # as written or the concepts' labels
    codes: frozenset = frozenset()
    matched: list = field(default_factory=list)            # (match node, candidate)

    @property
    def text(self) -> str:
        return " ".join([self.title, self.description, *self.keywords, *self.fields])

    @property
    def is_open(self) -> bool:
        return not self.matched and (self.status is None or self.status.value == KX + "NeedOpen")


@dataclass
class Evidence:
    kind: str
    weight: float
    zh: str
    en: str
    triples: list = field(default_factory=list)            # (subject, predicate, object) terms


@dataclass
class Ranked:
    profile: Profile
    score: float
    text: float
    graph: float
    load: float
    evidence: list[Evidence] = field(default_factory=list)


def _n(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def read_needs(store: Any) -> list[Need]:
    """Every technical need in the store."""
    needs: dict[str, Need] = {}
    for n, title, description, enterprise, place, status, _created in store.query(query_text("needs")).rows:
        if n.value not in needs:
            needs[n.value] = Need(n, title.value if title else "", description.value if description else "",
                                  enterprise, place, status)
    labels = scheme_labels()
    for n, what, value in store.query(query_text("need-terms")).rows:
        need = needs.get(n.value)
        if need is None:
            continue
        if what.value == KX + "keyword":
            need.keywords.append(value.value)
        elif what.value == KX + "fieldText":
            need.fields.append(value.value)
        else:   # a concept: its code and label
            code = value.value.rsplit("/", 1)[-1]
            label = next((zh for c, zh, iri in labels.values() if iri == value.value), code)
            need.fields.append(label)
    for n, m, c, _date in store.query(query_text("matches")).rows:
        if n.value in needs:
            needs[n.value].matched.append((m, c))
    for need in needs.values():
        need.codes = frozenset(code for f in need.fields for code in codes_of(f))
    return sorted(needs.values(), key=lambda need: need.title)


def adhoc_need(text: str, *, fields: list[str] | None = None, enterprise: Any = None, place: Any = None) -> Need:
    """A need that is not in the store: text, fields, and optionally the enterprise raising it."""
    fields = list(fields or [])
    need = Need(None, text or "", "", enterprise, place, None, [], fields)
    need.codes = frozenset(code for f in fields for code in codes_of(f))
    return need


def check_need(need: Need) -> None:
    if not need.text.strip():
        raise ParameterError(f"the need {need.title or (need.iri.value if need.iri else '')!r} has no text "
                             "and no field: give it a title, description, keywords or a field to match on")


class Matcher:
    """Ranks the candidates of ``Profiles`` for needs."""

    def __init__(self, profiles: Profiles, *, load_items: dict[str, list] | None = None) -> None:
        self.P = profiles
        self.w = weights()
        self.load_items = load_items or {}
        # programmes each organisation took part in: org iri -> [(project, programme)]
        self.org_programmes: dict[str, list] = {}
        for pr in profiles.projects.values():
            if pr.programme is not None:
                for x in pr.orgs:
                    self.org_programmes.setdefault(x.value, []).append((pr.iri, pr.programme))
        self.features = _features(profiles)

    # -- the need's side --------------------------------------------------------------------

    def _industry(self, org: Any):
        if org is None or org.value not in self.P.orgs:
            return None
        return self.P.orgs[org.value][2]

    def _field_industries(self, need: Need) -> set[str]:
        """Industry texts of the store that fall in the need's field, or equal its enterprise's."""
        own = self._industry(need.enterprise)
        found = {own.value} if own is not None else set()
        texts = {rec[2].value for rec in self.P.orgs.values() if rec[2] is not None}
        for t in texts:
            if need.codes & codes_of(t):
                found.add(t)
        return found

    # -- scoring ----------------------------------------------------------------------------

    def rank(self, need: Need, *, top: int = 10, kind: str | None = None, mode: str = "both",
             explain: bool = True) -> list[Ranked]:
        """The ``top`` candidates for ``need``, best first (``mode``: both, text or graph)."""
        check_need(need)
        if kind is not None and kind not in KINDS:
            raise ParameterError(f"{option('kind')} must be one of {', '.join(KINDS)}, not {kind!r}")
        if mode not in MODES:
            raise ParameterError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        words, _ = expand(need.text)
        raw = self.P.index.scores(words) if words else {}
        best = max(raw.values(), default=0.0)
        industries = self._field_industries(need)
        rel = self.relevance(words) if mode == "both" else None
        wt = self.w["text"] if mode != "graph" else 0.0
        product = mode == "both" and self.w.get("combine") == "product"
        scored = []
        for prof in self.P.profiles:
            if kind is not None and prof.group != kind:
                continue
            text = wt * (raw.get(prof.iri.value, 0.0) / best) if best > 0 else 0.0
            if product and text == 0:
                continue   # text * (1 + graph) - load: nothing to gain
            graph = self._graph_score(need, prof, industries, rel) if mode != "text" else 0.0
            load = self._load_score(prof) if mode == "both" else 0.0
            if product:
                score = text * (1 + graph) - load
            else:
                score = text + graph - load
            if score > 0 or text > 0:
                scored.append((score, text, graph, load, prof))
        scored.sort(key=lambda s: (-s[0], s[4].label, s[4].iri.value))
        out = []
        for score, text, graph, load, prof in scored[:top]:
            r = Ranked(prof, round(score, 4), round(text, 4), round(graph, 4), round(load, 4))
            if explain:
                r.evidence = self.explain(need, prof, industries, words, text, mode, rel)
            out.append(r)
        return out

    def relevance(self, words: list[str]) -> dict[str, float]:
        """Project → how well its title matches the need's words (idf-weighted, 1 for the best project).

        Graph evidence resting on a project counts by this (see ``_counts``).
        """
        index, postings = self.P.index, self._project_postings()
        sums: dict[str, float] = {}
        for w in set(words):
            idf = index.idf(w)
            for project in postings.get(w, ()):
                sums[project] = sums.get(project, 0.0) + idf
        best = max(sums.values(), default=0.0)
        return {p: v / best for p, v in sums.items()} if best > 0 else {}

    def _project_postings(self) -> dict[str, list[str]]:
        cached = getattr(self.P, "_project_postings", None)
        if cached is None:
            from kxgraph.match.text import tokens

            cached = {}
            for pr in self.P.projects.values():
                for w in set(tokens(pr.title)):
                    cached.setdefault(w, []).append(pr.iri.value)
            self.P._project_postings = cached
        return cached

    def _counts(self, need: Need, prof: Profile, industries: set[str],
                rel: dict[str, float] | None = None) -> dict[str, float]:
        """How many facts of each kind back ``prof`` for ``need``.

        With ``rel`` (project → how well its title matches the need, 0 … 1), a fact resting on a
        project counts by that project's relevance: having worked with the enterprise on its coal
        safety project says more for a coal safety need than having worked with it on a website.
        """
        ent = need.enterprise.value if need.enterprise is not None else None
        c = dict.fromkeys(self.w["graph"], 0.0)
        edges, programmes_of, division_codes, discipline_codes, places = self.features[prof.iri.value]
        programmes = {g.value for _, g in self.org_programmes.get(ent, [])} if ent else set()
        for project, org, industry, transferred in edges:
            share = 1.0 if rel is None else rel.get(project, 0.0)
            if not share:
                continue
            if org == ent:
                c["same_enterprise"] += share
            elif industry is not None and industry in industries:
                c["same_industry"] += share
                if transferred:
                    c["transferred_in_field"] += share
        if programmes:
            c["shared_programme"] = sum(1.0 if rel is None else rel.get(project, 0.0)
                                        for project, g in programmes_of if g in programmes)
        if need.codes:
            c["division_field"] = sum(1 for codes in division_codes if need.codes & codes)
            c["discipline_field"] = int(bool(need.codes & discipline_codes))
        if need.place is not None:
            c["same_district"] = sum(1 for place in places if place == need.place.value)
        return c

    def _places(self, prof: Profile):
        """(membership or None, workstation, place iri) of the workstations a candidate is at."""
        if prof.group == "workstation":
            place = self.P.workstations.get(prof.iri.value, (None, None))[1]
            return [(None, prof.iri, place.value)] if place is not None else []
        out = []
        for m, ws in prof.workstations:
            place = self.P.workstations.get(ws.value, (None, None))[1]
            if place is not None:
                out.append((m, ws, place.value))
        return out

    def _graph_score(self, need: Need, prof: Profile, industries: set[str], rel: dict | None = None) -> float:
        counts = self._counts(need, prof, industries, rel)
        return sum(self.w["graph"][k] * 2 * (1 - 0.5 ** n) for k, n in counts.items() if n)

    def _open_items(self, prof: Profile) -> list:
        items = [pr for pr in prof.projects if pr.status is not None and pr.status.value == IN_PROGRESS]
        return items + list(prof.workstations) + self.load_items.get(prof.iri.value, [])

    def _load_score(self, prof: Profile) -> float:
        spec = self.w["load"]
        extra = len(self._open_items(prof)) - spec["free"]
        return min(spec["max"], spec["per_open_item"] * extra) if extra > 0 else 0.0

    # -- explanations -----------------------------------------------------------------------

    def _link(self, prof: Profile, pr) -> tuple:
        """The triple that ties a candidate to a project."""
        if prof.group == "workstation":
            return (pr.iri, _n(KX + "carriedOutAt"), prof.iri)
        return (pr.iri, _n(KX + "participant"), prof.iri)

    def explain(self, need: Need, prof: Profile, industries: set[str], words: list[str], text: float,
                mode: str = "both", rel: dict | None = None) -> list[Evidence]:
        """The evidence sentences for one candidate, strongest kinds first, at most three of a kind.

        ``rel`` (``relevance(words)``, computed here when ``mode`` is both and it is not given)
        weighs the facts resting on projects as the ranking did.
        """
        if rel is None and mode == "both":
            rel = self.relevance(words)
        import pyoxigraph as ox

        P, g = self.P, self.w["graph"]
        ent = need.enterprise.value if need.enterprise is not None else None
        out: list[Evidence] = []
        if text > 0:
            from kxgraph.match.text import tokens

            wordset = set(words)
            found = []   # (hits, zh, en, triples), from project titles, then output titles
            for pr in prof.projects:
                hits = [w for w in dict.fromkeys(tokens(pr.title)) if w in wordset]
                if hits:
                    found.append((hits, f"需求词「{'、'.join(hits[:5])}」见于项目 {pr.title}",
                                  f"need words {', '.join(hits[:5])} occur in the project {pr.title}",
                                  [(pr.iri, _n(RDFS + "label"), ox.Literal(pr.title, language="zh")),
                                   self._link(prof, pr)]))
                for o, title in pr.outputs:
                    hits = [w for w in dict.fromkeys(tokens(title)) if w in wordset]
                    if hits:
                        found.append((hits, f"需求词「{'、'.join(hits[:5])}」见于成果 {title}（项目 {pr.title}）",
                                      f"need words {', '.join(hits[:5])} occur in the output {title} of {pr.title}",
                                      [(o, _n(RDFS + "label"), ox.Literal(title, language="zh")),
                                       (pr.iri, _n(KX + "produced"), o), self._link(prof, pr)]))
            if prof.discipline:
                hits = [w for w in dict.fromkeys(tokens(prof.discipline)) if w in wordset]
                if hits:
                    found.append((hits, f"学科：{prof.discipline}（与需求用词「{'、'.join(hits[:5])}」相符）",
                                  f"discipline {prof.discipline} shares the need's words {', '.join(hits[:5])}",
                                  [(prof.iri, _n(KX + "discipline"), ox.Literal(prof.discipline))]))
            found.sort(key=lambda f: -len(f[0]))
            for i, (_, zh, en, triples) in enumerate(found[:2]):
                zh, en = _longest_words(zh), _longest_words(en)
                out.append(Evidence("text", round(text, 4) if i == 0 else 0.0, zh, en, triples))
        if mode != "text":
            out += self._graph_evidence(need, prof, industries, ent, g, rel)
        if mode == "both":
            spec = self.w["load"]
            items = self._open_items(prof)
            load = self._load_score(prof)
            if load > 0:
                triples = []
                for item in items[:5]:
                    if hasattr(item, "status"):
                        triples += [(item.iri, _n(KX + "status"), item.status), self._link(prof, item)]
                    elif len(item) == 2 and prof.group != "workstation" and item[1].value in P.workstations:
                        triples += [(item[0], _n(ORG + "member"), prof.iri), (item[0], _n(ORG + "organization"), item[1])]
                    else:
                        triples += [(item[1], _n(KX + "matchedBy"), item[0]), (item[0], _n(KX + "candidate"), prof.iri)]
                out.append(Evidence("load", -round(load, 4),
                                    f"当前负担：{len(items)} 项在研项目、工作站或未结对接（超出 {spec['free']} 项的部分扣分）",
                                    f"current load: {len(items)} projects in progress, workstations or open matches "
                                    f"(beyond {spec['free']} counts against)", triples))
        return out

    def _graph_evidence(self, need: Need, prof: Profile, industries: set[str], ent, g: dict,
                        rel: dict | None = None) -> list[Evidence]:
        import pyoxigraph as ox

        P, L = self.P, self.P.label
        out: list[Evidence] = []
        counts = self._counts(need, prof, industries, rel)
        share = {k: g[k] * 2 * (1 - 0.5 ** n) for k, n in counts.items() if n}
        kinds: dict[str, list[Evidence]] = {k: [] for k in g}
        status_zh = {TRANSFERRED: "成果转化", KX + "RnDCompleted": "完成研发", IN_PROGRESS: "正在研发"}
        status_en = {TRANSFERRED: "result transferred", KX + "RnDCompleted": "R&D completed",
                     IN_PROGRESS: "R&D in progress"}
        projects = prof.projects if rel is None else sorted(
            (pr for pr in prof.projects if rel.get(pr.iri.value)), key=lambda pr: -rel[pr.iri.value])
        for pr in projects:
            st = pr.status.value if pr.status is not None else None
            szh, sen = (f"（{status_zh[st]}）", f" ({status_en[st]})") if st in status_zh else ("", "")
            for x in pr.orgs:
                base = [(pr.iri, _n(KX + "participant"), x), self._link(prof, pr)]
                if x.value == ent:
                    kinds["same_enterprise"].append(Evidence(
                        "same_enterprise", 0, f"曾与本企业 {L(x)} 合作项目 {pr.title}{szh}",
                        f"worked with this very enterprise {L(x)} on {pr.title}{sen}", base))
                    continue
                ind = P.orgs[x.value][2]
                if ind is not None and ind.value in industries:
                    tri = base + [(x, _n(KX + "industry"), ind)]
                    if st == TRANSFERRED:
                        kinds["transferred_in_field"].append(Evidence(
                            "transferred_in_field", 0, f"与{ind.value}企业 {L(x)} 的项目 {pr.title} 已成果转化",
                            f"the project {pr.title} with {L(x)} ({ind.value}) transferred its results",
                            tri + [(pr.iri, _n(KX + "status"), pr.status)]))
                    kinds["same_industry"].append(Evidence(
                        "same_industry", 0, f"曾与同行业企业 {L(x)} 合作项目 {pr.title}{szh}",
                        f"worked with {L(x)}, an enterprise of the same industry ({ind.value}), on {pr.title}{sen}",
                        tri))
            if pr.programme is not None and ent and pr.programme.value in {
                    gr.value for _, gr in self.org_programmes.get(ent, [])}:
                q = next(p for p, gr in self.org_programmes[ent] if gr.value == pr.programme.value)
                kinds["shared_programme"].append(Evidence(
                    "shared_programme", 0, f"项目 {pr.title} 与本企业同属 {L(pr.programme)}",
                    f"the project {pr.title} and the enterprise share the programme {L(pr.programme)}",
                    [(pr.iri, _n(DCTERMS + "isPartOf"), pr.programme), self._link(prof, pr),
                     (q, _n(DCTERMS + "isPartOf"), pr.programme), (q, _n(KX + "participant"), need.enterprise)]))
        fields = "、".join(need.fields) or "—"
        for m, division, label in prof.divisions:
            if need.codes & codes_of(label):
                kinds["division_field"].append(Evidence(
                    "division_field", 0, f"所在学部：{label} ↔ 需求领域：{fields}",
                    f"academy division {label} covers the need's field {fields}",
                    [(m, _n(ORG + "member"), prof.iri), (m, _n(KX + "division"), division)]))
        if prof.discipline and need.codes & codes_of(prof.discipline):
            kinds["discipline_field"].append(Evidence(
                "discipline_field", 0, f"学科：{prof.discipline} ↔ 需求领域：{fields}",
                f"discipline {prof.discipline} covers the need's field {fields}",
                [(prof.iri, _n(KX + "discipline"), ox.Literal(prof.discipline))]))
        if need.place is not None:
            for m, ws, place in self._places(prof):
                if place == need.place.value:
                    tri = [(ws, _n(SCHEMA + "location"), need.place)]
                    if m is not None:
                        tri = [(m, _n(ORG + "member"), prof.iri), (m, _n(ORG + "organization"), ws)] + tri
                    kinds["same_district"].append(Evidence(
                        "same_district", 0, f"工作站 {L(ws)} 位于需求所在地 {L(need.place)}",
                        f"the workstation {L(ws)} is in the need's district {L(need.place)}", tri))
        for k in sorted(share, key=lambda k: -share[k]):
            items = kinds[k][:3]
            for i, ev in enumerate(items):
                ev.weight = round(share[k], 4) if i == 0 else 0.0   # the kind's share, on its first sentence
            out += items
        return out


def _longest_words(sentence: str) -> str:
    """Drop from the quoted word list the words inside longer ones (互联 in 互联网), for reading."""
    import re

    def keep(match):
        sep = "、" if "、" in match.group(0) or "「" in match.group(0) else ", "
        words = match.group(2).split(sep)
        words = [w for w in words if not any(w != o and w in o for o in words)]
        return match.group(1) + sep.join(words) + match.group(3)

    sentence = re.sub(r"(「)([^」]*)(」)", keep, sentence, count=1)
    return re.sub(r"(need words )(.*?)( occur| shares)", keep, sentence, count=1)


def _features(P: Profiles) -> dict:
    """Per candidate, what the graph evidence counts, flattened once per set of profiles."""
    out = getattr(P, "_features", None)
    if out is not None and len(out) == len(P.profiles):
        return out
    out = dict(out or {})
    for prof in P.profiles:
        if prof.iri.value in out:
            continue   # kept from before an update (``profile.update`` keeps only the unchanged)
        edges, programmes = [], []
        for pr in prof.projects:
            transferred = pr.status is not None and pr.status.value == TRANSFERRED
            for x in pr.orgs:
                ind = P.orgs[x.value][2]
                edges.append((pr.iri.value, x.value, ind.value if ind is not None else None, transferred))
            if pr.programme is not None:
                programmes.append((pr.iri.value, pr.programme.value))
        if prof.group == "workstation":
            place = P.workstations.get(prof.iri.value, (None, None))[1]
            places = [place.value] if place is not None else []
        else:
            places = [P.workstations[ws.value][1].value for _, ws in prof.workstations
                      if ws.value in P.workstations and P.workstations[ws.value][1] is not None]
        out[prof.iri.value] = (edges, programmes, [codes_of(label) for _, _, label in prof.divisions],
                               codes_of(prof.discipline), places)
    P._features = out
    return out


def resolve_need(needs: list[Need], name: str) -> Need:
    """The need named by an IRI, CURIE or title; an unknown name gets "did you mean"."""
    from kxgraph.vocab import expand_curie

    text = name.strip()
    iri = text[1:-1] if text.startswith("<") else (expand_curie(text) or text)
    for need in needs:
        if need.iri is not None and need.iri.value == iri:
            return need
    exact = [need for need in needs if need.title == text]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        from kxgraph.errors import AmbiguousNameError

        raise AmbiguousNameError(f"{len(exact)} needs are titled {text!r}; give the IRI",
                                 [n.iri.value for n in exact])
    raise NotFoundError(f"no technical need {text!r}{did_you_mean(text, [n.title for n in needs])}")


def did_you_mean(text: str, names: list[str]) -> str:
    """"; did you mean: A, B?" for the names closest to ``text`` (or "")."""
    import difflib

    names = [n for n in names if n]
    close = [n for n in names if text in n or n in text]
    close += difflib.get_close_matches(text, names, n=3, cutoff=0.4)
    close = list(dict.fromkeys(close))[:3]
    return f"; did you mean: {', '.join(close)}?" if close else ""


__all__ = ["Need", "Evidence", "Ranked", "Matcher", "read_needs", "adhoc_need", "resolve_need", "did_you_mean",
           "weights", "KINDS", "MODES"]
