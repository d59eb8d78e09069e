"""Time: dates with their precision, the network as it stood on a date, and how it grew per year.

A date in the data is an ``xsd:gYear`` (2021), ``xsd:gYearMonth`` (2021-06) or ``xsd:date``
(2021-06-30): its datatype is its precision, and it stands for the days from its first to its last.
A thing existed on day D when the first day of its founding / start / election date is on or
before D, and it had not closed (``schema:dissolutionDate``, a membership's ``kx:endYear``) by then.

``as_of(graph, when)`` is the one place that cuts the graph down to a date: it returns an
in-memory copy holding only what existed then (things with a later date removed, with every link
to them; memberships left without a member or an organisation removed; a project not yet
completed or transferred then gets the status it had). Every command that takes ``--as-of`` runs
on that copy, so view, analyze, path, export, stats, report and named queries agree.

>>> parse_when("2021").last.isoformat(), parse_when("2021-02").last.isoformat()
('2021-12-31', '2021-02-28')
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from kxgraph.errors import ParameterError, option
from kxgraph.output.results import Result
from kxgraph.vocab import DCTERMS, KX, ORG, SCHEMA, shorten

_WHEN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
PRECISIONS = ("year", "month", "day")

# Dated predicates: when a thing began, and when it ended.
BEGINS = (DCTERMS + "created", KX + "startYear", SCHEMA + "startDate", KX + "electionYear")
ENDS = (SCHEMA + "dissolutionDate", KX + "endYear")
COMPLETED, TRANSFERRED = KX + "completionYear", KX + "transferYear"
STATUS = KX + "status"
WHAT = ("founded", "expert-stations", "elected", "introduced", "started", "completed", "transferred",
        "produced", "golden-bridge", "events")
WHAT_LABELS = {
    "founded": ("院士工作站建立", "academician workstations founded"),
    "expert-stations": ("专家工作站建立", "expert workstations founded"),
    "elected": ("院士当选", "academicians elected"),
    "introduced": ("引进院士", "academicians introduced"),
    "started": ("合作项目启动", "cooperation projects started"),
    "completed": ("完成研发", "R&D completed"),
    "transferred": ("成果转化", "results transferred"),
    "produced": ("成果产出", "outputs (patents, awards, standards)"),
    "golden-bridge": ("金桥工程项目", "Golden Bridge projects"),
    "events": ("活动", "events held"),
}


@dataclass(frozen=True)
class When:
    """A date as the user or the data wrote it: its first and last day and its precision."""

    text: str
    first: dt.date
    last: dt.date
    precision: str

    def __str__(self) -> str:
        return self.text


def parse_when(text: Any, *, what: str = option("as_of")) -> When:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as a ``When``; anything else is a one-line ParameterError."""
    value = str(text).strip()
    m = _WHEN.match(value)
    if not m:
        raise ParameterError(f"{what} {value!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day is not None:
            first = last = dt.date(year, int(month), int(day))
            return When(value, first, last, "day")
        if month is not None:
            first = dt.date(year, int(month), 1)
            return When(value, first, dt.date(year, int(month), calendar.monthrange(year, int(month))[1]), "month")
        return When(value, dt.date(year, 1, 1), dt.date(year, 12, 31), "year")
    except ValueError as exc:
        raise ParameterError(f"{what} {value!r} is not a real date ({exc})") from None


def data_when(lexical: str) -> When | None:
    """A date of the data (gYear, gYearMonth, date, dateTime), or None when it cannot be read."""
    text = str(lexical).strip()[:10]
    m = re.match(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", text)
    if not m:
        return None
    try:
        return parse_when(m.group(0), what="date")
    except ParameterError:
        return None


def parse_period(text: str) -> tuple[When, When]:
    """``YEAR`` or ``FROM..TO`` (each YYYY, YYYY-MM or YYYY-MM-DD) as (from, to)."""
    value = str(text).strip()
    if ".." in value:
        start, _, end = value.partition("..")
        a, b = parse_when(start, what="period start"), parse_when(end, what="period end")
    else:
        a = b = parse_when(value, what=option("period"))
    if b.last < a.first:
        raise ParameterError(f"the period {value!r} ends ({b.last}) before it starts ({a.first})")
    return a, b


def _query(name: str) -> str:
    from kxgraph.sparql.catalogue import entry

    return entry(f"time/{name}").text


# -- as of a date --------------------------------------------------------------------------------

@dataclass
class Snapshot:
    """What ``as_of`` kept and removed, and notes for the reader (precision, undated things)."""

    when: When
    removed: int = 0
    notes: list[str] = field(default_factory=list)


def dated(graph: Any) -> list[tuple[Any, str, When]]:
    """Every dated statement of ``graph``: (subject term, predicate IRI, When)."""
    out = []
    for row in graph.query(_query("dated")).rows:
        s, p, d = row
        when = data_when(getattr(d, "value", d))
        if when is not None:
            out.append((s, getattr(p, "value", str(p)), when))
    return out


def as_of(graph: Any, when: str | When, *, earliest_ok: bool = False):
    """An in-memory copy of ``graph`` holding only what existed on ``when`` (a date or a year).

    A year means its last day (``2020`` = as of 2020-12-31). Returns the copy (a ``KxGraph``) with
    ``snapshot`` (a ``Snapshot``: the notes say where the date is more precise than the data).
    """
    import pyoxigraph as ox

    from kxgraph.store.oxigraph import OxigraphStore

    when = when if isinstance(when, When) else parse_when(when)
    day = when.last
    rows = dated(graph)
    if not rows:
        raise ParameterError(f"{option('as_of')} needs dated data, and this graph holds no dates "
                             "(founding, start, election or output dates)")
    earliest = min(w.first for _, _, w in rows)
    if day < earliest and not earliest_ok:
        raise ParameterError(f"{option('as_of')} {when}: nothing is dated that early; the earliest date in the data is "
                             f"{earliest.isoformat()}")
    snap = Snapshot(when)
    gone: set = set()
    straddles = 0
    for s, p, w in rows:
        if p in BEGINS and w.first > day:
            gone.add(s)
        elif p in ENDS and w.first <= day:
            gone.add(s)
        if p in BEGINS and w.first <= day < w.last:
            straddles += 1
    if straddles:
        snap.notes.append(f"as of {when}: this is more precise than {straddles} date(s) of the data (given as a year "
                          "or month only): those things are counted as existing from the first day of their "
                          "year or month.")
    source = getattr(graph.store, "raw", None)
    if source is None:
        raise ParameterError(f"{option('as_of')} works on a local store (not on a SPARQL endpoint)")
    copy = OxigraphStore(None)
    target = copy.raw
    target.bulk_extend(source.quads_for_pattern(None, None, None, None))
    # a project not yet completed or transferred on that day had the status it had then
    statuses = {}
    for s, p, w in rows:
        if p in (COMPLETED, TRANSFERRED) and s not in gone:
            statuses.setdefault(s, {})[p] = w
    for s, found in statuses.items():
        later = [p for p, w in found.items() if w.first > day]
        if not later:
            continue
        done = COMPLETED in found and found[COMPLETED].first <= day
        new = KX + ("RnDCompleted" if done else "RnDInProgress")
        for p in later:
            for q in list(target.quads_for_pattern(s, ox.NamedNode(p), None, None)):
                target.remove(q)
        for q in list(target.quads_for_pattern(s, ox.NamedNode(STATUS), None, None)):
            target.remove(q)
            target.add(ox.Quad(s, q.predicate, ox.NamedNode(new), q.graph_name))
    removed = _remove(target, gone)
    # memberships left without their member or organisation did not exist either
    dangling = set()
    membership = ox.NamedNode(ORG + "Membership")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for q in target.quads_for_pattern(None, rdf_type, membership, None):
        m = q.subject
        if not any(True for _ in target.quads_for_pattern(m, ox.NamedNode(ORG + "member"), None, None)) or \
                not any(True for _ in target.quads_for_pattern(m, ox.NamedNode(ORG + "organization"), None, None)):
            dangling.add(m)
    removed += _remove(target, dangling)
    snap.removed = len(gone) + len(dangling)
    copy.reindex()  # the copy was written underneath its label index and kept counts
    result = type(graph)(copy)  # the same facade, over the copy
    result.snapshot = snap
    return result


def _remove(store: Any, nodes: set) -> int:
    count = 0
    for node in nodes:
        quads = list(store.quads_for_pattern(node, None, None, None)) + \
            list(store.quads_for_pattern(None, None, node, None))
        for q in quads:
            store.remove(q)
        count += len(quads)
    return count


# -- growth per year -------------------------------------------------------------------------------

def timeline(graph: Any, *, what: list[str] | tuple[str, ...] | None = None) -> Result:
    """Per-year counts of what was founded, elected, introduced, started, completed, transferred, produced.

    One row per year from the first to the last year with any of them; one column per ``what``.
    """
    chosen = list(what or WHAT)
    unknown = [w for w in chosen if w not in WHAT]
    if unknown:
        raise ParameterError(f"{option('what')} {', '.join(unknown)}: choose from {', '.join(WHAT)}")
    counts: dict[tuple[str, int], int] = {}
    for row in graph.query(_query("timeline")).records():
        year = str(row["year"])
        if row["what"] in chosen and year.isdigit():
            counts[(row["what"], int(year))] = int(row["n"])
    years = sorted({y for _, y in counts})
    columns = ["year", *chosen]
    rows = [(str(y), *(counts.get((w, y), 0) for w in chosen)) for y in
            (range(years[0], years[-1] + 1) if years else [])]
    result = Result.table(columns, rows)
    return result


PAGE_STYLE = """
body { font-family: "WenQuanYi Micro Hei", "Noto Sans CJK SC", sans-serif; margin: 2em; color: #222; }
figure { margin: 1.5em 0; } figcaption { font-weight: bold; margin-bottom: .3em; }
svg text { font-size: 11px; fill: #333; } svg rect { fill: #3b73b9; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: 2px 6px; text-align: right; }
"""


def timeline_page(result: Result, *, title: str = "网络的成长 · How the network grew") -> str:
    """A self-contained HTML page: one inline-SVG bar chart per kind, then the table (every value escaped)."""
    import html

    from kxgraph.output.page import page
    from kxgraph.output.render import render_to_string

    years = [str(y) for y in result.column("year")]
    charts = []
    for name in result.variables[1:]:
        values = [int(v or 0) for v in result.column(name)]
        zh, en = WHAT_LABELS.get(name, (name, name))
        top = max(values, default=0) or 1
        bar, height, left = 22, 160, 30
        width = left + bar * len(values) + 10
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 40}" role="img" '
                 f'aria-label="{html.escape(en, quote=True)}">']
        for k, (year, value) in enumerate(zip(years, values)):
            h = round(height * value / top)
            x = left + k * bar
            parts.append(f'<rect x="{x + 2}" y="{height - h + 10}" width="{bar - 4}" height="{h}">'
                         f'<title>{html.escape(year)}: {value}</title></rect>')
            if value:
                parts.append(f'<text x="{x + bar / 2}" y="{height - h + 7}" text-anchor="middle">{value}</text>')
            parts.append(f'<text x="{x + bar / 2}" y="{height + 24}" text-anchor="middle" '
                         f'transform="rotate(-60 {x + bar / 2} {height + 24})">{html.escape(year)}</text>')
        parts.append("</svg>")
        charts.append(f'<figure class="chart" data-what="{html.escape(name, quote=True)}">'
                      f"<figcaption>{html.escape(zh)} · {html.escape(en)} (total {sum(values)})</figcaption>"
                      + "".join(parts) + "</figure>")
    body = (f"<h1>{html.escape(title)}</h1>\n" + "\n".join(charts)
            + "<h2>每年数量 · Per year</h2>\n" + render_to_string(result, "html"))
    return page(body, title=title, style=PAGE_STYLE)


