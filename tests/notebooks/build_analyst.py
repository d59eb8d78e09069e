"""The analyst's session as a notebook with assertions in its cells (run by tests/test_analyst_notebook.py).

It does what the analyst did when kxgraph gave silent wrong answers: two graphs open at once,
a syntax error, a CURIE copied from a table into SPARQL and ``show``, DataFrames against what was
displayed (label columns included), typed columns, an unknown prefix, a mistyped store, an option's
error naming the Python parameter, Chinese chart labels, GraphML, pyvis and an inline view.
``python tests/notebooks/build_analyst.py out.ipynb`` writes it.
"""

from __future__ import annotations

import sys

import nbformat as nbf

SAMPLE = "SAMPLE = {sample!r}"


def cells(sample: str) -> list:
    md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell

    def failing(source: str):  # a cell that must fail: nbclient records the error and goes on
        cell = code(source)
        cell.metadata["tags"] = ["raises-exception"]
        return cell

    return [
        md("# The analyst's session"),
        code("import re, warnings\n"
             "import kxgraph\n"
             f"g = kxgraph.open(memory=True)\n"
             f"g.load({sample!r})\n"
             "scratch = kxgraph.open(memory=True)   # a second graph, open at the same time\n"
             "%load_ext kxgraph"),
        md("With two graphs open and none chosen, the magic refuses instead of guessing:"),
        failing("%%sparql -o count\n"
                "SELECT (COUNT(?ws) AS ?n) WHERE { ?ws a kx:AcademicianWorkstation }"),
        code("assert 'count' not in dir()\n"
             "%kx use g"),
        code("%%sparql -o count\n"
             "SELECT (COUNT(?ws) AS ?n) WHERE { ?ws a kx:AcademicianWorkstation }"),
        code("assert count.n[0] == 2, count"),
        md("A syntax error fails the cell, and leaves no stale `-o` variable:"),
        failing("%%sparql -o count\n"
                "SELECT (COUNT(?ws) AS ?n) WHER { ?ws a kx:AcademicianWorkstation }"),
        code("assert 'count' not in dir()"),
        md("A CURIE copied from a displayed table works in SPARQL and in `show`:"),
        code("found = g.find('taiyuan')\n"
             "shown = re.findall(r'<td>(.*?)</td>', found._repr_html_())\n"
             "curie = shown[0]\n"
             "assert curie == 'kxplace:140100', curie\n"
             "found"),
        code("%%sparql -o labels\n"
             "SELECT ?label WHERE { kxplace:140100 rdfs:label ?label }"),
        code("assert '太原市' in set(labels.label)\n"
             "assert len(g.show(curie)) > 0 and len(g.show('kxplace:140100')) == len(g.show(curie))\n"
             "person = g.find('甲院士').to_df().entity[0]\n"
             "assert g.query(f'ASK {{ {person} ?p ?o }}').boolean"),
        md("A CURIE copied from a table that SPARQL produced works in SPARQL and in `show`; each column "
           "of entities has its label beside it, in the display and in `to_df()`:"),
        code("hosts = g.query('SELECT ?ws ?host WHERE { ?ws kx:hostOrganization ?host } ORDER BY ?ws')\n"
             "hosts_df = hosts.to_df()\n"
             "shown = re.findall(r'<td>(.*?)</td>', hosts._repr_html_())\n"
             "assert list(hosts_df.columns) == ['ws', 'ws_label', 'host', 'host_label'], hosts_df.columns\n"
             "assert [str(v) for row in hosts_df.itertuples(index=False) for v in row] == shown, shown\n"
             "host = shown[2]   # pasted from the display\n"
             "assert host == 'syn-org:e1' and shown[3] == '龙城合成材料有限公司', shown\n"
             "assert g.query(f'ASK {{ ?ws kx:hostOrganization {host} }}').boolean and len(g.show(host)) > 0\n"
             "assert hosts.to_df(lang='en').host_label[0] == 'Longcheng Materials Co.'"),
        md("An unknown prefix is one line that names the known ones; a mistyped store is not created:"),
        code("import os\n"
             "try:\n"
             "    g.query('SELECT * WHERE { kxidd:x ?p ?o }')\n"
             "    raise AssertionError('an unknown prefix was accepted')\n"
             "except kxgraph.errors.QueryError as error:\n"
             "    assert 'unknown prefix kxidd:' in str(error) and '(known: kx, kxid' in str(error), error\n"
             "    assert '\\n' not in str(error)\n"
             "try:\n"
             "    kxgraph.open('typo-store')\n"
             "    raise AssertionError('a missing store was opened')\n"
             "except kxgraph.errors.StoreError as error:\n"
             "    assert 'no store at typo-store' in str(error) and '--' not in str(error), error\n"
             "assert not os.path.exists('typo-store')"),
        md("A wrong option names the Python parameter, not a command-line flag:"),
        code("try:\n"
             "    g.view(size_by='community')\n"
             "    raise AssertionError('size_by=community was accepted')\n"
             "except kxgraph.errors.ParameterError as error:\n"
             "    assert str(error).startswith('size_by is one of') and \"color_by='community'\" in str(error), error\n"
             "    assert '--' not in str(error)"),
        md("`{name}` takes a notebook variable, bound as an RDF term:"),
        code("%%sparql -o about\n"
             "SELECT ?p ?o WHERE { {person} ?p ?o }"),
        code("assert len(about) > 0"),
        md("`to_df()` holds what is displayed, typed:"),
        code("ranked = g.named_query('academicians-ranked')\n"
             "df = ranked.to_df()\n"
             "cells = re.findall(r'<td>(.*?)</td>', ranked._repr_html_())\n"
             "flat = [str(v) for row in df.itertuples(index=False) for v in row]\n"
             "assert flat == cells, (flat, cells)\n"
             "assert df.academician[0].startswith('syn')"),
        code("typed = g.query('''SELECT ?year ?day ?n ?share ?flag WHERE {\n"
             "  VALUES (?year ?day ?n ?share ?flag) { (\"2023\"^^xsd:gYear \"2024-05-01\"^^xsd:date 3 0.5 true) } }''').to_df()\n"
             "import datetime\n"
             "assert typed.year.dtype == 'int64' and typed.n.dtype == 'int64' and typed.share.dtype == 'float64'\n"
             "assert typed.day[0] == datetime.date(2024, 5, 1) and typed.flag.dtype == bool"),
        md("A chart labelled in Chinese, with no missing-glyph warning:"),
        code("import matplotlib\n"
             "matplotlib.use('Agg')\n"
             "import matplotlib.pyplot as plt, io\n"
             "import kxgraph.plot\n"
             "font = kxgraph.plot.chinese_font()\n"
             "assert font, 'no CJK font found'\n"
             "with warnings.catch_warnings():\n"
             "    warnings.simplefilter('error')   # a missing glyph would raise here\n"
             "    ax = df.plot.bar(x='label', y=df.columns[-1], legend=False, title='院士的合作项目')\n"
             "    ax.set_xlabel('院士'); ax.set_ylabel('项目数')\n"
             "    ax.figure.savefig(io.BytesIO(), format='png')\n"
             "print(font)"),
        md("The network as GraphML, and as a pyvis Network:"),
        code("import networkx as nx\n"
             "G = g.network()\n"
             "nx.write_graphml(G, 'network.graphml')\n"
             "assert nx.read_graphml('network.graphml').number_of_nodes() == G.number_of_nodes()"),
        code("view = g.view(color_by='community', height=420)\n"
             "net = view.to_pyvis()\n"
             "net.write_html('pyvis.html')\n"
             "assert len(net.nodes) == G.number_of_nodes()\n"
             "assert 'vis-network' in open('pyvis.html', encoding='utf-8').read()"),
        code("view"),
    ]


def notebook(sample: str) -> nbf.NotebookNode:
    nb = nbf.v4.new_notebook(cells=cells(sample), metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    for number, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{number:02d}"
    return nb


if __name__ == "__main__":
    nbf.write(notebook(sys.argv[2] if len(sys.argv) > 2 else "tests/data/kx3-sample.ttl"), sys.argv[1])
