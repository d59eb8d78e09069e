"""Tables carry a label column beside every column of entity IRIs (issue 11, item 4).

``x`` is followed by ``x_label`` (zh, or en with ``--lang en`` / ``lang="en"``) in what people read:
the terminal table, markdown, html, excel, a notebook's display and ``to_df()``. The W3C result
formats (csv, tsv, json, xml) stay exactly the query's columns. ``--no-labels`` / ``labels=False``
turn it off. The labels come from one bounded lookup over the IRIs shown (tests/data/kx3-sample.ttl
is synthetic).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

import kxgraph
from kxgraph.store.rdfio import rdf_format

SAMPLE = Path(__file__).parent / "data" / "kx3-sample.ttl"
HOSTS = "SELECT ?ws ?host WHERE { ?ws kx:hostOrganization ?host } ORDER BY ?ws"


@pytest.fixture(scope="module")
def g():
    graph = kxgraph.open(memory=True)
    graph.store.load(SAMPLE, format=rdf_format(SAMPLE), graph=None)  # the sample alone, no reference data
    return graph


def test_the_terminal_table_has_a_zh_label_beside_each_entity_column(loaded):
    lines = loaded("query", HOSTS).stdout.splitlines()
    assert lines[0].split() == ["ws", "ws_label", "host", "host_label"]
    assert lines[2].split() == ["syn-ws:w1", "龙城院士工作站", "syn-org:e1", "龙城合成材料有限公司"]


def test_lang_en_gives_english_labels(loaded):
    lines = loaded("query", HOSTS, "--lang", "en", "--format", "markdown").stdout.splitlines()
    assert lines[0] == "| ws | ws_label | host | host_label |"
    assert lines[2] == "| syn-ws:w1 | Longcheng workstation | syn-org:e1 | Longcheng Materials Co. |"


@pytest.mark.parametrize("fmt", ["html", "excel"])
def test_html_and_excel_carry_the_labels(loaded, fmt):
    out = loaded("query", HOSTS, "--format", fmt).stdout
    assert "host_label" in out and "龙城合成材料有限公司" in out


def test_the_w3c_formats_hold_exactly_the_querys_columns(loaded):
    rows = list(csv.reader(io.StringIO(loaded("query", HOSTS, "--format", "csv").stdout)))
    assert rows[0] == ["ws", "host"] and rows[1][1] == "https://w3id.org/kxgraph/synthetic/org/e1"
    assert json.loads(loaded("query", HOSTS, "--format", "json").stdout)["head"]["vars"] == ["ws", "host"]
    assert "_label" not in loaded("query", HOSTS, "--format", "tsv").stdout
    assert "_label" not in loaded("query", HOSTS, "--format", "xml").stdout


def test_no_labels_turns_them_off(loaded):
    assert loaded("query", HOSTS, "--no-labels").stdout.splitlines()[0].split() == ["ws", "host"]


def test_named_queries_and_show_get_them_too(loaded):
    show = loaded("show", "syn-ws:w1", "--format", "markdown").stdout
    assert show.splitlines()[0] == "| section | property | value | label |"  # value already has its label
    started = loaded("query", "projects-started", "--format", "markdown").stdout.splitlines()
    assert started[0].endswith("| workstation | workstation_label |") and started[2].endswith("| 龙城院士工作站 |")
    district = loaded("query", "workstations-by-district", "--format", "markdown").stdout.splitlines()[0]
    assert "_label" not in district  # its host and place already have hostLabel, placeLabel


def test_a_column_already_followed_by_its_label_keeps_it(g):
    ranked = g.named_query("academicians-ranked")
    assert ranked.to_df().columns.tolist() == ranked.variables  # academician, label, …


def test_to_df_and_the_notebook_display_carry_the_same_label_columns(g):
    result = g.query(HOSTS)
    df = result.to_df()
    assert df.columns.tolist() == ["ws", "ws_label", "host", "host_label"]
    assert df.host_label.tolist() == ["龙城合成材料有限公司", "晋阳智能装备公司"]
    cells = re.findall(r"<td>(.*?)</td>", result._repr_html_())
    assert cells == [str(v) for row in df.itertuples(index=False) for v in row]
    assert result.variables == ["ws", "host"]  # the Result itself is the query's answer
    assert result.to_df(lang="en").ws_label[0] == "Longcheng workstation"
    assert result.to_df(labels=False).columns.tolist() == ["ws", "host"]
    assert result.to_df(iris=True).host[0] == "https://w3id.org/kxgraph/synthetic/org/e1"


def test_literals_and_unlabelled_entities_get_no_label_column(g):
    result = g.query("SELECT ?ws ?name ?type WHERE { ?ws a ?type ; rdfs:label ?name "
                     "FILTER(LANG(?name) = 'zh') } ORDER BY ?ws")
    assert result.to_df().columns.tolist() == ["ws", "ws_label", "name", "type"]  # no ontology: types unlabelled


def test_the_lookup_asks_only_for_the_iris_shown_in_bounded_queries(g, monkeypatch):
    import kxgraph.explore as explore

    asked = []
    real = explore._query
    monkeypatch.setattr(explore, "_query", lambda store, name, **values: (
        asked.append(sorted(t.value for t in values["entity"])) if name == "labels" else None)
        or real(store, name, **values))
    monkeypatch.setattr(explore, "LABELS_PER_QUERY", 1)
    g.query(HOSTS + " LIMIT 1").to_df()
    assert asked == [["https://w3id.org/kxgraph/synthetic/org/e1"], ["https://w3id.org/kxgraph/synthetic/ws/w1"]]


def test_a_streamed_answer_is_labelled_chunk_by_chunk_to_its_last_row(g, monkeypatch):
    from kxgraph.output.results import Streamed

    whole = g.query(HOSTS).with_labels()
    monkeypatch.setattr(Streamed, "LABEL_CHUNK", 1)  # so that the rows span several chunks
    streamed = g.query(HOSTS, stream=True).with_labels()
    assert streamed.variables == whole.variables
    assert list(streamed) == list(whole.rows)
    assert len(whole.rows) > 1
