"""``kx sources`` and ``kx diff``: what the store was built from, and what a re-import would change."""

from __future__ import annotations

import click

from kxgraph.cli._common import TABULAR_FORMATS, emit, format_option, open_graph


@click.command()
@format_option(TABULAR_FORMATS)
def sources(fmt: str) -> None:
    """List the sources: every file set loaded or imported, with its counts and when.

    \b
    Example:
      kx sources
      kx drop workstations      # remove one source and every fact it wrote
    """
    emit(open_graph(read_only=True).sources(), fmt)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--source", metavar="NAME", help="Compare with this source (default: the files' source).")
@click.option("--mapping", metavar="NAME|FILE.yaml", help="As for kx import.")
@click.option("--encoding", metavar="NAME", help="As for kx import.")
@click.option("--sheet", metavar="NAME", help="As for kx import.")
@click.option("--rdf-format", metavar="FORMAT", help="For RDF files, as kx load --format.")
@format_option(TABULAR_FORMATS)
def diff(files: tuple[str, ...], source: str | None, mapping: str | None, encoding: str | None,
         sheet: str | None, rdf_format: str | None, fmt: str) -> None:
    """Show what importing FILES again would add, change and remove; write nothing.

    \b
    One row per change, in names rather than IRIs: an entity added or removed, a
    fact added, removed or changed (before → after).

    \b
    Example:
      kx diff workstations-修订版.xlsx
    """
    emit(open_graph(read_only=True).diff(*files, source=source, mapping=mapping, encoding=encoding,
                                          sheet=sheet, format=rdf_format), fmt)
