"""Data checks at load and import: ill-typed literals and control characters are refused.

``"abc"^^xsd:integer`` or ``"2021-02-30"^^xsd:date`` would be stored as given and break every
later sum, comparison or report; a NUL or escape character in a label breaks XML exports and
terminals. A load is refused, naming file, line and value. With ``lenient`` the literal is kept:
an ill-typed one as a plain string (its text), control characters stripped, and a warning says
how many were changed.

The check is one SPARQL query over the graphs a file was just loaded into (still staged, so a
refusal leaves the store as it was): each typed literal is cast to its own datatype, which fails
for an ill-typed one.

``visible(text)`` is for output: it writes control and bidirectional-override characters as
``\\uXXXX`` so that exports stay well-formed and a label cannot rewrite the terminal.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

from kxgraph.errors import InputError, option, render
from kxgraph.output.text import visible  # noqa: F401 - also importable from here

__all__ = ["KxWarning", "check_literals", "check_quads", "check_file", "literal_ok", "visible", "CONTROL"]

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = ("integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
            "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
            "unsignedByte")
CASTS = {  # datatype -> the cast that checks it
    **{name: "integer" for name in INTEGERS},
    "decimal": "decimal", "double": "double", "float": "float", "boolean": "boolean",
    "date": "date", "dateTime": "dateTime", "time": "time", "gYear": "gYear", "gYearMonth": "gYearMonth",
    "duration": "duration", "dayTimeDuration": "dayTimeDuration", "yearMonthDuration": "yearMonthDuration",
}
# C0 controls but tab, line feed and carriage return; DEL; C1 controls (Rust regex syntax for SPARQL)
_CONTROL_SPARQL = r"[\\x{0}-\\x{8}\\x{B}\\x{C}\\x{E}-\\x{1F}\\x{7F}-\\x{9F}]"
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SHOWN = 5  # problems named in a refusal


class KxWarning(UserWarning):
    """Something kxgraph changed or skipped on the user's behalf (the CLI prints it on one line).

    Like a ``KxError`` it names parameters through ``kxgraph.errors.option``: ``str(warning)`` reads
    the Python name, ``warning.message(flag)`` the CLI's option.
    """

    def __init__(self, message: object = "", *args: object) -> None:
        self.template = str(message)
        super().__init__(render(self.template), *args)

    def message(self, flag=None) -> str:
        """The message, each parameter named by ``flag(name)`` (the CLI's option), or as in Python."""
        return render(self.template, flag)


def _query() -> str:
    """The SELECT of every ill-typed or control-laden literal in the graphs bound to ``?g``: one
    datatype cast per literal (from ``CASTS``), strings skip it."""
    cast = "true"
    for datatype, target in CASTS.items():
        cast = f"IF(?dt = xsd:{datatype}, xsd:{target}(STR(?o)), {cast})"
    cast = f"IF(?dt IN (xsd:string, <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>), true, {cast})"
    return (f"PREFIX xsd: <{XSD}>\n"
            f"SELECT ?g ?s ?p ?o (!BOUND(?ok) AS ?illtyped) WHERE {{\n"
            f"  VALUES ?g {{ UNDEF }} GRAPH ?g {{ ?s ?p ?o }} FILTER(isLiteral(?o))\n"
            f"  BIND(datatype(?o) AS ?dt) BIND({cast} AS ?ok)\n"
            f"  FILTER(!BOUND(?ok) || REGEX(STR(?o), \"{_CONTROL_SPARQL}\")) }}")


def _bad_literals(raw: Any, graphs: list[str]):
    """(graph, s, p, o, ill-typed?) of every ill-typed or control-laden literal in ``graphs``, lazily."""
    import pyoxigraph as ox

    from kxgraph.store.base import inject_values

    text = inject_values(_query(), {"g": [ox.NamedNode(g) for g in graphs]})
    for g, s, p, o, illtyped in raw.query(text):
        yield g, s, p, o, illtyped.value == "true"


def check_literals(raw: Any, graphs: list[str], file: Path | str, *, lenient: bool = False) -> int:
    """Refuse the ill-typed literals and control characters in ``graphs`` of the pyoxigraph store ``raw``.

    With ``lenient``, fix them in place instead, warn (``KxWarning``) and return how many changed.
    """
    import itertools

    import pyoxigraph as ox

    if not graphs:
        return 0
    if not lenient:
        found = list(itertools.islice(_bad_literals(raw, graphs), SHOWN))
        if not found:
            return 0
        _, _, _, literal, illtyped = found[0]
        raise _refusal(literal, illtyped, file, more=len(found) - 1)
    bad = list(_bad_literals(raw, graphs))
    for g, s, p, o, illtyped in bad:  # as check_quads fixes them: plain string, or control characters gone
        text = CONTROL.sub("", o.value)
        fixed = (ox.Literal(text) if illtyped else ox.Literal(text, language=o.language) if o.language
                 else ox.Literal(text, datatype=o.datatype))
        raw.remove(ox.Quad(s, p, o, g))
        raw.add(ox.Quad(s, p, fixed, g))
    if bad:
        warnings.warn(f"{file}: kept {len(bad)} ill-typed literal(s) as plain strings or stripped their "
                      f"control characters ({option('lenient', True)})", KxWarning, stacklevel=2)
    return len(bad)


def _refusal(literal: Any, illtyped: bool, file: Path | str, *, more: int = 0) -> InputError:
    line = _line_of(Path(file), literal.value)
    if illtyped:
        name = literal.datatype.value.removeprefix(XSD)
        problem = (f"ill-typed literal '{visible(_short(literal.value))}': not a valid xsd:{name}"
                   if literal.datatype.value.startswith(XSD) else f"ill-typed literal {literal}")
    else:
        problem = f"control character in '{visible(_short(literal.value))}'"
    also = f" (and {more}+ more)" if more else ""
    return InputError(f"{problem}{also}; fix the data, or give {option('lenient', True)} to keep such values as "
                      "plain strings without control characters", file=str(file), line=line)


_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_DOUBLE = re.compile(r"[+-]?((\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|INF)|NaN")
_ZONE = r"(Z|[+-]\d\d:\d\d)?"
_DATE = re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)" + _ZONE)
_DATETIME = re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?" + _ZONE)
_GYEAR = re.compile(r"-?\d{4,}" + _ZONE)
_GYEARMONTH = re.compile(r"-?\d{4,}-(0[1-9]|1[0-2])" + _ZONE)


