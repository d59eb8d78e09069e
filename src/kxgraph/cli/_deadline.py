"""The ``--timeout`` option of interactive commands: one deadline for the whole command."""

from __future__ import annotations

import functools
from typing import Callable

import click


def timeout_option(command: Callable) -> Callable:
    """Add ``--timeout SECONDS`` (default ``$KXGRAPH_TIMEOUT`` or 60; 0 for none) to a command."""

    @functools.wraps(command)
    def wrapper(*args, timeout: float | None, **kwargs):
        from kxgraph.deadline import default_timeout, within

        with within(default_timeout() if timeout is None else timeout):
            return command(*args, **kwargs)

    return click.option("--timeout", type=click.FloatRange(min=0), metavar="SECONDS",
                        help="Give up after this many seconds (default $KXGRAPH_TIMEOUT or 60; 0: no limit).")(wrapper)
