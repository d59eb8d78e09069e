"""kx find through a SPARQL endpoint: the server's own text index against the plain SPARQL fallback.

Both run in the same process against the same server, alternating, so a shared machine's load falls
on both alike. The server is one the caller has started and loaded (e.g. Virtuoso with
``kx generate --scale 10``); nothing is started here.

    python benchmarks/bench_endpoint_find.py http://127.0.0.1:8890/sparql 院士工作站 晋阳 jinyang
"""

from __future__ import annotations

import argparse
import statistics
import time

import kxgraph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoint")
    parser.add_argument("texts", nargs="+")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    indexed, plain = kxgraph.open(endpoint=args.endpoint), kxgraph.open(endpoint=args.endpoint)
    plain.store.text_index = False                     # the fallback: CONTAINS over every label
    start = time.perf_counter()
    indexed.find(args.texts[0])
    print(f"first find with the probe: {time.perf_counter() - start:.3f} s "
          f"(text index usable: {indexed.store.text_index})")
    print("| text | rows | text index, median s | plain SPARQL, median s | ratio |")
    print("|---|---|---|---|---|")
    for text in args.texts:
        times: dict[str, list[float]] = {"indexed": [], "plain": []}
        answers = {}
        for _ in range(args.repeat):
            for name, graph in (("indexed", indexed), ("plain", plain)):
                start = time.perf_counter()
                answers[name] = [tuple(t.value if t is not None else None for t in row) for row in graph.find(text).rows]
                times[name].append(time.perf_counter() - start)
        assert answers["indexed"] == answers["plain"], f"{text}: the two paths disagree"
        a, b = statistics.median(times["indexed"]), statistics.median(times["plain"])
        print(f"| {text} | {len(answers['plain'])} | {a:.3f} | {b:.3f} | {b / a:.1f}x |")


if __name__ == "__main__":
    main()
