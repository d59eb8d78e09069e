"""The ontology, its indicators and its shapes: they parse, speak both languages, and catch bad data."""

from __future__ import annotations

import pytest

from kxgraph import vocab
from kxgraph.resources import resource_path

ONTOLOGY = resource_path("ontology")

# Slugs other code counts against (issue 2); they must stay exactly these.
REQUIRED_INDICATORS = [
    "academician-workstations", "academicians-introduced", "expert-workstations", "talent-programme-experts",
    "academician-team-experts", "cooperation-projects", "projects-result-transferred", "projects-rnd-completed",
    "projects-rnd-in-progress", "patent-applications", "national-awards", "provincial-awards",
    "national-standards-led", "national-standards-participated", "professionals-trained",
    "society-service-stations", "societies-supervised", "societies-industry-guided", "societies-liaison",
    "enterprise-science-associations", "university-science-associations", "golden-bridge-projects",
]

PREFIXES = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in vocab.PREFIXES.items())
PREFIXES += f"@prefix ex: <{vocab.SYN}test/> .\n"

# A small graph that follows docs/modelling.md in every part the shapes check.
VALID = PREFIXES + """
ex:host a kx:Enterprise ; rdfs:label "示例企业"@zh ; dcterms:identifier "91140100MA0000000X" ; kx:synthetic true .
ex:ws a kx:AcademicianWorkstation ; rdfs:label "示例院士工作站"@zh , "sample workstation"@en ;
    kx:hostOrganization ex:host ; dcterms:created "2018"^^xsd:gYear ; schema:location ex:district .
ex:district a kx:District ; rdfs:label "示例区"@zh ; dcterms:identifier "140105" ; schema:containedInPlace ex:city .
ex:city a kx:City ; rdfs:label "示例市"@zh ; dcterms:identifier "140100" .
ex:a1 a kx:Academician ; rdfs:label "甲院士"@zh ; kx:pinyin "jiayuanshi" .
ex:election a org:Membership ; org:member ex:a1 ; org:organization kx:CAE ; org:role kx:AcademicianMember ;
    kx:electionYear "2005"^^xsd:gYear .
ex:resident a org:Membership ; org:member ex:a1 ; org:organization ex:ws ; org:role kx:ResidentAcademician .
ex:project a kx:CooperationProject ; rdfs:label "示例项目"@zh ; kx:status kx:RnDInProgress ;
    kx:participant ex:a1 , ex:host ; kx:leadOrganization ex:host ; kx:carriedOutAt ex:ws ;
    kx:trainedProfessionals 3 ; kx:produced ex:patent , ex:standard .
ex:patent a kx:PatentApplication ; rdfs:label "示例专利"@zh .
ex:standard a kx:Standard ; rdfs:label "示例标准"@zh ; kx:level kx:National ; kx:standardRole kx:StandardLed .
ex:society a kx:LearnedSociety ; rdfs:label "示例学会"@zh ; kx:underBusinessSupervisionOf ex:cast .
ex:cast a kx:ScienceAssociation ; rdfs:label "示例科协"@zh .
ex:event a kx:Event ; rdfs:label "示例活动"@zh ; schema:organizer ex:cast ; schema:startDate "2023-05-30"^^xsd:date .
ex:period a kx:Period ; rdfs:label "累计"@zh .
ex:figure a kx:ReportedFigure ; qb:dataSet ex:figures ; kx:indicator kxi:academician-workstations ;
    kx:value 2.0 ; kx:unit "个"@zh ; kx:qualifier kx:Exact ; sdmx-dimension:refPeriod ex:period ;
    sdmx-dimension:refArea ex:city ; prov:wasDerivedFrom ex:passage .
ex:passage a kx:Passage ; prov:value "院士工作站2个" ; prov:wasQuotedFrom ex:doc .
ex:doc a kx:SourceDocument ; rdfs:label "示例文档"@zh .
"""