def counts_within(graph: Any, text: str) -> bool:
    """Whether ``kx report --period text`` means "count within these bounds" (else: select figures by period).

    YEAR or FROM..TO does, unless the data has a period of that name without bounds; a period of the
    data with bounds does too.
    """
    value = str(text).strip()
    rows = periods(graph).records()
    row = _find_period(rows, value)
    if row is not None:
        return bool(row["begin"] or row["end"] or row["at"] or row["rate"])
    timed = any(row["begin"] or row["end"] or row["at"] for row in rows)  # data without bounds: old meaning
    return timed and (bool(_WHEN.match(value.partition("..")[0].strip())) or ".." in value)


BY_YEAR_COLUMNS = ["year", "nodes", "links", "density", "components", "largest", "brokers"]


def by_year(graph: Any, *, top: int = 3, lang: str = "zh", years: list[int] | None = None,
            **network: Any) -> Result:
    """How the network changed: per year, its size, density, components and top brokers as it stood then.

    ``years`` defaults to every year from the first workstation's founding to the last dated year;
    ``network`` takes ``network()``'s options (focus, types, projection, links …).
    """
    import networkx as nx

    from kxgraph.network.analyze import analyze

    years = _years(graph) if years is None else years
    rows = []
    for year in years:
        snap = as_of(graph, str(year), earliest_ok=True)
        G = snap.network(**network)
        n, m = G.number_of_nodes(), G.number_of_edges()
        components = list(nx.connected_components(G)) if n else []
        brokers = ""
        if n > 2 and m:
            found = analyze(G, kind="brokers", measure="degree", top=top, seed=1, lang=lang).records()
            brokers = "; ".join(str(r["label"] or r["entity"]) for r in found)
        rows.append((str(year), n, m, round(nx.density(G), 5) if n > 1 else 0.0, len(components),
                     max((len(c) for c in components), default=0), brokers or None))
    return Result.table(BY_YEAR_COLUMNS, rows)


