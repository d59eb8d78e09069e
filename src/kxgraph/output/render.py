"""The one output renderer: every command writes its results through ``render``.

Tabular results (SELECT, analyses, reports) go out as ``table`` (aligned, CJK-aware), the W3C
SPARQL result formats ``csv``, ``tsv``, ``json`` and ``xml``, ``excel`` (the CSV with a UTF-8
byte-order mark that Excel on Chinese Windows needs), or ``markdown`` and ``html``;
ASK results as ``true``/``false`` or their JSON/XML forms; graph results as ``turtle``,
``ntriples`` or ``jsonld``.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from typing import IO, Any, Callable, Iterable, Iterator

from kxgraph.errors import ParameterError
from kxgraph.output.formats import ALL_FORMATS, GRAPH_FORMATS, TABULAR_FORMATS
from kxgraph.output.terms import term_value
from kxgraph.vocab import PREFIXES, shorten

# A kxgraph.output.results.Result, named but not imported: results uses this module, never the reverse.
Result = Any

__all__ = ["ALL_FORMATS", "GRAPH_FORMATS", "TABULAR_FORMATS", "display", "graph_pieces", "neutralise",
           "quoteattr", "render", "render_page", "render_to_string", "xml_escape"]


def render(result: Result, fmt: str, out: IO[str]) -> None:
    """Write ``result`` to the text stream ``out`` in format ``fmt``."""
    if result.kind == "graph":
        if fmt == "table":
            fmt = "turtle"
        if fmt not in GRAPH_FORMATS:
            raise ParameterError(f"a graph result is written as {', '.join(GRAPH_FORMATS)}, not {fmt}")
        if getattr(result, "streamed", False):  # written a batch at a time, never held whole
            triples = iter(result.triples)
            for piece in graph_pieces(iter(lambda: list(itertools.islice(triples, GRAPH_BATCH)), []), fmt):
                out.write(piece)
        else:
            out.write(_graph(result.triples, fmt))
        return
    if fmt not in TABULAR_FORMATS:
        raise ParameterError(f"a table result is written as {', '.join(TABULAR_FORMATS)}, not {fmt}")
    parts = getattr(result, "parts", None)  # a Document: a main table, titled parts and notes
    if parts is None:
        _WRITERS[fmt](result, out)
    elif fmt in ("table", "markdown", "html", "json"):
        _document(result, fmt, out)
    else:  # one table per file: the main one
        _WRITERS[fmt](result.main(), out)


def render_page(result: Result, out: IO[str], *, title: str = "kx") -> None:
    """Write ``result`` as a whole HTML page in the one page shell (``kxgraph.output.page``).

    A result that draws its own page (a report, with its verdict) has a ``to_html()``."""
    from kxgraph.output.page import page

    if hasattr(result, "to_html"):
        out.write(result.to_html())
    else:
        out.write(page(render_to_string(result, "html"), title=title))


def render_to_string(result: Result, fmt: str) -> str:
    """Return ``result`` rendered in ``fmt`` as a string."""
    buffer = io.StringIO()
    render(result, fmt, buffer)
    return buffer.getvalue()


# -- cells ---------------------------------------------------------------------------------

def escape(text: str, quote: bool = True) -> str:
    """``html.escape``, without importing ``html`` (its entity tables) at start-up.

    >>> escape('<a href="x">&</a>')
    '&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;'
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace('"', "&quot;").replace("'", "&#x27;") if quote else text


def xml_escape(text: str) -> str:
    """Escape text for an XML element (xml.sax.saxutils would pull in urllib and ssl at start-up)."""
    return escape(text, quote=False)


def quoteattr(text: str) -> str:
    """Quote and escape text as an XML attribute value."""
    return '"' + escape(text, quote=True) + '"'


def _kind(term: Any) -> str:
    return type(term).__name__


def display(term: Any) -> str:
    """A short human form of a term: CURIE for IRIs, lexical form for literals."""
    if term is None:
        return ""
    if _kind(term) == "NamedNode":
        return shorten(term.value)
    if _kind(term) == "BlankNode":
        return "_:" + term.value
    value = term_value(term)
    if isinstance(value, bool):
        return "true" if value else "false"  # as written in RDF, not Python's True
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _one_line(text: str) -> str:
    """A cell on one line: tabs and line breaks would break a table's columns; escapes and bidi
    overrides in a label would rewrite the terminal, so they are shown as ``\\uXXXX``."""
    from kxgraph.output.text import visible

    return visible(text.translate(_BREAKS))


