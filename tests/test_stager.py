"""A big N-Triples file is scanned, and its index rows staged, by a child process beside the bulk
loader (kxgraph.store.stager): the index it leaves is the one a rebuild gives, a failed load leaves
the index as it was, and a child that fails or dies costs speed, never a wrong index. Synthetic
data, no real names."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

import kxgraph
from kxgraph.errors import InputError
from kxgraph.store import stager
from tests.test_ntscan import L, PLAIN, _fts_whole, _hits, _index

MANY = "\n".join(PLAIN.replace("/e", f"/n{i}e") for i in range(40)) + "\n"


@pytest.fixture
def apart(monkeypatch):
    """Every N-Triples file of a load goes to the child process, however small; the children started are counted."""
    monkeypatch.setattr(stager, "APART", 0)
    started = []
    scan = stager.Stager.scan

    def counted(self, path, graph, **kwargs):
        started.append((path.name, graph))
        return scan(self, path, graph, **kwargs)

    monkeypatch.setattr(stager.Stager, "scan", counted)
    return started


def _loaded(tmp_path, *names: str) -> tuple[kxgraph.KxGraph, list]:
    g = kxgraph.open(tmp_path / "store", mode="create")
    paths = []
    for name in names:
        path = tmp_path / name
        path.write_text(MANY.replace("/syn/", f"/syn/{path.stem}/"), encoding="utf-8")
        paths.append(path)
    g.load(*paths)
    return g, paths


def test_a_load_staged_by_the_child_indexes_what_a_rebuild_gives(tmp_path, apart):
    g, paths = _loaded(tmp_path, "first.nt", "second.nt")  # a new store: the child empties the tables first
    assert [name for name, _ in apart] == ["first.nt", "second.nt", "record-0.nt", "record-1.nt"]
    loaded, found = _index(g), _hits(g, "测试公司", "ceshi")
    _fts_whole(g)
    assert g.store.index.usable
    assert len(found[0]) == 160 and len(found[1]) == 160  # 合成测试公司 of 2 entities x 40 copies x 2 files
    g.reindex()
    assert loaded == _index(g) and found == _hits(g, "测试公司", "ceshi")
    g.close()


def test_a_load_into_a_store_with_an_index_adds_the_childs_rows_to_it(tmp_path, apart):
    g, _ = _loaded(tmp_path, "first.nt")
    more = tmp_path / "more.nt"
    more.write_text(MANY.replace("/syn/", "/syn/more/"), encoding="utf-8")
    g.load(more)
    loaded = _index(g)
    g.reindex()
    assert loaded == _index(g)
    assert any("/syn/more/" in row[1] for row in loaded[0])
    g.close()


def test_a_small_file_is_scanned_in_the_loading_process(tmp_path):
    g, _ = _loaded(tmp_path, "small.nt")
    assert stager.worth(tmp_path / "small.nt") is False
    assert g.store.index.apart is None and g.store.index.usable
    g.close()


def test_a_load_that_fails_after_the_child_staged_a_file_leaves_the_index_as_it_was(tmp_path, apart):
    g, _ = _loaded(tmp_path, "first.nt")
    before = _index(g)
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text(MANY, encoding="utf-8")
    bad.write_text(f"<https://example.org/syn/e9> {L} \"合成\" \n", encoding="utf-8")  # no final dot
    with pytest.raises(InputError):
        g.load(good, bad)
    assert g.store.index.apart is None  # the child was stopped, its rows rolled back
    assert _index(g) == before and g.store.index.usable
    _fts_whole(g)
    g.close()


@pytest.mark.parametrize("child", [
    "import sys; sys.exit(3)",  # gone before it read anything
    # says it staged the file, then ends without committing
    "import sys, json; sys.stdin.readline(); print(json.dumps({'done': 0, 'unsure': False, 'suspect': False,"
    " 'lines': 1, 'labelled': 1, 'typed': 1, 'marked': 1}), flush=True); sys.exit(0)",
    "print('not the protocol', flush=True)",
    None,  # no interpreter to start
])
def test_a_child_that_fails_leaves_the_index_to_the_store_and_the_load_succeeds(tmp_path, apart, monkeypatch, child):
    if child is None:
        monkeypatch.setattr(stager.sys, "executable", str(tmp_path / "no-such-python"))
    else:
        monkeypatch.setattr(stager, "CHILD", ["-c", child])
    g, _ = _loaded(tmp_path, "first.nt")
    loaded = _index(g)
    assert g.store.index.usable  # every row read back from the store instead
    assert len(_hits(g, "测试公司", "ceshi")[0]) == 80
    g.reindex()
    assert loaded == _index(g)
    g.close()


def test_an_ill_typed_literal_found_by_the_child_is_still_refused(tmp_path, apart):
    path = tmp_path / "bad.nt"
    path.write_text(MANY + '<https://example.org/syn/x> <https://example.org/p> '
                    '"many"^^<http://www.w3.org/2001/XMLSchema#integer> .\n', encoding="utf-8")
    g = kxgraph.open(tmp_path / "store", mode="create")
    with pytest.raises(InputError, match="integer"):
        g.load(path)
    assert g.store.index.apart is None
    g.close()


def test_a_child_whose_parent_is_gone_stops_without_writing(tmp_path):
    path = tmp_path / "first.nt"
    path.write_text(MANY * 50, encoding="utf-8")  # more than one read of the child
    g = kxgraph.open(tmp_path / "store", mode="create")
    g.load(tmp_path / "first.nt")
    file = g.store.index.file
    g.close()
    before = file.read_bytes()
    not_parent = os.getppid()  # alive, and not the child's parent (this process is)
    proc = subprocess.run([sys.executable, "-m", "kxgraph.store.stager", str(file), str(not_parent)],
                          input=json.dumps({"scan": str(path), "graph": "https://example.org/syn/g", "clear": True})
                          + "\n" + json.dumps({"commit": True}) + "\n",
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1 and "done" not in proc.stdout and "committed" not in proc.stdout
    assert file.read_bytes() == before
    with sqlite3.connect(file) as conn:
        assert conn.execute("SELECT COUNT(*) FROM labels WHERE graph = 'https://example.org/syn/g'").fetchone()[0] == 0


def test_a_write_that_fails_after_the_child_was_asked_to_commit_leaves_the_index_untrusted(tmp_path, apart, monkeypatch):
    from kxgraph.errors import StoreError
    from kxgraph.store.oxigraph import OxigraphStore

    g, _ = _loaded(tmp_path, "first.nt")
    more = tmp_path / "more.nt"
    more.write_text(MANY.replace("/syn/", "/syn/more/"), encoding="utf-8")

    def fails(self, graph):
        raise StoreError("count failed")

    monkeypatch.setattr(OxigraphStore, "_count", fails)  # after the store's commit: the child may have committed
    with pytest.raises(StoreError):
        g.load(more)
    assert not g.store.index.usable  # its rows may be in the file, the counts are not: readers ask the store
    monkeypatch.undo()
    g.load(tmp_path / "first.nt", graph="https://example.org/syn/again")  # the next write rebuilds it
    loaded = _index(g)
    g.reindex()
    assert g.store.index.usable and loaded == _index(g)
    g.close()


def test_a_bulk_load_is_made_durable_by_syncing_the_log_not_by_a_flush_that_waits_for_compaction(tmp_path):
    class Watched:  # the pyoxigraph store, with its flushes counted
        def __init__(self, store):
            self.store, self.flushes = store, 0

        def flush(self):
            self.flushes += 1
            self.store.flush()

        def __getattr__(self, name):
            return getattr(self.store, name)

    path = tmp_path / "first.nt"
    path.write_text(MANY, encoding="utf-8")
    g = kxgraph.open(tmp_path / "store", mode="create")
    watched = g.store._store = Watched(g.store._store)
    g.load(path)
    g.close()
    assert watched.flushes == 0 and list((tmp_path / "store").glob("*.log"))  # the writes are in the synced log
    with kxgraph.open(tmp_path / "store") as again:  # replayed on the next open
        assert {n.value: int(c.value) for n, c in again.graphs().rows}[path.resolve().as_uri()] == 440
        assert len(_hits(again, "测试公司", "ceshi")[0]) == 80
