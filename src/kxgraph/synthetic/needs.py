"""Plant technical needs with known best matches in a generated network (for ``kx match``).

``plant(graph, seed=, scale=)`` reads the generated graph ``graph_name(seed, scale)`` and writes two
graphs beside it: ``…/needs`` (the ``kx:TechnicalNeed``s, what the matcher sees) and
``…/needs-truth`` (``kx:expectedMatch`` links from each need to the candidates that really did that
work: the people and workstations of the projects on the need's topic). The matcher never reads
``kx:expectedMatch``; ``benchmarks/bench_match.py`` scores rankings against it.

Needs cycle through the project topics of the name tables; every fifth is a hard case:
``synonym`` (the topic written with a synonym of ``synonyms.tsv``), ``two-fields`` (two topics of
two sectors; the truth is both sets), ``busy`` (the truth leaves out candidates with more than four
projects in progress), ``history`` (raised by an enterprise that led a project on the topic; the
truth is the people and workstations of its projects on the topic, who know both the topic and the enterprise:
a ranking on text alone cannot tell them from the other people of the topic).
Same seed, same needs. Kept in its own module, apart from the generator, so the network's totals
and bytes do not change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kxgraph.errors import NotFoundError, option
from kxgraph.vocab import KX, SYN

# GB/T 4754-2017 division named as the field of a need of each sector of the name tables.
SECTOR_FIELDS = {
    "materials": "黑色金属冶炼和压延加工业", "equipment": "专用设备制造业", "energy": "煤炭开采和洗选业",
    "chemicals": "化学原料和化学制品制造业", "it": "软件和信息技术服务业", "biomedicine": "医药制造业",
    "environment": "生态保护和环境治理业", "agriculture": "农业",
}
PROBLEMS = (("{t}方面的技术瓶颈", "现有工艺稳定性差、成本偏高，希望与院士专家团队联合攻关"),
            ("{t}能力提升", "企业缺少专业研发力量，需要专家提供技术指导和人才培养"),
            ("{t}难题求解", "生产中遇到质量波动问题，寻求成熟成果转化"))
CASES = ("plain", "synonym", "two-fields", "busy", "history")
BUSY = 4


@dataclass
class PlantReport:
    needs: int
    graph: str
    truth_graph: str
    cases: dict[str, int] = field(default_factory=dict)


def _mix(a: int, b: int) -> int:
    x = (a * 0x9E3779B97F4A7C15 + b * 0xBF58476D1CE4E5B9 + 0x632BE59BD9B4E019) & ((1 << 64) - 1)
    x = (x ^ (x >> 31)) * 0x94D049BB133111EB & ((1 << 64) - 1)
    return x ^ (x >> 29)


def _synonym(topic: str) -> str | None:
    from kxgraph.match.text import synonym_groups

    for group in synonym_groups():
        for word in sorted(group, key=len, reverse=True):
            if word in topic:
                other = sorted(w for w in group if w != word and w not in topic)
                if other:
                    return topic.replace(word, other[0])
    return None


def plant(graph, *, seed: int = 0, scale: float = 1, count: int | None = None) -> PlantReport:
    """Write sample needs and their ground truth beside the generated graph of (seed, scale)."""
    import pyoxigraph as ox

    from kxgraph.match.profile import query_text
    from kxgraph.synthetic.build import tables
    from kxgraph.synthetic.generate import graph_name

    store = graph.store
    base = graph_name(seed, scale)
    rows = store.query(query_text("plant-projects"), substitutions={"g": ox.NamedNode(base)}).rows
    if not rows:
        raise NotFoundError(f"no generated network in <{base}>: generate and load the one of {option('seed', seed)} {option('scale', scale)} first")
    candidates = {c.value for c, *_ in store.query(query_text("candidates")).rows}
    t = tables()
    topics = [(s[0], zh) for s, group in zip(t.sectors, t.topics) for zh, _ in group]
    industry = {s[0]: s[1] for s in t.sectors}
    by_topic: dict[str, dict] = {zh: {"people": set(), "ws": set(), "leads": set()} for _, zh in topics}
    on_topic: dict[str, tuple] = {}   # project -> (topic, its candidates and workstation, its organisations)
    busy: dict[str, set] = {}
    seen = set()
    for p, title, status, ws, lead, x in rows:
        topic = next((zh for _, zh in topics if title.value.startswith(zh)), None)
        if topic is None:
            continue
        entry = by_topic[topic]
        _, who, orgs = on_topic.setdefault(p.value, (topic, set(), set()))
        (who if x.value in candidates else orgs).add(x.value)
        if ws is not None:
            who.add(ws.value)
        if x.value in candidates:
            entry["people"].add(x.value)
            if status.value == KX + "RnDInProgress":
                busy.setdefault(x.value, set()).add(p.value)
        if ws is not None and (p.value, "ws") not in seen:
            entry["ws"].add(ws.value)
            seen.add((p.value, "ws"))
        if lead is not None:
            entry["leads"].add(lead.value)
    enterprises: dict[str, list[str]] = {}
    for x, _label, ind, _place in store.query(query_text("organisations")).rows:
        if ind is not None and "/" + base.rsplit("/", 1)[1] + "/" in x.value:
            enterprises.setdefault(ind.value, []).append(x.value)
    for v in enterprises.values():
        v.sort()
    team: dict[tuple, set] = {}       # (topic, organisation) -> who worked with it on that topic
    for topic, who, orgs in on_topic.values():
        for org in orgs:
            team.setdefault((topic, org), set()).update(who)
    topics = [(s, zh) for s, zh in topics if by_topic[zh]["people"] or by_topic[zh]["ws"]]
    n = count or len(topics) * 2
    needs_g, truth_g = base + "/needs", base + "/needs-truth"
    lines, truth, cases = [], [], dict.fromkeys(CASES, 0)
    nt = lambda s, p, o: f"{s} {p} {o} .\n"  # noqa: E731
    N = lambda iri: str(ox.NamedNode(iri))   # noqa: E731
    L = lambda text: str(ox.Literal(text, language="zh"))  # noqa: E731
    for k in range(n):
        sector, topic = topics[(k * 7 + seed) % len(topics)]
        case = CASES[k % len(CASES)] if k >= len(CASES) or k % len(CASES) else "plain"
        h = _mix(seed, k)
        entry = by_topic[topic]
        relevant = set(entry["people"]) | set(entry["ws"])
        words, fields = topic, [SECTOR_FIELDS.get(sector, industry[sector])]
        pool = [e for e in enterprises.get(industry[sector], []) if e not in entry["leads"]] or \
            enterprises.get(industry[sector], [])
        raiser = pool[h % len(pool)] if pool else None
        if case == "synonym":
            words = _synonym(topic) or topic
            if words == topic:
                case = "plain"
        elif case == "two-fields":
            s2, t2 = next((s, zh) for s, zh in topics[(k * 7 + seed + 13) % len(topics):] + topics if s != sector)
            words = f"{topic}与{t2}"
            fields.append(SECTOR_FIELDS.get(s2, industry[s2]))
            relevant |= by_topic[t2]["people"] | by_topic[t2]["ws"]
        elif case == "busy":
            relevant = {c for c in relevant if len(busy.get(c, ())) <= BUSY}
        elif case == "history" and entry["leads"]:
            raiser = sorted(entry["leads"])[h % len(entry["leads"])]
            relevant = team.get((topic, raiser), set()) & relevant
        if not relevant:
            continue
        cases[case] += 1
        title_t, desc = PROBLEMS[h % len(PROBLEMS)]
        need = f"{SYN}{base.rsplit('/', 1)[1]}/need-{k + 1}"
        lines += [nt(N(need), "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", N(KX + "TechnicalNeed")),
                  nt(N(need), "<http://www.w3.org/2000/01/rdf-schema#label>", L(title_t.format(t=words) + f"（样例{k + 1}）")),
                  nt(N(need), "<http://purl.org/dc/terms/description>", L(desc)),
                  nt(N(need), N(KX + "needStatus"), N(KX + "NeedOpen")),
                  nt(N(need), N(KX + "synthetic"), '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>')]
        lines += [nt(N(need), N(KX + "fieldText"), str(ox.Literal(f))) for f in fields]
        if raiser:
            lines.append(nt(N(need), N(KX + "raisedBy"), N(raiser)))
        truth += [nt(N(need), N(KX + "expectedMatch"), N(c)) for c in sorted(relevant)]
        truth.append(nt(N(need), N(KX + "plantedCase"), str(ox.Literal(case))))
    for g_name, body in ((needs_g, lines), (truth_g, truth)):
        if store.graph_size(g_name):
            store.drop(g_name)
        store.load("".join(body).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES, graph=g_name)
    return PlantReport(sum(cases.values()), needs_g, truth_g, cases)


__all__ = ["plant", "PlantReport", "CASES"]
