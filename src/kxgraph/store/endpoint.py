"""``EndpointStore``: kxgraph over any SPARQL 1.1 endpoint (the protocol, with urllib; no new dependency).

Credentials come from ``KXGRAPH_ENDPOINT_USER`` / ``KXGRAPH_ENDPOINT_PASSWORD`` (HTTP basic), never
from the command line. Results are parsed by pyoxigraph, so a ``Result`` holds the same term types
as with the embedded store. kxgraph assumes the endpoint's default graph is the union of its named
graphs (``oxigraph serve --union-default-graph``; Fuseki's ``unionDefaultGraph``).
"""

from __future__ import annotations

import base64
import os
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Callable, Mapping

from kxgraph.errors import QueryError, StoreError
from kxgraph.sparql.query import with_prefixes
from kxgraph.output.results import Result
from kxgraph.store.oxigraph import (LoadItem, Store, _insert_data, _materialise, _parse, inject_values, is_quad_format,
                    open_rdf)

USER_VARIABLE = "KXGRAPH_ENDPOINT_USER"
PASSWORD_VARIABLE = "KXGRAPH_ENDPOINT_PASSWORD"
_ACCEPT = ("application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8, "
           "application/sparql-results+xml;q=0.5")


class EndpointStore(Store):
    """A SPARQL 1.1 endpoint: ``query_url`` for queries, ``update_url`` (optional) for writes.

    >>> store = EndpointStore("http://127.0.0.1:7878/query", update_endpoint="http://127.0.0.1:7878/update")
    """

    def __init__(self, query_url: str, *, update_endpoint: str | None = None, read_only: bool = False,
                 timeout: float = 60.0) -> None:
        for url in filter(None, (query_url, update_endpoint)):
            if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"an endpoint is an http(s) URL, not {url!r}")
        self.query_url = query_url
        self.update_url = None if read_only else update_endpoint
        self.timeout = timeout
        user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE, "")
        token = base64.b64encode(f"{user}:{password}".encode()).decode() if user else None
        self._auth = {"Authorization": f"Basic {token}"} if token else {}

    def __repr__(self) -> str:
        return f"EndpointStore({self.query_url!r})"

    def _post(self, url: str, field: str, text: str, accept: str | None = None) -> tuple[str, bytes]:
        body = urllib.parse.urlencode({field: text}).encode("utf-8")
        headers = {"Content-Type": "application/x-www-form-urlencoded", **self._auth}
        if accept:
            headers["Accept"] = accept
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip().splitlines()
            message = f"the endpoint refused the {field} (HTTP {exc.code}): {detail[0] if detail else exc.reason}"
            if exc.code in (401, 403):
                raise StoreError(message + f"; set {USER_VARIABLE} and {PASSWORD_VARIABLE}") from exc
            raise QueryError(message) from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise StoreError(f"cannot reach the SPARQL endpoint {url}: {reason}") from exc

    def query(self, sparql: str, *, substitutions: Mapping[str, Any] | None = None) -> Result:
        import pyoxigraph as ox

        sparql = with_prefixes(sparql)
        if substitutions:
            sparql = inject_values(sparql, substitutions)
        content_type, data = self._post(self.query_url, "query", sparql, _ACCEPT)
        results = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                   "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                   "text/tab-separated-values": ox.QueryResultsFormat.TSV}
        graphs = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                  "application/n-quads": ox.RdfFormat.N_QUADS}
        try:
            if content_type in results:
                return _materialise(ox.parse_query_results(data, results[content_type]))
            if content_type in graphs:
                return Result("graph", triples=[q.triple for q in ox.parse(data, graphs[content_type])])
        except SyntaxError as exc:
            raise QueryError(f"the endpoint sent a result kxgraph cannot read: {exc}") from exc
        raise QueryError(f"the endpoint answered with {content_type}, not a SPARQL result")

    def update(self, sparql: str) -> None:
        if not self.update_url:
            raise StoreError("this endpoint is read-only here; give --update-endpoint URL to write")
        self._post(self.update_url, "update", with_prefixes(sparql))

    def load_files(self, items: list[LoadItem], *, replace: bool = False,
                   progress: Callable[[int], None] | None = None, drop: tuple[str, ...] = ()) -> dict[str, int]:
        """Parse every file here first, then send one update (one transaction on the endpoint)."""
        import pyoxigraph as ox

        quads, touched = [], []
        for item in items:
            with open_rdf(item.path) as handle:
                data = handle.read()
            parsed = _parse(data, item.format, item.graph, file=str(item.path))
            if progress:
                progress(item.size)
            quads.extend(parsed)
            touched.extend(q.graph_name.value for q in parsed if not isinstance(q.graph_name, ox.DefaultGraph))
            if not is_quad_format(item.format):
                touched.append(item.graph)
        graphs = list(dict.fromkeys(touched))
        drops = [f"DROP SILENT GRAPH <{g}> ;\n" for g in dict.fromkeys(drop)]
        drops += [f"DROP SILENT GRAPH <{g}> ;\n" for g in graphs if replace and g not in drop]
        self.update("".join(drops) + _insert_data(quads, ox))
        return {g: self.graph_size(g) for g in graphs}
