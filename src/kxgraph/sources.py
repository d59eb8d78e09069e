"""Sources: every ``kx load`` and ``kx import`` is a named source, recorded as PROV, replaced whole.

A source's name defaults to its file's name without version marks (``workstations-修订版.xlsx``,
``workstations_v2.xlsx`` and ``workstations (1).xlsx`` are all the source ``workstations``), so a
corrected copy under a new file name replaces the old one. What a source wrote stays in the
graphs it wrote (the file's ``file://`` graph, or the graphs a TriG file names); its record, a
``prov:Entity`` naming its files, checksums, sheets, counts, time and kxgraph version, is
``kxsrc:<name>`` (what ``kx sources`` prints in its ``id`` column and ``kx show`` takes), kept in a
graph of its own, ``kxg:source/<name>``, that only this module writes (``kxgraph.protect``).
Records written before ``kxsrc:`` existed are the graph's own IRI; they are read alike and
rewritten in the new form when their source is next imported. Re-importing a source writes its new graphs and record
and drops its old graphs in the store's one all-or-nothing commit, so a re-import killed at any
point leaves the old source as it was.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from kxgraph.errors import NotFoundError, ParameterError, option
from kxgraph.output.results import Result
from kxgraph.vocab import GRAPH, KX, PROV, RDF, RDFS, SOURCE, XSD

RECORDS = GRAPH + "source/"     # kxg:source/<name>: the record of one source, a graph of its own
KINDS = {"tables": "spreadsheet", "rdf": "RDF file"}

_OPEN, _CLOSE = r"[(（\[【]", r"[)）\]】]"
_SEP = r"[\s_.\-—]"
_MARKS = [re.compile(p, re.IGNORECASE) for p in (
    # words: 修订版, 最终版, 副本, final … attached or not, bracketed or not
    rf"{_SEP}*{_OPEN}?\s*(修订版?|修正版?|更正版?|订正版?|最终版|终版|定稿|新版|最新版?|副本|拷贝|"
    rf"第[一二三四五六七八九十\d]+版|版本)\s*[\d一二三四五六七八九十]*\s*{_CLOSE}?$",
    # versions after a separator or in brackets: _v2, -rev3, (v1.2), final, copy
    rf"({_SEP}+|{_OPEN})\s*(v\d+(\.\d+)*|rev\.?\s*\d*|ver\.?\s*\d+(\.\d+)*|final|copy)\s*{_CLOSE}?$",
    # a copy number: (1), （2）
    rf"\s*{_OPEN}\s*\d+\s*{_CLOSE}$",
    # dates: 2024-05-01, 20240501, 2024年5月, 2024.05
    rf"{_SEP}*{_OPEN}?\s*(19|20)\d{{2}}([-_.年/]?(0?[1-9]|1[0-2])([-_.月/]?(0?[1-9]|[12]\d|3[01])日?)?)?月?"
    rf"\s*{_CLOSE}?$",
)]


def source_name(path: str | Path) -> str:
    """The source a file is, by default: its name without extensions and version marks.

    >>> [source_name(p) for p in ("workstations-修订版.xlsx", "工作站名单 (1).xlsx",
    ...                            "enterprises_v2.csv", "registers 2024-05-01.xlsx", "report.trig")]
    ['workstations', '工作站名单', 'enterprises', 'registers', 'report']
    """
    name = Path(path).name
    if Path(name).suffix.lower() in (".gz", ".bz2", ".zip"):
        name = Path(name).stem
    name = Path(name).stem or name
    original = name
    while True:
        shorter = name
        for mark in _MARKS:
            shorter = mark.sub("", shorter)
        shorter = shorter.rstrip(" _-.—")
        if shorter == name or not shorter:
            break
        name = shorter
    return name or original


def record_graph(name: str) -> str:
    """The graph holding the record of the source ``name``."""
    return RECORDS + quote(name, safe="")


def record_node(name: str) -> str:
    """The record of the source ``name``, an IRI that prints as a plain CURIE (``kxsrc:workstations``).

    Letters (Chinese ones included), digits and ``-._~`` are kept as written, anything else is
    percent-encoded, so the printed CURIE is typed back as it is.

    >>> from kxgraph.vocab import shorten
    >>> shorten(record_node("workstations")), shorten(record_node("工作站名单")), shorten(record_node("my list"))
    ('kxsrc:workstations', 'kxsrc:工作站名单', 'kxsrc:my%20list')
    """
    return SOURCE + "".join(c if c.isalnum() or c in "-._~" else quote(c, safe="") for c in name)


def checksum(path: str | Path) -> str:
    """``sha256:<hex>`` of a file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return "sha256:" + digest.hexdigest()


