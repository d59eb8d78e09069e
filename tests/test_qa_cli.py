"""What an analyst meets at the command line: clean one-line errors, honest output, safe defaults."""

from __future__ import annotations

import json

import pytest

ID, SYN = "https://w3id.org/kxgraph/id/", "https://w3id.org/kxgraph/synthetic/"
SMALL = f"""INSERT DATA {{ GRAPH <urn:test> {{
  <{ID}place/140100> a kx:City ; rdfs:label "太原市"@zh, "Taiyuan"@en .
  <{ID}org/taiyuan-cast> a kx:ScienceAssociation ; rdfs:label "太原市科学技术协会"@zh .
  <{ID}event/congress> a kx:Event ; rdfs:label "太原市科协第八次代表大会"@zh .
  <{SYN}t/academician-1> a kx:Academician ; rdfs:label "谢琳柏"@zh, "Xie Linbai"@en ; kx:synthetic true .
  <{ID}person/lv-liang> a foaf:Person ; rdfs:label "吕梁"@zh .
}} }}"""


@pytest.fixture
def small(kx):
    result = kx("update", SMALL)
    assert result.exit_code == 0, result.output
    return kx


def one_line_error(result, code: int = 1) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kx: error: "), result.stderr
    return lines[0]


# -- query text that is not UTF-8, and where it comes from ---------------------------------------

def test_a_query_file_in_gbk_is_one_line_naming_file_line_and_column(small, tmp_path):
    query = tmp_path / "by-label.rq"
    query.write_bytes('SELECT ?e WHERE {\n  ?e rdfs:label "数据" }'.encode("gbk"))
    for args in (["query", "-f", str(query)], ["query", str(query)], ["update", "-f", str(query)]):
        line = one_line_error(small(*args))
        assert f"{query}:2:18:" in line and "UTF-8" in line


def test_a_gbk_query_on_standard_input_is_refused_in_one_line(small):
    result = small("query", "-", input='ASK { ?e rdfs:label "数据" }'.encode("gbk"))
    assert "<stdin>:1:22:" in one_line_error(result)


def test_dash_reads_the_query_from_standard_input(small):
    result = small("query", "-", "--format", "json", input="ASK { ?c a kx:City }")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["boolean"] is True


def test_a_query_file_saved_with_a_byte_order_mark_keeps_its_parameters(small, tmp_path):
    query = tmp_path / "of-class.rq"
    query.write_text("# description: entities of a class\n# param class iri: the class\n"
                     "SELECT ?e WHERE { ?e a ?class }", encoding="utf-8-sig")
    bad = small("query", "-f", str(query), "--param", "class=not a class")
    assert "parameter class" in one_line_error(bad, 2)  # typed by the header, so checked as an IRI
    good = small("query", "-f", str(query), "--param", "class=kx:City", "--format", "csv")
    assert good.stdout.splitlines()[1] == "https://w3id.org/kxgraph/id/place/140100"


# -- usage mistakes are one line too ------------------------------------------------------------

@pytest.mark.parametrize("args, needle", [
    (["find", "x", "--limit", "0"], "--limit"),
    (["query", "-f", "absent.rq"], "absent.rq"),
    (["report", "--format", "turtle"], "turtle"),
    (["no-such-command"], "no-such-command"),
    (["demo", "--top", "-3"], "--top"),
])
def test_a_bad_option_is_one_line_with_a_pointer_to_help(kx, args, needle):
    line = one_line_error(kx(*args), 2)
    assert needle in line and "--help" in line


def test_a_bad_global_option_is_one_line(kx):
    assert "--bogus" in one_line_error(kx("--bogus", "graphs"), 2)


# -- the store: a missing one is not silently created, an unwritable one can still be read ----------

@pytest.mark.parametrize("args", [["graphs"], ["stats"], ["find", "太原"], ["show", "kx:x"],
                                  ["query", "ASK {}"], ["report", "--check"]])
def test_reading_a_store_that_is_not_there_is_an_error_and_creates_nothing(kx, tmp_path, args):
    missing = tmp_path / "typo"
    line = one_line_error(kx(*args, store=missing))
    assert "no store at" in line and not missing.exists()


def test_a_store_that_cannot_be_written_is_still_read(small, monkeypatch):
    import pyoxigraph

    real = pyoxigraph.Store

    class UnwritableDisk:  # opening for writing fails as on a read-only share; reading works
        read_only = staticmethod(real.read_only)

        def __new__(cls, path=None):
            if path is None:
                return real()
            raise OSError(f"IO error: {path}/LOG: Read-only file system")

    monkeypatch.setattr(pyoxigraph, "Store", UnwritableDisk)
    for args in (["find", "太原市"], ["graphs"], ["stats"], ["query", "ASK { ?s ?p ?o }"], ["analyze"],
                 ["show", "吕梁"]):
        result = small(*args, "--format", "json")
        assert result.exit_code == 0, (args, result.output)
    assert "Read-only" in one_line_error(small("update", "CLEAR ALL"))


