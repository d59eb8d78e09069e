"""The one catalogue of SPARQL texts, and the one way values reach them.

Every query kxgraph runs is a ``.rq`` file under ``kxgraph/sparql/queries/`` (or a file the user
names); ``entry(name)`` and ``resolve(name_or_path)`` are the only readers. A file's leading
comment lines form its typed header::

    # description: Workstations, their host and place; filter by host or district.
    # param host iri optional: the host enterprise (IRI or CURIE)
    # param frontier iri list: the nodes to start from (bound as a VALUES block)

A parameter's type is one of ``iri``, ``string`` (``text`` or ``text@zh``), ``integer``,
``decimal``, ``year``, ``term`` (any of them written as in Turtle), or ``path`` (a SPARQL property
path, for shipped queries only: it comes from ``ontology/collaboration.ttl``, never from a user).
``list`` makes a parameter take several values.

Binding (``Query.bind``): every value becomes an RDF term, never text. A single value goes to
the store as a substitution (pyoxigraph's substitutions in the embedded store; a ``VALUES`` row
on an endpoint); a list becomes a ``VALUES`` block written from the terms' N-Triples form by the
store's ``inject_values``; a path is checked against the property-path grammar and written in
place of its variable. ``Bound(text, substitutions)`` is what ``Store.query`` takes.

>>> q = entry("explore/exists")
>>> [p.name for p in q.parameters]
['entity']
>>> bound = q.bind({"entity": "kx:x"})
>>> bound.substitutions["entity"].value
'https://w3id.org/kxgraph/ns#x'
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, NamedTuple

from kxgraph.errors import InputError, KxError, NotFoundError, ParameterError, QueryError, option
from kxgraph.resources import package_path
from kxgraph.sparql.terms import parse_term
from kxgraph.store.base import inject_values
from kxgraph.vocab import PREFIXES, expand_curie

PARAM_TYPES = ("iri", "string", "integer", "decimal", "year", "term", "path")
QUERIES = "sparql/queries"
USER_GROUPS = ("", "indicators", "projections")  # what `kx query NAME` and `--query NAME` may name

_HEADER = re.compile(r"^#\s*(description|param)\b\s*(.*?)\s*$")
_PARAM = re.compile(r"^([A-Za-z_]\w*)\s+(\w+)((?:\s+(?:optional|list))*)\s*:\s*(.*)$")
_NAME = re.compile(r"(?:[a-z]+/)?[\w.-]+")


@dataclass(frozen=True)
class Parameter:
    """A query's parameter: its variable name, type, whether it may be left out or take a list, and help."""

    name: str
    type: str
    optional: bool = False
    help: str = ""
    many: bool = False


class Bound(NamedTuple):
    """A query ready for ``Store.query``: its text and the substitutions (variable → RDF term)."""

    text: str
    substitutions: dict[str, Any]


