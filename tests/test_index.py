"""The label index and kept counts beside the store: `kx find` and `kx stats` answer from them,
and they stay in step with every kind of write (or are not used)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import kxgraph
from kxgraph.store.index import FILE

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "tests" / "data" / "kx3-sample.ttl"
TEMPLATES = REPO / "src" / "kxgraph" / "data" / "templates"
SYN = "https://w3id.org/kxgraph/synthetic/"
NEEDLES = ["院士工作站", "院士", "甲", "xiaodian DISTRICT", "taiyuan", "jinyang", "太原 科协", "小店",
           "academician", "Academician A", "qingxu", "xiaod", "示例", "example", "shili", "新材料", "时期", "period"]


def fresh(graph, method, *args, **options):
    """What ``graph.method`` answers from SPARQL alone, without the index."""
    index, graph.store.index = graph.store.index, None
    try:
        return getattr(graph, method)(*args, **options)
    finally:
        graph.store.index = index


def assert_in_step(store_path: Path) -> None:
    """The index is used, and find and stats answer exactly as SPARQL alone does."""
    with kxgraph.open(store_path, read_only=True) as g:
        assert g.store.index.usable
        for needle in NEEDLES:
            assert g.find(needle, limit=500).rows == fresh(g, "find", needle, limit=500).rows, needle
        assert g.stats().rows == fresh(g, "stats").rows
        assert g.graphs().rows == fresh(g, "graphs").rows


@pytest.fixture
def demo_store(tmp_path):
    """A store with the sample network, the shipped ontology and a small generated network."""
    path = tmp_path / "store"
    with kxgraph.open(path, mode="create") as g:
        g.load(SAMPLE, ontology=True)
        g.generate(scale=0.2)
    return path


def test_find_and_stats_from_the_index_equal_sparql_after_a_load(demo_store):
    assert (demo_store / FILE).exists()
    assert_in_step(demo_store)


def test_find_answers_from_the_index_with_todays_ranking(loaded, kx_json, store_path):
    assert [r["entity"] for r in kx_json("find", "taiyuan")] == ["https://w3id.org/kxgraph/id/place/140100"]
    with kxgraph.open(store_path, read_only=True) as g:
        assert g.store.index.usable
        labels = [row[1].value for row in g.find("院士工作站").rows]
    assert labels == sorted(labels, key=len)  # none is exact, none starts so: shorter first


def test_find_answers_from_the_index_without_opening_the_store(demo_store, monkeypatch):
    """A reader opens the store's files only when a query needs them: finding entities reads the index
    alone, rows and all, and answers as the store would; so do the ontology's classes and properties
    (院士 finds kx:Academician, typed in the ontology's graph)."""
    from kxgraph.store.oxigraph import OxigraphStore

    with kxgraph.open(demo_store) as g:
        expected = {needle: fresh(g, "find", needle, limit=50).rows for needle in ("甲", "xiaod", "有限公司", "院士")}
    monkeypatch.setattr(OxigraphStore, "raw", property(lambda store: pytest.fail("find opened the store")))
    with kxgraph.open(demo_store) as g:
        for needle, rows in expected.items():
            assert g.find(needle, limit=50).rows == rows, needle
        assert all(row[4] is not None for row in expected["有限公司"])  # marked synthetic from the index too


def test_finds_lookups_by_entity_search_an_index_never_scan_a_table(demo_store):
    from kxgraph.store.index import _FACTS
    from kxgraph.store.labelsearch import _PREFIXED

    conn = sqlite3.connect(demo_store / FILE)
    plans = {name: " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("x",)))
             for name, sql in _FACTS.items()}
    assert all(plan.startswith("SEARCH") and "SCAN" not in plan for plan in plans.values()), plans
    values = {"t": "合成", "low": "合成", "high": "合我", "length": 3}
    plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + _PREFIXED, values))
    assert plan.startswith("SEARCH") and "labels_rank" in plan and "TEMP B-TREE" not in plan, plan


