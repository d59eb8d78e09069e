"""Attack 4 (output): control and bidi characters in labels reach exports and terminals escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from .conftest import REPO, run_kx

EVIL = "坏\\u0007\\u001b]0;pwned\\u0007\\u001b[31m\\u202eevil"  # bell, OSC title, colour, right-to-left override


@pytest.fixture
def store(tmp_path):
    """The small sample network, every entity given a hostile label by an update (loads refuse them)."""
    path = tmp_path / "store"
    assert run_kx(path, "load", str(REPO / "tests" / "data" / "kx3-sample.ttl")).returncode == 0
    result = run_kx(path, "update", "DELETE { GRAPH ?g { ?s rdfs:label ?l } } INSERT { GRAPH ?g { ?s rdfs:label "
                    f'"{EVIL}"@zh }} }} WHERE {{ GRAPH ?g {{ ?s rdfs:label ?l }} }}')
    assert result.returncode == 0, result.stderr
    return path


@pytest.mark.parametrize("suffix", ["graphml", "gexf"])
def test_exports_stay_well_formed_xml(tmp_path, store, suffix):
    out = tmp_path / f"network.{suffix}"
    result = run_kx(store, "export", "-o", str(out))
    assert result.returncode == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    ET.fromstring(text.encode("utf-8"))  # raises on a control character
    assert "\x1b" not in text and "\u202e" not in text and "\\u001b" in text


def test_table_output_shows_escapes_instead_of_running_them(store):
    result = run_kx(store, "query", "SELECT ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, 'evil')) } LIMIT 1")
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout and "\u202e" not in result.stdout
    assert "\\u001b]0;pwned" in result.stdout
