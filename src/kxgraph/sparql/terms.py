"""A user's parameter text as a typed RDF term (``kx:x`` → IRI, ``太原@zh`` → literal …)."""

from __future__ import annotations

import re
from typing import Any

from kxgraph.errors import ParameterError
from kxgraph.vocab import PREFIXES, XSD, expand_curie

_LANG = re.compile(r"^(.*)@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$", re.DOTALL)


def parse_term(text: Any, type: str = "term", *, name: str = "value") -> Any:
    """Turn a parameter value into a pyoxigraph term of the given type.

    >>> parse_term("kx:Academician", "iri").value
    'https://w3id.org/kxgraph/ns#Academician'
    >>> parse_term("太原@zh", "string").language
    'zh'
    """
    import pyoxigraph as ox

    if not isinstance(text, str):
        from kxgraph.output.results import to_term
        return to_term(text)

    def bad(why: str) -> ParameterError:
        return ParameterError(f"parameter {name}: {text!r} is not {why}")

    def typed(value: str, datatype: str, pattern: str, why: str):
        if not re.fullmatch(pattern, value.strip()):
            raise bad(why)
        return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + datatype))

    if type == "iri":
        iri = text[1:-1] if text.startswith("<") and text.endswith(">") else expand_curie(text) or text
        if not re.fullmatch(r"(?:https?://|file://|urn:|tag:|mailto:)[^\s<>\"{}|^`\\]+", iri):
            raise bad(f"an IRI or a CURIE with a known prefix ({', '.join(PREFIXES)})")
        return ox.NamedNode(iri)
    if type == "string":
        match = _LANG.match(text)
        return ox.Literal(match.group(1), language=match.group(2).lower()) if match else ox.Literal(text)
    if type == "integer":
        return typed(text, "integer", r"[+-]?\d+", "an integer")
    if type == "decimal":
        return typed(text, "decimal", r"[+-]?(\d+(\.\d*)?|\.\d+)", "a decimal number")
    if type == "year":
        return typed(text, "gYear", r"\d{4}", "a year (YYYY)")
    if type == "term":
        return _any_term(text, bad)
    raise ParameterError(f"parameter {name}: unknown type {type!r}")


def _any_term(text: str, bad) -> Any:
    import pyoxigraph as ox

    value = text.strip()
    if value.startswith("<") or expand_curie(value):
        return parse_term(value, "iri")
    if re.fullmatch(r"[+-]?\d+", value):
        return parse_term(value, "integer")
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return parse_term(value, "decimal")
    quoted = re.fullmatch(r'"(.*)"(?:@([\w-]+)|\^\^(\S+))?', value, re.DOTALL)
    if quoted:
        lexical, lang, datatype = quoted.groups()
        if lang:
            return ox.Literal(lexical, language=lang.lower())
        if datatype:
            return ox.Literal(lexical, datatype=parse_term(datatype, "iri", name="datatype"))
        return ox.Literal(lexical)
    if value.startswith('"'):
        raise bad('a term (write strings as "text", "text"@zh or "5"^^xsd:integer)')
    return parse_term(value, "string")
