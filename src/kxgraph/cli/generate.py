"""``kx generate``: write or load the synthetic sample network."""

from __future__ import annotations

import click

from kxgraph.errors import ParameterError
from kxgraph.synthetic.generate import FORMATS, generate as write_network
from kxgraph.cli._common import open_graph


@click.command()
@click.option("--scale", type=float, default=1, show_default=True,
              help="Multiply every entity count (1 = the report's totals; 0.1 and 1000 work too).")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Random seed: the same seed gives the same bytes.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write to FILE: .ttl, .nt, .nq or .trig, optionally .gz (default: Turtle on stdout).")
@click.option("--load", "load", is_flag=True,
              help="Load into the store, in the graph kxg:synthetic/seed-N-scale-K (replacing it).")
@click.option("--format", "rdf_format", type=click.Choice(FORMATS),
              help="Output syntax (default: from the file's extension).")
@click.option("--needs", is_flag=True,
              help="With --load: also plant technical needs (…/needs) and their ground truth (…/needs-truth) for kx match.")
def generate(scale: float, seed: int, output: str | None, load: bool, rdf_format: str | None,
             needs: bool = False) -> None:
    """Generate a SYNTHETIC association network calibrated to the Taiyuan report's totals.

    Invented people and organisations (kx:synthetic true, IRIs under syn:) in Taiyuan's real
    districts and parks; at --scale 1 exactly 75 academician workstations, 81 academicians,
    342 cooperation projects, 672 patent applications and the report's other totals.
    Prints the triple count and time on stderr.

    \b
    Example:
      kx generate --load                     # into the store, then: kx stats
      kx generate --scale 100 -o big.nt.gz   # a benchmark graph
      kx generate --seed 7 -o sample.trig    # TriG keeps the graph name
      kx generate --load --needs             # with planted needs, then: kx match --enterprise …
    """
    if output and load:
        raise ParameterError("give either -o FILE or --load, not both")
    if needs and not load:
        raise ParameterError("--needs plants needs in the store: add --load")
    if load:
        report = open_graph(mode="create").generate(scale=scale, seed=seed)
    else:
        target = output or click.get_binary_stream("stdout")
        report = write_network(target, scale=scale, seed=seed, format=rdf_format)
    where = f"into <{report.graph}>" if load else f"to {output or 'stdout'} ({report.format})"
    click.echo(f"generated {report.triples:,} triples {where} in {report.seconds:.2f} s "
               f"({report.rate:,.0f} triples/s)", err=True)
    if getattr(report, "reference", ""):
        click.echo(report.reference, err=True)
    if needs:
        from kxgraph.synthetic.needs import plant

        planted = plant(open_graph(mode="create"), seed=seed, scale=scale)
        click.echo(f"planted {planted.needs} technical needs into <{planted.graph}> "
                   f"(ground truth in <{planted.truth_graph}>)", err=True)
