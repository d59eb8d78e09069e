"""``kx load``, ``kx graphs``, ``kx drop``, ``kx stats``, ``kx update``: filling and managing the store."""

from __future__ import annotations

import click

from kxgraph.cli._common import Progress, as_of_option, emit, format_option, open_graph, read_sparql
from kxgraph.cli._deadline import timeout_option


class LoadProgress(Progress):
    """Bytes read of the files on stderr (a terminal), drawn once the load has taken 2 s; then
    what the wait after the last byte is (the label index and the counts)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size, self.read = max(size, 1), 0

    def __call__(self, n: int) -> None:
        self.read += n

    def line(self) -> str:
        done = min(self.read / self.size, 1.0)
        what = "loading" if done < 1 else "indexing labels and counting (for kx find and kx stats)"
        return f"[{'#' * int(done * 30) + '-' * (30 - int(done * 30))}] {done:4.0%} {what}"



@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--format", "rdf_format", metavar="FORMAT",
              help="turtle, ntriples, nquads, trig, jsonld or rdfxml (default: from the extension).")
@click.option("--graph", metavar="IRI", help="Load into this graph (default: the file's file:// IRI).")
@click.option("--replace", is_flag=True, help="Replace the graph's triples instead of adding to them.")
@click.option("--ontology", is_flag=True,
              help="Reload the shipped ontology into kxg:ontology (a new store gets it, with the "
                   "gazetteer, on its first write), e.g. after an upgrade.")
@click.option("--source", metavar="NAME",
              help="The source these files are (default: each file's name without version marks).")
@click.option("--lenient", is_flag=True,
              help="Keep ill-typed literals and control characters (as plain/cleaned strings, with a warning).")
@click.option("--force-shipped", is_flag=True,
              help="Allow writing the graphs shipped with kxgraph (ontology, gazetteer, report) or its own.")
def load(files: tuple[str, ...], rdf_format: str | None, graph: str | None, replace: bool,
         ontology: bool, lenient: bool, force_shipped: bool, source: str | None) -> None:
    """Load RDF files, each into its own named graph; all of them or none.

    Files may be gzipped (network.nt.gz, as kx generate writes it). Each file is a
    source named after it without version marks (report-v2.ttl is the source
    report); loading a source again replaces everything it loaded before.

    \b
    Example:
      kx load report.trig network.ttl
      kx load --replace network.ttl      # reload a changed file
      kx load --ontology                 # reload class labels and schemes after an upgrade
    """
    from kxgraph.load import plan, total_size

    size = total_size(plan(files, format=rdf_format, graph=graph))
    with LoadProgress(size) as progress:
        result = open_graph(mode="create").load(*files, format=rdf_format, graph=graph, replace=replace,
                                                ontology=ontology, progress=progress if progress.on else None,
                                                lenient=lenient, force_shipped=force_shipped, source=source)
    emit(result, "table")  # --format names the input's format here; kx graphs --format json


@click.command()
@format_option()
@timeout_option
def graphs(fmt: str) -> None:
    """List the named graphs with their triple counts (kx sources lists what wrote them).

    \b
    Example:
      kx graphs --format csv
    """
    emit(open_graph().graphs(), fmt)


@click.command()
@click.argument("graph", metavar="SOURCE|GRAPH")
@click.option("--force-shipped", is_flag=True,
              help="Allow writing the graphs shipped with kxgraph (ontology, gazetteer, report) or its own.")
def drop(graph: str, force_shipped: bool) -> None:
    """Remove a source (by name, as kx sources shows it) or one named graph (IRI or CURIE).

    \b
    Example:
      kx drop workstations
      kx drop file:///home/me/old.ttl
    """
    open_graph(mode="rw").drop(graph, force_shipped=force_shipped)
    click.echo(f"dropped {graph}", err=True)


@click.command()
@as_of_option
@format_option()
@timeout_option
def stats(fmt: str) -> None:
    """Count triples, graphs and entities per class (with zh/en class labels).

    Class labels come from the kxg:ontology graph when it is loaded (kx load --ontology),
    otherwise from the ontology shipped with kxgraph; the ontology is never loaded by itself.

    \b
    Example:
      kx stats
    """
    emit(open_graph().stats(), fmt)


@click.command()
def reindex() -> None:
    """Rebuild the label index and kept counts beside the store (kx find, stats, report read them).

    Every load, import, drop and update keeps them in step (and counts kx report's figures
    again); rebuild after writing the store by other means. Without an index in step, find,
    stats and report ask the store directly (slower).

    \b
    Example:
      kx reindex
    """
    open_graph(mode="rw").reindex()
    click.echo("index rebuilt", err=True)


@click.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "path", type=click.Path(exists=True, dir_okay=False),
              help="Read the update from a file.")
@click.option("--allow-service", is_flag=True, help="Let LOAD <url> and SERVICE reach the network.")
@click.option("--force-shipped", is_flag=True,
              help="Allow writing the graphs shipped with kxgraph (ontology, gazetteer, report) or its own.")
def update(sparql: str | None, path: str | None, allow_service: bool, force_shipped: bool) -> None:
    """Run a SPARQL 1.1 update (INSERT, DELETE, DROP …) — the explicit way to write.

    Every fact is in a named graph (one per source), so match facts with GRAPH ?g.
    Prints the graphs whose triple counts changed; a DELETE that changed nothing
    because its pattern lacks GRAPH says so and shows the form that works.

    \b
    Example:
      kx update 'DELETE WHERE { GRAPH ?g { ?s kx:pinyin ?p } }'
    """
    report = open_graph(mode="create").update(read_sparql(sparql, path), allow_service=allow_service,
                                              force_shipped=force_shipped)
    if report.changed:
        emit(report.result(), "table")
    if report.reference:
        click.echo(report.reference, err=True)
    click.echo(f"update done: {report.summary()}", err=True)
