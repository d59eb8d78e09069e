"""``kx query`` and ``kx queries``: SPARQL and the packaged named queries."""

from __future__ import annotations

import click

from kxgraph.output.render import ALL_FORMATS
from kxgraph.cli._common import as_of_option, emit, format_option, labels_option, open_graph, read_sparql
from kxgraph.cli._deadline import timeout_option


@click.command()
@as_of_option
@click.argument("sparql", required=False)
@click.option("-f", "--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="Read the query from a file (a header's parameters are honoured).")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter: an IRI, a CURIE (kx:x), text, text@zh, a number, or \"5\"^^xsd:integer.")
@click.option("--limit", type=click.IntRange(min=0), help="Return at most this many rows.")
@click.option("--allow-service", is_flag=True, help="Let SERVICE clauses reach the network.")
@format_option(ALL_FORMATS)
@labels_option
@timeout_option
def query(sparql: str | None, path: str | None, params: tuple[str, ...], limit: int | None,
          allow_service: bool, fmt: str, labels: bool, lang: str) -> None:
    """Run a read-only SPARQL query or a named query (kx queries lists them).

    SPARQL comes from the argument, -f FILE or standard input. Common prefixes (kx:, kxid:,
    rdfs:, org:, schema: …) need no PREFIX lines. SELECT/ASK print as a table or csv, tsv, json,
    xml; CONSTRUCT/DESCRIBE as turtle, ntriples or jsonld. A table (also excel, markdown, html)
    has a label column beside each column of entities (x_label; --lang en, --no-labels); csv, tsv,
    json and xml hold exactly the query's columns. SELECT rows are written as they come (a table
    sizes its columns to the first 1000 rows), so a large answer needs little memory.

    \b
    Example:
      kx query 'SELECT ?a ?l WHERE { ?a a kx:Academician ; rdfs:label ?l }' --limit 5
      kx query collaborators --param entity=kxperson:li-deyi
      kx query -f my.rq --format csv > out.csv
    """
    from pathlib import Path

    from kxgraph.sparql.catalogue import looks_like_name, parse
    from kxgraph.sparql.query import named_query

    values = _params(params)
    if "asOf" in values:  # a named query's asOf parameter: the same as --as-of
        from kxgraph.cli._common import StoreOptions
        from kxgraph.timeline import parse_when

        click.get_current_context().find_object(StoreOptions).as_of = parse_when(values.pop("asOf"), what="asOf")
    opened = []

    def store():   # opened once, and only when needed: a name given for an IRI parameter
        if not opened:
            opened.append(open_graph())
        return opened[0]

    if path is None and sparql and sparql.endswith(".rq") and Path(sparql).is_file():
        path, sparql = sparql, None  # `kx query my.rq` means the file
    if path is None and sparql not in (None, "-") and looks_like_name(sparql):
        chosen = named_query(sparql)  # checked before the store is opened
    else:
        chosen = parse(read_sparql(sparql, path), path or "<query>", name=Path(path).name if path else "the query")
    bound = chosen.bind(values, names=lambda name: store().entity(name))
    result = store().query(bound.text, substitutions=bound.substitutions, limit=limit,
                           allow_service=allow_service, stream=True)  # within --timeout; rows as they come
    emit(result, fmt, labels=labels, lang=lang)


def _params(params: tuple[str, ...]) -> dict[str, str]:
    from kxgraph.errors import ParameterError

    values = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep or not name.strip().isidentifier():
            raise ParameterError(f"--param {item!r}: write NAME=VALUE")
        values[name.strip()] = value
    return values


@click.command()
@click.option("--indicators", is_flag=True, help="Also list the indicator count queries.")
@format_option()
def queries(indicators: bool, fmt: str) -> None:
    """List the named queries with their parameters (NAME:TYPE, ? when optional).

    \b
    Example:
      kx queries
      kx query workstations-by-district --param district=kxplace:140105
    """
    from kxgraph.sparql.query import listing

    emit(listing(indicators=indicators), fmt)
