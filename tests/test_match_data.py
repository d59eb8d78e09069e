"""Technical needs as data: the class, the shipped schemes, the import template."""

from __future__ import annotations

import kxgraph
from kxgraph.resources import resource_path

KX = "https://w3id.org/kxgraph/ns#"


def test_the_ontology_load_brings_the_industry_and_discipline_schemes(tmp_path):
    g = kxgraph.open(tmp_path / "s", mode="create")
    g.load(ontology=True)
    rows = g.query("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
                   "SELECT ?code ?label WHERE { ?c skos:notation ?code ; skos:prefLabel ?label "
                   "FILTER(lang(?label) = 'zh') } ORDER BY ?code").records()
    labels = {r["code"]: r["label"] for r in rows}
    assert labels["06"] == "煤炭开采和洗选业" and labels["B"] == "采矿业"
    assert labels["440"] == "矿山工程技术" and labels["910"] == "统计学"
    assert g.query("ASK { ?s <http://purl.org/dc/terms/provenance> ?p }").boolean
    assert g.query(f"ASK {{ <{KX}TechnicalNeed> <http://www.w3.org/2000/01/rdf-schema#label> '企业技术需求'@zh }}").boolean


def test_the_needs_template_imports_as_technical_needs(tmp_path):
    g = kxgraph.open(tmp_path / "s", mode="create")
    g.load(ontology=True)
    g.import_tables(resource_path("templates/needs.xlsx"))
    rows = g.query(f"SELECT ?title ?status WHERE {{ ?n a <{KX}TechnicalNeed> ; "
                   f"<http://www.w3.org/2000/01/rdf-schema#label> ?title ; <{KX}needStatus> ?status }} ORDER BY ?title").records()
    assert sorted(r["title"] for r in rows) == sorted(["示例特种钢热处理工艺需求", "示例煤矿瓦斯监测预警需求"])
    assert {str(r["status"]) for r in rows} <= {"kx:NeedOpen", KX + "NeedOpen"}


def test_the_shapes_check_technical_needs(tmp_path):
    g = kxgraph.open(tmp_path / "s", mode="create")
    bad = tmp_path / "bad.ttl"
    bad.write_text('@prefix kx: <https://w3id.org/kxgraph/ns#> .\n'
                   '@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n'
                   '<https://example.org/n1> a kx:TechnicalNeed ; rdfs:label "坏需求"@zh ; '
                   'kx:needStatus kx:RnDCompleted .\n', encoding="utf-8")
    g.load(bad, graph="https://example.org/bad")
    problems = " ".join(g.validate(store=True, graph="https://example.org/bad").column("problem"))
    assert "needs the organisation that raised it" in problems
    assert "open, matched or solved" in problems


def test_planted_needs_pass_the_shapes(tmp_path):
    from kxgraph.synthetic.generate import load_into
    from kxgraph.synthetic.needs import plant

    g = kxgraph.open(tmp_path / "s", mode="create")
    load_into(g, scale=0.2, seed=3)
    report = plant(g, seed=3, scale=0.2)
    assert report.needs > 10
    assert len(g.validate(store=True, graph=report.graph)) == 0
