"""Replace and drop big graphs by rebuilding the store, at the speed of a load.

Oxigraph removes a triple about five times slower than it bulk-loads one (each removal touches
every index in a transaction), so replacing or dropping a million-triple graph took minutes. When
the graphs that go are big next to what stays, it is cheaper to keep what stays aside and rebuild:

1. check the new files completely without storing them (syntax, ill-typed literals, controls);
2. dump every graph that stays into one N-Quads file beside the store (store-wide blank node
   labels, so a blank node shared by two graphs stays shared), and fsync it;
3. write the journal naming that file and the new files: **the commit point**;
4. clear the store (fast: whole ranges) and bulk-load the kept quads and the new files.

A process killed before 3 leaves the store untouched (the side file is deleted on the next open);
killed after 3, the next open sees the journal and does step 4 again, saying so.

The same folder and journal make an update that must leave some graphs as they were (the
protected ones, under ``GRAPH ?g``: ``kxgraph.protect``) all or nothing: those graphs are dumped
first, the journal written, the update run (one transaction), and each of them that the update
changed put back from the dump. Killed before the journal, nothing happened; after it, the next
open puts back what the update changed, if it had committed (``put_back``).
"""

from __future__ import annotations

import os
import shutil
import warnings
from pathlib import Path
from typing import Any, Callable

FOLDER = "kxgraph-rebuild"   # in the store directory, beside RocksDB's files
MIN_TRIPLES = 50_000         # below this, removing in a transaction is fast enough and all in one
RATIO = 2.5                  # rebuild when kept < RATIO × removed (removal ≈ 5 loads, rebuild ≈ 2)


def worth_it(removed: int, total: int) -> bool:
    """True when rebuilding beats removing ``removed`` of ``total`` triples one by one."""
    return removed >= MIN_TRIPLES and (total - removed) < RATIO * removed


class _GraphSuffix:
    """A binary writer that turns pyoxigraph's N-Triples dump of one graph into N-Quads lines."""

    def __init__(self, out, graph: str | None) -> None:
        self._out, self._tail = out, b""
        self._end = b" .\n" if graph is None else f" <{graph}> .\n".encode("utf-8")

    def write(self, given: bytes) -> int:
        data = self._tail + bytes(given)
        cut = data.rfind(b"\n") + 1
        self._tail = data[cut:]
        # N-Triples escapes line breaks inside literals, so " .\n" only ever ends a line
        self._out.write(data[:cut].replace(b" .\n", self._end))
        return len(given)

    def flush(self) -> None:
        self._out.flush()


