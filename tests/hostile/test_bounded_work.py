"""Attack 7: commands end, by a deadline or by Ctrl-C, and kx path searches a bounded neighbourhood."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from .conftest import CLI, REPO, assert_refused, quad_dump, run_kx


@pytest.fixture
def sample(tmp_path):
    store = tmp_path / "store"
    assert run_kx(store, "load", str(REPO / "tests" / "data" / "kx3-sample.ttl")).returncode == 0
    return store


@pytest.fixture
def big(tmp_path):
    """100k triples: enough for a query that runs for minutes."""
    store, data = tmp_path / "store", tmp_path / "big.nt"
    with data.open("w", encoding="utf-8") as out:
        for i in range(100_000):
            out.write(f"<https://example.org/e{i}> <https://example.org/p> <https://example.org/e{i + 1}> .\n")
    assert run_kx(store, "load", str(data)).returncode == 0
    return store


SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?p ?b . ?c ?q ?d . ?e ?r ?f }"


@pytest.mark.slow
def test_ctrl_c_ends_a_long_query_promptly_and_leaves_the_store_intact(big):
    before = quad_dump(big)
    proc = subprocess.Popen([sys.executable, "-c", CLI, "--store", str(big), "query", SLOW],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(3)  # well into the query
    assert proc.poll() is None, proc.stderr.read()
    proc.send_signal(signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=5)  # a bound, not a measurement: before, it took ~a minute
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("kx query ignored Ctrl-C")
    assert proc.returncode == 130 and stderr.strip() == "kx: interrupted"
    assert quad_dump(big) == before


def test_interactive_commands_stop_at_their_timeout(sample):
    # (kx graphs is left out: it reads the counts kept beside the store and runs no query at all)
    for args in (["find", "院士"], ["show", "syn:person/a1"], ["report"], ["path", "甲院士", "乙院士"]):
        result = run_kx(sample, *args, "--timeout", "0.000001")
        assert_refused(result, "did not finish within", "--timeout")


def test_the_default_timeout_comes_from_the_environment(sample):
    result = run_kx(sample, "find", "院士", env={"KXGRAPH_TIMEOUT": "0.000001"})
    assert_refused(result, "did not finish within")
    assert run_kx(sample, "find", "院士", "--timeout", "0").returncode == 0  # 0: no limit


def test_path_between_unconnected_entities_stops_at_max_depth(sample):
    result = run_kx(sample, "path", "甲院士", "太原市", "--max-depth", "3")
    assert_refused(result, "within 3 steps")


def test_path_still_finds_the_shortest_paths(sample):
    result = run_kx(sample, "path", "甲院士", "丙专家", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].split(",")[1] == "2"
