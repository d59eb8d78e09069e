"""Where the figures and the data come from: the report page (as of a date, or within a period)
and the sources page (every file loaded or imported, and what each wrote).

These pages are drawn like the others (``kxgraph.server.pages``: one shell, zh with an English
switch, every value escaped) and read the store only through the facade: ``g.report()``,
``g.as_of(date)``, ``g.sources()``, and the shipped ``serve/`` queries.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from kxgraph.errors import KxError, NotFoundError, ParameterError
from kxgraph.server.pages import LANGS, STATUS, Page, _display, _e, _text, entity_url, result_table

WORDS = {  # key: (zh, en); the page words of kxgraph.server.pages.WORDS are shared through Page.t
    "as-of": ("截至日期", "As of"),
    "as-of-hint": ("年份或日期：YYYY、YYYY-MM 或 YYYY-MM-DD", "a year or a date: YYYY, YYYY-MM or YYYY-MM-DD"),
    "period": ("统计时期", "Period"),
    "period-hint": ("如 2016..2020 或数据中的时期（近三年来）", "e.g. 2016..2020, or a period of the data"),
    "recompute": ("重新计算", "Recompute"),
    "all-data": ("全部数据", "all the data"),
    "as-of-now": ("按全部数据计算", "Computed from all the data"),
    "as-of-then": ("按截至 {} 的数据计算", "Computed from the data as it stood on {}"),
    "within": ("统计时期：{}", "Counted within the period {}"),
    "bad-time": ("日期或时期无效", "That date or period cannot be used"),
    "sources-intro": ("图谱由以下数据源载入或导入（kx sources）。", "The graph was loaded or imported from these "
                      "sources (kx sources)."),
    "no-sources": ("还没有记录的数据源（kx load / kx import 会记录）。", "No source is recorded yet "
                   "(kx load and kx import record them)."),
    "entities-of": ("该数据源写入的实体", "Entities this source wrote"),
    "showing": ("显示前 {} 个，共 {} 个", "the first {} of {}"),
    "no-entities": ("该数据源没有写入带类型的实体。", "This source wrote no typed entity."),
}
COLUMNS = {  # kx sources' columns, and the checksum: (zh, en)
    "name": ("名称", "name"), "kind": ("类型", "kind"), "files": ("文件", "files"), "checksum": ("校验和", "checksum"),
    "sheets": ("工作表", "sheets"), "rows": ("读取行数", "rows read"), "entities": ("写入实体", "entities written"),
    "triples": ("写入三元组", "triples written"), "when": ("时间", "when"), "version": ("kxgraph 版本", "kxgraph version"),
}
KINDS = {"tables": ("表格", "spreadsheet"), "rdf": ("RDF 文件", "RDF file")}
FIGURE_HEADS = ["id", "indicator", "reported", "unit", "computed", "difference", "status", "period", "area"]


def routes(site: Any) -> list:
    """The report and sources routes, drawn by ``site`` (a ``kxgraph.server.pages.Site``)."""
    from starlette.routing import Route

    return [
        Route("/report", site.handler(lambda p, request: report(site, p, request))),
        Route("/sources", site.handler(lambda p, request: sources(site, p, request))),
        Route("/sources/{name:path}", site.handler(lambda p, request: source(site, p, request))),
    ]


def t(p: Page, key: str, *args: Any) -> str:
    """This module's words in the page's language (``{}`` filled with ``args``)."""
    return WORDS[key][LANGS.index(p.lang)].format(*args)


# -- the report ----------------------------------------------------------------------------------

def report(site: Any, p: Page, request: Any) -> Any:
    """The figures against the data, as of a date (``?as-of=2019-12-31``) or within a period
    (``?period=2016..2020``); a date or period that cannot be used is said on the page (400)."""
    when = request.query_params.get("as-of", "").strip()
    period = request.query_params.get("period", "").strip()
    if len(when) > 40 or len(period) > 200:
        raise ParameterError("the date or period is too long")
    with site.reader.graph() as g:
        choices = _period_choices(g, p)
        try:
            result, notes = compute(g, when=when, period=period)
        except KxError as exc:
            if isinstance(exc, NotFoundError):
                raise
            body = (f'<h1>{_e(p.t("report"))}</h1>{_form(p, when, period, choices)}'
                    f'<p class="kx-error" role="alert"><b>{_e(t(p, "bad-time"))}:</b> {_e(str(exc))}</p>')
            return p.respond(body, title=p.t("report"), status=400)
        passages = _passages(g)
    parts = [f'<h1>{_e(p.t("report"))}</h1>', _form(p, when, period, choices)]
    said = t(p, "as-of-then", when) if when else t(p, "as-of-now")
    if period:
        said += "; " + t(p, "within", period)
    parts.append(f'<p class="kx-as-of">{_e(said)}</p>')
    parts += [f'<p class="kx-note">{_e(note)}</p>' for note in notes]
    if "status" in result.variables:
        parts.append(_figures(p, result, passages))
    else:  # counted within a period: kxgraph.timeline.period_report's table
        parts.append(result_table(result))
    rules = getattr(result, "parts", {}).get("rules")
    if rules is not None:
        parts.append(f'<h2>{_e(p.t("rules"))}</h2>' + result_table(rules[1]))
    return p.respond("\n".join(parts), title=p.t("report") + (f" · {when}" if when else ""))


def compute(g: Any, *, when: str = "", period: str = "") -> tuple[Any, list[str]]:
    """The report ``kx report [--as-of WHEN] [--period PERIOD]`` prints, and its notes.

    As the CLI does: the graph as it stood on ``when`` (``g.as_of``), then the figures of
    ``period``, or each figure counted within it when the period has bounds.
    """
    from kxgraph.timeline import counts_within, parse_when, period_report

    notes: list[str] = []
    graph = g
    if when:
        parse_when(when, what="as-of")  # a date that is none is said in the page's terms
        graph = g.as_of(when)
        notes += graph.snapshot.notes
    if period and counts_within(graph, period):
        result = period_report(graph, period)
    else:
        result = graph.report(period=period or None)
    return result, notes + list(getattr(result, "notes", []))


def _form(p: Page, when: str, period: str, choices: str) -> str:
    return (f'<form class="kx-as-of-form" action="/report" method="get">'
            f'<label>{_e(t(p, "as-of"))}: <input type="text" name="as-of" value="{_e(when)}" '
            f'placeholder="{_e(t(p, "as-of-hint"))}" inputmode="numeric" maxlength="10"></label>'
            f'<label>{_e(t(p, "period"))}: <input type="text" name="period" value="{_e(period)}" list="kx-periods" '
            f'placeholder="{_e(t(p, "period-hint"))}"></label>{choices}'
            f'<button type="submit">{_e(t(p, "recompute"))}</button> '
            f'<a href="/report">{_e(t(p, "all-data"))}</a></form>')


def _period_choices(g: Any, p: Page) -> str:
    """A datalist of the periods the data names (their slugs, labelled)."""
    from kxgraph.timeline import periods

    options = []
    for row in periods(g).records():
        slug = str(row["period"]).rsplit("/", 1)[-1]
        options.append(f'<option value="{_e(slug)}">{_e(p.name(row["zh"], row["en"]))}</option>')
    return f'<datalist id="kx-periods">{"".join(options)}</datalist>'


def _passages(g: Any) -> dict[str, list]:
    from kxgraph.sparql.catalogue import entry
    from kxgraph.vocab import shorten

    found: dict[str, list] = {}
    for indicator, passage, text in g.query(entry("serve/figure-passages").text).rows:
        found.setdefault(shorten(indicator.value), []).append((passage, text))
    return found


def _figures(p: Page, result: Any, passages: dict[str, list]) -> str:
    at = {name: i for i, name in enumerate(result.variables)}
    rows = ['<table class="kx-table kx-report"><thead><tr>'
            + "".join(f"<th>{_e(h)}</th>" for h in FIGURE_HEADS) + f'<th>{_e(p.t("passage"))}</th></tr></thead><tbody>']
    for row in result.rows:
        status = _text(row[at["status"]])
        cells = []
        for h in FIGURE_HEADS:
            value = _display(row[at[h]])
            if h == "status":
                value = STATUS.get(status, (status, status))[LANGS.index(p.lang)]
            cells.append(f'<td class="kx-{h}">{_e(value)}</td>')
        links = " ".join(f'<a class="kx-passage-link" href="{_e(entity_url(passage.value))}">{_e(p.t("passage"))}</a>'
                         for passage, _ in passages.get(_display(row[at["id"]]), []))
        cells.append(f"<td>{links}<br>{_e(_text(row[at['passage']]))}</td>")
        rows.append(f'<tr class="{_e(status.replace(" ", "-"))}">{"".join(cells)}</tr>')
    rows.append("</tbody></table>")
    return "".join(rows)


# -- the sources ---------------------------------------------------------------------------------

def sources(site: Any, p: Page, request: Any) -> Any:
    """Every source in the store, as ``kx sources`` lists it, with its files' checksums."""
    from kxgraph.sparql.catalogue import entry

    with site.reader.graph() as g:
        listing = g.sources()
        files = g.query(entry("serve/source-files").text)
    checksums: dict[str, list[str]] = {}
    for name, file, digest in files.rows:
        checksums.setdefault(_text(name), []).append(f"{_text(file)}: {_text(digest)}" if digest else _text(file))
    parts = [f'<h1>{_e(p.t("sources"))}</h1><p>{_e(t(p, "sources-intro"))}</p>']
    if not listing.rows:
        parts.append(f'<p>{_e(t(p, "no-sources"))}</p>')
        return p.respond("\n".join(parts), title=p.t("sources"))
    heads = [*listing.variables[:3], "checksum", *listing.variables[3:]]
    parts.append('<table class="kx-table kx-sources"><thead><tr>'
                 + "".join(f"<th>{_e(_column(p, h))}</th>" for h in heads) + "</tr></thead><tbody>")
    for record in listing.records():
        name = _text(record["name"])
        cells = []
        for h in heads:
            if h == "name":
                cell = f'<a href="{_e(source_url(name))}">{_e(name)}</a>'
            elif h == "kind":
                cell = _e(_kind(p, record["kind"]))
            elif h == "checksum":
                cell = "<br>".join(f'<code>{_e(c)}</code>' for c in checksums.get(name, []))
            else:
                cell = _e(_display(record[h]))
            cells.append(f'<td class="kx-{h}">{cell}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table>")
    return p.respond("\n".join(parts), title=p.t("sources"))


def source(site: Any, p: Page, request: Any) -> Any:
    """One source: its record, and the entities it wrote (the first ``limit``), linked."""
    from kxgraph.ontology import label as class_label
    from kxgraph.sparql.catalogue import entry

    name = request.path_params["name"]
    if len(name) > 500:
        raise ParameterError("the source name is too long")
    with site.reader.graph() as g:
        record = next((r for r in g.sources().records() if _text(r["name"]) == name), None)
        if record is None:
            raise NotFoundError(f"no source {name!r}; the sources page lists them")
        bound = entry("serve/source-entities").bind({"name": name})
        found = g.query(bound.text, substitutions=bound.substitutions, limit=site.settings.limit)
    parts = [f'<h1>{_e(p.t("sources"))}: {_e(name)}</h1><table class="kx-table"><tbody>']
    for h, value in record.items():
        shown = _kind(p, value) if h == "kind" else _display(value)
        parts.append(f"<tr><th>{_e(_column(p, h))}</th><td>{_e(shown)}</td></tr>")
    parts.append("</tbody></table>")
    written = record.get("entities")
    total = int(_text(written)) if written is not None and _text(written).isdigit() else len(found)
    parts.append(f'<h2>{_e(t(p, "entities-of"))}</h2>')
    if not found.rows:
        parts.append(f'<p>{_e(t(p, "no-entities"))}</p>')
    elif len(found) < total:
        parts.append(f'<p>{_e(t(p, "showing", len(found), total))}</p>')
    groups: dict[str, list] = {}
    for entity, kind, zh, en in found.rows:
        groups.setdefault(kind.value if kind is not None else "", []).append((entity, zh, en))
    for kind, hits in groups.items():
        parts.append(f'<h3>{_e(class_label(kind, p.lang) if kind else "?")} ({len(hits)})</h3><ul class="kx-results">')
        parts += [f'<li><a href="{_e(entity_url(entity.value))}">{_e(p.name(zh, en) or _display(entity))}</a> '
                  f'<span class="kx-curie">{_e(_display(entity))}</span></li>' for entity, zh, en in hits]
        parts.append("</ul>")
    return p.respond("\n".join(parts), title=f'{p.t("sources")}: {name}')


def source_url(name: str) -> str:
    """The stable URL of a source's page.

    >>> source_url("工作站 名单")
    '/sources/%E5%B7%A5%E4%BD%9C%E7%AB%99%20%E5%90%8D%E5%8D%95'
    """
    return "/sources/" + quote(name, safe="")


def report_url(*, when: str = "", period: str = "") -> str:
    """The stable URL of the report as of ``when`` and/or within ``period``.

    >>> report_url(when="2019-12-31")
    '/report?as-of=2019-12-31'
    """
    query = urlencode({k: v for k, v in (("as-of", when), ("period", period)) if v})
    return "/report" + ("?" + query if query else "")


def _column(p: Page, name: str) -> str:
    return COLUMNS.get(name, (name, name))[LANGS.index(p.lang)]


def _kind(p: Page, value: Any) -> str:
    kind = _text(value)
    return KINDS.get(kind, (kind, kind))[LANGS.index(p.lang)]


__all__ = ["routes", "compute", "source_url", "report_url", "WORDS"]