def test_reading_commands_leave_the_store_directory_as_it_was(small, store_path, tmp_path):
    before = {p.name: p.stat().st_mtime_ns for p in store_path.iterdir()}
    for args in (["find", "太原市"], ["graphs"], ["stats"], ["query", "ASK { ?s ?p ?o }"], ["analyze"],
                 ["report"], ["view", "-o", str(tmp_path / "v.html")],
                 ["export", "-o", str(tmp_path / "n.graphml")], ["validate", "--store"]):
        small(*args)
    assert {p.name: p.stat().st_mtime_ns for p in store_path.iterdir()} == before  # not even a RocksDB LOG


@pytest.mark.parametrize("args", [["view", "-o", "x.html"], ["analyze"], ["path", "kx:a", "kx:b"],
                                  ["export", "-o", "x.graphml"], ["validate", "--store"]])
def test_reading_commands_refuse_a_missing_store_and_create_nothing(kx, tmp_path, args, monkeypatch):
    monkeypatch.chdir(tmp_path)
    missing = tmp_path / "typo"
    assert "no store at" in one_line_error(kx(*args, store=missing)) and not missing.exists()


def user_graphs(kx_json) -> list[dict]:
    """``kx graphs`` without the reference data every new store gets (ontology, gazetteer)."""
    return [r for r in kx_json("graphs") if r["graph"] not in (
        "https://w3id.org/kxgraph/graph/ontology", "https://w3id.org/kxgraph/graph/gazetteer")]


def test_the_python_api_never_creates_a_store_by_reading(tmp_path):
    import kxgraph

    for call in (lambda: kxgraph.open(tmp_path / "typo"), lambda: kxgraph.open(tmp_path / "typo", mode="rw")):
        with pytest.raises(kxgraph.StoreError, match="no store at"):
            call()
    assert not (tmp_path / "typo").exists()
    with kxgraph.open(tmp_path / "new", mode="create") as g:
        g.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 1 } }")
    with kxgraph.open(tmp_path / "new") as g:
        assert g.query("ASK { <urn:a> <urn:b> 1 }").boolean
        with pytest.raises(kxgraph.StoreError, match="read-only"):
            g.update("CLEAR GRAPH <urn:g>")


def test_a_notebook_reading_a_store_leaves_the_cli_free_to_read_it(small, store_path):
    import kxgraph

    with kxgraph.open(store_path) as notebook:  # read-only, as the README tells notebook users
        assert small("graphs").exit_code == 0
        assert notebook.query("ASK { ?s ?p ?o }").boolean
        assert "busy" in one_line_error(small("update", "DROP SILENT GRAPH <urn:x>"))  # writing waits for close()
    assert small("update", "DROP SILENT GRAPH <urn:x>").exit_code == 0


# -- writes that fail ---------------------------------------------------------------------------

def test_dropping_a_graph_that_is_not_there_by_update_is_one_line(small):
    assert "DROP SILENT" in one_line_error(small("update", "DROP GRAPH <urn:absent>"))


@pytest.mark.parametrize("update", ["LOAD <http://localhost:1/data.ttl>",
                                    "INSERT { ?s ?p ?o } WHERE { SERVICE <http://localhost:1/q> { ?s ?p ?o } }"])
def test_an_update_that_would_reach_the_network_is_refused_unless_allowed(small, update):
    assert "--allow-service" in one_line_error(small("update", update))
    allowed = small("update", "--allow-service", update)  # port 1 is refused by the client itself
    assert "--allow-service" not in allowed.stderr and allowed.exit_code == 1


def test_writing_into_a_missing_folder_is_one_line(small, tmp_path):
    target = tmp_path / "no" / "such" / "report.html"
    assert str(target) in one_line_error(small("report", "--format", "html", "-o", str(target)))


# -- find and show as an analyst types them ---------------------------------------------------------

def test_find_with_several_words_needs_all_of_them_in_one_label(small, kx_json):
    small("update", "INSERT DATA { GRAPH <urn:test> { kx:x rdfs:label \"太原日报\"@zh } }")
    found = [row["label"] for row in kx_json("find", "太原 大会")]
    assert found == ["太原市科协第八次代表大会"]


@pytest.mark.parametrize("text", ["tàiyuán", "TAIYUAN", "tai yuan shi", "lǚliang", "lüliang"])
def test_find_reads_pinyin_with_tone_marks_capitals_and_spaces(small, kx_json, text):
    found = {row["label"] for row in kx_json("find", text)}
    assert found & {"太原市", "吕梁"}


def test_show_says_in_words_that_a_synthetic_entity_is_not_real(small, kx_json):
    rows = kx_json("show", "谢琳柏")
    [flag] = [row for row in rows if row["section"] == "synthetic"]
    assert "not a real entity" in flag["label"]
    table = small("show", "谢琳柏").stdout
    assert "synthetic sample data" in table and "True" not in table


