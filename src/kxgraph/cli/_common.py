"""What every command shares: opening the store from the global options, and writing output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import click

from ..render import ALL_FORMATS, TABULAR_FORMATS


@dataclass
class StoreOptions:
    """The global options that say which store to open."""

    store_path: str | None = None
    memory: bool = False
    _graph: Any = field(default=None, repr=False)

    def graph(self, ctx: click.Context, *, read_only: bool = False):
        """Open (once per command) and return the ``KxGraph`` these options name."""
        if self._graph is None:
            import kxgraph

            self._graph = kxgraph.open(self.store_path, memory=self.memory, read_only=read_only)
            ctx.call_on_close(self._graph.close)
        return self._graph


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

    from ..render import render

    render(result, fmt, sys.stdout)


__all__ = ["StoreOptions", "open_graph", "format_option", "emit", "ALL_FORMATS", "TABULAR_FORMATS"]
