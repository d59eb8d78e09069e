"""Generate a synthetic association network whose totals match the Taiyuan report.

At scale 1 the network holds exactly the report's totals (75 academician workstations, 81
academicians, 342 cooperation projects, …, see ``BASE``); ``scale`` multiplies every count so
benchmark graphs of any size come from the same model. Every resource is an IRI under ``syn:``,
carries ``kx:synthetic true`` and lives in the named graph ``graph_name(seed, scale)``; it links
only to real entities it may honestly name (the association, Golden Bridge, Taiyuan's places).

The generator streams: entity attributes are pure functions of (seed, kind, index), so it keeps
no list of entities and its memory stays flat as the scale grows. Same seed, same bytes.

>>> from kxgraph.synthetic.generate import generate
>>> report = generate("net.nq", scale=1, seed=0)          # doctest: +SKIP
>>> report.counts["AcademicianWorkstation"]               # doctest: +SKIP
75
"""

from __future__ import annotations

import gzip
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from kxgraph import vocab as V
from kxgraph.errors import ParameterError, option
from kxgraph.output.files import atomic_write
from kxgraph.output.text import nt_escape
from kxgraph.synthetic.build import BASE, Network, tables, totals

__all__ = ["BASE", "FORMATS", "GenerateReport", "format_for", "generate", "graph_name", "load_into",
           "scale_text", "totals"]

LABEL_ZH = "合成样例网络（非真实数据）"
LABEL_EN = "Synthetic sample network (not real data)"

FORMATS = ("turtle", "ntriples", "nquads", "trig")


@dataclass
class GenerateReport:
    """What ``generate`` wrote: triples, seconds, the graph name and the entity totals."""

    triples: int
    seconds: float
    graph: str
    counts: dict[str, int] = field(default_factory=dict)
    format: str = "turtle"
    path: str | None = None
    reference: str = ""  # the line saying this first write brought the reference data along

    @property
    def rate(self) -> float:
        """Triples written per second."""
        return self.triples / self.seconds if self.seconds else float("inf")


def scale_text(scale: float) -> str:
    """The scale as written in graph names: ``1``, ``10``, ``0.1``."""
    return str(int(scale)) if float(scale).is_integer() else repr(float(scale))


def graph_name(seed: int = 0, scale: float = 1) -> str:
    """The named graph of the network generated with ``seed`` at ``scale``.

    >>> graph_name(0, 1)
    'https://w3id.org/kxgraph/graph/synthetic/seed-0-scale-1'
    """
    return f"{V.SYNTHETIC_GRAPH}/seed-{seed}-scale-{scale_text(scale)}"


def format_for(path: str | Path | None, format: str | None = None) -> str:  # noqa: A002
    """The output format named by ``format`` or by the file's extension (``.gz`` allowed)."""
    if format:
        if format not in FORMATS:
            raise ParameterError(f"generate writes {', '.join(FORMATS)}, not {format!r}")
        return format
    if path is None:
        return "turtle"
    from kxgraph.store.rdfio import format_name  # the one extension map

    fmt = format_name(path)
    fmt = fmt if fmt in FORMATS else None
    if fmt is None:
        raise ParameterError(f"{Path(path).name}: cannot tell the format from the extension; "
                             f"use .ttl, .nt, .nq or .trig (optionally .gz), or give {option('format')}")
    return fmt


