"""The store layer: one interface, two implementations — embedded Oxigraph and any SPARQL 1.1 endpoint.

Everything above this module speaks SPARQL 1.1 through ``Store.query`` / ``Store.update`` and
loads files through ``Store.load_files``, so pointing kxgraph at an endpoint changes nothing else.
The default graph of every query is the union of all named graphs (an endpoint must be set up
that way, e.g. ``oxigraph serve --union-default-graph``).

Loads into the embedded store are all-or-nothing per call, even when killed: see ``OxigraphStore``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from abc import ABC, abstractmethod
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Callable, Iterator, Mapping

from kxgraph.errors import InputError, QueryError, StoreError
from kxgraph.output.results import Result
from kxgraph.vocab import GRAPH, PREFIXES

# File extension -> pyoxigraph RdfFormat attribute name.
FORMATS = {
    ".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES",
    ".nq": "N_QUADS", ".nquads": "N_QUADS", ".trig": "TRIG", ".jsonld": "JSON_LD",
    ".json": "JSON_LD", ".rdf": "RDF_XML", ".xml": "RDF_XML", ".owl": "RDF_XML", ".n3": "N3",
}
FORMAT_NAMES = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
                "jsonld": "JSON_LD", "rdfxml": "RDF_XML", "n3": "N3"}

STAGING = GRAPH + "staging/"      # graphs a load writes before it commits; never user data
RECORDS = GRAPH + "source/"       # records of sources (kxgraph.sources), listed by kx sources
JOURNAL = "kxgraph-load.json"     # in the store directory while a load is uncommitted
LOCK_WAIT = 2.0                   # seconds to wait for another process to release the store

_SLASHED_CURIE = re.compile(r"(?<![\w<\\/])[a-z][\w-]*:[\w-]+/")  # kxid:org/x is not SPARQL
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


def rdf_format(path: str | Path, fmt: str | None = None):
    """Return the pyoxigraph ``RdfFormat`` for a file, from ``fmt`` or the file's extension."""
    import pyoxigraph as ox

    if fmt:
        key = FORMAT_NAMES.get(fmt.lower().replace("-", "").replace("_", "").replace("/", ""))
        if key is None:
            raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMAT_NAMES)}", file=str(path))
        return getattr(ox.RdfFormat, key)
    suffixes = [x.lower() for x in Path(path).suffixes]
    if suffixes and suffixes[-1] == ".gz":  # network.nt.gz, as kx generate writes it
        suffixes.pop()
    key = FORMATS.get(suffixes[-1]) if suffixes else None
    if key is None:
        raise InputError(f"unknown file type; give --format ({', '.join(FORMAT_NAMES)})",
                         file=Path(path).name)
    return getattr(ox.RdfFormat, key)


def is_quad_format(fmt: Any) -> bool:
    """True for formats whose documents name their own graphs (TriG, N-Quads, JSON-LD)."""
    return bool(fmt.supports_datasets)


@dataclass
class LoadItem:
    """One file of a load: where it is, its format, and the graph its triples go to."""

    path: Path
    format: Any
    graph: str
    size: int = 0


def syntax_error(exc: SyntaxError, file: str | None = None) -> InputError:
    """Turn a pyoxigraph parse error into an ``InputError`` naming file, line and column."""
    line, column = getattr(exc, "lineno", None), getattr(exc, "offset", None)
    message = str(exc.args[0]) if exc.args else str(exc)
    message = re.sub(r"^Parser error (between|at) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)
    return InputError(f"parse error: {message}", file=file, line=line, column=column)


def sparql_syntax_error(exc: SyntaxError, sparql: str = "") -> QueryError:
    """Turn a pyoxigraph SPARQL parse error into a ``QueryError`` naming line and column."""
    text = str(exc.args[0]) if exc.args else str(exc)
    match = re.match(r"error at (\d+):(\d+): (.*)", text, re.DOTALL)
    message = (f"SPARQL syntax error at line {match[1]}, column {match[2]}: {match[3]}" if match
               else f"SPARQL syntax error: {text}")
    if _SLASHED_CURIE.search(sparql):
        message += r" (a CURIE with '/' is written kxid:org\/x in SPARQL, or as a full <IRI>)"
    return QueryError(message)



def inject_values(sparql: str, substitutions: Mapping[str, Any]) -> str:
    """Bind variables by a ``VALUES`` block at the start of the outer ``WHERE``.

    Terms are written in N-Triples syntax by pyoxigraph, so no value is ever pasted as text.
    """
    names = list(substitutions)
    row = " ".join(str(substitutions[n]) for n in names)
    values = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }} "
    match = _WHERE.search(sparql) or re.search(r"\{", sparql)
    if match is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return sparql[:match.end()] + values + sparql[match.end():]


