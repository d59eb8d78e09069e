"""The store layer: one interface (``base.Store``), two implementations, and ``open_store``.

    base.py      Store, LoadItem, binding for stores that cannot take substitutions
    oxigraph.py  OxigraphStore: embedded RocksDB or in-memory; journal, staging, recovery, locks
    endpoint.py  EndpointStore: any SPARQL 1.1 endpoint over HTTP
    rdfio.py     RDF formats (the one extension map), opening .gz / BOM files, parsing

Nothing in this package imports from above it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kxgraph.errors import ParameterError, StoreError, option

if TYPE_CHECKING:
    from kxgraph.store.base import Store

MODES = ("r", "rw", "create")
DEFAULT_PATH = ".kxgraph"


def open_store(path: str | Path | None = None, *, memory: bool = False, endpoint: str | None = None,
               update_endpoint: str | None = None, mode: str = "r", missing_ok: bool = False,
               timeout: float | None = None) -> "Store":
    """Open the store these options name: the one place that decides creation, read-only and locks.

    ``mode`` is ``"r"`` (read: the store must exist; no write lock is taken and nothing is written,
    so it works on a read-only disk and beside other readers), ``"rw"`` (read and write an existing
    store; one writer at a time) or ``"create"`` (as ``"rw"``, creating the store when missing).
    A memory store is always writable; an endpoint opened ``"r"`` never receives an update.
    ``missing_ok`` (with ``"r"``) opens an empty memory store where there is none on disk, for
    reads that can do without one (``kx validate FILE`` before anything is loaded).

    >>> open_store(memory=True, mode="create")
    OxigraphStore('memory')
    """
    if mode not in MODES:
        raise ParameterError(f"mode must be one of {', '.join(map(repr, MODES))}, not {mode!r}")
    if endpoint:
        from kxgraph.store.endpoint import EndpointStore

        return EndpointStore(endpoint, update_endpoint=update_endpoint, read_only=mode == "r",
                             **({"timeout": timeout} if timeout else {}))
    from kxgraph.store.oxigraph import OxigraphStore

    if memory:
        return OxigraphStore(None)
    where = Path(path if path not in (None, "") else DEFAULT_PATH)
    if where.exists() and not where.is_dir():
        raise StoreError(f"{where} is a file, not a store directory")
    if mode == "r" and missing_ok and not where.exists():
        return OxigraphStore(None)
    if mode != "create" and not is_store(where):
        hint = f"create one (kx demo, kx load FILE, or mode=\"create\") or give the right {option('path', flag='store_path')}"
        raise StoreError(f"no store at {where}; {hint} ($KXGRAPH_STORE)")
    return OxigraphStore(where, read_only=mode == "r")


def is_store(path: Path) -> bool:
    """True when ``path`` holds an embedded store (RocksDB's CURRENT file is there)."""
    return (path / "CURRENT").is_file()


__all__ = ["open_store", "is_store", "MODES", "DEFAULT_PATH"]
