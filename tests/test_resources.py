"""Shipped files are package data; a missing one is an error, never a silent skip."""

from __future__ import annotations

import pytest

import kxgraph
from kxgraph import report
from kxgraph.store import reference
from kxgraph.errors import NotFoundError
from kxgraph.resources import package_path, resource_path
from kxgraph.synthetic import build


def test_shipped_files_are_found_inside_the_package():
    package = package_path(".").resolve()
    for name in ("ontology/kx.ttl", "ontology/shapes.ttl", "places/gazetteer.ttl", "taiyuan/taiyuan.trig",
                 "templates/enterprises.csv"):
        path = resource_path(name)
        assert path.is_file() and package in path.resolve().parents
    assert resource_path("data/places/gazetteer.ttl") == resource_path("places/gazetteer.ttl")  # old spelling


@pytest.mark.parametrize("lookup", [resource_path, package_path])
def test_a_missing_shipped_file_is_an_error_naming_it(lookup):
    with pytest.raises(NotFoundError, match="no-such.ttl"):
        lookup("ontology/no-such.ttl")


def test_load_ontology_fails_rather_than_loading_less(monkeypatch):
    monkeypatch.setattr(reference, "ONTOLOGY_FILES", (*reference.ONTOLOGY_FILES, "ontology/missing.ttl"))
    with pytest.raises(NotFoundError, match="missing.ttl"):
        kxgraph.open(memory=True).load(ontology=True)


def test_report_fails_rather_than_calling_every_figure_not_computable(monkeypatch):
    monkeypatch.setattr(report, "SHIPPED", (*report.SHIPPED, "ontology/missing.ttl"))
    with pytest.raises(NotFoundError, match="missing.ttl"):
        kxgraph.open(memory=True).report()


def test_the_generator_refuses_to_run_without_the_report_text_behind_its_deny_list(monkeypatch, tmp_path):
    monkeypatch.setattr(build, "resource_path", lambda relative: tmp_path)  # a folder without the texts
    with pytest.raises(NotFoundError, match="taiyuan/source"):
        build._deny_list()
