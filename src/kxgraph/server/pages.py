"""The explorer site: search, entity pages, named queries as forms, a query editor (the report
and sources pages are ``kxgraph.server.provenance``'s, drawn with the pieces here).

Pages are in Chinese, with an English switch (``?lang=en``, remembered in a cookie). Every page
is the one page shell (``kxgraph.output.page``): a Content-Security-Policy that fetches nothing,
no script except in network views, and every value escaped here. Entities have stable URLs,
``/e/<CURIE>`` (``/e/kxorg:taiyuan-cast``), or ``/e/<IRI>`` for IRIs without a known prefix.
"""

from __future__ import annotations

import html
from typing import Any, Callable
from urllib.parse import quote, urlencode

from kxgraph.errors import AmbiguousNameError, KxError, ParameterError

LANGS = ("zh", "en")
COOKIE = "kxlang"

WORDS = {  # key: (zh, en)
    "site": ("科协知识图谱", "kxgraph explorer"),
    "home": ("首页", "Home"),
    "search": ("搜索", "Search"),
    "search-hint": ("中文、英文或拼音（如 taiyuan）", "Chinese, English or pinyin (e.g. taiyuan)"),
    "queries": ("命名查询", "Named queries"),
    "report": ("报告数字核对", "Report figures"),
    "sources": ("数据来源", "Sources"),
    "editor": ("SPARQL 查询", "SPARQL editor"),
    "switch": ("English", "中文"),
    "results-for": ("搜索结果", "Results for"),
    "no-results": ("没有找到匹配的实体。", "No entity matches."),
    "synthetic": ("合成", "synthetic"),
    "synthetic-banner": ("合成示例数据，并非真实数据", "Synthetic sample data, not real"),
    "type": ("类型", "Type"), "label": ("名称", "Names"), "property": ("属性", "Properties"),
    "membership": ("成员关系", "Memberships"), "out": ("关联", "Links"), "in": ("被关联", "Linked from"),
    "source": ("来源", "Sources"),
    "neighbourhood": ("邻域网络图", "Neighbourhood network"),
    "path-to": ("到另一实体的协作路径", "Collaboration path to another entity"),
    "path-target": ("另一实体（CURIE、IRI 或名称）", "Other entity (CURIE, IRI or exact name)"),
    "find-path": ("查找路径", "Find paths"),
    "paths": ("协作路径", "Collaboration paths"),
    "run": ("运行", "Run"),
    "download-csv": ("下载 CSV", "Download CSV"),
    "download-excel": ("下载 Excel (CSV)", "Download for Excel (CSV)"),
    "rows": ("行", "rows"),
    "truncated": ("结果已截断", "results cut off at the limit"),
    "optional": ("可选", "optional"),
    "parameters": ("参数", "Parameters"),
    "not-found": ("页面或实体不存在", "No such page or entity"),
    "not-found-hint": ("可以搜索：", "Try a search:"),
    "error": ("出错了", "Something went wrong"),
    "passage": ("原文", "passage"),
    "sheet-row": ("行", "row"),
    "prefixes": ("可直接使用的前缀（无需 PREFIX 声明）", "Prefixes you can use without PREFIX lines"),
    "ambiguous": ("多个实体同名，请选择：", "Several entities have this name; choose one:"),
    "rules": ("一致性规则", "Consistency rules"),
    "status": ("状态", "Status"),
    "stats": ("图谱概况", "What the graph holds"),
    "view": ("网络图", "Network view"),
    "sparql-endpoint": ("SPARQL 端点（供其他工具使用）", "SPARQL endpoint (for other tools)"),
}
STATUS = {"agrees": ("一致", "agrees"), "disagrees": ("不一致", "disagrees"),
          "not computable": ("无法计算", "not computable"), "no entity data": ("无实体数据", "no entity data")}
SECTION_ORDER = ("type", "label", "property", "membership", "out", "source", "in")

