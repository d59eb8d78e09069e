"""Load test of ``kx serve``: N concurrent clients for T seconds per target, on the demo store and a large one.

Targets: a search page, an entity page, a named query page, and the same named query through
``/sparql``, against ``kx serve``; and that SPARQL through ``oxigraph serve-read-only`` on the
same store, in the same run. ``--big-store`` repeats it all on a large store (build it once:
``kx --store big demo && kx --store big generate --scale 100 --load``, about 2.1M triples). Each client is a thread with one keep-alive ``http.client``
connection; every answer must be 200 (errors are counted and reported). Prints a markdown table;
``--write`` also records it in benchmarks/RESULTS-serve.md.

    python benchmarks/bench_serve.py --clients 4 --seconds 10 --big-store /tmp/big --write
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str, deadline: float = 30) -> float:
    start = time.monotonic()
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return time.monotonic() - start
        except OSError:
            if time.monotonic() - start > deadline:
                raise
            time.sleep(0.02)


def warm(port: int, path: str, headers: dict) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path, headers=headers)
    conn.getresponse().read()
    conn.close()


def hammer(port: int, path: str, clients: int, seconds: float, headers: dict) -> dict:
    """``clients`` threads asking ``path`` for ``seconds``; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, bad = [], []
        while time.monotonic() < stop:
            t = time.perf_counter()
            try:
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                body = response.read()
                if response.status != 200:
                    bad.append(f"{response.status} {body[:60].decode('utf-8', 'replace').strip()}")
            except (OSError, http.client.HTTPException) as exc:
                bad.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            mine.append(time.perf_counter() - t)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.extend(bad)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies)
    return {"requests": len(ordered), "errors": len(errors), "kinds": sorted(set(errors)), "rps": len(ordered) / elapsed,
            "p50_ms": 1000 * statistics.median(ordered) if ordered else float("nan"),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else float("nan")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="an existing store (default: build the demo store in a temp folder)")
    parser.add_argument("--big-store", help="also a large store, e.g. the demo plus kx generate --scale 100 --load "
                                            "(~2M triples); build it once and reuse it")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--write", action="store_true", help="record in benchmarks/RESULTS-serve.md")
    args = parser.parse_args()

    kx = [sys.executable, "-c", "from kxgraph.cli import main; main()"]
    work = Path(tempfile.mkdtemp(prefix="kx-bench-serve-"))
    store = Path(args.store) if args.store else work / "store"
    if not args.store:
        subprocess.run([*kx, "--store", str(store), "demo", "-o", str(work / "views")], check=True,
                       stdout=subprocess.DEVNULL)
    stores = [("demo" if not args.store else "given", store)]
    if args.big_store:
        stores.append(("big", Path(args.big_store)))
    sections = []
    try:
        for kind, path in stores:
            sections.append(bench_store(kx, kind, path, args.clients, args.seconds))
    finally:
        if not args.store:
            shutil.rmtree(work, ignore_errors=True)

    lines = [
        "# kx serve under load",
        "",
        f"Run on {time.strftime('%Y-%m-%d')}: `python benchmarks/bench_serve.py --clients {args.clients} --seconds "
        f"{args.seconds:g}{' --big-store STORE' if args.big_store else ''}`, {os.cpu_count()} CPUs **shared with "
        f"other work** (about eight other engineers were building and testing on the same two cores), Python "
        f"{platform.python_version()}. Each client is a thread with one keep-alive connection; every answer "
        "must be HTTP 200. Both servers are measured in the same run, one after the other, on the same store.",
    ]
    for section in sections:
        lines += ["", *section]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.write:
        (HERE / "RESULTS-serve.md").write_text(text + NOTES, encoding="utf-8")


