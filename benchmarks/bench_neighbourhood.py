"""Benchmark neighbourhood work: does a focus view cost what the neighbourhood costs, or the store?

    python benchmarks/bench_neighbourhood.py                     # scales 1 and 10 (about a minute)
    python benchmarks/bench_neighbourhood.py --scales 1 10 100   # 100 loads 2M triples first
    python benchmarks/bench_neighbourhood.py --baseline /path/to/other/src   # the same, for other code

Each scale's synthetic network is generated and loaded into a temporary store; then whole-process
times of `kx export --focus academician-1 --depth 2`, `kx query collaborators` and `kx show` on the
same academician, best of three. `--baseline` runs the same commands with another checkout's
`src` first on PYTHONPATH (e.g. main before this change), in the same run. Results go to
benchmarks/RESULTS-neighbourhood.md (appended, one section per run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"


def kx(src: Path, store: Path, *args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(src))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from kxgraph.cli import main; main(prog_name='kx')",
                    "--store", str(store), *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return time.perf_counter() - start


def best(src: Path, store: Path, *args: str, runs: int = 3) -> float:
    return min(kx(src, store, *args) for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", nargs="+", type=float, default=[1, 10])
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ to compare with")
    options = parser.parse_args()
    codes = [("this", SRC)] + ([("baseline", options.baseline)] if options.baseline else [])
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for scale in options.scales:
            label = f"{scale:g}"
            store = Path(tmp) / f"s{label}"
            kx(SRC, store, "generate", "--scale", label, "--load")
            focus = f"syn:seed-0-scale-{label}/academician-1"
            out = Path(tmp) / "focus.json"
            for name, src in codes:
                view = best(src, store, "export", "--focus", focus, "--depth", "2", "-o", str(out))
                elements = json.loads(out.read_text(encoding="utf-8"))["elements"]
                collaborators = best(src, store, "query", "collaborators", "--param", f"entity={focus}")
                show = best(src, store, "show", focus)
                rows.append((label, name, view, len(elements["nodes"]), len(elements["edges"]), collaborators, show))
                print(rows[-1], file=sys.stderr)
    lines = [f"\n## {time.strftime('%Y-%m-%d %H:%M')} · {platform.machine()} · Python {platform.python_version()}\n",
             "| scale | code | focus view depth 2 (s) | nodes | links | `kx query collaborators` (s) | `kx show` (s) |",
             "|---|---|---|---|---|---|---|"]
    lines += [f"| {s} | {c} | {v:.2f} | {n} | {e} | {q:.2f} | {w:.2f} |" for s, c, v, n, e, q, w in rows]
    for name, _ in codes:
        mine = {r[0]: r for r in rows if r[1] == name}
        if len(mine) >= 2:
            low, high = mine[f"{options.scales[0]:g}"], mine[f"{options.scales[-1]:g}"]
            lines.append(f"\n{name}: growth from scale {low[0]} to {high[0]}: focus view {high[2] / low[2]:.2f}x, "
                         f"collaborators {high[5] / low[5]:.2f}x, show {high[6] / low[6]:.2f}x")
    results = HERE / "RESULTS-neighbourhood.md"
    if not results.exists():
        results.write_text("# Neighbourhood work (issue 13 item 1)\n\nWhole-process times, best of three; "
                           "written by benchmarks/bench_neighbourhood.py.\n", encoding="utf-8")
    with results.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
