"""Network analysis over a projection: centralities, communities, brokers, explained paths, export.

Every function takes the networkx graph ``kxgraph.network.project.project`` returns and gives back a
``Result`` table (rendered like ``kx query`` output) or writes a file.

>>> import networkx as nx
>>> G = nx.Graph([("a", "b"), ("b", "c")])
>>> centrality(G, top=1).records()[0]["entity"]
'b'
"""

from __future__ import annotations

import heapq
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from kxgraph.errors import AnalysisError, NotFoundError, ParameterError, option
from kxgraph.network import engine
from kxgraph.output.files import atomic_write
from kxgraph.output.formats import NETWORK_FORMATS, check_format, format_for
from kxgraph.output.results import Result
from kxgraph.vocab import shorten

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

    from kxgraph.protocols import GraphLike as KxGraph  # its shape; features never import the facade

MEASURES = ("degree", "betweenness", "eigenvector")
EXPORT_FORMATS = NETWORK_FORMATS


def _node(iri: str):
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri)
    except ValueError:
        return iri


def describe_later(G: "nx.Graph", nodes) -> None:
    from kxgraph.network.describe import describe_later as later

    later(G, nodes)


def _label(G: "nx.Graph", n: str, lang: str = "zh") -> str:
    from kxgraph.network.describe import node_label

    describe_later(G, [n])  # a network projected with types only: this node's labels now
    return node_label(G.nodes[n], n, lang)


def scores(G: "nx.Graph", measure: str, *, seed: int = 1) -> dict[str, float]:
    """Centrality of every node: ``degree``, ``betweenness`` (sampled on large graphs) or ``eigenvector``."""
    import networkx as nx

    if G.number_of_nodes() == 0:
        return {}
    if measure == "degree":
        return nx.degree_centrality(G)
    if measure == "betweenness":
        return engine.betweenness(G, seed=seed)[0]
    if measure == "eigenvector":
        fast = engine.eigenvector(G)
        return fast if fast is not None else _eigenvector(G)
    raise ParameterError(f"unknown measure {measure!r}; choose from {', '.join(MEASURES)}")


def _eigenvector(G: "nx.Graph", *, max_iter: int = 1000, tol: float = 1e-6) -> dict[str, float]:
    """networkx's power iteration on (A + I), as sparse matrix products when scipy is present
    (well under a second at 20,000 nodes where the pure-Python loop takes half a minute)."""
    import networkx as nx

    try:
        import numpy as np
        import scipy.sparse  # noqa: F401  (needed by to_scipy_sparse_array)
    except ImportError:
        try:
            return nx.eigenvector_centrality(G, max_iter=max_iter, tol=tol, weight="weight")
        except nx.PowerIterationFailedConvergence as exc:
            raise AnalysisError("eigenvector centrality did not converge on this network") from exc
    nodes = list(G)
    A = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", format="csr")
    x = np.full(len(nodes), 1.0 / len(nodes))
    for _ in range(max_iter):
        last = x
        x = A @ x + x
        x = x / (np.linalg.norm(x) or 1.0)
        if np.abs(x - last).sum() < len(nodes) * tol:
            return dict(zip(nodes, x.tolist()))
    raise AnalysisError("eigenvector centrality did not converge on this network")


def community_of(G: "nx.Graph", *, seed: int = 1) -> dict[str, int]:
    """Louvain communities (seeded, so repeatable), numbered from 1 by decreasing size."""
    import networkx as nx

    if G.number_of_nodes() == 0:
        return {}
    found = engine.louvain(G, seed=seed)
    if found is None:
        found = nx.community.louvain_communities(G, weight="weight", seed=seed)
    found = sorted(found, key=lambda c: (-len(c), min(c)))
    return {n: i for i, members in enumerate(found, 1) for n in members}


@dataclass
class Analysis(Result):
    """An analysis table with ``notes`` on how it was computed (a sampled measure says so)."""

    notes: list[str] = field(default_factory=list)


