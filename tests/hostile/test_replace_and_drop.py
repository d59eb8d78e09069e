"""Attack 8: replacing or dropping a big graph runs at load speed and stays all-or-nothing when killed.

A big replace or drop rebuilds the store around what stays (``kxgraph.store.rebuild``); these
tests kill it before and after its commit point and read the store back.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import CLI, run_kx

G = "https://example.org/big"


def _ntriples(path: Path, n: int, tag: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f'<https://example.org/{tag}{i}> <https://example.org/p> "{tag} {i}"@zh .\n')
    return path


SOURCE_RECORDS = "https://w3id.org/kxgraph/graph/source/"


REFERENCE = {"https://w3id.org/kxgraph/graph/ontology", "https://w3id.org/kxgraph/graph/gazetteer"}


def _counts(store: Path) -> dict[str, int]:
    import pyoxigraph as ox

    raw = ox.Store.read_only(str(store))
    try:
        counts: dict[str, int] = {}
        for quad in raw:
            if quad.graph_name.value.startswith(SOURCE_RECORDS) or quad.graph_name.value in REFERENCE:
                continue  # what kx sources lists, and the reference data the first load brought: not data
            key = f"{quad.graph_name.value}:{quad.object.value.split()[0]}"
            counts[key] = counts.get(key, 0) + 1
        return counts
    finally:
        del raw


@pytest.fixture
def big_store(tmp_path) -> Path:
    """150k triples in G (tag "old") and 50k in another graph that stays."""
    store = tmp_path / "store"
    assert run_kx(store, "load", "--graph", G, str(_ntriples(tmp_path / "old.nt", 150_000, "old"))).returncode == 0
    assert run_kx(store, "load", "--graph", "https://example.org/stays",
                  str(_ntriples(tmp_path / "stays.nt", 50_000, "stays"))).returncode == 0
    return store


BEFORE = {f"{G}:old": 150_000, "https://example.org/stays:stays": 50_000}
AFTER = {f"{G}:new": 150_000, "https://example.org/stays:stays": 50_000}


@pytest.mark.slow
def test_replace_of_a_big_graph_swaps_it_and_keeps_the_rest(tmp_path, big_store):
    new = _ntriples(tmp_path / "new.nt", 150_000, "new")
    result = run_kx(big_store, "load", "--replace", "--graph", G, str(new))
    assert result.returncode == 0, result.stderr
    assert _counts(big_store) == AFTER
    assert not (big_store / "kxgraph-rebuild").exists()


@pytest.mark.slow
def test_a_replace_with_an_ill_typed_value_changes_nothing(tmp_path, big_store):
    new = _ntriples(tmp_path / "new.nt", 150_000, "new")
    with new.open("a", encoding="utf-8") as out:
        out.write('<https://example.org/x> <https://example.org/p> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n')
    result = run_kx(big_store, "load", "--replace", "--graph", G, str(new))
    assert result.returncode == 1 and "new.nt:150001" in result.stderr and "xsd:integer" in result.stderr
    assert _counts(big_store) == BEFORE


@pytest.mark.slow
def test_drop_of_a_big_graph_keeps_the_rest(big_store):
    assert run_kx(big_store, "drop", G).returncode == 0
    assert _counts(big_store) == {"https://example.org/stays:stays": 50_000}


def _kill_when(store: Path, ready, *args: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CLI, "--store", str(store), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    assert proc.poll() is None, "finished before it could be killed: " + proc.stderr.read().decode()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_a_replace_killed_before_its_commit_point_leaves_the_old_graph(tmp_path, big_store):
    new = _ntriples(tmp_path / "new.nt", 150_000, "new")
    folder, journal = big_store / "kxgraph-rebuild", big_store / "kxgraph-load.json"
    _kill_when(big_store, lambda: folder.exists() and not journal.exists(),
               "load", "--replace", "--graph", G, str(new))
    result = run_kx(big_store, "graphs")  # the next command tidies up
    assert result.returncode == 0, result.stderr
    assert _counts(big_store) == BEFORE
    assert not folder.exists()


@pytest.mark.slow
def test_a_replace_killed_after_its_commit_point_is_finished_by_the_next_command(tmp_path, big_store):
    new = _ntriples(tmp_path / "new.nt", 150_000, "new")
    journal = big_store / "kxgraph-load.json"
    _kill_when(big_store, journal.exists, "load", "--replace", "--graph", G, str(new))
    result = run_kx(big_store, "stats")
    assert result.returncode == 0, result.stderr
    assert "finishing an interrupted replace" in result.stderr
    _assert_recovery_shown(result.stderr, triples=sum(AFTER.values()))
    assert _counts(big_store) == AFTER
    assert not journal.exists()


def _assert_recovery_shown(stderr: str, *, triples: int) -> None:
    """The next command says it is recovering, shows how far it has got, and what it ended with."""
    import re

    lines = stderr.splitlines()
    assert "recovering an interrupted write" in lines[0] and "B)" in lines[0], stderr
    percents = [int(m.group(1)) for line in lines if (m := re.search(r"recovering: reloaded (\d+)% \(", line))]
    assert len(percents) >= 2 and percents == sorted(percents) and percents[-1] == 100, stderr
    finished = next(line for line in lines if "is finished" in line)
    assert int(re.search(r"([\d,]+) triples", finished).group(1).replace(",", "")) >= triples


@pytest.mark.slow
def test_a_drop_killed_after_its_commit_point_is_finished_by_the_next_command(big_store):
    journal = big_store / "kxgraph-load.json"
    _kill_when(big_store, journal.exists, "drop", G)
    result = run_kx(big_store, "graphs")
    assert result.returncode == 0, result.stderr
    _assert_recovery_shown(result.stderr, triples=50_000)
    assert _counts(big_store) == {"https://example.org/stays:stays": 50_000}
