"""Benchmark issue 13's table: the usual commands on the demo network grown with ``kx generate``.

    python3 benchmarks/bench_scale.py                   # scales 10 and 100
    python3 benchmarks/bench_scale.py --scales 10 30    # what a busy machine allows
    python3 benchmarks/bench_scale.py --scales 10 100 1000 --timeout 900 --data DIR  # once, for the record
    python3 benchmarks/bench_scale.py --scales 100 --only report analyze view   # some rows (load always)

For each scale: a store holding the ontology, the gazetteer, the Taiyuan report and the generated
network (``kx generate --scale N``, N-Triples, gzipped), then every command of the table as a whole
process, with its wall time and peak memory (the child's maximum resident set). Baselines run in
the same process tree on the same files: raw pyoxigraph ``bulk_load`` for ``kx load``, a raw
pyoxigraph count query for ``kx stats``, ``kx find`` without the label index, and ``kx analyze``
with networkx alone (igraph hidden). Growth is the ratio between the largest and smallest scale.
Results: benchmarks/RESULTS-scale-run.md (and .json), the table of the last run; benchmarks/RESULTS-scale.md
keeps the record of every pass with what each figure means.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

KX = [sys.executable, "-c", "import sys; from kxgraph.cli import main; sys.exit(main())"]
KX_NO_IGRAPH = [sys.executable, "-c",
                "import sys; sys.modules['igraph'] = None; from kxgraph.cli import main; sys.exit(main())"]
RAW_LOAD = """
import gzip, sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
with gzip.open(sys.argv[1], "rb") as handle:
    store.bulk_load(handle, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode("file:///raw"))
