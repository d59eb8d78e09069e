"""Kept figures: `kx report` reads the indicator counts a store's last write counted and kept beside it
(``kxgraph.store.kept``); after every kind of write they equal fresh SPARQL counts, and a store
without its index reports the same figures (and `kx stats` the same counts)."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

import kxgraph
from kxgraph.resources import resource_path
from kxgraph.sparql.catalogue import names
from kxgraph.store.index import FILE

SYNTHETIC = "https://w3id.org/kxgraph/synthetic/"
MORE = f"""
@prefix kx: <https://w3id.org/kxgraph/ns#> .
@prefix syn: <{SYNTHETIC}> .
syn:kept-ws-1 a kx:AcademicianWorkstation ; kx:synthetic true .
syn:kept-ws-2 a kx:AcademicianWorkstation ; kx:synthetic true .
syn:kept-project-1 a kx:CooperationProject ; kx:status kx:RnDCompleted ; kx:trainedProfessionals 4 ;
    kx:synthetic true .
"""
INDICATORS = set(names("indicators"))


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The Taiyuan report (a figure for every countable indicator) and a small generated network."""
    path = tmp_path_factory.mktemp("kept") / "store"
    with kxgraph.open(path, mode="create") as g:
        g.load(resource_path("taiyuan/taiyuan.trig"))
        g.generate(scale=0.02)
    return path


@pytest.fixture
def store(base, tmp_path) -> Path:
    copy = tmp_path / "store"
    shutil.copytree(base, copy)
    return copy


def kept_equal_fresh(path: Path, tmp_path: Path) -> dict[str, tuple[str, int]]:
    """Check the kept figures of the store at ``path`` against fresh counts; return them."""
    with kxgraph.open(path) as g:  # read-only, as `kx report` opens it
        kept = g.store.index.kept_figures()
        assert kept is not None and set(kept) == INDICATORS  # every indicator has a figure to keep
        for name, (_, value, entities) in kept.items():
            [fresh] = g.named_query(f"indicators/{name}").records()
            assert (value, entities) == (str(fresh["value"] or 0), int(fresh["entities"])), name
        rows = g.report().rows
        stats = g.stats().rows  # classes and graphs counted at write time too (kxgraph.store.index)
    bare = tmp_path / "no-index"
    shutil.rmtree(bare, ignore_errors=True)
    shutil.copytree(path, bare, ignore=shutil.ignore_patterns(FILE + "*"))
    with kxgraph.open(bare) as g:
        assert g.store.index.kept_figures() is None
        assert g.report().rows == rows  # counted from the entities: the same figures
        assert g.stats().rows == stats
    return {name: (value, entities) for name, (_, value, entities) in kept.items()}


def computed(path: Path, indicator: str) -> str:
    with kxgraph.open(path) as g:
        [row] = [r for r in g.report().records() if r["id"] == f"kxi:{indicator}"]
    return row["computed"]


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_a_load_keeps_figures_equal_to_fresh_counts(store, tmp_path):
    before = kept_equal_fresh(store, tmp_path)
    more = tmp_path / "more.ttl"
    more.write_text(MORE, encoding="utf-8")
    with kxgraph.open(store, mode="rw") as g:
        g.load(more)
    after = kept_equal_fresh(store, tmp_path)
    assert int(after["academician-workstations"][0]) == int(before["academician-workstations"][0]) + 2
    assert int(after["professionals-trained"][0]) == int(before["professionals-trained"][0]) + 4


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_replacing_a_source_keeps_figures_of_what_replaced_it(store, tmp_path):
    more = tmp_path / "more.ttl"
    more.write_text(MORE, encoding="utf-8")
    with kxgraph.open(store, mode="rw") as g:
        g.load(more)
    loaded = kept_equal_fresh(store, tmp_path)
    more.write_text(MORE.replace("syn:kept-ws-2 a kx:AcademicianWorkstation ; kx:synthetic true .", ""),
                    encoding="utf-8")
    with kxgraph.open(store, mode="rw") as g:
        g.load(more, replace=True)
    replaced = kept_equal_fresh(store, tmp_path)
    assert int(replaced["academician-workstations"][0]) == int(loaded["academician-workstations"][0]) - 1


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_an_import_keeps_figures_equal_to_fresh_counts(store, tmp_path):
    before = kept_equal_fresh(store, tmp_path)
    with kxgraph.open(store, mode="rw") as g:
        g.import_tables(resource_path("templates/workstations.csv"), resource_path("templates/projects.csv"))
    after = kept_equal_fresh(store, tmp_path)
    assert int(after["academician-workstations"][0]) == int(before["academician-workstations"][0]) + 1
    assert int(after["cooperation-projects"][0]) == int(before["cooperation-projects"][0]) + 2


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_a_drop_keeps_figures_equal_to_fresh_counts(store, tmp_path):
    with kxgraph.open(store, mode="rw") as g:
        [network] = [graph for graph in g.graphs().column("graph") if "synthetic" in graph]
        g.drop(network)
    after = kept_equal_fresh(store, tmp_path)
    assert after["academician-workstations"] == ("0", 0)
    assert computed(store, "academician-workstations") is None  # "no entity data"


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_an_update_keeps_figures_equal_to_fresh_counts(store, tmp_path):
    before = kept_equal_fresh(store, tmp_path)
    with kxgraph.open(store, mode="rw") as g:
        g.update("DELETE { GRAPH ?g { ?p kx:status kx:RnDCompleted } } "
                 "WHERE { GRAPH ?g { ?p a kx:CooperationProject ; kx:status kx:RnDCompleted } }")
    after = kept_equal_fresh(store, tmp_path)
    assert int(before["projects-rnd-completed"][0]) > 0 and after["projects-rnd-completed"][0] == "0"


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_same_and_distinct_keep_figures_equal_to_fresh_counts(store, tmp_path):
    before = kept_equal_fresh(store, tmp_path)
    with kxgraph.open(store, mode="rw") as g:
        first, second, third = g.query("SELECT ?p WHERE { ?p a kx:CooperationProject } "
                                       "ORDER BY ?p LIMIT 3").column("p")
        g.same(first, second, by="test")
    merged = kept_equal_fresh(store, tmp_path)
    assert int(merged["cooperation-projects"][0]) == int(before["cooperation-projects"][0]) - 1
    with kxgraph.open(store, mode="rw") as g:
        g.distinct(first, third, by="test")
    assert kept_equal_fresh(store, tmp_path) == merged


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_generating_into_the_store_keeps_figures_equal_to_fresh_counts(store, tmp_path):
    before = kept_equal_fresh(store, tmp_path)
    with kxgraph.open(store, mode="rw") as g:
        g.generate(scale=0.02, seed=1)
    after = kept_equal_fresh(store, tmp_path)
    assert int(after["academician-workstations"][0]) > int(before["academician-workstations"][0])


