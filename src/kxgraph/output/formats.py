"""Output formats, and the one map from a file's extension to the format it is written in.

RDF files read and written by the store (``.ttl``, ``.trig``, ``.nq`` …, with ``.gz``) have their
own map beside the store's parsers; this one is for what kxgraph writes as results: tables,
pages, graph results and network exports.
"""

from __future__ import annotations

from pathlib import Path

from kxgraph.errors import ParameterError, option as _option

TABULAR_FORMATS = ("table", "csv", "excel", "tsv", "json", "xml", "markdown", "html")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")
ALL_FORMATS = TABULAR_FORMATS + GRAPH_FORMATS
# The formats people read get a label column beside each column of entities (Result.with_labels);
# csv, tsv, json and xml are the W3C SPARQL result formats, for programs: exactly the query's columns.
LABELLED_FORMATS = ("table", "excel", "markdown", "html")
NETWORK_FORMATS = ("graphml", "gexf", "json")  # Gephi, and Cytoscape.js elements

EXTENSIONS = {
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".xml": "xml", ".md": "markdown",
    ".html": "html", ".htm": "html", ".ttl": "turtle", ".nt": "ntriples", ".jsonld": "jsonld",
    ".graphml": "graphml", ".gexf": "gexf",
}


def format_for(path: str | Path, allowed: tuple[str, ...], *, default: str | None = None,
               option: str = _option("format")) -> str:
    """The format of ``path`` from its extension, one of ``allowed``; else ``default``.

    >>> format_for("report.html", TABULAR_FORMATS)
    'html'
    >>> format_for("notes.txt", TABULAR_FORMATS, default="table")
    'table'
    """
    fmt = EXTENSIONS.get(Path(path).suffix.lower())
    if fmt in allowed:
        return fmt
    if default is not None:
        return default
    known = sorted(ext for ext, name in EXTENSIONS.items() if name in allowed)
    raise ParameterError(f"{Path(path).name}: cannot tell the format from the extension; "
                         f"use {', '.join(known)} or give {option}")


def check_format(fmt: str, allowed: tuple[str, ...], what: str = "output") -> str:
    """Return ``fmt`` (lower case) when it is one of ``allowed``; raise ``ParameterError`` if not."""
    if fmt.lower() not in allowed:
        raise ParameterError(f"unknown {what} format {fmt!r}; choose from {', '.join(allowed)}")
    return fmt.lower()


__all__ = ["ALL_FORMATS", "EXTENSIONS", "GRAPH_FORMATS", "NETWORK_FORMATS", "TABULAR_FORMATS",
           "check_format", "format_for"]
