"""``kx report``: the report's figures beside the counts computed from the graph's entities."""

from __future__ import annotations

import sys

import click

from kxgraph.cli._common import TABULAR_FORMATS, as_of_option, format_option, open_graph
from kxgraph.cli._deadline import timeout_option


@click.command("report")
@as_of_option
@click.option("--period", metavar="P",
              help="Only figures of this period (IRI, slug or label); a period with bounds (近三年来), "
                   "YEAR or FROM..TO counts each figure within it: flows inside it, stocks at its end.")
@click.option("--write", "write_lang", type=click.Choice(["zh", "en"]),
              help="Write the report's figures paragraphs from the computed counts (templates, no model).")
@click.option("--diff", is_flag=True, help="With --write: each sentence beside its source passage, "
                                           "numbers that differ marked (75 → 74).")
@click.option("--area", metavar="A",
              help="Only figures of this area, counting only entities located there (IRI, code or label).")
@format_option(TABULAR_FORMATS)
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file instead of standard output; its extension (.html, .csv, "
                   ".json …) sets the format unless --format is given.")
@click.option("--rules", "rules_only", is_flag=True, help="Print only the consistency-rules table.")
@click.option("--check", is_flag=True,
              help="Exit with status 1 when a figure disagrees with the data or a rule fails.")
@click.pass_context
@timeout_option
def report(ctx: click.Context, period: str | None, write_lang: str | None, diff: bool, area: str | None, fmt: str,
           output: str | None, rules_only: bool, check: bool) -> None:
    """Check the reported figures against the entities in the graph.

    \b
    Per figure: reported value (">N" for 余/多/以上), value computed from the
    entities, difference, status (agrees / disagrees / not computable /
    no entity data) and the source passage; then the consistency rules
    between figures (e.g. 129 + 62 + 151 = 342). csv, tsv and xml carry
    the figures table; add --rules for the rules table.

    An embedded store keeps the computed values beside it, counted by the
    last write that changed what they count; --area, --as-of and a --period
    range (2016..2020) count from the entities each time.

    \b
    Example:
      kx report
      kx report --format html -o report.html
      kx report --check || echo "figures and data disagree"
    """
    from kxgraph.output.files import atomic_write, check_target
    from kxgraph.output.formats import format_for

    if output:
        check_target(output)  # before the work
        if ctx.get_parameter_source("fmt") == click.core.ParameterSource.DEFAULT:
            fmt = format_for(output, TABULAR_FORMATS, default=fmt)  # -o report.html means HTML
    if write_lang or diff or (period and _counts_within(period)):
        from kxgraph.cli._time import report_over_time

        report_over_time(period=period, lang=write_lang or "zh" if (write_lang or diff) else None, diff=diff,
                         fmt=fmt, output=output)
        return
    result = open_graph().report(period=period, area=area)
    if output is None:
        result.write(sys.stdout, fmt, rules=rules_only)
    else:
        with atomic_write(output, newline="") as out:
            result.write(out, fmt, rules=rules_only)
        click.echo(f"wrote {output}", err=True)
    if check and result.failed:
        ctx.exit(1)


def _counts_within(period: str) -> bool:
    from kxgraph.timeline import counts_within

    return counts_within(open_graph(), period)
