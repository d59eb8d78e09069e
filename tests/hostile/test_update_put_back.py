"""An update over ``GRAPH ?g`` that also matches protected graphs is all or nothing, even killed.

The protected graphs it matched are put back as they were (``kxgraph.protect.guarded_update``);
the update and the put-back are one journaled write (``kxgraph.store.rebuild.put_back``). These
tests kill ``kx update`` by SIGKILL at each step and read the store back after the next command:
it is byte for byte as before, or exactly as a run that was not killed leaves it.
"""

from __future__ import annotations

import shutil

import pytest

from tests.hostile.conftest import quad_dump, run_kx

UPDATE = "DELETE WHERE { GRAPH ?g { ?s rdfs:comment ?c } }"
MINE = "https://example.org/synthetic/mine"


@pytest.fixture(scope="module")
def stores(tmp_path_factory):
    """The shipped graphs plus a graph of the user's, with the state a finished update leaves."""
    import kxgraph
    from kxgraph.resources import resource_path
    from kxgraph.vocab import GAZETTEER_GRAPH

    root = tmp_path_factory.mktemp("put-back")
    original = root / "store"
    with kxgraph.open(original, mode="create") as g:
        g.load(ontology=True)
        g.load(resource_path("places/gazetteer.ttl"), graph=GAZETTEER_GRAPH, force_shipped=True)
        mine = root / "mine.ttl"
        mine.write_text(f'<{MINE}/a> <http://www.w3.org/2000/01/rdf-schema#comment> "synthetic" .\n',
                        encoding="utf-8")
        g.load(mine, graph=MINE)
    finished = root / "finished"
    shutil.copytree(original, finished)
    result = run_kx(finished, "update", UPDATE)
    assert result.returncode == 0, result.stderr
    assert "left as it was" in result.stderr  # the ontology's comments matched, and were kept
    after = quad_dump(finished)
    before = quad_dump(original)
    assert after != before and not any(MINE in q and "comment" in q for q in after)
    return original, before, after


@pytest.mark.slow
@pytest.mark.parametrize("point, expected", [
    ("put-back-dumped", "before"),    # the protected graphs dumped, no journal yet
    ("put-back-journal", "before"),   # the journal written, the update not run
    ("put-back-updated", "after"),    # the update committed, nothing put back yet
    ("put-back-changed", "after"),    # about to drop the first changed graph
    ("put-back-dropped", "after"),    # a protected graph dropped, not yet reloaded
    ("put-back-done", "after"),       # all put back, the journal not yet removed
])
def test_an_update_killed_at_any_step_leaves_the_store_before_or_after(stores, tmp_path, point, expected):
    original, before, after = stores
    store = tmp_path / "store"
    shutil.copytree(original, store)
    killed = run_kx(store, "update", UPDATE, env={"KXGRAPH_TEST_KILL_AT": point})
    assert killed.returncode == -9, killed.stderr  # it was killed there, by SIGKILL
    recovered = run_kx(store, "graphs")  # the next command finishes or tidies up
    assert recovered.returncode == 0, recovered.stderr
    assert "Traceback" not in recovered.stderr
    assert quad_dump(store) == (before if expected == "before" else after)
    assert not (store / "kxgraph-load.json").exists() and not (store / "kxgraph-rebuild").exists()
    if point not in ("put-back-dumped",):
        assert "recovering an interrupted write" in recovered.stderr


def test_an_update_is_parsed_once_for_both_checks(monkeypatch):
    """Whether it reaches the network and which graphs it writes are read from one parse."""
    import kxgraph
    from kxgraph.sparql import reach

    calls = []
    real = reach._parse
    monkeypatch.setattr(reach, "_parse", lambda text, update: calls.append(text) or real(text, update))
    g = kxgraph.open(memory=True)
    g.update(f"INSERT DATA {{ GRAPH <{MINE}> {{ <{MINE}/a> <{MINE}/p> 'load service' }} }}")
    assert len(calls) == 1
    assert g.query(f"ASK {{ <{MINE}/a> ?p ?o }}").boolean
