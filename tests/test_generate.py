"""`kx generate`: a synthetic network that holds the report's totals, honestly marked, streamed."""

from __future__ import annotations

import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pyoxigraph as ox
import pytest

from kxgraph import vocab as V
from kxgraph.errors import ParameterError
from kxgraph.synthetic.generate import BASE, generate, graph_name, totals
from kxgraph.resources import package_path, resource_path
from kxgraph.sparql.catalogue import entry

PREFIXES = V.sparql_prefixes()

# The Taiyuan report's figures, by the packaged indicator query that counts each from entities.
REPORT = {
    "academician-workstations": 75, "academicians-introduced": 81, "academician-team-experts": 393,
    "expert-workstations": 18, "talent-programme-experts": 20, "cooperation-projects": 342,
    "projects-result-transferred": 129, "projects-rnd-completed": 62, "projects-rnd-in-progress": 151,
    "patent-applications": 672, "national-awards": 24, "provincial-awards": 60,
    "national-standards-led": 4, "national-standards-participated": 33, "professionals-trained": 2177,
    "societies-supervised": 19, "societies-industry-guided": 8, "societies-liaison": 19,
    "enterprise-science-associations": 143, "university-science-associations": 4,
    "society-service-stations": 18, "golden-bridge-projects": 79,
}
CLASSES = {
    "AcademicianWorkstation": 75, "Academician": 81, "AcademicianTeamExpert": 393,
    "ExpertWorkstation": 18, "TalentProgrammeExpert": 20, "CooperationProject": 342,
    "PatentApplication": 672, "Award": 84, "Standard": 37, "LearnedSociety": 46,
    "EnterpriseScienceAssociation": 143, "UniversityScienceAssociation": 4,
    "SocietyServiceStation": 18, "ProgrammeProject": 79,
}
REAL_PEOPLE = ("李德毅", "郭永怀", "苏步青", "丁能岗", "赵立新")


class Sink:
    """A binary stream that forgets what it is given (to measure the generator alone)."""

    def write(self, data: bytes) -> int:
        return len(data)

    def flush(self) -> None:
        pass


def network_bytes(scale: float = 1, seed: int = 0, format: str = "nquads") -> bytes:  # noqa: A002
    out = io.BytesIO()
    generate(out, scale=scale, seed=seed, format=format)
    return out.getvalue()


def store_of(data: bytes, format=ox.RdfFormat.N_QUADS) -> ox.Store:  # noqa: A002
    store = ox.Store()
    store.load(data, format=format)
    return store


def select(store: ox.Store, sparql: str) -> list[list]:
    answer = store.query(PREFIXES + sparql, use_default_graph_as_union=True)
    return [[None if t is None else t.value for t in row] for row in answer]


def class_counts(store: ox.Store) -> dict[str, int]:
    rows = select(store, "SELECT ?c (COUNT(?x) AS ?n) WHERE { ?x a ?c } GROUP BY ?c")
    return {c.removeprefix(V.KX): int(n) for c, n in rows}


@pytest.fixture(scope="module")
def network() -> ox.Store:
    """The network at scale 1, seed 0, in an in-memory store."""
    return store_of(network_bytes())


# -- totals ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("indicator", sorted(REPORT))
def test_scale_one_holds_each_figure_of_the_report(network, indicator):
    query = entry(f"indicators/{indicator}").text
    [[value, _]] = select(network, query)
    assert int(value) == REPORT[indicator]


def test_scale_one_holds_exactly_the_report_entities_and_says_so():
    report = generate(io.BytesIO(), scale=1, seed=0, format="ntriples")
    counts = class_counts(store_of(network_bytes(), ox.RdfFormat.N_QUADS))
    for cls, expected in CLASSES.items():
        assert counts[cls] == expected == report.counts[cls], cls
    assert report.counts["trainedProfessionals"] == 2177


def test_the_report_counts_every_triple_written(network):
    report = generate(io.BytesIO(), scale=1, seed=0)
    assert report.triples == len(network)
    assert report.graph == graph_name(0, 1) == V.SYNTHETIC_GRAPH + "/seed-0-scale-1"


