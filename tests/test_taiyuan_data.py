"""The Taiyuan report as data: every figure, every named thing, each traced to an exact passage."""

from __future__ import annotations

import hashlib
import importlib.util
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from kxgraph import vocab
from kxgraph.resources import resource_path

TAIYUAN = resource_path("taiyuan")
SOURCE_TEXT = (TAIYUAN / "source" / "taiyuan-cast-8th-congress-report.txt").read_text(encoding="utf-8")

# Every figure of the report, read by hand: (indicator slug, value, qualifier). "MoreThan" where the
# report writes 余 / 多 / 以上. A figure missed, added or changed in the data fails this file.
FIGURES = [
    ("academicians-invited-for-exchange", "10", "MoreThan"),      # 10多位两院院士
    ("society-academic-events-per-year", "100", "MoreThan"),      # 每年……百余场次
    ("pandemic-lectures", "100", "MoreThan"),                     # 疫情期间……百余场
    ("papers-collected", "1115", "Exact"),                        # 征集论文1115篇
    ("zhihui-china-academicians", "19", "Exact"),                 # 19名两院院士
    ("literacy-member-units", "30", "Exact"),                     # 30个成员单位
    ("literacy-target-groups", "5", "Exact"),                     # 5大人群
    ("science-livestreams", "40", "MoreThan"),                    # 40余期
    ("science-livestream-audience", "600", "MoreThan"),           # 600万人次以上
    ("kepu-china-registered-users", "21.5", "Exact"),             # 21.5万人
    ("kepu-china-provincial-share", "35", "MoreThan"),            # 35%以上
    ("science-education-bases", "89", "Exact"),                   # 科普教育基地89个
    ("science-demonstration-bases", "58", "Exact"),               # 省级科普示范基地58个
    ("rural-science-stations", "30", "Exact"),                    # 服务站和农村科普示范基地30个
    ("parks-with-science-galleries", "17", "Exact"),              # 17个公园
    ("science-gallery-panels-per-year", "1195", "Exact"),         # 版面1195个
    ("flagship-event-activities-per-year", "1000", "MoreThan"),   # 千余场
    ("youth-activity-participants-per-year", "10", "MoreThan"),   # 10余万名
    ("science-books-per-year", "10", "MoreThan"),                 # 10万余册
    ("literacy-assessment-consecutive-wins", "5", "Exact"),       # 连续5年
    ("citizen-science-literacy-rate", "13.2", "Exact"),           # 13.2%
    ("science-volunteer-teams", "20", "Exact"),                   # 20支
    ("scientists-honoured", "160", "MoreThan"),                   # 160余人
    ("thematic-lectures", "50", "MoreThan"),                      # 50余场
    ("public-institutions-before-reform", "4", "Exact"),          # 由4个
    ("public-institutions-after-reform", "2", "Exact"),           # 减少为2个
    ("staff-quota-reduction", "40", "Exact"),                     # 减少40%
    ("work-matrix-rows", "6", "Exact"),                           # 6×3
    ("work-matrix-columns", "3", "Exact"),                        # 6×3
    ("grassroots-positions-main", "3", "Exact"),                  # “3+1”
    ("grassroots-positions-additional", "1", "Exact"),            # “3+1”
    ("societies-supervised", "19", "Exact"),
    ("societies-industry-guided", "8", "Exact"),
    ("societies-liaison", "19", "Exact"),
    ("enterprise-science-associations", "143", "Exact"),
    ("university-science-associations", "4", "Exact"),
    ("academician-workstations", "75", "Exact"),
    ("academicians-introduced", "81", "Exact"),
    ("expert-workstations", "18", "Exact"),
    ("talent-programme-experts", "20", "Exact"),
    ("academician-team-experts", "393", "Exact"),
    ("cooperation-projects", "342", "Exact"),
    ("projects-result-transferred", "129", "Exact"),
    ("projects-rnd-completed", "62", "Exact"),
    ("projects-rnd-in-progress", "151", "Exact"),
    ("patent-applications", "672", "Exact"),
    ("national-awards", "24", "Exact"),
    ("provincial-awards", "60", "Exact"),
    ("national-standards-led", "4", "Exact"),
    ("national-standards-participated", "33", "Exact"),
    ("professionals-trained", "2177", "Exact"),
    ("society-service-stations", "18", "Exact"),
    ("golden-bridge-projects", "79", "Exact"),
    ("golden-bridge-added-profit-tax", "7760", "MoreThan"),       # 7760余万元
    ("golden-bridge-savings", "4470", "MoreThan"),                # 4470余万元
    ("training-sessions", "15", "Exact"),                         # 讲座共15场
    ("enterprise-technicians-trained", "2190", "Exact"),          # 2190名
    ("information-database-enterprises", "230", "Exact"),         # 230家
    ("contest-projects-approved", "4169", "Exact"),               # 立项4169项
    ("rationalisation-proposals-made", "54506", "Exact"),         # 54506条
    ("rationalisation-proposals-implemented", "44808", "Exact"),  # 44808条
    ("innovation-method-courses", "22", "Exact"),                 # 培训班22期
    ("innovation-method-trainees", "3500", "MoreThan"),           # 3500多人次
    ("innovation-method-award-projects", "51", "Exact"),          # 51个项目
]

