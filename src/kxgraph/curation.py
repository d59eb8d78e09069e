"""Curation decisions: ``kx same``, ``kx distinct``, ``kx rename``, kept as data in ``kxg:curation``.

A decision is a ``kx:Decision`` with who made it (``prov:wasAttributedTo``) and when
(``prov:generatedAtTime``). They are never part of a source, so they survive re-imports, and
every later import applies them (``Decisions.apply``).

Merging rewrites: ``same(A, B)`` makes A the one entity. Every fact that named B, in every
graph, now names A (A keeps B's labels, so it answers to every former name), and the decision
records B as merged into A, so the old IRI still resolves (``explore.resolve``) and every later
import writes A where its rows name B. Counts, views and paths therefore see one entity.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from kxgraph.errors import ParameterError
from kxgraph.vocab import GRAPH, KX, PROV, RDF, RDFS, SKOS, XSD

CURATION = GRAPH + "curation"
_IRI = re.compile(r"<([^>]*)>")


def _query(store: Any, name: str, values: dict | None = None):
    """Run the shipped query ``<name>`` (``identity/…``, ``sources/…``; ``kxgraph.sparql.catalogue``)."""
    from kxgraph.sparql.catalogue import query

    return query(store, name, values)


def who() -> str:
    """Who is deciding: ``$KXGRAPH_USER``, else the login name."""
    try:
        return os.environ.get("KXGRAPH_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


@dataclass
class Decisions:
    """The decisions in a store: merged IRI -> canonical, pairs decided distinct, renames."""

    canonical: dict[str, str] = field(default_factory=dict)
    distinct: set[frozenset] = field(default_factory=set)
    renamed: dict[str, str] = field(default_factory=dict)
    rows: list[tuple] = field(default_factory=list)

    def of(self, iri: str) -> str:
        """The IRI ``iri`` is now known by (itself unless merged)."""
        seen = set()
        while iri in self.canonical and iri not in seen:
            seen.add(iri)
            iri = self.canonical[iri]
        return iri

    def is_distinct(self, a: str, b: str) -> bool:
        return frozenset((self.of(a), self.of(b))) in {frozenset(map(self.of, p)) for p in self.distinct}

    def apply(self, lines: Iterable[str]) -> list[str]:
        """N-Triples lines with every merged IRI replaced by its canonical one, renames applied."""
        out = []
        label = f"<{RDFS}label>"
        for line in lines:
            if self.canonical:
                merged = line.startswith("<") and line[1:line.find(">")] in self.canonical
                line = _IRI.sub(lambda m: f"<{self.of(m[1])}>" if m[1] in self.canonical else m[0], line)
                if merged and f"> {label} " in line:    # a merged entity's name: an alternative one now
                    line = line.replace(f"> {label} ", f"> <{SKOS}altLabel> ", 1)
            if self.renamed and line.startswith("<") and f"<{RDFS}label>" in line and '"@zh' in line:
                subject = line[1:line.index(">")]
                if subject in self.renamed:
                    old = line.split(f"<{RDFS}label> ", 1)[1]
                    line = line.replace(f"<{RDFS}label>", f"<{SKOS}altLabel>")
                    new = f'"{_escape(self.renamed[subject])}"@zh'
                    if old.rstrip(" .\n") != new:
                        out.append(f"<{subject}> <{RDFS}label> {new} .\n")
            out.append(line)
        return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


def decisions(store: Any) -> Decisions:
    """Read the decisions of ``store``."""
    found = Decisions()
    for decision, kind, a, b, label, by, when in _query(store, "identity/canonical").rows:
        found.rows.append((kind.value, a.value if a else "", b.value if b else "", label.value if label else "",
                           by.value, when.value))
        if kind.value == "same" and a is not None and b is not None:
            found.canonical[b.value] = a.value
        elif kind.value == "distinct" and a is not None and b is not None:
            found.distinct.add(frozenset((a.value, b.value)))
        elif kind.value == "rename" and a is not None and label is not None:
            found.renamed[a.value] = label.value
    return found


def decision_ntriples(kind: str, a: str, b: str | None = None, *, label: str | None = None,
                      by: str | None = None, when: datetime | None = None) -> str:
    """One decision as N-Triples, for the curation graph."""
    import pyoxigraph as ox

    when = when or datetime.now(timezone.utc)
    digest = hashlib.sha1(f"{kind}|{a}|{b}|{label}|{when.isoformat()}".encode()).hexdigest()[:12]
    node = ox.NamedNode(f"{CURATION}/decision-{digest}")
    n = ox.NamedNode
    triples = [(node, n(RDF + "type"), n(KX + "Decision")), (node, n(KX + "decision"), ox.Literal(kind)),
               (node, n(PROV + "wasAttributedTo"), ox.Literal(by or who())),
               (node, n(PROV + "generatedAtTime"), ox.Literal(when.isoformat(timespec="seconds"),
                                                                datatype=n(XSD + "dateTime"))),
               (node, n(KX + "canonical"), n(a))]
    if b is not None:
        triples.append((node, n(KX + "merged"), n(b)))
    if label is not None:
        triples.append((node, n(KX + "label"), ox.Literal(label)))
    return "".join(f"{s} {p} {o} .\n" for s, p, o in triples)


def record(store: Any, decided: Iterable[tuple[str, str, str, str]], *, by: str | None = None) -> None:
    """Add decisions ``(kind, kept, other, other's name)`` made during an import to the curation graph."""
    body = "".join(decision_ntriples(kind, kept, other, label=name, by=by) for kind, kept, other, name in decided)
    if body:
        store.update(f"INSERT DATA {{ GRAPH <{CURATION}> {{ {body} }} }}")


def listing(store: Any) -> Any:
    """The decisions as a table: decision, entity, name, other, other_name, label, by, when."""
    from kxgraph.output.results import Result

    import pyoxigraph as ox

    def name(iri: str) -> str:
        if not iri:
            return ""
        rows = [r[0] for r in _query(store, "sources/labels", {"entity": ox.NamedNode(iri)}).rows if r[0] is not None]
        rows.sort(key=lambda l: l.language != "zh")
        return rows[0].value if rows else ""

    return Result.table(["decision", "entity", "name", "other", "other_name", "label", "by", "when"],
                        [(kind, a, name(a), b, name(b) or (label if kind != "rename" else ""), label, by, when)
                         for kind, a, b, label, by, when in decisions(store).rows])


def _types(store: Any, node: Any) -> set[str]:
    return {row[0].value for row in _query(store, "identity/types", {"entity": node}).rows}


def compatible(a: set[str], b: set[str]) -> bool:
    """Whether entities of these classes may be one thing (a shared class, or one a subclass of the other)."""
    from kxgraph.ontology import ancestors

    up_a = set().union(*({c} | ancestors(c) for c in a))
    up_b = set().union(*({c} | ancestors(c) for c in b))
    return bool(a & up_b or b & up_a) or not a or not b


def same(store: Any, a: Any, b: Any, *, by: str | None = None) -> tuple[str, str]:
    """Decide that ``a`` and ``b`` (nodes) are one entity; ``a`` stays. Returns (kept, merged).

    It supersedes an earlier ``distinct`` of the pair (an import's ``--on-duplicate keep``).
    """
    import pyoxigraph as ox

    known = decisions(store)
    kept, merged = known.of(a.value), known.of(b.value)
    if kept == merged:
        raise ParameterError(f"{b.value} is already merged into {kept}: nothing to decide (a merge back "
                             "would make a cycle)")
    ta, tb = _types(store, ox.NamedNode(kept)), _types(store, ox.NamedNode(merged))
    if not compatible(ta, tb):
        from kxgraph.tables.validate import class_label

        raise ParameterError(f"cannot merge {'、'.join(sorted(map(class_label, ta)))} with "
                             f"{'、'.join(sorted(map(class_label, tb)))}: they are different kinds of thing")
    quads = _query(store, "identity/mentions", {"entity": ox.NamedNode(merged)}).rows
    node = ox.NamedNode(kept)
    swap = lambda t: node if t == ox.NamedNode(merged) else t  # noqa: E731
    old = [ox.Quad(s, p, o, g) for g, s, p, o in quads]
    alt = ox.NamedNode(SKOS + "altLabel")
    # B's facts become A's; B's names become A's alternative names (A keeps one label per language)
    new = [ox.Quad(swap(s), alt if p.value == RDFS + "label" and s.value == merged else p, swap(o), g)
           for g, s, p, o in quads]
    ops = []
    if old:
        ops.append("DELETE DATA { " + " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}"
                                               for q in old) + " }")
        ops.append("INSERT DATA { " + " ".join(f"GRAPH {q.graph_name} {{ {q.subject} {q.predicate} {q.object} }}"
                                               for q in new) + " }")
    ops.append(f"INSERT DATA {{ GRAPH <{CURATION}> {{ {decision_ntriples('same', kept, merged, by=by)} }} }}")
    store.update(" ;\n".join(ops))
    return kept, merged