STYLE = """
  header.kx-nav { display: flex; flex-wrap: wrap; gap: .8em; align-items: center; padding: .5em .8em;
    background: #1f4e79; }
  header.kx-nav a { color: #fff; text-decoration: none; }
  header.kx-nav form { margin: 0; }
  header.kx-nav .kx-lang { margin-left: auto; }
  main { padding: .5em 1em 2em; max-width: 70em; }
  .kx-curie { color: #666; font-family: monospace; font-size: .85em; }
  .kx-tag { background: #fff4e0; color: #a15c00; border-radius: .3em; padding: 0 .3em; font-size: .8em; }
  .kx-error { background: #fde8e8; border: 1px solid #d99; padding: .5em .8em; white-space: pre-wrap; }
  blockquote { margin: .3em 0 .6em; padding: .3em .8em; border-left: 4px solid #1f4e79; background: #f6f8fb; }
  tr.disagrees td { background: #fde8e8; }
  textarea { width: 100%; font-family: monospace; }
  label { display: block; margin: .4em 0; }
"""


def routes(site: "Site") -> list:
    """The explorer's routes, drawn by ``site`` (the report and sources pages are
    ``kxgraph.server.provenance``'s)."""
    from starlette.routing import Route

    return [
        Route("/", site.handler(site.home)),
        Route("/search", site.handler(site.search)),
        Route("/e", site.handler(site.entity_by_iri)),
        Route("/e/{entity:path}", site.handler(site.entity)),
        Route("/view", site.handler(site.view)),
        Route("/path", site.handler(site.path)),
        Route("/queries", site.handler(site.queries)),
        Route("/q/{name}", site.handler(site.named)),
        Route("/q/{name}/download", site.handler(site.download)),
        Route("/editor", site.handler(site.editor)),
    ]


def entity_url(iri: str) -> str:
    """The stable URL of an entity: ``/e/`` and its CURIE, or its whole IRI without a known prefix.

    >>> entity_url("https://w3id.org/kxgraph/id/org/taiyuan-cast")
    '/e/kxorg:taiyuan-cast'
    """
    from kxgraph.vocab import shorten

    curie = shorten(iri)
    if curie == iri:
        return "/e?" + urlencode({"iri": iri})
    return "/e/" + quote(curie, safe=":")


class Page:
    """What one request needs to draw a page: its language and how to say things in it."""

    def __init__(self, request: Any) -> None:
        asked = request.query_params.get("lang")
        self.request = request
        self.asked = asked if asked in LANGS else None
        self.lang = self.asked or (request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGS else "zh")

    def t(self, key: str) -> str:
        return WORDS[key][LANGS.index(self.lang)]

    def name(self, zh: Any, en: Any) -> str:
        """The label in the page's language, else the other one."""
        first, second = (zh, en) if self.lang == "zh" else (en, zh)
        return _text(first) or _text(second)

    def respond(self, body: str, *, title: str, status: int = 200, banner: str | None = None):
        from starlette.responses import HTMLResponse

        from kxgraph.output.page import page

        response = HTMLResponse(page(self.nav() + f"<main>\n{body}</main>\n", title=title, style=STYLE,
                                     banner=banner, lang=self.lang), status_code=status)
        return self.finish(response)

    def finish(self, response, *, scripts: bool = False):
        from kxgraph.output.page import CSP, CSP_SCRIPTS

        # The page's own policy again, as a header, which can also forbid framing it (clickjacking).
        response.headers["Content-Security-Policy"] = (CSP_SCRIPTS if scripts else CSP) + "; frame-ancestors 'none'"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        if self.asked:
            response.set_cookie(COOKIE, self.asked, samesite="strict", httponly=True)
        return response

    def nav(self) -> str:
        other = "en" if self.lang == "zh" else "zh"
        params = dict(self.request.query_params)
        params["lang"] = other
        switch = self.request.url.path + "?" + urlencode(params)
        return (f'<header class="kx-nav"><a href="/"><b>{_e(self.t("site"))}</b></a>'
                f'{search_form(self, "")}'
                f'<a href="/queries">{_e(self.t("queries"))}</a>'
                f'<a href="/report">{_e(self.t("report"))}</a>'
                f'<a href="/sources">{_e(self.t("sources"))}</a>'
                f'<a href="/editor">{_e(self.t("editor"))}</a>'
                f'<a class="kx-lang" href="{_e(switch)}" hreflang="{other}">{_e(self.t("switch"))}</a>'
                "</header>\n")


def search_form(p: Page, value: str) -> str:
    return (f'<form action="/search" method="get" role="search"><input type="search" name="q" '
            f'value="{_e(value)}" placeholder="{_e(p.t("search-hint"))}" aria-label="{_e(p.t("search"))}">'
            f' <button type="submit">{_e(p.t("search"))}</button></form>')


