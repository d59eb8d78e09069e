"""Shared by the attack tests: run ``kx`` in a subprocess with its memory capped, and dump the store.

Every attack asserts what a user would notice: one line on stderr, a non-zero exit, and a store
whose quads are exactly as before.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
CLI = "from kxgraph.cli import main; main()"
MEMORY_CAP = 1536 * 1024 * 1024  # address space, not resident memory: RocksDB reserves a lot up front


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def error_lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


def _cap_memory(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


# glibc reserves 64 MB of address space per malloc arena, one per thread up to 8 per core: under
# an address-space cap that reservation, not the memory used, decides whether RocksDB's threads can
# start. Two arenas make the cap measure what the command holds.
CAPPED_ENV = {"MALLOC_ARENA_MAX": "2"}


def run_kx(store: Path, *args: str, memory: int = MEMORY_CAP, timeout: float = 120, env: dict | None = None,
           input: str | None = None, stdout: Path | None = None, endpoint: str | None = None) -> Run:
    """Run ``kx --store STORE ARGS`` in a subprocess under an address-space cap.

    ``stdout`` names a file for the output (a large one is not held by the test); ``endpoint``
    runs ``kx --endpoint URL ARGS`` instead."""
    where = ["--endpoint", endpoint] if endpoint else ["--store", str(store)]
    with open(stdout, "wb") if stdout else open(os.devnull, "rb") as sink:
        proc = subprocess.run([sys.executable, "-c", CLI, *where, *args], text=True, timeout=timeout,
                              stdout=sink if stdout else subprocess.PIPE, stderr=subprocess.PIPE,
                              preexec_fn=_cap_memory(memory), input=input,
                              env={**os.environ, **CAPPED_ENV, **(env or {})})
    return Run(proc.returncode, proc.stdout or "", proc.stderr)


def quad_dump(store: Path) -> list[str]:
    """Every quad of the store as sorted N-Quads lines (read-only: the dump changes nothing)."""
    import pyoxigraph as ox

    if not store.exists():
        return []
    raw = ox.Store.read_only(str(store))
    try:
        return sorted(str(q) for q in raw)
    finally:
        del raw


def assert_refused(result: Run, *words: str) -> None:
    """One clean line on stderr, a non-zero exit, no traceback, and the line says why."""
    assert result.returncode != 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.error_lines) == 1, result.stderr
    for word in words:
        assert word.lower() in result.stderr.lower(), result.stderr


@pytest.fixture
def shipped_store(tmp_path) -> Path:
    """A store holding the shipped ontology, gazetteer and Taiyuan report (as kx demo loads them)."""
    import kxgraph
    from kxgraph.resources import resource_path
    from kxgraph.vocab import GAZETTEER_GRAPH

    path = tmp_path / "store"
    with kxgraph.open(path, mode="create") as g:
        g.load(ontology=True)
        g.load(resource_path("places/gazetteer.ttl"), graph=GAZETTEER_GRAPH, force_shipped=True)
        g.load(resource_path("taiyuan/taiyuan.trig"), force_shipped=True)
    return path


@pytest.fixture
def store(tmp_path):
    """A store with one small graph in it, to show it is left as it was."""
    path = tmp_path / "store"
    data = tmp_path / "before.ttl"
    data.write_text("<https://example.org/a> <https://example.org/p> 1 .\n", encoding="utf-8")
    assert run_kx(path, "load", str(data)).returncode == 0
    return path
