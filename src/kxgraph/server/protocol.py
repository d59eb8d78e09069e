"""The SPARQL 1.1 Protocol at ``/sparql``: queries by GET and POST, answers by content negotiation.

* ``GET /sparql?query=…``, ``POST`` with ``application/x-www-form-urlencoded`` (``query=…``) or
  with ``application/sparql-query`` (the query is the body).
* SELECT/ASK answers: W3C JSON (the default), XML, CSV or TSV; CONSTRUCT/DESCRIBE: Turtle (the
  default), N-Triples or JSON-LD, chosen by ``Accept`` (or a ``format=`` parameter, as
  SPARQLWrapper and YASGUI send it).
* ``GET /sparql`` without a query: the service description, in Turtle.
* Read-only: updates (INSERT, DELETE, LOAD, …) are refused with 403, ``SERVICE`` and malformed
  queries with 400, a query over ``max_query`` bytes with 413, one past ``timeout`` with 503.
  At most ``limit`` rows come back, streamed as the store yields them (``kxgraph.server.stream``:
  memory stays bounded however large the answer); ``X-KX-Limit`` says the limit, and
  ``X-KX-Truncated: true`` that rows were cut, when the answer fits the first
  ``stream.WINDOW`` rows; at most ``max_running`` queries run at once (see ``Runner``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from kxgraph.errors import KxError, QueryError

TABULAR = {  # media type -> kxgraph.output.render format
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv",
}
GRAPH = {
    "text/turtle": "turtle", "application/x-turtle": "turtle", "application/n-triples": "ntriples",
    "text/plain": "ntriples", "application/ld+json": "jsonld",
}
MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
         "csv": "text/csv", "tsv": "text/tab-separated-values", "turtle": "text/turtle",
         "ntriples": "application/n-triples", "jsonld": "application/ld+json"}
SHORT = {"json": "json", "xml": "xml", "csv": "csv", "tsv": "tsv", "turtle": "turtle", "ttl": "turtle",
         "n3": "turtle", "nt": "ntriples", "ntriples": "ntriples", "n-triples": "ntriples",
         "json-ld": "jsonld", "jsonld": "jsonld", "rdf+xml": None, "xml-rdf": None}
FORMATS_W3C = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML", "csv": "SPARQL_Results_CSV",
               "tsv": "SPARQL_Results_TSV", "turtle": "Turtle", "ntriples": "N-Triples",
               "jsonld": "JSON-LD"}


class Refused(Exception):
    """A request the endpoint answers with an error status and a one-line message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def accepted(header: str | None) -> list[str]:
    """Media types of an ``Accept`` header, most wanted first (q=0 left out).

    >>> accepted("text/csv;q=0.5, application/sparql-results+json")
    ['application/sparql-results+json', 'text/csv']
    """
    wanted = []
    for i, part in enumerate((header or "").split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if media and q > 0:
            wanted.append((-q, i, media.lower()))
    return [media for _, _, media in sorted(wanted)]


def choose(kind: str, accept: str | None, short: str | None = None) -> str:
    """The output format for a result of ``kind`` (``select``/``ask``/``graph``).

    >>> choose("select", "text/csv"), choose("graph", "*/*"), choose("select", None, "xml")
    ('csv', 'turtle', 'xml')
    """
    table = GRAPH if kind == "graph" else TABULAR
    default = "turtle" if kind == "graph" else "json"
    if short:
        fmt = SHORT.get(short.lower())
        if fmt in table.values():
            return fmt
    wanted = accepted(accept)
    if not wanted:
        return default
    for media in wanted:
        if media in table:
            return table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    raise Refused(406, f"cannot answer a {kind} query as {accept}; "
                       f"this endpoint gives {', '.join(sorted(set(table)))}")


def service_description(url: str) -> str:
    """The SPARQL 1.1 service description of the endpoint at ``url``, in Turtle."""
    formats = ", ".join(f"<http://www.w3.org/ns/formats/{name}>" for name in FORMATS_W3C.values())
    return (
        "@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n\n"
        f"<{url}> a sd:Service ;\n"
        f"  sd:endpoint <{url}> ;\n"
        "  rdfs:label \"kxgraph (kx serve), read-only\" ;\n"
        "  sd:supportedLanguage sd:SPARQL11Query ;\n"
        f"  sd:resultFormat {formats} ;\n"
        "  sd:feature sd:UnionDefaultGraph ;\n"
        "  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .\n")


async def read_query(request: Any, max_query: int) -> tuple[str | None, dict[str, list[str]]]:
    """The query text and the other parameters of a GET or POST request (None: no query)."""
    params = parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > max_query * 3 + 1024:  # urlencoding triples
            raise Refused(413, f"the query is longer than {max_query} bytes (--max-query)")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > max_query * 3 + 1024:
                raise Refused(413, f"the query is longer than {max_query} bytes (--max-query)")
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if media == "application/sparql-query":
            params["query"] = [_utf8(body)]
        elif media == "application/x-www-form-urlencoded":
            for key, values in parse_qs(_utf8(body), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        elif media == "application/sparql-update":
            raise Refused(403, "this endpoint is read-only: updates are refused")
        else:
            raise Refused(415, "send the query as application/sparql-query or "
                               "application/x-www-form-urlencoded (query=…)")
    if "update" in params:
        raise Refused(403, "this endpoint is read-only: updates are refused")
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        raise Refused(400, "default-graph-uri and named-graph-uri are not supported: the default "
                           "graph is the union of all graphs; use GRAPH in the query")
    queries = params.get("query", [])
    if len(queries) > 1:
        raise Refused(400, "give one query parameter, not several")
    text = queries[0] if queries else None
    if text is not None and len(text.encode("utf-8")) > max_query:
        raise Refused(413, f"the query is longer than {max_query} bytes (--max-query)")
    return text, params


def _utf8(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(400, "the request body is not UTF-8") from None


def check(text: str) -> None:
    """Refuse, before the store is opened, what a read-only endpoint never runs."""
    from kxgraph.sparql.query import check_read_only, query_form

    if not text.strip():
        raise Refused(400, "the query is empty")
    if query_form(text) == "update":
        raise Refused(403, "this endpoint is read-only: updates (INSERT, DELETE, LOAD, CLEAR, DROP …) "
                           "are refused")
    try:
        check_read_only(text)
    except QueryError:
        raise Refused(400, "the query calls a remote SERVICE; this endpoint never reaches the "
                           "network") from None


class Runner:
    """Runs a client's SPARQL within ``settings.timeout``, at most ``settings.max_running`` at once.

    pyoxigraph cannot stop a query once it runs: one past its deadline is answered with an error
    and left to finish in its thread, where it keeps its slot (and its read of the store) until
    it ends. So queries that run forever can take every slot, and then new ones are refused with
    503, but never more than ``max_running`` cores are burnt and the pages keep working.
    """

    def __init__(self, reader: Any) -> None:
        import threading

        self.reader = reader
        self.settings = reader.settings
        self.slots = threading.BoundedSemaphore(self.settings.max_running)

    def run(self, text: str) -> Any:
        import threading

        check(text)
        if not self.slots.acquire(blocking=False):
            raise Refused(503, f"{self.settings.max_running} queries are running already (--max-running); "
                               "try again shortly")
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                with self.reader.graph() as g:
                    outcome["result"] = g.query(text, limit=self.settings.limit)
            except BaseException as exc:  # noqa: BLE001 - handed to the request's thread
                outcome["error"] = exc
            finally:
                self.slots.release()

        worker = threading.Thread(target=work, name="kx-serve-query", daemon=True)
        worker.start()
        worker.join(self.settings.timeout)
        if worker.is_alive():
            raise Refused(503, f"the query did not finish within {self.settings.timeout:g} s (--timeout)")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["result"]


    def stream(self, text: str) -> Any:
        """Start ``text`` and return its ``kxgraph.server.stream.Stream`` (at most ``limit`` rows,
        streamed); the slot is held until the last row is read or the response is gone."""
        from kxgraph.server.stream import start

        check(text)
        if not self.slots.acquire(blocking=False):
            raise Refused(503, f"{self.settings.max_running} queries are running already (--max-running); "
                               "try again shortly")
        try:
            return start(self.reader, text, limit=self.settings.limit, timeout=self.settings.timeout,
                         release=self.slots.release)
        except TimeoutError:
            raise Refused(503, f"the query did not finish within {self.settings.timeout:g} s (--timeout)") from None


def endpoint(reader: Any, runner: Runner):
    """The ``/sparql`` request handler over ``reader`` (a ``kxgraph.server.app.Reader``)."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response, StreamingResponse

    from kxgraph.server.statuses import status_of

    settings = reader.settings

    def run(text: str, accept: str | None, short: str | None) -> Response:
        stream = runner.stream(text)
        try:
            fmt = choose(stream.kind, accept, short)
        except Refused:
            stream.close()
            raise
        if fmt == "csv" and stream.kind == "ask":
            fmt = "json"  # W3C CSV has no boolean form
        headers = {}
        if stream.kind != "ask":
            headers["X-KX-Limit"] = str(settings.limit)
            if stream.truncated:
                headers["X-KX-Truncated"] = "true"
        return StreamingResponse(stream.chunks(fmt), media_type=MEDIA[fmt] + "; charset=utf-8", headers=headers)

    async def handle(request):
        try:
            text, params = await read_query(request, settings.max_query)
            if text is None:
                if request.method == "POST":
                    raise Refused(400, "no query parameter in the request")
                url = str(request.url.replace(query="", fragment=""))
                return Response(service_description(url), media_type="text/turtle; charset=utf-8")
            check(text)
            short = (params.get("format") or params.get("output") or [None])[0]
            return await run_in_threadpool(run, text, request.headers.get("accept"), short)
        except Refused as exc:
            return _error(exc.status, str(exc))
        except KxError as exc:
            status = status_of(exc)
            return _error(status if status != 300 else 400, str(exc))

    return handle


def _error(status: int, message: str):
    from starlette.responses import PlainTextResponse

    from kxgraph.boundary import printable

    return PlainTextResponse(printable(message) + "\n", status_code=status)


__all__ = ["accepted", "choose", "service_description", "endpoint", "check", "read_query", "Refused", "Runner"]
