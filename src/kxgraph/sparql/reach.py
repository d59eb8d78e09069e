"""Does a query or update reach the network? Decided on the parsed query, never on its look.

``SERVICE`` (in any spelling: ``SERVICE<http://…>`` with no space, ``SERVICE SILENT ?x``, inside
``FILTER EXISTS``, a subquery or an update's ``WHERE``) and ``LOAD`` make the store fetch from the
network. ``operations`` parses the text with rdflib's SPARQL 1.1 grammar and walks the parse
tree for ``ServiceGraphPattern`` and ``Load`` nodes.

Two shortcuts keep it cheap and sound:

* A keyword can only be written as letters (SPARQL expands ``\\uXXXX`` escapes before parsing,
  so those send the text to the parser too). Text with no ``service``, ``load`` or escape
  anywhere, even inside strings and IRIs, cannot reach the network, and rdflib is not loaded.
* Text rdflib cannot parse (Oxigraph accepts a little more, e.g. SPARQL 1.2 triple terms) is
  checked by a tokenizer that drops comments, strings and IRIs: any ``SERVICE`` or ``LOAD`` word
  left is refused. Only a false refusal is possible there, never a missed request.
"""

from __future__ import annotations

import re
from typing import Any

_MAYBE = re.compile(r"service|load|\\[uU]", re.IGNORECASE)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Comments, strings (long and short) and IRIs, as SPARQL's grammar delimits them.
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*')
_WORD = re.compile(r"(?<![\w?$:.-])(SERVICE|LOAD)(?![\w:-])", re.IGNORECASE)


class Parsed:
    """An update or query parsed once, shared by every check that reads it (``parse``)."""

    def __init__(self, text: str, tree: Any = None, error: Exception | None = None) -> None:
        self.text, self.tree, self.error = text, tree, error


def parse(sparql: str, *, update: bool = False, prefixes: dict[str, str] | None = None) -> Parsed:
    """Parse ``sparql`` once (``\\uXXXX`` escapes expanded, ``prefixes`` declared) with rdflib's
    SPARQL 1.1 grammar; a text it cannot parse keeps the error. ``operations`` and
    ``kxgraph.protect.update_targets`` both read the result.

    >>> parse("DROP GRAPH <http://x/a>", update=True).error is None
    True
    """
    text = _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), sparql)
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())
    try:
        return Parsed(text, tree=_parse(declared + text, update))
    except Exception as exc:  # noqa: BLE001 - rdflib raises pyparsing errors and others
        return Parsed(text, error=exc)


def operations(sparql: str, *, update: bool = False, parsed: Parsed | None = None) -> list[str]:
    """The network operations of ``sparql``: ``["SERVICE", "LOAD"]``, one per occurrence kind.

    ``parsed`` is its parse from ``parse``, when the caller has one (an update is parsed once).

    >>> operations("SELECT * WHERE { FILTER EXISTS { SERVICE<http://127.0.0.1:9/x> { ?s ?p ?o } } }")
    ['SERVICE']
    >>> operations('SELECT ?load WHERE { ?s rdfs:label "service" }')
    []
    >>> operations("LOAD<http://127.0.0.1:9/x.ttl>", update=True)
    ['LOAD']
    """
    if not _MAYBE.search(sparql):
        return []
    if parsed is None:
        parsed = parse(sparql, update=update)
    if parsed.error is not None:  # the tokenizer decides
        return sorted({w.upper() for w in _WORD.findall(_OPAQUE.sub(" ", parsed.text))})
    found: set[str] = set()
    _walk(parsed.tree, found)
    return sorted(found)


def _parse(text: str, update: bool):
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    return parseUpdate(text) if update else parseQuery(text)


def _walk(node, found: set[str]) -> None:
    name = getattr(node, "name", None)
    if name == "ServiceGraphPattern":
        found.add("SERVICE")
    elif name == "Load":
        found.add("LOAD")
    if isinstance(node, dict):
        children = node.values()
    elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
        children = node
    else:
        return
    for child in children:
        _walk(child, found)