class Site:
    """The explorer's pages, each reading the store through ``reader`` for one request."""

    def __init__(self, reader: Any, runner: Any) -> None:
        self.reader = reader
        self.runner = runner
        self.settings = reader.settings

    def handler(self, draw: Callable) -> Callable:
        """A Starlette endpoint (run in a worker thread) that draws a page and answers errors."""

        def endpoint(request):
            p = Page(request)
            try:
                return draw(p, request)
            except AmbiguousNameError as exc:
                return self.ambiguous(p, exc)
            except KxError as exc:
                from kxgraph.server.statuses import status_of

                status = status_of(exc)
                if status == 404:
                    return not_found_page(p, str(exc))
                return p.respond(f'<h1>{_e(p.t("error"))}</h1><p class="kx-error">{_e(str(exc))}</p>',
                                 title=p.t("error"), status=status)

        return endpoint

    # -- pages ---------------------------------------------------------------------------------

    def home(self, p: Page, request) -> Any:
        with self.reader.graph() as g:
            stats = g.stats()
        rows = "".join(f"<tr><td>{_e(p.name(zh, en) or _display(item))}</td>"
                       f"<td>{_e(_display(count))}</td></tr>" for item, zh, en, count in stats.rows)
        body = (f'<h1>{_e(p.t("site"))}</h1>{search_form(p, "")}'
                f'<ul><li><a href="/queries">{_e(p.t("queries"))}</a></li>'
                f'<li><a href="/report">{_e(p.t("report"))}</a></li>'
                f'<li><a href="/sources">{_e(p.t("sources"))}</a></li>'
                f'<li><a href="/editor">{_e(p.t("editor"))}</a></li>'
                f'<li>{_e(p.t("sparql-endpoint"))}: <code>/sparql</code></li></ul>'
                f'<h2>{_e(p.t("stats"))}</h2><table class="kx-table">{rows}</table>\n')
        return p.respond(body, title=p.t("site"))

    def search(self, p: Page, request) -> Any:
        from kxgraph.ontology import label as class_label

        text = request.query_params.get("q", "").strip()
        if not text:
            return p.respond(f'<h1>{_e(p.t("search"))}</h1>{search_form(p, "")}', title=p.t("search"))
        if len(text) > 200:
            raise ParameterError("the search text is too long (at most 200 characters)")
        with self.reader.graph() as g:
            found = g.find(text, limit=50)
        groups: dict[str, list] = {}
        for entity, zh, en, kind, synthetic in found.rows:
            groups.setdefault(kind.value if kind is not None else "", []).append((entity, zh, en, synthetic))
        parts = [f'<h1>{_e(p.t("results-for"))}: {_e(text)}</h1>{search_form(p, text)}']
        if not groups:
            parts.append(f'<p>{_e(p.t("no-results"))}</p>')
        for kind, hits in groups.items():
            heading = class_label(kind, p.lang) if kind else "?"
            parts.append(f'<h2>{_e(heading)} ({len(hits)})</h2><ul class="kx-results">')
            for entity, zh, en, synthetic in hits:
                tag = f' <span class="kx-tag">{_e(p.t("synthetic"))}</span>' if synthetic is not None else ""
                other = _text(en) if p.lang == "zh" else _text(zh)
                parts.append(f'<li><a href="{_e(entity_url(entity.value))}">{_e(p.name(zh, en) or entity.value)}</a>'
                             f'{" · " + _e(other) if other else ""} <span class="kx-curie">{_e(_display(entity))}</span>{tag}</li>')
            parts.append("</ul>")
        return p.respond("\n".join(parts), title=f'{p.t("search")}: {text}')

    def entity_by_iri(self, p: Page, request) -> Any:
        iri = request.query_params.get("iri", "")
        if not iri:
            return not_found_page(p, "")
        return self._entity(p, iri)

    def entity(self, p: Page, request) -> Any:
        return self._entity(p, request.path_params["entity"])

    def _entity(self, p: Page, name: str) -> Any:
        from kxgraph.ontology import label as term_label
        from kxgraph.vocab import shorten

        if len(name) > 2000:
            raise ParameterError("the entity name is too long")
        with self.reader.graph() as g:
            facts = g.show(name)
            summary = _neighbourhood(g, name, p.lang)
        sections: dict[str, list] = {}
        for section, prop, value, label in facts.rows:
            sections.setdefault(section.value, []).append((prop, value, label))
        names = sections.get("label", [])
        zh = next((v for _, v, _ in names if getattr(v, "language", None) == "zh"), None)
        en = next((v for _, v, _ in names if getattr(v, "language", None) == "en"), None)
        iri = _iri_of(name)
        title = p.name(zh, en) or name
        curie = shorten(iri) if iri else name
        parts = [f'<h1>{_e(title)}</h1><p class="kx-curie">{_e(curie)}</p>']
        focus = curie  # what the page shows can be typed back
        view_url = "/view?" + urlencode({"focus": focus, "depth": 1, "lang": p.lang})
        parts.append(f'<section class="kx-neighbourhood">{summary}'  # static: legend, best connected
                     f'<p><a id="kx-neighbourhood" href="{_e(view_url)}">{_e(p.t("neighbourhood"))}</a></p>'
                     "</section>")
        for section in SECTION_ORDER:
            rows = sections.get(section)
            if not rows:
                continue
            parts.append(f'<h2>{_e(p.t(section))}</h2>')
            if section == "source":
                parts.append(self._sources(p, rows))
                continue
            parts.append('<table class="kx-table"><tbody>')
            for prop, value, label in rows:
                prop_cell = _term_cell(prop, term_label(prop.value, p.lang)) if prop is not None else ""
                parts.append(f"<tr><td>{prop_cell}</td><td>{self._value(value, label)}</td></tr>")
            parts.append("</tbody></table>")
        parts.append(f'<h2>{_e(p.t("path-to"))}</h2><form action="/path" method="get">'
                     f'<input type="hidden" name="from" value="{_e(focus)}">'
                     f'<input type="text" name="to" aria-label="{_e(p.t("path-target"))}" placeholder="{_e(p.t("path-target"))}">'
                     f' <button type="submit">{_e(p.t("find-path"))}</button></form>')
        banner = p.t("synthetic-banner") if "synthetic" in sections else None
        return p.respond("\n".join(parts), title=title, banner=banner)

    def _value(self, value: Any, label: Any) -> str:
        if value is None:
            return ""
        if type(value).__name__ == "NamedNode":
            curie = _display(value)
            text = _text(label) or curie
            return (f'<a href="{_e(entity_url(value.value))}">{_e(text)}</a>'
                    + (f' <span class="kx-curie">{_e(curie)}</span>' if text != curie else ""))
        lang = getattr(value, "language", None)
        return _e(_display(value)) + (f' <span class="kx-curie">@{_e(lang)}</span>' if lang else "")

    def _sources(self, p: Page, rows: list) -> str:
        out = []
        for prop, value, label in rows:
            row = _sheet_row(value)
            if row is not None:  # a spreadsheet row: its file's name and the row, no server path
                out.append(f'<p class="kx-sheet-row">{_e(row[0])}, {_e(p.t("sheet-row"))} {_e(row[1])}</p>')
                continue
            link = self._value(value, None)
            if _text(label):
                out.append(f'<blockquote class="kx-passage">{_e(_text(label))}</blockquote><p>{link}</p>')
            else:
                out.append(f"<p>{link}</p>")
        return "\n".join(out)

    def view(self, p: Page, request) -> Any:
        from starlette.responses import HTMLResponse

        focus = request.query_params.get("focus", "").strip()
        if not focus:
            raise ParameterError("give focus=ENTITY (the view shows its neighbourhood)")
        depth = _int(request.query_params.get("depth", "1"), "depth", 1, 3)
        with self.reader.graph() as g:
            view = g.view(focus=focus, depth=depth, lang=p.lang)
        return p.finish(HTMLResponse(view.html()), scripts=True)

    def path(self, p: Page, request) -> Any:
        a = request.query_params.get("from", "").strip()
        b = request.query_params.get("to", "").strip()
        if not a or not b:
            raise ParameterError("give from=ENTITY and to=ENTITY")
        with self.reader.graph() as g:
            found = g.path(a, b, lang=p.lang)
        body = f'<h1>{_e(p.t("paths"))}</h1><p>{_e(a)} → {_e(b)}</p>' + result_table(found)
        return p.respond(body, title=p.t("paths"))

    def queries(self, p: Page, request) -> Any:
        from kxgraph.sparql.query import catalogue

        items = "".join(f'<li><a href="/q/{_e(quote(q.name))}">{_e(q.name)}</a>: {_e(q.description)}</li>'
                        for q in catalogue())
        return p.respond(f'<h1>{_e(p.t("queries"))}</h1><ul>{items}</ul>', title=p.t("queries"))

    def _named_run(self, name: str, request) -> tuple[Any, dict[str, str], Any]:
        from kxgraph.sparql.query import named_query

        named = named_query(name)
        values = {param.name: request.query_params.get(param.name, "").strip() for param in named.parameters}
        values = {k: v for k, v in values.items() if v}
        ready = "run" in request.query_params or not any(not q.optional for q in named.parameters)
        result = None
        if ready:
            with self.reader.graph() as g:
                result = g.named_query(name, values, limit=self.settings.limit, timeout=self.settings.timeout)
        return named, values, result

    def named(self, p: Page, request) -> Any:
        named, values, result = self._named_run(request.path_params["name"], request)
        fields = []
        for param in named.parameters:
            kind = {"integer": 'type="number" step="1"', "decimal": 'type="number" step="any"',
                    "year": 'type="text" pattern="[0-9]{4}" inputmode="numeric"'}.get(param.type, 'type="text"')
            required = "" if param.optional else " required"
            hint = f' ({_e(p.t("optional"))})' if param.optional else ""
            fields.append(f'<label>{_e(param.name)} <span class="kx-curie">{_e(param.type)}</span>{hint}: '
                          f'<input {kind} name="{_e(param.name)}" value="{_e(values.get(param.name, ""))}"{required}>'
                          f' <small>{_e(param.help)}</small></label>')
        body = [f'<h1>{_e(named.name)}</h1><p>{_e(named.description)}</p>',
                f'<form action="/q/{_e(quote(named.name))}" method="get">{"".join(fields)}'
                f'<input type="hidden" name="run" value="1"><button type="submit">{_e(p.t("run"))}</button></form>']
        if result is not None:
            query = urlencode({**values, "run": 1})
            body.append(f'<p>{len(result)} {_e(p.t("rows"))}'
                        + (f' ({_e(p.t("truncated"))})' if len(result) >= self.settings.limit else "")
                        + f' · <a id="kx-csv" href="/q/{_e(quote(named.name))}/download?{_e(query)}&amp;format=csv">{_e(p.t("download-csv"))}</a>'
                        f' · <a href="/q/{_e(quote(named.name))}/download?{_e(query)}&amp;format=excel">{_e(p.t("download-excel"))}</a></p>')
            body.append(result_table(result))
        return p.respond("\n".join(body), title=named.name)

    def download(self, p: Page, request) -> Any:
        from starlette.responses import Response

        from kxgraph.output.render import render_to_string

        fmt = request.query_params.get("format", "csv")
        if fmt not in ("csv", "excel"):
            raise ParameterError("format is csv or excel")
        named, _, result = self._named_run(request.path_params["name"], request)
        if result is None:
            raise ParameterError(f"query {named.name} needs its parameters")
        filename = f"{named.name}{'-excel' if fmt == 'excel' else ''}.csv"
        return p.finish(Response(render_to_string(result, fmt), media_type="text/csv; charset=utf-8",
                                 headers={"Content-Disposition": f'attachment; filename="{filename}"'}))

    def editor(self, p: Page, request) -> Any:
        from kxgraph.server.protocol import Refused
        from kxgraph.vocab import PREFIXES

        text = request.query_params.get("query", "")
        if not text:
            text = "SELECT ?entity ?label WHERE {\n  ?entity a kx:Academician ; rdfs:label ?label .\n}\nLIMIT 20"
        prefixes = "".join(f"<li><code>{_e(name)}: &lt;{_e(iri)}&gt;</code></li>" for name, iri in PREFIXES.items())
        parts = [f'<h1>{_e(p.t("editor"))}</h1><form action="/editor" method="get">'
                 f'<textarea name="query" rows="12" aria-label="SPARQL">{_e(text)}</textarea>'
                 f'<p><button type="submit">{_e(p.t("run"))}</button></p></form>']
        if "query" in request.query_params:
            try:
                if len(text.encode("utf-8")) > self.settings.max_query:
                    raise Refused(413, f"the query is longer than {self.settings.max_query} bytes")
                result = self.runner.run(text)
                parts.append(_any_result(p, result, self.settings.limit))
            except (Refused, KxError) as exc:
                parts.append(f'<p class="kx-error" role="alert">{_e(str(exc))}</p>')
        parts.append(f'<details><summary>{_e(p.t("prefixes"))}</summary><ul>{prefixes}</ul></details>')
        return p.respond("\n".join(parts), title=p.t("editor"))

    def ambiguous(self, p: Page, exc: AmbiguousNameError) -> Any:
        items = "".join(f'<li><a href="{_e(entity_url(iri))}">{_e(iri)}</a></li>'
                        for iri in getattr(exc, "candidates", []) or [])
        return p.respond(f'<h1>{_e(p.t("ambiguous"))}</h1><ul>{items}</ul>', title=p.t("ambiguous"), status=300)


