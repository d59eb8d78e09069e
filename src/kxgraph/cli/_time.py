"""``kx timeline`` and the time parts of ``kx report`` (--period within bounds, --write, --diff)."""

from __future__ import annotations

import sys

import click

from kxgraph.cli._common import TABULAR_FORMATS, as_of_option, emit, format_option, open_graph


def _out(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        from kxgraph.output.files import write_text

        write_text(output, text)
        click.echo(f"wrote {output}", err=True)


def report_over_time(*, period: str | None, lang: str | None, diff: bool, fmt: str, output: str | None) -> None:
    """``kx report --period`` counted within a period, or ``--write`` / ``--diff``."""
    from kxgraph.output.render import render_to_string

    graph = open_graph()
    if lang is None:
        from kxgraph.timeline import period_report

        result = period_report(graph, period)
        _out(render_to_string(result, fmt), output)
        return
    from kxgraph.writeup import diff_text, paragraphs, write

    result = write(graph, lang=lang)
    if fmt != "table":
        _out(render_to_string(result, fmt), output)
    else:
        _out(diff_text(result) if diff else paragraphs(result), output)


@click.command("timeline")
@as_of_option
@click.option("--what", "what", multiple=True, metavar="KIND",
              help="What to count per year (repeat or comma-separate): founded, expert-stations, elected, "
                   "introduced, started, completed, transferred, produced, golden-bridge, events. Default: all.")
@format_option(TABULAR_FORMATS)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (needed for html).")
def timeline(what: tuple[str, ...], fmt: str, output: str | None) -> None:
    """How the network grew: per-year counts of what was founded, elected, started, transferred, produced.

    \\b
    Example:
      kx timeline
      kx timeline --what founded,started --format csv
      kx timeline --format html -o growth.html
    """
    from kxgraph.output.render import render_to_string
    from kxgraph.timeline import timeline as compute, timeline_page

    kinds = [k.strip() for item in what for k in item.split(",") if k.strip()] or None
    if fmt == "html" and output is None:
        raise click.UsageError("--format html writes a page: give -o FILE")
    result = compute(open_graph(), what=kinds)
    if fmt == "html":
        _out(timeline_page(result), output)
    elif output is None:
        emit(result, fmt)
    else:
        _out(render_to_string(result, fmt), output)
