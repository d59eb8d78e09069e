"""The demo: the Taiyuan report's facts plus the calibrated sample network, answers and views.

``build_demo`` is what ``kx demo`` runs. Rerunning it replaces the demo's graphs, so it is safe
(with another seed or scale, the earlier sample network is dropped: one at a time); the views
are written again into the same folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from kxgraph import vocab
from kxgraph.resources import resource_path
from kxgraph.output.results import Result


@dataclass
class DemoReport:
    """What the demo built: graphs, entity counts, answers, the figures check, and view files."""

    graphs: Result
    stats: Result
    top_academicians: Result
    top_workstations: Result
    figures: Result
    views: dict[str, Path] = field(default_factory=dict)


def build_demo(graph, *, out_dir: str | Path = "kx-demo", scale: float = 1, seed: int = 0,
               top: int = 5) -> DemoReport:
    """Build the demo graph in ``graph``, write its views into ``out_dir``; return a ``DemoReport``.

    >>> import kxgraph, tempfile
    >>> report = build_demo(kxgraph.open(memory=True), out_dir=tempfile.mkdtemp(), scale=0.1)
    >>> sorted(report.views)
    ['academician', 'network', 'societies']
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)  # before the store is touched: a bad folder changes nothing
    graph.load(ontology=True, replace=True)
    graph.load(resource_path("places/gazetteer.ttl"), graph=vocab.GAZETTEER_GRAPH, replace=True)
    graph.load(resource_path("taiyuan/taiyuan.trig"), replace=True)
    synthetic = graph.generate(scale=scale, seed=seed)
    # One sample network at a time: an earlier demo's (another seed or scale) would double every count.
    for name, _ in graph.store.graphs():
        if name.startswith(vocab.SYNTHETIC_GRAPH + "/") and name != synthetic.graph:
            graph.store.drop(name)

    graphs = Result.table(["graph", "triples"], [
        (name, n) for name, n in graph.store.graphs()
        if name in (vocab.ONTOLOGY_GRAPH, vocab.GAZETTEER_GRAPH, vocab.TAIYUAN_GRAPH, synthetic.graph)])
    top_academicians = graph.named("academicians-ranked", limit=top)
    top_workstations = graph.named("workstations-ranked", limit=top)
    figures = graph.report()

    busiest = top_academicians.rows[0][0].value if top_academicians.rows else None
    views = {
        "network": graph.view(title="协作网络 collaboration network (synthetic sample + Taiyuan report)"),
        "societies": graph.view(title="学会网络 society network",
                                types=["kx:LearnedSociety", "kx:ScienceAssociation", "kx:Event",
                                       "kx:SocietyServiceStation"]),
    }
    if busiest:
        views["academician"] = graph.view(focus=busiest, depth=2,
                                          title=f"{top_academicians.records()[0]['label']} 的协作圈")
    written = {name: view.to_html(out / f"{name}.html") for name, view in views.items()}
    return DemoReport(graphs=graphs, stats=graph.stats(), top_academicians=top_academicians,
                      top_workstations=top_workstations, figures=figures, views=written)


def figures_summary(figures: Result) -> dict[str, int]:
    """How many reported figures have each status (agrees, disagrees, …)."""
    return dict(Counter(figures.column("status")))