def plant(store: Path, value: str = "999999") -> None:
    """Put a value no count gives into the kept table: where it shows, the report read the table."""
    with sqlite3.connect(store / FILE) as conn:
        conn.execute("UPDATE kept_figures SET value = ? WHERE query = 'academician-workstations'", (value,))
    conn.close()


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_the_report_reads_the_kept_figures_until_a_write_touches_what_they_count(store):
    real = computed(store, "academician-workstations")
    plant(store)
    assert computed(store, "academician-workstations") == 999999
    with kxgraph.open(store, mode="rw") as g:  # a note: nothing any count query reads
        g.update("INSERT DATA { GRAPH <urn:kept:notes> { <urn:kept:a> rdfs:comment 'a note' } }")
    assert computed(store, "academician-workstations") == 999999  # kept, not counted again
    with kxgraph.open(store, mode="rw") as g:  # a place: only a report by area reads it
        g.update("INSERT DATA { GRAPH <urn:kept:notes> { <urn:kept:a> schema:location <urn:kept:place> } }")
    assert computed(store, "academician-workstations") == 999999
    with kxgraph.open(store, mode="rw") as g:  # a row's provenance: part of its sheet, not of a programme
        g.update("INSERT DATA { GRAPH <urn:kept:notes> { <urn:kept:a> dcterms:isPartOf <urn:kept:sheet> } }")
    assert computed(store, "academician-workstations") == 999999
    with kxgraph.open(store, mode="rw") as g:  # a project status in the same graph: counted again
        g.update("INSERT DATA { GRAPH <urn:kept:notes> { <urn:kept:a> kx:status kx:RnDCompleted } }")
    assert computed(store, "academician-workstations") == real
    plant(store)
    with kxgraph.open(store, mode="rw") as g:  # and when it goes: what the graph held before counts
        g.update("DELETE DATA { GRAPH <urn:kept:notes> { <urn:kept:a> kx:status kx:RnDCompleted } }")
    assert computed(store, "academician-workstations") == real
    plant(store)
    with kxgraph.open(store, mode="rw") as g:
        g.drop("urn:kept:notes")  # held only the note now
    assert computed(store, "academician-workstations") == 999999