def bench_store(kx: list[str], kind: str, store: Path, clients: int, seconds: float) -> list[str]:
    """Both servers on ``store``: the targets below, hammered in turn; the section's markdown lines."""
    import kxgraph
    from kxgraph.sparql.query import named_query
    from kxgraph.store.base import inject_values
    from kxgraph.vocab import shorten, with_prefixes

    with kxgraph.open(store) as g:
        triples = sum(g.graphs().column("triples"))
        took = time.monotonic()
        busiest = g.named_query("academicians-ranked", limit=1).rows[0][0]
        took = time.monotonic() - took
    # The named query: who the busiest academician works with (selective, as a colleague would ask).
    sparql = with_prefixes(inject_values(named_query("collaborators").text, {"entity": [busiest]}))
    sparql_path = "/sparql?" + urllib.parse.urlencode({"query": sparql})
    json_accept = {"Accept": "application/sparql-results+json"}
    curie = shorten(busiest.value)

    kx_port, ox_port = free_port(), free_port()
    kx_proc = subprocess.Popen([*kx, "--store", str(store), "serve", "--port", str(kx_port)],
                               stderr=subprocess.DEVNULL)
    ox_bin = shutil.which("oxigraph")
    ox_proc = None
    rows = []
    try:
        kx_start = wait(f"http://127.0.0.1:{kx_port}/sparql")
        if ox_bin:
            ox_proc = subprocess.Popen([ox_bin, "serve-read-only", "--location", str(store), "--bind",
                                        f"127.0.0.1:{ox_port}", "--union-default-graph"],
                                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait(f"http://127.0.0.1:{ox_port}/query?query=ASK%7B%7D")
        targets = [
            ("kx serve", "search 太原", kx_port, "/search?" + urllib.parse.urlencode({"q": "太原"}), {}),
            ("kx serve", "entity page (busiest academician)", kx_port,
             "/e/" + urllib.parse.quote(curie, safe=":"), {}),
            ("kx serve", "named query page (collaborators)", kx_port,
             "/q/collaborators?" + urllib.parse.urlencode({"entity": curie, "run": 1}), {}),
            ("kx serve", "same query via /sparql", kx_port, sparql_path, json_accept),
            ("kx serve", "ASK {} via /sparql (fixed cost)", kx_port, "/sparql?query=ASK%7B%7D", json_accept),
        ]
        if ox_proc:
            targets += [("oxigraph serve-read-only", "same query via /query", ox_port,
                         "/query?" + urllib.parse.urlencode({"query": sparql}), json_accept),
                        ("oxigraph serve-read-only", "ASK {} via /query (fixed cost)", ox_port,
                         "/query?query=ASK%7B%7D", json_accept)]
        for server, what, port, path, headers in targets:
            warm(port, path, headers)  # one request first: caches warm, as for a colleague's second look
            r = hammer(port, path, clients, seconds, headers)
            rows.append((server, what, r))
            print(f"{kind:5} {server:26} {what:36} {r['requests']:6} req  {r['errors']} err  {r['rps']:7.1f}/s  "
                  f"p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:7.1f} ms {' '.join(r['kinds'])}", flush=True)
    finally:
        for proc in (kx_proc, ox_proc):
            if proc is not None:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
    name = {"demo": "The demo store", "given": "The given store", "big": "The large store"}[kind]
    lines = [f"## {name}: {triples:,} triples",
             "",
             f"`kx serve` answered its first request {kx_start:.2f} s after launch. Entity: `{curie}` "
             f"(the busiest academician; finding it by `academicians-ranked` took {took:.1f} s, once, before "
             "the run). Named query: `collaborators` of that academician.",
             "",
             "| server | request | requests | errors | req/s | p50 ms | p99 ms |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for server, what, r in rows:
        errors = f"{r['errors']} ({', '.join(r['kinds'])})" if r["errors"] else "0"
        lines.append(f"| {server} | {what} | {r['requests']} | {errors} | {r['rps']:.1f} | "
                     f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} |")
    return lines


NOTES = """
## Reading the figures

- `kx serve` opens the store read-only when a request arrives, shares that opening with the
  requests that overlap it (for at most 1 s) and closes it as soon as none reads, so `kx load`
  can write between requests and new data shows on the next request (within 1 s under steady
  load). The `ASK {}` rows show that fixed cost (opening, Starlette, a worker thread) against
  `oxigraph serve-read-only`, which holds its store open for its whole life (and so keeps a
  `kx load` out).
- The `/sparql` rows are the like-for-like comparison: the same query text (the named query with
  its entity bound by a `VALUES` block) to both servers. `kx serve` streams the answer
  (`kxgraph.server.stream`: rows rendered in batches of 500 as the store yields them), so its
  memory stays bounded however large an answer is, up to `--limit` rows.
- Pages also render labels, types and HTML in Python. The entity page includes the entity's
  one-step neighbourhood summarised inline, a network projection per request: on the large store
  that is most of its cost.
- Whole-network aggregates (`academicians-ranked`, a GROUP BY over every academician) take seconds
  on the large store in either server (one run took ~18 s alone), past `kx serve`'s default
  `--timeout 10`: such a query is answered 503 there, which is why the load targets are what a
  colleague looks up (one entity, its collaborators), not whole-network rankings.
- The machine has 2 cores shared with other work while this ran: figures vary by ±30 % or more
  between runs; compare the rows of one run with each other (ratios), not with other files.
"""


if __name__ == "__main__":
    main()
