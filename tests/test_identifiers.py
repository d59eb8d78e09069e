"""One identifier convention: every CURIE kxgraph prints is valid SPARQL and is accepted back."""

from __future__ import annotations

import pytest

import kxgraph
from kxgraph.vocab import ID, SYN, expand_curie, shorten

SAMPLE = "tests/data/kx3-sample.ttl"


@pytest.fixture(scope="module")
def g(request):
    graph = kxgraph.open(memory=True)
    graph.load(request.config.rootpath / SAMPLE)
    return graph


@pytest.mark.parametrize("iri, printed", [
    (ID + "org/taiyuan-cast", "kxorg:taiyuan-cast"),
    (ID + "place/140100", "kxplace:140100"),
    (ID + "event/national-science-day", "kxevent:national-science-day"),
    (ID + "programme/golden-bridge", "kxprogramme:golden-bridge"),
    (SYN + "seed-0-scale-1/academician-1", "syn-seed-0-scale-1:academician-1"),
    (SYN + "seed-3-scale-0.1/academician-1", "syn-seed-3-scale-0.1:academician-1"),
    (ID + "figure/taiyuan-report/patents", r"kxfigure:taiyuan-report\/patents"),
    (ID + "source/report#p-0a1b", r"kxsource:report\#p-0a1b"),
])
def test_printed_curies_are_sparql_and_expand_back(g, iri, printed):
    assert shorten(iri) == printed
    assert expand_curie(printed) == iri
    answer = g.query(f"SELECT ?x WHERE {{ BIND({printed} AS ?x) }}")
    assert answer.column("x") == [iri]


@pytest.mark.parametrize("old", ["kxid:org/taiyuan-cast", r"kxid:org\/taiyuan-cast", "kxorg:taiyuan-cast",
                                 "<https://w3id.org/kxgraph/id/org/taiyuan-cast>"])
def test_old_printed_forms_stay_accepted_as_input(old):
    assert expand_curie(old) == ID + "org/taiyuan-cast"


def test_a_curie_from_a_table_is_accepted_by_show_query_and_param(g):
    found = g.find("taiyuan")
    printed = found.to_df()["entity"][0]
    assert printed == "kxplace:140100"
    assert len(g.show(printed)) > 0
    assert g.query(f"ASK {{ {printed} ?p ?o }}").boolean
    named = g.named("workstations-by-district", {"district": printed})
    assert len(named) == 2


def test_synthetic_curies_round_trip_through_show_and_sparql(g):
    person = g.find("甲院士").to_df()["entity"][0]
    assert person == "syn-person:a1"  # the sample's IRIs: SYN + "person/a1"
    assert g.show(person).to_df()["section"].iloc[0] == "type"
    assert g.query(f"ASK {{ {person} ?p ?o }}").boolean
    assert len(g.show("syn:person/a1")) == len(g.show(person))


def test_the_cli_prints_curies_it_takes_back(loaded):
    out = loaded("find", "taiyuan").stdout
    assert "kxplace:140100" in out
    assert loaded("show", "kxplace:140100").exit_code == 0
    shown = loaded("query", "SELECT ?l WHERE { kxplace:140100 rdfs:label ?l }")
    assert shown.exit_code == 0 and "太原" in shown.stdout


@pytest.mark.parametrize("sparql, message", [
    ("SELECT * WHERE { kxidd:a ?p ?o }",
     "unknown prefix kxidd: at line 1, column 18 (known: kx, kxid, kxorg,"),
    ("SELECT * WHERE { kxid:org/taiyuan-cast ?p ?o }",
     'SPARQL syntax error at line 1, column 18 near "kxid:org/taiyuan-cast": a CURIE\'s local part '
     "cannot hold \"/\"; write kxorg:taiyuan-cast"),
    ("SELECT * WHERE { ?s ?p kxid:org/x }", 'column 24 near "kxid:org/x": a CURIE\'s local part cannot hold'),
    ("SELECT * WHERE { ?s kx:a/kx:b ?o . FILTR(?o) }", 'near "FILTR": did you mean FILTER?'),
    ("SELECT * WHER { ?s ?p ?o }", 'SPARQL syntax error at line 1, column 10 near "WHER": did you mean WHERE?'),
    ("SELECT ?s WHERE { ?s ?p ?o } LIMT 3", 'near "LIMT": did you mean LIMIT?'),
    ("SELECT * WHERE {\n  ?s ?p ?o ", "line 2, column 12 at the end: the query ends early: 1 unclosed {"),
])
def test_syntax_errors_are_one_line_with_position_token_and_hint(g, sparql, message):
    with pytest.raises(kxgraph.QueryError) as caught:
        g.query(sparql)
    text = str(caught.value)
    assert message in text and "\n" not in text and "u{" not in text


def test_a_local_part_is_judged_plain_as_sparql_would_without_compiling_the_wide_pattern():
    """``_plain`` is the PN_LOCAL pattern's test, spelt out so start-up does not compile it."""
    import random
    import re

    from kxgraph import vocab

    pattern = re.compile(vocab._PLAIN_LOCAL)
    alphabet = "aZ09_:.-%/#\\ \u00b7\u00bf\u00c0\u0660\u4e2d\U000effff\U000f0000" + "".join(map(chr, range(0x21, 0x7f)))
    rng = random.Random(13)
    samples = ["-a", "a-", ".a", "a.", "a.b", "%2F", "a%2", "%zz", "·x", "中-文.", "¿"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(20000)]
    assert [vocab._plain(s) for s in samples] == [pattern.fullmatch(s) is not None for s in samples]