def test_an_update_is_indexed(demo_store):
    with kxgraph.open(demo_store, mode="rw") as g:
        g.update(f'INSERT DATA {{ GRAPH <https://example.org/new> {{ <{SYN}x> rdfs:label "青徐新站"@zh }} }}')
        g.update(f'INSERT DATA {{ <{SYN}y> rdfs:label "Default Graph Station"@en }}')
        g.update('DELETE WHERE { GRAPH ?g { ?s rdfs:label "甲院士"@zh } }')  # any graph: a full refresh
        assert [r[0].value for r in g.find("青徐新").rows] == [SYN + "x"]
        assert [r[0].value for r in g.find("qingxuxin").rows] == [SYN + "x"]
        assert [r[0].value for r in g.find("default graph station").rows] == [SYN + "y"]
        assert "甲院士" not in {r[1].value for r in g.find("院士", limit=500).rows if r[1] is not None}
    assert_in_step(demo_store)


def test_a_drop_is_indexed(demo_store):
    with kxgraph.open(demo_store, mode="rw") as g:
        before = {r[0].value for r in g.find("院士工作站", limit=500).rows}
        g.drop(f"file://{SAMPLE.resolve()}")
        after = {r[0].value for r in g.find("院士工作站", limit=500).rows}
    assert SYN + "ws/w1" in before and SYN + "ws/w1" not in after
    assert_in_step(demo_store)
    with sqlite3.connect(demo_store / FILE) as conn:  # the dropped rows left the full-text tables whole
        for table, grams in (("label_text", '"院士工" OR "\x1e甲院" OR "\x1e龙城"'), ("spelling_text", '"yua" OR "gon"')):
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ?", (grams,)).fetchone()[0] > 0
            assert conn.execute(f"SELECT COUNT(*) FROM {table} WHERE {table} MATCH ? AND rowid NOT IN "
                                "(SELECT id FROM labels)", (grams,)).fetchone()[0] == 0, table


def test_an_import_is_indexed(demo_store, kx):
    result = kx("import", str(TEMPLATES / "enterprises.csv"), str(TEMPLATES / "workstations.csv"),
                store=demo_store)
    assert result.exit_code == 0, result.output
    with kxgraph.open(demo_store, read_only=True) as g:
        assert "示例新材料有限公司" in {r[1].value for r in g.find("示例新材料").rows}
    assert_in_step(demo_store)


def test_a_replacing_load_is_indexed(tmp_path, demo_store):
    changed = tmp_path / "changed.ttl"
    changed.write_text(f'<{SYN}z> <http://www.w3.org/2000/01/rdf-schema#label> "替换后的站"@zh .\n',
                       encoding="utf-8")
    with kxgraph.open(demo_store, mode="rw") as g:
        g.load(changed, graph=f"file://{SAMPLE.resolve()}", replace=True)
        assert [r[0].value for r in g.find("替换后").rows] == [SYN + "z"]
        assert g.find("甲院士").rows == []
    assert_in_step(demo_store)


def test_reading_never_creates_the_index_and_a_missing_one_falls_back(loaded, kx_json, kx, store_path):
    (store_path / FILE).unlink()
    assert SYN + "org/e2" in {r["entity"] for r in kx_json("find", "jinyang")}
    assert kx("stats").exit_code == 0
    assert not (store_path / FILE).exists()
    assert kx("reindex").exit_code == 0
    assert (store_path / FILE).exists()
    assert_in_step(store_path)


def test_a_write_that_died_halfway_is_not_trusted_and_the_next_write_rebuilds(demo_store):
    with sqlite3.connect(demo_store / FILE) as conn:  # as a process killed between store and index
        conn.execute("UPDATE meta SET value = 'dirty' WHERE key = 'state'")
        conn.execute("DELETE FROM labels")
    with kxgraph.open(demo_store, read_only=True) as g:
        assert not g.store.index.usable
        assert {r[0].value for r in g.find("院士工作站").rows} >= {SYN + "ws/w1", SYN + "ws/w2"}
    with kxgraph.open(demo_store, mode="rw") as g:
        g.update(f'INSERT DATA {{ GRAPH <https://example.org/new> {{ <{SYN}x> rdfs:label "新"@zh }} }}')
    assert_in_step(demo_store)


