"""Where the ontology, shapes and shipped data files are, in a checkout or an installed wheel."""

from __future__ import annotations

import sys
from pathlib import Path

from kxgraph.errors import KxError

_PACKAGE = Path(__file__).resolve().parent


def _roots() -> list[Path]:
    # A checkout (or editable install) keeps them at the repository's top; a wheel under share/.
    return [_PACKAGE.parent.parent, Path(sys.prefix) / "share" / "kxgraph"]


def resource_path(relative: str) -> Path:
    """Return the path of a shipped file such as ``ontology/kx.ttl``.

    >>> resource_path("ontology/kx.ttl").name
    'kx.ttl'
    """
    for root in _roots():
        candidate = root / relative
        if candidate.exists():
            return candidate
    raise KxError(f"shipped file not found: {relative} (is kxgraph installed completely?)")


def package_path(relative: str) -> Path:
    """Return the path of a file shipped inside the package (named queries, templates)."""
    return _PACKAGE / relative
