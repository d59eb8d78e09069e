"""Benchmark the store, loading and querying (issue 3) against baselines measured in the same run.

    python benchmarks/bench_store.py                 # ~1M triples, 3 runs each (a few minutes)
    python benchmarks/bench_store.py --scale 50000 --runs 2   # quick

Writes benchmarks/RESULTS-store.json (every figure) and prints a Markdown table for RESULTS.md.
Everything is timed as medians; the machine is shared, so compare the ratios, not the seconds.
The graph is written by gen_collab.py (the generator of the anchor figures in the design targets).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
KXNS = "http://example.org/kx/"  # gen_collab.py's namespace
CLI = "from kxgraph.cli import main; main()"
PAIRS = (f"SELECT ?a ?b (COUNT(?p) AS ?n) WHERE {{ ?p <{KXNS}participant> ?a , ?b . "
         "FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b")
LOOKUP = f"SELECT ?l WHERE {{ <{KXNS}a42> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"


CPU: dict[str, float] = {}  # label -> median CPU seconds (this process and its children, all threads)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def median(fn, runs: int, setup=None, label: str | None = None) -> tuple[float, list[float]]:
    """Median wall-clock seconds of ``fn``; with ``label``, also record its median CPU seconds.

    The machine is shared with other work, so wall-clock times stretch; CPU seconds do not.
    """
    times, cpu = [], []
    for _ in range(runs):
        if setup:
            setup()
        before = _cpu()
        times.append(timed(fn))
        cpu.append(_cpu() - before)
    if label:
        CPU[label] = statistics.median(cpu)
    return statistics.median(times), times


def run(*args: str) -> None:
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)


def generate(n: int, path: Path) -> int:
    run(sys.executable, str(HERE / "gen_collab.py"), str(n), str(path))
    import pyoxigraph as ox

    return sum(1 for _ in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))


def bench_load(ttl: Path, work: Path, runs: int) -> dict:
    import pyoxigraph as ox

    store = work / "kx-store"
    fresh = lambda: shutil.rmtree(store, ignore_errors=True)  # noqa: E731
    kx_load, kx_times = median(lambda: run(sys.executable, "-c", CLI, "--store", str(store), "load", str(ttl)),
                               runs, fresh, label="kx_load_process")

    def bulk() -> None:
        raw = ox.Store(str(work / "ox-store"))
        raw.bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ttl.as_uri()))
        raw.flush()
        del raw

    ox_load, ox_times = median(bulk, runs, lambda: shutil.rmtree(work / "ox-store", ignore_errors=True),
                               label="pyoxigraph_bulk_load_disk")

    def in_memory() -> None:
        ox.Store().bulk_load(path=str(ttl), format=ox.RdfFormat.TURTLE)

    ox_mem, _ = median(in_memory, runs, label="pyoxigraph_bulk_load_memory")

    def kx_in_memory() -> None:
        import kxgraph

        with kxgraph.open(memory=True) as g:
            g.load(ttl)

    kx_mem, _ = median(kx_in_memory, runs, label="kx_load_memory")
    return {"kx_load_process_s": kx_load, "kx_load_runs": kx_times, "pyoxigraph_bulk_load_disk_s": ox_load,
            "pyoxigraph_bulk_load_runs": ox_times, "pyoxigraph_bulk_load_memory_s": ox_mem,
            "kx_vs_pyoxigraph_disk": kx_load / ox_load, "kx_load_memory_s": kx_mem,
            "kx_vs_pyoxigraph_memory": kx_mem / ox_mem}


def bench_rdflib_parse(ttl: Path) -> float:
    import rdflib

    return median(lambda: rdflib.Graph().parse(str(ttl), format="turtle"), 1, label="rdflib_parse")[0]


def bench_lookup(store: Path, runs: int) -> dict:
    baseline, _ = median(lambda: run(sys.executable, "-c", "pass"), runs)
    ox_code = ("import pyoxigraph as ox; s = ox.Store.read_only(%r); "
               "print(list(s.query(%r, use_default_graph_as_union=True)))" % (str(store), LOOKUP))
    ox_lookup, _ = median(lambda: run(sys.executable, "-c", ox_code), runs)
    kx_lookup, kx_times = median(lambda: run(sys.executable, "-c", CLI, "--store", str(store), "query", LOOKUP),
                                 runs, label="kx_query_lookup_process")
    return {"python_startup_s": baseline, "pyoxigraph_lookup_process_s": ox_lookup,
            "kx_query_lookup_process_s": kx_lookup, "kx_query_lookup_runs": kx_times}


def bench_pairs(ttl_small: Path, store: Path, work: Path, runs: int) -> dict:
    """Co-participation pairs: kx (in memory and on disk) vs rdflib on the small graph; kx vs raw
    pyoxigraph on the big persisted store."""
    import kxgraph
    import pyoxigraph as ox

    with kxgraph.open(memory=True) as g:
        g.load(ttl_small)
        kx_small, _ = median(lambda: g.query(PAIRS), runs, label="kx_pairs_small_memory")
        n_pairs = len(g.query(PAIRS))
    with kxgraph.open(work / "small-store", mode="create") as g:
        g.load(ttl_small)
        kx_small_disk, _ = median(lambda: g.query(PAIRS), runs, label="kx_pairs_small_disk")
    import rdflib

    graph = rdflib.Graph()
    graph.parse(str(ttl_small), format="turtle")
    rdflib_small, _ = median(lambda: list(graph.query(PAIRS)), 1, label="rdflib_pairs_small")
    with kxgraph.open(store) as big:
        kx_big, _ = median(lambda: big.query(PAIRS), runs, label="kx_pairs_big_disk")
        raw = big.store.raw
        ox_big, _ = median(lambda: list(raw.query(PAIRS, use_default_graph_as_union=True)), runs,
                           label="pyoxigraph_pairs_big_disk")
    return {"pairs_small_graph": n_pairs, "kx_pairs_small_memory_s": kx_small,
            "kx_pairs_small_disk_s": kx_small_disk, "rdflib_pairs_small_s": rdflib_small,
            "rdflib_vs_kx_pairs_memory": rdflib_small / kx_small,
            "rdflib_vs_kx_pairs_disk": rdflib_small / kx_small_disk,
            "kx_pairs_big_disk_s": kx_big, "pyoxigraph_pairs_big_disk_s": ox_big}


def bench_startup(runs: int) -> dict:
    baseline, _ = median(lambda: run(sys.executable, "-c", "pass"), runs)
    helps, _ = median(lambda: run(sys.executable, "-c", CLI, "--help"), runs)
    imports, _ = median(lambda: run(sys.executable, "-c", "import kxgraph"), runs)
    rdflib_import, _ = median(lambda: run(sys.executable, "-c", "import rdflib"), runs)
    return {"python_startup_s": baseline, "kx_help_process_s": helps, "kx_help_over_startup_s": helps - baseline,
            "import_kxgraph_process_s": imports, "import_kxgraph_over_startup_s": imports - baseline,
            "import_rdflib_over_startup_s": rdflib_import - baseline}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=373_000, help="gen_collab N (373000 gives ~1M triples)")
    parser.add_argument("--rdflib-scale", type=int, default=50_000,
                        help="gen_collab N for the rdflib pairs comparison (rdflib is slow)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-rdflib-parse", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "RESULTS-store.json")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kx-bench-") as tmp:
        work = Path(tmp)
        ttl, small = work / "collab.ttl", work / "collab-small.ttl"
        figures = {"scale": args.scale, "triples": generate(args.scale, ttl),
                   "rdflib_scale": args.rdflib_scale, "small_triples": generate(args.rdflib_scale, small),
                   "runs": args.runs}
        figures.update(bench_load(ttl, work, args.runs))
        if not args.skip_rdflib_parse:
            figures["rdflib_parse_s"] = bench_rdflib_parse(ttl)
            figures["rdflib_vs_kx_load"] = figures["rdflib_parse_s"] / figures["kx_load_process_s"]
            figures["rdflib_vs_kx_load_memory"] = figures["rdflib_parse_s"] / figures["kx_load_memory_s"]
        figures.update(bench_lookup(work / "kx-store", args.runs * 2 - 1))
        figures.update(bench_pairs(small, work / "kx-store", work, args.runs))
        figures.update(bench_startup(args.runs * 2 - 1))
    figures.update({f"cpu_{label}_s": seconds for label, seconds in CPU.items()})
    if "rdflib_parse" in CPU:
        figures["cpu_rdflib_vs_kx_load"] = CPU["rdflib_parse"] / CPU["kx_load_process"]
        figures["cpu_rdflib_vs_kx_load_memory"] = CPU["rdflib_parse"] / CPU["kx_load_memory"]
    figures["cpu_kx_vs_pyoxigraph_disk"] = CPU["kx_load_process"] / CPU["pyoxigraph_bulk_load_disk"]
    figures["load_average_at_end"] = os.getloadavg()[0]
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    for key, value in figures.items():
        if not key.endswith("_runs"):
            print(f"| {key} | {value:.3f} |" if isinstance(value, float) else f"| {key} | {value} |")


if __name__ == "__main__":
    main()
