"""The model of the synthetic association network: name tables, calibration, entities and links.

``Network`` yields the network subject by subject; ``kxgraph.synthetic.generate`` writes what it yields.
Every attribute is a pure function of (seed, kind of draw, index, k) through a 64-bit mix, so no
entity list is kept: workstation ``j``'s host or project ``i``'s status is recomputed wherever it
is needed. Heavy tails come from ``Network._pick`` (rank = width * u ** alpha); at scale K the
population is cut into K blocks and picks stay in the caller's block, so degree distributions
do not change with the scale.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from kxgraph import vocab as V
from kxgraph.errors import GenerateError, NotFoundError, ParameterError, option
from kxgraph.resources import package_path, resource_path

_M = (1 << 64) - 1

# Totals of the Taiyuan report (scale 1). Keys name what they count.
BASE: dict[str, int] = {
    "AcademicianWorkstation": 75, "Academician": 81, "AcademicianTeamExpert": 393,
    "ExpertWorkstation": 18, "TalentProgrammeExpert": 20,
    "ResultTransferred": 129, "RnDCompleted": 62, "RnDInProgress": 151,
    "PatentApplication": 672, "AwardNational": 24, "AwardProvincial": 60,
    "StandardLed": 4, "StandardParticipated": 33, "trainedProfessionals": 2177,
    "SocietySupervised": 19, "SocietyGuided": 8, "SocietyLiaison": 19,
    "EnterpriseScienceAssociation": 143, "UniversityScienceAssociation": 4,
    "SocietyServiceStation": 18, "ProgrammeProject": 79,
}
# Supporting entities the report does not count (chosen to give a believable structure).
SUPPORT: dict[str, int] = {"Enterprise": 160, "University": 6, "Event": 36}

# Taiyuan's districts and parks (kxid:place/…) with how often synthetic organisations sit there.
PLACES: tuple[tuple[str, int], ...] = (
    ("140105", 25), ("zongai-zone", 18), ("140109", 10), ("140108", 10), ("140106", 6),
    ("140107", 6), ("140110", 5), ("140121", 4), ("qingxu-edz", 8), ("140122", 3),
    ("140123", 1), ("140181", 4),
)


def totals(scale: float = 1) -> dict[str, int]:
    """The entity totals of a network at ``scale`` (``BASE`` at scale 1), plus supporting counts.

    >>> totals(1)["CooperationProject"]
    342
    """
    if not (isinstance(scale, (int, float)) and math.isfinite(scale) and scale > 0):
        raise ParameterError(f"{option('scale')} must be a positive number, not {scale!r}")
    counts = {k: max(1, round(v * scale)) for k, v in BASE.items()}
    counts["trainedProfessionals"] = round(BASE["trainedProfessionals"] * scale)
    counts.update({k: max(1, round(v * scale)) for k, v in SUPPORT.items()})
    counts["Enterprise"] = max(counts["Enterprise"], counts["EnterpriseScienceAssociation"])
    counts["University"] = max(counts["University"], counts["UniversityScienceAssociation"])
    counts["CooperationProject"] = sum(counts[k] for k in ("ResultTransferred", "RnDCompleted", "RnDInProgress"))
    counts["Award"] = counts["AwardNational"] + counts["AwardProvincial"]
    counts["Standard"] = counts["StandardLed"] + counts["StandardParticipated"]
    counts["LearnedSociety"] = counts["SocietySupervised"] + counts["SocietyGuided"] + counts["SocietyLiaison"]
    return counts


# -- tables --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tables:
    """The name tables of ``resources/names`` (character or words, then pinyin / English)."""

    surnames: tuple[tuple[str, str], ...]
    given: tuple[tuple[str, str], ...]
    places: tuple[tuple[str, str], ...]
    brands: tuple[tuple[str, str], ...]
    sectors: tuple[tuple[str, ...], ...]
    divisions: tuple[tuple[str, ...], ...]
    topics: tuple[tuple[tuple[str, str], ...], ...]   # per sector
    societies: tuple[tuple[str, str, str], ...]
    deny: frozenset[str]


def _rows(name: str) -> list[list[str]]:
    path = package_path(f"resources/names/{name}")
    text = path.read_text(encoding="utf-8")
    if any(c in text for c in '"\\<>\r'):
        # literals are written without escaping, so the tables must not need any
        raise GenerateError(f"{path}: a name table may not contain quotes, backslashes or angle brackets")
    sep = "\t" if name.endswith((".tsv", "societies.txt")) else " "
    return [line.split(sep, 1 if sep == " " else -1) for line in text.splitlines()
            if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def tables() -> Tables:
    """Read the name tables once per process."""
    sectors = tuple(tuple(r) for r in _rows("sectors.tsv"))
    keys = [s[0] for s in sectors]
    topics: list[list[tuple[str, str]]] = [[] for _ in sectors]
    for key, zh, en in _rows("topics.tsv"):
        topics[keys.index(key)].append((zh, en))
    return Tables(
        surnames=tuple((a, b) for a, b in _rows("surnames.txt")),
        given=tuple((a, b) for a, b in _rows("given.txt")),
        places=tuple((a, b) for a, b in _rows("places.txt")),
        brands=tuple((a, b) for a, b in _rows("brands.txt")),
        sectors=sectors,
        divisions=_divisions(),
        topics=tuple(tuple(t) for t in topics),
        societies=tuple((a, b, c) for a, b, c in _rows("societies.txt")),
        deny=_deny_list(),
    )


def _divisions() -> tuple[tuple[str, ...], ...]:
    """The real academy divisions (``ontology/academies.ttl``) as (academy, key, zh name).

    Synthetic academicians are elected into these, so their divisions are the shipped reference
    data (loaded with the ontology), not generated copies.
    """
    from kxgraph.ontology import scheme_names

    parents: dict[str, str] = {}
    names = scheme_names("ontology/academies.ttl", V.KX + "AcademyDivision", parents)
    first = {}
    for name, iri in names.items():
        first.setdefault(iri, name)
    prefix = V.ID + "division/"
    return tuple((parents[iri].removeprefix(V.KX), iri.removeprefix(prefix), first[iri]) for iri in sorted(first))


def _deny_list() -> frozenset[str]:
    """Every two- or three-character run of the shipped source texts, and the listed names.

    A generated name that occurs anywhere in the report (李德毅, 丁能岗 …) is never used.
    """
    names = {row[0] for row in _rows("deny.txt")}
    texts = sorted(resource_path("taiyuan/source").glob("*.txt"))
    if not texts:  # without them a generated name could be a real person's
        raise NotFoundError("shipped file not found: kxgraph/data/taiyuan/source/*.txt "
                            "(is kxgraph installed completely?)")
    for path in texts:
        text = path.read_text(encoding="utf-8")
        for width in (2, 3):
            names.update(text[i:i + width] for i in range(len(text) - width + 1))
    return frozenset(names)


def _title(pinyin: str) -> str:
    return "".join(pinyin.split()).capitalize()


# -- the model -----------------------------------------------------------------------------------

# Kinds of draws: each attribute is a pure function of (seed, kind, index, k).
(_NAME, _ACAD, _AW, _AW_MEMBERS, _TEAM, _EW, _PROJECT, _OUTPUT, _TRAINED, _PLACE, _SOCIETY,
 _STATION, _PROGRAMME, _EVENT, _ORG) = range(1, 16)
_STATUSES = ("kx:ResultTransferred", "kx:RnDCompleted", "kx:RnDInProgress")
_FORMS = (("有限公司", "Co., Ltd."), ("股份有限公司", "Co., Ltd."), ("集团有限公司", "Group Co., Ltd."))
_FORM_PINYIN = ("youxian gongsi", "gufen youxian gongsi", "jituan youxian gongsi")
_UNIVERSITY = (("工业大学", "University of Technology"), ("理工学院", "Institute of Technology"),
               ("能源学院", "Energy College"), ("化工学院", "College of Chemical Technology"),
               ("科技大学", "University of Science and Technology"), ("医科大学", "Medical University"),
               ("环境工程学院", "College of Environmental Engineering"),
               ("农业大学", "Agricultural University"))
_PATENTS = (("制备方法", "Preparation method"), ("装置", "Device"), ("系统", "System"),
            ("检测方法", "Testing method"))
_SUFFIXES = (("关键技术研究", "Key technologies of"), ("产业化示范", "Industrial demonstration of"),
             ("工艺优化", "Process optimisation of"), ("应用研究", "Applied research on"))
_EVENTS = (("学术年会", "annual meeting", False), ("院士专家报告会", "academician lecture", False),
           ("科普讲座", "popular-science lecture", True), ("技术对接会", "technology matchmaking", False))


def _mix(x: int) -> int:
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _M
    x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _M
    return x ^ (x >> 31)


def _coprime_near(n: int, target: float) -> int:
    a = max(1, int(target))
    while math.gcd(a, n) != 1:
        a += 1
    return a


class Network:
    """The synthetic network: yields (subject, [(predicate, object), …]) blocks, entity by entity."""

    def __init__(self, writer, tables: Tables, seed: int, counts: dict[str, int]) -> None:
        self.w, self.t, self.c = writer, tables, counts
        self.salt = _mix((seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) & _M)
        self.ns = len(tables.sectors)
        self.division = {key: writer.iri(V.ID + "division/" + key) for _, key, _ in tables.divisions}
        # at scale K the network is K loosely linked copies of the city: picks stay in a block
        self.blocks_n = max(1, round(counts["AcademicianWorkstation"] / BASE["AcademicianWorkstation"]))
        n = counts["CooperationProject"]
        self.pa = _coprime_near(n, n * 0.618 + seed % 7)
        self.pb = self._int(_PROJECT, 0, 99, n)
        self.pa_inv = pow(self.pa, -1, n) if n > 1 else 0
        self.cum_places, total = [], 0
        for _, weight in PLACES:
            total += weight
            self.cum_places.append(total)
        self.place_iris = [V.ID + "place/" + code for code, _ in PLACES]
        self.offset = self._int(_ORG, 0, 0, 10_000)
        w = writer
        self.T = {k: w.term(k) for k in (
            "a", "rdfs:label", "kx:pinyin", "kx:synthetic", "kx:discipline", "kx:industry", "org:unitOf",
            "org:member", "org:organization", "org:role", "kx:electionYear", "kx:division", "kx:startYear",
            "kx:hostOrganization", "dcterms:created", "schema:location", "kx:status", "kx:carriedOutAt",
            "kx:participant", "kx:leadOrganization", "kx:trainedProfessionals", "kx:produced", "kx:level",
            "kx:standardRole", "dcterms:isPartOf", "kx:serviceStationOf", "schema:organizer",
            "schema:startDate", "kx:completionYear", "kx:transferYear", "kx:underBusinessSupervisionOf", "kx:underIndustryGuidanceOf",
            "kx:liaisonWith", "kx:National", "kx:Provincial", "kx:StandardLed", "kx:StandardParticipated",
            "kx:CAS", "kx:CAE", "kx:AcademicianMember", "kx:ResidentAcademician", "kx:TeamExpert",
            "kx:StationExpert", *_STATUSES)}
        self.cast = w.iri(V.TAIYUAN_CAST)
        self.golden_bridge = w.iri(V.ID + "programme/golden-bridge")
        self.kepu = w.iri(V.ID + "programme/kepu-china")

    # -- draws --------------------------------------------------------------------------------

    def _bits(self, kind: int, i: int, k: int = 0) -> int:
        """64 random bits, a pure function of (seed, kind, i, k): splitmix64, the hottest lines."""
        x = (self.salt ^ (kind * 0x9E3779B97F4A7C15 & _M) ^ (i * 0xBF58476D1CE4E5B9 & _M)
             ^ (k * 0xD6E8FEB86659FD93 & _M))
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9 & _M
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB & _M
        return x ^ (x >> 31)

    def _u(self, kind: int, i: int, k: int = 0) -> float:
        return self._bits(kind, i, k) / 18446744073709551616.0

    def _int(self, kind: int, i: int, k: int, n: int) -> int:
        return int(self._u(kind, i, k) * n)

    def _pick(self, u: float, n: int, frac: float, alpha: float, sector: int | None = None) -> int:
        """A heavy-tailed index below ``n``: low ranks of the caller's block are picked most."""
        step, offset = (1, 0) if sector is None else (self.ns, sector)
        m = (n - offset + step - 1) // step
        if m <= 0:
            return int(u * n)
        width = m / self.blocks_n
        block = min(self.blocks_n - 1, int(frac * self.blocks_n))
        rank = min(m - 1, int(block * width + width * u ** alpha))
        return rank * step + offset

    def _place(self, kind: int, i: int) -> str:
        x = self._u(_PLACE, i, kind) * self.cum_places[-1]
        for index, bound in enumerate(self.cum_places):
            if x < bound:
                return self.place_iris[index]
        return self.place_iris[-1]

    def _person(self, kind: int, i: int) -> tuple[str, str, str]:
        """(zh, en, pinyin) of a person: common surnames most often, never a name of the deny-list."""
        t = self.t
        ns, ng = len(t.surnames), len(t.given)
        for attempt in range(64):
            x = self._bits(_NAME, i * 16 + kind, attempt)   # four 16-bit draws from one hash
            sur = t.surnames[int(ns * ((x & 0xFFFF) / 65536.0) ** 1.7)]
            g1, g2 = t.given[((x >> 16) & 0xFFFF) % ng], t.given[((x >> 32) & 0xFFFF) % ng]
            parts = [g1] if (x >> 48) < 0x3852 or g1 == g2 else [g1, g2]   # about 22% one character
            zh = sur[0] + "".join(p[0] for p in parts)
            if zh not in t.deny:
                given = "".join(p[1] for p in parts)
                return zh, f"{sur[1].capitalize()} {given.capitalize()}", f"{sur[1]} {given}"
        raise GenerateError("the name tables cannot avoid the deny-list")  # pragma: no cover

    # -- entities other entities refer to (pure functions) ------------------------------------

    def enterprise(self, e: int) -> tuple[str, str, str, int]:
        """(zh, en, pinyin, sector) of enterprise ``e``; unique names while the tables last."""
        t = self.t
        sector = e % self.ns
        nb, npl = len(t.brands), len(t.places)
        names = npl * nb * (nb - 1) * len(_FORMS)   # distinct names per industry word
        # an affine scramble of the rank keeps names distinct but unlike their neighbours'
        r = (7919 * (e // self.ns) + self.offset + 1009 * sector) % names
        place, q = t.places[r % npl], r // npl
        b1 = q % nb
        b2 = (b1 + 1 + (q // nb) % (nb - 1)) % nb
        form = (q // (nb * (nb - 1))) % len(_FORMS)
        s = t.sectors[sector]
        zh = f"{place[0]}{t.brands[b1][0]}{t.brands[b2][0]}{s[5]}{_FORMS[form][0]}"
        brand = _title(t.brands[b1][1] + t.brands[b2][1])
        en = f"{_title(place[1])} {brand} {s[7]} {_FORMS[form][1]}"
        py = f"{place[1].replace(' ', '')} {brand.lower()} {s[6].replace(' ', '')} {_FORM_PINYIN[form]}"
        return zh, en, py, sector

    def university(self, u: int) -> tuple[str, str, str]:
        t = self.t
        place = t.places[(u // self.ns + self.offset) % len(t.places)]
        kind = _UNIVERSITY[u % self.ns % len(_UNIVERSITY)]
        return f"{place[0]}{kind[0]}", f"{_title(place[1])} {kind[1]}", place[1].replace(" ", "")

    def society(self, s: int) -> tuple[str, str]:
        t = self.t
        r = s + self.offset
        field_ = t.societies[r % len(t.societies)]
        place = t.places[(5 * s + r // len(t.societies) + self.offset) % len(t.places)]
        return f"{place[0]}{field_[0]}学会", f"{_title(place[1])} {field_[2]} Society"

    def aw_host(self, j: int) -> int:
        return self._pick(self._u(_AW, j, 0), self.c["Enterprise"], j / self.c["AcademicianWorkstation"],
                          3.0, j % self.ns)

    def aw_created(self, j: int) -> int:
        return 2008 + self._int(_AW, j, 1, 15)

    def aw_members(self, j: int) -> list[int]:
        """Academicians resident at workstation ``j``: one of each academician, then hubs of its sector."""
        n_aw, n_acad = self.c["AcademicianWorkstation"], self.c["Academician"]
        members = list(range(j, n_acad, n_aw))
        u = self._u(_AW_MEMBERS, j, 0)
        extra = 0 if u < 0.2 else 1 if u < 0.6 else 2 if u < 0.85 else 3
        for k in range(extra if members else max(1, extra)):
            for attempt in range(4):  # a second pick of the same person tries again
                u = self._u(_AW_MEMBERS, j, 8 * k + attempt + 1)
                sector = j % self.ns if self._u(_AW_MEMBERS, j, 8 * k + attempt + 100) < 0.85 else None
                a = self._pick(u, n_acad, j / n_aw, 5.0, sector)
                if a not in members:
                    members.append(a)
                    break
        return members

    def project(self, i: int) -> tuple[int, int, int]:
        """(status index, workstation, start year) of cooperation project ``i``."""
        c = self.c
        n = c["CooperationProject"]
        pos = (self.pa * i + self.pb) % n
        status = 0 if pos < c["ResultTransferred"] else 1 if pos < c["ResultTransferred"] + c["RnDCompleted"] else 2
        j = self._pick(self._u(_PROJECT, i, 0), c["AcademicianWorkstation"], i / n, 2.5)
        lo, hi = ((2013, 2021), (2014, 2022), (2019, 2023))[status]
        year = min(2023, max(lo + self._int(_PROJECT, i, 1, hi - lo + 1), self.aw_created(j)))
        return status, j, year

    def project_dates(self, i: int, status: int, start: int) -> list[tuple[str, str]]:
        """A finished project's completion year, and a transferred one's transfer year (after its start)."""
        if status == 2:
            return []
        T, w = self.T, self.w
        done = min(2023, start + 1 + self._int(_PROJECT, i, 9, 3))
        pairs = [(T["kx:completionYear"], w.year(done))]
        if status == 0:
            pairs.append((T["kx:transferYear"], w.year(min(2023, done + self._int(_PROJECT, i, 10, 2)))))
        return pairs

    def project_of_output(self, k: int, statuses: tuple[int, ...]) -> int:
        """A project with one of ``statuses`` for output ``k``: a few projects produce many outputs."""
        c = self.c
        sizes = (c["ResultTransferred"], c["RnDCompleted"], c["RnDInProgress"])
        lo = sum(sizes[:statuses[0]])
        hi = sum(sizes[:statuses[-1] + 1])
        pos = lo + min(hi - lo - 1, int((hi - lo) * self._u(_OUTPUT, k, 0) ** 2.2))
        return (pos - self.pb) * self.pa_inv % c["CooperationProject"]

    def trained(self, i: int) -> int:
        """Professionals trained by project ``i``; pairs trade amounts so the total stays exact."""
        n, total = self.c["CooperationProject"], self.c["trainedProfessionals"]

        def quota(x: int) -> int:
            return total * (x + 1) // n - total * x // n

        pair = i // 2
        if 2 * pair + 1 >= n:
            return quota(i)
        q0, q1 = quota(2 * pair), quota(2 * pair + 1)
        d = int(min(q0, q1) * self._u(_TRAINED, pair))
        if self._u(_TRAINED, pair, 1) < 0.5:
            d = -d
        return q0 + d if i % 2 == 0 else q1 - d

    def topic(self, sector: int, key: int, kind: int) -> tuple[str, str]:
        topics = self.t.topics[sector]
        return topics[self._int(kind, key, 7, len(topics))]

    # -- the blocks ---------------------------------------------------------------------------

    def _base(self, cls: str, zh: str, en: str) -> list[tuple[str, str]]:
        T, w = self.T, self.w
        if cls not in T:
            T[cls] = w.term(cls)
        return [(T["a"], T[cls]), (T["rdfs:label"], w.zh(zh)), (T["rdfs:label"], w.en(en)),
                (T["kx:synthetic"], w.true)]

    def blocks(self) -> Iterator[tuple[str, list[tuple[str, str]]]]:
        yield from self.organisations()
        yield from self.academicians()
        yield from self.workstations()
        yield from self.projects()
        yield from self.outputs()
        yield from self.societies()
        yield from self.programme_projects()
        yield from self.events()

    def organisations(self):
        T, w, c = self.T, self.w, self.c
        for e in range(c["Enterprise"]):
            zh, en, py, sector = self.enterprise(e)
            pairs = self._base("kx:Enterprise", zh, en)
            pairs += [(T["kx:pinyin"], w.plain(py)), (T["kx:industry"], w.plain(self.t.sectors[sector][1])),
                      (T["schema:location"], w.iri(self._place(_ORG, e))),
                      (T["dcterms:created"], w.year(1985 + self._int(_ORG, e, 1, 34)))]
            yield w.node(f"enterprise-{e + 1}"), pairs
        for u in range(c["University"]):
            zh, en, py = self.university(u)
            pairs = self._base("kx:University", zh, en)
            pairs += [(T["kx:pinyin"], w.plain(py)), (T["schema:location"], w.iri(self._place(_ORG + 100, u)))]
            yield w.node(f"university-{u + 1}"), pairs
        for k in range(c["EnterpriseScienceAssociation"]):
            zh, en, _, _ = self.enterprise(k)
            pairs = self._base("kx:EnterpriseScienceAssociation", f"{zh}科学技术协会",
                               f"Science and Technology Association of {en}")
            pairs += [(T["org:unitOf"], w.node(f"enterprise-{k + 1}")),
                      (T["dcterms:created"], w.year(2010 + self._int(_ORG, k, 2, 14)))]
            yield w.node(f"enterprise-science-association-{k + 1}"), pairs
        for k in range(c["UniversityScienceAssociation"]):
            zh, en, _ = self.university(k)
            pairs = self._base("kx:UniversityScienceAssociation", f"{zh}科学技术协会",
                               f"Science and Technology Association of {en}")
            pairs.append((T["org:unitOf"], w.node(f"university-{k + 1}")))
            yield w.node(f"university-science-association-{k + 1}"), pairs

    def _membership(self, local: str, person: str, org: str, role: str, year: int | None,
                    kind: str = "kx:startYear") -> tuple[str, list]:
        """A membership node: not an entity of its own, so it has no label (nor clutters searches)."""
        T, w = self.T, self.w
        pairs = [(T["a"], w.term("org:Membership")), (T["kx:synthetic"], w.true),
                 (T["org:member"], w.node(person)), (T["org:organization"], org), (T["org:role"], T[role])]
        if year is not None:
            pairs.append((T[kind], w.year(year)))
        return w.node(local), pairs

    def academicians(self):
        T, w, c = self.T, self.w, self.c
        for a in range(c["Academician"]):
            zh, en, py = self._person(_ACAD, a)
            sector = self.t.sectors[a % self.ns]
            pairs = self._base("kx:Academician", zh, en)
            pairs += [(T["kx:pinyin"], w.plain(py)), (T["kx:discipline"], w.plain(sector[3]))]
            yield w.node(f"academician-{a + 1}"), pairs
            cae = self._u(_ACAD, a) < 0.7
            academy, division = ("CAE", sector[9]) if cae else ("CAS", sector[8])
            s, pairs = self._membership(f"election-{a + 1}", f"academician-{a + 1}", T[f"kx:{academy}"],
                                        "kx:AcademicianMember", 1991 + self._int(_ACAD, a, 1, 33),
                                        "kx:electionYear")
            pairs.append((T["kx:division"], self.division[division]))
            yield s, pairs

    def workstations(self):
        T, w, c = self.T, self.w, self.c
        for j in range(c["AcademicianWorkstation"]):
            host = self.aw_host(j)
            hzh, hen, _, _ = self.enterprise(host)
            members = self.aw_members(j)
            first_zh, first_en, _ = self._person(_ACAD, members[0])
            created = self.aw_created(j)
            ws = w.node(f"academician-workstation-{j + 1}")
            pairs = self._base("kx:AcademicianWorkstation", f"{hzh}{first_zh}院士工作站",
                               f"{first_en} Academician Workstation at {hen}")
            pairs += [(T["kx:hostOrganization"], w.node(f"enterprise-{host + 1}")),
                      (T["dcterms:created"], w.year(created)),
                      (T["schema:location"], w.iri(self._place(_ORG, host)))]
            yield ws, pairs
            for k, a in enumerate(members):
                year = min(2023, created + (0 if k == 0 else self._int(_AW, j, 10 + k, 6)))
                yield self._membership(f"residency-{j + 1}-{k + 1}", f"academician-{a + 1}", ws,
                                       "kx:ResidentAcademician", year)
        n_aw, n_team = c["AcademicianWorkstation"], c["AcademicianTeamExpert"]
        for t in range(n_team):
            j = t if t < n_aw else self._pick(self._u(_TEAM, t), n_aw, t / n_team, 1.6)
            zh, en, py = self._person(_TEAM, t)
            pairs = self._base("kx:AcademicianTeamExpert", zh, en)
            pairs += [(T["kx:pinyin"], w.plain(py)),
                      (T["kx:discipline"], w.plain(self.t.sectors[j % self.ns][3]))]
            yield w.node(f"team-expert-{t + 1}"), pairs
            year = min(2023, self.aw_created(j) + self._int(_TEAM, t, 1, 6))
            yield self._membership(f"team-membership-{t + 1}", f"team-expert-{t + 1}",
                                   w.node(f"academician-workstation-{j + 1}"), "kx:TeamExpert", year)
        n_ew = c["ExpertWorkstation"]
        for v in range(n_ew):
            at_university = self._u(_EW, v) < 0.25
            if at_university:
                host = self._int(_EW, v, 1, c["University"])
                hzh, hen, _ = self.university(host)
                host_node, place = w.node(f"university-{host + 1}"), self._place(_ORG + 100, host)
            else:
                host = self._pick(self._u(_EW, v, 1), c["Enterprise"], v / n_ew, 2.0)
                hzh, hen, _, _ = self.enterprise(host)
                host_node, place = w.node(f"enterprise-{host + 1}"), self._place(_ORG, host)
            pairs = self._base("kx:ExpertWorkstation", f"{hzh}国家重大人才工程专家工作站",
                               f"Talent-Programme Expert Workstation at {hen}")
            pairs += [(T["kx:hostOrganization"], host_node), (T["schema:location"], w.iri(place)),
                      (T["dcterms:created"], w.year(2016 + self._int(_EW, v, 2, 7)))]
            yield w.node(f"expert-workstation-{v + 1}"), pairs
        for p in range(c["TalentProgrammeExpert"]):
            zh, en, py = self._person(_EW, p)
            v = p % n_ew
            pairs = self._base("kx:TalentProgrammeExpert", zh, en)
            pairs.append((T["kx:pinyin"], w.plain(py)))
            yield w.node(f"talent-expert-{p + 1}"), pairs
            yield self._membership(f"station-membership-{p + 1}", f"talent-expert-{p + 1}",
                                   w.node(f"expert-workstation-{v + 1}"), "kx:StationExpert",
                                   2016 + self._int(_EW, v, 2, 7) + self._int(_EW, p, 3, 2))

    def projects(self):
        T, w, c = self.T, self.w, self.c
        n_team = c["AcademicianTeamExpert"]
        for i in range(c["CooperationProject"]):
            status, j, year = self.project(i)
            sector = j % self.ns
            topic = self.topic(sector, i, _PROJECT)
            suffix = _SUFFIXES[self._int(_PROJECT, i, 2, len(_SUFFIXES))]
            host = w.node(f"enterprise-{self.aw_host(j) + 1}")
            pairs = self._base("kx:CooperationProject", f"{topic[0]}{suffix[0]}", f"{suffix[1]} {topic[1]}")
            pairs += [(T["kx:status"], T[_STATUSES[status]]),
                      (T["kx:carriedOutAt"], w.node(f"academician-workstation-{j + 1}")),
                      (T["kx:startYear"], w.year(year)),
                      (T["kx:trainedProfessionals"], w.integer(self.trained(i))),
                      *self.project_dates(i, status, year),
                      (T["kx:leadOrganization"], host), (T["kx:participant"], host)]
            members = self.aw_members(j)
            for a in members[:1 + self._int(_PROJECT, i, 3, 2)]:
                pairs.append((T["kx:participant"], w.node(f"academician-{a + 1}")))
            if j < n_team:
                pairs.append((T["kx:participant"], w.node(f"team-expert-{j + 1}")))
            if self._u(_PROJECT, i, 4) < 0.3:
                u = self._pick(self._u(_PROJECT, i, 5), c["University"], 0.0, 1.0)
                pairs.append((T["kx:participant"], w.node(f"university-{u + 1}")))
            if self._u(_PROJECT, i, 6) < 0.25:
                e = self._pick(self._u(_PROJECT, i, 8), c["Enterprise"], i / c["CooperationProject"], 2.0, sector)
                if w.node(f"enterprise-{e + 1}") != host:
                    pairs.append((T["kx:participant"], w.node(f"enterprise-{e + 1}")))
            yield w.node(f"project-{i + 1}"), pairs

    def outputs(self):
        T, w, c = self.T, self.w, self.c
        done = (0, 1)
        groups = (
            ("PatentApplication", "patent", None, None),
            ("AwardNational", "award", "kx:National", None),
            ("AwardProvincial", "award", "kx:Provincial", None),
            ("StandardLed", "standard", "kx:National", "kx:StandardLed"),
            ("StandardParticipated", "standard", "kx:National", "kx:StandardParticipated"),
        )
        serial = {"patent": 0, "award": 0, "standard": 0}
        for key, kind, level, role in groups:
            for k in range(c[key]):
                serial[kind] += 1
                n = serial[kind]
                draw = n * 8 + ("patent", "award", "standard").index(kind)
                in_progress = kind == "patent" and self._u(_OUTPUT, draw, 1) < 0.2
                i = self.project_of_output(draw, (2,) if in_progress else done)
                _, j, year = self.project(i)
                zh, en = self.topic(j % self.ns, draw, _OUTPUT)
                local = f"{kind}-{n}"
                if kind == "patent":
                    form = _PATENTS[self._int(_OUTPUT, draw, 2, len(_PATENTS))]
                    pairs = self._base("kx:PatentApplication", f"一种{zh}的{form[0]}", f"{form[1]} for {en}")
                    pairs.append((T["dcterms:created"], w.year(min(2023, year + self._int(_OUTPUT, draw, 3, 3)))))
                elif kind == "award":
                    won = min(2023, year + 2 + self._int(_OUTPUT, draw, 3, 3))
                    prize = ("国家科学技术进步奖", "National Science and Technology Progress Award") \
                        if level == "kx:National" else ("山西省科学技术奖", "Shanxi Science and Technology Award")
                    pairs = self._base("kx:Award", f"{zh}项目获{won}年度{prize[0]}",
                                       f"{prize[1]} {won} for {en}")
                    pairs += [(T["kx:level"], T[level]), (T["dcterms:created"], w.year(won))]
                else:
                    pairs = self._base("kx:Standard", f"{zh}技术规范", f"Technical specification for {en}")
                    pairs += [(T["kx:level"], T[level]), (T["kx:standardRole"], T[role]),
                              (T["dcterms:created"], w.year(min(2023, year + 1 + self._int(_OUTPUT, draw, 4, 3))))]
                yield w.node(local), pairs
                yield w.node(f"project-{i + 1}"), [(T["kx:produced"], w.node(local))]

    def societies(self):
        T, w, c = self.T, self.w, self.c
        relations = (("SocietySupervised", "kx:underBusinessSupervisionOf"),
                     ("SocietyGuided", "kx:underIndustryGuidanceOf"), ("SocietyLiaison", "kx:liaisonWith"))
        s = 0
        for key, relation in relations:
            for _ in range(c[key]):
                zh, en = self.society(s)
                pairs = self._base("kx:LearnedSociety", zh, en)
                pairs += [(T[relation], self.cast), (T["schema:location"], w.iri(self._place(_SOCIETY, s))),
                          (T["dcterms:created"], w.year(1978 + self._int(_SOCIETY, s, 1, 38)))]
                s += 1
                yield w.node(f"society-{s}"), pairs
        n_soc, n_ss = c["LearnedSociety"], c["SocietyServiceStation"]
        for v in range(n_ss):
            soc = self._pick(self._u(_STATION, v), n_soc, v / n_ss, 2.0)
            host = self._pick(self._u(_STATION, v, 1), c["Enterprise"], v / n_ss, 1.5)
            szh, sen = self.society(soc)
            hzh, hen, _, _ = self.enterprise(host)
            pairs = self._base("kx:SocietyServiceStation",
                               f"{szh}{hzh}服务站", f"{sen} Service Station at {hen}")
            pairs += [(T["kx:serviceStationOf"], w.node(f"society-{soc + 1}")),
                      (T["kx:hostOrganization"], w.node(f"enterprise-{host + 1}")),
                      (T["schema:location"], w.iri(self._place(_ORG, host)))]
            yield w.node(f"service-station-{v + 1}"), pairs

    def programme_projects(self):
        T, w, c = self.T, self.w, self.c
        n = c["ProgrammeProject"]
        for g in range(n):
            e = self._pick(self._u(_PROGRAMME, g), c["Enterprise"], g / n, 2.0)
            _, _, _, sector = self.enterprise(e)
            zh, en = self.topic(sector, g, _PROGRAMME)
            pairs = self._base("kx:ProgrammeProject", f"金桥工程：{zh}技术服务",
                               f"Golden Bridge: technical services for {en}")
            pairs += [(T["dcterms:isPartOf"], self.golden_bridge),
                      (T["kx:participant"], w.node(f"enterprise-{e + 1}")),
                      (T["kx:startYear"], w.year(2018 + self._int(_PROGRAMME, g, 1, 6)))]
            if self._u(_PROGRAMME, g, 2) < 0.4:
                u = self._int(_PROGRAMME, g, 3, c["University"])
                pairs.append((T["kx:participant"], w.node(f"university-{u + 1}")))
            yield w.node(f"programme-project-{g + 1}"), pairs

    def events(self):
        T, w, c = self.T, self.w, self.c
        n, n_soc = c["Event"], c["LearnedSociety"]
        for v in range(n):
            soc = self._pick(self._u(_EVENT, v), n_soc, v / n, 2.0)
            szh, sen = self.society(soc)
            kind = _EVENTS[self._int(_EVENT, v, 1, len(_EVENTS))]
            year = 2018 + self._int(_EVENT, v, 2, 6)
            day = f"{year}-{1 + self._int(_EVENT, v, 3, 12):02d}-{1 + self._int(_EVENT, v, 4, 28):02d}"
            pairs = self._base("kx:Event", f"{year}年{szh}{kind[0]}", f"{sen} {kind[1]} {year}")
            pairs += [(T["schema:organizer"], self.cast), (T["schema:organizer"], w.node(f"society-{soc + 1}")),
                      (T["schema:startDate"], w.date(day)),
                      (T["schema:location"], w.iri(self._place(_EVENT, v)))]
            other = self._int(_EVENT, v, 5, n_soc)
            if other != soc and self._u(_EVENT, v, 6) < 0.5:
                pairs.append((T["schema:organizer"], w.node(f"society-{other + 1}")))
            if kind[2]:
                pairs.append((T["dcterms:isPartOf"], self.kepu))
            yield w.node(f"event-{v + 1}"), pairs
