"""Attack 5: files and updates that name the shipped or internal graphs are refused."""

from __future__ import annotations

from kxgraph.vocab import GRAPH, ONTOLOGY_GRAPH, TAIYUAN_GRAPH

from .conftest import assert_refused, quad_dump, run_kx


def _trig(tmp_path, graph: str):
    path = tmp_path / "attack.trig"
    path.write_text(f"<{graph}> {{ <https://example.org/x> <https://example.org/p> \"pwned\" . }}\n",
                    encoding="utf-8")
    return path


def test_a_trig_naming_the_ontology_graph_is_refused(tmp_path, shipped_store):
    before = quad_dump(shipped_store)
    result = run_kx(shipped_store, "load", str(_trig(tmp_path, ONTOLOGY_GRAPH)))
    assert_refused(result, "kxg:ontology", "--force-shipped")
    assert quad_dump(shipped_store) == before


def test_replace_with_a_trig_naming_the_report_graph_does_not_wipe_it(tmp_path, shipped_store):
    before = quad_dump(shipped_store)
    result = run_kx(shipped_store, "load", "--replace", str(_trig(tmp_path, TAIYUAN_GRAPH)))
    assert_refused(result, "kxg:taiyuan-report")
    assert quad_dump(shipped_store) == before


def test_loading_a_file_into_the_gazetteer_graph_is_refused(tmp_path, shipped_store):
    before = quad_dump(shipped_store)
    path = tmp_path / "mine.ttl"
    path.write_text("<https://example.org/x> <https://example.org/p> 1 .\n", encoding="utf-8")
    result = run_kx(shipped_store, "load", "--replace", "--graph", "kxg:gazetteer", str(path))
    assert_refused(result, "kxg:gazetteer")
    assert quad_dump(shipped_store) == before


def test_a_staging_graph_cannot_be_loaded_even_when_forced(tmp_path, shipped_store):
    before = quad_dump(shipped_store)
    result = run_kx(shipped_store, "load", "--force-shipped", str(_trig(tmp_path, GRAPH + "staging/abc/0")))
    assert_refused(result, "staging")
    assert quad_dump(shipped_store) == before


def test_force_shipped_lets_a_file_into_a_shipped_graph(tmp_path, shipped_store):
    result = run_kx(shipped_store, "load", "--force-shipped", str(_trig(tmp_path, ONTOLOGY_GRAPH)))
    assert result.returncode == 0, result.stderr
    assert any('"pwned"' in q for q in quad_dump(shipped_store))


def test_updates_writing_a_shipped_graph_are_refused(shipped_store):
    before = quad_dump(shipped_store)
    for update in (f"INSERT DATA {{ GRAPH <{TAIYUAN_GRAPH}> {{ <https://example.org/x> rdfs:label 'x' }} }}",
                   "CLEAR GRAPH kxg:ontology",
                   "DROP ALL",
                   "WITH kxg:gazetteer DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
                   f"MOVE <https://example.org/nothing> TO <{ONTOLOGY_GRAPH}>"):
        result = run_kx(shipped_store, "update", update)
        assert_refused(result, "--force-shipped")
    assert quad_dump(shipped_store) == before


