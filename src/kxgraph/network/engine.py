"""Centralities and communities of large networks: igraph when installed, networkx otherwise.

Above ``FAST_ABOVE`` nodes, and when igraph is installed (``pip install 'kxgraph[fast]'``), the
network is handed to igraph's C code for betweenness, eigenvector and Louvain; networkx does the
rest, and everything below the threshold (measured on the scale-10 demo network, 22k nodes, 2 cores:
sampled betweenness 0.8 s instead of 36 s, Louvain 0.3 s instead of 10 s).

Betweenness on more than ``EXACT_BETWEENNESS_UP_TO`` nodes is estimated from shortest paths out
of a random sample of source nodes, in ``GROUPS`` independent groups: their mean is the estimate,
and their spread gives each node's standard error. ``Sampling`` says how many sources were used.
The number of sources is bounded by the work (sources × (nodes + links)), so a network ten times
larger gets fewer sources and a larger standard error, not ten times the wait.

>>> import networkx as nx
>>> values, sampling = betweenness(nx.path_graph(3))
>>> values[1], sampling
(1.0, None)
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

FAST_ABOVE = 5000                # nodes; smaller networks take networkx well under a second
EXACT_BETWEENNESS_UP_TO = 1000   # nodes; above it betweenness samples some source nodes
BETWEENNESS_SAMPLES = 256        # at most; fewer on big networks with networkx, so the work stays bounded
BETWEENNESS_WORK = 2_000_000     # samples × (nodes + links), for networkx
IGRAPH_WORK = 16_000_000         # the same for igraph: all 256 samples up to the scale-10 demo network
                                 # (58k nodes + links); 32 at scale 100 (580k), about 0.1 s per sample here
IGRAPH_MIN_SAMPLES = 32          # never fewer (4 groups of 8), however large the network
GROUPS = 4                       # independent sample groups, for the standard error


@dataclass
class Sampling:
    """How a sampled betweenness was estimated: ``sources`` of ``nodes``, with a standard error per node."""

    sources: int
    nodes: int
    engine: str
    error: dict[str, float] = field(default_factory=dict, repr=False)

    def note(self) -> str:
        """One line for the reader of the table."""
        return (f"betweenness is estimated from shortest paths out of {self.sources:,} of {self.nodes:,} "
                f"nodes ({self.engine}); betweenness_error is each estimate's standard error "
                f"(from {GROUPS} independent samples)")


# igraph's drawing code imports these when it can (matplotlib.pyplot alone took 5 s of a 20 s
# analysis here); analysis draws nothing, so they are kept out while igraph is first imported.
_DRAWING = ("matplotlib", "plotly", "cairo", "cairocffi")


def igraph_module() -> Any | None:
    """igraph, when it is installed (imported without its plotting back-ends)."""
    import importlib.util
    import sys

    if "igraph" in sys.modules:
        return sys.modules["igraph"]
    blocked = [name for name in _DRAWING if name not in sys.modules]
    for name in blocked:
        sys.modules[name] = None  # type: ignore[assignment]  # "import name" now raises ImportError
    try:
        import igraph
    except ImportError:
        igraph = None
    finally:
        for name in blocked:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]  # the caller may still import them itself
    if igraph is None and importlib.util.find_spec("igraph") is not None:
        try:  # an igraph that insists on its back-ends: with them, then
            import igraph
        except ImportError:
            return None
    return igraph


def engine(G: "nx.Graph") -> str:
    """``"igraph"`` for a network above ``FAST_ABOVE`` nodes when igraph is installed, else ``"networkx"``."""
    return "igraph" if G.number_of_nodes() > FAST_ABOVE and igraph_module() is not None else "networkx"


def _to_igraph(G: "nx.Graph") -> tuple[Any, list[str]]:
    cached = G.graph.get("_igraph")
    if cached is not None and cached[0].vcount() == G.number_of_nodes() and cached[0].ecount() == G.number_of_edges():
        return cached
    ig = igraph_module()
    nodes = list(G)
    index = {n: i for i, n in enumerate(nodes)}
    edges, weights = [], []
    for a, b, w in G.edges(data="weight", default=1):  # one pass over networkx's adjacency
        edges.append((index[a], index[b]))
        weights.append(w)
    h = ig.Graph(n=len(nodes), edges=edges)
    h.es["weight"] = weights
    G.graph["_igraph"] = (h, nodes)
    return h, nodes


def prime(G: "nx.Graph", edges: list[tuple[int, int]], weights: list) -> None:
    """Keep with ``G`` the igraph copy ``_to_igraph`` would build, from ``edges`` (positions of the
    nodes in ``G``'s order, in ``G.edges``'s order) and their weights that a caller has at hand:
    converting a large graph again costs seconds."""
    if engine(G) != "igraph":
        return
    h = igraph_module().Graph(n=G.number_of_nodes(), edges=edges)
    h.es["weight"] = weights
    G.graph["_igraph"] = (h, list(G))


def betweenness(G: "nx.Graph", *, seed: int = 1) -> tuple[dict[str, float], Sampling | None]:
    """Normalised betweenness of every node (as networkx defines it), exact or sampled."""
    import networkx as nx

    n = G.number_of_nodes()
    if n <= 2:
        return dict.fromkeys(G, 0.0), None
    fast = engine(G) == "igraph"
    if n <= EXACT_BETWEENNESS_UP_TO:
        if not fast:
            return nx.betweenness_centrality(G), None
        h, nodes = _to_igraph(G)
        return dict(zip(nodes, _igraph_normalised(h.betweenness(directed=False), n))), None
    if fast:
        work = IGRAPH_WORK // (n + G.number_of_edges())
        k = min(n, max(IGRAPH_MIN_SAMPLES, min(BETWEENNESS_SAMPLES, work)))
    else:
        k = max(16, min(BETWEENNESS_SAMPLES, BETWEENNESS_WORK // (n + G.number_of_edges()), n))
    groups = max(1, min(GROUPS, k // 4))
    rng = random.Random(seed)
    sources = rng.sample(range(n), k)
    estimates = []
    if fast:
        h, nodes = _to_igraph(G)
        for g in range(groups):
            part = sources[g::groups]
            raw = h.betweenness(directed=False, sources=part)
            estimates.append([v * n / len(part) for v in _igraph_normalised(raw, n)])
    else:
        nodes = list(G)
        for g in range(groups):
            part = [nodes[i] for i in sources[g::groups]]
            found = nx.betweenness_centrality_subset(G, part, nodes, normalized=False)
            scale = 2 / ((n - 1) * (n - 2)) * n / len(part)  # the subset sum is halved for undirected graphs
            estimates.append([found[v] * scale for v in nodes])
    mean = [sum(col) / groups for col in zip(*estimates)]
    if groups > 1:
        spread = [(sum((x - m) ** 2 for x in col) / (groups - 1) / groups) ** 0.5
                  for col, m in zip(zip(*estimates), mean)]
    else:
        spread = [float("nan")] * n
    sampling = Sampling(k, n, "igraph" if fast else "networkx", dict(zip(nodes, spread)))
    return dict(zip(nodes, mean)), sampling


def _igraph_normalised(raw: list[float], n: int) -> list[float]:
    """igraph counts each unordered pair once; networkx's normalised value divides by (n-1)(n-2)/2."""
    scale = 2 / ((n - 1) * (n - 2))
    return [v * scale for v in raw]


def eigenvector(G: "nx.Graph") -> dict[str, float] | None:
    """Eigenvector centrality (unit length, as networkx gives it) from igraph; None below the threshold."""
    if engine(G) != "igraph":
        return None
    h, nodes = _to_igraph(G)
    values = h.eigenvector_centrality(scale=False, weights="weight")
    norm = sum(v * v for v in values) ** 0.5 or 1.0
    return {n: abs(v) / norm for n, v in zip(nodes, values)}


def louvain(G: "nx.Graph", *, seed: int = 1) -> list[set[str]] | None:
    """Louvain communities from igraph (its multilevel method); None below the threshold."""
    if engine(G) != "igraph":
        return None
    ig = igraph_module()
    h, nodes = _to_igraph(G)
    ig.set_random_number_generator(random.Random(seed))
    try:
        found = h.community_multilevel(weights="weight")
    finally:
        ig.set_random_number_generator(random)
    return [{nodes[i] for i in members} for members in found]


__all__ = ["FAST_ABOVE", "Sampling", "engine", "prime", "betweenness", "eigenvector", "louvain", "igraph_module"]