class Store(ABC):
    """What kxgraph needs from a triple store: SPARQL 1.1 query and update, loads, graphs."""

    @abstractmethod
    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        """Run a read-only SPARQL query; the default graph is the union of all graphs."""

    def solutions(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None):
        """Run a query and return ``(kind, variables, iterator)``, lazily where the store can.

        ``kind`` is ``"select"``, ``"ask"`` (the iterator yields one bool) or ``"graph"``.
        """
        result = self.query(sparql, substitutions=substitutions)
        if result.kind == "ask":
            return "ask", [], iter([result.boolean])
        if result.kind == "graph":
            return "graph", [], iter(result.triples)
        return "select", result.variables, iter(result.rows)

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update."""

    @abstractmethod
    def load_files(self, items: list[LoadItem], *, replace: bool = False,
                   progress: Callable[[int], None] | None = None, drop: tuple[str, ...] = ()) -> dict[str, int]:
        """Load every file, all or nothing; return the triple count of each graph touched.

        ``drop`` names graphs removed in the same commit (a source replaced as a whole).
        """

    def load(self, data: bytes | str | Path, *, format: Any, graph: str | None) -> None:
        """Add one RDF document to ``graph`` (kept for callers that load bytes)."""
        if isinstance(data, Path):
            self.load_files([LoadItem(data, format, graph or data.resolve().as_uri())])
            return
        import pyoxigraph as ox

        quads = _parse(data, format, graph, file="<input>")
        self.update(_insert_data(quads, ox))

    def graphs(self) -> list[tuple[str, int]]:
        """Named graphs with their triple counts (staging graphs of a running load and the
        records of sources, which ``kx sources`` lists, left out)."""
        result = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
                            f"FILTER(!STRSTARTS(STR(?g), \"{STAGING}\") && !STRSTARTS(STR(?g), \"{RECORDS}\")) }} "
                            "GROUP BY ?g ORDER BY ?g")
        return [(row[0].value, int(row[1].value)) for row in result.rows]

    def graph_size(self, graph: str) -> int:
        """Triples in one named graph (0 when it does not exist)."""
        result = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        return int(result.rows[0][0].value)

    def drop(self, graph: str) -> None:
        """Remove a named graph."""
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def close(self) -> None:
        """Release the store."""


class OxigraphStore(Store):
    """The embedded store: Oxigraph on RocksDB at ``path``, or in memory when ``path`` is None.

    A load bulk-loads each file straight into its new graph, or into a staging graph when the
    target already holds triples; one SPARQL update then moves staged triples into place and
    drops a sentinel graph, atomically. A journal file in the store directory names the graphs
    of an uncommitted load: if the process dies, the next open finds the sentinel still there and
    drops everything the load wrote, so the store is as before.
    """

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        self.path = None if path is None else Path(path)
        self.read_only = read_only
        self._store = self._open(read_only)
        if self.path is not None and not read_only:
            self._recover()

    def _open(self, read_only: bool):
        import pyoxigraph as ox

        if self.path is None:
            return ox.Store()
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}; load data first (kx load FILE)")
        if read_only and (self.path / JOURNAL).exists():
            raise StoreError(f"the store at {self.path} has a load in progress or interrupted; "
                             "open it read-write once it has finished (that also undoes an interrupted load)")
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                return ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
            except OSError as exc:
                text = str(exc)
                if "lock" not in text.lower():
                    raise StoreError(f"cannot open the store at {self.path}: {text}") from exc
                if time.monotonic() > deadline:
                    raise StoreError(self._busy_message()) from exc
                time.sleep(0.1)

    def _busy_message(self) -> str:
        journal = self.path / JOURNAL
        doing = "a load is in progress" if journal.exists() else "another kx process is using it"
        return f"the store at {self.path} is busy ({doing}); try again when it has finished"

    @property
    def raw(self):
        """The underlying ``pyoxigraph.Store`` (for bulk work inside kxgraph)."""
        return self._store

    def __repr__(self) -> str:
        return f"OxigraphStore({str(self.path) if self.path else 'memory'!r})"

    # -- query and update --------------------------------------------------------------------

    def _run(self, sparql: str, substitutions: Mapping[str, Any] | None):
        import pyoxigraph as ox

        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            try:
                return self._store.query(sparql, use_default_graph_as_union=True, substitutions=subs or None,
                                         prefixes=PREFIXES)
            except RuntimeError as exc:
                # pyoxigraph substitutes only projected variables; bind the others by VALUES.
                if "projection" not in str(exc):
                    raise QueryError(f"query failed: {exc}") from exc
                return self._store.query(inject_values(sparql, substitutions), prefixes=PREFIXES,
                                         use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise sparql_syntax_error(exc, sparql) from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        return _materialise(self._run(sparql, substitutions))

    def solutions(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None):
        import pyoxigraph as ox

        answer = self._run(sparql, substitutions)
        if isinstance(answer, ox.QueryBoolean):
            return "ask", [], iter([bool(answer)])
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            return "select", variables, map(tuple, _guard(answer))  # a solution iterates in projection order
        return "graph", [], _guard(answer)

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise sparql_syntax_error(exc, sparql) from exc
        except RuntimeError as exc:  # e.g. DROP GRAPH of a graph that is not there
            hint = " (DROP SILENT ignores a missing graph)" if "does not exist" in str(exc) else ""
            raise QueryError(f"update failed: {exc}{hint}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    # -- loading -----------------------------------------------------------------------------

    def load_files(self, items: list[LoadItem], *, replace: bool = False,
                   progress: Callable[[int], None] | None = None, drop: tuple[str, ...] = ()) -> dict[str, int]:
        token = os.urandom(6).hex()
        prefix = f"{STAGING}{token}/"
        sentinel = prefix + "uncommitted"
        direct, staged, counter = [], [], itertools.count()
        touched: list[str] = []
        for item in items:
            if not is_quad_format(item.format) and item.graph not in direct and not self._has(item.graph):
                direct.append(item.graph)
        self._write_journal({"sentinel": sentinel, "staging": prefix, "new_graphs": direct})
        self.update(f"INSERT DATA {{ GRAPH <{sentinel}> {{ <{sentinel}> <{sentinel}> true }} }}")
        try:
            done: set[str] = set()
            for item in items:
                if is_quad_format(item.format):
                    mapping = self._stage_quads(item, prefix, counter, progress)
                    staged.extend(mapping.items())
                    touched.extend(mapping.values())
                    continue
                if item.graph in direct and item.graph not in done:
                    target = item.graph
                    done.add(target)
                else:
                    target = f"{prefix}{next(counter)}"
                    staged.append((target, item.graph))
                touched.append(item.graph)
                self._bulk_load(item, target, progress)
            self.update(_commit_update(staged, sentinel, replace=replace, fresh=direct, drop=drop))
        except BaseException:
            self._rollback(direct, prefix)
            raise
        self._store.flush()
        self._remove_journal()
        return {g: self.graph_size(g) for g in dict.fromkeys(touched)}

    def _has(self, graph: str) -> bool:
        return bool(self._store.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"))

    def _bulk_load(self, item: LoadItem, target: str, progress: Callable[[int], None] | None) -> None:
        import pyoxigraph as ox

        options = {"format": item.format, "to_graph": ox.NamedNode(target), "base_iri": item.path.resolve().as_uri()}
        try:
            if progress is None and not (is_gzip(item.path) or _has_bom(item.path)):  # no Python in the loop
                self._store.bulk_load(path=str(item.path), **options)
                return
            with open_rdf(item.path, progress) as handle:
                self._store.bulk_load(handle, **options)
        except SyntaxError as exc:
            raise syntax_error(exc, str(item.path)) from exc
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot load: {exc}", file=str(item.path)) from exc

    def _stage_quads(self, item: LoadItem, prefix: str, counter: Iterator[int],
                     progress: Callable[[int], None] | None) -> dict[str, str]:
        """Bulk-load a TriG/N-Quads file with each of its graphs renamed to a staging graph."""
        import pyoxigraph as ox

        mapping: dict[str, str] = {}
        nodes: dict[Any, Any] = {}

        def staged(quad):
            key = item.graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            if key not in mapping:
                mapping[key] = f"{prefix}{next(counter)}"
                nodes[key] = ox.NamedNode(mapping[key])
            return ox.Quad(quad.subject, quad.predicate, quad.object, nodes[key])

        try:
            with open_rdf(item.path, progress) as source:
                parsed = ox.parse(source, item.format, base_iri=item.path.resolve().as_uri())
                self._store.bulk_extend(staged(q) for q in parsed)
        except SyntaxError as exc:
            raise syntax_error(exc, str(item.path)) from exc
        except (OSError, EOFError) as exc:
            raise InputError(f"cannot load: {exc}", file=str(item.path)) from exc
        return {stage: target for target, stage in mapping.items()}

    def _rollback(self, new_graphs: list[str], prefix: str) -> None:
        stale = [g.value for g in self._store.named_graphs() if g.value.startswith(prefix)]
        for graph in new_graphs + stale:
            self._store.remove_graph(_node(graph))
        self._store.flush()
        self._remove_journal()

    def _recover(self) -> None:
        """Undo a load that died before committing (its sentinel graph is still there)."""
        journal = self.path / JOURNAL
        if not journal.exists():
            return
        state = json.loads(journal.read_text("utf-8"))
        uncommitted = self._has(state["sentinel"])
        self._rollback(state["new_graphs"] if uncommitted else [], state["staging"])

    def _write_journal(self, state: dict) -> None:
        if self.path is None:
            return
        tmp = self.path / (JOURNAL + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            json.dump(dict(state, pid=os.getpid()), handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path / JOURNAL)

    def _remove_journal(self) -> None:
        if self.path is not None:
            (self.path / JOURNAL).unlink(missing_ok=True)

    def close(self) -> None:
        if self.path is not None and not self.read_only:
            try:
                self._store.flush()
            except OSError:
                pass
        del self._store


def _commit_update(staged: list[tuple[str, str]], sentinel: str, *, replace: bool, fresh: list[str],
                   drop: tuple[str, ...] = ()) -> str:
    """One SPARQL update that moves staged triples into place and marks the load committed."""
    ops = [f"DROP SILENT GRAPH <{g}>" for g in dict.fromkeys(drop) if g not in fresh]
    if replace:
        ops += [f"DROP SILENT GRAPH <{target}>" for target in dict.fromkeys(t for _, t in staged)
                if target not in fresh]
    for stage, target in staged:
        ops += [f"ADD <{stage}> TO <{target}>", f"DROP SILENT GRAPH <{stage}>"]
    ops.append(f"DROP SILENT GRAPH <{sentinel}>")
    return " ;\n".join(ops)


def is_gzip(path: Path) -> bool:
    """True for a gzip-compressed file (by its ``.gz`` extension)."""
    return path.suffix.lower() == ".gz"


BOM = b"\xef\xbb\xbf"  # Windows Notepad starts UTF-8 files with it; RDF parsers refuse it


def _has_bom(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(3) == BOM


@contextmanager
def open_rdf(path: Path, progress: Callable[[int], None] | None = None) -> Iterator[IO[bytes]]:
    """Open an RDF file for reading bytes, decompressing ``.gz`` on the fly and skipping a UTF-8
    byte-order mark; ``progress`` gets the bytes read from disk."""
    with path.open("rb") as handle:
        if not is_gzip(path):
            handle.seek(3 if handle.read(3) == BOM else 0)
            yield _Progress(handle, progress) if progress else handle
            return
        import gzip

        with gzip.GzipFile(fileobj=_Progress(handle, progress) if progress else handle, mode="rb") as unzipped:
            if unzipped.peek(3)[:3] == BOM:
                unzipped.read(3)
            yield unzipped


class _Progress:
    """A binary file wrapper that reports how many bytes have been read."""

    def __init__(self, handle, report: Callable[[int], None]) -> None:
        self._handle, self._report = handle, report

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._report(len(data))
        return data

    def readinto(self, buffer) -> int:
        n = self._handle.readinto(buffer)
        self._report(n or 0)
        return n

    def readable(self) -> bool:
        return True


def _guard(iterator):
    """Re-raise store errors met while iterating lazily as ``QueryError``."""
    try:
        yield from iterator
    except OSError as exc:
        raise QueryError(f"query failed: {exc}") from exc


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _parse(data: bytes | str, format: Any, graph: str | None, *, file: str) -> list:
    import pyoxigraph as ox

    try:
        quads = list(ox.parse(data, format))
    except SyntaxError as exc:
        raise syntax_error(exc, file) from exc
    if graph:
        quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
                 if isinstance(q.graph_name, ox.DefaultGraph) else q for q in quads]
    return quads


def _insert_data(quads: list, ox: Any) -> str:
    by_graph: dict[Any, list[str]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(f"{q.subject} {q.predicate} {q.object} .")
    blocks = []
    for graph, lines in by_graph.items():
        body = "\n".join(lines)
        blocks.append(body if isinstance(graph, ox.DefaultGraph) else f"GRAPH {graph} {{\n{body}\n}}")
    return "INSERT DATA {\n" + "\n".join(blocks) + "\n}"


def _materialise(answer: Any) -> Result:
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return Result("select", variables, list(map(tuple, _guard(answer))))
    return Result("graph", triples=list(_guard(answer)))


def open_store(path: str | Path | None = None, *, memory: bool = False, endpoint: str | None = None,
               update_endpoint: str | None = None, read_only: bool = False) -> Store:
    """Open the store these options name (see ``kxgraph.open``)."""
    if endpoint:
        from kxgraph.store.endpoint import EndpointStore

        return EndpointStore(endpoint, update_endpoint=update_endpoint, read_only=read_only)
    if memory:
        return OxigraphStore(None)
    return OxigraphStore(Path(path or ".kxgraph"), read_only=read_only)