# Named things the report mentions, by IRI: (zh label, class). Other sources link to several of these.
NAMED = {
    "org/taiyuan-cast": ("太原市科学技术协会", "kx:ScienceAssociation"),
    "org/shanxi-cast": ("山西省科协", "kx:ScienceAssociation"),
    "org/cast": ("中国科协", "kx:ScienceAssociation"),
    "org/cast-strategic-development-department": ("中国科协战略发展部", "org:OrganizationalUnit"),
    "org/taiyuan-party-committee": ("市委", "kx:GovernmentBody"),
    "org/taiyuan-government": ("市政府", "kx:GovernmentBody"),
    "org/taiyuan-publicity-department": ("市委宣传部", "kx:GovernmentBody"),
    "org/taiyuan-science-technology-bureau": ("市科技局", "kx:GovernmentBody"),
    "org/taiyuan-science-literacy-leading-group": ("市全民科学素质工作领导小组", "kx:GovernmentBody"),
    "org/taiyuan-daily": ("太原日报", "kx:MediaOutlet"),
    "org/taiyuan-evening-news": ("太原晚报", "kx:MediaOutlet"),
    "org/douyin": ("抖音", "kx:MediaOutlet"),
    "org/kuaishou": ("快手", "kx:MediaOutlet"),
    "org/kexie-yijia-app": ("科协一家", "kx:MediaOutlet"),
    "person/li-deyi": ("李德毅", "kx:Academician"),
    "person/guo-yonghuai": ("郭永怀", "foaf:Person"),
    "person/su-buqing": ("苏步青", "foaf:Person"),
    "person/ding-nenggang": ("丁能岗", "foaf:Person"),
    "person/zhao-lixin": ("赵立新", "foaf:Person"),
    "programme/kepu-china": ("科普中国", "kx:Programme"),
    "programme/kechuang-china": ("科创中国", "kx:Programme"),
    "programme/zhihui-china": ("智汇中国", "kx:Programme"),
    "programme/haizhi": ("海智计划", "kx:Programme"),
    "programme/golden-bridge": ("金桥工程", "kx:Programme"),
    "programme/zhihui-lanling": ("智慧蓝领", "kx:Programme"),
    "event/national-science-day": ("全国科普日", "kx:Event"),
    "event/science-week": ("科普宣传周", "kx:Event"),
    "event/national-scientists-day": ("全国科技工作者日", "kx:Event"),
    "event/military-civil-innovation-forum": ("中国科技论坛·军民融合与创新创业大会", "kx:Event"),
    "event/northwest-north-china-pharmacy": ("西北、华北地区药学会", "kx:Event"),
    "event/youth-innovation-contest": ("青少年科技创新大赛", "kx:Event"),
    "plan/taiyuan-cast-reform": ("太原市科协系统深化改革实施方案", "kx:Plan"),
    "publication/power-of-talent": ("人才的力量", "kx:Publication"),
    "honour/cast-innovation-award": ("中国科协创新争先奖", "kx:Honour"),
    "honour/most-beautiful-scientist": ("最美科技工作者", "kx:Honour"),
}

VOCABULARIES = tuple(ns for p, ns in vocab.PREFIXES.items() if p not in ("kxid", "syn", "kxg", "kxi"))


