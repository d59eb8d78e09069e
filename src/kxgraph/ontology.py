"""The shipped ontology's terms, read once: zh/en labels of classes and properties, and superclasses.

Messages, tables and views use these to name things in the user's language whether or not the
ontology is loaded into the store.
"""

from __future__ import annotations

import functools

from kxgraph.resources import resource_path
from kxgraph.vocab import RDFS, shorten


@functools.cache
def terms() -> tuple[dict[str, dict[str, str]], dict[str, set[str]]]:
    """Labels (``{iri: {"zh": …, "en": …}}``) and superclasses (``{iri: {iri, …}}``) of ``ontology/kx.ttl``."""
    import pyoxigraph as ox

    labels: dict[str, dict[str, str]] = {}
    parents: dict[str, set[str]] = {}
    for t in ox.parse(path=str(resource_path("ontology/kx.ttl")), format=ox.RdfFormat.TURTLE):
        if not isinstance(t.subject, ox.NamedNode):
            continue
        if t.predicate.value == RDFS + "label" and isinstance(t.object, ox.Literal):
            labels.setdefault(t.subject.value, {})[t.object.language or ""] = t.object.value
        elif t.predicate.value == RDFS + "subClassOf" and isinstance(t.object, ox.NamedNode):
            parents.setdefault(t.subject.value, set()).add(t.object.value)
    return labels, parents


def ancestors(cls: str) -> set[str]:
    """Every superclass of ``cls`` in ``ontology/kx.ttl``, however far up (not ``cls`` itself).

    >>> "http://www.w3.org/ns/org#Organization" in ancestors("https://w3id.org/kxgraph/ns#Enterprise")
    True
    """
    parents = terms()[1]
    seen: set[str] = set()
    todo = [cls]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def label(iri: str, lang: str) -> str:
    """The ontology's ``lang`` label of a term (its CURIE when it has none).

    >>> label("https://w3id.org/kxgraph/ns#Enterprise", "zh")
    '企业'
    """
    return terms()[0].get(iri, {}).get(lang) or shorten(iri)


@functools.cache
def _scheme(relative: str) -> tuple:
    import pyoxigraph as ox

    return tuple(ox.parse(path=str(resource_path(relative)), format=ox.RdfFormat.TURTLE))


def scheme_names(relative: str, cls: str, parents: dict[str, str] | None = None) -> dict[str, str]:
    """Every name (pref, alt, hidden and rdfs labels) of the ``cls`` entries of a shipped reference file.

    ``parents`` is filled with entry -> the organisation it is a unit of (a division's academy).
    """
    from kxgraph.vocab import ORG, RDF, SKOS

    triples = _scheme(relative)
    members = {t.subject.value for t in triples if t.predicate.value == RDF + "type" and t.object.value == cls}
    names: dict[str, str] = {}
    order = [SKOS + "prefLabel", RDFS + "label", SKOS + "altLabel", SKOS + "hiddenLabel"]
    for predicate in order:    # preferred names first: they are what a "did you mean" offers
        for t in triples:
            if t.subject.value in members and t.predicate.value == predicate:
                names.setdefault(t.object.value, t.subject.value)
    if parents is not None:
        parents.update({t.subject.value: t.object.value for t in triples
                        if t.subject.value in members and t.predicate.value == ORG + "unitOf"})
    return names
