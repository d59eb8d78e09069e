"""``kx serve``: the graph in a browser for colleagues, and a SPARQL endpoint."""

from __future__ import annotations

import click


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="Port to listen on (0: any free one, printed).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback lets other machines in (a warning says so).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=10.0, show_default=True,
              metavar="SECONDS", help="Stop a SPARQL query that runs longer.")
@click.option("--limit", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Return at most this many rows per query.")
@click.option("--cors", metavar="ORIGIN", help="Let web pages from ORIGIN call /sparql (off by default).")
@click.option("--max-query", type=click.IntRange(min=1), default=65536, show_default=True, metavar="BYTES",
              help="Refuse longer SPARQL queries.")
@click.option("--max-running", type=click.IntRange(min=1), default=4, show_default=True, metavar="N",
              help="SPARQL queries running at once; one past --timeout keeps its slot until it ends.")
@click.pass_context
def serve(ctx: click.Context, port: int, host: str, timeout: float, limit: int, cors: str | None,
          max_query: int, max_running: int) -> None:
    """Serve the store read-only: an explorer site (中文/English) and a SPARQL endpoint.

    \b
    Pages: / search, /e/<CURIE> entities, /queries named queries as forms,
    /report the report's figures against the data (?as-of=DATE, ?period=P),
    /sources what the store was built from, /editor a SPARQL editor;
    /sparql answers the SPARQL 1.1 Protocol (for SPARQLWrapper, YASGUI, kx --endpoint),
    streaming up to --limit rows.
    The store is opened for each request, so data loaded meanwhile shows at once.
    Ctrl-C stops the server.

    \b
    Example:
      kx serve                       # http://127.0.0.1:8765/
      kx --endpoint http://127.0.0.1:8765/sparql find 太原
    """
    from kxgraph.cli._common import StoreOptions
    from kxgraph.errors import ParameterError
    from kxgraph.server.run import is_loopback, serve as run
    from kxgraph.store import DEFAULT_PATH

    options = ctx.find_object(StoreOptions)
    if options.memory or options.endpoint:
        raise ParameterError("kx serve serves an embedded store: give --store PATH, not --memory or --endpoint")
    if not is_loopback(host):
        click.echo(f"kx serve: warning: listening on {host}: other machines can read the whole graph", err=True)
    run(options.store_path or DEFAULT_PATH, host=host, port=port, timeout=timeout, limit=limit, cors=cors,
        max_query=max_query, max_running=max_running,
        on_ready=lambda url: click.echo(f"kx serve: {url} (SPARQL at {url}sparql); Ctrl-C stops", err=True))
    click.echo("kx serve: stopped", err=True)
