"""Offline HTML network views: one self-contained file, vis-network inlined, no network request.

The page is ``templates/view.html`` (with ``view.css``) in the one page shell (``kxgraph.output.page``); the network goes in as JSON (``<``, ``>`` and ``&`` escaped,
so no label can close the script), and the page only ever sets text with ``textContent`` or
vis-network's plain-text titles. The JSON is built in one pass over nodes and edges, so building
a view is linear in the size of the network. Above ``LARGE`` nodes the layout is computed here
(components packed on a grid, each a sunflower spiral in breadth-first order) and physics is off.
Above ``OVERVIEW`` nodes the page opens on an overview of Louvain communities; it parses only that
at start, each community's nodes when it is opened, and its search text once drawn
(``View._overview_page``).

>>> import networkx as nx
>>> html = View(nx.Graph([("urn:a", "urn:b")])).html()
>>> "new vis.Network" in html and "<script src" not in html
True
"""

from __future__ import annotations

import functools
import gc
import html as html_lib
import json
import math
import re
from collections import Counter, deque
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from kxgraph.errors import KxError, ParameterError, WriteError, option
from kxgraph.resources import package_path
from kxgraph.vocab import shorten

if TYPE_CHECKING:  # pragma: no cover
    import networkx as nx
    import pyvis.network

LARGE = 1500  # nodes; above it the page starts with a precomputed layout and physics off
# Nodes; above it the page opens on an overview: one node per Louvain community, sized by its
# members, each opening its own view of its members in the same page. vis-network draws 20,000
# nodes ready in about 3 s (benchmarks/RESULTS-view.md) and slows in step beyond.
OVERVIEW = 20000
# Communities of fewer members are gathered in the overview, in groups of at most SMALL_GROUP nodes.
SMALL, SMALL_GROUP = 5, 5000
SIZE_BY = ("degree", "betweenness", "eigenvector", "none")
COLOR_BY = ("type", "community", "source", "academy", "division")
INLINE_DIR = "kx-views"  # where a notebook's inline view also writes its page (the fallback link)
# Ten colours that stay distinct (Tableau 10); types beyond ten reuse them with another shape, so
# no two types look alike however many there are (the demo network has 25).
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
           "#9c755f", "#bab0ac")
SHAPES = ("dot", "square", "triangle", "diamond", "triangleDown", "hexagon", "star")
_MARKER = re.compile(r"__KX_(DATA|PARTS|VIS_JS|VIS_GZ)__")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def vis_network_js() -> str:
    """The vis-network library (9.1.2, vendored from pyvis's copy; see resources/vis-network)."""
    return package_path("resources/vis-network/vis-network.min.js").read_text(encoding="utf-8")


@functools.cache
def vis_network_gz() -> str:
    """vis-network gzipped, in base64 (about a third of its size), for the notebook's inline views."""
    import base64
    import gzip

    return base64.b64encode(gzip.compress(vis_network_js().encode("utf-8"), 9, mtime=0)).decode("ascii")


