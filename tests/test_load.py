"""Loading RDF files: one graph per file, every format, all or nothing, clear parse errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "kx3-sample.ttl"
KX = "https://w3id.org/kxgraph/ns#"


REFERENCE = ("https://w3id.org/kxgraph/graph/ontology", "https://w3id.org/kxgraph/graph/gazetteer")


def graphs(kx) -> dict[str, int]:
    """The files' graphs and their sizes (the reference data every new store gets is left out)."""
    result = kx("graphs", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    return {r["graph"]["value"]: int(r["triples"]["value"]) for r in rows if r["graph"]["value"] not in REFERENCE}


def _all_graphs(kx) -> dict[str, int]:
    result = kx("graphs", "--format", "json")
    return {r["graph"]["value"]: int(r["triples"]["value"]) for r in json.loads(result.stdout)["results"]["bindings"]}


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """The same two triples in every supported format."""
    texts = {
        "a.ttl": f"@prefix kx: <{KX}> .\nkx:a kx:p kx:b .\nkx:a kx:q \"甲\"@zh .\n",
        "a.nt": f"<{KX}a> <{KX}p> <{KX}b> .\n<{KX}a> <{KX}q> \"甲\"@zh .\n",
        "a.nq": f"<{KX}a> <{KX}p> <{KX}b> <http://example.org/g1> .\n<{KX}a> <{KX}q> \"甲\"@zh .\n",
        "a.trig": f"@prefix kx: <{KX}> .\nkx:a kx:q \"甲\"@zh .\n<http://example.org/g2> {{ kx:a kx:p kx:b }}\n",
        "a.jsonld": json.dumps({"@id": KX + "a", KX + "p": {"@id": KX + "b"},
                                KX + "q": {"@value": "甲", "@language": "zh"}}),
        "a.rdf": (f'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
                  f' xmlns:kx="{KX}">\n<rdf:Description rdf:about="{KX}a"><kx:p rdf:resource="{KX}b"/>'
                  '<kx:q xml:lang="zh">甲</kx:q></rdf:Description>\n</rdf:RDF>\n'),
    }
    out = {}
    for name, text in texts.items():
        out[name] = tmp_path / name
        out[name].write_text(text, encoding="utf-8")
    return out


@pytest.mark.parametrize("name", ["a.ttl", "a.nt", "a.jsonld", "a.rdf"])
def test_each_triple_format_goes_into_the_files_own_graph(kx, files, name):
    assert kx("load", str(files[name])).exit_code == 0
    assert graphs(kx) == {files[name].resolve().as_uri(): 2}


def test_nquads_and_trig_keep_their_graphs_and_default_triples_go_to_the_file_graph(kx, files):
    assert kx("load", str(files["a.nq"]), str(files["a.trig"])).exit_code == 0
    assert graphs(kx) == {"http://example.org/g1": 1, "http://example.org/g2": 1,
                          files["a.nq"].resolve().as_uri(): 1, files["a.trig"].resolve().as_uri(): 1}


def test_format_option_overrides_the_extension(kx, tmp_path, files):
    odd = tmp_path / "data.txt"
    odd.write_text(files["a.nt"].read_text(encoding="utf-8"), encoding="utf-8")
    assert kx("load", "--format", "ntriples", str(odd)).exit_code == 0
    assert graphs(kx) == {odd.resolve().as_uri(): 2}


def test_graph_option_names_the_graph(kx, files):
    assert kx("load", "--graph", "https://example.org/mine", str(files["a.ttl"])).exit_code == 0
    assert graphs(kx) == {"https://example.org/mine": 2}


def test_reloading_a_file_replaces_what_it_loaded_before(kx, files):
    path = files["a.ttl"]
    kx("load", str(path))
    kx("load", str(path))
    assert graphs(kx) == {path.resolve().as_uri(): 2}
    path.write_text(f"@prefix kx: <{KX}> .\nkx:a kx:p kx:c .\n", encoding="utf-8")
    assert kx("load", str(path)).exit_code == 0     # the file is a source: loading it again replaces it
    assert graphs(kx) == {path.resolve().as_uri(): 1}
    assert kx("load", "--replace", str(path)).exit_code == 0
    assert graphs(kx) == {path.resolve().as_uri(): 1}


def test_unknown_file_type_is_one_line_and_changes_nothing(kx, tmp_path, files):
    kx("load", str(files["a.ttl"]))
    before = graphs(kx)
    odd = tmp_path / "notes.docx"
    odd.write_text("x")
    result = kx("load", str(odd))
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "notes.docx" in result.stderr and "--format" in result.stderr
    assert graphs(kx) == before


def test_parse_error_names_file_line_and_column_and_loads_no_file_of_the_command(kx, tmp_path, files):
    kx("load", str(files["a.nt"]))
    before = graphs(kx)
    bad = tmp_path / "bad.ttl"
    bad.write_text(f"@prefix kx: <{KX}> .\nkx:a kx:p kx:b .\nkx:a kx:p \"open .\n", encoding="utf-8")
    result = kx("load", str(files["a.ttl"]), str(files["a.trig"]), str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3:" in result.stderr and "parse error" in result.stderr
    assert graphs(kx) == before


def test_a_failed_replace_keeps_the_old_triples(kx, files):
    path = files["a.ttl"]
    kx("load", str(path))
    path.write_text("@prefix kx: <broken", encoding="utf-8")
    assert kx("load", "--replace", str(path)).exit_code == 1
    assert graphs(kx) == {path.resolve().as_uri(): 2}


def test_missing_file_is_an_error(kx, tmp_path):
    result = kx("load", str(tmp_path / "absent.ttl"))
    assert result.exit_code == 1 and "absent.ttl" in result.stderr


def test_ontology_loads_into_its_own_graph_and_is_refreshed(kx):
    assert kx("load", "--ontology").exit_code == 0
    first = _all_graphs(kx)
    assert first.get("https://w3id.org/kxgraph/graph/ontology", 0) > 100
    kx("load", "--ontology")
    assert _all_graphs(kx) == first


def test_drop_removes_one_graph(kx, files):
    kx("load", str(files["a.ttl"]), str(files["a.nt"]))
    result = kx("drop", files["a.ttl"].resolve().as_uri())
    assert result.exit_code == 0
    assert graphs(kx) == {files["a.nt"].resolve().as_uri(): 2}
    assert kx("drop", "https://example.org/none").exit_code == 1


def test_stats_counts_triples_graphs_and_classes_with_labels(kx_json, kx):
    kx("load", str(SAMPLE))
    rows = {r["item"]: r for r in kx_json("stats")}
    reference = sum(n for g, n in _all_graphs(kx).items() if g in REFERENCE)  # came with the new store
    assert int(rows["triples"]["count"]) == 102 + reference and int(rows["graphs"]["count"]) == 3
    academicians = rows[KX + "Academician"]
    assert (academicians["zh"], academicians["en"], int(academicians["count"])) == ("院士", "academician", 2)


def test_python_api_loads_and_reports_counts(tmp_path, files):
    import kxgraph

    with kxgraph.open(tmp_path / "s", mode="create") as g:
        result = g.load(files["a.ttl"], files["a.nt"])
        assert sorted(result.column("triples")) == [2, 2]
        assert len(g.graphs()) == 4  # the two files' and the reference data's two (ontology, gazetteer)


def test_progress_is_reported_in_bytes_read(tmp_path, files):
    import kxgraph

    seen: list[int] = []
    with kxgraph.open(memory=True) as g:
        g.load(files["a.ttl"], files["a.trig"], progress=seen.append)
    assert sum(seen) == files["a.ttl"].stat().st_size + files["a.trig"].stat().st_size


@pytest.mark.slow
def test_a_load_that_takes_a_while_shows_its_progress_on_a_terminal(monkeypatch):
    import io
    import time

    from kxgraph.cli import store as cli_store

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setattr(cli_store.LoadProgress, "AFTER", 0.0)  # as if 2 s had passed
    with cli_store.LoadProgress(1000) as progress:
        progress(400)
        time.sleep(1.2)
        progress(600)
        time.sleep(1.2)
    shown = terminal.getvalue()
    assert "40% loading" in shown and "100% indexing labels" in shown and shown.endswith("\n")


def test_a_load_shows_no_progress_when_stderr_is_not_a_terminal(kx, tmp_path):
    path = tmp_path / "one.nt"
    path.write_text("<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n", encoding="utf-8")
    result = kx("load", str(path))
    assert result.exit_code == 0 and "loading" not in result.stderr
