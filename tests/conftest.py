"""Shared fixtures: a CLI runner bound to a fresh store, and small hand-built graphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True, scope="session")
def _ctrl_c_reaches_the_commands_tests_start():
    """A suite started with Ctrl-C ignored (``nohup pytest … &`` in a shell) would hand that to
    every ``kx`` a test starts, and the tests of Ctrl-C would fail for the shell's sake."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture
def repo() -> Path:
    """The repository's top folder (docs/, notebooks/ …; shipped data is under kxgraph.resources)."""
    return REPO


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    """A fresh, empty store directory."""
    return tmp_path / "store"


@pytest.fixture
def kx(store_path: Path):
    """Run ``kx`` against the fresh store: ``kx("query", "ASK {}")`` returns the click Result."""
    from kxgraph.cli import main

    runner = CliRunner()

    def run(*args: str, input: str | None = None, store: Path | None = None):
        return runner.invoke(main, ["--store", str(store or store_path), *args], input=input,
                             catch_exceptions=False)

    return run


@pytest.fixture
def loaded(kx):
    """``kx`` on a store holding the small synthetic network ``tests/data/kx3-sample.ttl``, alone.

    The reference data the first load into a new store brings (tests/test_reference_data.py) is
    dropped again, so the tests built on this sample see only it.
    """
    assert kx("load", str(REPO / "tests" / "data" / "kx3-sample.ttl")).exit_code == 0
    for graph in ("kxg:ontology", "kxg:gazetteer"):
        assert kx("drop", graph, "--force-shipped").exit_code == 0
    return kx


@pytest.fixture
def kx_json(kx):
    """Run ``kx ... --format json`` and return the parsed rows as dicts of plain values."""

    def run(*args: str):
        result = kx(*args, "--format", "json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        return [{k: v["value"] for k, v in b.items()} for b in data["results"]["bindings"]]

    return run


# Debian's chromium, headless, never reaching the network on its own (browser tests abort every
# request that leaves the page as well).
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the browser tests (skipped where chromium is not installed)."""
    import shutil

    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _slow_tests() -> frozenset[str]:
    listed = (REPO / "tests" / "slow-tests.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in listed if line.strip() and not line.startswith("#"))


def pytest_collection_modifyitems(config, items):
    """Mark ``slow`` every browser test and the tests listed in tests/slow-tests.txt (measured on a
    quiet machine, see scripts/slow-tests.py)."""
    slow = _slow_tests()
    for item in items:
        if item.nodeid.split("[")[0] in slow or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