@pytest.mark.parametrize("scale", [0.37, 3])
def test_scale_multiplies_every_total_and_keeps_the_training_sum_exact(scale):
    store = store_of(network_bytes(scale=scale))
    expected = totals(scale)
    counts = class_counts(store)
    for cls in CLASSES:
        assert counts[cls] == expected[cls], cls
    for key, figure in BASE.items():
        assert expected[key] == max(1 if key != "trainedProfessionals" else 0, round(figure * scale))
    [[trained]] = select(store, "SELECT (SUM(?t) AS ?n) WHERE { ?p kx:trainedProfessionals ?t }")
    assert int(trained) == round(2177 * scale)
    statuses = dict(select(store, "SELECT ?s (COUNT(?p) AS ?n) WHERE { ?p kx:status ?s } GROUP BY ?s"))
    assert int(statuses[V.KX + "RnDInProgress"]) == expected["RnDInProgress"]


def test_a_scale_that_is_not_positive_is_refused():
    with pytest.raises(ParameterError):
        generate(io.BytesIO(), scale=0)
    with pytest.raises(ParameterError):
        generate(io.BytesIO(), seed=-1)


# -- the model of docs/modelling.md ----------------------------------------------------------------

def test_every_academician_is_elected_to_an_academy_in_one_of_its_real_divisions():
    from kxgraph.resources import resource_path

    network = store_of(network_bytes())     # the divisions are the shipped reference data
    network.load(path=str(resource_path("ontology/academies.ttl")), format=ox.RdfFormat.TURTLE)
    rows = select(network, """
        SELECT ?a ?academy ?division ?year WHERE {
          ?a a kx:Academician .
          OPTIONAL { ?m org:member ?a ; org:role kx:AcademicianMember ; org:organization ?academy ;
                        kx:division ?division ; kx:electionYear ?year .
                     ?division a kx:AcademyDivision ; org:unitOf ?academy } }""")
    assert len(rows) == 81
    assert {academy for _, academy, _, _ in rows} == {V.KX + "CAS", V.KX + "CAE"}
    assert all(1991 <= int(year) <= 2023 for *_, year in rows)
    assert all(division.startswith(V.ID + "division/") for _, _, division, _ in rows)
    assert len({division for _, _, division, _ in rows}) > 8


def test_workstations_are_hosted_by_enterprises_and_projects_link_people_and_organisations(network):
    [[unhosted]] = select(network, """SELECT (COUNT(?ws) AS ?n) WHERE { ?ws a kx:AcademicianWorkstation
        FILTER NOT EXISTS { ?ws kx:hostOrganization ?e . ?e a kx:Enterprise } }""")
    assert int(unhosted) == 0
    [[lonely]] = select(network, """SELECT (COUNT(?p) AS ?n) WHERE { ?p a kx:CooperationProject
        FILTER NOT EXISTS { ?p kx:carriedOutAt/a kx:AcademicianWorkstation ; kx:leadOrganization ?lead ;
                                kx:participant ?lead , ?person . ?person a kx:Academician } }""")
    assert int(lonely) == 0
    [[orphans]] = select(network, """SELECT (COUNT(?o) AS ?n) WHERE {
        VALUES ?c { kx:PatentApplication kx:Award kx:Standard } ?o a ?c
        FILTER NOT EXISTS { ?p kx:produced ?o ; a kx:CooperationProject } }""")
    assert int(orphans) == 0
    years = [int(y) for [y] in select(network, "SELECT ?y WHERE { ?p a kx:CooperationProject ; kx:startYear ?y }")]
    assert min(years) >= 2013 and max(years) <= 2023


def test_units_belong_to_their_organisations_and_events_have_organisers(network):
    checks = {
        "EnterpriseScienceAssociation": "org:unitOf/a kx:Enterprise",
        "UniversityScienceAssociation": "org:unitOf/a kx:University",
        "SocietyServiceStation": "kx:serviceStationOf/a kx:LearnedSociety",
        "ProgrammeProject": "dcterms:isPartOf kxid:programme\\/golden-bridge",
        "Event": "schema:organizer kxid:org\\/taiyuan-cast",
    }
    for cls, path in checks.items():
        [[missing]] = select(network, f"SELECT (COUNT(?x) AS ?n) WHERE {{ ?x a kx:{cls} "
                                      f"FILTER NOT EXISTS {{ ?x {path} }} }}")
        assert int(missing) == 0, cls
    [[co_organised]] = select(network, """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        ?e a kx:Event ; schema:organizer ?s . ?s a kx:LearnedSociety }""")
    assert int(co_organised) == class_counts(network)["Event"]


