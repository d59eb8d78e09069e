"""Offline HTML network views: one self-contained file, vis-network inlined, no network request.

The page is ``templates/view.html``; the network goes in as JSON (``<``, ``>`` and ``&`` escaped,
so no label can close the script), and the page only ever sets text with ``textContent`` or
vis-network's plain-text titles. The JSON is built in one pass over nodes and edges, so building
a view is linear in the size of the network. Above ``LARGE`` nodes the layout is computed here
(components packed on a grid, each a sunflower spiral in breadth-first order) and physics is off.

>>> import networkx as nx
>>> html = View(nx.Graph([("urn:a", "urn:b")])).html()
>>> "new vis.Network" in html and "<script src" not in html
True
"""

from __future__ import annotations

import gc
import html as html_lib
import json
import math
import re
from collections import Counter, deque
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kxgraph.errors import InputError, ParameterError
from kxgraph.resources import package_path
from kxgraph.vocab import shorten

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx

LARGE = 1500  # nodes; above it the page starts with a precomputed layout and physics off
# Nodes; above it the page opens on an overview: one node per Louvain community, sized by its
# members, each opening its own view of its members in the same page. vis-network draws 20,000
# nodes ready in about 3 s (benchmarks/RESULTS-view.md) and slows in step beyond.
OVERVIEW = 20000
SIZE_BY = ("degree", "betweenness", "eigenvector", "none")
# Ten colours that stay distinct (Tableau 10); types beyond ten reuse them with another shape, so
# no two types look alike however many there are (the demo network has 25).
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
SHAPES = ("dot", "square", "triangle", "diamond", "triangleDown", "hexagon", "star")
_MARKER = re.compile(r"__KX_(TITLE|DATA|VIS_JS)__")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def vis_network_js() -> str:
    """The vis-network library (9.1.2, vendored from pyvis's copy; see resources/vis-network)."""
    return package_path("resources/vis-network/vis-network.min.js").read_text(encoding="utf-8")


