"""SPARQL syntax errors in one line: where, the offending token, and a hint.

pyoxigraph reports what its grammar expected at the failing position, sometimes as a wall of
Unicode ranges; an unknown prefix even surfaces as "expected OPTIONAL". ``explain`` turns that
into one line a reader can act on.

>>> explain("SELECT * WHERE { kxidd:a ?p ?o }", "error at 1:26: expected OPTIONAL")[:46]
'unknown prefix kxidd: at line 1, column 18 (kn'
>>> print(explain("SELECT * WHERE { kxid:org/x ?p ?o }", "error at 1:26: expected one of ..."))
SPARQL syntax error at line 1, column 18 near "kxid:org/x": a CURIE's local part cannot hold "/"; write kxorg:x (or <https://w3id.org/kxgraph/id/org/x>)
"""

from __future__ import annotations

import difflib
import re

from kxgraph.vocab import expand_curie, prefixes_for, shorten

KEYWORDS = ("SELECT", "WHERE", "FILTER", "OPTIONAL", "UNION", "GRAPH", "PREFIX", "DISTINCT", "ORDER",
            "GROUP", "BY", "LIMIT", "OFFSET", "HAVING", "VALUES", "BIND", "AS", "ASK", "CONSTRUCT",
            "DESCRIBE", "MINUS", "SERVICE", "COUNT", "SUM", "AVG", "MIN", "MAX", "SAMPLE",
            "GROUP_CONCAT", "REDUCED", "FROM", "NAMED", "NOT", "EXISTS", "IN", "LANG", "STR", "REGEX",
            "CONTAINS", "DESC", "ASC", "INSERT", "DELETE", "DATA", "STRSTARTS", "STRENDS", "LCASE",
            "UCASE", "STRLEN", "ISIRI", "ISLITERAL", "ISBLANK", "ISNUMERIC", "BOUND", "IF", "COALESCE",
            "DATATYPE", "YEAR", "MONTH", "DAY", "NOW", "ABS", "ROUND", "CEIL", "FLOOR", "CONCAT",
            "SUBSTR", "LANGMATCHES", "SEPARATOR", "SILENT", "UNDEF", "BASE", "LOAD", "CLEAR", "DROP",
            "CREATE", "WITH", "USING", "DEFAULT", "ALL", "INTO", "TO", "ADD", "MOVE", "COPY", "IRI",
            "URI", "BNODE", "STRLANG", "STRDT", "SAMETERM", "REPLACE", "STRBEFORE", "STRAFTER",
            "LATERAL", "TRUE", "FALSE", "A")
# Strings, IRIs and comments hold no prefixed names: blanked (same length) before scanning.
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_PNAME = re.compile(r"(?<![\w?$:.\\/-])([A-Za-z][\w.-]*(?<!\.))?:((?:[\w.:%-]|\\.)*)")
_DECLARED = re.compile(r"PREFIX\s+([\w.-]*):", re.IGNORECASE)
_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def _blank(sparql: str) -> str:
    return _OPAQUE.sub(lambda m: " " * len(m.group(0)), sparql)


def _position(sparql: str, offset: int) -> tuple[int, int]:
    line = sparql.count("\n", 0, offset) + 1
    return line, offset - (sparql.rfind("\n", 0, offset) + 1) + 1


def _offset(sparql: str, line: int, column: int) -> int:
    lines = sparql.split("\n")
    return sum(len(x) + 1 for x in lines[:line - 1]) + column - 1


def unknown_prefix(sparql: str) -> str | None:
    """A one-line message for the first prefix the query uses but nobody declared, else None."""
    text = _blank(sparql)
    known = set(prefixes_for(sparql)) | {p for p in _DECLARED.findall(text)}
    for match in _PNAME.finditer(text):
        prefix = match.group(1) or ""
        if prefix in known or not prefix or prefix.upper() == "PREFIX":
            continue
        line, column = _position(sparql, match.start())
        near = difflib.get_close_matches(prefix, sorted(known), n=1)
        hint = f"; did you mean {near[0]}:?" if near else ""
        names = ", ".join(p for p in prefixes_for("") if not p.startswith("syn-"))
        return (f"unknown prefix {prefix}: at line {line}, column {column} "
                f"(known: {names}, syn-<graph>){hint}")
    return None


def _expected(detail: str) -> str:
    """The grammar's expectations, without its character-class ranges."""
    detail = re.sub(r"\[[^\]]*\]", "", detail.replace("\n", " "))
    tokens = re.findall(r'"([^"]+)"|\b([A-Z][A-Z_]+)\b', detail)
    words = list(dict.fromkeys(a or b for a, b in tokens))
    if not words:
        return detail.strip()
    shown = ", ".join(f'"{w}"' if not w.isalpha() else w for w in words[:8])
    return f"expected {'one of ' if len(words) > 1 else ''}{shown}{', …' if len(words) > 8 else ''}"


def explain(sparql: str, message: str) -> str:
    """One line for a SPARQL parse error ``message`` (pyoxigraph's text) about ``sparql``."""
    unknown = unknown_prefix(sparql)
    if unknown:
        return unknown
    match = _AT.match(message.strip())
    if not match:
        return f"SPARQL syntax error: {' '.join(message.split())}"
    line, column, detail = int(match[1]), int(match[2]), match[3]
    offset, hint = _guess(sparql, _offset(sparql, line, column))
    if offset is None:
        offset = _offset(sparql, line, column)
        hint = _unclosed(sparql) if not sparql[offset:].strip() else ""
    else:
        line, column = _position(sparql, offset)
    token = re.match(r"\s*([^\s{}()]+|\S)", sparql[offset:])
    where = f"at line {line}, column {column} " + (f'near "{token.group(1)[:30]}"' if token else "at the end")
    return f"SPARQL syntax error {where}: {hint or _expected(detail)}"


_WORD = re.compile(r"(?<![\w?$:.@\\-])([A-Za-z_]\w*)(?![\w:.-])")
# kxid:org/taiyuan-cast, but not the property path kx:a/kx:b
_SLASHED = re.compile(r"(?<![\w?$:.\\/-])([A-Za-z][\w.-]*)?:(?:[\w.%-]|\\.)*/(?![\w.-]*:)[\w.-][^\s{}();,]*")


def _guess(sparql: str, at: int) -> tuple[int | None, str]:
    """Where the query probably went wrong and why: a CURIE holding "/" (before where the parser
    stopped, ``at``), or a misspelt keyword."""
    text = _blank(sparql)
    slashed = ([m for m in _SLASHED.finditer(text) if m.start() <= at] or [None])[-1]
    if slashed:
        curie = sparql[slashed.start():slashed.end()]
        iri = expand_curie(curie)
        fix = f"write {shorten(iri)} (or <{iri}>)" if iri else "escape it (\\/) or write the full <IRI>"
        return slashed.start(), f"a CURIE's local part cannot hold \"/\"; {fix}"
    for word in _WORD.finditer(text):
        upper = word.group(1).upper()
        if upper in KEYWORDS:
            continue
        guess = difflib.get_close_matches(upper, KEYWORDS, n=1, cutoff=0.75)
        if guess:
            return word.start(), f"did you mean {guess[0]}?"
    return None, ""


def _unclosed(sparql: str) -> str:
    text = _blank(sparql)
    opened = text.count("{") - text.count("}")
    if opened > 0:
        return f"the query ends early: {opened} unclosed {{"
    return "the query ends early; is a triple pattern missing its object?"
