"""``OxigraphStore``: the embedded store, Oxigraph on RocksDB (or in memory), with journal and staging.

Loads are all-or-nothing per call, even when killed: see ``OxigraphStore``. Opening is decided by
``kxgraph.store.open_store``; this module holds how: a store opened for writing takes RocksDB's
lock and an exclusive lock on ``kxgraph.lock``; a store opened for reading takes neither write
lock, writes nothing (no RocksDB LOG), and holds a shared lock on ``kxgraph.lock`` so that no
kx process writes while it reads (RocksDB leaves reading during another process's writes undefined).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from kxgraph.boundary import printable
from kxgraph.errors import InputError, QueryError, StoreError
from kxgraph.output.results import Result
from kxgraph.store.base import (RECORDS, STAGING, LoadItem, Store, graph_node, inject_values, materialise,
                                sparql_syntax_error)
from kxgraph.store.index import Index, written_graphs
from kxgraph.store.rdfio import FORMATS, has_bom, is_gzip, is_quad_format, open_rdf, syntax_error
from kxgraph.vocab import prefixes_for

JOURNAL = "kxgraph-load.json"     # in the store directory while a load is uncommitted
LOCK_FILE = "kxgraph.lock"        # readers share it, a writer holds it alone
LOCK_WAIT = 2.0                   # seconds to wait for another process to release the store

__all__ = ["OxigraphStore", "JOURNAL", "LOCK_FILE", "LOCK_WAIT", "STAGING", "RECORDS", "LoadItem", "Store"]


class OxigraphStore(Store):
    """The embedded store: Oxigraph on RocksDB at ``path``, or in memory when ``path`` is None.

    A load bulk-loads each file straight into its new graph, or into a staging graph when the
    target already holds triples; one SPARQL update then moves staged triples into place and
    drops a sentinel graph, atomically. A journal file in the store directory names the graphs
    of an uncommitted load: if the process dies, the next open finds the sentinel still there and
    drops everything the load wrote, so the store is as before.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only and self.path is not None
        self._lock: int | None = None
        self._bulk_loaded = False  # a bulk load ran: close syncs the log instead of flushing (_sync_log)
        if self.read_only and self._interrupted():
            OxigraphStore(self.path).close()  # undo an interrupted load first: the one time a read writes
        # A reader opens RocksDB when it first needs it (``raw``): kx find answers from the label index
        # alone, and opening 20M triples' worth of files costs more than the rest of the lookup.
        self._unopened = self.read_only
        self._opening = threading.Lock()
        self._store = self._open()
        self.index = Index(self.path, read_only=self.read_only, unfinished=self._interrupted)
        if self.path is not None and not self.read_only:
            self._recover()

    def _interrupted(self) -> bool:
        """A load, replace or drop left unfinished here (a journal, or a rebuild's folder)."""
        from kxgraph.store.rebuild import FOLDER

        return (self.path / JOURNAL).exists() or (self.path / FOLDER).exists()

    def _open(self):
        import pyoxigraph as ox

        if self.path is None:
            return ox.Store()
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                return self._open_once(ox)
            except BlockingIOError as exc:
                if time.monotonic() > deadline:
                    raise StoreError(self._busy_message()) from exc
                time.sleep(0.1)
            except OSError as exc:
                raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc

    def _open_once(self, ox: Any):
        """Take this process's locks and open; BlockingIOError while another process holds them."""
        if self.read_only:
            self._lock = _flock(self.path / LOCK_FILE, shared=True)
            try:
                if _rocksdb_writer(self.path):
                    raise BlockingIOError("RocksDB lock held by another process")
                return None  # opened by ``raw`` when first needed
            except BaseException:
                self._unlock()
                raise
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = _flock(self.path / LOCK_FILE, shared=False)
        try:
            return ox.Store(str(self.path))
        except OSError as exc:
            self._unlock()
            if "lock" in str(exc).lower():
                raise BlockingIOError(str(exc)) from exc
            raise

    def _unlock(self) -> None:
        if getattr(self, "_lock", None) is not None:
            os.close(self._lock)  # closing the descriptor releases its flock
            self._lock = None

    def __del__(self) -> None:  # a graph dropped without close() must not keep others waiting
        self._unlock()

    def _busy_message(self) -> str:
        journal = self.path / JOURNAL
        doing = ("a load is in progress" if journal.exists()
                 else "another process is using it, perhaps a notebook: g.close() frees it")
        return f"the store at {self.path} is busy ({doing}); try again when it has finished"

    @property
    def raw(self):
        """The underlying ``pyoxigraph.Store`` (for bulk work inside kxgraph)."""
        if self._store is None:
            if not self._unopened:
                raise StoreError(f"{self!r} is closed; open it again")
            with self._opening:  # kx serve's threads may ask at once
                if self._store is None:
                    import pyoxigraph as ox

                    try:
                        self._store = ox.Store.read_only(str(self.path))
                    except OSError as exc:
                        raise StoreError(f"cannot open the store at {self.path}: {exc}") from exc
                    self._unopened = False
        return self._store

    def __repr__(self) -> str:
        return f"OxigraphStore({str(self.path) if self.path else 'memory'!r})"

    # -- query and update --------------------------------------------------------------------

    def _run(self, sparql: str, substitutions: Mapping[str, Any] | None):
        import pyoxigraph as ox

        from kxgraph import deadline

        deadline.check()  # the command's overall deadline (kx find, show … --timeout)

        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            try:
                return self.raw.query(sparql, use_default_graph_as_union=True, substitutions=subs or None,
                                         prefixes=prefixes_for(sparql))
            except RuntimeError as exc:
                # pyoxigraph substitutes only projected variables; bind the others by VALUES.
                if "projection" not in str(exc):
                    raise QueryError(f"query failed: {exc}") from exc
                return self.raw.query(inject_values(sparql, substitutions), prefixes=prefixes_for(sparql),
                                         use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise sparql_syntax_error(exc, sparql) from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        from kxgraph.deadline import interruptible

        # in a worker thread: Ctrl-C and the command's deadline are seen while Oxigraph works
        return interruptible(lambda: materialise(self._run(sparql, substitutions), _guard))

    def solutions(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None):
        import pyoxigraph as ox

        answer = self._run(sparql, substitutions)
        if isinstance(answer, ox.QueryBoolean):
            return "ask", [], iter([bool(answer)])
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            return "select", variables, map(tuple, _guard(answer))  # a solution iterates in projection order
        return "graph", [], _guard(answer)

    def update(self, sparql: str) -> None:
        self.check_writable()
        with self.index.writing(self, written_graphs(sparql)):
            self._update(sparql)

    def _update(self, sparql: str) -> None:
        try:
            self.raw.update(sparql, prefixes=prefixes_for(sparql))
        except SyntaxError as exc:
            raise sparql_syntax_error(exc, sparql) from exc
        except RuntimeError as exc:  # e.g. DROP GRAPH of a graph that is not there
            hint = " (DROP SILENT ignores a missing graph)" if "does not exist" in str(exc) else ""
            raise QueryError(f"update failed: {exc}{hint}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    # -- loading -----------------------------------------------------------------------------

    def _load_files(self, items: list[LoadItem], *, replace: bool = False,
                    progress: Callable[[int], None] | None = None, force_shipped: bool = False,
                    lenient: bool = False, drop: tuple[str, ...] = ()) -> dict[str, int]:
        from kxgraph.checks import check_literals
        from kxgraph.limits import check_rdf_file
        from kxgraph.protect import check_graphs, is_shipped_file

        self.check_writable()
        forced = {id(item): force_shipped or item.own or is_shipped_file(item.path) for item in items}
        for item in items:
            check_rdf_file(item.path, item.format)  # memory bombs are refused before any parser runs
            if not is_quad_format(item.format):
                check_graphs([item.graph], force_shipped=forced[id(item)], action="load into")
        with self.index.writing(self) as written:  # the label index follows the graphs loaded, once
            if replace and not lenient and self.path is not None and \
                    not any(is_quad_format(i.format) for i in items):
                counts = self._replace_by_rebuild(items, progress, drop)
                if counts is not None:
                    if written is not None:
                        written.extend([*counts, *drop])
                    self.index.sizes.update(counts)
                    return counts
            token = os.urandom(6).hex()
            prefix = f"{STAGING}{token}/"
            sentinel = prefix + "uncommitted"
            direct, staged, counter = [], [], itertools.count()
            scans: set[str] = set()  # new graphs whose labels and types were read as the file streamed in
            quads: set[str] = set()  # graphs written by TriG or N-Quads files (a scan did not read them whole)
            counted: dict[str, _Later] = {}  # new graphs' triples, counted on a thread once loaded
            touched: list[str] = []
            for item in items:
                if not is_quad_format(item.format) and item.graph not in direct and not self._has(item.graph):
                    direct.append(item.graph)
            self._write_journal({"sentinel": sentinel, "staging": prefix, "new_graphs": direct})
            node = graph_node(sentinel)
            self.update(f"INSERT DATA {{ GRAPH {node} {{ {node} {node} true }} }}")
            try:
                done: set[str] = set()
                for item in items:
                    if is_quad_format(item.format):
                        mapping = self._stage_quads(item, prefix, counter, progress)
                        check_graphs(mapping.values(), force_shipped=forced[id(item)], action="load into")
                        check_literals(self._store, list(mapping), item.path, lenient=lenient)
                        staged.extend(mapping.items())
                        touched.extend(mapping.values())
                        quads.update(mapping.values())
                        continue
                    if item.graph in direct and item.graph not in done:
                        target = item.graph
                        done.add(target)
                    else:
                        target = f"{prefix}{next(counter)}"
                        staged.append((target, item.graph))
                        scans.discard(item.graph)  # a second file into the graph: read it back whole
                        counted.pop(item.graph, None)
                    touched.append(item.graph)
                    scan = self._bulk_load(item, target, progress, staging=target == item.graph, counted=counted)
                    if scan is None or scan.suspect:
                        check_literals(self._store, [target], item.path, lenient=lenient)
                    if scan is not None and not scan.unsure and target == item.graph:
                        scans.add(target)
                self.update(_commit_update(staged, sentinel, replace=replace, fresh=direct, drop=drop))
            except BaseException:
                self._rollback(direct, prefix)
                raise
            self._sync_log()  # the commit is on disk before its journal goes
            self._remove_journal()
            if self.index.apart is not None:  # the store's write is in: the child commits its rows meanwhile
                self.index.apart.ask_commit()
            counts = {g: counted[g].result() if g in counted and g not in quads else self._count(g)
                      for g in dict.fromkeys(touched)}
            if written is not None:
                written.extend([*counts, *drop])  # the index forgets the graphs dropped with the load
            self.index.sizes.update(counts)  # counted once, not again by the index
            self.index.scanned.update(scans - quads)
        return counts

    def reindex(self) -> None:
        """Rebuild the label index and kept counts from the store (``kx reindex``)."""
        self.check_writable()
        self.index.rebuild(self)

    def _replace_by_rebuild(self, items: list[LoadItem], progress: Callable[[int], None] | None,
                            drop: tuple[str, ...] = ()):
        """Replace big graphs by rebuilding the store (``kxgraph.store.rebuild``); None when not worth it.

        ``drop`` names further graphs that go away in the same commit (a replaced source's)."""
        import pyoxigraph as ox

        from kxgraph.checks import check_file
        from kxgraph.store import rebuild

        targets = {item.graph for item in items} | set(drop)
        removed = sum(self.graph_size(g) for g in targets)
        # counting the whole store costs time in proportion to it: only when the graphs are big enough
        if removed < rebuild.MIN_TRIPLES or not rebuild.worth_it(removed, len(self._store)):
            return None
        for item in items:  # everything a load would refuse, refused before the store changes
            try:
                check_file(item.path, item.format, base_iri=item.path.resolve().as_uri(), opener=open_rdf)
            except SyntaxError as exc:
                raise syntax_error(exc, str(item.path)) from exc
            except (OSError, EOFError) as exc:
                raise InputError(f"cannot load: {exc}", file=str(item.path)) from exc
        folder = rebuild.prepare(self, targets)
        if folder is None:
            return None
        names = {getattr(ox.RdfFormat, k): k for k in set(FORMATS.values())}
        state = rebuild.files_state(folder, [(str(i.path.resolve()), names[i.format], i.graph) for i in items])
        self._write_journal(state)  # the commit point: from here a killed process is finished on next open
        rebuild.run(self, state, progress)
        return {g: self.graph_size(g) for g in dict.fromkeys(i.graph for i in items)}

    def update_keeping(self, sparql: str, graphs: list[str]) -> list[str]:
        """Run ``sparql`` but leave ``graphs`` as they were, all or nothing even when killed
        (journaled: ``kxgraph.store.rebuild.put_back``); return the graphs it had changed."""
        from kxgraph.store import rebuild

        self.check_writable()
        if self.path is None:  # nothing of a memory store outlives a kill
            return super().update_keeping(sparql, graphs)
        state = rebuild.prepare_put_back(self, graphs)
        with self.index.writing(self, written_graphs(sparql)):
            rebuild.checkpoint("put-back-dumped")
            self._write_journal(state)  # from here the next open finishes the put-back
            rebuild.checkpoint("put-back-journal")
            try:
                self._update(sparql)
            finally:
                rebuild.checkpoint("put-back-updated")
                changed = rebuild.put_back(self, state)
        return changed

    def drop(self, graph: str) -> None:
        """Remove a named graph; a big one by rebuilding the store (``kxgraph.store.rebuild``)."""
        from kxgraph.store import rebuild

        self.check_writable()
        size = self.graph_size(graph)
        if self.path is not None and size >= rebuild.MIN_TRIPLES and rebuild.worth_it(size, len(self._store)):
            folder = rebuild.prepare(self, {graph})
            if folder is not None:
                with self.index.writing(self, [graph]):
                    state = rebuild.files_state(folder, [])
                    self._write_journal(state)  # the commit point
                    rebuild.run(self, state)
                return
        super().drop(graph)

    def _has(self, graph: str) -> bool:
        import pyoxigraph as ox

        return bool(self.raw.query("ASK { GRAPH ?g { ?s ?p ?o } }", substitutions={ox.Variable("g"): graph_node(graph)}))

    def _count(self, graph: str) -> int:
        """Triples in ``graph``, counted by Oxigraph from its indexes (no term is decoded)."""
        import pyoxigraph as ox

        answer = self.raw.query("SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
                                substitutions={ox.Variable("g"): _node(graph)})
        return sum(int(row[1].value) for row in answer)

    def _bulk_load(self, item: LoadItem, target: str, progress: Callable[[int], None] | None, *,
                   staging: bool = False, counted: dict[str, "_Later"] | None = None):
        """Bulk-load one file into ``target``; an N-Triples file is scanned as it streams in
        (``kxgraph.store.ntscan``), its labels and types ``staging`` in the index for the new graph
        ``target``, whose triples then go in ``counted``: the ``Scan`` is returned, else None."""
        import pyoxigraph as ox

        from kxgraph.store import stager
        from kxgraph.store.ntscan import Discarded, Scan

        options = {"format": item.format, "to_graph": ox.NamedNode(target), "base_iri": item.path.resolve().as_uri()}
        try:
            writable = staging and self.index.writable
            if item.format == ox.RdfFormat.N_TRIPLES and self.index.writable and (
                    self.index.apart is not None or (self.index.free and stager.worth(item.path))):
                # a big file: scanned and its rows staged by a child process (store.stager), so
                # that the bulk loader never waits for the GIL of a scan beside it
                if self.index.apart is None:
                    self.index.apart = stager.Stager(self.index.file)
                self.index.apart.scan(item.path, target if writable else None,
                                      clear=writable and self.index.clearing())
                self._bulk_load_file(item, options, progress)
                if staging and counted is not None:  # while the child finishes and the load commits
                    counted[target] = _Later(self._count, target)
                report = self.index.apart.report()
                if writable:
                    self.index.staged_apart(target, report)
                return report
            if item.format == ox.RdfFormat.N_TRIPLES:
                with open_rdf(item.path, progress) as handle:
                    sink = self.index.stage(target) if writable else Discarded()
                    scan = Scan(handle, sink, threaded=True)
                    try:
                        self._store.bulk_load(scan, **options)
                        if staging and counted is not None:  # while the scan's thread finishes and the load commits
                            counted[target] = _Later(self._count, target)
                    except BaseException:
                        scan.abandon()
                        raise
                    scan.finish()
                return scan
            self._bulk_load_file(item, options, progress)
            return None
        except SyntaxError as exc:
            raise syntax_error(exc, str(item.path)) from exc
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot load: {exc}", file=str(item.path)) from exc

    def _bulk_load_file(self, item: LoadItem, options: dict[str, Any], progress: Callable[[int], None] | None) -> None:
        self._bulk_loaded = True
        if progress is None and not (is_gzip(item.path) or has_bom(item.path)):  # no Python in the loop
            self._store.bulk_load(path=str(item.path), **options)
            return
        with open_rdf(item.path, progress) as handle:
            self._store.bulk_load(handle, **options)

    def _stage_quads(self, item: LoadItem, prefix: str, counter: Iterator[int],
                     progress: Callable[[int], None] | None) -> dict[str, str]:
        """Bulk-load a TriG/N-Quads file with each of its graphs renamed to a staging graph."""
        import pyoxigraph as ox

        mapping: dict[str, str] = {}
        nodes: dict[Any, Any] = {}

        def staged(quad):
            key = item.graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            if key not in mapping:
                mapping[key] = f"{prefix}{next(counter)}"
                nodes[key] = ox.NamedNode(mapping[key])
            return ox.Quad(quad.subject, quad.predicate, quad.object, nodes[key])

        try:
            with open_rdf(item.path, progress) as source:
                parsed = ox.parse(source, item.format, base_iri=item.path.resolve().as_uri())
                self._store.bulk_extend(staged(q) for q in parsed)
        except SyntaxError as exc:
            raise syntax_error(exc, str(item.path)) from exc
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot load: {exc}", file=str(item.path)) from exc
        return {stage: target for target, stage in mapping.items()}

    def _rollback(self, new_graphs: list[str], prefix: str) -> None:
        stale = [g.value for g in self._store.named_graphs() if g.value.startswith(prefix)]
        for graph in new_graphs + stale:
            self._store.remove_graph(_node(graph))
        self._sync_log()  # (a flush could wait minutes for the compaction of a big load's files)
        self._remove_journal()

    def _recover(self) -> None:
        """Undo a load that died before committing (its sentinel graph is still there)."""
        from kxgraph.store import rebuild

        journal = self.path / JOURNAL
        if not journal.exists():
            if (self.path / rebuild.FOLDER).exists():
                rebuild.tidy(self)  # a replace or drop killed before its commit point
            return
        import json

        state = json.loads(journal.read_text("utf-8"))
        if state.get("phase") == "put-back":
            with self.index.writing(self, None):  # the update wrote graphs it did not name: all again
                rebuild.recover_put_back(self, state)
            return
        if state.get("phase") == "rebuild":
            with self.index.writing(self, None):  # the whole store was reloaded: index it all again
                rebuild.recover(self, state)
            return
        uncommitted = self._has(state["sentinel"])
        if uncommitted:
            import warnings

            from kxgraph.checks import KxWarning

            warnings.warn(f"recovering an interrupted write in {self.path}: undoing a load that had not "
                          f"finished ({len(state['new_graphs'])} new graph(s) and its staging graphs to remove)",
                          KxWarning, stacklevel=2)
        undone = state["new_graphs"] if uncommitted else []
        with self.index.writing(self, undone):
            self._rollback(undone, state["staging"])

    def _write_journal(self, state: dict) -> None:
        if self.path is None:
            return
        import json

        tmp = self.path / (JOURNAL + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(dict(state, pid=os.getpid()), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / JOURNAL)

    def _sync_log(self) -> None:
        """Make the writes so far durable by syncing RocksDB's write-ahead log files (``*.log``) and
        the store's directory, which RocksDB replays on the next open.

        Not ``Store.flush``: after a big bulk load RocksDB compacts the files it took in for minutes
        (81 s at 20M triples), and a flush waits until it can write without stalling writes, that
        is until then; raw pyoxigraph's own flush has nothing to write and returns at once. Bulk-
        loaded files are synced as RocksDB takes them in; the log holds every later write.
        """
        if self.path is None:
            return
        for log in self.path.glob("*.log"):
            try:
                fd = os.open(log, os.O_RDONLY)
            except OSError:
                continue  # a log RocksDB has just retired
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(self.path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _remove_journal(self) -> None:
        if self.path is not None:
            (self.path / JOURNAL).unlink(missing_ok=True)

    def close(self) -> None:
        if getattr(self, "_store", None) is None and not getattr(self, "_unopened", False):
            return
        self._unopened = False
        if self.path is not None and not self.read_only:
            try:
                if self._bulk_loaded:
                    self._sync_log()
                else:
                    self._store.flush()
            except OSError:
                pass
        self._store = None
        self.index.close()
        self._unlock()


class _Later:
    """``function(*args)`` run on a thread: one that releases the GIL (a count query) while the
    caller goes on; ``result`` waits for it (and raises what it raised)."""

    def __init__(self, function: Callable[..., Any], *args: Any) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(function, *args), name="kxgraph-count", daemon=True)
        self._thread.start()

    def _run(self, function: Callable[..., Any], *args: Any) -> None:
        try:
            self._value = function(*args)
        except BaseException as exc:  # noqa: BLE001 - raised again by result, in the caller's thread
            self._error = exc

    def result(self) -> Any:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value


def _commit_update(staged: list[tuple[str, str]], sentinel: str, *, replace: bool, fresh: list[str],
                   drop: tuple[str, ...] = ()) -> str:
    """One SPARQL update that moves staged triples into place and marks the load committed."""
    ops = [f"DROP SILENT GRAPH {graph_node(g)}" for g in dict.fromkeys(drop) if g not in fresh]
    if replace:
        ops += [f"DROP SILENT GRAPH {graph_node(target)}" for target in dict.fromkeys(t for _, t in staged)
                if target not in fresh]
    for stage, target in staged:
        ops += [f"ADD {graph_node(stage)} TO {graph_node(target)}", f"DROP SILENT GRAPH {graph_node(stage)}"]
    ops.append(f"DROP SILENT GRAPH {graph_node(sentinel)}")
    return " ;\n".join(ops)


def _guard(iterator):
    """Re-raise errors met while iterating lazily (the store's, a SERVICE's reply) as ``QueryError``."""
    try:
        yield from iterator
    except (OSError, RuntimeError, SyntaxError, ValueError) as exc:
        raise QueryError(f"query failed: {printable(str(exc))}") from exc


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


# -- locks between processes ------------------------------------------------------------------

def _flock(path: Path, *, shared: bool):
    """A file descriptor holding ``flock`` on ``path`` (None when the lock file cannot be had:
    no such file for a reader, or a platform without ``fcntl``); raises BlockingIOError when busy."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: RocksDB's own lock is all there is
        return None
    try:
        fd = os.open(path, os.O_RDONLY if shared else os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        if shared:
            return None  # an older or unwritable store: RocksDB's LOCK is checked instead
        raise
    try:
        fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
    except BaseException:
        os.close(fd)
        raise
    return fd


def _rocksdb_writer(path: Path) -> bool:
    """True when another process holds RocksDB's write lock on the store (tested, not taken)."""
    try:
        import fcntl
        import struct
    except ImportError:  # pragma: no cover
        return False
    try:
        fd = os.open(path / "LOCK", os.O_RDONLY)
    except OSError:
        return False
    try:
        query = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, query)
        return struct.unpack("hhqqi", answer)[0] != fcntl.F_UNLCK
    except OSError:
        return False
    finally:
        os.close(fd)