def _years(graph: Any) -> list[int]:
    founded = [int(r["year"]) for r in timeline(graph, what=["founded"]).records() if r["founded"]]
    every = [int(r["year"]) for r in timeline(graph).records()]
    if not every:
        raise ParameterError("this needs dated data, and the graph holds no dates")
    return list(range(min(founded or every), max(every) + 1))


def node_years(graph: Any, nodes: list[str], **network: Any) -> tuple[list[int], list[int]]:
    """(years, the first year each of ``nodes`` is in the network as it stood then).

    A node already there in the first year gets the first year; one that never is gets the last.
    """
    years = _years(graph)
    since: dict[str, int] = {}
    for year in years:
        for node in as_of(graph, str(year), earliest_ok=True).network(**network).nodes:
            since.setdefault(str(node), year)
    return years, [since.get(str(n), years[-1]) for n in nodes]


SLIDER = """
<div id="kx-years" style="position:fixed;left:12px;bottom:12px;z-index:10;background:#fff;border:1px solid #ccc;
  padding:6px 10px;font:13px sans-serif;border-radius:4px">
  <label for="kx-year">年份 · year</label>
  <input type="range" id="kx-year" min="__MIN__" max="__MAX__" step="1" value="__MAX__">
  <output id="kx-year-value">__MAX__</output> · <span id="kx-year-count"></span>
</div>
<script type="application/json" id="kx-years-data">__DATA__</script>
<script>
(function () {
  var since = JSON.parse(document.getElementById("kx-years-data").textContent).since;
  var slider = document.getElementById("kx-year");
  function show() {
    var view = window.kxView;
    if (!view) { return; }
    var year = parseInt(slider.value, 10), changes = [], visible = 0;
    for (var i = 0; i < since.length; i++) {
      var hidden = since[i] > year;
      if (!hidden) { visible++; }
      changes.push({ id: i, hidden: hidden });
    }
    view.nodes.update(changes);
    view.visibleCount = visible;
    view.year = year;
    document.getElementById("kx-year-value").textContent = String(year);
    document.getElementById("kx-year-count").textContent = visible + " 节点 · nodes";
  }
  slider.addEventListener("input", show);
  window.addEventListener("load", show);
  show();
})();
</script>
"""