def test_an_update_of_any_graph_sets_the_protected_ones_aside(shipped_store):
    protected_before = [q for q in quad_dump(shipped_store) if "/graph/source/" not in q]
    result = run_kx(shipped_store, "update", "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert result.returncode == 0, result.stderr
    assert "protected" in result.stderr and "--force-shipped" in result.stderr
    assert [q for q in quad_dump(shipped_store) if "/graph/source/" not in q] == protected_before


def test_an_update_of_a_user_graph_still_runs(shipped_store):
    result = run_kx(shipped_store, "update", "INSERT DATA { GRAPH <https://example.org/mine> { "
                    "<https://example.org/x> rdfs:label 'x' } }")
    assert result.returncode == 0, result.stderr
    assert any("https://example.org/mine" in q for q in quad_dump(shipped_store))


def test_dropping_the_ontology_is_refused_unless_forced(shipped_store):
    before = quad_dump(shipped_store)
    assert_refused(run_kx(shipped_store, "drop", "kxg:ontology"), "--force-shipped")
    assert quad_dump(shipped_store) == before
    assert run_kx(shipped_store, "drop", "--force-shipped", "kxg:ontology").returncode == 0
    assert not any(ONTOLOGY_GRAPH in q for q in quad_dump(shipped_store))


def test_kx_load_ontology_still_refreshes_the_shipped_ontology(shipped_store):
    result = run_kx(shipped_store, "load", "--ontology")
    assert result.returncode == 0, result.stderr


def test_an_update_over_any_graph_runs_when_it_leaves_the_shipped_graphs_alone(tmp_path, shipped_store):
    mine = tmp_path / "mine.ttl"
    mine.write_text("<https://example.org/x> <https://example.org/p> 1, 2 .\n", encoding="utf-8")
    assert run_kx(shipped_store, "load", str(mine)).returncode == 0
    result = run_kx(shipped_store, "update", "DELETE WHERE { GRAPH ?g { <https://example.org/x> ?p 2 } }")
    assert result.returncode == 0, result.stderr
    quads = quad_dump(shipped_store)
    assert any("<https://example.org/x>" in q and " 1 " in q.replace('"1"^^', " 1 ") for q in quads)
    assert not any("<https://example.org/x>" in q and '"2"' in q for q in quads)


# -- the records of sources and the curation decisions: written only by kx import/load/same/… --

RECORD = GRAPH + "source/taiyuan"     # the record graph of the source taiyuan (the report, loaded)
CURATION = GRAPH + "curation"


def test_updates_naming_a_source_record_or_the_curation_graph_are_refused(shipped_store):
    before = quad_dump(shipped_store)
    assert any(RECORD in q for q in before)
    for update in (f"DROP GRAPH <{RECORD}>",
                   f"DELETE WHERE {{ GRAPH <{RECORD}> {{ ?s ?p ?o }} }}",
                   f"INSERT DATA {{ GRAPH <{RECORD}> {{ kxsrc:taiyuan rdfs:label 'other' }} }}",
                   f"INSERT DATA {{ GRAPH <{CURATION}> {{ <https://example.org/a> kx:merged <https://example.org/b> }} }}",
                   "CLEAR GRAPH kxg:curation"):
        assert_refused(run_kx(shipped_store, "update", update), "internal", "--force-shipped")
    assert quad_dump(shipped_store) == before


def test_an_update_over_any_graph_leaves_the_records_of_sources_as_they_were(shipped_store):
    before = quad_dump(shipped_store)
    result = run_kx(shipped_store, "update", "DELETE WHERE { GRAPH ?g { ?s rdfs:label ?name } }")
    assert result.returncode == 0, result.stderr
    assert "kxg:source/taiyuan" in result.stderr and "protected" in result.stderr
    assert [q for q in quad_dump(shipped_store) if RECORD in q] == [q for q in before if RECORD in q]
    assert "taiyuan" in run_kx(shipped_store, "sources").stdout


def test_a_trig_naming_a_source_record_or_the_curation_graph_is_refused(tmp_path, shipped_store):
    before = quad_dump(shipped_store)
    for graph in (RECORD, CURATION, GRAPH + "source/new"):
        assert_refused(run_kx(shipped_store, "load", str(_trig(tmp_path, graph))), "internal")
    path = tmp_path / "mine.ttl"
    path.write_text("<https://example.org/x> <https://example.org/p> 1 .\n", encoding="utf-8")
    assert_refused(run_kx(shipped_store, "load", "--graph", RECORD, str(path)), "internal")
    sheet = tmp_path / "enterprises.csv"
    sheet.write_text("企业名称,所属行业\n示例化工有限公司,化工\n", encoding="utf-8")
    # a sheet under the name of the report's source: a colliding name, refused in one line
    assert_refused(run_kx(shipped_store, "import", "--source", "taiyuan", str(sheet)), "already")
    assert quad_dump(shipped_store) == before


def test_a_record_graph_is_dropped_only_with_its_source(shipped_store):
    before = quad_dump(shipped_store)
    assert_refused(run_kx(shipped_store, "drop", "kxg:source/taiyuan"), "internal")
    assert quad_dump(shipped_store) == before
    assert run_kx(shipped_store, "drop", "taiyuan").returncode == 0   # by name: the source and its record
    assert not any(RECORD in q or TAIYUAN_GRAPH in q for q in quad_dump(shipped_store))