@dataclass
class Query:
    """A ``.rq`` file with its header read: name, text, description and typed parameters."""

    name: str
    path: Path
    text: str
    description: str = ""
    parameters: list[Parameter] = field(default_factory=list)
    group: str = ""
    shipped: bool = True

    def terms(self, values: Mapping[str, Any], *, names: Any = None) -> dict[str, Any]:
        """Check ``values`` against the parameters and return them as RDF terms (lists for list parameters).

        ``names`` (text -> IRI node, e.g. ``KxGraph.entity``) turns an entity's name given for an
        IRI parameter (``entity=金智新``) into its IRI.
        """
        values = {k: v for k, v in values.items() if v is not None}
        if not self.parameters and not self.shipped:  # a user's query without a header
            return {k: parse_term(v, "term", name=k) for k, v in values.items()}
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise ParameterError(f"query {self.name} has no parameter {unknown[0]!r}; "
                                 f"it takes: {', '.join(known) or 'none'}")
        missing = [p.name for p in self.parameters if not p.optional and p.name not in values]
        if missing:
            raise ParameterError(f"query {self.name} needs {option('params', {missing[0]: 'VALUE'}, cli=missing[0] + '=VALUE')} "
                                 f"({known[missing[0]].type}: {known[missing[0]].help})")
        terms: dict[str, Any] = {}
        for name, value in values.items():
            p = known[name]
            if p.type == "path":
                if not self.shipped:
                    raise ParameterError(f"query {self.name}: a path parameter is only for shipped queries")
                terms[name] = check_path(value)
            elif p.many:
                items = [value] if isinstance(value, str) or not isinstance(value, Iterable) else list(value)
                terms[name] = [_term(v, p.type, name, names) for v in items]
            else:
                terms[name] = _term(value, p.type, name, names)
        return terms

    def bind(self, values: Mapping[str, Any] | None = None, *, names: Any = None) -> Bound:
        """The text and substitutions to run this query with ``values`` (text or terms).

        ``names``: see ``terms`` (an entity's name for an IRI parameter).
        """
        terms = self.terms(values or {}, names=names)
        text = self.text
        kinds = {p.name: p for p in self.parameters}
        if not kinds:
            return Bound(text, terms)
        for name, path in ((n, v) for n, v in terms.items() if kinds[n].type == "path"):
            text = _put_path(text, name, path)
        lists = {n: v for n, v in terms.items() if kinds[n].many}
        if lists:
            text = inject_values(text, lists)
        return Bound(text, {n: v for n, v in terms.items() if kinds[n].type != "path" and not kinds[n].many})


def _term(value: Any, type: str, name: str, names: Any) -> Any:
    """``value`` as an RDF term of ``type``; a name for an IRI parameter goes through ``names``."""
    if names is not None and type == "iri" and _is_name(value):
        try:
            return names(value)
        except KxError as exc:
            raise ParameterError(f"parameter {name}: {value!r} is no IRI or CURIE, "
                                 f"and as a name: {exc}") from exc
    return parse_term(value, type, name=name)


def _is_name(value: Any) -> bool:
    """Text that is no IRI or CURIE: an entity's name (金智新, li deyi)."""
    return (isinstance(value, str) and not value.startswith("<") and expand_curie(value) is None
            and not re.match(r"^[a-z][\w+.-]*:", value.strip()))


def query(store: Any, name: str, values: Mapping[str, Any] | None = None):
    """Run the shipped query ``name`` on ``store`` with ``values`` bound; returns its ``Result``.

    >>> import kxgraph
    >>> query(kxgraph.open(memory=True).store, "explore/summaries", {"entity": ["kx:x"]}).rows
    [(<NamedNode value=https://w3id.org/kxgraph/ns#x>, None, None, None, None)]
    """
    bound = entry(name).bind(values)
    return store.query(bound.text, substitutions=bound.substitutions)


# -- reading ----------------------------------------------------------------------------------

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


def read(path: str | Path, *, name: str | None = None, group: str = "", shipped: bool = False) -> Query:
    """Read a ``.rq`` file and its header."""
    path = Path(path)
    return parse(read_query_text(path), path, name=name or path.stem, group=group, shipped=shipped)


def parse(text: str, path: str | Path = "<query>", *, name: str = "the query", group: str = "",
          shipped: bool = False) -> Query:
    """A query from its text, with the header its leading comment lines declare (if any).

    A user's query without declared parameters takes any ``--param NAME=VALUE`` as a term.
    """
    path = Path(path)
    description, parameters = "", []
    for line in text.splitlines():
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
            raise QueryError(f"{path.name}: bad parameter line {line!r} (# param NAME TYPE [optional] [list]: "
                             f"help; TYPE one of {', '.join(PARAM_TYPES)})")
        flags = spec.group(3).split()
        parameters.append(Parameter(spec.group(1), spec.group(2), "optional" in flags, spec.group(4),
                                    "list" in flags))
    return Query(name, path, text, description, parameters, group, shipped)


