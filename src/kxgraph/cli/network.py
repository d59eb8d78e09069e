"""``kx view``, ``kx analyze``, ``kx path``, ``kx export``: the collaboration network from the command line."""

from __future__ import annotations

from typing import Callable

import click

from kxgraph.cli._common import TABULAR_FORMATS, Progress, as_of_option, emit, format_option, open_graph
from kxgraph.cli._deadline import timeout_option

ANALYSES = ("centrality", "communities", "brokers")  # as kxgraph.graph.ANALYSES (not imported: kx --help stays light)
MEASURES = ("degree", "betweenness", "eigenvector")


class Steps(Progress):
    """A progress bar of named steps on stderr (a terminal), drawn once the work has taken 2 s."""

    def __init__(self, names: list[str]) -> None:
        super().__init__()
        self.names, self.done, self.name = names, 0, names[0]

    def __call__(self, name: str) -> None:
        self.name = name
        if name in self.names:
            self.done = self.names.index(name)

    def line(self) -> str:
        return f"[{'#' * self.done + '-' * (len(self.names) - self.done)}] {self.name}"


def network_options(command: Callable) -> Callable:
    """The options that choose which network to pull, shared by view, analyze and export."""
    options = [
        click.option("--focus", metavar="ENTITY", help="Only the neighbourhood of ENTITY (IRI, CURIE or exact label)."),
        click.option("--depth", type=click.IntRange(0), default=2, show_default=True,
                     help="Hops from --focus."),
        click.option("--type", "types", multiple=True, metavar="TYPE",
                     help="Keep nodes of this class and its subclasses (repeatable), e.g. kx:Academician."),
        click.option("--query", metavar="NAME|FILE",
                     help="Network of a named query or .rq file (CONSTRUCT, or SELECT ?source ?target)."),
        click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
                     help="A parameter of the named --query (repeatable)."),
        click.option("--projection", metavar="NAME",
                     help="Derived network: academician-academician, academician-enterprise, "
                          "organisation-organisation."),
        click.option("--link", "links", multiple=True, metavar="KEY",
                     help="Follow only these links (repeatable), e.g. works-at, hosts; 'all' for every "
                          "link. Default: all but the context links located-in and part-of (places and "
                          "programmes are not collaborators)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _check_output(output: str, query: str | None) -> None:
    """Refuse, before any work, an output that cannot be written or is the --query file itself."""
    from pathlib import Path

    from kxgraph.output.files import check_target

    check_target(output, inputs=[query] if query and Path(query).is_file() else [])


def _network(focus, depth, types, query, params, projection, links) -> dict:
    pairs = [p.partition("=") for p in params]
    if any(not sep or not name for name, sep, _ in pairs):
        raise click.BadParameter("give NAME=VALUE", param_hint="--param")
    return {"focus": focus, "depth": depth, "types": list(types) or None, "query": query,
            "params": {name: value for name, _, value in pairs} or None, "projection": projection,
            "links": list(links) or None}


@click.command("view")
@as_of_option
@network_options
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "eigenvector", "none"]),
              default="degree", show_default=True, help="What node size shows.")
