"""`kx query`, `kx update`, `kx queries` and the named queries, on a small synthetic network."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parent / "data" / "kx3-sample.ttl"
KX = "https://w3id.org/kxgraph/ns#"
SYN = "https://w3id.org/kxgraph/synthetic/"
ID = "https://w3id.org/kxgraph/id/"
ACADEMICIANS = "SELECT ?a ?l WHERE { ?a a kx:Academician ; rdfs:label ?l FILTER(LANG(?l) = 'zh') } ORDER BY ?a"


def test_select_as_json_needs_no_prefix_lines(loaded, kx_json):
    rows = kx_json("query", ACADEMICIANS)
    assert [r["l"] for r in rows] == ["甲院士", "乙院士"]


def test_table_is_readable_with_curies_and_a_row_count(loaded):
    out = loaded("query", ACADEMICIANS).stdout
    assert "syn-person:a1" in out and "甲院士" in out and "(2 rows)" in out


def test_csv_tsv_and_xml_are_the_w3c_result_formats(loaded):
    rows = list(csv.reader(io.StringIO(loaded("query", ACADEMICIANS, "--format", "csv").stdout)))
    assert rows[0] == ["a", "l"] and rows[1] == [SYN + "person/a1", "甲院士"]
    tsv = loaded("query", ACADEMICIANS, "--format", "tsv").stdout.splitlines()
    assert tsv[0] == "?a\t?l" and tsv[1] == f"<{SYN}person/a1>\t\"甲院士\"@zh"
    root = ET.fromstring(loaded("query", ACADEMICIANS, "--format", "xml").stdout)
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    assert [v.get("name") for v in root.find("r:head", ns)] == ["a", "l"]
    assert len(root.findall("r:results/r:result", ns)) == 2


def test_ask_answers_true_or_false(loaded):
    assert loaded("query", "ASK { ?x a kx:Academician }").stdout.strip() == "true"
    assert json.loads(loaded("query", "ASK { ?x a kx:Award }", "--format", "json").stdout)["boolean"] is False


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_construct_is_written_as_rdf(loaded, fmt):
    import pyoxigraph as ox

    out = loaded("query", "CONSTRUCT WHERE { ?a a kx:Academician }", "--format", fmt).stdout
    kind = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[fmt]
    assert len(list(ox.parse(out.encode(), kind))) == 2


def test_a_large_construct_is_written_as_it_comes_with_its_prefixes_once():
    import pyoxigraph as ox

    import kxgraph
    from kxgraph.output.render import GRAPH_BATCH, render_to_string

    g = kxgraph.open(memory=True)
    g.update("INSERT DATA { " + " ".join(f"kx:n{i} rdfs:label 'n{i}' ; kx:next kx:n{i + 1} ." for i in range(GRAPH_BATCH * 2))
             + " }")
    everything = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    whole = set(g.query(everything).triples)
    assert len(whole) > GRAPH_BATCH * 4  # written in several batches (with the reference data)
    turtle = render_to_string(g.query(everything, stream=True), "turtle")
    assert turtle.count("@prefix kx: ") == 1
    assert {quad.triple for quad in ox.parse(turtle.encode(), ox.RdfFormat.TURTLE)} == whole
    for fmt, kind in (("ntriples", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)):
        text = render_to_string(g.query(everything, stream=True), fmt)
        assert {quad.triple for quad in ox.parse(text.encode(), kind)} == whole


def test_limit_cuts_a_construct_too(loaded):
    out = loaded("query", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "--limit", "3", "--format", "ntriples").stdout
    assert out.count("\n") == 3


def test_a_streamed_construct_is_read_once():
    import kxgraph
    from kxgraph.errors import KxError

    g = kxgraph.open(memory=True)
    g.update("INSERT DATA { kx:a kx:tag 'a' . kx:b kx:tag 'b' }")
    streamed = g.query("CONSTRUCT WHERE { ?s kx:tag ?l }", stream=True)
    assert len(list(streamed.triples)) == 2
    with pytest.raises(KxError, match="read once"):
        list(streamed.triples)
    assert len(g.query("CONSTRUCT WHERE { ?s kx:tag ?l }", stream=True).result().triples) == 2


def test_construct_cannot_be_csv(loaded):
    result = loaded("query", "CONSTRUCT WHERE { ?a a kx:Academician }", "--format", "csv")
    assert result.exit_code == 2


def test_query_from_file_and_from_stdin(loaded, kx_json, tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(ACADEMICIANS, encoding="utf-8")
    assert len(kx_json("query", "-f", str(path))) == 2
    result = loaded("query", "--format", "json", input=ACADEMICIANS)
    assert len(json.loads(result.stdout)["results"]["bindings"]) == 2


def test_limit_stops_after_n_rows(loaded, kx_json):
    assert len(kx_json("query", "SELECT * WHERE { ?s ?p ?o }", "--limit", "3")) == 3


def test_timeout_stops_a_long_query(loaded):
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result = loaded("query", endless, "--timeout", "0.3", "--format", "json")
    assert result.exit_code == 1 and "0.3 s" in result.stderr


def test_updates_are_refused_by_query_and_run_by_update(loaded, kx_json):
    insert = "INSERT DATA { GRAPH <https://example.org/g> { kx:x a kx:Academician } }"
    refused = loaded("query", insert)
    assert refused.exit_code == 1 and "kx update" in refused.stderr
    assert len(kx_json("query", "SELECT ?a WHERE { ?a a kx:Academician }")) == 2
    assert loaded("update", insert).exit_code == 0
    assert len(kx_json("query", "SELECT ?a WHERE { ?a a kx:Academician }")) == 3


def test_service_is_refused_unless_allowed(loaded):
    remote = "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    result = loaded("query", remote)
    assert result.exit_code == 1 and "--allow-service" in result.stderr
    # a SERVICE keyword inside a string is not a clause
    assert loaded("query", "SELECT * WHERE { BIND('SERVICE <x>' AS ?s) }").exit_code == 0
    assert loaded("query", "SELECT ?service WHERE { ?service a kx:Academician }").exit_code == 0
    assert loaded("query", "SELECT * WHERE { service silent <http://x/> { ?s ?p ?o } }").exit_code == 1


def test_syntax_error_gives_line_and_column(loaded):
    result = loaded("query", "SELECT ?x WHERE {\n  ?x ?y }")
    assert result.exit_code == 1
    assert "line 2, column" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_queries_lists_the_named_queries_without_indicators(kx_json):
    names = {r["name"] for r in kx_json("queries")}
    assert {"collaborators", "workstations-by-district", "academicians-ranked", "projects-by-status",
            "workstation-outputs", "programme-members"} <= names
    assert not any(n.startswith("indicators/") for n in names)


def test_collaborators_say_through_what(loaded, kx_json):
    rows = kx_json("query", "collaborators", "--param", "entity=syn:person/a1")
    through = {(r["collaborator"], r["via"]): r["through"] for r in rows}
    assert through[(SYN + "person/e1", SYN + "ws/w1")] == "member"
    assert through[(SYN + "person/a2", SYN + "project/p1")] == "project"
    assert through[(SYN + "org/e2", SYN + "ws/w2")] == "workstation host"


def test_being_elected_to_the_same_academy_is_not_collaboration(loaded, kx_json):
    loaded("update", f"""INSERT DATA {{ GRAPH <urn:test:academy> {{
        <{SYN}election/1> org:member <{SYN}person/a1> ; org:organization kx:CAS .
        <{SYN}election/9> org:member <{SYN}person/x9> ; org:organization kx:CAS . }} }}""")
    rows = kx_json("query", "collaborators", "--param", "entity=syn:person/a1")
    assert SYN + "person/x9" not in {r["collaborator"] for r in rows}
    assert SYN + "person/e1" in {r["collaborator"] for r in rows}


def test_workstations_of_a_district_or_of_a_host(loaded, kx_json):
    assert [r["workstation"] for r in kx_json("query", "workstations-by-district",
                                              "--param", f"district={ID}place/140105")] == [SYN + "ws/w1"]
    assert len(kx_json("query", "workstations-by-district", "--param", "district=kxid:place/140100")) == 2
    assert [r["workstation"] for r in kx_json("query", "workstations-by-district",
                                              "--param", "host=syn:org/e2")] == [SYN + "ws/w2"]


def test_academicians_ranked_by_workstations_and_projects(loaded, kx_json):
    rows = kx_json("query", "academicians-ranked")
    assert [(r["label"], int(r["workstations"]), int(r["projects"])) for r in rows] == [
        ("甲院士", 2, 1), ("乙院士", 1, 2)]


def test_projects_by_status_outputs_and_programme_members(loaded, kx_json):
    rows = kx_json("query", "projects-by-status", "--param", "status=kx:RnDInProgress")
    assert [r["project"] for r in rows] == [SYN + "project/p2"]
    outputs = kx_json("query", "workstation-outputs", "--param", "workstation=syn:ws/w1")
    assert {r["type"] for r in outputs} == {KX + "PatentApplication", KX + "Standard"}
    members = kx_json("query", "programme-members", "--param", "programme=kxid:programme/golden-bridge")
    assert [r["member"] for r in members] == [SYN + "project/gb1"]


def test_parameters_are_typed_terms_not_text(loaded, kx_json):
    by_label = "SELECT ?e WHERE { ?e rdfs:label ?name }"
    assert len(kx_json("query", by_label, "--param", "name=甲院士@zh")) == 1
    assert kx_json("query", by_label, "--param", "name=甲院士") == []  # a plain string is not @zh
    injected = '甲院士"@zh } UNION { ?e ?p ?o'
    assert kx_json("query", by_label, "--param", f"name={injected}") == []


@pytest.mark.parametrize("args, needle", [
    (["query", "no-such-query"], "no named query"),
    (["query", "collaborators"], "--param entity"),
    (["query", "collaborators", "--param", "entity=not an iri"], "parameter entity"),
    (["query", "collaborators", "--param", "who=kx:x"], "no parameter 'who'"),
    (["query", "collaborators", "--param", "entity"], "NAME=VALUE"),
    (["query", "projects-by-status", "--param", "status=\"x"], "parameter status"),
])
def test_bad_named_query_use_is_one_line(kx, args, needle):
    result = kx(*args)
    assert result.exit_code in (1, 2)
    assert needle in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_python_api_query_named_and_dataframe(tmp_path):
    import kxgraph

    with kxgraph.open(memory=True) as g:
        g.load(SAMPLE)
        assert g.query("ASK { ?a a kx:Academician }").boolean
        ranked = g.named("academicians-ranked")
        df = ranked.to_df()
        assert list(df["label"]) == ["甲院士", "乙院士"]
        rows = g.named("collaborators", {"entity": "syn:person/a2"}).records()
        assert {r["collaborator"] for r in rows} >= {SYN + "person/a1", SYN + "org/e2"}


def test_a_query_file_with_a_header_takes_typed_parameters(loaded, kx_json, tmp_path):
    path = tmp_path / "by-label.rq"
    path.write_text("# description: entities by label\n# param name string: the label\n"
                    "SELECT ?e WHERE { ?e rdfs:label ?name }\n", encoding="utf-8")
    assert len(kx_json("query", str(path), "--param", "name=小店区@zh")) == 1
    assert kx_json("query", "-f", str(path), "--param", "name=小店区") == []


def test_describe_gives_the_triples_about_an_entity(loaded):
    import pyoxigraph as ox

    out = loaded("query", f"DESCRIBE <{SYN}person/a2>", "--format", "ntriples").stdout
    subjects = {q.subject.value for q in ox.parse(out.encode(), ox.RdfFormat.N_TRIPLES)}
    assert subjects == {SYN + "person/a2"}


@pytest.mark.parametrize("text, kind, expected", [
    ("kx:Academician", "iri", ("NamedNode", KX + "Academician", None)),
    ("<https://example.org/x>", "iri", ("NamedNode", "https://example.org/x", None)),
    ("太原@zh", "string", ("Literal", "太原", "zh")),
    ("42", "integer", ("Literal", "42", None)),
    ("2021", "year", ("Literal", "2021", None)),
    ('"5"^^xsd:integer', "term", ("Literal", "5", None)),
    ('"Taiyuan"@en', "term", ("Literal", "Taiyuan", "en")),
    ("kxid:place/140100", "term", ("NamedNode", ID + "place/140100", None)),
])
def test_parameter_values_become_typed_terms(text, kind, expected):
    from kxgraph.sparql.query import parse_term

    term = parse_term(text, kind)
    assert (type(term).__name__, term.value, getattr(term, "language", None)) == expected


@pytest.mark.parametrize("text, kind", [("nope:x", "iri"), ("4x", "integer"), ("21", "year"),
                                        ('"open', "term"), ("1.2.3", "decimal")])
def test_malformed_parameter_values_are_refused(text, kind):
    from kxgraph.errors import ParameterError
    from kxgraph.sparql.query import parse_term

    with pytest.raises(ParameterError):
        parse_term(text, kind)


def test_excel_format_is_the_csv_with_a_byte_order_mark_excel_needs(loaded):
    plain = loaded("query", ACADEMICIANS, "--format", "csv").stdout_bytes
    excel = loaded("query", ACADEMICIANS, "--format", "excel", "--no-labels").stdout_bytes
    assert excel.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
    assert excel.decode("utf-8-sig") == plain.decode("utf-8")  # with label columns unless --no-labels
    assert "甲院士" in excel.decode("utf-8-sig")
