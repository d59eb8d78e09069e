"""Replace and drop against a fresh load (issue 16, item 8): ``python benchmarks/bench_replace.py [TRIPLES]``.

Builds an N-Triples file of TRIPLES triples (default 200,000), then times in a new store: a fresh
load, ``load --replace`` of the same graph, ``drop``, and the same replace and drop through the
transactional path kxgraph used before (forced by raising ``rebuild.MIN_TRIPLES``). Peak memory
is the process's maximum resident set size after each step.
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import kxgraph
from kxgraph.store import rebuild

GRAPH = "https://example.org/big"


def data(folder: Path, n: int) -> Path:
    path = folder / "big.nt"
    with path.open("w", encoding="utf-8") as out:
        for i in range(n // 2):
            out.write(f'<https://example.org/e{i}> <https://example.org/p> <https://example.org/e{i + 1}> .\n'
                      f'<https://example.org/e{i}> <https://example.org/label> "实体{i}"@zh .\n')
    return path


def timed(label: str, action) -> float:
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{label:<34} {seconds:7.1f} s   peak RSS so far {peak:6.0f} MB", flush=True)
    return seconds


def main(n: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kx-bench-replace-"))
    try:
        path = data(folder, n)
        print(f"{n:,} triples, {path.stat().st_size / 1e6:.0f} MB of N-Triples")
        with kxgraph.open(folder / "store", mode="create") as g:
            timed("fresh load", lambda: g.load(path, graph=GRAPH))
            timed("load --replace (rebuild)", lambda: g.load(path, graph=GRAPH, replace=True))
            timed("drop (rebuild)", lambda: g.drop(GRAPH))
            if "--old" in sys.argv:
                g.load(path, graph=GRAPH)
                rebuild.MIN_TRIPLES = 10 ** 12  # the transactional path of before
                timed("load --replace (transactional)", lambda: g.load(path, graph=GRAPH, replace=True))
                timed("drop (transactional)", lambda: g.drop(GRAPH))
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(next((a for a in sys.argv[1:] if a.isdigit()), 200_000)))