def test_show_without_an_entity_asks_for_one(small):
    assert "give an entity" in one_line_error(small("show", " "), 2)


def test_a_tab_or_line_break_in_a_value_keeps_a_table_row_on_one_line(small):
    result = small("query", 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("x\\ty\\nz" 1) ("w" 2) } }')
    lines = result.stdout.splitlines()
    assert len(lines) == 2 + 2 + 1 and lines[2].split() == ["x", "y", "z", "1"]


def test_html_output_is_a_page_declared_utf8_with_every_label_escaped(small):
    small("update", 'INSERT DATA { GRAPH <urn:test> { kx:evil rdfs:label "<script>alert(1)</script>太原"@zh } }')
    page = small("query", "SELECT ?l WHERE { kx:evil rdfs:label ?l }", "--format", "html").stdout
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;太原" in page


def test_load_into_a_graph_named_by_curie_is_the_graph_drop_removes(kx, kx_json, tmp_path):
    data = tmp_path / "mine.ttl"
    data.write_text('<urn:a> <urn:b> "c" .\n', encoding="utf-8")
    assert kx("load", "--graph", "kxg:mine", str(data)).exit_code == 0
    assert [row["graph"] for row in user_graphs(kx_json)] == ["https://w3id.org/kxgraph/graph/mine"]
    assert kx("drop", "kxg:mine").exit_code == 0
    assert user_graphs(kx_json) == []


def test_a_demo_with_another_seed_replaces_the_earlier_sample_network(tmp_path):
    import kxgraph
    from kxgraph.demo import build_demo
    from kxgraph.synthetic.generate import graph_name

    graph = kxgraph.open(memory=True)
    build_demo(graph, out_dir=tmp_path, scale=0.1, seed=1)
    report = build_demo(graph, out_dir=tmp_path, scale=0.1, seed=2)
    synthetic = [name for name, _ in graph.store.graphs() if "/synthetic/" in name]
    assert synthetic == [graph_name(2, 0.1)]
    assert graph_name(2, 0.1) in report.graphs.column("graph")


@pytest.mark.parametrize("args, stdin", [(["query", ""], None), (["query", "-"], ""), (["update", "  "], None)])
def test_an_empty_query_or_update_is_refused_rather_than_run(small, args, stdin):
    assert "it is empty" in one_line_error(small(*args, input=stdin), 2)


def test_report_output_takes_its_format_from_the_extension_unless_given(small, tmp_path):
    page, data = tmp_path / "report.html", tmp_path / "report.csv"
    assert small("report", "-o", str(page)).exit_code == 0
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert small("report", "-o", str(data), "--format", "json").exit_code == 0
    assert json.loads(data.read_text(encoding="utf-8"))["head"]["vars"][0] == "id"


def test_an_output_that_cannot_carry_chinese_is_one_line_not_a_traceback(small, store_path):
    from click.testing import CliRunner

    from kxgraph.cli import main

    result = CliRunner(charset="ascii").invoke(main, ["--store", str(store_path), "find", "太原市"],
                                               catch_exceptions=False)
    assert "PYTHONIOENCODING=utf-8" in one_line_error(result)


def test_a_gzipped_file_as_kx_generate_writes_it_loads_and_a_broken_one_changes_nothing(kx, kx_json, tmp_path):
    packed = tmp_path / "network.nt.gz"
    assert kx("generate", "--scale", "0.1", "-o", str(packed)).exit_code == 0
    assert kx("load", str(packed)).exit_code == 0
    [loaded] = user_graphs(kx_json)
    assert int(loaded["triples"]) > 1000
    broken = tmp_path / "broken.ttl.gz"
    broken.write_bytes(packed.read_bytes()[:2000])
    assert "broken.ttl.gz" in one_line_error(kx("load", str(broken)))
    assert user_graphs(kx_json) == [loaded]


def test_a_report_page_over_a_graph_without_figures_does_not_say_every_check_passed(small, tmp_path):
    page = tmp_path / "report.html"
    assert small("report", "-o", str(page)).exit_code == 0
    text = page.read_text(encoding="utf-8")
    assert "every check passed" not in text and "nothing could be checked" in text


@pytest.mark.parametrize("name", ["notepad.ttl", "notepad.nt", "notepad.ttl.gz"])
def test_rdf_saved_with_a_byte_order_mark_loads(kx, kx_json, tmp_path, name):
    import gzip

    data = "\ufeff<urn:a> <http://www.w3.org/2000/01/rdf-schema#label> \"太原\"@zh .\n".encode("utf-8")
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert kx("load", str(path)).exit_code == 0
    assert kx_json("query", "SELECT ?l WHERE { <urn:a> rdfs:label ?l }") == [{"l": "太原"}]


def test_a_demo_into_a_folder_that_cannot_be_made_leaves_the_store_as_it_was(small, kx_json, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    before = kx_json("graphs")
    assert str(blocker) in one_line_error(small("demo", "--scale", "0.1", "-o", str(blocker / "views")))
    assert kx_json("graphs") == before