def test_real_entities_it_links_to_exist_in_the_shipped_data(network, repo):
    real = ox.Store()
    real.load(path=str(resource_path("places/gazetteer.ttl")), format=ox.RdfFormat.TURTLE)
    real.load(path=str(resource_path("taiyuan/taiyuan.trig")), format=ox.RdfFormat.TRIG)
    real.load(path=str(resource_path("ontology/academies.ttl")), format=ox.RdfFormat.TURTLE)
    known = {s for [s] in select(real, "SELECT DISTINCT ?s WHERE { ?s a ?t }")}
    linked = {o for [o] in select(network, f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o "
                                           f"FILTER STRSTARTS(STR(?o), \"{V.ID}\") }}")}
    assert V.ID + "place/140105" in linked and V.TAIYUAN_CAST in linked
    assert linked <= known, linked - known
    places = {o for [o] in select(network, "SELECT DISTINCT ?o WHERE { ?s schema:location ?o }")}
    assert len(places) >= 10


# -- honest data -----------------------------------------------------------------------------------

def test_every_subject_is_synthetic_and_lives_in_the_synthetic_graph(network):
    graph = graph_name(0, 1)
    base = V.SYN + "seed-0-scale-1/"
    rows = select(network, "SELECT DISTINCT ?s ?flag ?g WHERE { GRAPH ?g { ?s ?p ?o } "
                           "OPTIONAL { ?s kx:synthetic ?flag } }")
    assert {g for _, _, g in rows} == {graph}
    assert all(s.startswith(base) or s == graph for s, _, _ in rows)
    assert all(flag == "true" for _, flag, _ in rows)
    labels = {label for [label] in select(network, f"SELECT ?l WHERE {{ <{graph}> rdfs:label ?l }}")}
    assert "合成样例网络（非真实数据）" in labels


@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_no_person_bears_the_name_of_a_real_person_in_the_report(repo):
    text = "".join(p.read_text(encoding="utf-8") for p in resource_path("taiyuan/source").glob("*.txt"))
    for seed in (0, 1):
        store = store_of(network_bytes(scale=2, seed=seed))
        names = {n for [n] in select(store, """SELECT DISTINCT ?n WHERE { ?p a ?c ; rdfs:label ?n
            VALUES ?c { kx:Academician kx:AcademicianTeamExpert kx:TalentProgrammeExpert }
            FILTER (lang(?n) = "zh") }""")}
        assert len(names) > 900   # 988 people at scale 2
        assert not names & set(REAL_PEOPLE)
        assert not [n for n in names if n in text]


def test_people_and_enterprises_have_pinyin_and_english_labels(network):
    rows = select(network, """SELECT ?zh ?en ?py WHERE { ?x a kx:Academician ;
        rdfs:label ?zh , ?en ; kx:pinyin ?py FILTER (lang(?zh) = "zh" && lang(?en) = "en") }""")
    assert len(rows) == 81
    for zh, en, py in rows:
        assert en.isascii() and py == en.lower() and len(zh) in (2, 3)
    rows = select(network, """SELECT ?zh ?en WHERE { ?x a kx:Enterprise ; rdfs:label ?zh , ?en
        FILTER (lang(?zh) = "zh" && lang(?en) = "en") }""")
    assert all(zh.endswith("公司") and en.endswith("Ltd.") for zh, en in rows)
    assert len({zh for zh, _ in rows}) == len(rows) == 160


