"""Writes notebooks/explore.ipynb (without outputs) from the cells below: python notebooks/build_explore.py"""

from pathlib import Path

import nbformat as nbf

md, code = nbf.v4.new_markdown_cell, nbf.v4.new_code_cell
cells = [
    md("# Exploring an association's collaboration network with kxgraph\n\n"
       "This tour builds the demo graph: the **real** facts of the Taiyuan association's 8th congress "
       "report (every one with its quoted passage) and a **synthetic** sample network whose totals match "
       "the report. Names in the sample network are invented; every synthetic resource carries "
       "`kx:synthetic true` and views mark it.\n\n"
       "The graph lives in an embedded Oxigraph store; set `STORE` to a folder to keep it between sessions."),
    code("import kxgraph\n"
         "import kxgraph.plot\n"
         "from kxgraph.demo import build_demo\n\n"
         "kxgraph.plot.chinese_font()   # charts label in Chinese: the installed CJK font it chose\n"
         "STORE = None          # e.g. '.kxgraph' to keep the graph on disk\n"
         "g = kxgraph.open(STORE, mode='create', memory=STORE is None)\n"
         "demo = build_demo(g, out_dir='kx-demo')\n"
         "demo.graphs.to_df()"),
    md("## The association in figures\n\nThe report's own figures (reported values with their qualifier "
       "and the passage they were read from). These are facts about the report, not counts of entities."),
    code("figures = g.report().to_df()\n"
         "figures[['indicator', 'reported', 'passage']].head(15)"),
    md("## The busiest academicians and enterprises (synthetic sample)"),
    code("g.named('academicians-ranked', limit=10).to_df()"),
    md("The `%%sparql` magic runs a query against the graph chosen with `%kx use` (or `-g name` on "
       "the cell); `-o name` keeps the DataFrame, `{name}` takes a notebook variable as a value. "
       "An error fails the cell."),
    code("%load_ext kxgraph\n"
         "%kx use g"),
    code("%%sparql -o enterprises\n"
         "SELECT ?enterprise ?label (COUNT(DISTINCT ?ws) AS ?workstations) (COUNT(DISTINCT ?project) AS ?projects)\n"
         "WHERE {\n"
         "  ?ws kx:hostOrganization ?enterprise .\n"
         "  ?enterprise a kx:Enterprise ; rdfs:label ?label FILTER(LANG(?label) = 'zh')\n"
         "  OPTIONAL { ?project kx:carriedOutAt ?ws }\n"
         "}\n"
         "GROUP BY ?enterprise ?label ORDER BY DESC(?projects) LIMIT 10"),
    code("enterprises.head(3)"),
    md("## The workstation network\n\nAcademicians and the enterprises whose workstations they work at. "
       "The view is one self-contained page (no internet needed): search, click a node for details, "
       "switch zh/en labels, filter by type."),
    code("view = g.view(projection='academician-enterprise', title='院士—企业 academician–enterprise',\n"
         "              color_by='community', height=520)\n"
         "view"),
    md("Every identifier a table or view prints can be pasted back: into SPARQL, `show`, or a "
       "parameter. Here the busiest enterprise of the table above:"),
    code("busiest = enterprises.enterprise[0]      # a CURIE such as syn-seed-0-scale-1:enterprise-12\n"
         "g.show(busiest).to_df().head(8)"),
    code("%%sparql\n"
         "SELECT ?project ?label WHERE { ?project kx:carriedOutAt ?ws . ?ws kx:hostOrganization {busiest} .\n"
         "                               ?project rdfs:label ?label FILTER(LANG(?label) = 'zh') } LIMIT 5"),
    md("## Communities and the brokers between them\n\nLouvain communities of the whole collaboration "
       "network, and the entities that connect communities (high betweenness, neighbours in several communities)."),
    code("g.analyze('communities', top=5).to_df()"),
    code("g.analyze('brokers', top=10).to_df()"),
    md("The same network as a networkx graph, for anything else networkx can do:"),
    code("import networkx as nx\n"
         "G = g.network()\n"
         "print(G.number_of_nodes(), 'nodes,', G.number_of_edges(), 'edges; density', round(nx.density(G), 4))"),
    md("## 合作项目 · Projects per year (synthetic sample)\n\nYears come back as numbers, so they "
       "sort and plot as numbers; the chart is labelled in Chinese."),
    code("per_year = g.query('''\n"
         "SELECT ?year (COUNT(?p) AS ?projects) WHERE {\n"
         "  ?p a kx:CooperationProject ; kx:startYear ?year\n"
         "} GROUP BY ?year ORDER BY ?year''').to_df()\n"
         "ax = per_year.plot.bar(x='year', y='projects', legend=False, title='按开始年份统计的合作项目（合成数据）')\n"
         "ax.set_xlabel('开始年份'); ax.set_ylabel('合作项目数');"),
    md("## Do the reported figures agree with the data?\n\nEach figure the graph can count from entities "
       "is compared with that count; a \"more than\" figure agrees when the count is at least the reported value."),
    code("check = figures[['indicator', 'reported', 'computed', 'difference', 'status']]\n"
         "check[check.status != 'not computable']"),
    code("figures.status.value_counts()"),
    md("## Loading your own spreadsheets\n\nThe templates in `src/kxgraph/data/templates/` take Chinese or English "
       "headers and GBK or UTF-8 files. `import_tables` validates every row against the ontology's "
       "shapes before writing anything, and each file becomes its own named graph."),
    code("from kxgraph.resources import resource_path\n\n"
         "mine = kxgraph.open(memory=True)\n"
         "imported = mine.import_tables(resource_path('templates/enterprises.csv'),\n"
         "                              resource_path('templates/workstations.csv'))\n"
         "imported.result().to_df()"),
    code("mine.query('SELECT ?ws ?label WHERE { ?ws a kx:AcademicianWorkstation ; rdfs:label ?label }').to_df()"),
]
for number, cell in enumerate(cells):
    cell["id"] = f"cell-{number:02d}"  # stable ids: the same cells give the same file


def notebook_text() -> str:
    """The notebook, as the file should hold it."""
    nb = nbf.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    return nbf.writes(nb)


if __name__ == "__main__":
    Path(__file__).with_name("explore.ipynb").write_text(notebook_text(), encoding="utf-8")
