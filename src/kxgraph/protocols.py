"""What features need from the graph they work on, as a small protocol (so they never import the facade).

``KxGraph`` has this shape; so may a test double or another front end.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from kxgraph.output.results import Result
from kxgraph.store.base import Store


class GraphLike(Protocol):
    """A store, and read-only SPARQL over it with substitutions, a row limit and a timeout."""

    store: Store

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None,
              limit: int | None = None, timeout: float | None = None,
              allow_service: bool = False) -> Result:
        """Run a read-only SPARQL query and return its ``Result``."""