# -- a believable structure ------------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_academicians_workstation_memberships_are_heavy_tailed(seed):
    store = store_of(network_bytes(seed=seed))
    degrees = sorted((int(n) for _, n in select(store, """SELECT ?a (COUNT(?m) AS ?n) WHERE {
        ?m org:member ?a ; org:role kx:ResidentAcademician } GROUP BY ?a""")), reverse=True)
    assert len(degrees) == 81
    top = degrees[: len(degrees) // 10]
    assert sum(top) > 0.25 * sum(degrees)
    assert degrees[0] >= 5 and degrees[-1] == 1


def test_enterprises_host_several_workstations_and_projects_have_several_partners(network):
    hosted = [int(n) for _, n in select(network, """SELECT ?e (COUNT(?ws) AS ?n) WHERE {
        ?ws a kx:AcademicianWorkstation ; kx:hostOrganization ?e } GROUP BY ?e""")]
    assert max(hosted) >= 3 and len(hosted) < 75
    partners = [int(n) for _, n in select(network, """SELECT ?p (COUNT(?x) AS ?n) WHERE {
        ?p a kx:CooperationProject ; kx:participant ?x } GROUP BY ?p""")]
    assert min(partners) >= 3


def test_teams_cluster_by_discipline(network):
    [[same, total]] = select(network, """SELECT (SUM(IF(?d1 = ?d2, 1, 0)) AS ?same) (COUNT(*) AS ?all) WHERE {
        ?m org:role kx:ResidentAcademician ; org:member ?a ; org:organization ?ws .
        ?t org:role kx:TeamExpert ; org:member ?x ; org:organization ?ws .
        ?a kx:discipline ?d1 . ?x kx:discipline ?d2 }""")
    assert int(same) > 0.5 * int(total)   # eight disciplines: chance alone would give about 1/8


# -- determinism, formats, streaming ---------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "nquads", "trig"])
def test_the_same_seed_gives_the_same_bytes(fmt):
    assert network_bytes(0.5, 3, fmt) == network_bytes(0.5, 3, fmt)


def test_a_gzip_file_is_the_same_bytes_each_time(tmp_path):
    a, b = tmp_path / "a.nt.gz", tmp_path / "b.nt.gz"
    generate(a, scale=0.2)
    generate(b, scale=0.2)
    assert a.read_bytes() == b.read_bytes()
    assert gzip.decompress(a.read_bytes()) == network_bytes(0.2, 0, "ntriples")


def test_different_seeds_give_different_networks_with_the_same_totals(network):
    other = store_of(network_bytes(seed=1))
    ours, theirs = class_counts(network), class_counts(other)
    assert {c: theirs[c] for c in CLASSES} == {c: ours[c] for c in CLASSES} == CLASSES
    edges = "SELECT ?s ?o WHERE { ?s kx:carriedOutAt ?o }"
    assert set(map(tuple, select(other, edges))) != set(map(tuple, select(network, edges)))
    assert network_bytes(seed=1) != network_bytes(seed=0)


def test_every_syntax_holds_the_same_triples():
    sets = {}
    for fmt, parser in (("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES),
                        ("nquads", ox.RdfFormat.N_QUADS), ("trig", ox.RdfFormat.TRIG)):
        quads = list(ox.parse(network_bytes(0.3, 5, fmt), format=parser))
        sets[fmt] = {(q.subject, q.predicate, q.object) for q in quads}
        names = {q.graph_name for q in quads}
        assert names == ({ox.NamedNode(graph_name(5, 0.3))} if fmt in ("nquads", "trig")
                         else {ox.DefaultGraph()})
    assert len({frozenset(s) for s in sets.values()}) == 1


@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_memory_stays_flat_as_the_scale_grows():
    peaks = {}
    generate(Sink(), scale=0.1)  # name tables are read once, not per run
    for scale in (0.5, 5):
        tracemalloc.start()
        generate(Sink(), scale=scale, format="ntriples")
        peaks[scale] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peaks[5] < 1.5 * peaks[0.5]


@pytest.mark.slow
def test_the_network_conforms_to_the_shapes(repo):
    """Every kind of entity and link of the model, at scale 0.3 (pySHACL takes ~1 min at scale 1)."""
    from kxgraph.tables.validate import run_shacl

    network = store_of(network_bytes(scale=0.3, seed=2))

    real = ox.Store()
    real.load(path=str(resource_path("places/gazetteer.ttl")), format=ox.RdfFormat.TURTLE)
    real.load(path=str(resource_path("taiyuan/taiyuan.trig")), format=ox.RdfFormat.TRIG)
    real.load(path=str(resource_path("ontology/academies.ttl")), format=ox.RdfFormat.TURTLE)
    linked = {o for [o] in select(network, f"SELECT DISTINCT ?o WHERE {{ ?s ?p ?o "
                                           f"FILTER STRSTARTS(STR(?o), \"{V.ID}\") }}")}
    # the real entities it links to, as a store would hold them beside the network
    values = " ".join(f"<{iri}>" for iri in sorted(linked))
    context = real.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}",
                         use_default_graph_as_union=True).serialize(format=ox.RdfFormat.N_TRIPLES)
    violations = run_shacl(network_bytes(0.3, 2, "ntriples").decode() + context.decode())
    assert [v for v in violations if v["focus"].startswith(V.SYN)] == []