# Each break of the contract: (edits to VALID, the property the violation names; None for a node rule).
BROKEN = {
    "entity without a Chinese label": (['- ex:patent rdfs:label "示例专利"@zh'], "rdfs:label"),
    "two Chinese labels": (['+ ex:patent rdfs:label "另一个名称"@zh'], "rdfs:label"),
    "workstation without host": (["- ex:ws kx:hostOrganization ex:host"], "kx:hostOrganization"),
    "workstation with two hosts": (["+ ex:ws kx:hostOrganization ex:cast"], "kx:hostOrganization"),
    "host that is a place": (
        ['+ ex:ws2 a kx:ExpertWorkstation ; rdfs:label "站"@zh ; kx:hostOrganization ex:city'], "kx:hostOrganization"),
    "project without status": (["- ex:project kx:status kx:RnDInProgress"], "kx:status"),
    "project with an unknown status": (["+ ex:project kx:status kx:Exact"], "kx:status"),
    "project without participants": (["- ex:project kx:participant ex:a1", "- ex:project kx:participant ex:host",
                                     "- ex:project kx:leadOrganization ex:host"], "kx:participant"),
    "lead organisation not a participant": (["- ex:project kx:participant ex:host"], None),
    "negative trained count": (["- ex:project kx:trainedProfessionals 3", "+ ex:project kx:trainedProfessionals -1"],
                               "kx:trainedProfessionals"),
    "standard without role": (["- ex:standard kx:standardRole kx:StandardLed"], "kx:standardRole"),
    "award at an unknown level": (['+ ex:award a kx:Award ; rdfs:label "奖"@zh ; kx:level kx:Exact'], "kx:level"),
    "membership without role": (["- ex:resident org:role kx:ResidentAcademician"], "org:role"),
    "election to a workstation": (
        ["- ex:election org:organization kx:CAE", "+ ex:election org:organization ex:ws"], None),
    "election year as text": (
        ['- ex:election kx:electionYear "2005"^^xsd:gYear', '+ ex:election kx:electionYear "2005"'], "kx:electionYear"),
    "society without relation": (["- ex:society kx:underBusinessSupervisionOf ex:cast"], None),
    "enterprise science association without enterprise": (
        ['+ ex:esa a kx:EnterpriseScienceAssociation ; rdfs:label "企业科协"@zh'], "org:unitOf"),
    "figure without qualifier": (["- ex:figure kx:qualifier kx:Exact"], "kx:qualifier"),
    "figure with an integer value": (["- ex:figure kx:value 2.0", "+ ex:figure kx:value 2"], "kx:value"),
    "figure without passage": (["- ex:figure prov:wasDerivedFrom ex:passage"], "prov:wasDerivedFrom"),
    "figure with an indicator outside kxi:": (["- ex:figure kx:indicator kxi:academician-workstations",
                                               "+ ex:figure kx:indicator kx:Academician"], "kx:indicator"),
    "district code of five digits": (
        ['- ex:district dcterms:identifier "140105"', '+ ex:district dcterms:identifier "14010"'], "dcterms:identifier"),
    "passage without source": (["- ex:passage prov:wasQuotedFrom ex:doc"], "prov:wasQuotedFrom"),
}


def U(curie: str):
    from rdflib import URIRef

    return URIRef(vocab.expand_curie(curie))


@pytest.fixture(scope="module")
def kx_graph():
    from rdflib import Graph

    return Graph().parse(ONTOLOGY / "kx.ttl", format="turtle")


@pytest.fixture(scope="module")
def shapes():
    from rdflib import Graph

    return Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")


@pytest.fixture(scope="module")
def indicators():
    from rdflib import Graph

    return Graph().parse(ONTOLOGY / "indicators.ttl", format="turtle")


def _labels(graph, node) -> list[str]:
    return sorted(label.language or "" for label in graph.objects(node, U("rdfs:label")))


def _validate(turtle: str, shapes):
    import pyshacl
    from rdflib import Graph

    data = Graph().parse(data=turtle, format="turtle")
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    sh = lambda name: U("sh:" + name)  # noqa: E731
    paths = {vocab.shorten(str(report.value(r, sh("resultPath"))))
             for r in report.subjects(U("rdf:type"), sh("ValidationResult")) if report.value(r, sh("resultPath"))}
    return conforms, paths, text


def _edit(turtle: str, edits: list[str]) -> str:
    """Apply edits ("- triple" removes, "+ triples" adds) to a Turtle text."""
    from rdflib import Graph

    graph = Graph().parse(data=turtle, format="turtle")
    for edit in edits:
        sign, statement = edit[0], edit[2:]
        for triple in Graph().parse(data=PREFIXES + statement + " .", format="turtle"):
            assert sign == "+" or triple in graph, f"not in VALID: {statement}"
            (graph.add if sign == "+" else graph.remove)(triple)
    return graph.serialize(format="turtle")


# --- files parse ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["kx.ttl", "shapes.ttl", "indicators.ttl"])
def test_ontology_files_parse_with_rdflib_and_oxigraph(name):
    import pyoxigraph as ox
    from rdflib import Graph

    assert len(Graph().parse(ONTOLOGY / name, format="turtle")) > 100
    assert len(list(ox.parse(path=str(ONTOLOGY / name), format=ox.RdfFormat.TURTLE))) > 100


