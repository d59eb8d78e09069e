"""What every command shares: opening the store from the global options, and writing output."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
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
    _graph: Any = field(default=None, repr=False)

    def graph(self, ctx: click.Context, *, read_only: bool = False):
        """Open (once per command) and return the ``KxGraph`` these options name.

        The embedded store is always opened with its lock, even for reading: RocksDB's lock-free
        read-only mode is undefined while another process writes, so a second process waits a
        moment and then gets a clear "store is busy" error instead. ``read_only`` keeps a
        command from writing to an endpoint, and from creating an empty embedded store where
        there is none: a mistyped --store path is an error, not an empty answer. A store that
        cannot be written (a read-only share or disk) is then opened lock-free, since nobody
        can be writing to it through this path.
        """
        if self._graph is None:
            import kxgraph
            from kxgraph.errors import StoreError

            embedded = not (self.endpoint or self.memory)
            if read_only and embedded:
                _require_store(Path(self.store_path or ".kxgraph"))
            try:
                self._graph = kxgraph.open(self.store_path, memory=self.memory, endpoint=self.endpoint,
                                           update_endpoint=self.update_endpoint,
                                           read_only=read_only and bool(self.endpoint))
            except StoreError as exc:
                if not (read_only and embedded and _unwritable(exc)):
                    raise
                self._graph = kxgraph.open(self.store_path, read_only=True)
            ctx.call_on_close(self._graph.close)
        return self._graph


def _unwritable(exc: Exception) -> bool:
    text = str(exc)
    return "Read-only file system" in text or "Permission denied" in text


def _require_store(path: Path) -> None:
    from kxgraph.errors import StoreError

    if not path.exists():
        raise StoreError(f"no store at {path}; build one with kx demo or kx load FILE, "
                         "or name it with --store or $KXGRAPH_STORE")


def open_graph(*, read_only: bool = False):
    """Return the graph named by the global options of the current command."""
    ctx = click.get_current_context()
    return ctx.find_object(StoreOptions).graph(ctx, read_only=read_only)


def format_option(formats: tuple[str, ...] = TABULAR_FORMATS, default: str = "table") -> Callable:
    """The one ``--format`` option, shared by every command that prints results."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=default,
                        show_default=True, help="Output format.")


def emit(result, fmt: str) -> None:
    """Write a result to standard output in ``fmt`` (the one place output is rendered)."""
    import sys

    from kxgraph.output.render import render, render_page

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