# -- the command line ------------------------------------------------------------------------------

@pytest.mark.slow  # more than a few seconds: runs in CI, not in the fast loop
def test_kx_generate_load_fills_its_own_graph_once(kx, kx_json):
    for _ in range(2):  # loading again replaces the graph rather than doubling it
        result = kx("generate", "--load", "--scale", "0.5", "--seed", "4")
        assert result.exit_code == 0, result.output
    assert "triples" in result.stderr and graph_name(4, 0.5) in result.stderr
    graphs = {r["graph"]: int(r["triples"]) for r in kx_json("graphs")}
    expected = generate(io.BytesIO(), scale=0.5, seed=4).triples
    reference = {V.ONTOLOGY_GRAPH, V.GAZETTEER_GRAPH}        # a new store gets the reference data
    assert {g: n for g, n in graphs.items() if g not in reference} == {graph_name(4, 0.5): expected}
    assert reference <= set(graphs)
    [row] = kx_json("query", "PREFIX kx: <https://w3id.org/kxgraph/ns#> SELECT (SAMPLE(?l) AS ?label) "
                    "WHERE { ?m kx:division/<http://www.w3.org/2000/01/rdf-schema#label> ?l FILTER(LANG(?l) = 'zh') }")
    assert row["label"].endswith("部")                         # the divisions have their names


def test_kx_generate_writes_a_file_by_its_extension(kx, tmp_path):
    out = tmp_path / "net.trig"
    result = kx("generate", "-o", str(out), "--scale", "0.2")
    assert result.exit_code == 0, result.output
    triples = int(result.stderr.split()[1].replace(",", ""))
    quads = list(ox.parse(path=str(out), format=ox.RdfFormat.TRIG))
    assert len(quads) == triples
    assert not list(tmp_path.glob("*.partial"))


def test_kx_generate_writes_turtle_to_stdout(kx):
    result = kx("generate", "--scale", "0.1")
    assert result.exit_code == 0
    assert len(list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.TURTLE))) > 1000


@pytest.mark.parametrize("args", [["-o", "net.xyz"], ["--load", "-o", "net.nt"], ["--scale", "-2"]])
def test_kx_generate_refuses_bad_options_in_one_line(kx, tmp_path, args):
    args = [str(tmp_path / a) if a.startswith("net.") else a for a in args]
    result = kx("generate", *args)
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_kx_generate_names_a_file_it_cannot_write(kx, tmp_path):
    target = tmp_path / "no-such-folder" / "net.nt"
    result = kx("generate", "-o", str(target))
    assert result.exit_code == 1
    [line] = result.stderr.strip().splitlines()
    assert str(target) in line and not target.parent.exists()


def test_the_python_api_loads_into_a_graph():
    import kxgraph

    with kxgraph.open(memory=True) as g:
        report = g.generate(scale=0.2, seed=9)
        rows = g.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{report.graph}> {{ ?s ?p ?o }} }}")
        assert int(rows.rows[0][0].value) == report.triples
        assert json.loads(json.dumps(report.counts))["AcademicianWorkstation"] == round(75 * 0.2)
    assert Path(report.graph).name == "seed-9-scale-0.2"
