"""The label index and kept counts after a write killed with SIGKILL at each point around its commit:
the next read-only command (which finishes or undoes the write) never serves stale index data, and
the next write leaves the index equal to a rebuild. Synthetic data, no real names."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

KX = "https://w3id.org/kxgraph/ns#"

# `kx` that stops at one named point of a load (says so, then waits until killed)
PAUSED = """
import sys, kxgraph.store.oxigraph as o, kxgraph.store.index as ix
point = sys.argv.pop(1)
if point.endswith("-apart"):       # the file's rows staged by a child process (kxgraph.store.stager)
    import kxgraph.store.stager as stager
    stager.APART, point = 0, point[:-len("-apart")]
def pause(real):
    def wrapper(*args, **kwargs):
        if point.endswith("-after"):
            real(*args, **kwargs)
        print("paused", flush=True)
        sys.stdin.read()
    return wrapper
if point.startswith("journal"):   # the store has committed, its journal is still there
    o.OxigraphStore._remove_journal = pause(o.OxigraphStore._remove_journal)
elif point.startswith("refresh"):  # journal gone, the index not yet refreshed
    ix.Index.refresh = pause(ix.Index.refresh)
elif point.startswith("staged"):  # the file read, its rows in the index's tables, nothing committed
    ix._Staging.done = pause(ix._Staging.done)
elif point.startswith("reported"):  # the child staged the rows, uncommitted, and said so
    stager.Stager.report = pause(stager.Stager.report)
elif point == "rebuild":           # a replace by rebuilding the store, just past its commit point
    import kxgraph.store.rebuild as rebuild
    rebuild.run = pause(rebuild.run)
else:                              # half-way through the index's transaction
    ix.Index._index_graph = pause(ix.Index._index_graph)
from kxgraph.cli import main; main()
"""


def _file(path: Path, n: int, word: str) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(f'<{KX}{word}{i}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{KX}Enterprise> .\n'
                      f'<{KX}{word}{i}> <http://www.w3.org/2000/01/rdf-schema#label> "合成{word}{i}"@zh .\n')
    return path


def _killed(store: Path, point: str, *args: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", PAUSED, point, "--store", str(store), *args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line == "paused\n", line + proc.stderr.read()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _read(kx, *args: str, columns: tuple[str, ...]) -> list:
    result = kx(*args, "--format", "json")
    assert result.exit_code == 0, result.stderr
    return sorted(tuple(row[c]["value"] for c in columns) for row in json.loads(result.stdout)["results"]["bindings"])


def _fresh(store: Path) -> tuple[list, list]:
    """Graph sizes and entities per class counted by SPARQL, the index set aside."""
    import kxgraph

    with kxgraph.open(store) as g:
        g.store.index.counts = lambda: None
        g.store.index.find = lambda *a, **k: None
        graphs = sorted((_text(n), _text(c)) for n, c in g.graphs().rows)
        stats = sorted((_text(row[0]), _text(row[3])) for row in g.stats().rows)
        found = sorted(_text(row[0]) for row in g.find("合成new7").rows)
    return graphs, stats, found


def _text(term) -> str:
    return str(getattr(term, "value", term))


def _kept(kx) -> tuple[list, list]:
    graphs = _read(kx, "graphs", columns=("graph", "triples"))
    stats = _read(kx, "stats", columns=("item", "count"))
    found = [row[0] for row in _read(kx, "find", "合成new7", columns=("entity",))]
    return graphs, stats, found


@pytest.mark.slow
@pytest.mark.parametrize("point", ["staged-after", "journal-after", "refresh", "index-after",
                                   "reported-after-apart", "journal-after-apart", "refresh-apart", "index-after-apart"])
def test_a_load_killed_around_its_commit_never_leaves_stale_index_data(kx, store_path, tmp_path, point):
    kx("load", str(_file(tmp_path / "old.nt", 300, "old")))
    _killed(store_path, point, "load", str(_file(tmp_path / "new.nt", 3000, "new")))
    kept = _kept(kx)  # read-only commands: the first one finishes or undoes the killed load
    assert kept == _fresh(store_path)
    assert any("new" in row for row in kept[2]) == (point not in ("staged-after", "reported-after-apart"))
    kx("load", str(_file(tmp_path / "more.nt", 10, "more")))  # the next write: index in step again
    assert _kept(kx) == _fresh(store_path)


@pytest.mark.slow
def test_a_replace_killed_past_its_commit_point_is_finished_by_a_read_with_the_index_in_step(kx, store_path, tmp_path):
    old = _file(tmp_path / "net.nt", 30_000, "old")  # big enough to be replaced by rebuilding the store
    kx("load", "--graph", "https://example.org/syn/g", str(old))
    _killed(store_path, "rebuild", "load", "--replace", "--graph", "https://example.org/syn/g",
            str(_file(tmp_path / "new.nt", 3000, "new")))
    kept = _kept(kx)
    assert kept == _fresh(store_path)
    assert ("https://example.org/syn/g", "6000") in kept[0] and kept[2]


def test_a_reader_that_finds_an_unfinished_write_does_not_trust_the_index(kx, store_path, tmp_path):
    import kxgraph
    from kxgraph.store.oxigraph import JOURNAL

    kx("load", str(_file(tmp_path / "old.nt", 30, "old")))
    with kxgraph.open(store_path) as g:
        assert g.store.index.usable
        (store_path / JOURNAL).write_text("{}", encoding="utf-8")  # as a write killed under this reader leaves it
        try:
            assert not g.store.index.usable and g.store.index.counts() is None
            counted = dict((n.value, int(c.value)) for n, c in g.graphs().rows)  # by SPARQL, not the index
            assert counted[(tmp_path / "old.nt").as_uri()] == 60
        finally:
            (store_path / JOURNAL).unlink()


@pytest.mark.slow
@pytest.mark.parametrize("point", ["staged-after", "reported-after-apart"])
def test_a_first_load_killed_with_its_rows_in_the_index_tables_leaves_nothing_of_them(kx, store_path, tmp_path, point):
    _killed(store_path, point, "load", str(_file(tmp_path / "new.nt", 3000, "new")))
    kept = _kept(kx)  # the tables' indexes were dropped for the rows and made again, none of it committed
    assert kept == _fresh(store_path) and kept[2] == []
    kx("load", str(_file(tmp_path / "more.nt", 10, "more")))
    assert _kept(kx) == _fresh(store_path)
    import sqlite3

    with sqlite3.connect(store_path / "kxgraph-index.sqlite") as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"labels_entity", "types_class"} <= names