def distinct(store: Any, a: Any, b: Any, *, by: str | None = None) -> None:
    """Decide that ``a`` and ``b`` are two entities, so imports stop asking."""
    known = decisions(store)
    if known.of(a.value) == known.of(b.value):
        raise ParameterError(f"{b.value} was merged into {known.of(a.value)}; they are one entity now")
    store.update(f"INSERT DATA {{ GRAPH <{CURATION}> {{ {decision_ntriples('distinct', a.value, b.value, by=by)} }} }}")


def rename(store: Any, a: Any, name: str, *, by: str | None = None) -> None:
    """Give ``a`` the zh label ``name`` (its old labels stay as alternative labels), now and after re-imports."""
    import pyoxigraph as ox

    name = name.strip()
    if not name:
        raise ParameterError("give the new name")
    labels = [row for row in _query(store, "identity/mentions", {"entity": a}).rows
              if row[2].value == RDFS + "label" and row[1] == a and getattr(row[3], "language", None) == "zh"]
    ops = []
    if labels:
        ops.append("DELETE DATA { " + " ".join(f"GRAPH {g} {{ {s} {p} {o} }}" for g, s, p, o in labels) + " }")
        ops.append("INSERT DATA { " + " ".join(f"GRAPH {g} {{ {s} <{SKOS}altLabel> {o} }}" for g, s, p, o in labels)
                   + " }")
    label = ox.Literal(name, language="zh")
    ops.append(f"INSERT DATA {{ GRAPH <{CURATION}> {{ {a} <{RDFS}label> {label} . "
               f"{decision_ntriples('rename', a.value, label=name, by=by)} }} }}")
    store.update(" ;\n".join(ops))


__all__ = ["CURATION", "Decisions", "decisions", "record", "listing", "same", "distinct", "rename", "decision_ntriples", "compatible"]