def _load_build_module():
    spec = importlib.util.spec_from_file_location("taiyuan_build", TAIYUAN / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def report():
    """The committed TriG's graph kxg:taiyuan-report, as an rdflib Graph."""
    from rdflib import Dataset, URIRef

    dataset = Dataset()
    dataset.parse(TAIYUAN / "taiyuan.trig", format="trig")
    graphs = {str(g.identifier) for g in dataset.graphs() if len(g)}
    assert graphs == {vocab.TAIYUAN_GRAPH}, "everything is in the one named graph"
    return dataset.graph(URIRef(vocab.TAIYUAN_GRAPH))


@pytest.fixture(scope="module")
def gazetteer():
    from rdflib import Graph

    return Graph().parse(resource_path("places/gazetteer.ttl"), format="turtle")


@pytest.fixture(scope="module")
def merged(report, gazetteer):
    from rdflib import Graph

    graph = Graph()
    for part in (report, gazetteer):
        for triple in part:
            graph.add(triple)
    return graph


def U(curie: str):
    from rdflib import URIRef

    return URIRef(vocab.expand_curie(curie))


def ID(path: str):
    from rdflib import URIRef

    return URIRef(vocab.ID + path)


def _figures(report) -> dict[str, dict]:
    figures = {}
    for node in report.subjects(U("rdf:type"), U("kx:ReportedFigure")):
        slug = str(report.value(node, U("kx:indicator"))).removeprefix(vocab.INDICATOR)
        assert slug not in figures, f"two figures for {slug}"
        figures[slug] = {
            "value": report.value(node, U("kx:value")),
            "qualifier": str(report.value(node, U("kx:qualifier"))).removeprefix(vocab.KX),
            "stated": str(report.value(node, U("kx:statedAs"))),
            "passage": report.value(node, U("prov:wasDerivedFrom")),
        }
    return figures


# --- the build -----------------------------------------------------------------------------

def test_committed_trig_is_what_the_build_script_writes():
    build = _load_build_module()
    assert (TAIYUAN / "taiyuan.trig").read_text(encoding="utf-8") == build.render()


def test_build_refuses_a_passage_not_in_the_source():
    build = _load_build_module()
    facts = build.load_facts()
    facts["passages"]["academic-exchange"] = "邀请李德毅等20多位两院院士"
    with pytest.raises(build.FactsError, match="academic-exchange"):
        build.build(facts)


def test_build_refuses_a_figure_not_stated_in_its_passage():
    build = _load_build_module()
    facts = build.load_facts()
    facts["figures"][0]["stated"] = "11多位"
    with pytest.raises(build.FactsError, match="not in its passage"):
        build.build(facts)


def test_oxigraph_loads_the_trig_into_the_report_graph():
    import pyoxigraph as ox

    store = ox.Store()
    store.load(path=str(TAIYUAN / "taiyuan.trig"), format=ox.RdfFormat.TRIG)
    rows = list(store.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?f a <%sReportedFigure> } } GROUP BY ?g" % vocab.KX))
    assert [(r["g"].value, int(r["n"].value)) for r in rows] == [(vocab.TAIYUAN_GRAPH, len(FIGURES))]


# --- figures ---------------------------------------------------------------------------------

def test_the_figures_are_exactly_the_ones_read_from_the_report(report):
    in_data = Counter((slug, f["value"].toPython(), f["qualifier"]) for slug, f in _figures(report).items())
    expected = Counter((slug, Decimal(value), qualifier) for slug, value, qualifier in FIGURES)
    assert expected - in_data == Counter(), "figures missing from the data (or changed)"
    assert in_data - expected == Counter(), "figures in the data that the report does not state"


def test_every_figure_is_stated_in_its_passage_with_its_value(report):
    chinese = {"百": Decimal(100), "千": Decimal(1000)}
    for slug, figure in _figures(report).items():
        passage = str(report.value(figure["passage"], U("prov:value")))
        stated = figure["stated"]
        assert stated in passage, slug
        digits = re.findall(r"\d+(?:\.\d+)?", stated)
        if digits:
            assert figure["value"].toPython() in map(Decimal, digits), f"{slug}: {figure['value']} not in {stated!r}"
        else:
            assert chinese[stated[0]] == figure["value"].toPython(), slug
        more_than = any(marker in stated for marker in ("余", "多", "以上"))
        assert (figure["qualifier"] == "MoreThan") == more_than, slug