# -- shared pieces -------------------------------------------------------------------------------

def result_table(result: Any) -> str:
    """A result as an HTML table; IRIs link to their entity pages; every value escaped."""
    if result.kind == "ask":
        return f"<p>{'true' if result.boolean else 'false'}</p>"
    head = "".join(f"<th>{_e(v)}</th>" for v in result.variables)
    body = []
    for row in result.rows:
        cells = []
        for term in row:
            if term is not None and type(term).__name__ == "NamedNode":
                cells.append(f'<td><a href="{_e(entity_url(term.value))}">{_e(_display(term))}</a></td>')
            else:
                cells.append(f"<td>{_e(_display(term))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="kx-table"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _any_result(p: Page, result: Any, limit: int) -> str:
    from kxgraph.output.render import render_to_string

    if result.kind == "graph":
        return f"<pre>{_e(render_to_string(result, 'turtle'))}</pre>"
    count = "" if result.kind == "ask" else (
        f'<p>{len(result)} {_e(p.t("rows"))}' + (f' ({_e(p.t("truncated"))})' if len(result) >= limit else "") + "</p>")
    return count + result_table(result)


def not_found_page(p: Page, message: str):
    """The 404 page: what was missing, and a search for it."""
    guess = p.request.path_params.get("entity", "") if hasattr(p.request, "path_params") else ""
    guess = guess.rpartition(":")[2] if guess and "://" not in guess else ""
    body = (f'<h1>{_e(p.t("not-found"))}</h1>'
            + (f'<p class="kx-error">{_e(message)}</p>' if message else "")
            + f'<p>{_e(p.t("not-found-hint"))}</p>{search_form(p, guess)}')
    return p.respond(body, title=p.t("not-found"), status=404)


async def not_found(request, exc) -> Any:
    """Starlette's handler for URLs no route knows."""
    return not_found_page(Page(request), "")


async def not_allowed(request, exc) -> Any:
    from starlette.responses import PlainTextResponse

    return PlainTextResponse("method not allowed: this server only reads\n", status_code=405)


def _iri_of(name: str) -> str | None:
    from kxgraph.vocab import expand_curie

    if "://" in name:
        return name.strip("<>")
    return expand_curie(name)


def _term_cell(term: Any, label: str) -> str:
    """A property: its label, and its CURIE when that says something more."""
    curie = _display(term)
    return _e(label) + (f' <span class="kx-curie">{_e(curie)}</span>' if label != curie else "")


def _neighbourhood(g: Any, name: str, lang: str) -> str:
    """The static summary of an entity's one-step neighbourhood (``View.summary``, escaped there),
    or nothing when it has no network."""
    try:
        view = g.view(focus=name, depth=1, lang=lang)
    except KxError:
        return ""
    return view.summary() if view.graph.number_of_nodes() > 1 else ""


def _sheet_row(value: Any) -> tuple[str, str] | None:
    """(file name, row) of a ``file:///…/name.csv#row=4`` source, else None."""
    import re
    from urllib.parse import unquote

    match = re.fullmatch(r"file://[^#]*/([^/#]+)#row=(\d+)", _text(value))
    return (unquote(match.group(1)), match.group(2)) if match else None


def _int(text: str, name: str, low: int, high: int) -> int:
    if not text.strip().isdigit() or not low <= int(text) <= high:
        raise ParameterError(f"{name} must be a whole number from {low} to {high}")
    return int(text)


def _text(term: Any) -> str:
    return "" if term is None else str(getattr(term, "value", term))


def _display(term: Any) -> str:
    from kxgraph.output.render import display

    return display(term) if term is not None and hasattr(term, "value") else ("" if term is None else str(term))


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


__all__ = ["routes", "entity_url", "result_table", "not_found", "WORDS"]
