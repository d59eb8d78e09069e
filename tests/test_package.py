"""The package promises: a light start, one error tree, a clean CLI shell."""

from __future__ import annotations

import subprocess
import sys

import kxgraph
from click.testing import CliRunner
from kxgraph.cli import main
from kxgraph.errors import KxError, ParameterError

HEAVY = ("rdflib", "networkx", "pyvis", "pandas", "pyshacl")


def _imported_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return {m.split(".")[0] for m in out.stdout.split()}


def test_kx_help_imports_nothing_heavy():
    loaded = _imported_after(
        "from kxgraph.cli import main\ntry:\n    main(['--help'])\nexcept SystemExit:\n    pass")
    assert not loaded & set(HEAVY), loaded & set(HEAVY)


def test_import_kxgraph_imports_nothing_heavy():
    loaded = _imported_after("import kxgraph")
    assert not loaded & set(HEAVY + ("pyoxigraph",))


def test_every_command_help_is_light():
    from kxgraph.cli import COMMANDS

    code = ("from kxgraph.cli import main\n"
            f"for name in {sorted(COMMANDS)!r}:\n"
            "    try:\n        main([name, '--help'])\n    except SystemExit:\n        pass")
    loaded = _imported_after(code)
    assert not loaded & set(HEAVY)


def test_version_is_printed():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert kxgraph.__version__ in result.output


def test_public_names_are_exactly_all():
    import types

    public = {n for n, v in vars(kxgraph).items()
              if not n.startswith("_") and not isinstance(v, types.ModuleType)}
    # IPython's hook for `%load_ext kxgraph` and the __future__ import are not API
    assert public - {"load_ipython_extension", "annotations"} == set(kxgraph.__all__) - {"__version__"}


def test_every_error_is_a_kxerror_with_a_docstring():
    from kxgraph import errors

    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, KxError)
        assert cls.__doc__ and "\n" not in cls.__doc__.strip()


def test_parameter_errors_exit_with_usage_code():
    assert ParameterError.exit_code == 2
    assert KxError.exit_code == 1


def test_a_kxerror_becomes_one_line_and_exit_code_one(store_path, tmp_path):
    bad = tmp_path / "data.unknown"
    bad.write_text("x")
    result = CliRunner().invoke(main, ["--store", str(store_path), "load", str(bad)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("kx: error:")
    assert "data.unknown" in lines[0]


def test_kx_find_on_an_indexed_store_loads_only_what_finding_needs(tmp_path, request):
    """``kx find`` is answered from the label index: it starts without the SPARQL-result, CSV and
    HTML writers' libraries or digests (what it does not use costs start-up time on every call)."""
    store = tmp_path / "store"
    graph = kxgraph.open(store, mode="create")
    graph.load(request.config.rootpath / "tests/data/kx3-sample.ttl")
    graph.close()
    loaded = _imported_after(
        "import contextlib, io\nfrom kxgraph.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    try:\n        main(['--store', {str(store)!r}, 'find', '太原'])\n    except SystemExit:\n        pass")
    assert "kxgraph" in loaded and "sqlite3" in loaded
    assert not loaded & set(HEAVY + ("json", "csv", "html", "hashlib", "rdflib"))
