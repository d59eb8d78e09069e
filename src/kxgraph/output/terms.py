"""RDF terms and plain Python values: the conversions every result and renderer shares."""

from __future__ import annotations

from typing import Any

XSD = "http://www.w3.org/2001/XMLSchema#"


def term_value(term: Any) -> Any:
    """Return a plain Python value for an RDF term (numbers as numbers, IRIs and text as str)."""
    if term is None:
        return None
    cls = type(term).__name__
    if cls == "Literal":
        dt = term.datatype.value
        if dt in (XSD + "integer", XSD + "int", XSD + "long", XSD + "short", XSD + "nonNegativeInteger",
                  XSD + "positiveInteger"):
            try:
                return int(term.value)
            except ValueError:
                return term.value
        if dt in (XSD + "decimal", XSD + "double", XSD + "float"):
            try:
                number = float(term.value)
            except ValueError:
                return term.value
            return int(number) if dt == XSD + "decimal" and number.is_integer() else number
        if dt == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if cls in ("NamedNode", "BlankNode"):
        return term.value
    return term


def to_term(value: Any) -> Any:
    """Return a pyoxigraph term for a plain Python value (terms pass through)."""
    import pyoxigraph as ox

    if value is None or isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return value
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "double"))
    return ox.Literal(str(value))


__all__ = ["XSD", "term_value", "to_term"]


_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "byte", "nonNegativeInteger",
                                 "positiveInteger", "negativeInteger", "nonPositiveInteger",
                                 "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte", "gYear")}
_FLOATS = {XSD + t for t in ("decimal", "double", "float")}


def python_value(term: Any, *, iris: bool = False) -> Any:
    """The value a DataFrame cell holds for a term: the displayed CURIE for an IRI (``iris=True``:
    the IRI), ``_:id`` for a blank node, and for a literal a typed Python value (see ``Result.to_df``).

    >>> python_value(typed("2024-05-01", "date"))
    datetime.date(2024, 5, 1)
    """
    import datetime as dt

    if term is None:
        return None
    cls = type(term).__name__
    if cls == "NamedNode":
        if iris:
            return term.value
        from kxgraph.vocab import shorten
        return shorten(term.value)
    if cls == "BlankNode":
        return "_:" + term.value
    if cls != "Literal":
        return term
    datatype, text = term.datatype.value, term.value
    try:
        if datatype in _INTEGERS:
            return int(text)
        if datatype in _FLOATS:
            return float(text)
        if datatype == XSD + "boolean":
            return text.strip() in ("true", "1")
        if datatype == XSD + "date":
            return dt.date.fromisoformat(text[:10])
        if datatype == XSD + "dateTime":
            return dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # an ill-typed literal shows as written
    return text


def typed(text: str, datatype: str) -> Any:
    """A literal of an XSD datatype given by local name: ``typed("2023", "gYear")``."""
    import pyoxigraph as ox

    return ox.Literal(text, datatype=ox.NamedNode(XSD + datatype))