def test_an_index_of_another_schema_is_ignored(demo_store):
    with sqlite3.connect(demo_store / FILE) as conn:
        conn.execute("UPDATE meta SET value = 'old' WHERE key = 'schema'")
    with kxgraph.open(demo_store, read_only=True) as g:
        assert not g.store.index.usable
        assert g.find("jinyang").rows == fresh(g, "find", "jinyang").rows


def test_the_next_write_rebuilds_an_index_of_another_schema_in_this_one(demo_store):
    with sqlite3.connect(demo_store / FILE) as conn:  # as an index an older kxgraph wrote
        conn.execute("UPDATE meta SET value = '2' WHERE key = 'schema'")
    with kxgraph.open(demo_store, mode="rw") as g:
        g.update(f'INSERT DATA {{ GRAPH <https://example.org/new> {{ <{SYN}x> rdfs:label "合成新站"@zh }} }}')
        assert [r[0].value for r in g.find("合成新").rows] == [SYN + "x"]
    assert_in_step(demo_store)


SHORT = ["甲", "院", "站", "小", "市", "院士", "太原", "工作", "a", "x", "q", "z", "li", "an", "zh", "xi", "yu", "é"]


def test_one_and_two_character_queries_find_what_sparql_finds(demo_store):
    with kxgraph.open(demo_store, read_only=True) as g:
        assert g.store.index.usable
        ways = []
        g.store.index._conn.set_trace_callback(ways.append)
        for needle in SHORT:
            assert g.find(needle, limit=500).rows == fresh(g, "find", needle, limit=500).rows, needle
        g.store.index._conn.set_trace_callback(None)
    # the rarer ones through the index's vocabularies, those most labels hold by reading every row
    # (any of the trigrams that begin with them, read shortest first)
    assert any("label_grams WHERE term" in sql for sql in ways)
    assert any("spelling_grams WHERE term" in sql for sql in ways)
    assert any("label_text MATCH" in sql and "\" OR \"" in sql for sql in ways)
    assert any("FROM labels l WHERE instr" in sql for sql in ways)


def test_a_short_query_ranks_exact_then_prefix_then_shorter(tmp_path):
    with kxgraph.open(tmp_path / "store", mode="create") as g:
        g.update("INSERT DATA { GRAPH <https://example.org/syn> { "
                 + " ".join(f'<{SYN}n{i}> rdfs:label "{label}"@zh .' for i, label in
                            enumerate(["合成长名称院", "院", "院合成", "合成院", "别的"]))
                 + " } }")
        found = [row[1].value for row in g.find("院", limit=500).rows if row[0].value.startswith(SYN)]
        assert found == ["院", "院合成", "合成院", "合成长名称院"]  # and the shipped ontology's 院士… among them
        assert g.find("院", limit=500).rows == fresh(g, "find", "院", limit=500).rows


def test_a_memory_store_keeps_its_index_in_memory():
    with kxgraph.open(memory=True) as g:
        g.load(SAMPLE)
        assert g.store.index.usable
        assert SYN + "org/e2" in {r[0].value for r in g.find("jinyang").rows}
        assert g.stats().rows == fresh(g, "stats").rows


def test_an_endpoint_store_has_no_index():
    from kxgraph.store.endpoint import EndpointStore

    assert EndpointStore("http://127.0.0.1:9/query").index is None


# Synthetic labels that many entities share the beginning of (合成…), some only holding it (别的合成…),
# their pinyin (hecheng), two labelled exactly 合成 and a source record labelled so too (kx sources
# lists records: find skips them), and ties: one label on several entities, ordered by IRI.
MANY = ([(f"p{i:02d}", "合成" + "甲" * (i % 4) + "站", "zh") for i in range(30)]
        + [(f"c{i:02d}", "别的合成" + "乙" * (i % 3), "zh") for i in range(30)]
        + [("x1", "合成", "zh"), ("x0", "合成", "zh")]
        + [(f"e{i}", f"Hecheng depot {i % 3}", "en") for i in range(8)]
        + [("k1", "\u212aelvin synthetic", "en"), ("k2", "kelvin synthetic", "en"), ("k3", "KELVIN synthetic x", "en"),
           ("i1", "\u0130nci synthetic", "en"), ("i2", "inci synthetic", "en")])