def script_json(data: Any) -> str:
    """JSON safe to embed in a ``<script>`` element: it can never close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def grid_layout(G: "nx.Graph", *, spacing: float = 80.0) -> dict[Any, tuple[float, float]]:
    """A linear-time layout: each connected component a sunflower spiral in breadth-first order
    (neighbours land near each other), components packed in rows, biggest first. ``spacing`` (px)
    leaves room for a label between neighbours once zoomed in far enough to read them."""
    golden = math.pi * (3 - math.sqrt(5))
    seen: set = set()
    components: list[list] = []
    degree = dict(G.degree())
    for start in sorted(G.nodes, key=lambda n: -degree[n]):
        if start in seen:
            continue
        seen.add(start)
        order, queue = [], deque([start])
        while queue:
            n = queue.popleft()
            order.append(n)
            for m in G.neighbors(n):
                if m not in seen:
                    seen.add(m)
                    queue.append(m)
        components.append(order)
    components.sort(key=len, reverse=True)
    total = sum(len(c) for c in components) or 1
    row_width = spacing * 2.2 * math.sqrt(total)
    pos: dict[Any, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for order in components:
        radius = spacing * math.sqrt(len(order)) + spacing
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height + spacing, 0.0
        cx, cy = x + radius, y + radius
        for i, n in enumerate(order):
            r = spacing * math.sqrt(i)
            pos[n] = (round(cx + r * math.cos(i * golden), 1), round(cy + r * math.sin(i * golden), 1))
        x += 2 * radius + spacing
        row_height = max(row_height, 2 * radius)
    return pos


class View:
    """An HTML view of a network; ``to_html(path)`` writes it, ``html()`` returns it.

    ``size_by`` is ``degree`` (default), ``betweenness``, ``eigenvector`` or ``none``; ``lang``
    the language labels start in (``zh`` or ``en``; the page has a switch).
    """

    def __init__(self, G: "nx.Graph", *, size_by: str = "degree", lang: str = "zh",
                 title: str | None = None, large: int = LARGE, overview: int = OVERVIEW) -> None:
        if size_by not in SIZE_BY:
            raise ParameterError(f"unknown --size-by {size_by!r}; choose from {', '.join(SIZE_BY)}")
        if lang not in ("zh", "en"):
            raise ParameterError("--lang is zh or en")
        self.graph, self.size_by, self.lang, self.large, self.overview = G, size_by, lang, large, overview
        self.title = title or _default_title(G, lang)

    def __repr__(self) -> str:
        return f"<View {self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} links>"

    def data(self) -> dict[str, Any]:
        """The JSON the page draws: nodes, edges (index pairs), types with colours, link names."""
        from kxgraph.network.project import links, type_label

        G = self.graph
        index = {n: i for i, n in enumerate(G.nodes)}
        counts = Counter(t or "" for _, t in G.nodes(data="type"))
        type_order = [t for t, _ in counts.most_common()]
        type_index = {t: i for i, t in enumerate(type_order)}
        types = [{"curie": t or "?", "zh": type_label(t, "zh") if t else "未分类",
                  "en": type_label(t, "en") if t else "untyped", "count": counts[t],
                  "color": PALETTE[i % len(PALETTE)], "shape": SHAPES[i // len(PALETTE) % len(SHAPES)]}
                 for i, t in enumerate(type_order)]
        size = self._sizes()
        overview = self._overview(type_index) if G.number_of_nodes() > self.overview else None
        large = G.number_of_nodes() > self.large or overview is not None
        pos = overview.pop("pos") if overview else grid_layout(G) if large else {}
        nodes = []
        for n, d in G.nodes(data=True):
            item = {"i": str(n), "c": shorten(str(n)), "zh": d.get("label_zh") or "", "en": d.get("label_en") or "",
                    "t": type_index[d.get("type") or ""], "s": size[n], "d": G.degree(n)}
            if d.get("synthetic"):
                item["y"] = 1
            if d.get("source"):
                item["src"] = d["source"]
            if d.get("props"):
                item["p"] = d["props"]
            if large:
                item["x"], item["py"] = pos[n]
            if overview:
                item["g"] = overview["of"][n]
            nodes.append(item)
        max_weight = max((w for _, _, w in G.edges(data="weight", default=1)), default=1) or 1
        edges = [[index[u], index[v], d.get("link", ""),
                  round(1 + 5 * (d.get("weight", 1) - 1) / max(max_weight - 1, 1), 2)]
                 for u, v, d in G.edges(data=True)]
        declared = {k: {"zh": link.label.get("zh", k), "en": link.label.get("en", k)}
                    for k, link in links().items()}
        for _, _, key in G.edges(data="link", default=""):
            if key not in declared:
                declared[key] = {"zh": key, "en": key.replace("-", " ")}
        focus = G.graph.get("focus")
        if overview:
            del overview["of"]
        return {"title": self.title, "lang": self.lang, "large": large, "sizeBy": self.size_by,
                "focus": index.get(focus) if focus is not None else None,
                "types": types, "links": declared, "terms": _term_labels(nodes),
                "nodes": nodes, "edges": edges, "overview": overview}

    def _overview(self, type_index: dict[str, int]) -> dict[str, Any]:
        """Communities as groups: each group's size, best-connected member, type, place and links.

        Each community gets its own layout (its members are drawn alone when it is opened); the
        communities themselves are laid out as a network of their cross links.
        """
        import networkx as nx

        from kxgraph.network.analyze import community_of

        G = self.graph
        of = {n: c - 1 for n, c in community_of(G).items()}  # numbered from 0, biggest first
        members: dict[int, list] = {}
        for n, c in of.items():
            members.setdefault(c, []).append(n)
        inner = nx.Graph()  # the links inside communities: each community lays out as its own component(s)
        inner.add_nodes_from(G)
        cross: Counter = Counter()
        for u, v in G.edges():
            a, b = of[u], of[v]
            if a != b:
                cross[(min(a, b), max(a, b))] += 1
            else:
                inner.add_edge(u, v)
        pos = grid_layout(inner)
        H = nx.Graph()
        H.add_nodes_from(members)
        H.add_edges_from(cross)
        where = grid_layout(H, spacing=160.0)
        low, high = 1, max((len(m) for m in members.values()), default=1)
        groups = []
        degree = dict(G.degree())
        for c in range(len(members)):
            lead = max(members[c], key=lambda n: (degree[n], str(n)))
            d = G.nodes[lead]
            groups.append({"n": len(members[c]), "lead": str(lead), "zh": d.get("label_zh") or "",
                           "en": d.get("label_en") or "", "t": type_index[d.get("type") or ""],
                           "s": round(8 + 52 * math.sqrt((len(members[c]) - low) / ((high - low) or 1)), 1),
                           "x": where[c][0], "py": where[c][1]})
        return {"groups": groups, "links": [[a, b, k] for (a, b), k in sorted(cross.items())],
                "of": of, "pos": pos}

    def _sizes(self) -> dict[Any, float]:
        G = self.graph
        if self.size_by == "none":
            return {n: 12.0 for n in G.nodes}
        if self.size_by == "degree":
            raw = {n: float(d) for n, d in G.degree()}
        else:
            from kxgraph.network.analyze import scores

            raw = scores(G, self.size_by)
        low, high = min(raw.values(), default=0.0), max(raw.values(), default=0.0)
        span = (high - low) or 1.0
        return {n: round(8 + 32 * math.sqrt((v - low) / span), 1) for n, v in raw.items()}

    def html(self) -> str:
        """The whole page as a string."""
        parts = {"TITLE": lambda: html_lib.escape(self.title), "DATA": lambda: script_json(self.data()),
                 "VIS_JS": vis_network_js}
        template = package_path("templates/view.html").read_text(encoding="utf-8")
        # The build allocates many small acyclic containers; the cyclic collector would rescan the
        # whole heap (graph included) again and again and make it superlinear (measured: +50 % at 20k).
        collecting = gc.isenabled()
        gc.disable()
        try:
            return _MARKER.sub(lambda m: parts[m.group(1)](), template)
        finally:
            if collecting:
                gc.enable()

    def to_html(self, path: str | Path) -> Path:
        """Write the page to ``path`` (all or nothing) and return the path."""
        path = Path(path)
        tmp = path.with_name(path.name + ".part")
        try:
            tmp.write_text(self.html(), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise InputError(f"cannot write: {exc.strerror or exc}", file=str(path)) from exc
        return path

    def _repr_html_(self) -> str:
        """Jupyter shows the page in an iframe (``srcdoc``), so it works offline too."""
        return (f'<iframe srcdoc="{html_lib.escape(self.html(), quote=True)}" '
                'style="width:100%;height:640px;border:1px solid #ddd" sandbox="allow-scripts"></iframe>')


def _term_labels(nodes: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """zh/en labels of the properties (and CURIE values, e.g. a project status) in details panels."""
    from kxgraph.ontology import terms
    from kxgraph.vocab import expand_curie

    labels = terms()[0]
    found: dict[str, dict[str, str]] = {}
    seen: set[str] = set()
    for item in nodes:
        for key, value in item.get("p", {}).items():
            for curie in (key, *value.split("; ")):
                if curie in seen or ":" not in curie or " " in curie:
                    continue
                seen.add(curie)
                names = labels.get(expand_curie(curie) or "", {})
                if names.get("zh") or names.get("en"):
                    found[curie] = {"zh": names.get("zh") or names["en"], "en": names.get("en") or names["zh"]}
    return found


def _default_title(G: "nx.Graph", lang: str = "zh") -> str:
    kind = G.graph.get("kind", "collaboration")
    if kind == "focus":
        from kxgraph.network.project import node_label

        focus = G.graph.get("focus", "")
        name = node_label(G.nodes[focus], focus, lang) if focus in G else shorten(focus)
        depth = G.graph.get("depth")
        return f"协作网络 · {name} · {depth} 层" if lang == "zh" else f"Collaboration network · {name} · {depth} hops"
    if kind == "projection" and G.graph.get("projection"):
        name = G.graph["projection"]
        return f"协作网络 · 派生投影 {name}" if lang == "zh" else f"Collaboration network · projection {name}"
    titles = {"zh": {"projection": "协作网络（派生投影）", "query": "协作网络（查询）", "": "协作网络"},
              "en": {"projection": "Collaboration network (projection)", "query": "Collaboration network (query)",
                     "": "Collaboration network"}}[lang]
    return titles.get(kind, titles[""])