def slider_page(graph: Any, view: Any, **network: Any) -> str:
    """The view's page with a year slider: moving it shows the network as it stood in that year, offline."""
    from kxgraph.network.view import script_json

    nodes = [str(n) for n in view.graph.nodes]
    years, since = node_years(graph, nodes, **network)
    block = (SLIDER.replace("__MIN__", str(years[0])).replace("__MAX__", str(years[-1]))
             .replace("__DATA__", script_json({"years": years, "since": since})))
    text = view.html()
    at = text.rfind("</body>")
    return text[:at] + block + text[at:]


def totals(result: Result) -> dict[str, int]:
    """The column sums of a ``timeline`` result."""
    return {name: sum(result.column(name)) for name in result.variables if name != "year"}


PERIOD_COLUMNS = ["id", "indicator", "kind", "from", "to", "computed", "reported", "reported period"]


def period_bounds(graph: Any, text: str) -> tuple[When, When, str | None]:
    """(from, to, period IRI) for ``YEAR``, ``FROM..TO``, or a period of the data by slug or label."""
    value = str(text).strip()
    if _WHEN.match(value.partition("..")[0].strip()) or ".." in value:
        a, b = parse_period(value)
        return a, b, None
    row = _find_period(periods(graph).records(), value)
    if row is not None:
        iri = row["period"]
        if True:
            if row["rate"]:
                raise ParameterError(f"{option('period')} {value!r} is a yearly rate ({row['readAs']}); give a YEAR instead")
            if row["at"]:
                at = parse_when(str(row["at"]), what="period")
                return at, at, iri
            if not row["begin"] or not row["end"]:
                raise ParameterError(f"{option('period')} {value!r} has no bounds in the data")
            return (parse_when(str(row["begin"]), what="period"), parse_when(str(row["end"]), what="period"),
                    iri)
    raise ParameterError(f"{option('period')} {value!r}: write YEAR, FROM..TO (YYYY[-MM[-DD]]) or the name of a period "
                         "of the data (近三年来, since-7th-congress …)")


