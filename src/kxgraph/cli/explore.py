"""``kx find`` and ``kx show``: finding entities and seeing everything about one."""

from __future__ import annotations

import click

from kxgraph.cli._common import emit, format_option, labels_option, open_graph
from kxgraph.cli._deadline import timeout_option


@click.command()
@click.argument("text")
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True,
              help="Show at most this many entities.")
@format_option()
@timeout_option
def find(text: str, limit: int, fmt: str) -> None:
    """Find entities whose zh or en label contains TEXT, or whose pinyin does.

    \b
    Example:
      kx find 太原
      kx find taiyuan          # pinyin finds 太原
    """
    emit(open_graph().find(text, limit=limit), fmt)


@click.command()
@click.argument("entity")
@format_option()
@labels_option
@timeout_option
def show(entity: str, fmt: str, labels: bool, lang: str) -> None:
    """Show an entity (IRI, CURIE or exact label): type, labels, properties, links and sources.

    \b
    Example:
      kx show kxorg:taiyuan-cast
      kx show 太原市科学技术协会
    """
    emit(open_graph().show(entity), fmt, labels=labels, lang=lang)
