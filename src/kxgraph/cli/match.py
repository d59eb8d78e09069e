"""``kx match``: rank academicians, experts and workstations for enterprises' technical needs."""

from __future__ import annotations

import click

from kxgraph.cli._common import emit, format_option, open_graph


@click.command()
@click.option("--need", metavar="NAME|IRI", help="A technical need: its title, IRI or CURIE.")
@click.option("--enterprise", metavar="NAME", help="Every open need this enterprise raised.")
@click.option("--expert", metavar="NAME", help="The open needs this academician, expert or workstation could serve.")
@click.option("--text", metavar="TEXT", help="Match an ad-hoc need written here (with --field).")
@click.option("--field", "fields", multiple=True, metavar="FIELD",
              help="A field of the --text need (GB/T 4754 or GB/T 13745 name); repeatable.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True, help="Candidates per need.")
@click.option("--kind", type=click.Choice(["academician", "expert", "workstation"]), help="Only this kind.")
@click.option("--record", nargs=2, metavar="NEED EXPERT",
              help="Record that EXPERT takes on NEED (written to the store as data).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (with --format html).")
@format_option()
def match(need, enterprise, expert, text, fields, top, kind, record, output, fmt) -> None:
    """Rank academicians, experts and workstations for technical needs, and say why.

    Each candidate's score is text relevance × (1 + graph evidence) − current load
    (weights: kxgraph/data/match/weights.yaml); the evidence
    column gives the reasons in zh (and en), each resting on facts of the store.

    \b
    Example:
      kx match --need 煤矿瓦斯监测预警需求 --top 5
      kx match --enterprise 示例能源有限公司 --kind academician
      kx match --expert 示例院士甲
      kx match --need 煤矿瓦斯监测预警需求 --format html -o match.html
      kx match --record 煤矿瓦斯监测预警需求 示例院士甲
    """
    if record:
        emit(open_graph(mode="rw").record_match(*record), fmt if fmt != "html" else "table")
        return
    if output and fmt != "html":
        raise click.UsageError("-o writes an HTML page: add --format html")
    if output:
        from kxgraph.output.files import check_target

        check_target(output)
    result = open_graph().match(need=need, enterprise=enterprise, expert=expert, text=text,
                                fields=fields or None, top=top, kind=kind)
    if output:
        from kxgraph.output.files import write_text

        write_text(output, result.to_html())
        click.echo(f"wrote {output}", err=True)
    else:
        emit(result, fmt)
