"""The documentation that must not drift from the code."""

from __future__ import annotations

import os

import pytest
from kxgraph.cli._docs import cli_reference


def test_cli_reference_matches_the_commands_help(repo, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    committed = (repo / "docs" / "cli.md").read_text(encoding="utf-8")
    assert committed == cli_reference(), (
        "docs/cli.md is out of date: run  COLUMNS=80 python -m kxgraph.cli._docs > docs/cli.md")


def test_readme_gives_the_two_setup_commands_near_the_top(repo):
    head = (repo / "README.md").read_text(encoding="utf-8").splitlines()[:30]
    text = "\n".join(head)
    assert "bash scripts/demo.sh" in text and "bash scripts/test.sh" in text


def test_ci_runs_exactly_the_readme_test_command(repo):
    ci = (repo / ".ci" / "run").read_text()
    assert "bash scripts/test.sh" in ci


def test_ci_also_tests_the_installed_wheel_from_another_folder(repo):
    assert "bash scripts/smoke-wheel.sh" in (repo / "scripts" / "test.sh").read_text()
    smoke = (repo / "scripts" / "smoke-wheel.sh").read_text()
    assert "pip wheel" in smoke and "-m venv" in smoke and "demo" in smoke and "cd " in smoke
