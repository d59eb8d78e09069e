"""Benchmark `kx generate`: triples written per second, and peak memory as the scale grows.

    python benchmarks/bench_generate.py              # scales 1, 10, 100 (about a minute)
    python benchmarks/bench_generate.py --full       # adds scale 1000 (21M triples, a few minutes)

Speed is given as a rate and as ratios against baselines measured in the same run on the same
machine: pyoxigraph (Rust) serialising and parsing the very triples the generator wrote. Memory is
the peak RSS of a fresh process per scale, against a process that only imports the generator and
reads its name tables. Results go to benchmarks/RESULTS-generate.md and .json.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = """
import resource, sys, time
from kxgraph.synthetic.generate import generate
from kxgraph.synthetic.build import tables

class Sink:
    def write(self, data): return len(data)
    def flush(self): pass

tables()
scale = float(sys.argv[1])
report = None
if scale > 0:
    report = generate(Sink(), scale=scale, seed=0, format="ntriples")
try:  # VmHWM starts afresh at exec; ru_maxrss on Linux may carry the parent's high-water mark
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    peak_kib = int(status.split()[0])
except (OSError, IndexError):
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(peak_kib, report.triples if report else 0, report.seconds if report else 0.0)
"""


def peak_rss(scale: float) -> tuple[int, int, float]:
    """(peak RSS in KiB, triples, seconds) of a fresh process generating at ``scale`` (0: none)."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(scale)], capture_output=True, text=True,
                         check=True).stdout.split()
    return int(out[0]), int(out[1]), float(out[2])


def speed(scale: float, tmp: Path) -> dict:
    """Rates of the generator writing files, and of pyoxigraph on the same triples."""
    import pyoxigraph as ox

    from kxgraph.synthetic.generate import generate

    rows = {}
    for fmt, ext in (("ntriples", "nt"), ("nquads", "nq"), ("turtle", "ttl")):
        path = tmp / f"net.{ext}"
        best = min((generate(path, scale=scale, seed=0) for _ in range(2)), key=lambda r: r.seconds)
        rows[fmt] = {"triples": best.triples, "seconds": round(best.seconds, 3), "rate": round(best.rate),
                     "bytes": path.stat().st_size}
    data = (tmp / "net.nt").read_bytes()
    start = time.perf_counter()
    triples = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    parse_s = time.perf_counter() - start
    start = time.perf_counter()
    ox.serialize(triples, io.BytesIO(), format=ox.RdfFormat.N_TRIPLES)
    serialise_s = time.perf_counter() - start
    n = len(triples)
    rows["baseline"] = {"pyoxigraph_parse_rate": round(n / parse_s),
                        "pyoxigraph_serialise_rate": round(n / serialise_s)}
    rows["ratios"] = {"generate_nt_vs_pyoxigraph_serialise": round(rows["ntriples"]["rate"] * serialise_s / n, 3),
                      "generate_nt_vs_pyoxigraph_parse": round(rows["ntriples"]["rate"] * parse_s / n, 3)}
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also measure scale 1000 (minutes)")
    args = parser.parse_args()
    scales = [1, 10, 100] + ([1000] if args.full else [])

    results: dict = {"python": platform.python_version(), "machine": platform.machine(),
                     "cpus": os.cpu_count(), "load_average": round(os.getloadavg()[0], 2),
                     "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}
    base_kib, _, _ = peak_rss(0)
    results["memory"] = {"baseline_kib": base_kib, "scales": {}}
    for scale in scales:
        kib, triples, seconds = peak_rss(scale)
        results["memory"]["scales"][str(scale)] = {
            "peak_kib": kib, "over_baseline_kib": kib - base_kib, "ratio_to_baseline": round(kib / base_kib, 3),
            "triples": triples, "seconds": round(seconds, 2), "rate": round(triples / seconds)}
        print(f"scale {scale}: {triples:,} triples, peak RSS {kib / 1024:.1f} MiB "
              f"({kib / base_kib:.2f}x baseline), {triples / seconds:,.0f} triples/s", file=sys.stderr)
    with tempfile.TemporaryDirectory() as tmp:
        results["speed"] = {str(s): speed(s, Path(tmp)) for s in (1, 10)}
    (HERE / "RESULTS-generate.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    (HERE / "RESULTS-generate.md").write_text(markdown(results), encoding="utf-8")


def markdown(r: dict) -> str:
    lines = ["# `kx generate` benchmark", "",
             f"Measured {r['when']} with Python {r['python']} on {r['machine']} ({r['cpus']} CPUs, load "
             f"average {r['load_average']} at the start: other work shared the machine, so absolute rates "
             "vary from run to run; the ratios to pyoxigraph measured in the same run are steadier) by "
             "`python benchmarks/bench_generate.py --full`; raw figures in `RESULTS-generate.json`.", "",
             "Target (issue 4): at least 200,000 triples/s written, memory flat from scale 1 to 1000.", "",
             "## Speed (writing a file, best of two runs)", "",
             "| scale | format | triples | seconds | triples/s | bytes |", "|---|---|---:|---:|---:|---:|"]
    for scale, rows in r["speed"].items():
        for fmt in ("ntriples", "nquads", "turtle"):
            x = rows[fmt]
            lines.append(f"| {scale} | {fmt} | {x['triples']:,} | {x['seconds']} | {x['rate']:,} | {x['bytes']:,} |")
    lines += ["", "Baselines on the same triples in the same run (pyoxigraph, Rust):", "",
              "| scale | pyoxigraph parse triples/s | pyoxigraph serialise triples/s | "
              "generate ÷ serialise | generate ÷ parse |", "|---|---:|---:|---:|---:|"]
    for scale, rows in r["speed"].items():
        b, q = rows["baseline"], rows["ratios"]
        lines.append(f"| {scale} | {b['pyoxigraph_parse_rate']:,} | {b['pyoxigraph_serialise_rate']:,} | "
                     f"{q['generate_nt_vs_pyoxigraph_serialise']} | {q['generate_nt_vs_pyoxigraph_parse']} |")
    m = r["memory"]
    lines += ["", "## Memory (peak RSS of a fresh process, output discarded)", "",
              f"Baseline: a process that imports the generator and reads its tables, "
              f"{m['baseline_kib'] / 1024:.1f} MiB.", "",
              "| scale | triples | peak RSS MiB | over baseline MiB | ÷ baseline | triples/s |",
              "|---:|---:|---:|---:|---:|---:|"]
    for scale, x in m["scales"].items():
        lines.append(f"| {scale} | {x['triples']:,} | {x['peak_kib'] / 1024:.1f} | "
                     f"{x['over_baseline_kib'] / 1024:.1f} | {x['ratio_to_baseline']} | {x['rate']:,} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
