"""``EndpointStore``: kxgraph over any SPARQL 1.1 endpoint (the protocol, with urllib; no new dependency).

Credentials come from ``KXGRAPH_ENDPOINT_USER`` / ``KXGRAPH_ENDPOINT_PASSWORD`` (HTTP basic), or
from the URL's ``user:password@``; they are never shown in a message and never sent to another
origin: a redirect elsewhere is refused. Every request has one overall deadline (``timeout``,
however slowly the server drips its answer) and a cap on the answer's size (``max_bytes``);
answers are parsed by pyoxigraph as they arrive. Loads go in bounded ``INSERT DATA`` requests
into staging graphs, moved into place by one final update. kxgraph assumes the endpoint's default
graph is the union of its named graphs (``oxigraph serve --union-default-graph``; Fuseki's
``unionDefaultGraph``).
"""

from __future__ import annotations

import base64
import itertools
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

from kxgraph.boundary import printable
from kxgraph.errors import KxError, QueryError, StoreError, option
from kxgraph.output.results import Result
from kxgraph.store.base import (STAGING, LoadItem, Store, graph_node, inject_values, insert_data_chunks,
                                materialise)
from kxgraph.store.rdfio import is_quad_format, open_rdf, parse
from kxgraph.vocab import with_prefixes

USER_VARIABLE = "KXGRAPH_ENDPOINT_USER"
PASSWORD_VARIABLE = "KXGRAPH_ENDPOINT_PASSWORD"
TEXT_SEARCH_VARIABLE = "KXGRAPH_ENDPOINT_TEXT_SEARCH"   # "off": find never uses the server's text index
TIMEOUT = 60.0                     # seconds, for a whole request: connecting, sending, reading
MAX_BYTES = 512 * 1024 * 1024      # the largest answer read before giving up ($KXGRAPH_ENDPOINT_MAX_BYTES)
_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
           "application/sparql-results+xml;q=0.5")
_CHUNK = 64 * 1024


def safe_url(url: str) -> str:
    """``url`` without its ``user:password@`` part, fit to show.

    >>> safe_url("https://me:s3cret@example.org:8890/sparql")
    'https://example.org:8890/sparql'
    """
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return printable(urllib.parse.urlunsplit(parts._replace(netloc=host)))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return parts.scheme.lower(), (parts.hostname or "").lower(), port


