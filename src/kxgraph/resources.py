"""Shipped files, read as package data through ``importlib.resources``.

Everything kxgraph needs at run time is inside the package, so a wheel carries it and a checkout
and an installed copy behave the same:

- ``package_path``: files of the code itself: ``queries/**.rq``, ``templates/`` (page shell,
  view, SPARQL templates), ``resources/`` (mappings, name lists, vis-network);
- ``resource_path``: the shipped data under ``kxgraph/data/``: ``ontology/*.ttl`` (ontology,
  shapes, indicators, collaboration links, rules), ``places/gazetteer.ttl``,
  ``taiyuan/taiyuan.trig`` and its ``source/`` text, and the import ``templates/``.

A missing file is an error (``NotFoundError``), never a silent skip: a half-installed kxgraph
would otherwise load less of the ontology, or check fewer figures, and say nothing.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from kxgraph.errors import NotFoundError

DATA = "data"  # the folder of the package that holds the shipped data


@lru_cache(maxsize=1)
def _root() -> Path:
    root = resources.files("kxgraph")
    if not isinstance(root, Path):  # pragma: no cover - a zipped install
        raise NotFoundError("kxgraph must be installed as files (not zipped) to read its shipped data")
    return root


def package_path(relative: str) -> Path:
    """Return the path of a file or folder shipped inside the package (queries, templates).

    >>> package_path("templates/page.html").name
    'page.html'
    """
    return _existing(_root() / relative, relative)


def resource_path(relative: str) -> Path:
    """Return the path of a shipped data file such as ``ontology/kx.ttl`` or ``places/gazetteer.ttl``.

    The older spelling with a leading ``data/`` (``data/places/gazetteer.ttl``) is accepted.

    >>> resource_path("ontology/kx.ttl").name
    'kx.ttl'
    """
    relative = relative.removeprefix(f"{DATA}/")
    return _existing(_root() / DATA / relative, f"{DATA}/{relative}")


def _existing(path: Path, relative: str) -> Path:
    if not path.exists():
        raise NotFoundError(f"shipped file not found: kxgraph/{relative} (is kxgraph installed completely?)")
    return path


__all__ = ["package_path", "resource_path"]