# A second graph, indexed after the first, gives labels that tie with earlier ones to entities whose
# IRIs sort first: the index reads them later, and find must still put them first.
LATER = [("a0", "合成", "zh"), ("a1", "合成站", "zh"), ("b0", "别的合成", "zh"), ("ae0", "Hecheng depot 0", "en")]
RECORD = "https://w3id.org/kxgraph/source/synthetic-record"


@pytest.fixture(scope="module")
def many_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("many") / "store"
    def triples(labels):
        return " ".join(f'<{SYN}{name}> a <https://w3id.org/kxgraph/ns#Organization> ; rdfs:label "{label}"@{lang} .'
                        for name, label, lang in labels)

    with kxgraph.open(path, mode="create") as g:
        g.update("INSERT DATA { GRAPH <https://example.org/syn> { " + triples(MANY)
                 + f' <{RECORD}> rdfs:label "合成"@zh . }} }}')
        g.update("INSERT DATA { GRAPH <https://example.org/syn-later> { " + triples(LATER) + " } }")
    return path


@pytest.mark.parametrize("needle", ["合成", "合", "成", "成站", "甲站", "hecheng", "Hecheng depot", "合成 站", "kelvin",
                                    "k", "i", "in", "synthetic"])
def test_find_with_a_limit_gives_the_best_of_every_hit(many_store, needle):
    """Whatever way the index reads its hits, the first ``limit`` rows are those of ranking every hit
    (exact, then beginning so, then shorter, then by text; the same label by entity IRI)."""
    every = _best_of_every_hit(many_store, needle, (1, 2, 3, 7, 25, 500))
    assert RECORD not in {row[0].value for row in every}


def _best_of_every_hit(store, needle: str, limits: tuple[int, ...]) -> list:
    """Every hit of ``needle`` ranked by SPARQL (at least 3), after checking that the index's first
    ``limit`` rows are its first ``limit`` for each of ``limits``."""
    with kxgraph.open(store, read_only=True) as g:
        assert g.store.index.usable
        every = fresh(g, "find", needle, limit=500).rows
        assert len(every) >= 3
        for limit in limits:
            assert g.find(needle, limit=limit).rows == every[:limit], (needle, limit)
    return every


def test_the_labels_a_query_begins_are_read_alone_when_they_name_enough(many_store):
    """A Chinese word that many labels begin with is answered from those labels, shortest first, without
    reading every label that holds it; one that no label begins with reads its hits."""
    with kxgraph.open(many_store, read_only=True) as g:
        assert g.store.index.usable
        statements = []
        g.store.index._conn.set_trace_callback(statements.append)
        found = [(row[0].value[len(SYN):], row[1].value) for row in g.find("合成", limit=4).rows]
        assert found == [("a0", "合成"), ("x0", "合成"), ("x1", "合成"), ("a1", "合成站")]  # not the record
        assert any("label_text MATCH" in sql and "substr(l.lowered, 1, length(" in sql for sql in statements)  # the labels it begins
        assert not any("instr(l." in sql for sql in statements), statements  # no hit of those holding it
        statements.clear()
        assert [row[1].value for row in g.find("合", limit=3).rows] == ["合成", "合成", "合成"]
        assert any("length(label) = " in sql for sql in statements)  # one character: by length and beginning
        assert not any("instr(l." in sql for sql in statements), statements
        statements.clear()
        found = [row[2].value for row in g.find("kelvin", limit=3).rows]  # en labels, one beginning with the kelvin sign
        assert sorted(found) == ["KELVIN synthetic x", "kelvin synthetic", "\u212aelvin synthetic"]
        statements.clear()
        assert [row[1].value for row in g.find("的合", limit=2).rows] == ["别的合成", "别的合成"]
        assert any("label_grams" in sql for sql in statements)
        assert any("SELECT l.id, l.entity" in sql and "label_text MATCH" in sql for sql in statements)
        g.store.index._conn.set_trace_callback(None)


