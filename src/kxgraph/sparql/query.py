"""Running SPARQL safely: read-only checks, ``SERVICE`` refusal, limits, timeouts, named queries.

Named queries are ``.rq`` files in ``kxgraph/queries/`` whose leading comment lines form a header::

    # description: Workstations, their host and place; filter by host or district.
    # param host iri optional: the host enterprise (IRI or CURIE)
    # param district iri optional: a district or park; workstations located in it

A parameter's type is one of ``iri``, ``string`` (``text`` or ``text@zh``), ``integer``,
``decimal``, ``year`` or ``term`` (any of them written as in Turtle). Values are bound as typed
RDF terms through pyoxigraph substitutions (or a VALUES block on endpoints), never pasted in.

Timeouts: the query runs in a worker thread that pulls solutions one by one and stops at the
deadline (pyoxigraph releases the GIL while it evaluates, so the caller wakes on time). A single
step that cannot be interrupted (a GROUP BY computed before its first row) keeps running in the
background until it ends, its answer discarded; the caller gets ``QueryError`` at the deadline.
"""

from __future__ import annotations

import itertools
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from kxgraph.errors import InputError, NotFoundError, ParameterError, QueryError
from kxgraph.resources import package_path
from kxgraph.output.results import Result
from kxgraph.vocab import PREFIXES, XSD, expand_curie, sparql_prefixes

UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
PARAM_TYPES = ("iri", "string", "integer", "decimal", "year", "term")
QUERY_DIR = "queries"
INDICATOR_DIR = "queries/indicators"

# Strings, IRIs and comments: blanked out before looking for keywords.
_OPAQUE = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
                     r'|<[^<>"{}|^`\\\s]*>|#[^\n]*')
_SERVICE = re.compile(r"(?<![?$\w:])SERVICE\s+(?:SILENT\b|<|[?$]|[\w-]*:)", re.IGNORECASE)
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:|BASE)\s*(?:<>)?\s*)*", re.IGNORECASE)


def _blank(sparql: str) -> str:
    return _OPAQUE.sub(lambda m: "<>" if m.group(0).startswith("<") else " ", sparql)


def query_form(sparql: str) -> str:
    """The form of a query or update: ``select``, ``ask``, ``construct``, ``describe`` or ``update``.

    >>> query_form("PREFIX kx: <https://w3id.org/kxgraph/ns#> INSERT DATA { kx:a kx:b kx:c }")
    'update'
    """
    body = _PROLOGUE.sub("", _blank(sparql)).lstrip()
    word = re.match(r"[A-Za-z]*", body).group(0).upper()
    if word in UPDATE_WORDS:
        return "update"
    return word.lower() if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else "unknown"


def check_read_only(sparql: str, *, allow_service: bool = False) -> None:
    """Refuse updates and, unless allowed, ``SERVICE`` clauses (they reach out to the network)."""
    if query_form(sparql) == "update":
        raise QueryError("this is an update, and kx query is read-only; run it with kx update")
    if not allow_service and _SERVICE.search(_blank(sparql)):
        raise QueryError("the query calls a remote SERVICE; give --allow-service to let it reach the network")


_LOAD = re.compile(r"(?<![?$\w:])LOAD\s+(?:SILENT\b|<|[\w-]*:)", re.IGNORECASE)


def check_update(sparql: str, *, allow_service: bool = False) -> None:
    """Refuse, unless allowed, updates that reach the network: ``LOAD <url>`` and ``SERVICE``."""
    if allow_service:
        return
    body = _blank(sparql)
    if _LOAD.search(body) or _SERVICE.search(body):
        raise QueryError("the update fetches data over the network (LOAD or SERVICE); "
                         "give --allow-service to let it, or kx load a local file")


def run(store: Any, sparql: str, *, substitutions: Mapping[str, Any] | None = None,
        limit: int | None = None, timeout: float | None = None, allow_service: bool = False) -> Result:
    """Run a read-only query on ``store``: at most ``limit`` rows, within ``timeout`` seconds."""
    check_read_only(sparql, allow_service=allow_service)
    if limit is not None and limit < 0:
        raise ParameterError("--limit must be 0 or more")
    if timeout is None:
        return _collect(store, sparql, substitutions, limit, None)
    if timeout <= 0:
        raise ParameterError("--timeout must be more than 0 seconds")
    return _with_deadline(store, sparql, substitutions, limit, timeout)


def _collect(store: Any, sparql: str, substitutions: Mapping[str, Any] | None, limit: int | None,
             cancel: threading.Event | None) -> Result:
    kind, variables, items = store.solutions(sparql, substitutions=substitutions)
    if kind == "ask":
        return Result("ask", boolean=bool(next(items)))
    rows = list(itertools.islice(items, limit)) if cancel is None else _until(cancel, items, limit)
    return Result("graph", triples=rows) if kind == "graph" else Result("select", variables, rows)