def _query(store: Any, name: str, values: dict | None = None) -> Result:
    """Run the shipped query ``sources/<name>`` (``kxgraph.sparql.catalogue``)."""
    from kxgraph.sparql.catalogue import query

    return query(store, f"sources/{name}", values)


@dataclass
class Source:
    """A source the store holds: its name, kind (tables or rdf), files and the graphs it wrote."""

    name: str
    kind: str
    record: str                    # the graph holding its record
    node: str = ""                 # the record itself (kxsrc:<name>; the graph's IRI in older stores)
    graphs: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def drops(self) -> list[str]:
        """Every graph removing this source removes: its data graphs and its record."""
        return [*self.graphs, self.record]


def held(store: Any) -> dict[str, Source]:
    """The sources in the store by name."""
    found: dict[str, Source] = {}
    for record, node, name, kind, graph, file in _query(store, "graphs").rows:
        source = found.setdefault(name.value, Source(name.value, kind.value, record.value, node.value))
        if graph is not None and graph.value not in source.graphs:
            source.graphs.append(graph.value)
        if file is not None and file.value not in source.files:
            source.files.append(file.value)
    return found


def listing(store: Any) -> Result:
    """The sources as a table: name, kind, files, sheets, rows, entities, triples, when, version, id.

    ``name`` is what ``kx drop`` takes; ``id`` is the record (``kxsrc:<name>``), for ``kx show``.
    """
    return _query(store, "list")


def drop_source(store: Any, name: str) -> Source:
    """Remove the source ``name`` (its graphs and its record) in one update."""
    source = held(store).get(name)
    if source is None:
        raise NotFoundError(f"no source {name!r}; kx sources lists them")
    import pyoxigraph as ox

    store.update(" ;\n".join(f"DROP SILENT GRAPH {ox.NamedNode(g)}" for g in source.drops()))
    return source


def forget_graph(store: Any, graph: str) -> None:
    """Take a dropped graph off the records of the sources that wrote it."""
    import pyoxigraph as ox

    g = ox.NamedNode(graph)
    for source in held(store).values():
        if graph in source.graphs:
            record, node = ox.NamedNode(source.record), ox.NamedNode(source.node or source.record)
            store.update(f"DELETE DATA {{ GRAPH {record} {{ {node} {ox.NamedNode(KX + 'graph')} {g} }} }}")


@dataclass
class Writing:
    """One source about to be written: its name, kind, files and the graphs its data goes to."""

    name: str
    kind: str
    files: list[Path]
    graphs: list[str]
    sheets: list[str] = field(default_factory=list)
    rows: int | None = None
    entities: int | None = None
    triples: int | None = None

    @property
    def record(self) -> str:
        return record_graph(self.name)

    @property
    def node(self) -> str:
        return record_node(self.name)


def plan_drops(store: Any, writing: list[Writing], *, replace: bool = False) -> tuple[list[str], list[str]]:
    """Check names and graphs against the sources held; return (graphs to drop, graphs to replace).

    A source written again drops every graph of its old version; a name held by a source of
    another kind, or a graph another source wrote, is refused (``--replace`` takes the graph over
    and drops the source that wrote it).
    """
    sources = held(store)
    owners = {g: s for s in sources.values() for g in s.graphs}
    drops: list[str] = []
    replaced: list[str] = []
    for new in writing:
        old = sources.get(new.name)
        if old is not None:
            if old.kind != new.kind:
                were = ", ".join(old.files) or old.name
                raise ParameterError(
                    f"source {new.name!r} is already a {KINDS[old.kind]} source ({were}); name this "
                    f"{KINDS[new.kind]} differently with {option('source', 'NAME')}, or drop {new.name} first")
            drops += old.drops()
            replaced += new.graphs
        for graph in new.graphs:
            owner = owners.get(graph)
            if owner is None or owner.name == new.name:
                continue
            if not replace:
                raise ParameterError(
                    f"graph {graph} holds the source {owner.name!r}; give this one another {option('graph')}, "
                    f"or {option('replace', True)} to replace that source")
            drops += owner.drops()
    return list(dict.fromkeys(drops)), replaced