@click.option("--color-by", type=click.Choice(["type", "community", "source", "academy", "division"]),
              default="type", show_default=True,
              help="What node colour shows, with a legend (shapes always show the type); academy and "
                   "division group academicians by the academies and divisions that elected them.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="Language the labels start in (the page has a switch).")
@click.option("--title", help="Page title.")
@click.option("--details", type=click.Choice(["all", "brief"]),
              help="What a node's details panel holds: all its properties, or brief (names, type, source, "
                   "community, links, synthetic marker and the kx show command for the rest). "
                   "Default: brief on an overview page (over 20,000 nodes), all otherwise.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default="kx-view.html",
              show_default=True, help="HTML file to write.")
@click.option("--open", "open_file", is_flag=True, help="Open the file in the default browser.")
@click.option("--year-slider", is_flag=True, help="Add a year slider that shows the network as it stood each year.")
@timeout_option
def view(focus, depth, types, query, params, projection, links, size_by, color_by, lang, title, details, output,
         open_file, year_slider) -> None:
    """Write the network as one self-contained, offline HTML page.

    \b
    Colours and legend by type, node size by degree or centrality, zh/en
    labels, search, click for details (source passage or "synthetic"),
    type filter, physics on/off. Large networks get a precomputed layout;
    over 20,000 nodes the page opens on an overview of communities, whose
    panels are brief (kx show gives the rest) unless --details all.

    \b
    Example:
      kx view -o network.html
      kx view --focus 太原市科学技术协会 --depth 2 -o focus.html --open
      kx view --projection academician-academician --size-by betweenness
      kx view --types kx:Academician --color-by division -o divisions.html
      kx view --details all -o whole.html
    """
    _check_output(output, query)
    page = open_graph().view(size_by=size_by, color_by=color_by, lang=lang, title=title, details=details,
                                           **_network(focus, depth, types, query, params, projection, links))
    if year_slider:
        from kxgraph.output.files import check_target, write_text
        from kxgraph.timeline import slider_page

        check_target(output)
        path = write_text(output, slider_page(open_graph(), page, **_network(focus, depth, types, query, params,
                                                                             projection, links)))
    else:
        path = page.to_html(output)
    click.echo(f"wrote {path} ({page.graph.number_of_nodes()} nodes, {page.graph.number_of_edges()} links)",
               err=True)
    if open_file:
        click.launch(str(path))


@click.command("analyze")
@as_of_option
@network_options
@click.option("--kind", type=click.Choice(ANALYSES), help="Which analysis (default centrality).")
@click.option("--measure", type=click.Choice(MEASURES + ANALYSES), metavar="MEASURE",
              help="Centrality that ranks each type: degree (default), betweenness, eigenvector. "
                   "(centrality, communities and brokers are taken as --kind, as before.)")
@click.option("--top", type=click.IntRange(1), default=10, show_default=True,
              help="Rows per type (centrality), communities, or brokers.")
@click.option("--sort-by", type=click.Choice(MEASURES), help="Same as --measure (the older name).")
@click.option("--seed", type=int, default=1, show_default=True, help="Seed of the Louvain communities.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Label language.")
@click.option("--by-year", is_flag=True, help="Per year: size, density, components and top brokers (3 unless --top is given) as it stood then.")
@format_option(TABULAR_FORMATS)
@timeout_option
def analyze(focus, depth, types, query, params, projection, links, kind, measure, top, sort_by, seed, lang,
            by_year, fmt) -> None:
    """Centralities, communities and brokers of the network, as a table.

    \b
    centrality   top N per type: links, degree, betweenness (sampled above
                 1000 nodes), eigenvector, community
    communities  the N largest Louvain communities: size, types,
                 best-connected members
    brokers      nodes that link communities

    \b
    Links to districts, parks and programmes (located-in, part-of) are left
    out unless named, e.g. --link all: with them every district is a hub
    and the top broker of the whole network.

    \b
    Example:
      kx analyze --measure betweenness --top 5
      kx analyze --kind communities --top 5 --projection academician-academician
      kx analyze --kind brokers --format csv > brokers.csv
    """
    if by_year:
        from kxgraph.timeline import by_year as growth

        emit(growth(open_graph(), top=min(top, 3) if top == 10 else top, lang=lang,
                    **_network(focus, depth, types, query, params, projection, links)), fmt)
        return
    if measure in ANALYSES:  # --measure communities: the kind, as the flag meant before --kind
        kind, measure = kind or measure, None
    with Steps(["network", "degree", "betweenness", "eigenvector", "communities"]) as step:
        result = open_graph().analyze(kind or "centrality", measure=sort_by or measure or "degree", top=top,
                                      seed=seed, lang=lang, progress=step,
                                      **_network(focus, depth, types, query, params, projection, links))
    emit(result, fmt)
    for note in getattr(result, "notes", []):
        click.echo(f"note: {note}", err=True)


@click.command("path")
@as_of_option
@click.argument("a")
@click.argument("b")
@click.option("--max-depth", type=click.IntRange(1), default=8, show_default=True, help="Longest path looked for.")
@click.option("--limit", type=click.IntRange(1), default=5, show_default=True, help="At most this many paths.")
@click.option("--link", "links", multiple=True, metavar="KEY",
              help="Follow only these links (repeatable); 'all' for every link. Default: all but "
                   "located-in and part-of, so no path runs through a district or programme.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Language of the explanation.")
@format_option(TABULAR_FORMATS)
@timeout_option
def path(a, b, max_depth, limit, links, lang, fmt) -> None:
    """The shortest collaboration paths from A to B, each step explained.

    \b
    A and B are IRIs, CURIEs or exact labels.

    \b
    Example:
      kx path 市委宣传部 太原市科学技术协会
      市委宣传部主办活动「首届太原市“最美科技工作者”学习宣传活动」，主办方为科学技术协会「太原市科学技术协会」
      kx path syn-seed-0-scale-1:academician-1 syn-seed-0-scale-1:academician-9 --lang en
      A works at academician workstation W, hosted by enterprise E, takes part in
      cooperation project P, with partner academician B
    """
    emit(open_graph().path(a, b, max_depth=max_depth, limit=limit, lang=lang,
                                         links=list(links) or None), fmt)


@click.command("export")
@as_of_option
@network_options
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "json"]),
              help="graphml / gexf for Gephi, json for Cytoscape.js (default: from the file's extension).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True, help="File to write.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Node label language.")
@timeout_option
def export(focus, depth, types, query, params, projection, links, fmt, output, lang) -> None:
    """Write the network for Gephi (GraphML, GEXF) or Cytoscape (JSON elements).

    \b
    Example:
      kx export -o network.graphml
      kx export --projection academician-enterprise --format json -o ae.json
    """
    _check_output(output, query)
    written = open_graph().export(output, format=fmt, lang=lang,
                                  **_network(focus, depth, types, query, params, projection, links))
    click.echo(f"wrote {written}", err=True)
