"""The HTML page of a ranking: per need, the candidates with their evidence, the triples each
sentence rests on, and a small drawing (inline SVG, no script) of the evidence paths.

The page is one ``kxgraph.output.page`` shell: it fetches nothing, and every value is escaped.
"""

from __future__ import annotations

import html
import math
from typing import Any

from kxgraph.output.page import page

STYLE = """
.kx-need{border-top:2px solid #345;margin-top:1.5em;padding-top:.5em}
.kx-cand{margin:.8em 0 .8em 1em;display:flex;gap:1em;align-items:flex-start}
.kx-cand ol,.kx-cand ul{margin:.2em 0}
.kx-ev-load{color:#a33}
.kx-score{font-variant-numeric:tabular-nums;color:#555}
.kx-triples{font-size:80%;color:#555}
svg.kx-paths{flex:none;border:1px solid #ddd;background:#fcfcfc}
svg.kx-paths text{font-size:9px}
"""


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _short(term: Any) -> str:
    from kxgraph.vocab import shorten

    if hasattr(term, "language") or hasattr(term, "datatype"):
        return f'"{term.value}"' if not getattr(term, "language", None) else f'"{term.value}"@{term.language}'
    return shorten(term.value)


def _svg(triples: list, label) -> str:
    """A small drawing of the cited triples: nodes on a circle, one line per triple."""
    nodes: list[str] = []
    for s, _, o in triples:
        for t in (s, o):
            if t.value not in nodes and not hasattr(t, "language"):
                nodes.append(t.value)
    nodes = nodes[:14]
    if len(nodes) < 2:
        return ""
    w, h, r = 260, 200, 70
    pos = {n: (w / 2 + r * math.cos(2 * math.pi * i / len(nodes)), h / 2 + r * math.sin(2 * math.pi * i / len(nodes)))
           for i, n in enumerate(nodes)}
    parts = [f'<svg class="kx-paths" width="{w}" height="{h}" viewBox="0 0 {w} {h}" role="img" '
             f'aria-label="evidence paths">']
    for s, _, o in triples:
        if s.value in pos and o.value in pos:
            (x1, y1), (x2, y2) = pos[s.value], pos[o.value]
            parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="#89a"/>')
    for n, (x, y) in pos.items():
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#468"/>'
                     f'<text x="{x + 5:.1f}" y="{y - 4:.1f}">{_e(label(n)[:12])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def to_html(result: Any, *, title: str = "kx match") -> str:
    """The whole page for a ``MatchResult``."""
    import pyoxigraph as ox

    P = result.profiles
    label = (lambda iri: P.label(ox.NamedNode(iri))) if P is not None else (lambda iri: iri)
    body = [f"<h1>{_e(title)}</h1>",
            "<p>每位候选人的得分＝文本相关×（1＋图谱证据）－当前负担；每条证据列出所依据的三元组。"
            " / Score = text relevance × (1 + graph evidence) − current load; each piece of evidence lists "
            "the triples it rests on.</p>"]
    for need, ranked in result.matches:
        who = f"（{_e(P.label(need.enterprise))}）" if need.enterprise is not None and P is not None else ""
        fields = "、".join(need.fields)
        body.append(f'<section class="kx-need"><h2>{_e(need.title)}{who}</h2>')
        if fields:
            body.append(f"<p>所属领域 / fields: {_e(fields)}</p>")
        if need.description:
            body.append(f"<p>{_e(need.description)}</p>")
        if not ranked:
            body.append("<p>没有候选人 / no candidate</p>")
        body.append("<ol>")
        for r in ranked:
            p = r.profile
            items = []
            triples = []
            for ev in r.evidence:
                cls = ' class="kx-ev-load"' if ev.weight < 0 else ""
                cited = "".join(f"<li>{_e(_short(s))} {_e(_short(pr))} {_e(_short(o))}</li>" for s, pr, o in ev.triples)
                weight = f" <span class=\"kx-score\">{ev.weight:+.3f}</span>" if ev.weight else ""
                items.append(f"<li{cls}>{_e(ev.zh)}{weight}<br><small>{_e(ev.en)}</small>"
                             f'<details><summary>依据 / facts</summary><ul class="kx-triples">{cited}</ul></details></li>')
                triples += ev.triples
            body.append(
                f'<li><div class="kx-cand"><div><strong>{_e(p.label)}</strong> <small>{_e(p.group)} · '
                f"{_e(_short(p.iri))}</small> <span class=\"kx-score\">得分 {r.score:.3f} · 文本 {r.text:.3f} · 图谱 "
                f"{r.graph:.3f} · 负担 {r.load:.3f}</span><ul>{''.join(items)}</ul></div>"
                f"{_svg(triples, label)}</div></li>")
        body.append("</ol></section>")
    return page("\n".join(body), title=title, style=STYLE)


__all__ = ["to_html"]