def _until(cancel: threading.Event, items, limit: int | None) -> list:
    rows = []
    for item in itertools.islice(items, limit):
        if cancel.is_set():
            break
        rows.append(item)
    return rows


def _with_deadline(store: Any, sparql: str, substitutions: Mapping[str, Any] | None, limit: int | None,
                   timeout: float) -> Result:
    cancel, outcome = threading.Event(), {}

    def work() -> None:
        try:
            outcome["result"] = _collect(store, sparql, substitutions, limit, cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=work, name="kx-query", daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        cancel.set()
        raise QueryError(f"the query did not finish within {timeout:g} s (--timeout); it was stopped")
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


# -- named queries ---------------------------------------------------------------------------

@dataclass
class Parameter:
    """A named query's parameter: its variable name, type, whether it may be left out, and help."""

    name: str
    type: str
    optional: bool = False
    help: str = ""


@dataclass
class NamedQuery:
    """A packaged ``.rq`` file with its header read."""

    name: str
    path: Path
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    group: str = ""

    @property
    def text(self) -> str:
        return read_query_text(self.path)

    def bind(self, values: Mapping[str, str | Any], *, names: Any = None) -> dict[str, Any]:
        """Check ``values`` against the parameters and return them as RDF terms.

        ``names`` (text -> IRI node, e.g. ``kxgraph.explore.resolve`` on a store) turns an entity's
        name given for an IRI parameter (``entity=金智新``) into its IRI.
        """
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(f"query {self.name} has no parameter {unknown[0]!r}; "
                                 f"it takes: {', '.join(known) or 'none'}")
        missing = [p.name for p in self.parameters if not p.optional and p.name not in values]
        if missing:
            raise ParameterError(f"query {self.name} needs --param {missing[0]}=VALUE "
                                 f"({known[missing[0]].type}: {known[missing[0]].help})")
        return {name: _named_entity(names, name, value) if names is not None and known[name].type == "iri"
                and _is_name(value) else parse_term(value, known[name].type, name=name)
                for name, value in values.items()}


_HEADER = re.compile(r"^#\s*(description|param)\b\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_]\w*)\s+(\w+)((?:\s+optional)?)\s*:\s*(.*)$")


def decode_query(data: bytes, name: str = "<stdin>") -> str:
    """SPARQL text from bytes: UTF-8, with or without a byte-order mark (as Notepad saves it).

    Other encodings are refused with an ``InputError`` naming the line and column of the first
    bad byte, since a guessed encoding would silently change the labels a query matches.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise InputError(f"not UTF-8 text (byte 0x{data[exc.start]:02x}); save the query as UTF-8",
                         file=name, line=line, column=column) from None


def read_query_text(path: str | Path) -> str:
    """The text of a query file (see ``decode_query``); a missing file is an ``InputError``."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the query file: {exc.strerror}", file=str(path)) from None
    return decode_query(data, str(path))


def read_named(path: Path, group: str = "") -> NamedQuery:
    """Read a named query's header."""
    description, parameters = "", []
    for line in read_query_text(path).splitlines():
        if not line.startswith("#"):
            break
        match = _HEADER.match(line)
        if not match:
            continue
        key, rest = match.groups()
        if key == "description":
            description = rest.lstrip(": ").strip()
            continue
        spec = _PARAM.match(rest)
        if not spec or spec.group(2) not in PARAM_TYPES:
            raise QueryError(f"{path.name}: bad parameter line {line!r} "
                             f"(# param NAME TYPE [optional]: help; TYPE one of {', '.join(PARAM_TYPES)})")
        parameters.append(Parameter(spec.group(1), spec.group(2), bool(spec.group(3).strip()), spec.group(4)))
    return NamedQuery(path.stem, path, description, parameters, group)


def catalogue(*, indicators: bool = False) -> list[NamedQuery]:
    """The packaged named queries (with ``indicators=True``, also the indicator count queries)."""
    found = [read_named(p) for p in sorted(package_path(QUERY_DIR).glob("*.rq"))]
    if indicators:
        found += [read_named(p, "indicators") for p in sorted(package_path(INDICATOR_DIR).glob("*.rq"))]
    return found


def listing(*, indicators: bool = False) -> Result:
    """The named queries as a table: name, parameters (``name:type``, ``?`` when optional), description."""
    return Result.table(["name", "parameters", "description"], [
        (f"{q.group}/{q.name}" if q.group else q.name,
         " ".join(f"{p.name}:{p.type}{'?' if p.optional else ''}" for p in q.parameters), q.description)
        for q in catalogue(indicators=indicators)])


