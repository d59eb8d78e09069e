"""Limits on input, checked before any parser sees a file: small files must not become memory bombs.

Each limit has a default that no honest file comes near and an environment variable that raises
it (``0`` turns it off); docs/limits.md lists them.

- RDF/XML: internal DTD entities may expand to at most ``KXGRAPH_XML_MAX_EXPANSION`` bytes in all
  (the "billion laughs"), and elements nest at most ``KXGRAPH_XML_MAX_DEPTH`` deep.
- Text RDF (Turtle, N-Triples, TriG, N-Quads, N3): no line longer than ``KXGRAPH_MAX_LINE`` bytes.
- XLSX: at most ``KXGRAPH_XLSX_MAX_CELLS`` cells in the rectangle the sheets span (a single cell at
  XFD1048576 spans 17 billion), and at most ``KXGRAPH_XLSX_MAX_BYTES`` bytes once unzipped.
- YAML mappings: no aliases (``&a`` / ``*a``), the "billion laughs" of YAML.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from kxgraph.errors import InputError

__all__ = ["LIMITS", "limit", "check_rdf_file", "check_rdfxml", "check_lines", "check_xlsx", "load_yaml"]

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limit:
    """One limit: its environment variable, default, and what it caps."""

    env: str
    default: int
    what: str


LIMITS = {
    "xml_expansion": Limit("KXGRAPH_XML_MAX_EXPANSION", 16 * MiB, "bytes RDF/XML entities may expand to"),
    "xml_depth": Limit("KXGRAPH_XML_MAX_DEPTH", 256, "nesting depth of RDF/XML elements"),
    "line": Limit("KXGRAPH_MAX_LINE", 16 * MiB, "bytes in one line of a Turtle/N-Triples/TriG/N-Quads/CSV file"),
    "xlsx_cells": Limit("KXGRAPH_XLSX_MAX_CELLS", 2_000_000, "cells a workbook's sheets span"),
    "xlsx_bytes": Limit("KXGRAPH_XLSX_MAX_BYTES", 256 * MiB, "bytes of a workbook once unzipped"),
    "endpoint_bytes": Limit("KXGRAPH_ENDPOINT_MAX_BYTES", 512 * MiB, "bytes of one SPARQL endpoint's answer"),
}


def limit(name: str) -> int:
    """The value of one limit: its environment variable if set, else its default (0: no limit)."""
    spec = LIMITS[name]
    raw = os.environ.get(spec.env, "").strip().replace("_", "")
    if not raw:
        return spec.default
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"${spec.env} must be a whole number, not {raw!r}") from None
    return value if value > 0 else 0


def _over(name: str, what: str, file: str, **where: Any) -> InputError:
    return InputError(f"refused: {what}; set ${LIMITS[name].env} higher to allow it", file=file, **where)


# -- RDF files -----------------------------------------------------------------------------------

TEXT_FORMATS = {"TURTLE", "N_TRIPLES", "N_QUADS", "TRIG", "N3"}


def check_rdf_file(path: Path, format: Any) -> None:
    """Check one RDF file against the limits of its format (see the module doc)."""
    name = _format_name(format)
    if name == "RDF_XML":
        check_rdfxml(path)
    elif name in TEXT_FORMATS:
        check_lines(path)


def _format_name(format: Any) -> str:
    import pyoxigraph as ox

    for key in ("TURTLE", "N_TRIPLES", "N_QUADS", "TRIG", "N3", "RDF_XML", "JSON_LD"):
        if getattr(ox.RdfFormat, key, None) == format:
            return key
    return ""


def _open(path: Path) -> IO[bytes]:
    if path.suffix.lower() == ".gz":
        import gzip

        return gzip.open(path, "rb")
    return path.open("rb")


CHUNK = 1 << 20


def check_lines(path: Path, *, cap: int | None = None, shown: str | None = None) -> None:
    """Refuse a file with a line longer than ``KXGRAPH_MAX_LINE`` bytes, reading it in chunks."""
    cap = limit("line") if cap is None else cap
    if not cap:
        return
    import zlib

    try:
        line = _longest_line(path, cap)
    except (OSError, EOFError, ValueError, zlib.error):
        return  # unreadable or a broken .gz: the loader says so in its own words
    if line:
        raise _over("line", f"line {line} is longer than {cap:,} bytes", shown or str(path))


def _longest_line(path: Path, cap: int) -> int | None:
    """The number of the first line longer than ``cap`` bytes, or None."""
    run, line = 0, 1
    with _open(path) as handle:
        while chunk := handle.read(min(CHUNK, cap)):
            first = chunk.find(b"\n")
            if first < 0:
                run += len(chunk)
            else:
                run += first
                if run > cap:
                    break
                line += chunk.count(b"\n")
                run = len(chunk) - chunk.rfind(b"\n") - 1
            if run > cap:
                break
        else:
            return None
    return line


_REFERENCE = re.compile(r"&([A-Za-z_:][\w.:-]*);")


def check_rdfxml(path: Path, *, shown: str | None = None) -> None:
    """Refuse RDF/XML whose DTD entities expand past the cap, or whose elements nest too deep.

    One streaming pass with expat, which is told not to expand entities in text: each declared
    entity's expanded size is computed from its declaration, and every reference adds it up.
    """
    import xml.parsers.expat
    import zlib

    file = shown or str(path)
    expansion_cap, depth_cap = limit("xml_expansion"), limit("xml_depth")
    parser = xml.parsers.expat.ParserCreate()
    sizes: dict[str, int] = {}
    state = {"depth": 0, "expanded": 0}

    def refuse_expansion(what: str) -> InputError:
        return _over("xml_expansion", what, file, line=parser.CurrentLineNumber)

    def declared(name, is_parameter, value, *rest):
        if is_parameter or value is None:
            return  # parameter entities are not read; external ones are never fetched
        total = len(_REFERENCE.sub("", value))
        total += sum(sizes.get(ref, 0) for ref in _REFERENCE.findall(value))
        if expansion_cap and total > expansion_cap:
            raise refuse_expansion(f"entity {name!r} expands to more than {expansion_cap:,} bytes")
        sizes.setdefault(name, total)

    def add(size: int) -> None:
        state["expanded"] += size
        if expansion_cap and state["expanded"] > expansion_cap:
            raise refuse_expansion(f"its entities expand to more than {expansion_cap:,} bytes")

    def start(name, attributes):
        state["depth"] += 1
        if depth_cap and state["depth"] > depth_cap:
            raise _over("xml_depth", f"elements nest more than {depth_cap} deep", file,
                        line=parser.CurrentLineNumber)
        if sizes:  # expat expands entities in attribute values: count what they became
            add(sum(len(v) for v in attributes.values()))

    def end(name):
        state["depth"] -= 1

    def default(text):
        if text.startswith("&") and text.endswith(";"):
            add(sizes.get(text[1:-1], 0))

    parser.EntityDeclHandler = declared
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.DefaultHandler = default  # set: internal entities in text are reported here, not expanded
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        with _open(path) as handle:
            parser.ParseFile(handle)
    except xml.parsers.expat.ExpatError as exc:
        raise InputError(f"not well-formed XML: {xml.parsers.expat.ErrorString(exc.code)}", file=file,
                         line=exc.lineno, column=exc.offset) from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"cannot read: {exc}", file=file) from exc


# -- spreadsheets --------------------------------------------------------------------------------

_CELL = re.compile(r"([A-Z]{1,3})(\d+)")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_xlsx(path: Path, *, shown: str | None = None) -> None:
    """Refuse a workbook that unzips past the byte cap or whose sheets span too many cells.

    Reads the zip's declared sizes, then streams each sheet's XML once, counting cells and the
    rectangle they span (openpyxl builds that whole rectangle in memory).
    """
    import zipfile
    import xml.parsers.expat

    file = shown or str(path)
    byte_cap, cell_cap = limit("xlsx_bytes"), limit("xlsx_cells")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return  # not a workbook: the reader says so in its own words
    with archive:
        members = archive.infolist()
        unzipped = sum(m.file_size for m in members)
        if byte_cap and unzipped > byte_cap:
            raise _over("xlsx_bytes", f"the workbook unzips to {unzipped:,} bytes", file)
        for member in members:
            if not re.fullmatch(r"xl/worksheets/[^/]+\.xml", member.filename):
                continue
            state = {"cells": 0, "rows": 0, "columns": 0, "row": 0}

            def start(name, attributes, state=state):
                local = name.rsplit(":", 1)[-1]
                if local == "dimension":
                    _span(attributes.get("ref", "").split(":")[-1], state)
                elif local == "row":
                    state["row"] = int(attributes.get("r") or state["row"] + 1)
                    state["rows"] = max(state["rows"], state["row"])
                elif local == "c":
                    state["cells"] += 1
                    _span(attributes.get("r", ""), state)
                else:
                    return
                spanned = state["rows"] * max(state["columns"], 1)
                if cell_cap and max(spanned, state["cells"]) > cell_cap:
                    sheet = member.filename.rsplit("/", 1)[-1]
                    raise _over("xlsx_cells", f"{sheet} spans {state['rows']:,} rows by "
                                f"{state['columns']:,} columns", file)

            parser = xml.parsers.expat.ParserCreate()
            parser.StartElementHandler = start
            try:
                with archive.open(member) as handle:
                    parser.ParseFile(handle)
            except (xml.parsers.expat.ExpatError, zipfile.BadZipFile, OSError, EOFError, ValueError):
                return  # a corrupt sheet: the reader reports it


def _span(reference: str, state: dict) -> None:
    match = _CELL.fullmatch(reference.replace("$", ""))
    if match:
        state["columns"] = max(state["columns"], _column_number(match[1]))
        state["rows"] = max(state["rows"], int(match[2]))


# -- YAML ----------------------------------------------------------------------------------------

def load_yaml(text: str, *, file: str | None = None) -> Any:
    """``yaml.safe_load`` that refuses aliases (``*name``): a 600-byte alias bomb needs gigabytes.

    >>> load_yaml("name: x\\ncolumns: [a, b]")
    {'name': 'x', 'columns': ['a', 'b']}
    """
    import yaml

    class NoAliases(yaml.SafeLoader):
        def compose_node(self, parent, index):
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise InputError("refused: YAML aliases (*name) are not allowed in a mapping; "
                                 "write the value out", file=file, line=event.start_mark.line + 1)
            return super().compose_node(parent, index)

    return yaml.load(text, Loader=NoAliases)  # noqa: S506 - a SafeLoader subclass