def centrality(G: "nx.Graph", *, top: int = 10, sort_by: str = "degree", seed: int = 1,
               lang: str = "zh", progress: Callable[[str], None] | None = None) -> Result:
    """Top ``top`` nodes of each type by ``sort_by``, with degree, betweenness, eigenvector and community.

    When betweenness is sampled (large networks) the table has a ``betweenness_error`` column
    (each estimate's standard error) and its ``notes`` give the sample size.
    """
    if sort_by not in MEASURES:
        raise ParameterError(f"unknown measure {sort_by!r}; choose from {', '.join(MEASURES)}")
    step = progress or (lambda stage: None)
    table = {}
    for measure in MEASURES:
        step(measure)
        if measure == "betweenness":
            table[measure], sampling = engine.betweenness(G, seed=seed)
        else:
            table[measure] = scores(G, measure, seed=seed)
    step("communities")
    community = community_of(G, seed=seed)
    by_type: dict[str, list[str]] = defaultdict(list)
    for n, t in G.nodes(data="type"):
        by_type[t or ""].append(n)
    rows = []
    ranked_by_type = {t: heapq.nsmallest(top, by_type[t], key=lambda n: (-table[sort_by][n], n)) for t in sorted(by_type)}
    describe_later(G, [n for ranked in ranked_by_type.values() for n in ranked])  # the shown nodes' labels
    for t, ranked in ranked_by_type.items():
        for rank, n in enumerate(ranked, 1):
            error = (round(sampling.error[n], 6),) if sampling else ()
            rows.append((t, rank, _node(n), _label(G, n, lang), G.degree(n),
                         round(table["degree"][n], 6), round(table["betweenness"][n], 6), *error,
                         round(table["eigenvector"][n], 6), community.get(n)))
    columns = ["type", "rank", "entity", "label", "links", "degree", "betweenness",
               *(["betweenness_error"] if sampling else []), "eigenvector", "community"]
    table_ = Result.table(columns, rows)
    return Analysis("select", table_.variables, table_.rows, notes=[sampling.note()] if sampling else [])


def communities(G: "nx.Graph", *, seed: int = 1, top: int | None = None, members: int = 5,
                lang: str = "zh") -> Result:
    """One row per Louvain community, largest first (the ``top`` largest when given): size, its
    types (named in ``lang``), and its ``members`` best-connected members."""
    from kxgraph.network.describe import type_label

    community = community_of(G, seed=seed)
    grouped: dict[int, list[str]] = defaultdict(list)
    for n, c in community.items():
        grouped[c].append(n)
    rows = []
    shown = sorted(grouped)[:top]
    describe_later(G, [n for c in shown for n in sorted(grouped[c], key=lambda n: (-G.degree(n), n))[:members]])
    for c in shown:
        nodes = grouped[c]
        types = Counter(G.nodes[n].get("type") or "" for n in nodes)
        leaders = sorted(nodes, key=lambda n: (-G.degree(n), n))[:members]
        named = [f"{type_label(t, lang) or ('未分类' if lang == 'zh' else 'untyped')} {k}" for t, k in sorted(types.items(), key=lambda item: (-item[1], item[0]))]
        rows.append((c, len(nodes), ", ".join(named),
                     ("、" if lang == "zh" else "; ").join(_label(G, n, lang) for n in leaders)))
    return Result.table(["community", "size", "types", "members"], rows)


def brokers(G: "nx.Graph", *, top: int = 10, seed: int = 1, lang: str = "zh") -> Result:
    """Nodes linking communities: how many other communities they reach and with how many links."""
    community = community_of(G, seed=seed)
    rows = []
    for n in G.nodes:
        own = community[n]
        outside = [community[m] for m in G.neighbors(n) if community[m] != own]
        if outside:
            rows.append((len(set(outside)), len(outside), n))
    rows.sort(key=lambda r: (-r[0], -r[1], -G.degree(r[2]), r[2]))
    describe_later(G, [n for _, _, n in rows[:top]])
    return Result.table(
        ["entity", "label", "type", "community", "communities_reached", "cross_links"],
        [(_node(n), _label(G, n, lang), G.nodes[n].get("type", ""), community[n], reached, cross)
         for reached, cross, n in rows[:top]])


KINDS = ("centrality", "communities", "brokers")


def analyze(G: "nx.Graph", *, kind: str = "centrality", measure: str = "degree", top: int = 10,
            seed: int = 1, lang: str = "zh", progress: Callable[[str], None] | None = None) -> Result:
    """One analysis as a table: ``centrality`` (the ``top`` of each type by ``measure``),
    ``communities`` (the ``top`` largest) or ``brokers`` (the ``top`` ones).

    ``progress`` is called with the name of each step as it starts.
    """
    if top < 1:
        raise ParameterError(f"{option('top')} must be 1 or more")
    if kind == "centrality":
        return centrality(G, top=top, sort_by=measure, seed=seed, lang=lang, progress=progress)
    if progress is not None:
        progress("communities")
    if kind == "communities":
        return communities(G, seed=seed, top=top, lang=lang)
    if kind == "brokers":
        return brokers(G, top=top, seed=seed, lang=lang)
    raise ParameterError(f"unknown analysis {kind!r}; choose from {', '.join(KINDS)}")


# -- paths -----------------------------------------------------------------------------------

def _step(G: "nx.Graph", here: str, there: str, lang: str) -> str:
    from kxgraph.network.describe import type_label
    from kxgraph.network.project import links

    data = G.edges[here, there]
    key = data.get("link", "").split("|")[0]
    link = links().get(key)
    if link is None:
        verb = key.replace("-", " ")
    else:
        words = link.verb if data.get("subject") == here else link.inverse_verb
        verb = words.get(lang) or words.get("en", key)
    kind = type_label(G.nodes[there].get("type"), lang)
    name = _label(G, there, lang)
    return f"{verb}{kind}「{name}」" if lang == "zh" else f"{verb} {kind} {name}".replace("  ", " ")


