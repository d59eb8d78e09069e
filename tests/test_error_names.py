"""Errors name parameters as the reader calls them: ``scale`` in Python, ``--scale`` on the command line.

The library marks a parameter in a message with ``kxgraph.errors.option``; ``str(error)`` spells it
for Python and the CLI's error boundary as its own option (issue 14: ``g.view(size_by=…)`` once
named a CLI flag in its error).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import kxgraph
from kxgraph.checks import KxWarning
from kxgraph.errors import KxError, ParameterError, StoreError, option

SRC = Path(kxgraph.__file__).parent
# The shells, which speak in their own options: the CLI, the web service and the %%sparql magic.
# data/ holds developer scripts that build shipped data (argparse), not library code.
SHELLS = {"cli", "server", "data", "magic.py"}
FLAG = re.compile(r"(?<![\w-])--[a-z]")


def _library_strings():
    """Every string literal of the library outside docstrings: ``(file:line, text)``."""
    for path in sorted(SRC.rglob("*.py")):
        if path.relative_to(SRC).parts[0] in SHELLS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                      and node.body and isinstance(node.body[0], ast.Expr)
                      and isinstance(node.body[0].value, ast.Constant)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
                yield f"{path.relative_to(SRC)}:{node.lineno}", node.value


def test_no_library_message_names_a_cli_flag():
    found = [f"{where}: {text!r}" for where, text in _library_strings() if FLAG.search(text)]
    assert found == [], "name the parameter with kxgraph.errors.option(...) instead:\n" + "\n".join(found)


def test_the_scan_would_see_a_flag_in_a_message():
    tree = ast.parse('raise ParameterError(f"--scale must be positive, not {x}")')
    assert any(isinstance(n, ast.Constant) and FLAG.search(str(n.value)) for n in ast.walk(tree))


def test_a_message_names_the_python_parameter_and_the_cli_its_option():
    error = ParameterError(f"{option('scale')} must be a positive number; give {option('timeout', 'SECONDS')} "
                           f"or {option('force_shipped', True)}")
    assert str(error) == "scale must be a positive number; give timeout=SECONDS or force_shipped=True"
    assert error.params == ("scale", "timeout", "force_shipped") and error.param == "scale"
    cli = error.message(lambda name: "--" + name.replace("_", "-"))
    assert cli == "scale must be a positive number; give --timeout SECONDS or --force-shipped".replace(
        "scale", "--scale", 1)


def test_a_cli_parameter_of_another_name_and_a_value_written_otherwise():
    error = StoreError(f"name it with {option('path', flag='store_path')}; "
                       f"give {option('params', {'entity': 'VALUE'}, cli='entity=VALUE')}")
    assert str(error) == "name it with path; give params={'entity': 'VALUE'}"
    assert error.message({"store_path": "--store", "params": "--param"}.get) == \
        "name it with --store; give --param entity=VALUE"


def test_an_error_without_a_parameter_reads_as_given():
    assert str(KxError("the store failed")) == "the store failed" and KxError("x").params == ()


def test_a_warning_names_parameters_the_same_way():
    warning = KxWarning(f"kept 2 literals ({option('lenient', True)})")
    assert str(warning) == "kept 2 literals (lenient=True)"
    assert warning.message(lambda n: "--" + n) == "kept 2 literals (--lenient)"


@pytest.mark.parametrize("call, expected", [
    (lambda g: g.generate(scale=0), "scale must be a positive number"),
    (lambda g: g.view(size_by="community"), "size_by is one of"),
    (lambda g: g.view(size_by="community"), "give color_by='community'"),
    (lambda g: g.query("SELECT * { ?s ?p ?o }", limit=-1), "limit must be 0 or more"),
    (lambda g: g.load(), "or ontology=True"),
    (lambda g: g.load("x.ttl", graph="not an iri"), "graph must be an absolute IRI"),
    (lambda g: g.match(), "say what to match: need=NAME, enterprise=NAME or expert=NAME"),
    (lambda g: g.query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"),
     "give allow_service=True"),
])
def test_the_python_api_names_its_own_parameters(call, expected):
    g = kxgraph.open(memory=True)
    with pytest.raises(KxError) as caught:
        call(g)
    assert expected in str(caught.value) and "--" not in str(caught.value)


def _error(result) -> str:
    assert result.exit_code != 0 and result.stderr.startswith("kx: error: "), result.output
    assert result.stderr.strip().count("\n") == 0
    return result.stderr


def test_the_cli_still_names_its_flags(kx):
    assert "--scale must be a positive number" in _error(kx("generate", "--scale", "0", "-o", "x.ttl"))
    assert "or --ontology)" in _error(kx("load"))
    assert "--graph must be an absolute IRI" in _error(kx("load", "--graph", "not an iri", "x.ttl"))
    assert "say what to match: --need NAME, --enterprise NAME or --expert NAME" in _error(kx("match"))
    error = _error(kx("query", "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"))
    assert "give --allow-service to" in error and "allow_service" not in error


def test_a_hint_with_a_value_is_written_as_each_reader_writes_it(loaded):
    error = _error(loaded("path", "kxplace:140105", "syn-person:a1"))
    assert error.rstrip().endswith("take part only with --link all)")


def test_the_cli_names_a_named_querys_missing_parameter_as_its_option(loaded):
    from kxgraph.sparql.catalogue import entry, names

    query = next(q for q in map(entry, names()) if any(not p.optional for p in q.parameters))
    needed = next(p.name for p in query.parameters if not p.optional)
    error = _error(loaded("query", query.name))
    assert f"needs --param {needed}=VALUE" in error


def test_the_cli_names_the_global_store_option_for_a_missing_store(tmp_path):
    from click.testing import CliRunner

    from kxgraph.cli import main

    result = CliRunner().invoke(main, ["--store", str(tmp_path / "typo"), "stats"])
    assert "or give the right --store ($KXGRAPH_STORE)" in _error(result)
    with pytest.raises(StoreError) as caught:
        kxgraph.open(tmp_path / "typo")
    assert "or give the right path ($KXGRAPH_STORE)" in str(caught.value) and "--" not in str(caught.value)


def test_an_error_and_a_warning_name_lenient_as_each_reader_writes_it(kx, tmp_path):
    bad = tmp_path / "bad.ttl"  # synthetic: one ill-typed integer
    bad.write_text('<http://example.org/a> <http://example.org/n> "abc"^^<http://www.w3.org/2001/XMLSchema#integer> .\n',
                   encoding="utf-8")
    assert "fix the data, or give --lenient to keep" in _error(kx("load", str(bad)))
    kept = kx("load", str(bad), "--lenient", store=tmp_path / "other")
    assert kept.exit_code == 0 and "kx: warning:" in kept.stderr and "control characters (--lenient)" in kept.stderr
    g = kxgraph.open(memory=True)
    with pytest.raises(KxError, match=r"give lenient=True to keep"):
        g.load(bad)
    with pytest.warns(KxWarning, match=r"\(lenient=True\)"):
        g.load(bad, lenient=True)
