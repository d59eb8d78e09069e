"""``kx import`` and ``kx validate``: spreadsheets into the graph, checked first."""

from __future__ import annotations

import sys

import click

from kxgraph.errors import ParameterError, ValidationError
from kxgraph.cli._common import TABULAR_FORMATS, emit, format_option, open_graph

_FILES = click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
_MAPPING = click.option("--mapping", metavar="NAME|FILE.yaml",
                        help="Template name (workstations, enterprises …) or a YAML mapping; "
                             "default: recognise each sheet by its headers.")
_ENCODING = click.option("--encoding", metavar="NAME", help="CSV encoding (default: detect UTF-8/GBK).")
_SHEET = click.option("--sheet", metavar="NAME", help="Only this sheet of a workbook.")
_HEADERS = click.option("--headers", metavar="FILE.yaml", type=click.Path(dir_okay=False),
                        help="More header variants per column (district: [所在县区, 县区]), added to the shipped ones.")
_STRICT = click.option("--strict", is_flag=True,
                       help="Refuse unknown columns and names no sheet defines (default: keep them as notes "
                            "and minimal entities, and say so).")


def _notes(result, title: str) -> None:
    if len(result):
        from kxgraph.output.render import render

        click.echo(title, err=True)
        render(result, "table", sys.stderr)


@click.command("import")
@_FILES
@_MAPPING
@_ENCODING
@_SHEET
@_HEADERS
@_STRICT
@click.option("--skip-bad-rows", is_flag=True,
              help="Load the good rows and write the rejected ones to a CSV report.")
@click.option("--rejects", metavar="PATH", type=click.Path(dir_okay=False),
              help="Where --skip-bad-rows writes rejected rows (default FILE.rejects.csv beside FILE).")
@click.option("--source", metavar="NAME",
              help="The source these files are (default: each file's name without version marks).")
@click.option("--on-duplicate", type=click.Choice(["error", "keep", "merge", "ask"]), default="error",
              show_default=True, help="A name close to one the store holds, or to another of the same "
                                      "import (殷瑞玉 ~ 殷瑞钰): a problem, keep both, merge, or ask for each.")
@format_option(TABULAR_FORMATS)
def import_cmd(files: tuple[str, ...], mapping: str | None, encoding: str | None, sheet: str | None,
               headers: str | None, strict: bool, skip_bad_rows: bool, rejects: str | None,
               source: str | None, on_duplicate: str, fmt: str) -> None:
    """Import CSV/XLSX spreadsheets, each file into its own named graph.

    \b
    Every row is checked first (columns, dates, references, SHACL shapes); when
    any row fails nothing is written and every problem is listed, unless
    --skip-bad-rows. Columns no template knows (联系人) are kept as notes and
    hosts no sheet defines become organisations of their own; both are listed
    (--strict refuses them instead). Templates with Chinese and English
    headers ship in kxgraph/data/templates/ (workstations, enterprises, academicians,
    experts, projects, outputs, societies). Close names, against the store or
    within the import (殷瑞玉 ~ 殷瑞钰, 太钢集团 ~ 太原钢铁（集团）有限公司), are
    problems until decided: --on-duplicate keep|merge|ask, or kx same/distinct.

    \b
    Each file is a source named after it without version marks
    (workstations-修订版.xlsx is the source workstations): importing it again,
    under any file name, replaces every fact the old version wrote (kx diff
    shows what would change first; kx sources lists them).

    \b
    Example:
      kx import enterprises.csv workstations.xlsx
      kx import 工作站名单.csv --encoding gbk --skip-bad-rows
      kx import sheet.xlsx --mapping my-mapping.yaml
    """
    graph = open_graph(mode="create")
    try:
        report = graph.import_tables(*files, mapping=mapping, encoding=encoding, sheet=sheet,
                                     skip_bad_rows=skip_bad_rows, rejects=rejects, headers=headers,
                                     strict=strict, source=source, on_duplicate=on_duplicate,
                                     ask=_ask if on_duplicate == "ask" else None)
    except ValidationError as exc:
        from kxgraph.tables.validate import problems_result

        _notes(problems_result(exc.problems), "problems (nothing was written):")
        raise
    emit(report.result(), fmt)
    if report.reference:
        click.echo(report.reference, err=True)
    from kxgraph.tables.validate import problems_result

    _notes(problems_result(report.plan.skipped), "not imported (totals, notes, instruction sheets):")
    _notes(report.warnings(), "warnings (imported):")
    _notes(report.created(), "created from names no sheet defines:")
    if "representative" in report.plan.shacl:
        click.echo(f"checked every row; {report.plan.shacl}", err=True)
    for path in report.rejects:
        click.echo(f"rejected rows written to {path}", err=True)
    _notes(report.duplicates, "likely duplicates, please confirm (not merged):")


def _ask(name: str, other: str, evidence: str) -> bool:
    also = f" (both linked to {evidence})" if evidence else ""
    return click.confirm(f"is {name} the same as {other}{also}?", err=True)


@click.command("validate")
@_FILES
@click.option("--store", "whole_store", is_flag=True, help="Validate what the store holds instead of files.")
@click.option("--graph", metavar="IRI", help="With --store: only this named graph.")
@_MAPPING
@_ENCODING
@_SHEET
@_HEADERS
@_STRICT
@format_option(TABULAR_FORMATS)
@click.pass_context
def validate_cmd(ctx: click.Context, files: tuple[str, ...], whole_store: bool, graph: str | None,
                 mapping: str | None, encoding: str | None, sheet: str | None, headers: str | None,
                 strict: bool, fmt: str) -> None:
    """Check spreadsheets (or the store) the way import does, without writing anything.

    \b
    Prints one row per problem: file, sheet, row, column, value, problem; exits
    with status 1 when there is any.

    \b
    Example:
      kx validate workstations.xlsx
      kx validate --store --format json
    """
    if whole_store == bool(files):
        raise ParameterError("give spreadsheet files or --store (not both)")
    kg = open_graph(missing_ok=not whole_store)  # files alone need no store; names then refer to them
    problems = kg.validate(*files, store=whole_store, graph=graph, mapping=mapping,
                           encoding=encoding, sheet=sheet, headers=headers, strict=strict)
    emit(problems, fmt)
    if len(problems):
        ctx.exit(1)
