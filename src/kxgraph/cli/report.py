"""``kx report``: the report's figures beside the counts computed from the graph's entities."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click

from kxgraph.cli._common import TABULAR_FORMATS, format_option, open_graph
from kxgraph.cli._deadline import timeout_option

OUTPUT_FORMATS = {".html": "html", ".htm": "html", ".csv": "csv", ".tsv": "tsv", ".json": "json",
                  ".xml": "xml", ".md": "markdown"}


@click.command("report")
@click.option("--period", metavar="P", help="Only figures of this period (IRI, slug or label).")
@click.option("--area", metavar="A",
              help="Only figures of this area, counting only entities located there (IRI, code or label).")
@format_option(TABULAR_FORMATS)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file instead of standard output; its extension (.html, .csv, "
                   ".json …) sets the format unless --format is given.")
@click.option("--rules", "rules_only", is_flag=True, help="Print only the consistency-rules table.")
@click.option("--check", is_flag=True,
              help="Exit with status 1 when a figure disagrees with the data or a rule fails.")
@click.pass_context
@timeout_option
def report(ctx: click.Context, period: str | None, area: str | None, fmt: str, output: str | None,
           rules_only: bool, check: bool) -> None:
    """Check the reported figures against the entities in the graph.

    \b
    Per figure: reported value (">N" for 余/多/以上), value computed from the
    entities, difference, status (agrees / disagrees / not computable /
    no entity data) and the source passage; then the consistency rules
    between figures (e.g. 129 + 62 + 151 = 342). csv, tsv and xml carry
    the figures table; add --rules for the rules table.

    \b
    Example:
      kx report
      kx report --format html -o report.html
      kx report --check || echo "figures and data disagree"
    """
    if output and ctx.get_parameter_source("fmt") == click.core.ParameterSource.DEFAULT:
        fmt = OUTPUT_FORMATS.get(Path(output).suffix.lower(), fmt)  # -o report.html means HTML
    result = open_graph(read_only=True).report(period=period, area=area)
    text = io.StringIO()
    result.write(text, fmt, rules=rules_only)
    if output is None:
        sys.stdout.write(text.getvalue())
    else:
        with open(output, "w", encoding="utf-8", newline="") as out:
            out.write(text.getvalue())
        click.echo(f"wrote {output}", err=True)
    if check and result.failed:
        ctx.exit(1)