def generate(out: str | Path | IO[bytes], *, scale: float = 1, seed: int = 0,
             format: str | None = None) -> GenerateReport:  # noqa: A002
    """Write the synthetic network to ``out`` (a path or a binary stream) and report on it.

    The format follows ``format`` or the file's extension: Turtle and N-Triples hold triples only;
    N-Quads and TriG keep the graph name. A path ending in ``.gz`` is gzip-compressed. A file is
    written under a temporary name and renamed when complete.

    >>> import io
    >>> r = generate(io.BytesIO(), scale=0.1, seed=1, format="ntriples")
    >>> r.counts["AcademicianWorkstation"], r.graph.endswith("seed-1-scale-0.1")
    (8, True)
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise ParameterError(f"{option('seed')} must be a non-negative integer, not {seed!r}")
    counts = totals(scale)
    if hasattr(out, "write"):
        fmt = format_for(None, format or "turtle")
        return _write(out, fmt, scale, seed, counts, None)
    path = Path(out)
    fmt = format_for(path, format)
    with atomic_write(path, binary=True) as raw:
        if path.suffix.lower() == ".gz":
            # mtime=0 and no file name keep the bytes identical from run to run
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as gz:
                report = _write(gz, fmt, scale, seed, counts, str(path))
        else:
            report = _write(raw, fmt, scale, seed, counts, str(path))
    return report


def load_into(graph, *, scale: float = 1, seed: int = 0) -> GenerateReport:
    """Generate the network into ``graph`` (a ``KxGraph``), replacing its named graph if present.

    The network is written to a temporary N-Triples file, then loaded into ``graph_name(seed,
    scale)``, all or nothing, with the shipped reference data when the store is new (the real
    academy divisions it elects academicians into). ``seconds`` covers generating and loading.
    """
    import tempfile

    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kx-generate-") as tmp:
        path = Path(tmp) / "network.nt"
        report = generate(path, scale=scale, seed=seed)
        from kxgraph.load import plan

        # a new store gets the reference data too (the store's first-write rule): the divisions
        graph.store.load_files(plan([path], graph=report.graph), replace=True)
        report.reference = graph.store.reference_loaded
    report.seconds = time.perf_counter() - start
    report.path = None
    return report


# -- output --------------------------------------------------------------------------------------

class _Writer:
    """Writes subject blocks in one of four syntaxes, counting triples; buffered for speed."""

    def __init__(self, out: IO[bytes], fmt: str, base: str, graph: str) -> None:
        self.out, self.fmt, self.graph, self.triples = out, fmt, graph, 0
        self._buffer: list[str] = []
        self._size = 0
        self.short = fmt in ("turtle", "trig")
        self._base = base
        self._g = f" <{graph}> .\n"
        self.true = "true" if self.short else f'"true"^^<{V.XSD}boolean>'
        self._year = "\"^^xsd:gYear" if self.short else f"\"^^<{V.XSD}gYear>"
        self._date = "\"^^xsd:date" if self.short else f"\"^^<{V.XSD}date>"
        self._int = None if self.short else f"\"^^<{V.XSD}integer>"
        if self.short:
            head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in V.PREFIXES.items())
            head += f"@prefix n: <{base}> .\n\n"
            if fmt == "trig":
                head += f"<{graph}> {{\n\n"
            self._put(head)

    def term(self, curie: str) -> str:
        """A constant term given as a CURIE (``kx:Academician``) or ``a``."""
        if curie == "a":
            return "a" if self.short else f"<{V.RDF}type>"
        return curie if self.short else f"<{V.expand_curie(curie)}>"

    def node(self, local: str) -> str:
        return f"n:{local}" if self.short else f"<{self._base}{local}>"

    def iri(self, iri: str) -> str:
        return f"<{iri}>"

    def year(self, year: int) -> str:
        return f'"{year}{self._year}'

    def date(self, text: str) -> str:
        return f'"{text}{self._date}'

    def integer(self, n: int) -> str:
        return str(n) if self.short else f'"{n}{self._int}'

    # Labels are built only from the checked tables (see _rows) and digits: nothing to escape.
    @staticmethod
    def zh(text: str) -> str:
        return f'"{text}"@zh'

    @staticmethod
    def en(text: str) -> str:
        return f'"{text}"@en'

    @staticmethod
    def plain(text: str) -> str:
        return f'"{text}"'

    def emit(self, s: str, pairs: list[tuple[str, str]]) -> None:
        self.triples += len(pairs)
        if self.short:
            text = s + " " + " ;\n    ".join([f"{p} {o}" for p, o in pairs]) + " .\n"
        elif self.fmt == "nquads":
            g = self._g
            text = "".join([f"{s} {p} {o}{g}" for p, o in pairs])
        else:
            text = "".join([f"{s} {p} {o} .\n" for p, o in pairs])
        self._put(text)

    def _put(self, text: str) -> None:
        self._buffer.append(text)
        self._size += 1
        if self._size >= 256:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self._buffer).encode("utf-8"))
        self._buffer.clear()
        self._size = 0

    def close(self) -> None:
        if self.fmt == "trig":
            self._put("}\n")
        self.flush()


def _write(out: IO[bytes], fmt: str, scale: float, seed: int, counts: dict[str, int],
           path: str | None) -> GenerateReport:
    start = time.perf_counter()
    graph = graph_name(seed, scale)
    base = f"{V.SYN}seed-{seed}-scale-{scale_text(scale)}/"
    writer = _Writer(out, fmt, base, graph)
    network = Network(writer, tables(), seed, counts)
    w = writer
    writer.emit(w.iri(graph), [
        (w.term("rdfs:label"), w.zh(LABEL_ZH)), (w.term("rdfs:label"), w.en(LABEL_EN)),
        (w.term("kx:synthetic"), w.true),
        (w.term("rdfs:comment"), w.en(nt_escape(f"Generated by kxgraph (kx generate) with seed {seed} at scale "
                                      f"{scale_text(scale)}; totals calibrated to the Taiyuan report."))),
    ])
    for subject, pairs in network.blocks():
        writer.emit(subject, pairs)
    writer.close()
    if hasattr(out, "flush"):
        out.flush()
    public = {k: v for k, v in counts.items()}
    return GenerateReport(writer.triples, time.perf_counter() - start, graph, public, fmt, path)
