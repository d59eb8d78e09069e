"""A timeline of one `kx load` in this process: each phase's wall start and end, and its CPU.

    python3 benchmarks/profile_load.py FILE STORE_DIR

STORE_DIR must not exist (a fresh store, as `kx load` into a new store). The phases are the
store's own functions, wrapped here (nothing in kxgraph knows it is timed): wall seconds from the
start, CPU of the whole process and of the calling thread during each, and the N-Triples scan
thread's own CPU (``time.thread_time`` inside it). Phases nest: a line's time includes the
indented lines below it. Used for benchmarks/RESULTS-scale.md, "Seventh pass".
"""

from __future__ import annotations

import functools
import sys
import threading
import time

RECORDS: list[tuple[int, str, float, float, float, float]] = []
DEPTH = [0]
START = time.monotonic()


def timed(owner, name: str, label: str | None = None) -> None:
    original = getattr(owner, name)

    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        aside = threading.current_thread() is not threading.main_thread()
        if aside:  # on another thread (the count): its own line, at depth 0, its thread's CPU
            w0, t0 = time.monotonic(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                RECORDS.append((0, f"[{threading.current_thread().name}] {label or name}", w0 - START,
                                time.monotonic() - START, float("nan"), time.thread_time() - t0))
        depth = DEPTH[0]
        DEPTH[0] += 1
        w0, p0, t0 = time.monotonic(), time.process_time(), time.thread_time()
        try:
            return original(*args, **kwargs)
        finally:
            DEPTH[0] = depth
            RECORDS.append((depth, label or f"{getattr(owner, '__name__', owner)}.{name}", w0 - START,
                            time.monotonic() - START, time.process_time() - p0, time.thread_time() - t0))

    setattr(owner, name, wrapper)


def main() -> None:
    import kxgraph
    from kxgraph import sources
    from kxgraph.store import index, kept, ntscan, oxigraph, stager

    scan_cpu: list[float] = []
    work = ntscan.Scan._work

    def scan_work(self):
        t0 = time.thread_time()
        try:
            work(self)
        finally:
            scan_cpu.append(time.thread_time() - t0)

    ntscan.Scan._work = scan_work
    for owner, name in [(oxigraph.OxigraphStore, "_load_files"), (oxigraph.OxigraphStore, "_bulk_load"),
                        (oxigraph.OxigraphStore, "update"), (oxigraph.OxigraphStore, "_count"),
                        (oxigraph.OxigraphStore, "_has"), (oxigraph.OxigraphStore, "_remove_journal"),
                        (index.Index, "refresh"), (index.Index, "_keep"), (index.Index, "_take_staged"),
                        (index.Index, "_index_graph"), (index.Index, "_begin"), (index, "_index_text"),
                        (index, "_unkey"), (index, "_mark"), (kept, "settle"), (sources, "graph_entities"),
                        (ntscan.Scan, "finish"), (oxigraph.OxigraphStore, "_bulk_load_file"),
                        (oxigraph._Later, "result"), (stager.Stager, "report"), (stager.Stager, "commit")]:
        timed(owner, name)
    path, folder = sys.argv[1], sys.argv[2]
    w0, p0 = time.monotonic(), time.process_time()
    graph = kxgraph.open(folder, mode="create")
    graph.load(path, progress=lambda n: None)
    graph.close()
    wall, cpu = time.monotonic() - w0, time.process_time() - p0
    print(f"{'phase':<44} {'start':>7} {'end':>7} {'wall':>7} {'cpu':>7} {'thread':>7}")
    for depth, label, start, end, cpu_, thread in sorted(RECORDS, key=lambda r: (r[2], r[0])):
        if end - start < 0.05 and not cpu_ >= 0.05:
            continue
        print(f"{'  ' * depth + label:<44} {start:7.2f} {end:7.2f} {end - start:7.2f} {cpu_:7.2f} {thread:7.2f}")
    print(f"scan thread CPU: {sum(scan_cpu):.2f} s ({len(scan_cpu)} scans)")
    print(f"whole load: {wall:.2f} s wall, {cpu:.2f} s CPU")


if __name__ == "__main__":
    main()