def test_every_figure_is_complete(report):
    for node in report.subjects(U("rdf:type"), U("kx:ReportedFigure")):
        for prop in ("qb:dataSet", "kx:unit", "sdmx-dimension:refPeriod", "sdmx-dimension:refArea"):
            assert report.value(node, U(prop)) is not None, (node, prop)
        assert (report.value(node, U("sdmx-dimension:refPeriod")), U("rdf:type"), U("kx:Period")) in report


def test_every_figure_has_an_indicator_and_every_indicator_a_figure(report):
    from rdflib import Graph

    indicators = Graph().parse(resource_path("ontology") / "indicators.ttl", format="turtle")
    defined = {str(s).removeprefix(vocab.INDICATOR) for s in indicators.subjects(U("rdf:type"), U("kx:Indicator"))}
    assert set(_figures(report)) == defined


# --- passages ----------------------------------------------------------------------------------

def test_every_passage_is_quoted_verbatim_from_the_source(report):
    passages = list(report.subjects(U("rdf:type"), U("kx:Passage")))
    assert len(passages) > 40
    for node in passages:
        text = str(report.value(node, U("prov:value")))
        assert text in SOURCE_TEXT, text
        assert str(node) == f"{vocab.TAIYUAN_REPORT}#p-{hashlib.sha1(text.encode()).hexdigest()[:12]}"
        assert report.value(node, U("prov:wasQuotedFrom")) == U("kxid:source/taiyuan-cast-8th-congress-report")
    assert (U("kxid:source/taiyuan-cast-8th-congress-report"), U("rdf:type"), U("kx:SourceDocument")) in report


def test_every_fact_bearing_resource_is_derived_from_a_passage(report):
    passages = set(report.subjects(U("rdf:type"), U("kx:Passage")))
    skip = {U("kx:Passage"), U("kx:SourceDocument"), U("kx:Period"), U("qb:DataSet"),
            U("time:Interval"), U("time:Instant")}  # periods say kx:readFrom instead
    for node, cls in report.subject_objects(U("rdf:type")):
        if cls in skip:
            continue
        sources = set(report.objects(node, U("prov:wasDerivedFrom")))
        assert sources and sources <= passages, node


# --- entities -----------------------------------------------------------------------------------

def test_the_named_things_are_there_with_their_labels_and_classes(merged):
    for path, (zh, cls) in NAMED.items():
        node = ID(path)
        assert (node, U("rdf:type"), U(cls)) in merged, path
        assert {str(x) for x in merged.objects(node, U("rdfs:label")) if x.language == "zh"} == {zh}, path


def test_every_entity_has_one_zh_and_one_en_label_and_its_name_is_in_its_passages(report, merged):
    skip = {U("kx:Passage"), U("kx:ReportedFigure"), U("org:Membership"), U("qb:DataSet")}
    flat = lambda text: text.replace("\n", "")  # noqa: E731 - the source breaks a few words across pages
    for node in set(report.subjects(U("prov:wasDerivedFrom"), None)):
        if any(c in skip for c in merged.objects(node, U("rdf:type"))):
            continue
        labels = list(merged.objects(node, U("rdfs:label")))
        assert sorted(label.language for label in labels) == ["en", "zh"], node
        names = [str(x) for x in labels if x.language == "zh"]
        names += [str(x) for x in merged.objects(node, U("skos:altLabel"))]
        quoted = [flat(str(report.value(p, U("prov:value")))) for p in report.objects(node, U("prov:wasDerivedFrom"))]
        assert any(name in text for name in names for text in quoted), f"{node}: {names} not in its passages"


def test_places_use_the_gazetteer(report, gazetteer):
    places = {s for s in report.subjects() if str(s).startswith(vocab.ID + "place/")}
    places |= {o for o in report.objects() if str(o).startswith(vocab.ID + "place/")}
    assert places, "the report names places"
    for place in places:
        assert (place, U("rdf:type"), None) in gazetteer, place
        assert (place, U("rdf:type"), None) not in report, f"{place} is typed only in the gazetteer"
        assert (place, U("rdfs:label"), None) not in report, f"{place}: the report adds alt labels only"


