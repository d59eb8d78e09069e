"""``kx diff``: what re-importing a source would add, change and remove, in the user's terms.

The files are planned as ``kx import`` (or parsed as ``kx load``) would, nothing is written, and
their triples are compared with what the source's current version holds. Bookkeeping (which
row a fact came from, the file and sheet resources) is left out, so a row that only moved is
no change. Each change is a row: change, kind, entity, fact, before, after, in labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from kxgraph.errors import ValidationError
from kxgraph.output.results import Result
from kxgraph.vocab import DCTERMS, ORG, RDF, RDFS, SCHEMA, shorten

TABLE_SUFFIXES = {".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls"}
BOOKKEEPING = {DCTERMS + "source", DCTERMS + "isPartOf", SCHEMA + "position"}
COLUMNS = ["change", "kind", "entity", "fact", "before", "after"]
ORDER = {"entity added": 0, "entity removed": 1, "changed": 2, "fact added": 3, "fact removed": 4}


def diff(store: Any, files: Iterable[str | Path], *, source: str | None = None, mapping: Any = None,
         encoding: str | None = None, sheet: str | None = None, format: str | None = None) -> Result:  # noqa: A002
    """Compare ``files`` with the source(s) they would replace; return the changes as a table."""
    from kxgraph import sources

    files = [str(f) for f in files]
    old_graphs = sources.replaced_graphs(store, files, source)
    if all(Path(f).suffix.lower() in TABLE_SUFFIXES for f in files):
        new = _planned(store, files, old_graphs, mapping=mapping, encoding=encoding, sheet=sheet)
    else:
        new = _parsed(files, format)
    old = _held(store, old_graphs)
    return _compare(store, old, new)


def _planned(store: Any, files: list[str], replaces: list[str], **options: Any) -> set[tuple]:
    import pyoxigraph as ox

    from kxgraph.tables.importer import plan_import

    plan = plan_import(files, store=store, replaces=replaces, **options)
    problems = plan.all_problems()
    if problems:
        first = problems[0]
        raise ValidationError(f"{len(problems)} problem(s) in the files; first: {first.where()}: "
                              f"{first.problem} (run `kx validate` for the full list)", problems)
    text = "".join(plan.ntriples(f) for f in files)
    return {(q.subject, q.predicate, q.object) for q in ox.parse(text.encode("utf-8"), ox.RdfFormat.N_TRIPLES)}


def _parsed(files: list[str], format: str | None) -> set[tuple]:
    import pyoxigraph as ox

    from kxgraph.load import plan
    from kxgraph.store.rdfio import open_rdf, syntax_error

    found = set()
    for item in plan(files, format=format):
        try:
            with open_rdf(item.path) as handle:
                found.update((q.subject, q.predicate, q.object)
                             for q in ox.parse(handle, item.format, base_iri=item.path.resolve().as_uri()))
        except SyntaxError as exc:
            raise syntax_error(exc, str(item.path)) from exc
    return found


def _held(store: Any, graphs: list[str]) -> set[tuple]:
    import pyoxigraph as ox

    from kxgraph.sparql.catalogue import query

    found = set()
    for graph in graphs:
        found.update(tuple(row) for row in query(store, "sources/triples", {"graph": ox.NamedNode(graph)}).rows)
    return found


def _kept(triples: set[tuple]) -> dict[Any, dict[str, set]]:
    """Facts by subject, without bookkeeping (row, sheet and file resources, where a fact came from)."""
    import pyoxigraph as ox

    by_subject: dict[Any, dict[str, set]] = {}
    for s, p, o in triples:
        if p.value in BOOKKEEPING or not isinstance(s, ox.NamedNode) or s.value.startswith("file:"):
            continue
        by_subject.setdefault(s, {}).setdefault(p.value, set()).add(o)
    return by_subject


def _compare(store: Any, old_triples: set[tuple], new_triples: set[tuple]) -> Result:
    import pyoxigraph as ox

    old, new = _kept(old_triples), _kept(new_triples)
    names = _Names(store, old_triples | new_triples)
    rows = []
    for s in dict.fromkeys([*new, *old]):
        before, after = old.get(s, {}), new.get(s, {})
        kind, entity = names.kind(s, before or after), names.entity(s, before or after)
        if not before or not after:
            if RDF + "type" in (before or after):   # a whole entity (or membership) comes or goes
                rows.append(("entity added" if after else "entity removed", kind, entity, "", "", ""))
                continue
        for p in sorted(set(before) | set(after)):
            was, now = before.get(p, set()), after.get(p, set())
            if was == now:
                continue
            fact = names.term(ox.NamedNode(p))
            shown = lambda values: "、".join(sorted(names.term(v) for v in values))  # noqa: E731
            if was and now:
                rows.append(("changed", kind, entity, fact, shown(was - now), shown(now - was)))
            elif now:
                rows.append(("fact added", kind, entity, fact, "", shown(now)))
            else:
                rows.append(("fact removed", kind, entity, fact, shown(was), ""))
    rows.sort(key=lambda r: (ORDER[r[0]], r[1], r[2], r[3]))
    return Result.table(COLUMNS, rows)


class _Names:
    """Labels of entities and terms: from the compared triples, then the store, then the ontology."""

    def __init__(self, store: Any, triples: set[tuple]) -> None:
        self.store = store
        self.labels: dict[str, str] = {}
        self.facts: dict[str, dict[str, set]] = {}
        for s, p, o in triples:
            if p.value == RDFS + "label" and (s.value not in self.labels or getattr(o, "language", None) == "zh"):
                self.labels[s.value] = o.value
            self.facts.setdefault(s.value, {}).setdefault(p.value, set()).add(o)

    def term(self, node: Any) -> str:
        import pyoxigraph as ox

        if isinstance(node, ox.Literal):
            return node.value
        if node.value in self.labels:
            return self.labels[node.value]
        from kxgraph.ontology import terms

        zh = terms()[0].get(node.value, {}).get("zh")
        if zh:
            self.labels[node.value] = zh
            return zh
        from kxgraph.sparql.catalogue import query

        labels = [label for label, _ in query(self.store, "sources/labels", {"entity": node}).rows
                  if label is not None]
        labels.sort(key=lambda label: label.language != "zh")
        self.labels[node.value] = labels[0].value if labels else shorten(node.value)
        return self.labels[node.value]

    def kind(self, s: Any, facts: dict[str, set]) -> str:
        types = sorted(facts.get(RDF + "type", set()) or self.facts.get(s.value, {}).get(RDF + "type", set()),
                       key=lambda t: t.value)
        return "、".join(self.term(t) for t in types)

    def entity(self, s: Any, facts: dict[str, set]) -> str:
        """An entity by its label; a membership as its person, role and organisation."""
        mine = self.facts.get(s.value, {})
        if ORG + "member" in mine or ORG + "member" in facts:
            get = lambda p: "、".join(sorted(self.term(o) for o in (facts.get(p) or mine.get(p, set()))))  # noqa: E731
            return f"{get(ORG + 'member')} — {get(ORG + 'role')} — {get(ORG + 'organization')}"
        return self.term(s)


__all__ = ["diff"]