_BREAKS = {ord(c): " " for c in "\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"}


def _ntriples(term: Any) -> str:
    return "" if term is None else str(term)


def _width(text: str) -> int:
    if text.isascii():  # the common case, and long cells, at C speed
        return len(text)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def _is_number(term: Any) -> bool:
    return isinstance(term_value(term), (int, float)) and not isinstance(term_value(term), bool)


# -- tabular writers -------------------------------------------------------------------------

PAGE = 1000  # a streamed table sizes its columns to its first rows: the rest are not held


def _first_page(result: Result) -> tuple[list, Any]:
    """The rows a table is sized by, and the rest: all of them, or a stream's first ``PAGE``."""
    rows = iter(result.rows)
    return list(itertools.islice(rows, PAGE) if getattr(result, "streamed", False) else rows), rows


def _table(result: Result, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write(("true" if result.boolean else "false") + "\n")
        return
    header = result.variables
    first, rest = _first_page(result)
    cells = [[_one_line(display(t)) for t in row] for row in first]
    numeric = [bool(first) and all(r[i] is None or _is_number(r[i]) for r in first) for i in range(len(header))]
    widths = [max([_width(h)] + [_width(r[i]) for r in cells]) for i, h in enumerate(header)]
    out.write("  ".join(_pad(h, w, False) for h, w in zip(header, widths)).rstrip() + "\n")
    out.write("  ".join("-" * w for w in widths) + "\n")
    count = 0
    for row in itertools.chain(cells, ([_one_line(display(t)) for t in row] for row in rest)):
        out.write("  ".join(_pad(c, w, n) for c, w, n in zip(row, widths, numeric)).rstrip() + "\n")
        count += 1
    sized = f"; columns sized to the first {PAGE}" if count > len(cells) else ""
    out.write(f"({count} row{'s' if count != 1 else ''}{sized})\n")


def _csv_cell(term: Any) -> str:
    return "" if term is None else ("_:" + term.value if _kind(term) == "BlankNode" else term.value)


def _csv(result: Result, out: IO[str], cell: Callable[[Any], str] = _csv_cell) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return
    writer.writerow(result.variables)  # variable names cannot start a formula
    for row in result.rows:
        writer.writerow([cell(t) for t in row])


def _tsv(result: Result, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write("?boolean\n" + ("true" if result.boolean else "false") + "\n")
        return
    out.write("\t".join("?" + v for v in result.variables) + "\n")
    for row in result.rows:
        out.write("\t".join(_ntriples(t) for t in row) + "\n")


def _json_term(term: Any) -> dict:
    kind = _kind(term)
    if kind == "NamedNode":
        return {"type": "uri", "value": term.value}
    if kind == "BlankNode":
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _json(result: Result, out: IO[str]) -> None:
    import json

    if result.kind == "ask":
        json.dump({"head": {}, "boolean": bool(result.boolean)}, out)
        out.write("\n")
        return
    # written a binding at a time (a stream is never held whole), as json.dump would write it
    out.write(json.dumps({"head": {"vars": result.variables}}, ensure_ascii=False)[:-1]
              + ', "results": {"bindings": [')
    for i, row in enumerate(result.rows):
        out.write((", " if i else "") + json.dumps({v: _json_term(t) for v, t in zip(result.variables, row)
                                                    if t is not None}, ensure_ascii=False))
    out.write("]}}\n")


def _xml(result: Result, out: IO[str]) -> None:
    out.write('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n')
    if result.kind == "ask":
        out.write(f"<head/>\n<boolean>{'true' if result.boolean else 'false'}</boolean>\n</sparql>\n")
        return
    out.write("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>\n")
    out.write("<results>\n")
    for row in result.rows:
        out.write("<result>")
        for v, t in zip(result.variables, row):
            if t is None:
                continue
            kind = _kind(t)
            if kind == "NamedNode":
                inner = f"<uri>{xml_escape(t.value)}</uri>"
            elif kind == "BlankNode":
                inner = f"<bnode>{xml_escape(t.value)}</bnode>"
            elif t.language:
                inner = f"<literal xml:lang={quoteattr(t.language)}>{xml_escape(t.value)}</literal>"
            elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
                inner = f"<literal datatype={quoteattr(t.datatype.value)}>{xml_escape(t.value)}</literal>"
            else:
                inner = f"<literal>{xml_escape(t.value)}</literal>"
            out.write(f"<binding name={quoteattr(v)}>{inner}</binding>")
        out.write("</result>\n")
    out.write("</results>\n</sparql>\n")


def _markdown(result: Result, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write(("true" if result.boolean else "false") + "\n")
        return
    def cell(t: Any) -> str:
        return _one_line(display(t)).replace("|", "\\|")
    first, rest = _first_page(result)
    out.write("| " + " | ".join(result.variables) + " |\n")
    out.write("|" + "|".join("---:" if any(_is_number(r[i]) for r in first) else "---"
                             for i in range(len(result.variables))) + "|\n")
    for row in itertools.chain(first, rest):
        out.write("| " + " | ".join(cell(t) for t in row) + " |\n")


def _html(result: Result, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write(f"<p>{'true' if result.boolean else 'false'}</p>\n")
        return
    out.write("<table class=\"kx-table\">\n<thead><tr>")
    out.write("".join(f"<th>{escape(v)}</th>" for v in result.variables))
    out.write("</tr></thead>\n<tbody>\n")
    for row in result.rows:
        out.write("<tr>" + "".join(f"<td>{escape(display(t))}</td>" for t in row) + "</tr>\n")
    out.write("</tbody>\n</table>\n")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def neutralise(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection): text that starts
    with ``= + - @``, a tab or a carriage return gets a leading single quote; numbers stay numbers.

    >>> neutralise("=SUM(A1)"), neutralise("-3"), neutralise("太原")
    ("'=SUM(A1)", '-3', '太原')
    """
    if text.startswith(FORMULA_START) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _excel_cell(term: Any) -> str:
    return neutralise(_csv_cell(term))


def _excel(result: Result, out: IO[str]) -> None:
    """CSV for Excel: a UTF-8 byte-order mark (Excel on a Chinese Windows machine reads a CSV as
    GBK without one) and formula-leading cells neutralised. Plain ``csv`` stays W3C-exact."""
    out.write("\ufeff")
    _csv(result, out, _excel_cell)


_WRITERS = {"table": _table, "csv": _csv, "excel": _excel, "tsv": _tsv, "json": _json, "xml": _xml,
            "markdown": _markdown, "html": _html}


# -- documents: a main table with titled parts and notes ------------------------------------

def _document(doc: Any, fmt: str, out: IO[str]) -> None:
    if fmt == "json":
        import json

        document = json.loads(render_to_string(doc.main(), "json"))
        for key, (_, part) in doc.parts.items():
            document[key] = json.loads(render_to_string(part, "json"))
        document["notes"] = list(doc.notes)
        json.dump(document, out, ensure_ascii=False)
        out.write("\n")
        return
    sections = [(doc.heading, doc.main()), *doc.parts.values()]
    for i, (heading, table) in enumerate(sections):
        if heading:
            out.write({"table": f"{heading}\n\n", "markdown": f"## {heading}\n\n",
                       "html": f"<h2>{escape(heading)}</h2>\n"}[fmt])
        _WRITERS[fmt](table, out)
        if fmt != "html" and i < len(sections) - 1:
            out.write("\n")
    for note in doc.notes:
        out.write({"table": f"\nnote: {note}\n", "markdown": f"\n> {note}\n",
                   "html": f"<p class=\"note\">{escape(note)}</p>\n"}[fmt])


# -- graph writers ---------------------------------------------------------------------------

GRAPH_BATCH = 500  # triples of a streamed graph written at a time


def graph_pieces(batches: Iterable[list], fmt: str) -> Iterator[str]:
    """A graph given in batches of triples, written piece by piece in ``fmt``: Turtle's prefixes once,
    at the top; JSON-LD, one document, is written whole."""
    if fmt == "jsonld":
        yield _graph([triple for batch in batches for triple in batch], fmt)
        return
    first = True
    for batch in batches:
        text = _graph(batch, fmt)
        if not first and fmt == "turtle":
            lines = text.splitlines(keepends=True)
            while lines and lines[0].startswith("@prefix "):
                lines.pop(0)
            text = "".join(lines)
        first = False
        yield text
    if first and fmt == "turtle":
        yield _graph([], fmt)


def _graph(triples: Iterable[Any], fmt: str) -> str:
    import pyoxigraph as ox

    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES,
                  "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    kwargs = {"prefixes": PREFIXES} if fmt == "turtle" else {}
    return ox.serialize(triples, format=rdf_format, **kwargs).decode("utf-8")