def test_links_the_report_states(merged):
    for place in ("place/140105", "place/qingxu-edz", "place/zongai-zone"):
        assert (ID(place), U("dcterms:isPartOf"), ID("programme/kechuang-china")) in merged
    assert (ID("place/zongai-zone"), U("skos:altLabel"), None) in merged
    ding = ID("membership/ding-nenggang-shanxi-cast")
    assert merged.value(ding, U("org:member")) == ID("person/ding-nenggang")
    assert merged.value(ding, U("org:organization")) == ID("org/shanxi-cast")
    assert merged.value(ding, U("org:role")) == U("kx:Official")
    assert str(merged.value(ding, U("kx:positionTitle"))) == "党组书记、副主席"
    organised = set(merged.subjects(U("schema:organizer"), ID("org/taiyuan-cast")))
    assert {ID("event/national-science-day"), ID("event/science-week"),
            ID("event/youth-innovation-contest")} <= organised
    assert (ID("org/cast-strategic-development-department"), U("org:unitOf"), ID("org/cast")) in merged
    # The report names 李德毅 only as one of "两院院士": no academy membership is invented.
    assert (None, U("org:member"), ID("person/li-deyi")) not in merged


def test_every_iri_is_a_real_entity_or_vocabulary(report, gazetteer):
    from rdflib import URIRef

    for graph in (report, gazetteer):
        for triple in graph:
            for term in triple:
                if isinstance(term, URIRef) and not str(term).startswith(VOCABULARIES):
                    assert str(term).startswith((vocab.ID, vocab.INDICATOR, vocab.GRAPH)), term


def test_nothing_in_it_is_synthetic():
    for path in (TAIYUAN / "taiyuan.trig", resource_path("places/gazetteer.ttl")):
        text = path.read_text(encoding="utf-8")
        assert vocab.SYN not in text and "kx:synthetic" not in text and vocab.SYNTHETIC not in text


# --- gazetteer ------------------------------------------------------------------------------------

def test_the_gazetteer_has_taiyuan_its_ten_areas_and_two_parks(gazetteer):
    areas = {"140105": "小店区", "140106": "迎泽区", "140107": "杏花岭区", "140108": "尖草坪区",
             "140109": "万柏林区", "140110": "晋源区", "140121": "清徐县", "140122": "阳曲县",
             "140123": "娄烦县", "140181": "古交市"}
    districts = set(gazetteer.subjects(U("rdf:type"), U("kx:District")))
    assert districts == {ID(f"place/{code}") for code in areas}
    for code, zh in areas.items():
        node = ID(f"place/{code}")
        assert str(gazetteer.value(node, U("dcterms:identifier"))) == code
        assert {str(x) for x in gazetteer.objects(node, U("rdfs:label")) if x.language == "zh"} == {zh}
        assert gazetteer.value(node, U("schema:containedInPlace")) == ID("place/140100")
    assert gazetteer.value(ID("place/140100"), U("schema:containedInPlace")) == ID("place/140000")
    parks = set(gazetteer.subjects(U("rdf:type"), U("kx:Park")))
    assert parks == {ID("place/qingxu-edz"), ID("place/zongai-zone")}
    for node in parks | districts | {ID("place/140100"), ID("place/140000")}:
        assert sorted(x.language for x in gazetteer.objects(node, U("rdfs:label"))) == ["en", "zh"]
        assert gazetteer.value(node, U("dcterms:source")) == ID("source/gb-t-2260")
    statement = gazetteer.value(ID("source/gb-t-2260"), U("rdfs:comment"))
    assert "not the Taiyuan report" in str(statement)


# --- conformance ----------------------------------------------------------------------------------

@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_report_gazetteer_and_ontology_conform_to_the_shapes(merged):
    import pyshacl
    from rdflib import Graph

    data = Graph()
    for triple in merged:
        data.add(triple)
    for name in ("kx.ttl", "indicators.ttl"):
        data.parse(resource_path("ontology") / name, format="turtle")
    shapes = Graph().parse(resource_path("ontology") / "shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True)
    assert conforms, text



@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_through_the_cli_the_shipped_data_loads_queries_and_validates_clean(kx, kx_json):
    assert kx("load", str(TAIYUAN / "taiyuan.trig")).exit_code == 0
    gazetteer = kx("load", "--graph", vocab.GAZETTEER_GRAPH, str(resource_path("places/gazetteer.ttl")))
    assert gazetteer.exit_code == 0
    rows = kx_json("query", vocab.sparql_prefixes(["kx", "kxg"]) +
                   "SELECT (COUNT(?f) AS ?n) WHERE { GRAPH kxg:taiyuan-report { ?f a kx:ReportedFigure } }")
    assert rows == [{"n": str(len(FIGURES))}]
    assert kx_json("validate", "--store") == []
