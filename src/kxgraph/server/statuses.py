"""The HTTP status that answers each library error (one map, shared by pages and the endpoint)."""

from __future__ import annotations

from kxgraph.errors import AmbiguousNameError, KxError, NotFoundError, StoreError


def status_of(exc: KxError) -> int:
    """The HTTP status that answers a library error."""
    if isinstance(exc, AmbiguousNameError):
        return 300
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreError):
        return 503  # busy (a load is writing) or gone: try again later
    return 400  # a bad parameter, a malformed or refused query: the request is at fault


__all__ = ["status_of"]
