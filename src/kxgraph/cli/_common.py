"""What every command shares: opening the store from the global options, and writing output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import click

from kxgraph.output.render import ALL_FORMATS, TABULAR_FORMATS


@dataclass
class StoreOptions:
    """The global options that say which store to open."""

    store_path: str | None = None
    memory: bool = False
    endpoint: str | None = None
    update_endpoint: str | None = None
    as_of: Any = None  # a kxgraph.timeline.When set by --as-of: the command sees the graph as it stood then
    _graph: Any = field(default=None, repr=False)

    def graph(self, ctx: click.Context, *, mode: str = "r", missing_ok: bool = False):
        """Open (once per command) and return the ``KxGraph`` these options name.

        ``mode`` is ``kxgraph.store.open_store``'s: reading commands open ``"r"`` (a missing store
        is an error, no write lock is taken, nothing is written), commands that add data
        ``"create"``, and the others that write ``"rw"``. ``missing_ok`` reads a missing store as empty.
        """
        if self._graph is None:
            from kxgraph.graph import KxGraph
            from kxgraph.store import open_store

            self._graph = KxGraph(open_store(self.store_path, memory=self.memory, endpoint=self.endpoint,
                                             update_endpoint=self.update_endpoint, mode=mode,
                                             missing_ok=missing_ok))
            ctx.call_on_close(self._graph.close)
            if self.as_of is not None:
                from kxgraph.timeline import as_of

                self._graph = as_of(self._graph, self.as_of)
                for note in self._graph.snapshot.notes:
                    click.echo(f"kx: note: {note}", err=True)
        return self._graph


def open_graph(*, mode: str = "r", missing_ok: bool = False):
    """Return the graph named by the global options of the current command, opened in ``mode``."""
    ctx = click.get_current_context()
    return ctx.find_object(StoreOptions).graph(ctx, mode=mode, missing_ok=missing_ok)


def as_of_option(command: Callable) -> Callable:
    """The one ``--as-of DATE|YEAR`` option: the command then sees only what existed on that day."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
        if value is not None:
            from kxgraph.timeline import parse_when

            ctx.find_object(StoreOptions).as_of = parse_when(value)  # a bad date fails before any work

    return click.option("--as-of", metavar="DATE|YEAR", expose_value=False, callback=remember,
                        help="Only what existed on this day (YYYY-MM-DD, YYYY-MM, or YYYY = its last day).")(command)


def format_option(formats: tuple[str, ...] = TABULAR_FORMATS, default: str = "table") -> Callable:
    """The one ``--format`` option, shared by every command that prints results."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=default,
                        show_default=True, help="Output format.")


def labels_option(command: Callable) -> Callable:
    """``--lang zh|en`` and ``--no-labels``: the label column beside each column of entities."""
    command = click.option("--labels/--no-labels", default=True, show_default=True,
                           help="Add a label column (x_label) beside each column of entity IRIs "
                                "in table, excel, markdown and html output.")(command)
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                        help="Language of the label columns.")(command)


def emit(result, fmt: str, *, labels: bool = False, lang: str = "zh") -> None:
    """Write a result to standard output in ``fmt`` (the one place output is rendered); with
    ``labels``, the formats people read get label columns (``Result.with_labels``)."""
    import sys

    from kxgraph.output.formats import LABELLED_FORMATS
    from kxgraph.output.render import render, render_page

    if labels and fmt in LABELLED_FORMATS and hasattr(result, "with_labels"):
        result = result.with_labels(lang)

    if fmt == "html" and result.kind != "graph":
        render_page(result, sys.stdout)  # a file of its own, opened from disk
    else:
        render(result, fmt, sys.stdout)


def read_sparql(sparql: str | None, path: str | None) -> str:
    """The SPARQL text of a command: its argument, ``-f FILE``, or standard input."""
    import sys

    from kxgraph.errors import ParameterError
    from kxgraph.sparql.query import decode_query, read_query_text

    if sparql is not None and path is not None:
        raise ParameterError("give the SPARQL as an argument or with -f FILE, not both")
    if path is not None:
        text, where = read_query_text(path), path
    elif sparql is not None and sparql != "-":
        text, where = sparql, "the argument"
    elif sys.stdin.isatty():
        raise ParameterError("give SPARQL as an argument, with -f FILE, or on standard input")
    else:
        text, where = decode_query(sys.stdin.buffer.read()), "standard input"
    if not text.strip():
        raise ParameterError(f"no SPARQL in {where}: it is empty")
    return text


__all__ = ["StoreOptions", "open_graph", "format_option", "emit", "read_sparql", "ALL_FORMATS", "TABULAR_FORMATS"]


class Progress:
    """A bar on stderr (a terminal only), drawn every half second once the work has taken 2 s;
    a subclass says what the bar shows (``line``)."""

    AFTER = 2.0

    def __init__(self) -> None:
        import sys
        import threading
        import time

        self.clock, self.out = time.monotonic, sys.stderr
        self.on = self.out.isatty()  # drawn at all
        self.start, self.shown = self.clock(), False
        self.stop = threading.Event()
        self.ticker = threading.Thread(target=self._tick, daemon=True)

    def line(self) -> str:
        raise NotImplementedError

    def __enter__(self):
        if self.on:
            self.ticker.start()
        return self

    def _tick(self) -> None:
        while not self.stop.wait(0.5):
            elapsed = self.clock() - self.start
            if elapsed > self.AFTER:
                self.shown = True
                self.out.write(f"\r{self.line()} {elapsed:.0f} s   ")
                self.out.flush()

    def __exit__(self, *exc) -> None:
        self.stop.set()
        if self.ticker.is_alive():
            self.ticker.join()
        if self.shown:
            self.out.write("\n")
