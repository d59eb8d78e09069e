"""``kx demo``: the main job."""

from __future__ import annotations

import click

from kxgraph.cli._common import emit, open_graph


@click.command()
@click.option("-o", "--out-dir", default="kx-demo", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the HTML views.")
@click.option("--scale", default=1.0, show_default=True, help="Scale of the synthetic sample network.")
@click.option("--seed", default=0, show_default=True, help="Seed of the synthetic sample network.")
@click.option("--top", type=click.IntRange(min=0), default=5, show_default=True,
              help="How many rows in each answer.")
def demo(out_dir: str, scale: float, seed: int, top: int) -> None:
    """Build the demo graph, print what it holds and a few answers, and write its views.

    \b
    Loads the ontology, the Taiyuan gazetteer and the facts of the Taiyuan congress report
    (real, with quoted passages) plus a calibrated SYNTHETIC sample network whose totals
    match the report, into the store; rerunning replaces them (and any earlier sample network).

    \b
    Example:
      kx demo -o kx-demo && xdg-open kx-demo/network.html
    """
    from kxgraph.demo import build_demo, figures_summary

    report = build_demo(open_graph(mode="create"), out_dir=out_dir, scale=scale, seed=seed, top=top)
    click.secho("Graphs built (the sample network is synthetic, not real data):", bold=True)
    emit(report.graphs, "table")
    click.secho("\nEntities per class:", bold=True)
    emit(report.stats, "table")
    click.secho("\nBusiest academicians (synthetic), by workstations and projects:", bold=True)
    emit(report.top_academicians, "table")
    click.secho("\nWorkstations with most output (synthetic):", bold=True)
    emit(report.top_workstations, "table")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(figures_summary(report.figures).items()))
    click.secho(f"\nReported figures against the data (kx report): {summary}", bold=True)
    click.secho("\nViews (open them in any browser, offline):", bold=True)
    for name, path in report.views.items():
        click.echo(f"  {name:<12} {path}")
