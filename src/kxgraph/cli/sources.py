"""``kx sources`` and ``kx diff``: what the store was built from, and what a re-import would change."""

from __future__ import annotations

import click

from kxgraph.cli._common import TABULAR_FORMATS, emit, format_option, open_graph


@click.command()
@format_option(TABULAR_FORMATS)
def sources(fmt: str) -> None:
    """List the sources: every file set loaded or imported, with its counts and when.

    \b
    A source's name is what kx drop takes; its id (kxsrc:NAME) is its PROV
    record, for kx show. Records are not entities: kx find leaves them out.

    \b
    Example:
      kx sources
      kx show kxsrc:workstations   # the record: files, checksums, counts, when
      kx drop workstations         # remove one source and every fact it wrote
    """
    emit(open_graph().sources(), fmt)


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
    emit(open_graph().diff(*files, source=source, mapping=mapping, encoding=encoding,
                                          sheet=sheet, format=rdf_format), fmt)


_BY = click.option("--by", metavar="NAME", help="Who decides (default $KXGRAPH_USER or the login name).")


@click.command()
@click.argument("keep")
@click.argument("merge")
@_BY
def same(keep: str, merge: str, by: str | None) -> None:
    """Decide that two entities are one: MERGE becomes KEEP (IRIs, CURIEs or names).

    Every fact about MERGE now names KEEP; its IRI and names still find KEEP, and
    later imports apply the decision. Kept in the curation graph (kx decisions).

    \b
    Example:
      kx same 金智新 金智新院士
    """
    from kxgraph.vocab import shorten

    kept, merged = open_graph(mode="rw").same(keep, merge, by=by)
    click.echo(f"merged {merge} ({shorten(merged)}) into {keep} ({shorten(kept)})", err=True)


@click.command()
@click.argument("a")
@click.argument("b")
@_BY
def distinct(a: str, b: str, by: str | None) -> None:
    """Decide that two entities with close names are different people or organisations.

    \b
    Example:
      kx distinct 殷瑞钰 殷瑞玉
    """
    open_graph(mode="rw").distinct(a, b, by=by)
    click.echo(f"recorded: {a} and {b} are different", err=True)


@click.command()
@click.argument("entity")
@click.argument("name")
@_BY
def rename(entity: str, name: str, by: str | None) -> None:
    """Give ENTITY the zh name NAME; its old names stay as alternative labels, after re-imports too.

    \b
    Example:
      kx rename 太钢集团 太原钢铁（集团）有限公司
    """
    open_graph(mode="rw").rename(entity, name, by=by)
    click.echo(f"renamed {entity} to {name}", err=True)


@click.command()
@format_option(TABULAR_FORMATS)
def decisions(fmt: str) -> None:
    """List the curation decisions (same, distinct, rename) with who made them and when.

    \b
    Example:
      kx decisions
    """
    emit(open_graph().decisions(), fmt)
