"""The store layer: one interface, an embedded Oxigraph store and (later) any SPARQL 1.1 endpoint.

Everything above this module speaks SPARQL 1.1 through ``Store.query`` / ``Store.update`` and
loads files through ``Store.load``, so pointing kxgraph at an endpoint changes nothing else.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Any, Mapping

from .errors import InputError, QueryError, StoreError
from .results import Result

# File extension -> pyoxigraph RdfFormat attribute name.
FORMATS = {
    ".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".ntriples": "N_TRIPLES",
    ".nq": "N_QUADS", ".nquads": "N_QUADS", ".trig": "TRIG", ".jsonld": "JSON_LD",
    ".json": "JSON_LD", ".rdf": "RDF_XML", ".xml": "RDF_XML", ".owl": "RDF_XML", ".n3": "N3",
}
FORMAT_NAMES = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "nquads": "N_QUADS", "trig": "TRIG",
                "jsonld": "JSON_LD", "rdfxml": "RDF_XML", "n3": "N3"}


def rdf_format(path: str | Path, fmt: str | None = None):
    """Return the pyoxigraph ``RdfFormat`` for a file, from ``fmt`` or the file's extension."""
    import pyoxigraph as ox

    if fmt:
        key = FORMAT_NAMES.get(fmt.lower().replace("-", "").replace("_", "").replace("/", ""))
        if key is None:
            raise InputError(f"unknown format {fmt!r}; use one of {', '.join(FORMAT_NAMES)}", file=str(path))
        return getattr(ox.RdfFormat, key)
    suffixes = Path(path).suffixes
    name = Path(path).name
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    key = FORMATS.get(suffixes[-1].lower()) if suffixes else None
    if key is None:
        raise InputError(f"unknown file type; give --format ({', '.join(FORMAT_NAMES)})", file=name)
    return getattr(ox.RdfFormat, key)


_SYNTAX_POSITION = re.compile(r"(\d+):(\d+)")


class Store(ABC):
    """What kxgraph needs from a triple store: SPARQL 1.1 query and update, loads, graphs."""

    @abstractmethod
    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        """Run a read-only SPARQL query; the default graph is the union of all graphs."""

    @abstractmethod
    def update(self, sparql: str) -> None:
        """Run a SPARQL 1.1 update."""

    @abstractmethod
    def load(self, data: bytes | str | Path, *, format: Any, graph: str | None) -> None:
        """Add an RDF document to ``graph`` (or to the graphs it names), all or nothing."""

    def graphs(self) -> list[tuple[str, int]]:
        """Named graphs with their triple counts."""
        result = self.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
        return [(row[0].value, int(row[1].value)) for row in result.rows]

    def drop(self, graph: str) -> None:
        """Remove a named graph."""
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def close(self) -> None:
        """Release the store."""


class OxigraphStore(Store):
    """The embedded store: Oxigraph on RocksDB at ``path``, or in memory when ``path`` is None."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False) -> None:
        import pyoxigraph as ox

        self.path = None if path is None else Path(path)
        try:
            if self.path is None:
                self._store = ox.Store()
            elif read_only:
                self._store = ox.Store.read_only(str(self.path))
            else:
                self._store = ox.Store(str(self.path))
        except OSError as exc:
            text = str(exc)
            if "lock" in text.lower():
                raise StoreError(f"the store at {self.path} is in use by another process (locked); "
                                 "wait for it to finish") from exc
            raise StoreError(f"cannot open the store at {self.path}: {text}") from exc

    @property
    def raw(self):
        """The underlying ``pyoxigraph.Store`` (for bulk work inside kxgraph)."""
        return self._store

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        import pyoxigraph as ox

        subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
        try:
            answer = self._store.query(sparql, use_default_graph_as_union=True,
                                       substitutions=subs or None)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise QueryError(f"query failed: {exc}") from exc
        return _materialise(answer)

    def update(self, sparql: str) -> None:
        try:
            self._store.update(sparql)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"update failed: {exc}") from exc

    def load(self, data: bytes | str | Path, *, format: Any, graph: str | None) -> None:
        import pyoxigraph as ox

        target = ox.NamedNode(graph) if graph else None
        kwargs = {"path": str(data)} if isinstance(data, Path) else {"input": data}
        try:
            self._store.load(format=format, to_graph=target, **kwargs)
        except SyntaxError as exc:
            name = str(data) if isinstance(data, Path) else "<input>"
            raise InputError(f"parse error: {exc}", file=name) from exc

    def close(self) -> None:
        if self.path is not None:
            try:
                self._store.flush()
            except OSError:
                pass
        del self._store


def _materialise(answer: Any) -> Result:
    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        return Result("ask", boolean=bool(answer))
    if isinstance(answer, ox.QuerySolutions):
        variables = [v.value for v in answer.variables]
        return Result("select", variables, [tuple(s[v] for v in variables) for s in answer])
    return Result("graph", triples=list(answer))
