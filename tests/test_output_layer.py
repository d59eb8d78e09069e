"""One output layer: one page shell for every page, reports rendered by the one renderer, and the
output modules importing each other in one direction only."""

from __future__ import annotations

import ast
import io
import json
from pathlib import Path

import networkx as nx

import kxgraph
from kxgraph.network.view import View
from kxgraph.output import render as render_module
from kxgraph.output.render import render, render_page, render_to_string
from kxgraph.output.results import Document, Result

OUTPUT = Path(render_module.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
    return found


def test_the_renderer_and_the_other_output_modules_never_import_the_results():
    for name in ("render", "terms", "formats", "page", "files", "text"):
        assert "kxgraph.output.results" not in _imports(OUTPUT / f"{name}.py"), name


def _head(page: str) -> str:
    head = page[:page.index("</head>")]
    return head[:head.index("<title>")]


def test_views_reports_and_result_pages_share_one_shell():
    view = View(nx.Graph([("urn:a", "urn:b")])).html()
    report = kxgraph.open(memory=True).report().to_html()
    out = io.StringIO()
    render_page(Result.table(["n"], [(1,)]), out)
    table = out.getvalue()
    for page in (view, report, table):
        assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
        assert "default-src 'none'" in page
    assert _head(report) == _head(table)  # no scripts: the same head, word for word
    assert "script-src 'unsafe-inline'" in view and "script-src" not in report + table


def test_a_synthetic_report_page_says_so_in_the_banner():
    doc = kxgraph.open(memory=True).report()
    doc.notes.append("The computed counts include synthetic sample entities (kx:synthetic true), not real ones.")
    page = doc.to_html()
    assert '<p class="kx-banner" role="note">The computed counts include synthetic' in page


def test_a_report_is_written_by_the_one_renderer():
    rep = kxgraph.open(memory=True).report()
    for fmt in ("table", "markdown", "json", "csv", "tsv", "xml", "excel"):
        written = io.StringIO()
        rep.write(written, fmt)
        assert written.getvalue() == render_to_string(rep, fmt), fmt
    rules = io.StringIO()
    rep.write(rules, "csv", rules=True)
    assert rules.getvalue() == render_to_string(rep.rules, "csv")


def test_a_document_carries_every_table_in_human_formats_and_the_main_one_in_csv():
    doc = Document("select", ["n"], Result.table(["n"], [(1,)]).rows, heading="Counts",
                   parts={"more": ("More", Result.table(["m"], [(2,)]))}, notes=["checked <today>"])
    table = render_to_string(doc, "table")
    assert table.index("Counts") < table.index("More") and "note: checked <today>" in table
    assert "## More" in render_to_string(doc, "markdown")
    page = render_to_string(doc, "html")
    assert "<h2>More</h2>" in page and "checked &lt;today&gt;" in page
    data = json.loads(render_to_string(doc, "json"))
    assert data["more"]["results"]["bindings"][0]["m"]["value"] == "2" and data["notes"] == ["checked <today>"]
    assert render_to_string(doc, "csv") == "n\r\n1\r\n"
    out = io.StringIO()
    render(doc.parts["more"][1], "csv", out)
    assert out.getvalue() == "m\r\n2\r\n"
