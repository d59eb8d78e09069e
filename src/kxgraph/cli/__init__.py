"""The ``kx`` command line: a thin shell over the ``kxgraph`` library.

Commands live in small modules of this package, each a few lines over one library call. Only
click and kxgraph's light modules are imported here, so ``kx --help`` starts fast.
"""

from __future__ import annotations

import importlib
import os
import sys

import click

from kxgraph import __version__
from kxgraph.boundary import printable
from kxgraph.errors import AmbiguousNameError, KxError

# Command name -> "module:function" in this package; modules are imported when first needed.
COMMANDS: dict[str, str] = {
    # issue 3: store, load, query, explore
    "load": "store:load", "graphs": "store:graphs", "drop": "store:drop", "stats": "store:stats",
    "update": "store:update", "reindex": "store:reindex", "query": "query:query", "queries": "query:queries",
    "find": "explore:find", "show": "explore:show",
    # issue 4: generate
    "generate": "generate:generate",
    # issue 5: view, analyze, path, export
    "view": "network:view", "analyze": "network:analyze", "path": "network:path",
    "export": "network:export",
    # issue 6: import, validate
    "import": "tables:import_cmd", "validate": "tables:validate_cmd",
    # issue 7: demo
    "demo": "demo:demo",
    # issue 8: report
    "report": "report:report",
    # issue 11: sources, identity, corrections
    "sources": "sources:sources", "diff": "sources:diff", "same": "sources:same",
    "distinct": "sources:distinct", "rename": "sources:rename", "decisions": "sources:decisions",
    # issue 18: time
    "timeline": "_time:timeline",
    # issue 17: matching experts to needs
    "match": "match:match",
    # issue 19: serve
    "serve": "serve:serve",
}


