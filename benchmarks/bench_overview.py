"""Benchmark the whole-network view of very large networks: overview page against the plain page.

    python3 benchmarks/bench_overview.py --nodes 20000 220000

A synthetic collaboration-like network (clusters of 100 nodes, each node linked to one or two
earlier members of its cluster, 1 % of links across clusters; labels in both languages; IRIs in
the synthetic namespace) is
written with ``View.to_html`` (time and file size), then opened in headless Chromium (Debian's,
networking cut off): page ready = navigation until ``kxView.ready`` (vis-network has drawn)
and ``kxView.searchReady`` (an overview has read its search text);
then one search (the last node's label: its community opens, the node is focused), the same
search again, one drill-down and the way back to the overview. The plain page (no overview) is measured at the same size, stopped at ``--timeout``.
Results are appended to benchmarks/RESULTS-scale.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


def network(n: int, seed: int = 1):
    import networkx as nx

    from kxgraph.vocab import SYN

    rng = random.Random(seed)
    G = nx.Graph()
    iri = f"{SYN}seed-{seed}-bench/node-{{}}".format  # synthetic IRIs, as kx generate makes them
    for i in range(n):
        G.add_node(iri(i), label_zh=f"合成节点{i}", label_en=f"Node {i}", type="kx:Person" if i % 3 else "kx:Enterprise",
                   synthetic=True)
        block = i - i % 100
        for _ in range(rng.choice((1, 1, 2))):
            if i > block:
                G.add_edge(iri(i), iri(rng.randrange(block, i)), link="works-at", weight=1)
        if i > 100 and rng.random() < 0.01:
            G.add_edge(iri(i), iri(rng.randrange(0, i)), link="partner-of", weight=1)
    return G


def measure(browser, path: Path, last: str, timeout: float) -> dict:
    page = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    requests = []
    page.route("http*://**/*", lambda route: (requests.append(route.request.url), route.abort()))
    start = time.monotonic()
    try:
        page.goto(path.as_uri(), timeout=timeout * 1000)
        page.wait_for_function("window.kxView && window.kxView.ready && kxView.searchReady !== false", timeout=timeout * 1000,
                               polling=100)
    except Exception:  # noqa: BLE001 - a timeout is the measurement
        page.context.close()
        return {"ready": None}
    ready = time.monotonic() - start
    t = time.monotonic()
    found = page.evaluate("q => kxView.search(q).length", last)
    search = time.monotonic() - t
    t = time.monotonic()
    page.evaluate("q => kxView.search(q).length", last)
    again = time.monotonic() - t
    t = time.monotonic()
    page.evaluate("kxView.openOverview && kxView.openOverview(); kxView.openCommunity && kxView.openCommunity(0)")
    drill = time.monotonic() - t
    t = time.monotonic()
    page.evaluate("kxView.openOverview && kxView.openOverview()")
    back = time.monotonic() - t
    page.context.close()
    return {"ready": ready, "search": search, "again": again, "found": found, "drill": drill, "back": back,
            "requests": len(requests)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--nodes", nargs="+", type=int, default=[20000, 220000])
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--out", default=str(HERE / "RESULTS-scale.md"))
    parser.add_argument("--no-plain", action="store_true", help="measure the overview page only")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from kxgraph.network import engine
    from kxgraph.network.view import View

    rows = []
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
        for n in args.nodes:
            G = network(n)
            modes = (("overview", min(n - 1, 20000)),) + (() if args.no_plain else (("plain", 10**9),))
            for mode, threshold in modes:
                path = Path(tmp) / f"{mode}-{n}.html"
                t, cpu = time.monotonic(), time.process_time()
                View(G, overview=threshold).to_html(path)
                written, cpu = time.monotonic() - t, time.process_time() - cpu
                m = measure(browser, path, f"合成节点{n - 1}", args.timeout)
                rows.append((n, G.number_of_edges(), mode, written, cpu, path.stat().st_size / 1e6, m))
                print(rows[-1], file=sys.stderr, flush=True)
                path.unlink()
        browser.close()
    lines = ["", "## Whole-network page of very large networks (bench_overview.py)", "",
             f"`python3 benchmarks/bench_overview.py --nodes {' '.join(map(str, args.nodes))}`, load average {load}; "
             f"communities by {'igraph' if engine.igraph_module() else 'networkx'}. Ready = navigation until "
             "vis-network has drawn and the search text is read; search = the last node's label, first time "
             "(opens the node's community) and again; drill = open the biggest community; back = to the overview. "
             "Write: wall (CPU) seconds.", "",
             "| nodes | links | page | write (s) | HTML MB | ready in Chromium (s) | search (s) | again (s) | "
             "drill-down (s) | back (s) | requests |",
             "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, e, mode, written, cpu, mb, m in rows:
        if m["ready"] is None:
            lines.append(f"| {n} | {e} | {mode} | {written:.1f} ({cpu:.1f}) | {mb:.1f} | not ready in "
                         f"{args.timeout:.0f} s | | | | | |")
        else:
            lines.append(f"| {n} | {e} | {mode} | {written:.1f} ({cpu:.1f}) | {mb:.1f} | {m['ready']:.1f} | "
                         f"{m['search']:.2f} | {m['again']:.2f} | {m['drill']:.2f} | {m['back']:.2f} | {m['requests']} |")
    with open(args.out, "a", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