def script_json(data: Any) -> str:
    """JSON safe to embed in a ``<script>`` element: it can never close the element or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def grid_layout(G: "nx.Graph", *, spacing: float = 80.0) -> dict[Any, tuple[float, float]]:
    """A linear-time layout: each connected component a sunflower spiral in breadth-first order
    (neighbours land near each other), components packed in rows, biggest first. ``spacing`` (px)
    leaves room for a label between neighbours once zoomed in far enough to read them."""
    degree = dict(G.degree())
    components = _components(sorted(G.nodes, key=lambda n: -degree[n]), G.neighbors)
    return dict(zip((n for order in components for n in order), _pack([len(c) for c in components], spacing)))


def _components(starts: list, neighbours: Callable[[Any], Iterable], inside: set | None = None) -> list[list]:
    """The connected components reached from ``starts`` (most connected first), each in breadth-first
    order, biggest first; ``inside`` keeps the walk among those nodes."""
    seen: set = set()
    components: list[list] = []
    for start in starts:
        if start in seen:
            continue
        seen.add(start)
        order, queue = [], deque([start])
        while queue:
            n = queue.popleft()
            order.append(n)
            for m in neighbours(n):
                if m not in seen and (inside is None or m in inside):
                    seen.add(m)
                    queue.append(m)
        components.append(order)
    components.sort(key=len, reverse=True)
    return components


def _pack(sizes: list[int], spacing: float) -> list[tuple[float, float]]:
    """Positions for components of ``sizes`` nodes (biggest first), each a sunflower spiral, packed
    in rows: one position per node, component after component."""
    golden = math.pi * (3 - math.sqrt(5))
    total = sum(sizes) or 1
    row_width = spacing * 2.2 * math.sqrt(total)
    pos: list[tuple[float, float]] = []
    x = y = row_height = 0.0
    for size in sizes:
        radius = spacing * math.sqrt(size) + spacing
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y + row_height + spacing, 0.0
        cx, cy = x + radius, y + radius
        for i in range(size):
            r = spacing * math.sqrt(i)
            pos.append((round(cx + r * math.cos(i * golden), 1), round(cy + r * math.sin(i * golden), 1)))
        x += 2 * radius + spacing
        row_height = max(row_height, 2 * radius)
    return pos


def _spirals(members: list[int], adjacency: list[list[int]], spacing: float = 80.0
             ) -> tuple[list[int], list[tuple[float, float]]]:
    """``grid_layout`` over integer nodes: ``members`` (one community) in breadth-first order,
    component after component, biggest first, with a position for each."""
    components = _components(sorted(members, key=lambda n: -len(adjacency[n])), adjacency.__getitem__, set(members))
    return [n for order in components for n in order], _pack([len(c) for c in components], spacing)


_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")


def curies(iris: Iterable[str]) -> tuple[list[str], list[str], dict[str, str]]:
    """The CURIE of each IRI (as ``vocab.shorten`` gives it), computed once per namespace; the IRI
    where a page cannot rebuild it as namespace + local part (else ""); and those namespaces by prefix.

    >>> from kxgraph.vocab import ID, SYN
    >>> found, whole, prefixes = curies([SYN + "seed-0-scale-1/academician-1", "urn:x:1", ID + "figure/a/b"])
    >>> print(*found)
    syn-seed-0-scale-1:academician-1 urn:x:1 kxfigure:a\\/b
    >>> whole, prefixes
    (['', '', 'https://w3id.org/kxgraph/id/figure/a/b'], {'syn-seed-0-scale-1': 'https://w3id.org/kxgraph/synthetic/seed-0-scale-1/'})
    """
    cache: dict[str, str] = {}
    prefixes: dict[str, str] = {}
    found: list[str] = []
    whole: list[str] = []
    unshortened: list[int] = []
    for iri in iris:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        tail = iri[cut:]
        # Every known namespace ends in / or #, so the CURIE of head + a plain local part is the
        # CURIE of head + "x" with its local part: one shorten() per namespace.
        if cut and _SIMPLE_LOCAL.fullmatch(tail):
            head = iri[:cut]
            prefix = cache.get(head)
            if prefix is None:
                probe = shorten(head + "x")
                prefix = cache[head] = probe[:-1] if probe.endswith(":x") and probe != head + "x" else ""
                if prefix:
                    prefixes[prefix[:-1]] = head
            if prefix:
                found.append(prefix + tail)
                whole.append("")
                continue
        curie = shorten(iri)
        found.append(curie)
        whole.append(iri if curie != iri else "")
        if curie == iri:
            unshortened.append(len(found) - 1)
    for i in unshortened:  # an IRI whose scheme reads as a prefix in use is given whole
        if found[i].partition(":")[0] in prefixes:
            whole[i] = found[i]
    return found, whole, prefixes


class View:
    """An HTML view of a network; ``to_html(path)`` writes it, ``html()`` returns it.

    ``size_by`` is ``degree`` (default), ``betweenness``, ``eigenvector`` or ``none``;
    ``color_by`` is ``type`` (default; shapes always follow the type), ``community`` (Louvain),
    ``source`` (the report, a spreadsheet file, or synthetic), ``academy`` or ``division`` (the
    academies and divisions that elected each academician, from the node attributes
    ``network.describe.describe_academies`` sets; everyone else in one group); ``lang`` the language labels
    start in (``zh`` or ``en``; the page has a switch); ``height`` the pixels it takes in a notebook.
    A network projected with brief details (``G.graph["details"] == "brief"``, as ``KxGraph.view``
    does above ``OVERVIEW`` nodes) gets panels that say so and give the ``kx show`` command for the rest.

    >>> import networkx as nx
    >>> View(nx.Graph(), size_by="community")
    Traceback (most recent call last):
    kxgraph.errors.ParameterError: size_by is one of degree, betweenness, eigenvector, none, not 'community'; for colours give color_by='community'
    """

    def __init__(self, G: "nx.Graph", *, size_by: str = "degree", color_by: str = "type", lang: str = "zh",
                 title: str | None = None, height: int = 640, large: int = LARGE,
                 overview: int = OVERVIEW) -> None:
        if size_by not in SIZE_BY:
            hint = f"; for colours give {option('color_by', repr(size_by), cli=size_by)}" if size_by in COLOR_BY else ""
            raise ParameterError(f"{option('size_by')} is one of {', '.join(SIZE_BY)}, not {size_by!r}{hint}")
        if color_by not in COLOR_BY:
            raise ParameterError(f"{option('color_by')} is one of {', '.join(COLOR_BY)}, not {color_by!r}")
        if lang not in ("zh", "en"):
            raise ParameterError(f"lang is zh or en, not {lang!r}")
        if not isinstance(height, int) or height < 100:
            raise ParameterError(f"height is a number of pixels, 100 or more, not {height!r}")
        self.graph, self.size_by, self.color_by, self.lang = G, size_by, color_by, lang
        self.height, self.large, self.overview = height, large, overview
        self.title = title or _default_title(G, lang)

    def __repr__(self) -> str:
        return f"<View {self.graph.number_of_nodes()} nodes, {self.graph.number_of_edges()} links>"

    def data(self) -> dict[str, Any]:
        """The JSON a plain page draws: nodes, edges (index pairs), types with colours, link names."""
        G = self.graph
        index = {n: i for i, n in enumerate(G.nodes)}
        types, type_index = self._types()
        size = self._sizes()
        large = G.number_of_nodes() > self.large
        pos = grid_layout(G) if large else {}
        nodes = []
        for n, d in G.nodes(data=True):
            item = {"i": str(n), "c": shorten(str(n)), "zh": d.get("label_zh") or "", "en": d.get("label_en") or "",
                    "t": type_index[d.get("type") or ""], "s": size[n], "d": G.degree(n)}
            if d.get("synthetic"):
                item["y"] = 1
            if d.get("source"):
                item["src"] = d["source"]
            props = {k: v for k, v in d.items() if ":" in k and isinstance(v, str)}
            if props:
                item["p"] = props
            if large:
                item["x"], item["py"] = pos[n]
            nodes.append(item)
        max_weight = max((w for _, _, w in G.edges(data="weight", default=1)), default=1) or 1
        edges = [[index[u], index[v], d.get("link", ""),
                  round(1 + 5 * (d.get("weight", 1) - 1) / max(max_weight - 1, 1), 2)]
                 for u, v, d in G.edges(data=True)]
        declared = _link_names(key for _, _, key in G.edges(data="link", default=""))
        focus = G.graph.get("focus")
        groups = self._groups(nodes)
        return {"title": self.title, "lang": self.lang, "large": large, "sizeBy": self.size_by,
                "colorBy": self.color_by, "groups": groups,
                "focus": index.get(focus) if focus is not None else None,
                "types": types, "links": declared, "terms": _term_labels(nodes),
                "nodes": nodes, "edges": edges, "overview": None, **self._details()}

    def _types(self) -> tuple[list[dict[str, Any]], dict[str, int]]:
        """The node types, most common first, with colour and shape; and each type's place in that list."""
        from kxgraph.network.describe import type_label

        counts = Counter(t or "" for _, t in self.graph.nodes(data="type"))
        order = [t for t, _ in counts.most_common()]
        types = [{"curie": t or "?", "zh": type_label(t, "zh") if t else "未分类",
                  "en": type_label(t, "en") if t else "untyped", "count": counts[t],
                  "color": PALETTE[i % len(PALETTE)], "shape": SHAPES[i // len(PALETTE) % len(SHAPES)]}
                 for i, t in enumerate(order)]
        return types, {t: i for i, t in enumerate(order)}

    def _overview_page(self) -> tuple[dict[str, Any], str]:
        """The overview page: the data parsed at start, and the script elements parsed on demand.

        At start the page reads only the communities (Louvain; one node each, sized by members,
        laid out as a network of their cross links), types and link names. Nodes are numbered
        community by community, so community ``c`` holds the nodes ``starts[c]`` to
        ``starts[c + 1] - 1``. Each community's members (size, degree, position, colour group,
        details) and inner links are one JSON element, parsed when the community is opened. The
        search text holds a line per node (labels, CURIE, the IRI where the CURIE does not give
        it, alternative labels, pinyin), read on the first search; node types are one array.
        """
        from kxgraph.network import engine
        from kxgraph.network.analyze import community_of

        G = self.graph
        nodes = list(G)
        attrs = [d for _, d in G.nodes(data=True)]
        number = {n: i for i, n in enumerate(nodes)}
        types, type_index = self._types()
        key_of: dict[str, int] = {}
        degree = [0] * len(nodes)
        edges: list[tuple[int, int, int, float]] = []
        for a, (_, neighbours) in enumerate(G.adjacency()):  # G.edges's order, without its views
            for v, d in neighbours.items():
                b = number[v]
                if b < a:  # met from the other end already
                    continue
                degree[a] += 1
                degree[b] += 1
                key = d.get("link", "")
                k = key_of.get(key)
                if k is None:
                    k = key_of[key] = len(key_of)
                edges.append((a, b, k, d.get("weight", 1)))
        engine.prime(G, [(a, b) for a, b, _, _ in edges], [e[3] for e in edges])
        group, small = _page_groups(community_of(G), nodes)
        count = len(small)
        adjacency: list[list[int]] = [[] for _ in nodes]
        cross: Counter = Counter()
        for a, b, _, _ in edges:
            ga, gb = group[a], group[b]
            if ga == gb:
                adjacency[a].append(b)
                adjacency[b].append(a)
            else:
                cross[(min(ga, gb), max(ga, gb))] += 1
        members: list[list[int]] = [[] for _ in range(count)]
        for i, c in enumerate(group):
            members[c].append(i)
        order: list[int] = []
        pos: list[tuple[float, float]] = []
        starts = [0]
        for c in range(count):  # each community laid out alone: it is drawn alone when opened
            placed, where = _spirals(members[c], adjacency)
            order += placed
            pos += where
            starts.append(len(order))
        new = [0] * len(nodes)
        for at, i in enumerate(order):
            new[i] = at
        if self.size_by == "degree":
            size = _scaled(degree, 8, 32)
        else:
            sized = self._sizes()
            size = [sized[n] for n in nodes]
        keys, legend = self._group_keys() if self.color_by != "type" else (None, None)
        curie, whole, prefixes = curies(str(n) for n in nodes)
        max_weight = max((e[3] for e in edges), default=1) or 1
        inner: list[list[list]] = [[] for _ in range(count)]
        widths: dict[Any, float] = {}  # a few distinct weights among many links
        for a, b, k, w in edges:
            c = group[a]
            if c == group[b]:
                width = widths.get(w)
                if width is None:
                    width = widths[w] = round(1 + 5 * (w - 1) / max(max_weight - 1, 1), 2)
                inner[c].append([new[a] - starts[c], new[b] - starts[c], k, width])
        lines: list[str] = []
        type_of: list[int] = []
        details: list[dict[str, Any]] = []
        parts: list[str] = []
        synthetic = 0
        for c in range(count):
            items = []
            for at in range(starts[c], starts[c + 1]):
                i = order[at]
                d = attrs[i]
                props = {k: v for k, v in d.items() if ":" in k and isinstance(v, str)}
                (x, y) = pos[at]
                flag = 1 if d.get("synthetic") else 0
                synthetic += flag
                item = [size[i], degree[i], x, y, keys[i] if keys else -1, flag]
                fields = [d.get("label_zh") or "", d.get("label_en") or "", curie[i], whole[i]]
                source = d.get("source")
                if props or source:
                    extra: dict[str, Any] = {}
                    if props:
                        extra["p"] = props
                        details.append(extra)
                        alternatives, pinyin = props.get("skos:altLabel"), props.get("kx:pinyin")
                        if alternatives:
                            fields += [a for a in alternatives.split("; ") if a]
                        if pinyin:
                            fields += [pinyin, pinyin.replace(" ", "")]
                    if source:
                        extra["src"] = source
                    item.append(extra)
                items.append(item)
                line = "\t".join(fields)
                if line.count("\t") != len(fields) - 1 or "\n" in line:  # a field holds a tab or a line break
                    line = "\t".join(f.replace("\t", " ").replace("\n", " ") for f in fields)
                lines.append(line)
                type_of.append(type_index[d.get("type") or ""])
            parts.append(f'<script type="application/json" id="kx-c{c}">'
                         f'{script_json({"n": items, "e": inner[c]})}</script>')
        low, high = 1, max((len(m) for c, m in enumerate(members) if not small[c]), default=1)
        groups = []
        H = _nx_graph(range(count), cross)
        where = grid_layout(H, spacing=160.0)
        for c in range(count):
            lead = max(members[c], key=lambda i: (degree[i], str(nodes[i])))
            d = attrs[lead]
            groups.append({"n": len(members[c]), "lead": curie[lead], "zh": d.get("label_zh") or "",
                           "en": d.get("label_en") or "", "t": type_index[d.get("type") or ""],
                           "s": round(8 + 52 * math.sqrt((min(len(members[c]), high) - low) / ((high - low) or 1)), 1),
                           "x": where[c][0], "py": where[c][1], **({"small": small[c]} if small[c] else {})})
        search = script_json(["\n".join(lines) + "\n", type_of])
        parts.insert(0, f'<script type="application/json" id="kx-search">{search}</script>')
        focus = G.graph.get("focus")
        data = {"title": self.title, "lang": self.lang, "large": True, "sizeBy": self.size_by,
                "colorBy": self.color_by, "groups": legend,
                "focus": new[number[focus]] if focus in number else None,
                "types": types, "links": _link_names(key_of), "linkKeys": list(key_of),
                "terms": _term_labels(details), "nodes": [], "edges": [],
                "overview": {"groups": groups, "links": [[a, b, k] for (a, b), k in sorted(cross.items())],
                             "starts": starts, "count": len(nodes), "edgeCount": len(edges),
                             "synthetic": synthetic, "prefixes": prefixes}, **self._details()}
        return data, "\n".join(parts)

    def _details(self) -> dict[str, str]:
        """``{"details": "brief"}`` when the nodes carry only the properties that name them (the
        page's panel then says how to see the rest); else nothing, as pages were before."""
        return {"details": "brief"} if self.graph.graph.get("details") == "brief" else {}

    def _groups(self, nodes: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
        """Colour groups other than types: sets ``k`` on each node item, returns the legend."""
        if self.color_by == "type":
            return None
        keys, legend = self._group_keys()
        for item, key in zip(nodes, keys):
            item["k"] = key
        return legend

    def _group_keys(self) -> tuple[list[int], list[dict[str, Any]]]:
        """Each node's colour group (a number, in the graph's node order) and the legend."""
        G = self.graph
        if self.color_by == "community":
            from kxgraph.network.analyze import community_of

            found = community_of(G)
            keys = [found.get(n, 0) for n in G.nodes]
            names = {k: ({"zh": f"社区 {k}", "en": f"community {k}"}) for k in set(keys)}
        elif self.color_by in ("academy", "division"):
            by = self.color_by
            keys = [(d.get(f"{by}_zh") or "", d.get(f"{by}_en") or "") for _, d in G.nodes(data=True)]
            names = {k: {"zh": k[0], "en": k[1]} if any(k) else _NO_GROUP[by] for k in set(keys)}
        else:
            keys = [_source_of(d) for _, d in G.nodes(data=True)]
            names = {k: _SOURCE_NAMES.get(k, {"zh": k, "en": k}) for k in set(keys)}
        counts = Counter(keys)
        order = [k for k, _ in counts.most_common()]
        index = {k: i for i, k in enumerate(order)}
        return [index[k] for k in keys], [
            {**names[k], "count": counts[k], "color": PALETTE[i % len(PALETTE)] if i < len(PALETTE) else "#999"}
            for i, k in enumerate(order)]

    def _sizes(self) -> dict[Any, float]:
        G = self.graph
        if self.size_by == "none":
            return {n: 12.0 for n in G.nodes}
        if self.size_by == "degree":
            raw = {n: float(d) for n, d in G.degree()}
        else:
            from kxgraph.network.analyze import scores

            raw = scores(G, self.size_by)
        return dict(zip(raw, _scaled(list(raw.values()), 8, 32)))

    def html(self, *, compress: bool = False) -> str:
        """The whole page as a string; ``compress`` carries vis-network gzipped (a third of the size,
        unpacked by the browser's ``DecompressionStream``), as the notebook's inline view does."""
        from kxgraph.output.page import page, template

        overview = self.graph.number_of_nodes() > self.overview
        built: list[str] = []

        def data() -> str:
            if not overview:
                return script_json(self._page_data())
            small, later = self._overview_page()
            built.append(later)
            return script_json(small)

        parts = {"DATA": data, "VIS_JS": vis_network_js, "VIS_GZ": vis_network_gz,
                 "PARTS": lambda: built.pop() if built else ""}
        body_template = template("view.html")
        if compress:
            body_template = _compressed(body_template)
        # The build allocates many small acyclic containers; the cyclic collector would rescan the
        # whole heap (graph included) again and again and make it superlinear (measured: +50 % at 20k).
        collecting = gc.isenabled()
        gc.disable()
        try:
            body = _MARKER.sub(lambda m: parts[m.group(1)](), body_template)
        finally:
            if collecting:
                gc.enable()
        return page(body, title=self.title, style=template("view.css"), scripts=True, lang=self.lang)

    def to_html(self, path: str | Path) -> Path:
        """Write the page to ``path`` (all or nothing) and return the path."""
        from kxgraph.output.files import check_target, write_text

        check_target(path)  # before the page is built
        return write_text(path, self.html())

    def summary(self) -> str:
        """A static HTML preview: title, counts, the colour legend and the best-connected nodes.

        It needs no script, so it shows where a notebook strips the live view (JupyterLab does
        for untrusted output, e.g. a notebook run by nbclient or received from a colleague).
        """
        from kxgraph.network.describe import node_label

        data = self._page_data()
        esc = html_lib.escape
        legend = data["groups"] or data["types"]
        chips = "".join(
            f'<span style="white-space:nowrap;margin-right:10px"><span style="color:{g["color"]}">&#9679;</span> '
            f'{esc(g.get(self.lang) or g.get("curie", ""))} ({g["count"]})</span>' for g in legend[:12])
        G = self.graph
        hubs = sorted(G.nodes, key=lambda n: (-G.degree(n), str(n)))[:8]
        names = "、".join(esc(node_label(G.nodes[n], n, self.lang)) for n in hubs)
        nodes, links = ("节点", "关系") if self.lang == "zh" else ("nodes", "links")
        hub_word = "连接最多" if self.lang == "zh" else "best connected"
        return (f'<div class="kx-view-summary" style="font-family:sans-serif;font-size:13px">'
                f"<b>{esc(self.title)}</b> · {G.number_of_nodes()} {nodes} · {G.number_of_edges()} {links}"
                f"<br>{chips}<br>{hub_word}: {names}</div>")

    def _repr_html_(self) -> str:
        """Jupyter shows the page in a sandboxed iframe (``srcdoc``, vis-network compressed), above
        a static summary and a link to the page written under ``kx-views/``: where the iframe is
        stripped (untrusted output in JupyterLab), the summary and the link still show."""
        self._cached = self.data()  # the page, the file and the summary draw the same data, built once
        try:
            return self._inline()
        finally:
            self._cached = None

    def _page_data(self) -> dict[str, Any]:
        return getattr(self, "_cached", None) or self.data()

    def _inline(self) -> str:
        import hashlib

        page = self.html(compress=True)
        name = hashlib.sha1(page.encode("utf-8")).hexdigest()[:12]
        written = ""
        try:
            Path(INLINE_DIR).mkdir(exist_ok=True)
            path = self.to_html(Path(INLINE_DIR) / f"view-{name}.html")
            link = html_lib.escape(path.as_posix(), quote=True)
            written = f' <a href="{link}" target="_blank">{html_lib.escape(path.as_posix())}</a>'
        except (WriteError, OSError):
            written = ""  # a read-only folder: the inline view and summary still show
        # As folium does: say why the live view may be missing (JupyterLab strips untrusted iframes).
        written = ("<br>没有看到交互视图？信任此笔记本（File → Trust Notebook），或打开" if self.lang == "zh"
                   else "<br>No live view? Trust the notebook (File → Trust Notebook), or open") + (
                       written or (" view.to_html(path)" if self.lang == "en" else " view.to_html(path) 写出的页面"))
        return (f'<iframe srcdoc="{html_lib.escape(page, quote=True)}" title="{html_lib.escape(self.title)}" '
                f'style="width:100%;height:{self.height}px;border:1px solid #ddd" sandbox="allow-scripts"></iframe>'
                + self.summary().replace("</div>", written + "</div>", 1))

    def to_pyvis(self, *, notebook: bool = False, height: str | None = None, width: str = "100%",
                 cdn_resources: str = "remote") -> "pyvis.network.Network":
        """The same view as a ``pyvis.network.Network``: nodes, colours, shapes, sizes, escaped titles
        and links, for users who customise with pyvis (``pip install 'kxgraph[pyvis]'``).

        Unlike ``to_html``, a pyvis page loads vis-network and its CSS from a CDN
        (``cdn_resources="remote"``): it needs the internet to draw. ``notebook``, ``height``
        (default this view's) and ``width`` go to pyvis.

        >>> import networkx as nx
        >>> net = View(nx.Graph([("urn:a", "urn:b")])).to_pyvis()
        >>> len(net.nodes), len(net.edges)
        (2, 1)
        """
        try:
            from pyvis.network import Network
        except ImportError as exc:
            raise KxError("to_pyvis() needs pyvis: pip install 'kxgraph[pyvis]'") from exc
        data = self.data()
        types, groups = data["types"], data["groups"]
        net = Network(height=height or f"{self.height}px", width=width, notebook=notebook,
                      cdn_resources=cdn_resources, heading="")
        label_of = "zh" if self.lang == "zh" else "en"
        for i, n in enumerate(data["nodes"]):
            kind = types[n["t"]]
            color = groups[n["k"]]["color"] if groups else kind["color"]
            label = n[label_of] or n["en" if label_of == "zh" else "zh"] or n["c"]
            # pyvis shows a title as HTML: every part is escaped here, so no label runs as markup.
            title = "\n".join(html_lib.escape(x) for x in
                              (_both(n["zh"], n["en"]), _both(kind["zh"], kind["en"]), n["c"]) if x)
            options = {"label": label, "title": title, "color": color, "shape": kind["shape"], "size": n["s"]}
            if "x" in n:
                options.update(x=n["x"], y=n["py"], physics=False)
            net.add_node(i, **options)
        for a, b, link, width_ in data["edges"]:
            names = data["links"].get(link, {})
            net.add_edge(a, b, title=html_lib.escape(_both(names.get("zh", link), names.get("en", link))),
                         width=width_)
        net.toggle_physics(not data["large"])
        return net


_NO_GROUP = {"academy": {"zh": "非院士", "en": "not an academician"},
             "division": {"zh": "学部不明", "en": "no division known"}}
_SOURCE_NAMES = {"synthetic": {"zh": "合成数据", "en": "synthetic"},
                 "report": {"zh": "报告原文", "en": "the report"},
                 "": {"zh": "来源不明", "en": "no source"}}


def _source_of(d: dict[str, Any]) -> str:
    """Where a node's facts come from: synthetic, the report (a quoted passage), a file, or ""."""
    if d.get("synthetic"):
        return "synthetic"
    source = d.get("source") or ""
    if not source:
        return ""
    if source.startswith(("file:", "<file:")):  # an imported row: group by its file
        return source.strip("<>").split("#")[0].rsplit("/", 1)[-1] or source
    return "report"


def _page_groups(of: dict[Any, int], nodes: list[Any]) -> tuple[list[int], list[int]]:
    """The overview's groups: each community of ``SMALL`` members or more (biggest first), then the
    smaller communities gathered into groups of at most ``SMALL_GROUP`` nodes (vis-network takes
    seconds to draw thousands of nodes, and a big network has thousands of isolated pairs).
    Returns each node's group and, per group, how many small communities it gathers (0: one community).

    >>> _page_groups({"a": 1, "b": 1, "c": 2, "d": 3}, ["a", "b", "c", "d"])
    ([0, 0, 0, 0], [3])
    """
    sizes = Counter(of.values())
    number: dict[int, int] = {}
    small: list[int] = []
    filled = 0  # members in the last group of small communities
    for c in sorted(sizes, key=lambda c: (sizes[c] < SMALL, c)):  # community_of numbers biggest first
        if sizes[c] >= SMALL:
            number[c] = len(small)
            small.append(0)
            continue
        if not small or not small[-1] or filled + sizes[c] > SMALL_GROUP:
            small.append(0)
            filled = 0
        number[c] = len(small) - 1
        small[-1] += 1
        filled += sizes[c]
    return [number[of[n]] for n in nodes], small


def _scaled(values: list[float], low_px: float, span_px: float) -> list[float]:
    """Sizes from ``low_px`` to ``low_px + span_px``, growing with the square root of each value's place in the range."""
    low, high = min(values, default=0.0), max(values, default=0.0)
    span = (high - low) or 1.0
    return [round(low_px + span_px * math.sqrt((v - low) / span), 1) for v in values]


def _link_names(keys: Iterable[str]) -> dict[str, dict[str, str]]:
    """zh/en names of the declared links, and of any other link key among ``keys``."""
    from kxgraph.network.project import links

    declared = {k: {"zh": link.label.get("zh", k), "en": link.label.get("en", k)} for k, link in links().items()}
    for key in keys:
        if key not in declared:
            declared[key] = {"zh": key, "en": key.replace("-", " ")}
    return declared


def _nx_graph(nodes: Iterable[Any], edges: Iterable[tuple[Any, Any]]) -> "nx.Graph":
    import networkx as nx

    H = nx.Graph()
    H.add_nodes_from(nodes)
    H.add_edges_from(edges)
    return H


def _both(a: str, b: str) -> str:
    return f"{a} / {b}" if a and b and a != b else (a or b or "")


def _compressed(template: str) -> str:
    """The template with vis-network gzipped in base64, unpacked before the page's script runs."""
    head, _, rest = template.partition("<script>__KX_VIS_JS__</script>")
    main_start = rest.index("<script>")
    loader = ('<script type="application/octet-stream" id="kx-vis">__KX_VIS_GZ__</script>\n<script>\n'
              '(function () {\n'
              '  var b = atob(document.getElementById("kx-vis").textContent), u = new Uint8Array(b.length);\n'
              '  for (var i = 0; i < b.length; i++) u[i] = b.charCodeAt(i);\n'
              '  new Response(new Blob([u]).stream().pipeThrough(new DecompressionStream("gzip"))).text()\n'
              '    .then(function (js) {\n'
              '      var lib = document.createElement("script"); lib.textContent = js; document.head.appendChild(lib);\n'
              '      var main = document.createElement("script");\n'
              '      main.textContent = document.getElementById("kx-main").textContent;\n'
              '      document.body.appendChild(main);\n'
              '    });\n'
              '})();\n</script>')
    main = '<script type="text/plain" id="kx-main">' + rest[main_start + len("<script>"):]
    return head + loader + rest[:main_start] + main


def _term_labels(nodes: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    """zh/en labels of the properties (and CURIE values, e.g. a project status) in details panels."""
    from kxgraph.ontology import terms
    from kxgraph.vocab import expand_curie

    labels = terms()[0]
    keys: set[str] = set()
    values: set[str] = set()
    for item in nodes:
        props = item.get("p")
        if props:
            keys.update(props)
            values.update(props.values())
    candidates = set(keys)
    for value in values:
        candidates.update(value.split("; "))
    # Only CURIEs in a namespace that has labelled terms can name one (not the nodes' own, e.g. syn:).
    spaces = _term_prefixes()
    found: dict[str, dict[str, str]] = {}
    named = [c for c in candidates if ":" in c and " " not in c and c.partition(":")[0] in spaces]
    for curie in sorted(named):  # only these sorted: a big network has a million distinct values
        names = labels.get(expand_curie(curie) or "", {})
        if names.get("zh") or names.get("en"):
            found[curie] = {"zh": names.get("zh") or names["en"], "en": names.get("en") or names["zh"]}
    return found


@functools.cache
def _term_prefixes() -> frozenset[str]:
    from kxgraph.ontology import terms

    return frozenset(shorten(iri).partition(":")[0] for iri in terms()[0])


def _default_title(G: "nx.Graph", lang: str = "zh") -> str:
    kind = G.graph.get("kind", "collaboration")
    if kind == "focus":
        from kxgraph.network.describe import node_label

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