def named_query(name: str) -> NamedQuery:
    """Find a named query by name (``indicators/<slug>`` for an indicator count query)."""
    group, _, stem = name.rpartition("/")
    folder = INDICATOR_DIR if group == "indicators" else QUERY_DIR
    path = package_path(f"{folder}/{stem}.rq")
    if group not in ("", "indicators") or not re.fullmatch(r"[\w.-]+", stem) or not path.is_file():
        names = ", ".join(q.name for q in catalogue())
        hint = f"; to run the file {name}, give -f {name}" if Path(name).is_file() else ""
        raise NotFoundError(f"no named query {name!r}; kx queries lists them ({names}){hint}")
    return read_named(path, group)


def _named_entity(names: Any, name: str, value: str) -> Any:
    from kxgraph.errors import KxError

    try:
        return names(value)
    except KxError as exc:
        raise ParameterError(f"parameter {name}: {value!r} is no IRI or CURIE, and as a name: {exc}") from exc


def _is_name(value: Any) -> bool:
    """Text that is no IRI or CURIE: an entity's name (金智新, li deyi)."""
    return (isinstance(value, str) and not value.startswith("<") and expand_curie(value) is None
            and not re.match(r"^[a-z][\w+.-]*:", value.strip()))


def looks_like_name(text: str) -> bool:
    """True when ``text`` is a query name rather than SPARQL text."""
    return bool(re.fullmatch(r"(indicators/)?[\w.-]+", text.strip()))


# -- parameter values as RDF terms -------------------------------------------------------------

_LANG = re.compile(r"^(.*)@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)$", re.DOTALL)


def parse_term(text: Any, type: str = "term", *, name: str = "value") -> Any:
    """Turn a parameter value into a pyoxigraph term of the given type.

    >>> parse_term("kx:Academician", "iri").value
    'https://w3id.org/kxgraph/ns#Academician'
    >>> parse_term("太原@zh", "string").language
    'zh'
    """
    import pyoxigraph as ox

    if not isinstance(text, str):
        from kxgraph.output.results import to_term
        return to_term(text)

    def bad(why: str) -> ParameterError:
        return ParameterError(f"parameter {name}: {text!r} is not {why}")

    def typed(value: str, datatype: str, pattern: str, why: str):
        if not re.fullmatch(pattern, value.strip()):
            raise bad(why)
        return ox.Literal(value.strip(), datatype=ox.NamedNode(XSD + datatype))

    if type == "iri":
        iri = text[1:-1] if text.startswith("<") and text.endswith(">") else expand_curie(text) or text
        if not re.fullmatch(r"(?:https?://|file://|urn:|tag:|mailto:)[^\s<>\"{}|^`\\]+", iri):
            raise bad(f"an IRI or a CURIE with a known prefix ({', '.join(PREFIXES)})")
        return ox.NamedNode(iri)
    if type == "string":
        match = _LANG.match(text)
        return ox.Literal(match.group(1), language=match.group(2).lower()) if match else ox.Literal(text)
    if type == "integer":
        return typed(text, "integer", r"[+-]?\d+", "an integer")
    if type == "decimal":
        return typed(text, "decimal", r"[+-]?(\d+(\.\d*)?|\.\d+)", "a decimal number")
    if type == "year":
        return typed(text, "gYear", r"\d{4}", "a year (YYYY)")
    if type == "term":
        return _any_term(text, bad)
    raise ParameterError(f"parameter {name}: unknown type {type!r}")


def _any_term(text: str, bad) -> Any:
    import pyoxigraph as ox

    value = text.strip()
    if value.startswith("<") or expand_curie(value):
        return parse_term(value, "iri")
    if re.fullmatch(r"[+-]?\d+", value):
        return parse_term(value, "integer")
    if re.fullmatch(r"[+-]?\d*\.\d+", value):
        return parse_term(value, "decimal")
    quoted = re.fullmatch(r'"(.*)"(?:@([\w-]+)|\^\^(\S+))?', value, re.DOTALL)
    if quoted:
        lexical, lang, datatype = quoted.groups()
        if lang:
            return ox.Literal(lexical, language=lang.lower())
        if datatype:
            return ox.Literal(lexical, datatype=parse_term(datatype, "iri", name="datatype"))
        return ox.Literal(lexical)
    if value.startswith('"'):
        raise bad('a term (write strings as "text", "text"@zh or "5"^^xsd:integer)')
    return parse_term(value, "string")


def with_prefixes(sparql: str) -> str:
    """Prepend kxgraph's PREFIX lines for the prefixes a query uses but does not declare."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w-]*):", sparql, re.IGNORECASE)}
    used = [p for p in PREFIXES if p not in declared and re.search(rf"(?<![\w<-]){re.escape(p)}:", sparql)]
    return sparql_prefixes(used) + sparql if used else sparql