def test_every_triple_a_count_query_reads_has_a_predicate_or_class_the_kept_terms_name():
    """Kept figures survive a write that touched only graphs holding none of ``count_terms``:
    honest only if no count query reads a triple by a variable predicate or class."""
    from rdflib.paths import Path as RdfPath
    from rdflib.plugins.sparql import prepareQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef, Variable

    from kxgraph.report import count_terms
    from kxgraph.sparql.catalogue import entry
    from kxgraph.vocab import RDF

    terms = count_terms()

    def iris(path):
        if isinstance(path, URIRef):
            return [path]
        assert isinstance(path, RdfPath), path
        parts = getattr(path, "args", None) or [getattr(path, "path", None) or getattr(path, "arg")]
        return [iri for part in parts for iri in iris(part)]

    def mentions_area(node) -> bool:
        if node == Variable("area"):
            return True
        if isinstance(node, CompValue):
            return any(mentions_area(v) for v in node.values())
        return isinstance(node, (list, tuple)) and any(mentions_area(v) for v in node)

    def walk(node, name):
        if isinstance(node, CompValue):
            # kept figures have no area: a FILTER (!BOUND(?area) || …) never evaluates its EXISTS,
            # and an OPTIONAL { … FILTER (BOUND(?area)) } never matches; neither is read
            if node.name == "Filter" and mentions_area(node.expr):
                return walk(node.p, name)
            if node.name == "LeftJoin" and mentions_area(node.expr):
                return walk(node.p1, name)
            if node.name == "BGP":
                for _, predicate, obj in node.triples:
                    assert not isinstance(predicate, Variable), name
                    for iri in iris(predicate):
                        if str(iri) == RDF + "type":
                            assert isinstance(obj, URIRef) and str(obj) in terms.classes, name
                        else:
                            assert str(iri) in terms.predicates, (name, iri)
                        if str(iri) in terms.objects:  # read only towards the constants noted for it
                            assert isinstance(predicate, URIRef) and str(obj) in terms.objects[str(iri)], \
                                (name, iri, obj)
            for value in node.values():
                walk(value, name)
        elif isinstance(node, (list, tuple)):
            for value in node:
                walk(value, name)

    for name in INDICATORS:
        walk(prepareQuery(entry(f"indicators/{name}").text).algebra, name)


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_a_figure_kept_for_other_query_text_is_counted_again(store):
    real = computed(store, "academician-workstations")
    with sqlite3.connect(store / FILE) as conn:  # as if kxgraph's query file had changed since
        conn.execute("UPDATE kept_figures SET value = '999999', digest = 'older' "
                     "WHERE query = 'academician-workstations'")
    conn.close()
    assert computed(store, "academician-workstations") == real


@pytest.mark.slow  # a store with the Taiyuan report and a generated network: seconds
def test_an_area_is_counted_from_the_entities(store):
    with kxgraph.open(store) as g:
        whole = {r["id"]: r["computed"] for r in g.report().records()}
        by_area = {r["id"]: r["computed"] for r in g.report(area="140100").records()}
    assert set(by_area) <= set(whole) and by_area  # the Taiyuan figures are all for Taiyuan
    with sqlite3.connect(store / FILE) as conn:
        conn.execute("UPDATE kept_figures SET value = '999999'")
    conn.close()
    with kxgraph.open(store) as g:
        assert {r["id"]: r["computed"] for r in g.report(area="140100").records()} == by_area


@pytest.mark.slow  # the first write brings the reference data: seconds
def test_in_memory_each_write_counts_the_figures_again():
    g = kxgraph.open(memory=True)
    g.update("""PREFIX kxi: <https://w3id.org/kxgraph/indicator/>
        INSERT DATA { GRAPH <urn:kept:report> {
          <urn:kept:figure> a kx:ReportedFigure ; kx:indicator kxi:academician-workstations ;
              kx:value "2"^^xsd:decimal ; kx:qualifier kx:Exact } }""")
    g.update(f"INSERT DATA {{ GRAPH <urn:kept:data> {{ <{SYNTHETIC}kept-ws-1> a kx:AcademicianWorkstation . "
             f"<{SYNTHETIC}kept-ws-2> a kx:AcademicianWorkstation }} }}")
    assert g.store.index.kept_figures()["academician-workstations"][1:] == ("2", 2)
    assert [r["status"] for r in g.report().records()] == ["agrees"]
    g.update(f"DELETE DATA {{ GRAPH <urn:kept:data> {{ <{SYNTHETIC}kept-ws-2> a kx:AcademicianWorkstation }} }}")
    assert g.store.index.kept_figures()["academician-workstations"][1:] == ("1", 1)
    [row] = g.report().records()
    assert (row["computed"], row["status"]) == (1, "disagrees")


@pytest.mark.slow  # the first write brings the reference data: seconds
def test_a_figure_that_cannot_be_counted_does_not_stop_a_write():
    """Counting is done after the write: a count query the report cannot run leaves nothing kept,
    the write stands, and the report says what is wrong as it did before."""
    g = kxgraph.open(memory=True)
    g.update("""PREFIX kxi: <https://w3id.org/kxgraph/indicator/>
        INSERT DATA { GRAPH <urn:kept:report> {
          kxi:papers kx:countQuery "no-such-query" .
          <urn:kept:figure> a kx:ReportedFigure ; kx:indicator kxi:papers ;
              kx:value "2"^^xsd:decimal ; kx:qualifier kx:Exact } }""")
    assert g.query("ASK { <urn:kept:figure> a kx:ReportedFigure }").boolean
    assert g.store.index.kept_figures() == {}
    with pytest.raises(kxgraph.errors.NotFoundError, match="no-such-query"):
        g.report()
