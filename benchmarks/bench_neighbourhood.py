"""Benchmark neighbourhood work: does a focus view cost what the neighbourhood costs, or the store?

    python benchmarks/bench_neighbourhood.py                     # scales 1 and 10 (about a minute)
    python benchmarks/bench_neighbourhood.py --scales 1 10 100   # 100 loads 2M triples first
    python benchmarks/bench_neighbourhood.py --baseline /path/to/other/src   # the same, for other code
    python benchmarks/bench_neighbourhood.py --store 10=/tmp/s10 --store 1000=/data/s1000  # stores loaded before

Each scale's synthetic network is generated and loaded into a temporary store (or a store given
with --store SCALE=PATH, only read); then whole-process times of `kx export --focus academician-1
--depth 2`, `kx query collaborators`, `kx show`, `kx path academician-1 academician-9` and
`kx find 谢琳柏`, best of three by wall time, with the CPU time (user + system) of that run. The
interpreter's own start (`python -c pass`) is measured in the same run as the floor. `--baseline`
runs the same commands with another checkout's `src` first on PYTHONPATH (e.g. main before this
change). Results go to benchmarks/RESULTS-neighbourhood.md (appended, one section per run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def timed(argv: list[str], env: dict | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def kx(src: Path, store: Path, *args: str) -> tuple[float, float]:
    env = dict(os.environ, PYTHONPATH=str(src))
    return timed([sys.executable, "-c", "from kxgraph.cli import main; main(prog_name='kx')",
                  "--store", str(store), *args], env)


def best(src: Path, store: Path, *args: str, runs: int = 3) -> tuple[float, float]:
    return min(kx(src, store, *args) for _ in range(runs))


def cell(measured: tuple[float, float]) -> str:
    return f"{measured[0]:.2f} ({measured[1]:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10])
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ to compare with")
    parser.add_argument("--store", action="append", default=[], metavar="SCALE=PATH",
                        help="use this loaded store for SCALE instead of generating one (only read)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each command; the best counts")
    options = parser.parse_args()
    given = {float(scale): Path(path) for scale, _, path in (item.partition("=") for item in options.store)}
    scales = sorted(given) if given else options.scales
    codes = [("this", SRC)] + ([("baseline", options.baseline)] if options.baseline else [])
    rows = []
    floor = min(timed([sys.executable, "-c", "pass"]) for _ in range(max(options.runs, 5)))
    with tempfile.TemporaryDirectory() as tmp:
        for scale in scales:
            label = f"{scale:g}"
            store = given.get(scale) or Path(tmp) / f"s{label}"
            if scale not in given:
                kx(SRC, store, "generate", "--scale", label, "--load")
            focus = f"syn:seed-0-scale-{label}/academician-1"
            other = f"syn:seed-0-scale-{label}/academician-9"
            out = Path(tmp) / "focus.json"
            for name, src in codes:
                view = best(src, store, "export", "--focus", focus, "--depth", "2", "-o", str(out), runs=options.runs)
                elements = json.loads(out.read_text(encoding="utf-8"))["elements"]
                rows.append((label, name, view, len(elements["nodes"]), len(elements["edges"]),
                             best(src, store, "query", "collaborators", "--param", f"entity={focus}",
                                  runs=options.runs),
                             best(src, store, "show", focus, runs=options.runs),
                             best(src, store, "path", focus, other, runs=options.runs),
                             best(src, store, "find", "谢琳柏", runs=options.runs)))
                print(rows[-1], file=sys.stderr)
    lines = [f"\n## {time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · Python {platform.python_version()}\n",
             f"Seconds, wall (CPU), best of {options.runs}; `python -c pass` alone: {cell(floor)}.\n",
             "| scale | code | focus view depth 2 | nodes | links | `kx query collaborators` | `kx show` "
             "| `kx path` a-1 a-9 | `kx find 谢琳柏` |",
             "|---|---|---|---|---|---|---|---|---|"]
    lines += [f"| {s} | {c} | {cell(v)} | {n} | {e} | {cell(q)} | {cell(w)} | {cell(p)} | {cell(f)} |"
              for s, c, v, n, e, q, w, p, f in rows]
    for name, _ in codes:
        mine = {r[0]: r for r in rows if r[1] == name}
        if len(mine) >= 2:
            low, high = mine[f"{scales[0]:g}"], mine[f"{scales[-1]:g}"]
            growth = ", ".join(f"{what} {high[i][1] / low[i][1]:.2f}x" for what, i in
                               (("focus view", 2), ("collaborators", 5), ("show", 6), ("path", 7), ("find", 8)))
            lines.append(f"\n{name}: growth by CPU time from scale {low[0]} to {high[0]}: {growth}")
    results = HERE / "RESULTS-neighbourhood.md"
    if not results.exists():
        results.write_text("# Neighbourhood work (issue 13 item 1)\n\nWhole-process times, best of three; "
                           "written by benchmarks/bench_neighbourhood.py.\n", encoding="utf-8")
    with results.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