def explain(G: "nx.Graph", nodes: list[str], *, lang: str = "zh") -> str:
    """Read a path out in words, one clause per step, from the declared verbs.

    In English: "Academician A works at academician workstation W, hosted by enterprise E, …".
    """
    first = _label(G, nodes[0], lang)
    steps = [_step(G, a, b, lang) for a, b in zip(nodes, nodes[1:])]
    if lang == "zh":
        return first + "，".join(steps)
    return " ".join([first, ", ".join(steps)]) if steps else first


def paths(graph: "KxGraph", a: str, b: str, *, max_depth: int = 8, limit: int = 5, lang: str = "zh",
          links: Iterable[str] | None = None) -> Result:
    """The shortest collaboration paths from ``a`` to ``b`` (IRI, CURIE or exact label), explained.

    Grows a breadth-first neighbourhood of ``a`` with SPARQL until it reaches ``b``, so only the
    part of the graph within that distance is pulled.
    """
    import itertools

    import networkx as nx

    from kxgraph.network.describe import describe
    from kxgraph.network.project import neighbourhood_until, resolve

    if max_depth < 1:
        raise ParameterError(f"{option('max_depth')} must be 1 or more")
    start, goal = resolve(graph, a), resolve(graph, b)
    if start == goal:
        raise ParameterError("give two different entities")
    G = neighbourhood_until(graph, start, goal, max_depth=max_depth, links=links)
    if goal not in G or not nx.has_path(G, start, goal):
        hint = "" if links else f" (places and programmes take part only with {option('links', ['all'], cli='all')})"
        raise NotFoundError(f"no collaboration path between {a} and {b} within {max_depth} steps{hint}")
    found = list(itertools.islice(nx.all_shortest_paths(G, start, goal), limit))
    describe(graph, G, (n for nodes in found for n in nodes))  # only what the paths show
    rows = [(i, len(nodes) - 1, explain(G, nodes, lang=lang), " → ".join(shorten(n) for n in nodes))
            for i, nodes in enumerate(found, 1)]
    return Result.table(["path", "steps", "explanation", "entities"], rows)


# -- export ----------------------------------------------------------------------------------

def _flat(G: "nx.Graph", lang: str = "zh") -> "nx.Graph":
    """A copy whose attributes are all strings or numbers (what GraphML and GEXF accept), with a
    ``label`` (Gephi shows it) in ``lang``.

    Control characters, which XML cannot carry, and bidi overrides are written as ``\\uXXXX``.
    """
    from kxgraph.network.describe import node_label
    from kxgraph.output.text import visible

    def clean(value: Any) -> Any:
        value = json.dumps(value, ensure_ascii=False) if isinstance(value, dict) else value
        return visible(value) if isinstance(value, str) else value

    H = G.__class__()
    for n, d in G.nodes(data=True):
        H.add_node(clean(n), **{k: clean(v) for k, v in d.items() if v is not None},
                   label=clean(node_label(d, n, lang)))
    for u, v, d in G.edges(data=True):
        H.add_edge(clean(u), clean(v), **{k: clean(x) for k, x in d.items() if x is not None})
    return H


def cytoscape(G: "nx.Graph", lang: str = "zh") -> dict[str, Any]:
    """The network as Cytoscape.js elements (``{"elements": {"nodes": […], "edges": […]}}``)."""
    from kxgraph.network.describe import node_label

    nodes = [{"data": {"id": n, **d, "label": node_label(d, n, lang)}} for n, d in G.nodes(data=True)]
    edges = [{"data": {"id": f"e{i}", "source": u, "target": v, **d}}
             for i, (u, v, d) in enumerate(G.edges(data=True))]
    return {"data": dict(G.graph), "elements": {"nodes": nodes, "edges": edges}}


def export(G: "nx.Graph", path: str | Path, *, format: str | None = None, lang: str = "zh") -> Path:  # noqa: A002
    """Write the network for Gephi (``graphml``, ``gexf``) or Cytoscape (``json``); return the path.

    The format defaults to the file's extension; every node is labelled with its ``lang`` (zh or
    en) name.
    """
    import networkx as nx

    path = Path(path)
    fmt = (check_format(format, EXPORT_FORMATS, "export") if format
           else format_for(path, EXPORT_FORMATS))
    with atomic_write(path, binary=True) as out:
        if fmt == "json":
            out.write(json.dumps(cytoscape(G, lang), ensure_ascii=False, indent=1).encode("utf-8"))
        elif fmt == "graphml":
            nx.write_graphml(_flat(G, lang), out)
        else:
            nx.write_gexf(_flat(G, lang), out)
    return path