def test_the_ways_of_writing_a_labels_beginning_cover_unicode():
    """Every character whose lower case begins with another is among that one's ways (UNCASED, or its
    upper or title case), so a label that begins with a query in any case is read."""
    from kxgraph.store.labelsearch import UNCASED

    for code in range(0x110000):
        char = chr(code)
        lowered = char.lower()
        if lowered != char:
            key = lowered[0]
            assert char in {key.upper(), key.title()} | set(UNCASED.get(key, "")), hex(code)


# Synthetic labels for reading hits shortest first: three long ones begin with 深合 (pinyin shenhe),
# two hundred hold it inside at many lengths, in an N-Triples file whose rows go into the full-text
# tables a few at a time, and a later graph adds ties of every kind to entities whose IRIs sort first.
DEEP = ([(f"h{i}", "深合" + "长" * (20 + i), "zh") for i in range(3)]
        + [(f"m{i:03d}", "前" * (1 + i * 7 % 13) + "深合" + "后" * (i % 5), "zh") for i in range(200)]
        + [(f"e{i:02d}", "Old " * (i % 6) + f"shenhe synthetic {i}", "en") for i in range(40)])
DEEP_LATER = [("a0", "前深合", "zh"), ("a1", "前前深合后", "zh"), ("a2", "Old shenhe synthetic 3", "en")]


@pytest.fixture(scope="module")
def deep_store(tmp_path_factory):
    from kxgraph.store import index

    folder = tmp_path_factory.mktemp("deep")
    source = folder / "deep.nt"
    source.write_text("".join(f'<{SYN}{name}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@{lang} .\n'
                              f'<{SYN}{name}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> '
                              f'<https://w3id.org/kxgraph/ns#Organization> .\n' for name, label, lang in DEEP),
                      encoding="utf-8")
    chunk, index.TEXT_CHUNK = index.TEXT_CHUNK, 16
    try:
        with kxgraph.open(folder / "store", mode="create") as g:
            g.load(source, graph="https://example.org/deep")
            g.update("INSERT DATA { GRAPH <https://example.org/deep-later> { "
                     + " ".join(f'<{SYN}{name}> rdfs:label "{label}"@{lang} .' for name, label, lang in DEEP_LATER)
                     + " } }")
    finally:
        index.TEXT_CHUNK = chunk
    return folder / "store"


@pytest.mark.parametrize("needle", ["深合", "深", "合后", "前深合", "shenhe", "henh", "old", "synthetic 3", "后"])
def test_find_reads_hits_shortest_first_and_gives_the_best_of_every_hit(deep_store, needle):
    """Hits beyond the labels a query begins are read shortest first and only as far as the answer
    needs, whichever graph or load wrote them; the answer is that of ranking every hit."""
    _best_of_every_hit(deep_store, needle, (1, 2, 5, 12, 60, 500))


def test_the_full_text_tables_give_shorter_labels_first(deep_store):
    conn = sqlite3.connect(deep_store / FILE)
    for table, text in (("label_text", "深合后"), ("spelling_text", "shenhe"), ("label_text", "shenhe")):
        lengths = [len(label) for (label,) in conn.execute(
            f"SELECT l.label FROM {table} JOIN labels l ON l.id = {table}.rowid WHERE {table} MATCH ?",
            (" AND ".join(f'"{text[i:i + 3]}"' for i in range(len(text) - 2)),))]
        assert len(lengths) > 20 and lengths == sorted(lengths), table


def test_an_index_missing_a_table_falls_back_to_the_store(demo_store):
    """An index file that lost one of its tables (damaged, or written by another kxgraph of this
    schema) is an error reading it, and find asks the store instead of failing."""
    with sqlite3.connect(demo_store / FILE) as conn:
        conn.execute("DROP TABLE label_grams")
    with kxgraph.open(demo_store, read_only=True) as g:
        assert g.find("士工", limit=5).rows == fresh(g, "find", "士工", limit=5).rows != []