class _SameOriginRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only within the endpoint's origin, so credentials go nowhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if _origin(newurl) != _origin(req.full_url):
            raise StoreError(f"the endpoint redirected to another origin ({safe_url(newurl)}); kxgraph "
                             "does not follow it, so no credentials are sent there: give that URL "
                             f"as {option('endpoint')} if you trust it")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class _Bounded:
    """A response body read against an overall deadline and a size cap."""

    def __init__(self, response, url: str, deadline: float, max_bytes: int) -> None:
        self._response, self._url, self._deadline, self._left = response, url, deadline, max_bytes
        self._max = max_bytes

    failure: KxError | None = None  # what stopped reading, for the parser's caller to raise

    def read(self, size: int = -1) -> bytes:
        try:
            return self._read(size)
        except KxError as exc:
            self.failure = exc
            raise
        except TimeoutError:
            self.failure = self._late()
            raise self.failure from None

    def _late(self) -> StoreError:
        return StoreError(f"the SPARQL endpoint {safe_url(self._url)} did not answer in time "
                          "(the request's overall timeout)")

    def _read(self, size: int) -> bytes:
        if size is None or size < 0:
            return b"".join(iter(lambda: self._read(_CHUNK), b""))
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise self._late()
        sock = getattr(getattr(self._response, "fp", None), "raw", None)
        sock = getattr(sock, "_sock", None)
        if sock is not None:
            sock.settimeout(max(0.05, remaining))
        read = getattr(self._response, "read1", self._response.read)  # read1: what has come, no waiting for more
        data = read(min(size, _CHUNK, self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            raise StoreError(f"the SPARQL endpoint's answer is larger than {self._max:,} bytes; "
                             "ask for less (LIMIT) or raise $KXGRAPH_ENDPOINT_MAX_BYTES")
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._response.close()


class EndpointStore(Store):
    """A SPARQL 1.1 endpoint: ``query_url`` for queries, ``update_url`` (optional) for writes.

    >>> store = EndpointStore("http://127.0.0.1:7878/query", update_endpoint="http://127.0.0.1:7878/update")
    """

    def __init__(self, query_url: str, *, update_endpoint: str | None = None, read_only: bool = False,
                 timeout: float = TIMEOUT, max_bytes: int | None = None) -> None:
        for url in filter(None, (query_url, update_endpoint)):
            if urllib.parse.urlsplit(url).scheme not in ("http", "https") or not urllib.parse.urlsplit(url).hostname:
                raise StoreError(f"an endpoint is an http(s) URL, not {safe_url(url)!r}")
        user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE, "")
        given = urllib.parse.urlsplit(query_url)
        if not user and given.username:
            user = urllib.parse.unquote(given.username)
            password = urllib.parse.unquote(given.password or "")
        self.query_url = _without_userinfo(query_url)
        self.update_url = None if read_only or not update_endpoint else _without_userinfo(update_endpoint)
        self.read_only = read_only
        if max_bytes is None:
            from kxgraph.limits import limit

            max_bytes = limit("endpoint_bytes") or 1 << 62  # 0: no limit
        self.timeout, self.max_bytes = timeout, max_bytes
        token = base64.b64encode(f"{user}:{password}".encode()).decode() if user else None
        self._auth = {"Authorization": f"Basic {token}"} if token else {}
        self._opener = urllib.request.build_opener(_SameOriginRedirects())
        self.dialect = None  # the server's SPARQL dialect (kxgraph.store.dialect), known after one answer
        # Whether the server's own text index may narrow kx find (kxgraph.store.dialect): None until
        # find has probed it once; False (or $KXGRAPH_ENDPOINT_TEXT_SEARCH=off) keeps find on plain SPARQL.
        off = os.environ.get(TEXT_SEARCH_VARIABLE, "").strip().lower() in ("off", "0", "no", "false")
        self.text_index: bool | None = False if off else None

    def __repr__(self) -> str:
        return f"EndpointStore({safe_url(self.query_url)!r})"

    def _request(self, url: str, field: str, text: str, accept: str | None = None):
        """POST one request; return (content type, bounded body). The caller closes the body."""
        body = urllib.parse.urlencode({field: text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", **self._auth}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        deadline = time.monotonic() + self.timeout
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            detail = _Bounded(exc, url, deadline, 4096).read(4096).decode("utf-8", "replace").strip()
            first = printable(detail.splitlines()[0], limit=300) if detail else printable(str(exc.reason))
            message = f"the endpoint refused the {field} (HTTP {exc.code}): {first}"
            if exc.code in (401, 403):
                raise StoreError(message + f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE}") from None
            raise QueryError(message) from None
        except (urllib.error.URLError, OSError, ValueError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {safe_url(url)}: {printable(str(reason))}") from None
        if self.dialect is None:
            from kxgraph.store.dialect import for_server

            self.dialect = for_server(response.headers.get("Server", ""))
        return response.headers.get_content_type(), _Bounded(response, url, deadline, self.max_bytes)

    def _post(self, url: str, field: str, text: str) -> None:
        _, body = self._request(url, field, text)
        try:
            body.read()
        finally:
            body.close()

    def _answer(self, sparql: str, substitutions: Mapping[str, Any] | None):
        """Send a query; return the parsed answer (lazy) and the open body."""
        import pyoxigraph as ox

        from kxgraph.store.dialect import STANDARD

        sparql = with_prefixes(sparql)
        known = self.dialect or STANDARD

        def bound(dialect) -> tuple[str, str]:  # the query with its values, and as the server takes it
            text, rest = dialect.bind(sparql, substitutions or {})
            text = inject_values(text, rest) if rest else text
            return text, dialect.query(text)

        text, sent = bound(known)
        content_type, body = self._request(self.query_url, "query", sent, _ACCEPT)
        if self.dialect is not known and bound(self.dialect)[1] != sent:  # the first answer named the server
            body.close()
            text, sent = bound(self.dialect)
            content_type, body = self._request(self.query_url, "query", sent, _ACCEPT)
        results = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                   "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                   "text/tab-separated-values": ox.QueryResultsFormat.TSV}
        graphs = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                  "application/n-quads": ox.RdfFormat.N_QUADS}
        try:
            if content_type in results:
                answer = ox.parse_query_results(body, results[content_type])
                problem = None if self.dialect.asked(answer) else _variables_problem(answer, text)
                if problem:
                    answer = None  # not to be carried by the traceback into another thread
                    raise QueryError(problem)
                return answer, body
            if content_type in graphs:
                return (q.triple for q in ox.parse(body, graphs[content_type])), body
        except KxError:
            body.close()
            raise
        except Exception as exc:  # noqa: BLE001 - whatever the parser makes of a strange answer
            body.close()
            raise body.failure or _unreadable(exc) from None
        body.close()
        raise QueryError(f"the endpoint answered with {printable(content_type)}, not a SPARQL result")

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        answer, body = self._answer(sparql, substitutions)
        try:
            return self.dialect.result(materialise(answer, lambda rows: _checked(rows, body)))
        finally:
            body.close()
            del answer  # a traceback must not carry it to another thread (pyoxigraph forbids that)

    def solutions(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None):
        import pyoxigraph as ox

        answer, body = self._answer(sparql, substitutions)
        if isinstance(answer, ox.QueryBoolean):
            body.close()
            return "ask", [], iter([bool(answer)])
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            return self.dialect.solutions(variables, _streamed((tuple(s) for s in answer), body))
        return "graph", [], _streamed(answer, body)

    def update(self, sparql: str) -> None:
        self.check_writable()
        self._post(self.update_url, "update", with_prefixes(sparql))

    def check_writable(self) -> None:
        if not self.update_url:
            raise StoreError(f"this endpoint is read-only here; give {option('update_endpoint', 'URL')} to write")

    def _load_files(self, items: list[LoadItem], *, replace: bool = False,
                    progress: Callable[[int], None] | None = None, force_shipped: bool = False,
                    lenient: bool = False, drop: tuple[str, ...] = ()) -> dict[str, int]:
        """Check every file, send it in bounded chunks to staging graphs, then commit in one update.

        ``drop`` names graphs removed in that same update (a source replaced as a whole).
        """
        import pyoxigraph as ox

        from kxgraph.limits import check_rdf_file
        from kxgraph.protect import check_graphs, is_shipped_file

        self.check_writable()
        for item in items:  # a bad file sends nothing: limits, syntax, protected graphs, literals
            check_rdf_file(item.path, item.format)
            touched = set() if is_quad_format(item.format) else {item.graph}
            with open_rdf(item.path) as handle:
                for quad in _literals_checked(parse(handle, item.format, item.graph, file=str(item.path)),
                                              item.path, lenient=lenient, quiet=True):
                    touched.add(quad.graph_name.value)
            check_graphs(touched, force_shipped=force_shipped or item.own or is_shipped_file(item.path),
                         action="load into")
        prefix = f"{STAGING}{os.urandom(6).hex()}/"
        stages: dict[str, str] = {}

        def staged(quad):
            target = quad.graph_name.value
            stage = stages.setdefault(target, f"{prefix}{len(stages)}")
            return ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode(stage))

        try:
            for item in items:
                if not is_quad_format(item.format):
                    stages.setdefault(item.graph, f"{prefix}{len(stages)}")
                with open_rdf(item.path) as handle:
                    parsed = parse(handle, item.format, item.graph, file=str(item.path))
                    quads = (staged(q) for q in _literals_checked(parsed, item.path, lenient=lenient))
                    for chunk in insert_data_chunks(quads):
                        self._post(self.update_url, "update", chunk)
                if progress:
                    progress(item.size)
            ops = [f"DROP SILENT GRAPH {graph_node(g)}" for g in dict.fromkeys(drop)]
            ops += [f"DROP SILENT GRAPH {graph_node(t)}" for t in stages if replace and t not in drop]
            for target, stage in stages.items():
                ops += [f"ADD SILENT {graph_node(stage)} TO {graph_node(target)}",
                        f"DROP SILENT GRAPH {graph_node(stage)}"]
            self._post(self.update_url, "update", " ;\n".join(ops))
        except BaseException:
            self._discard(stages.values())
            raise
        return {g: self.graph_size(g) for g in stages}

    def _discard(self, graphs) -> None:
        """Best effort: drop the staging graphs of a load that failed."""
        if graphs:
            try:
                self._post(self.update_url, "update",
                           " ;\n".join(f"DROP SILENT GRAPH {graph_node(g)}" for g in graphs))
            except KxError:
                pass


def _literals_checked(quads: Iterator, file: Path, *, lenient: bool, quiet: bool = False,
                      batch: int = 10_000) -> Iterator:
    """Quads with ill-typed literals and control characters refused (or, ``lenient``, fixed)."""
    from kxgraph.checks import check_quads

    if quiet and lenient:  # the checking pass: the sending pass fixes and says so
        yield from quads
        return
    quads = iter(quads)
    while chunk := list(itertools.islice(quads, batch)):
        yield from check_quads(chunk, file, lenient=lenient)


def _without_userinfo(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _unreadable(exc: BaseException) -> QueryError:
    text = str(exc.args[0]) if getattr(exc, "args", None) else type(exc).__name__
    return QueryError(f"the endpoint sent a result kxgraph cannot read: {printable(text, limit=300)}")


def _checked(iterator, body: _Bounded) -> Iterator:
    try:
        yield from iterator
    except KxError:
        del iterator  # a traceback must not carry pyoxigraph's answer to another thread
        raise
    except Exception as exc:  # noqa: BLE001 - a parse error halfway through a streamed answer
        del iterator
        raise body.failure or _unreadable(exc) from None


def _streamed(iterator, body: _Bounded) -> Iterator:
    try:
        yield from _checked(iterator, body)
    finally:
        body.close()


def _variables_problem(answer: Any, sparql: str) -> str | None:
    """What is wrong when a SELECT answer's variables are not the query's (a well-formed but wrong reply).

    The query's own variables come from running it on an empty in-memory store; a query that
    names SERVICE is not run there, since that would reach the network.
    """
    import re

    import pyoxigraph as ox

    if not isinstance(answer, ox.QuerySolutions):
        return None
    got = [v.value for v in answer.variables]
    if re.search(r"(?<![\w:])SERVICE\s*(?:<|[?$]|SILENT\b|[\w-]*:)", sparql, re.IGNORECASE):
        return None
    try:
        expected = ox.Store().query(sparql, use_default_graph_as_union=True)
    except (SyntaxError, ValueError, RuntimeError, OSError):
        return None  # the endpoint understood it; its dialect is not ours to judge
    select = isinstance(expected, ox.QuerySolutions)
    want = [v.value for v in expected.variables] if select else []
    del expected  # pyoxigraph answers must be dropped in the thread that made them
    if not select:
        return "the endpoint answered a SELECT where the query is not one"
    if set(want) != set(got):
        return ("the endpoint's answer has the variables "
                f"{', '.join('?' + printable(v) for v in got) or 'none'} where the query asks for "
                f"{', '.join('?' + v for v in want)}")
    return None