store.flush()
"""
RAW_COUNT = """
import sys, pyoxigraph as ox
store = ox.Store.read_only(sys.argv[1])
q = ("SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE { GRAPH ?g { ?e a ?class } } GROUP BY ?class")
print(len(list(store.query(q))))
print(list(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))
"""


def run(argv: list[str], *, timeout: float, env: dict | None = None) -> dict:
    """Run one process; its wall time, peak memory (MB) and exit status ("timeout" when killed)."""
    start = time.monotonic()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return {"seconds": round(time.monotonic() - start, 2), "peak_mb": None, "status": "timeout"}
        time.sleep(0.05)
    seconds = time.monotonic() - start
    code = os.waitstatus_to_exitcode(status)
    error = proc.stderr.read().decode("utf-8", "replace").strip().splitlines()[-1:] if code else []
    return {"seconds": round(seconds, 2), "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_mb": round(usage.ru_maxrss / 1024), "status": code, "error": error}


def bench_scale(scale: float, work: Path, *, timeout: float, only: list[str] | None = None,
                skip: list[str] | None = None, data_dir: Path | None = None, keep: Path | None = None) -> dict:
    # no command deadline of its own (kx's default is 60 s): the benchmark's timeout stops it
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), COLUMNS="200", KXGRAPH_TIMEOUT="0")
    store = work / f"store-{scale:g}"
    data = (data_dir or work) / f"network-{scale:g}.nt.gz"
    kx = [*KX, "--store", str(store)]
    out: dict[str, dict] = {}

    def row(name: str, argv: list[str], **options) -> None:
        """Run one row of the table (or not, when ``only`` leaves it out)."""
        wanted = ((not only or any(word in name for word in only))
                  and not any(word in name for word in skip or ()))
        out[name] = run(argv, **options) if wanted else {"seconds": None, "peak_mb": None, "status": "skipped"}

    if not (data_dir and data.exists()):  # a kept file of this scale is reused (generating 20M triples takes minutes)
        subprocess.run([*KX, "generate", "--scale", str(scale), "-o", str(data)], env=env, check=True,
                       stderr=subprocess.DEVNULL)
    row("raw pyoxigraph load", [sys.executable, "-c", RAW_LOAD, str(data), str(work / "raw")], timeout=timeout, env=env)
    shutil.rmtree(work / "raw", ignore_errors=True)
    out["kx load (N-Triples, gz)"] = run([*kx, "load", str(data)], timeout=timeout, env=env)  # the rest needs it
    for extra in (["--ontology", str(REPO / "src/kxgraph/data/taiyuan/taiyuan.trig")],
                  ["--graph", "https://w3id.org/kxgraph/graph/gazetteer",
                   str(REPO / "src/kxgraph/data/places/gazetteer.ttl")]):
        subprocess.run([*kx, "load", *extra], env=env, check=True, stdout=subprocess.DEVNULL)
    focus = f"syn:seed-0-scale-{scale:g}/academician-1"
    row("kx find 谢琳柏", [*kx, "find", "谢琳柏"], timeout=timeout, env=env)
    row("kx find taiyuan (pinyin)", [*kx, "find", "taiyuan"], timeout=timeout, env=env)
    row("kx find 王 (one frequent character)", [*kx, "find", "王"], timeout=timeout, env=env)
    row("kx find 院士 (class labels among the hits)", [*kx, "find", "院士"], timeout=timeout, env=env)
    row("kx stats", [*kx, "stats"], timeout=timeout, env=env)
    row("raw pyoxigraph count queries", [sys.executable, "-c", RAW_COUNT, str(store)], timeout=timeout, env=env)
    row("kx graphs", [*kx, "graphs"], timeout=timeout, env=env)
    index = store / "kxgraph-index.sqlite"
    index.rename(work / "index-aside")
    row("kx find 谢琳柏 (no index: SPARQL)", [*kx, "find", "谢琳柏"], timeout=timeout, env=env)
    row("kx stats (no index: SPARQL)", [*kx, "stats"], timeout=timeout, env=env)
    (work / "index-aside").rename(index)
    row("kx report", [*kx, "report"], timeout=timeout, env=env)
    row("kx analyze --measure centrality", [*kx, "analyze", "--measure", "centrality"], timeout=timeout, env=env)
    row("kx analyze, networkx alone", [*KX_NO_IGRAPH, "--store", str(store), "analyze", "--measure", "centrality"],
        timeout=timeout, env=env)
    row("kx view --focus academician-1 --depth 2",
        [*kx, "view", "--focus", focus, "--depth", "2", "-o", str(work / "focus.html")], timeout=timeout, env=env)
    other = f"syn:seed-0-scale-{scale:g}/academician-9"
    row("kx show academician-1", [*kx, "show", focus], timeout=timeout, env=env)
    row("kx path academician-1 academician-9", [*kx, "path", focus, other], timeout=timeout, env=env)
    row("kx query collaborators (academician-1)", [*kx, "query", "collaborators", "--param", f"entity={focus}"],
        timeout=timeout, env=env)
    row("kx view (whole)", [*kx, "view", "-o", str(work / "whole.html")], timeout=timeout, env=env)
    out["_triples"] = {"seconds": None, "peak_mb": None, "status": 0,
                       "triples": _triples(store, env)}
    if keep:  # kept for measuring more after the run (kx find at 20M, say)
        shutil.rmtree(keep / store.name, ignore_errors=True)
        shutil.move(str(store), str(keep / store.name))
    shutil.rmtree(store, ignore_errors=True)
    if not data_dir:
        data.unlink(missing_ok=True)
    return out


def _triples(store: Path, env: dict) -> int | None:
    done = subprocess.run([*KX, "--store", str(store), "graphs", "--format", "json"], env=env,
                          capture_output=True, text=True)
    try:
        rows = json.loads(done.stdout)["results"]["bindings"]
    except (ValueError, KeyError):
        return None
    return sum(int(r["triples"]["value"]) for r in rows)


def cell(m: dict) -> str:
    if m.get("status") == "skipped":
        return "not run"
    if m.get("status") == "timeout":
        return f"> {m['seconds']:.0f} s (stopped)"
    if m.get("status"):
        return f"failed ({'; '.join(m.get('error') or [])[:60]})"
    cpu = f" (CPU {m['cpu_seconds']:.1f} s)" if m.get("cpu_seconds") is not None else ""
    return f"{m['seconds']:.2f} s{cpu}, {m['peak_mb']} MB"


def markdown(results: dict[str, dict], load: str) -> str:
    scales = list(results)
    lines = ["# Scale benchmark (issue 13)", "",
             f"`python3 benchmarks/bench_scale.py --scales {' '.join(scales)}` on {platform.node()} "
             f"({os.cpu_count()} cores; load average {load} when it started: the machine is shared, "
             "so absolute times are inflated and noisy; ratios within one run are the figures to read).", "",
             "Every figure is a whole process: wall time, CPU time (user + system) and peak resident memory. "
             "Baselines are in the same run: raw pyoxigraph for load and counts, SPARQL without the "
             "label index for find and stats, networkx alone for analysis.", ""]
    triples = [results[s].get("_triples", {}).get("triples") for s in scales]
    lines.append("| command | " + " | ".join(f"scale {s} ({t or '?':,} triples)" if t else f"scale {s}"
                                             for s, t in zip(scales, triples)) + " | growth |")
    lines.append("|---" * (len(scales) + 2) + "|")
    for name in results[scales[0]]:
        if name.startswith("_"):
            continue
        row = [results[s].get(name, {}) for s in scales]
        first, last = row[0], row[-1]
        growth = (f"{last['seconds'] / first['seconds']:.1f}x"
                  if first.get("status") == 0 and last.get("status") == 0 and first["seconds"] else "—")
        lines.append(f"| {name} | " + " | ".join(cell(m) if m else "—" for m in row) + f" | {growth} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", nargs="+", default=["10", "100"])
    parser.add_argument("--timeout", type=float, default=300, help="Seconds before a command is stopped.")
    parser.add_argument("--out", default=str(HERE / "RESULTS-scale-run.md"))
    parser.add_argument("--only", nargs="+", metavar="WORD",
                        help="Run only the rows whose name contains one of these words (the load always runs).")
    parser.add_argument("--skip", nargs="+", metavar="WORD",
                        help="Leave out the rows whose name contains one of these words.")
    parser.add_argument("--data", metavar="DIR", help="Keep the generated files here and reuse them "
                        "(network-SCALE.nt.gz) instead of generating them again.")
    parser.add_argument("--keep", metavar="DIR", help="Move each loaded store here (store-SCALE) instead of removing it.")
    args = parser.parse_args()
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    results = {}
    with tempfile.TemporaryDirectory(prefix="kx-bench-scale-") as tmp:
        for scale in args.scales:
            print(f"scale {scale} …", file=sys.stderr)
            results[scale] = bench_scale(float(scale), Path(tmp), timeout=args.timeout, only=args.only,
                                         skip=args.skip, data_dir=Path(args.data) if args.data else None,
                                         keep=Path(args.keep) if args.keep else None)
            Path(args.out).with_suffix(".json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    Path(args.out).write_text(markdown(results, load), encoding="utf-8")
    print(Path(args.out).read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