@functools.cache
def entry(name: str) -> Query:
    """The shipped query ``name`` (``collaborators``, ``explore/show``, ``network/edges`` …).

    A shipped file that is missing is a ``NotFoundError``, never a silent skip.
    """
    path = package_path(f"{QUERIES}/{name}.rq")
    if not _NAME.fullmatch(name) or not path.is_file():
        raise NotFoundError(f"no shipped query {name!r} (kxgraph/{QUERIES}/{name}.rq)")
    group = name.rpartition("/")[0]
    return read(path, name=name.rpartition("/")[2], group=group, shipped=True)


def names(group: str = "") -> list[str]:
    """Names of the shipped queries of one group (``""``, ``indicators``, ``projections`` …)."""
    folder = package_path(f"{QUERIES}/{group}" if group else QUERIES)
    return sorted(p.stem for p in folder.glob("*.rq"))


def resolve(query: str) -> Query:
    """A user's query: a ``.rq`` file, or a named query (``indicators/<slug>``, ``projections/<name>``)."""
    path = Path(query)
    if path.suffix == ".rq":
        if not path.is_file():
            raise NotFoundError(f"no query file {query}")
        return read(path)
    group, _, stem = query.rpartition("/")
    if group in USER_GROUPS and looks_like_name(query) and stem in names(group):
        return entry(query)
    hint = f"; to run the file {query}, give -f {query}" if path.is_file() else ""
    raise NotFoundError(f"no named query {query!r}; kx queries lists them ({', '.join(names())}){hint}")


def looks_like_name(text: str) -> bool:
    """True when ``text`` is a query name rather than SPARQL text or a file."""
    return bool(re.fullmatch(r"(?:(?:indicators|projections)/)?[\w.-]+", text.strip()))


def catalogue(*, indicators: bool = False) -> list[Query]:
    """The named queries a user runs (with ``indicators=True``, also the indicator count queries)."""
    found = [entry(n) for n in names()]
    if indicators:
        found += [entry(f"indicators/{n}") for n in names("indicators")]
    return found


# -- property paths ---------------------------------------------------------------------------

_PATH_TOKEN = re.compile(r"\s*(?:(?P<iri><[^<>\"{}|^`\\\s]*>)|(?P<curie>[A-Za-z][\w-]*:[\w-]+)|(?P<op>[\^/|()*+?]))")


def check_path(text: str) -> str:
    """A SPARQL property path from shipped data, re-written token by token (CURIEs expanded).

    Only IRIs, CURIEs with kxgraph's prefixes and the path operators ``^ / | ( ) * + ?`` pass.

    >>> check_path("^org:member/org:organization")
    '^<http://www.w3.org/ns/org#member>/<http://www.w3.org/ns/org#organization>'
    """
    import pyoxigraph as ox

    out, at = [], 0
    while at < len(text.rstrip()):
        match = _PATH_TOKEN.match(text, at)
        if not match:
            raise QueryError(f"not a property path: {text!r}")
        at = match.end()
        if match["op"]:
            out.append(match["op"])
            continue
        if match["curie"]:
            prefix, _, local = match["curie"].partition(":")
            if prefix not in PREFIXES:
                raise QueryError(f"property path {text!r}: unknown prefix {prefix}:")
            iri = PREFIXES[prefix] + local
        else:
            iri = match["iri"][1:-1]
        try:
            out.append(str(ox.NamedNode(iri)))
        except ValueError as exc:
            raise QueryError(f"property path {text!r}: {exc}") from None
    if not out:
        raise QueryError("an empty property path")
    return "".join(out)


def _put_path(text: str, name: str, path: str) -> str:
    """Write a checked path where the query has its variable ``?name`` in predicate position."""
    pattern = re.compile(rf"\?{re.escape(name)}\b")
    if len(pattern.findall(text)) != 1:
        raise QueryError(f"a path parameter ?{name} must occur exactly once in its query")
    return pattern.sub(lambda _: f"({path})", text)


__all__ = ["Bound", "Parameter", "Query", "catalogue", "entry", "query", "names", "read", "resolve", "read_query_text",
           "decode_query", "looks_like_name", "check_path", "parse"]