def _valid_date(year: str, month: str, day: str) -> bool:
    import calendar

    y, m, d = int(year), int(month), int(day)
    return 1 <= m <= 12 and 1 <= d <= calendar.monthrange(2000 if y <= 0 or y > 9999 else y, m)[1]


def literal_ok(value: str, datatype: str) -> bool:
    """True when ``value`` is a valid lexical form of the XML Schema ``datatype`` (others pass)."""
    name = datatype.removeprefix(XSD) if datatype.startswith(XSD) else None
    kind = CASTS.get(name or "")
    if kind is None:
        return True
    if kind == "integer":
        return bool(_INTEGER.fullmatch(value))
    if kind == "decimal":
        return bool(_DECIMAL.fullmatch(value))
    if kind in ("double", "float"):
        return bool(_DOUBLE.fullmatch(value))
    if kind == "boolean":
        return value in ("true", "false", "1", "0")
    if kind == "date":
        match = _DATE.fullmatch(value)
        return bool(match) and _valid_date(*match.groups()[:3])
    if kind == "dateTime":
        match = _DATETIME.fullmatch(value)
        return bool(match) and _valid_date(*match.groups()[:3]) and int(match[4]) <= 24 \
            and int(match[5]) < 60 and int(match[6]) < 61
    if kind == "gYear":
        return bool(_GYEAR.fullmatch(value))
    if kind == "gYearMonth":
        return bool(_GYEARMONTH.fullmatch(value))
    return True  # times and durations: left to the store


def check_quads(quads: list, file: Path | str, *, lenient: bool = False) -> list:
    """The Python twin of ``check_literals`` for parsed quads (loads to an endpoint): refuse, or fix."""
    import pyoxigraph as ox

    string, fixed, changed = XSD + "string", [], 0
    for quad in quads:
        term = quad.object
        if isinstance(term, ox.Literal):
            bad_type = term.datatype.value != string and not literal_ok(term.value, term.datatype.value)
            control = bool(CONTROL.search(term.value))
            if (bad_type or control) and not lenient:
                raise _refusal(term, bad_type, file)
            if bad_type or control:
                changed += 1
                text = CONTROL.sub("", term.value)
                term = (ox.Literal(text) if bad_type else
                        ox.Literal(text, language=term.language) if term.language else
                        ox.Literal(text, datatype=term.datatype))
                quad = ox.Quad(quad.subject, quad.predicate, term, quad.graph_name)
        fixed.append(quad)
    if changed:
        warnings.warn(f"{file}: kept {changed} ill-typed literal(s) as plain strings or stripped their "
                      f"control characters ({option('lenient', True)})", KxWarning, stacklevel=2)
    return fixed


def check_file(path: Path, format: Any, *, base_iri: str | None = None, opener: Any = None) -> set[str]:
    """Parse an RDF file without storing it: refuse syntax errors, ill-typed literals and control
    characters (as a load would); return the graphs it names (TriG, N-Quads)."""
    import pyoxigraph as ox

    graphs: set[str] = set()
    string = XSD + "string"
    with (opener(path) if opener else open(path, "rb")) as source:
        for quad in ox.parse(source, format, base_iri=base_iri):
            term = quad.object
            if isinstance(term, ox.Literal):
                datatype = term.datatype.value
                if datatype != string and not literal_ok(term.value, datatype):
                    raise _refusal(term, True, path)
                if CONTROL.search(term.value):
                    raise _refusal(term, False, path)
            if not isinstance(quad.graph_name, ox.DefaultGraph):
                graphs.add(quad.graph_name.value)
    return graphs


def _short(text: str) -> str:
    return text if len(text) <= 60 else text[:57] + "…"


def _line_of(path: Path, value: str) -> int | None:
    """The first line of ``path`` holding ``value`` as written (or N-Triples-escaped), if found."""
    if not path.is_file():
        return None
    needles = {value, value.encode("unicode_escape").decode("ascii").replace("\\x", "\\u00")}
    needles = {n.split("\n", 1)[0] for n in needles if n}
    opener = _gzip_open if path.suffix.lower() == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for number, text in enumerate(handle, 1):
                if any(n in text for n in needles):
                    return number
    except (OSError, EOFError):
        return None
    return None


def _gzip_open(path, mode, **kwargs):
    import gzip

    return gzip.open(path, mode, **kwargs)
