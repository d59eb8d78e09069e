"""Attacks 4 and 5 against an endpoint: loads there are checked as they are in the embedded store."""

from __future__ import annotations

import shutil

import pytest

from test_endpoint import ep, server  # noqa: F401 - the endpoint fixtures

pytestmark = pytest.mark.skipif(shutil.which("oxigraph") is None, reason="needs the oxigraph server")


def test_an_ill_typed_literal_is_refused_by_an_endpoint_load(ep, tmp_path):  # noqa: F811
    bad = tmp_path / "bad.nt"
    bad.write_text('<https://example.org/x> <https://example.org/p> '
                   '"2021-02-30"^^<http://www.w3.org/2001/XMLSchema#date> .\n', encoding="utf-8")
    result = ep("load", str(bad))
    assert result.exit_code == 1 and "bad.nt:1" in result.stderr and "xsd:date" in result.stderr
    assert ep("query", "ASK { ?s ?p ?o }").stdout.strip() == "false"


def test_a_trig_naming_the_ontology_is_refused_by_an_endpoint_load(ep, tmp_path):  # noqa: F811
    attack = tmp_path / "attack.trig"
    attack.write_text("<https://w3id.org/kxgraph/graph/ontology> { <https://example.org/x> "
                      "<https://example.org/p> 1 . }\n", encoding="utf-8")
    result = ep("load", str(attack))
    assert result.exit_code == 1 and "kxg:ontology" in result.stderr
    assert ep("query", "ASK { ?s ?p ?o }").stdout.strip() == "false"