# --- the ontology speaks both languages ------------------------------------------------------

def test_every_class_and_property_has_a_zh_and_en_label_and_a_comment(kx_graph):
    kinds = ["owl:Class", "owl:ObjectProperty", "owl:DatatypeProperty", "owl:AnnotationProperty"]
    terms = {s for kind in kinds for s in kx_graph.subjects(U("rdf:type"), U(kind))}
    assert len(terms) > 100
    for term in terms:
        assert _labels(kx_graph, term) == ["en", "zh"], term
        assert kx_graph.value(term, U("rdfs:comment")) is not None, term


def test_indicators_are_a_skos_scheme_with_labels_and_comments(indicators):
    found = set(indicators.subjects(U("rdf:type"), U("kx:Indicator")))
    assert len(found) >= 60
    for node in found:
        assert str(node).startswith(vocab.INDICATOR)
        assert _labels(indicators, node) == ["en", "zh"], node
        assert sorted(x.language for x in indicators.objects(node, U("skos:prefLabel"))) == ["en", "zh"], node
        assert indicators.value(node, U("rdfs:comment")) is not None, node
        assert indicators.value(node, U("skos:inScheme")) == U("kx:indicators")


def test_the_indicators_other_code_counts_against_exist(indicators):
    for slug in REQUIRED_INDICATORS:
        assert (U(f"kxi:{slug}"), U("rdf:type"), U("kx:Indicator")) in indicators, slug


# --- the shapes -------------------------------------------------------------------------------

def test_every_kx_class_has_a_shape(kx_graph, shapes):
    targeted = set(shapes.objects(None, U("sh:targetClass")))
    classes = {c for c in kx_graph.subjects(U("rdf:type"), U("owl:Class")) if str(c).startswith(vocab.KX)}
    assert classes - targeted == set()
    assert {U("org:Membership"), U("kx:ReportedFigure")} <= targeted


def test_every_property_shape_speaks_both_languages(shapes):
    property_shapes = set(shapes.objects(None, U("sh:property")))
    assert len(property_shapes) > 50
    for shape in property_shapes:
        for prop in ("sh:name", "sh:message"):
            assert sorted(x.language for x in shapes.objects(shape, U(prop))) == ["en", "zh"], (shape, prop)


def test_labels_are_unique_per_language(shapes):
    label_shapes = set(shapes.subjects(U("sh:path"), U("rdfs:label")))
    assert any(shapes.value(s, U("sh:uniqueLang")) for s in label_shapes)


def test_a_graph_that_follows_the_contract_conforms_without_the_ontology(shapes):
    conforms, paths, text = _validate(VALID, shapes)
    assert conforms, text


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_shapes_catch_each_break_of_the_contract(case, shapes):
    change, path = BROKEN[case]
    conforms, paths, text = _validate(_edit(VALID, change), shapes)
    assert not conforms, case
    if path:
        assert path in paths, text


def test_english_labels_are_optional_so_imported_rows_conform(shapes):
    conforms, _, text = _validate(_edit(VALID, ['- ex:ws rdfs:label "sample workstation"@en']), shapes)
    assert conforms, text


def test_links_to_real_places_and_organisations_need_not_load_them(shapes):
    # kxid:place/… and kxid:org/… say their kind, so an import may point at the gazetteer or the report.
    place, cast = f"<{vocab.ID}place/140105>", f"<{vocab.TAIYUAN_CAST}>"
    edits = ["- ex:ws schema:location ex:district", f"+ ex:ws schema:location {place}",
             "+ ex:society kx:liaisonWith ex:cast", f"+ ex:event schema:organizer {cast}"]
    conforms, _, text = _validate(_edit(VALID, edits), shapes)
    assert conforms, text
    conforms, paths, _ = _validate(_edit(VALID, [f"+ ex:ws schema:location {cast}"]), shapes)
    assert not conforms and "schema:location" in paths


def test_violations_carry_messages_in_both_languages(shapes):
    import pyshacl
    from rdflib import Graph

    data = Graph().parse(data=_edit(VALID, ["- ex:ws kx:hostOrganization ex:host"]), format="turtle")
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    messages = {m.language: str(m) for m in report.objects(None, U("sh:resultMessage"))}
    assert "依托单位" in messages["zh"] and "host organisation" in messages["en"]
