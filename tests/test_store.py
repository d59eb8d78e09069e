"""The embedded store under stress: a second process, a load killed with SIGKILL, a locked store."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

KX = "https://w3id.org/kxgraph/ns#"
CLI = "from kxgraph.cli import main; main()"


# `kx` in which pyoxigraph's bulk_load, once done, says so and waits (until killed, or until its
# standard input closes): the test acts at a known point of the load instead of sleeping into it.
PAUSED_CLI = """
import sys, pyoxigraph
_Real = pyoxigraph.Store
class _Paused:
    read_only = staticmethod(_Real.read_only)
    def __init__(self, *args, **kwargs):
        self._store = _Real(*args, **kwargs)
    def __getattr__(self, name):
        return getattr(self._store, name)
    def __len__(self):
        return len(self._store)
    def bulk_load(self, *args, **kwargs):
        self._store.bulk_load(*args, **kwargs)
        self._store.flush()
        print("staged, not committed", flush=True)
        sys.stdin.read()
pyoxigraph.Store = _Paused
from kxgraph.cli import main; main()
"""


def kx_process(*args: str, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CLI, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **popen)


def paused_load(store: Path, *load_args: str) -> subprocess.Popen:
    """Start `kx load` and return once its data is staged and the commit is still to come."""
    proc = subprocess.Popen([sys.executable, "-c", PAUSED_CLI, "--store", str(store), "load", *load_args],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line == "staged, not committed\n", line + proc.stderr.read()
    return proc


def graphs(kx) -> dict[str, int]:
    result = kx("graphs", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return {r["graph"]["value"]: int(r["triples"]["value"])
            for r in json.loads(result.stdout)["results"]["bindings"]}


@pytest.fixture(scope="module")
def big_file(tmp_path_factory) -> Path:
    """40k triples of N-Triples."""
    path = tmp_path_factory.mktemp("big") / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(20_000):
            out.write(f'<{KX}e{i}> <{KX}p> <{KX}e{i + 1}> .\n<{KX}e{i}> <{KX}label> "实体{i}"@zh .\n')
    return path


@pytest.fixture
def small_file(tmp_path) -> Path:
    path = tmp_path / "small.ttl"
    path.write_text(f"@prefix kx: <{KX}> .\nkx:a kx:p kx:b .\nkx:a kx:q kx:c .\n", encoding="utf-8")
    return path


def _kill_during_load(store: Path, *load_args: str) -> None:
    proc = paused_load(store, *load_args)
    assert (store / "kxgraph-load.json").exists()  # the load is under way
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _leftovers(store: Path) -> list[str]:
    import kxgraph

    with kxgraph.open(store) as g:
        return [n.value for n in g.store.raw.named_graphs() if "/graph/staging/" in n.value]


@pytest.mark.slow
def test_a_load_killed_midway_leaves_the_store_as_before(kx, store_path, small_file, big_file):
    kx("load", str(small_file))
    before = graphs(kx)
    _kill_during_load(store_path, str(big_file))
    assert graphs(kx) == before
    assert not (store_path / "kxgraph-load.json").exists()
    assert _leftovers(store_path) == []


@pytest.mark.slow
def test_a_replace_killed_midway_keeps_the_old_graph(kx, store_path, small_file, big_file):
    kx("load", "--graph", "https://example.org/g", str(small_file))
    before = graphs(kx)
    _kill_during_load(store_path, "--replace", "--graph", "https://example.org/g", str(big_file))
    assert graphs(kx) == before
    assert _leftovers(store_path) == []


@pytest.mark.slow
def test_a_second_process_during_a_load_is_told_the_store_is_busy(kx, store_path, big_file, monkeypatch):
    monkeypatch.setattr("kxgraph.store.oxigraph.LOCK_WAIT", 0.1)  # answer while the load surely still runs
    proc = paused_load(store_path, str(big_file))
    result = kx("graphs")
    proc.stdin.close()  # let the load commit
    proc.wait()
    assert result.exit_code == 1
    assert "busy" in result.stderr and "load is in progress" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert proc.returncode == 0 and graphs(kx) == {big_file.resolve().as_uri(): 40_000}


def test_a_store_held_by_another_process_gives_a_clear_message(kx, store_path, small_file):
    kx("load", str(small_file))
    holder = subprocess.Popen([sys.executable, "-c",
                               "import sys, time, pyoxigraph\n"
                               f"s = pyoxigraph.Store({str(store_path)!r})\nprint('ready', flush=True)\n"
                               "sys.stdin.read()"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = kx("query", "ASK { ?s ?p ?o }")
    finally:
        holder.communicate("")
    assert result.exit_code == 1 and "busy" in result.stderr
    assert kx("query", "ASK { ?s ?p ?o }").stdout.strip() == "true"  # free again afterwards


def test_memory_store_is_empty_and_throw_away(tmp_path):
    from click.testing import CliRunner
    from kxgraph.cli import main

    result = CliRunner().invoke(main, ["--memory", "query", "ASK { ?s ?p ?o }"])
    assert result.exit_code == 0 and result.stdout.strip() == "false"
    assert list(tmp_path.iterdir()) == []


def test_store_path_comes_from_the_environment(tmp_path, small_file, monkeypatch):
    from click.testing import CliRunner
    from kxgraph.cli import main

    monkeypatch.setenv("KXGRAPH_STORE", str(tmp_path / "env-store"))
    assert CliRunner().invoke(main, ["load", str(small_file)]).exit_code == 0
    assert (tmp_path / "env-store").is_dir()


def test_python_api_opens_store_memory_and_read_only(tmp_path, small_file):
    import kxgraph

    with kxgraph.open(tmp_path / "s", mode="create") as g:
        g.load(small_file)
    with kxgraph.open(tmp_path / "s", read_only=True) as g:
        assert g.query("ASK { kx:a kx:p kx:b }").boolean
    with pytest.raises(kxgraph.StoreError):
        kxgraph.open(tmp_path / "missing", read_only=True)
    with kxgraph.open(memory=True) as g:
        assert len(g.graphs()) == 0


def _journal(store: Path, graph: str, *, uncommitted: bool, also: tuple[str, ...] = ()) -> None:
    import kxgraph
    from kxgraph.store.oxigraph import JOURNAL, STAGING

    prefix = STAGING + "test/"
    if uncommitted:
        with kxgraph.open(store, mode="rw") as g:
            g.store.update(f"INSERT DATA {{ GRAPH <{prefix}uncommitted> {{ <{prefix}s> <{prefix}p> 1 }} }}")
    (store / JOURNAL).write_text(json.dumps({"sentinel": prefix + "uncommitted", "staging": prefix,
                                             "new_graphs": [graph, *also]}), encoding="utf-8")


def test_opening_after_a_crash_undoes_an_uncommitted_load(kx, store_path, small_file):
    kx("load", str(small_file))
    _journal(store_path, small_file.resolve().as_uri(), uncommitted=True)
    assert graphs(kx) == {}
    assert _leftovers(store_path) == []


def test_opening_after_a_crash_keeps_a_committed_load(kx, store_path, small_file):
    kx("load", str(small_file))
    _journal(store_path, small_file.resolve().as_uri(), uncommitted=False)
    assert graphs(kx) == {small_file.resolve().as_uri(): 2}
    assert not (store_path / "kxgraph-load.json").exists()


def test_reading_a_store_with_an_interrupted_load_first_undoes_it(kx, store_path, small_file):
    import kxgraph
    from kxgraph.sources import record_graph

    kx("load", str(small_file))
    # the load wrote the file's graph and its source's record: both new, both undone
    _journal(store_path, small_file.resolve().as_uri(), uncommitted=True, also=(record_graph("small"),))
    with kxgraph.open(store_path) as g:
        assert g.query("ASK { ?s ?p ?o }").boolean is False
    assert not (store_path / "kxgraph-load.json").exists()


def _can_mount_read_only() -> bool:
    import shutil

    if shutil.which("unshare") is None:
        return False
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                                f"mount --bind {folder} {folder} && mount -o remount,bind,ro {folder} {folder}"],
                               capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs unshare -rm to mount a folder read-only")
def test_reading_works_on_a_read_only_file_system(kx, store_path, small_file):
    kx("load", str(small_file))
    script = (f"mount --bind {store_path} {store_path} && mount -o remount,bind,ro {store_path} && "
              f"{sys.executable} -c '{CLI}' --store {store_path} query 'ASK {{ kx:a kx:p kx:b }}' && "
              f"{sys.executable} -c '{CLI}' --store {store_path} graphs --format csv; "
              f"{sys.executable} -c '{CLI}' --store {store_path} update 'CLEAR ALL'")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env)
    assert done.stdout.splitlines()[0] == "true"
    assert small_file.resolve().as_uri() in done.stdout
    assert done.stderr.strip().startswith("kx: error: ") and "Read-only file system" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_readers_share_the_store_and_a_writer_waits_for_them(kx, store_path, small_file, monkeypatch):
    import kxgraph

    monkeypatch.setattr("kxgraph.store.oxigraph.LOCK_WAIT", 0.1)
    kx("load", str(small_file))
    with kxgraph.open(store_path) as first, kxgraph.open(store_path) as second:
        assert first.query("ASK { kx:a kx:p kx:b }").boolean and second.query("ASK { kx:a kx:p kx:b }").boolean
        with pytest.raises(kxgraph.StoreError, match="busy"):
            kxgraph.open(store_path, mode="rw")
    with kxgraph.open(store_path, mode="rw") as writer:
        writer.update("CLEAR DEFAULT")


@pytest.mark.skipif(not _can_mount_read_only(), reason="needs unshare -rm to mount a small tmpfs")
def test_reading_works_on_a_full_disk(kx, store_path, small_file, tmp_path):
    kx("load", str(small_file))
    disk = tmp_path / "disk"
    disk.mkdir()
    run = f"{sys.executable} -c '{CLI}' --store {disk}/store"
    script = (f"mount -t tmpfs -o size=4m tmpfs {disk} && cp -r {store_path} {disk}/store && "
              f"(dd if=/dev/zero of={disk}/fill bs=64k 2>/dev/null; true) && "
              f"{run} query 'ASK {{ kx:a kx:p kx:b }}' && {run} graphs --format csv; {run} update 'CLEAR ALL'")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env)
    assert done.stdout.splitlines()[0] == "true", done.stderr
    assert small_file.resolve().as_uri() in done.stdout
    assert "No space left" in done.stderr and len(done.stderr.strip().splitlines()) == 1
