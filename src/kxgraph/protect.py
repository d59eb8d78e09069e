"""Protected graphs: the shipped ones and kxgraph's own, written only with ``force_shipped``.

The shipped graphs (ontology, gazetteer, the Taiyuan report, reference schemes) are reloaded by
``kx demo`` and ``kx load --ontology``; a user file or update that names them would silently
merge into, or with ``--replace`` wipe, data other commands rely on. kxgraph's internal graphs
(staging, journal, curation decisions, the records of sources) hold its own bookkeeping, written
only by the features that keep it (``kxgraph.sources``, ``kxgraph.curation``). ``load``,
``import``, ``update`` and ``drop`` refuse to write either kind unless given ``force_shipped=True``
(``--force-shipped``); staging graphs are never written from outside, even then, since recovery
deletes them.

>>> protected("https://w3id.org/kxgraph/graph/ontology")
'shipped'
>>> protected("file:///home/me/mine.ttl") is None
True
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

from kxgraph.errors import KxError, QueryError, option
from kxgraph.store.base import RECORDS, STAGING
from kxgraph.vocab import GAZETTEER_GRAPH, GRAPH, ONTOLOGY_GRAPH, TAIYUAN_GRAPH

# The ONE list of protected graphs: kind -> graph IRIs; an IRI ending in "/" covers every graph
# under it. To protect another graph (a source's record graph, say), add it here.
PROTECTED: dict[str, tuple[str, ...]] = {
    "staging": (STAGING, STAGING.rstrip("/")),
    "shipped": (ONTOLOGY_GRAPH, GAZETTEER_GRAPH, TAIYUAN_GRAPH, GRAPH + "reference", GRAPH + "reference/",
                GRAPH + "scheme/", GRAPH + "schemes", GRAPH + "schemes/"),
    "internal": (GRAPH + "journal", GRAPH + "journal/", GRAPH + "curation", GRAPH + "curation/", RECORDS),
}
ANY = "*"  # an update whose graphs are only known when it runs (GRAPH ?g)
ALL = "**"  # an update that writes every graph (DROP ALL, CLEAR NAMED …)

__all__ = ["PROTECTED", "ProtectedGraphError", "protected", "check_graphs", "update_targets", "check_update",
           "is_shipped_file", "guarded_update"]


class ProtectedGraphError(KxError):
    """A write to a shipped or internal graph without ``force_shipped``."""


def protected(graph: str) -> str | None:
    """``"shipped"``, ``"internal"`` or ``"staging"`` for a protected graph IRI (``PROTECTED``), else None."""
    for kind, graphs in PROTECTED.items():
        if any(graph == g or (g.endswith("/") and graph.startswith(g)) for g in graphs):
            return kind
    return None


def is_shipped_file(path: Path) -> bool:
    """True for the data and ontology files shipped with kxgraph (package data, ``kxgraph/data/``):
    they may fill the protected graphs."""
    from kxgraph.resources import resource_path

    try:
        root = resource_path("").resolve()
    except KxError:  # not shipped in this install
        return False
    return Path(path).resolve().is_relative_to(root)


def _curie(graph: str) -> str:
    return "kxg:" + graph[len(GRAPH):] if graph.startswith(GRAPH) else f"<{graph}>"


def check_graphs(graphs: Iterable[str], *, force_shipped: bool = False, action: str = "write") -> None:
    """Raise ``ProtectedGraphError`` when ``graphs`` name a protected graph (see the module doc)."""
    for graph in dict.fromkeys(graphs):
        kind = protected(graph)
        if kind == "staging":
            raise ProtectedGraphError(f"cannot {action} {_curie(graph)}: kxg:staging/ graphs belong to "
                                      "loads in progress and are never written from outside")
        if kind and not force_shipped:
            what = "a graph shipped with kxgraph" if kind == "shipped" else "one of kxgraph's internal graphs"
            raise ProtectedGraphError(f"refused to {action} {_curie(graph)}: it is {what}; "
                                      f"give {option('force_shipped', True)} if you mean it")


def update_targets(sparql: str, prefixes: dict[str, str] | None = None, *, parsed: Any = None) -> set[str]:
    """The graphs a SPARQL update writes, read from its parsed form; ``ANY`` stands for "any graph".

    ``parsed`` is the update's one parse (``kxgraph.sparql.reach.parse``), when the caller has it.

    >>> sorted(update_targets("DROP GRAPH <http://x/a> ; INSERT DATA { GRAPH <http://x/b> { <s:s> <p:p> 1 } }"))
    ['http://x/a', 'http://x/b']
    """
    from rdflib.plugins.sparql.algebra import translateUpdate
    from rdflib.term import URIRef

    try:
        if parsed is None:  # (this module sits below kxgraph.sparql, so it parses on its own)
            from rdflib.plugins.sparql.parser import parseUpdate

            declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())
            tree = parseUpdate(declared + sparql)
        elif parsed.error is not None:
            raise parsed.error
        else:
            tree = parsed.tree
        update = translateUpdate(tree)
    except Exception as exc:  # noqa: BLE001 - rdflib raises pyparsing and its own errors alike
        raise QueryError(f"cannot tell which graphs this update writes: {str(exc).splitlines()[0]}") from exc
    targets: set[str] = set()
    default = "default"  # the store's default graph: never protected

    def graph(term) -> str:
        return str(term) if isinstance(term, URIRef) else ANY

    for op in getattr(update, "algebra", None) or []:  # an empty update is a list, no algebra
        name = op.name
        if name in ("InsertData", "DeleteData", "DeleteWhere"):
            targets.update(graph(g) for g in op.quads)
            if op.triples:
                targets.add(default)
        elif name == "Modify":
            with_graph = op["withClause"] if "withClause" in op else None
            for key in ("delete", "insert"):
                if key not in op:
                    continue
                clause = op[key]
                targets.update(graph(g) for g in clause.quads)
                if clause.triples:
                    targets.add(graph(with_graph) if with_graph is not None else default)
        elif name in ("Drop", "Clear", "Create", "Load"):
            iri = op["graphiri"] if "graphiri" in op else None
            if isinstance(iri, URIRef):
                targets.add(str(iri))
            elif iri in ("ALL", "NAMED"):
                targets.add(ALL)
            else:
                targets.add(default)
        elif name in ("Add", "Copy", "Move"):
            source, target = op.graph
            targets.add(graph(target) if target != "DEFAULT" else default)
            if name == "Move":
                targets.add(graph(source) if source != "DEFAULT" else default)
        else:
            targets.add(ANY)
    targets.discard(default)
    return targets


def check_update(sparql: str, *, force_shipped: bool = False, prefixes: dict[str, str] | None = None,
                 parsed: Any = None) -> set[str]:
    """Refuse an update that names a protected graph; return the graphs it writes (``ANY``, ``ALL``)."""
    targets = update_targets(sparql, prefixes, parsed=parsed)
    check_graphs(sorted(targets - {ANY, ALL}), force_shipped=force_shipped, action="update")
    return targets


SNAPSHOT_MAX = 1_000_000  # protected triples kept aside while an update that may touch any graph runs


def guarded_update(store: Any, sparql: str, *, force_shipped: bool = False,
                   prefixes: dict[str, str] | None = None, parsed: Any = None) -> None:
    """Run ``sparql`` on ``store`` unless it writes a protected graph (see ``check_update``).

    An update whose graphs are only known when it runs (``DELETE WHERE { GRAPH ?g … }``) runs with
    the protected graphs set aside: it changes every other graph it matches, and the protected ones
    it changed are put back, with a warning.
    """
    targets = check_update(sparql, force_shipped=force_shipped, prefixes=prefixes, parsed=parsed)
    if force_shipped or not targets & {ANY, ALL}:
        store.update(sparql)
        return
    present = [(g, n) for g, n in [*store.graphs(), *_records(store)] if protected(g)]
    if not present:
        store.update(sparql)
        return
    if ALL in targets or sum(n for _, n in present) > SNAPSHOT_MAX:
        raise ProtectedGraphError(f"refused: this update may write any graph (GRAPH ?g, DROP ALL …), "
                                  f"{_curie(present[0][0])} among them; name the graphs it writes, "
                                  f"or give {option('force_shipped', True)}")
    # The update runs on every other graph (they are the user's: what was asked happens there);
    # the protected graphs it matched are put back, all or nothing in the embedded store, and
    # the user is told.
    changed = store.update_keeping(sparql, [g for g, _ in present])
    if changed:
        import warnings

        from kxgraph.checks import KxWarning

        warnings.warn(f"the update also matched {', '.join(_curie(g) for g in changed)}, protected, which "
                      f"was left as it was; give {option('force_shipped', True)} to change it too", KxWarning, stacklevel=2)


def _records(store: Any) -> list[tuple[str, int]]:
    """The record graphs of sources (``Store.graphs`` leaves them out: ``kx sources`` lists them)."""
    import pyoxigraph as ox

    result = store.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                         "FILTER(STRSTARTS(STR(?g), ?records)) } GROUP BY ?g",
                         substitutions={"records": ox.Literal(RECORDS)})
    return [(row[0].value, int(row[1].value)) for row in result.rows]