def record_ntriples(new: Writing, *, when: datetime | None = None) -> str:
    """The PROV record of a source, as N-Triples."""
    import pyoxigraph as ox

    from kxgraph.version import __version__

    when = when or datetime.now(timezone.utc)
    iri = ox.NamedNode(new.node)
    activity = ox.NamedNode(new.node + "#import")
    agent = ox.NamedNode(f"https://w3id.org/kxgraph/software/kxgraph-{__version__}")
    stamp = ox.Literal(when.isoformat(timespec="seconds"), datatype=ox.NamedNode(XSD + "dateTime"))
    n = lambda local: ox.NamedNode(local)  # noqa: E731
    count = lambda v: ox.Literal(str(v), datatype=n(XSD + "integer"))  # noqa: E731
    quads = [(iri, n(RDF + "type"), n(PROV + "Entity")), (iri, n(RDF + "type"), n(KX + "Source")),
             (iri, n(RDFS + "label"), ox.Literal(new.name)), (iri, n(KX + "sourceKind"), ox.Literal(new.kind)),
             (iri, n(PROV + "generatedAtTime"), stamp), (iri, n(KX + "kxgraphVersion"), ox.Literal(__version__)),
             (iri, n(PROV + "wasGeneratedBy"), activity), (activity, n(RDF + "type"), n(PROV + "Activity")),
             (activity, n(PROV + "startedAtTime"), stamp), (activity, n(PROV + "wasAssociatedWith"), agent),
             (agent, n(RDF + "type"), n(PROV + "SoftwareAgent"))]
    for i, path in enumerate(new.files):
        file = n(f"{new.node}#file-{i + 1}")
        quads += [(iri, n(KX + "file"), file), (activity, n(PROV + "used"), file),
                  (file, n(KX + "fileName"), ox.Literal(path.name)),
                  (file, n(KX + "checksum"), ox.Literal(checksum(path))),
                  (file, n(PROV + "atLocation"), ox.Literal(str(path.resolve())))]
    quads += [(iri, n(KX + "graph"), n(g)) for g in new.graphs]
    quads += [(iri, n(KX + "sheet"), ox.Literal(s)) for s in new.sheets if s]
    for prop, value in (("rowsRead", new.rows), ("entitiesWritten", new.entities), ("triplesWritten", new.triples)):
        if value is not None:
            quads.append((iri, n(KX + prop), count(value)))
    return "".join(f"{s} {p} {o} .\n" for s, p, o in quads)


def write(store: Any, contents: dict[str, str], writing: list[Writing], *, replace: bool = False) -> dict[str, int]:
    """Write the N-Triples of each graph in ``contents`` and the record of each source, all or nothing.

    Graphs of the old versions of these sources are dropped in the same commit.
    """
    import tempfile

    import pyoxigraph as ox

    from kxgraph.store.base import LoadItem

    drops, _ = plan_drops(store, writing, replace=replace)
    records = {new.record: record_ntriples(new) for new in writing}
    with tempfile.TemporaryDirectory(prefix="kx-import-") as folder:
        items = []
        for i, (graph, data) in enumerate([*contents.items(), *records.items()]):
            path = Path(folder) / f"{i}.nt"
            path.write_text(data, encoding="utf-8")
            items.append(LoadItem(path, ox.RdfFormat.N_TRIPLES, graph, path.stat().st_size, own=graph in records))
        # every graph written here is the source's whole content: drop what it held before
        counts = store.load_files(items, replace=True, drop=tuple(drops))
    return {g: n for g, n in counts.items() if g in contents}


def graph_entities(store: Any, graph: str) -> int:
    """How many entities (typed subjects) one graph describes."""
    import pyoxigraph as ox

    return int(_query(store, "entities", {"graph": ox.NamedNode(graph)}).rows[0][0].value)


def counts_ntriples(new: Writing) -> str:
    """The counts of a source's record, as N-Triples (added once an RDF load knows them)."""
    import pyoxigraph as ox

    iri = ox.NamedNode(new.node)
    return "".join(f"{iri} {ox.NamedNode(KX + prop)} {ox.Literal(str(value), datatype=ox.NamedNode(XSD + 'integer'))} .\n"
                   for prop, value in (("entitiesWritten", new.entities), ("triplesWritten", new.triples))
                   if value is not None)


def count_entities(ntriples: str) -> int:
    """Typed subjects of N-Triples, not counting rows, memberships and documents."""
    import pyoxigraph as ox

    skip = {KX + "SourceDocument", "http://www.w3.org/ns/org#Membership"}
    return len({q.subject for q in ox.parse(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES)
                if q.predicate.value == RDF + "type" and q.object.value not in skip})


def replaced_graphs(store: Any, files: Iterable[str | Path], source: str | None = None) -> list[str]:
    """The graphs of the sources that importing ``files`` would replace."""
    sources = held(store)
    return [g for name in group_files(files, source) if name in sources for g in sources[name].graphs]


def group_files(files: Iterable[str | Path], source: str | None) -> dict[str, list[str]]:
    """Files by the source they make: all under ``source`` when given, else by their names."""
    groups: dict[str, list[str]] = {}
    for file in files:
        name = (source or "").strip() or source_name(file)
        groups.setdefault(name, []).append(str(file))
    if source is not None and not source.strip():
        raise ParameterError(f"{option('source')} needs a name")
    return groups


__all__ = ["source_name", "record_graph", "record_node", "held", "listing", "drop_source", "write", "Writing",
           "plan_drops", "group_files", "replaced_graphs", "count_entities", "Source", "RECORDS"]