class KxGroup(click.Group):
    """A click group that loads its commands lazily and turns KxError into one clean line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module, _, attr = COMMANDS[name].partition(":")
            return getattr(importlib.import_module(f"{__name__}.{module}"), attr)
        return super().get_command(ctx, name)

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.UsageError as exc:  # a bad global option, before any command runs
            click.echo(f"kx: error: {exc.format_message()} (see kx --help)", err=True)
            sys.exit(exc.exit_code)

    def __call__(self, *args, **kwargs):
        try:
            return super().__call__(*args, **kwargs)
        except SystemExit as exc:
            from kxgraph.deadline import abandoned

            if abandoned():  # a query given up on still runs in Oxigraph: do not wait for it,
                for stream in (sys.stdout, sys.stderr):  # nor let interpreter shutdown pull the thread
                    try:                                 # from under it
                        stream.flush()
                    except (OSError, ValueError):  # a pipe closed by its reader (| head)
                        pass
                os._exit(exc.code if isinstance(exc.code, int) else 1)
            raise

    def invoke(self, ctx: click.Context):
        import warnings

        warnings.showwarning = _warning_line  # kxgraph warns (KxWarning) where it changed data for you
        try:
            return super().invoke(ctx)
        except KxError as exc:
            _fail(ctx, exc)
        except click.exceptions.NoArgsIsHelpError:
            raise
        except click.ClickException as exc:  # a bad option or argument: one line too, with a pointer
            usage = isinstance(exc, click.UsageError) and exc.ctx is not None
            hint = f" (see {exc.ctx.command_path} --help)" if usage else ""
            click.echo(f"kx: error: {exc.format_message()}{hint}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("kx: interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:
            sys.stderr.close()  # quietly stop when piped into `head`
            ctx.exit(1)
        except UnicodeEncodeError as exc:  # a terminal or pipe that cannot carry Chinese text
            click.echo(f"kx: error: standard output is {exc.encoding}, which cannot carry this text; "
                       "set PYTHONIOENCODING=utf-8 (or PYTHONUTF8=1)", err=True)
            ctx.exit(1)
        except OSError as exc:  # a file that cannot be read or written, e.g. -o into a missing folder
            where = f"{exc.filename}: " if exc.filename else ""
            click.echo(f"kx: error: {printable(where + str(exc.strerror or exc))}", err=True)
            ctx.exit(1)
        except (click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the one boundary maps what it knows; the rest is a bug
            from kxgraph.boundary import translate

            mapped = translate(exc)
            if mapped is None:
                raise
            _fail(ctx, mapped)


def _fail(ctx: click.Context, exc: KxError) -> None:
    """Print a ``KxError`` as one line, control characters escaped, and exit with its code.

    A name several entities share is the exception: its numbered "which one?" list is a line per
    entity (each line escaped; ``explore.which_one`` escapes the labels it quotes).
    """
    text = exc.message(_flag_namer(ctx))
    if isinstance(exc, AmbiguousNameError):
        click.echo("\n".join(f"kx: error: {printable(line)}" if i == 0 else printable(line)
                             for i, line in enumerate(text.split("\n"))), err=True)
    else:
        click.echo(f"kx: error: {printable(text)}", err=True)
    ctx.exit(exc.exit_code)


def _warning_line(message, category, *rest) -> None:
    if hasattr(message, "message") and callable(message.message):
        message = message.message(_flag_namer(click.get_current_context(silent=True)))
    click.echo(f"kx: warning: {message}", err=True)


def _flag_namer(ctx: click.Context | None):
    """``name -> option`` for the parameters a library message names (``kxgraph.errors.option``).

    The option is looked up among the running command's own parameters, then the commands above it
    (``--store``, ``--update-endpoint``), then a sub-command's: ``scale`` is ``--scale``,
    ``on_duplicate`` ``--on-duplicate``, an argument its metavar (``FILE``).
    """
    commands: list[click.Command] = []
    while ctx is not None:
        commands.append(ctx.command)
        if isinstance(ctx.command, click.Group) and ctx.invoked_subcommand:
            sub = ctx.command.get_command(ctx, ctx.invoked_subcommand)
            if sub is not None and sub not in commands:
                commands.insert(0, sub)
                commands.extend(getattr(sub, "commands", {}).values())
        ctx = ctx.parent

    def flag(name: str) -> str:
        for command in commands:
            for param in command.params:
                if param.name != name:
                    continue
                if isinstance(param, click.Option):
                    return max(param.opts, key=lambda o: (o.startswith("--"), len(o)))
                return param.human_readable_name
        return "--" + name.replace("_", "-")
    return flag


@click.group(cls=KxGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="kx")
@click.option("--store", "store_path", envvar="KXGRAPH_STORE", metavar="PATH",
              help="Embedded store directory (default ./.kxgraph, or $KXGRAPH_STORE).")
@click.option("--memory", is_flag=True, help="Use a throw-away in-memory store.")
@click.option("--endpoint", metavar="URL", envvar="KXGRAPH_ENDPOINT",
              help="Use a SPARQL 1.1 query endpoint instead (credentials: $KXGRAPH_ENDPOINT_USER, "
                   "$KXGRAPH_ENDPOINT_PASSWORD).")
@click.option("--update-endpoint", metavar="URL", help="The endpoint's SPARQL update URL (for writes).")
@click.pass_context
def main(ctx: click.Context, store_path: str | None, memory: bool, endpoint: str | None,
         update_endpoint: str | None) -> None:
    """kx: explore the collaboration network of a science-and-technology association.

    \b
    Load RDF or spreadsheets into an embedded store, query it with SPARQL or named queries,
    find and describe entities, analyse the network and export offline HTML network views.

    \b
    Example:
      kx demo                      # build the demo graph, views and answers
      kx find 太原                  # entities whose label matches
      kx query workstations-by-district
    """
    from kxgraph.cli._common import StoreOptions

    ctx.obj = StoreOptions(store_path=store_path, memory=memory, endpoint=endpoint,
                           update_endpoint=update_endpoint)