def checkpoint(name: str) -> None:
    """Die here by SIGKILL when ``$KXGRAPH_TEST_KILL_AT`` names this point: for the tests that
    show a write is all or nothing however it is interrupted."""
    if os.environ.get("KXGRAPH_TEST_KILL_AT") == name:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def dump_kept(raw: Any, folder: Path, leave_out: set[str]) -> Path:
    """Write every quad of ``raw`` outside the graphs ``leave_out`` to ``folder/kept.nq``, fsynced."""
    import pyoxigraph as ox

    path = folder / "kept.nq"
    with path.open("wb") as out:
        if any(True for _ in raw.quads_for_pattern(None, None, None, ox.DefaultGraph())):
            raw.dump(_GraphSuffix(out, None), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        for graph in list(raw.named_graphs()):
            if isinstance(graph, ox.NamedNode) and graph.value not in leave_out:
                raw.dump(_GraphSuffix(out, graph.value), ox.RdfFormat.N_TRIPLES, from_graph=graph)
            elif not isinstance(graph, ox.NamedNode):
                raise _NotRebuildable()
        out.flush()
        os.fsync(out.fileno())
    return path


class _NotRebuildable(Exception):
    """A blank-node graph name: the dump format cannot carry it; the store removes instead."""


def prepare(store: Any, leave_out: set[str]) -> Path | None:
    """Step 2: the folder with the kept quads, or None when this store cannot be rebuilt."""
    folder = store.path / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        dump_kept(store.raw, folder, leave_out)
    except _NotRebuildable:
        shutil.rmtree(folder, ignore_errors=True)
        return None
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder


def files_state(folder: Path, loads: list[tuple[str, str, str]]) -> dict:
    """The journal of a rebuild: the kept quads, then each new file as (path, format, graph).

    New files are copied into ``folder`` first, so that finishing after a kill does not depend on
    them still being there, unchanged.
    """
    files = [[str(folder / "kept.nq"), "N_QUADS", None]]
    for i, (path, fmt, graph) in enumerate(loads):
        source = Path(path)
        copy = folder / f"new-{i}{''.join(source.suffixes[-2:])}"
        with source.open("rb") as src, copy.open("wb") as out:
            shutil.copyfileobj(src, out, 1 << 20)
            out.flush()
            os.fsync(out.fileno())
        files.append([str(copy), fmt, graph, str(source)])
    return {"phase": "rebuild", "folder": str(folder), "files": files}


def run(store: Any, state: dict, progress: Callable[[int], None] | None = None, *,
        every_file: bool = False) -> None:
    """Step 4: clear the store and load everything the journal names, then tidy up.

    ``progress`` gets the bytes read of the new files (of every file with ``every_file``)."""
    import pyoxigraph as ox

    from kxgraph.store.rdfio import open_rdf

    raw = store.raw
    raw.clear()
    for path, fmt, graph, *original in state["files"]:
        path = Path(path)
        options = {"format": getattr(ox.RdfFormat, fmt)}
        if graph is not None:  # relative IRIs resolve against the file the user named
            options.update(to_graph=ox.NamedNode(graph), base_iri=Path(original[0] if original else path).as_uri())
        with open_rdf(path, progress if graph is not None or every_file else None) as handle:
            raw.bulk_load(handle, **options)
    raw.flush()
    shutil.rmtree(state["folder"], ignore_errors=True)
    store._remove_journal()


class Progress:
    """Says how far a recovery has got, as warnings (the CLI prints them on stderr): at every
    tenth of the work, and at least every ``every`` seconds."""

    def __init__(self, total: int, what: str, *, every: float = 5.0) -> None:
        import time

        self.total, self.what, self.every, self.done = max(total, 1), what, every, 0
        self._clock = time.monotonic
        self._last, self._tenth = self._clock(), 0

    def __call__(self, n: int) -> None:
        from kxgraph.checks import KxWarning

        self.done += n
        tenth = min(10, self.done * 10 // self.total)
        if tenth > self._tenth or self._clock() - self._last >= self.every:
            self._tenth, self._last = tenth, self._clock()
            warnings.warn(f"recovering: {self.what} {min(100, self.done * 100 // self.total)}% "
                          f"({_size(self.done)} of {_size(self.total)})", KxWarning, stacklevel=2)


def _size(n: int) -> str:
    return f"{n / 1e6:,.1f} MB" if n >= 100_000 else f"{n / 1e3:,.1f} kB"


def recover(store: Any, state: dict) -> None:
    """Finish a rebuild whose process died after its commit point, saying so and how far it has got."""
    from kxgraph.checks import KxWarning

    names = ", ".join(Path(f[-1]).name for f in state["files"][1:]) or "no new file"
    total = sum(Path(f[0]).stat().st_size for f in state["files"] if Path(f[0]).exists())
    warnings.warn(f"recovering an interrupted write in {store.path}: finishing an interrupted replace or "
                  f"drop, reloading the kept graphs and {names} ({_size(total)}); this takes about "
                  "as long as loading them", KxWarning, stacklevel=2)
    run(store, state, Progress(total, "reloaded"), every_file=True)
    warnings.warn(f"the interrupted replace or drop is finished: {len(store.raw):,} triples in the store",
                  KxWarning, stacklevel=2)


def tidy(store: Any) -> None:
    """Remove a rebuild folder left by a process killed before its commit point."""
    shutil.rmtree(store.path / FOLDER, ignore_errors=True)


# -- an update that leaves some graphs as they were ---------------------------------------------

def prepare_put_back(store: Any, graphs: list[str]) -> dict:
    """Dump ``graphs`` to the folder (fsynced); return the journal state of the put-back."""
    import pyoxigraph as ox

    folder = store.path / FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    try:
        with (folder / "kept.nq").open("wb") as out:
            for graph in graphs:
                store.raw.dump(_GraphSuffix(out, graph), ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(graph))
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return {"phase": "put-back", "folder": str(folder), "graphs": list(graphs)}


def put_back(store: Any, state: dict, say: Callable[[str], None] | None = None) -> list[str]:
    """Put each graph of ``state`` that differs from its dump back as it was; tidy up; return them.

    Idempotent: run again after a kill, it finds what is still to do."""
    import pyoxigraph as ox

    raw = store.raw
    kept: dict[str, set] = {g: set() for g in state["graphs"]}
    with (Path(state["folder"]) / "kept.nq").open("rb") as handle:
        for quad in ox.parse(handle, ox.RdfFormat.N_QUADS):
            kept[quad.graph_name.value].add(quad)
    changed = []
    for graph in state["graphs"]:
        node = ox.NamedNode(graph)
        if set(raw.quads_for_pattern(None, None, None, node)) == kept[graph]:
            continue
        changed.append(graph)
        if say:
            say(f"putting back {graph} ({len(kept[graph]):,} triples)")
        checkpoint("put-back-changed")
        if raw.contains_named_graph(node):
            raw.remove_graph(node)
        checkpoint("put-back-dropped")
        raw.extend(kept[graph])
    raw.flush()
    checkpoint("put-back-done")
    shutil.rmtree(state["folder"], ignore_errors=True)
    store._remove_journal()
    return changed


def recover_put_back(store: Any, state: dict) -> None:
    """Finish an update killed after its journal: put back the graphs it was to leave alone."""
    from kxgraph.checks import KxWarning

    warnings.warn(f"recovering an interrupted write in {store.path}: an update was to leave "
                  f"{len(state['graphs'])} graph(s) as they were; checking them", KxWarning, stacklevel=2)
    changed = put_back(store, state, say=lambda text: warnings.warn(text, KxWarning, stacklevel=2))
    warnings.warn(f"the interrupted update is finished ({len(changed)} graph(s) put back)", KxWarning, stacklevel=2)