def _find_period(rows: list[dict], value: str) -> dict | None:
    """The period a user names: IRI, slug, zh or en label, or the start of its zh label (近三年 → 近三年来)."""
    for exact in (True, False):
        for row in rows:
            iri = row["period"]
            names = {iri, shorten(iri), iri.rsplit("/", 1)[-1], str(row["zh"] or ""), str(row["en"] or "")}
            if value in names if exact else (len(value) >= 2 and str(row["zh"] or "").startswith(value)):
                return row
    return None


def period_report(graph: Any, text: str) -> Result:
    """Each computable figure counted within a period: flows inside it, stocks at its end.

    A figure is a stock when the report gives it at an instant (截至目前, 累计 …: ``as-of-report``)
    and a flow when it gives it over an interval (七大以来, 近三年): a flow counts what began
    inside the period (the count at its end less the count the day before it started).
    """
    import datetime as _dt

    start, end, chosen = period_bounds(graph, text)
    kinds = {row["period"]: ("stock" if row["at"] else "flow") for row in periods(graph).records()}
    end_graph = as_of(graph, end, earliest_ok=True)
    at_end = _computed(end_graph)
    before = start.first - _dt.timedelta(days=1)
    at_start = _computed(as_of(graph, parse_when(before.isoformat()), earliest_ok=True))
    finer = start.precision != "year" or end.precision != "year"
    precision_notes = [n.replace(f"as of {end}:", f"the period {text}:") for n in end_graph.snapshot.notes] \
        if finer else []
    rows = []
    for key, (indicator, reported, period, period_label, value) in sorted(at_end.items()):
        if chosen is not None and period != chosen:
            continue
        kind = kinds.get(period, "flow")
        if value is None:
            continue
        computed = value if kind == "stock" else value - (at_start.get(key, (None,) * 5)[4] or 0)
        rows.append((key, indicator, kind, start.first.isoformat(), end.last.isoformat(), computed, reported,
                     period_label))
    from kxgraph.output.results import Document

    notes = [f"Counted from {start.first} to {end.last}: a flow (a figure the report gives over an interval, "
             "七大以来, 近三年) counts what began inside the period; a stock (a figure at an instant, 截至目前, "
             "累计) counts what existed at its end. 流量计期间内新增，存量计期末累计。"]
    notes += precision_notes
    if not rows:
        notes.append("No figure of this period can be computed from the entities (e.g. 近三年来征集论文 has no "
                     "entity data); nothing to count. 该时期没有可由实体计算的数字。")
    table = Result.table(PERIOD_COLUMNS, rows)
    return Document("select", PERIOD_COLUMNS, table.rows, heading="Figures within a period / 时期内的数字",
                    notes=notes)


def _computed(graph: Any) -> dict[str, tuple]:
    """id -> (indicator label, reported, period IRI, period label, computed count or None)."""
    from kxgraph.report import report

    figures = {}
    for row in graph.query(_query("figure-periods")).records():
        figures[shorten(row["id"])] = row["period"]
    out = {}
    for row in report(graph).records():
        computed = row["computed"]
        if computed is None and row["status"] == "no entity data":
            computed = 0
        out[row["id"]] = (row["indicator"], row["reported"], figures.get(row["id"]), row["period"], computed)
    return out


def periods(graph: Any) -> Result:
    """The reference periods with their bounds and how they were read."""
    return graph.query(_query("periods"))


__all__ = ["slider_page", "node_years", "by_year", "timeline_page", "counts_within", "period_report", "period_bounds", "When", "Snapshot", "parse_when", "parse_period", "data_when", "as_of", "dated", "timeline",
           "totals", "periods", "WHAT", "WHAT_LABELS"]
