"""Loading N-Triples reads labels, types and literal checks from the file as it streams in
(kxgraph.store.ntscan): the index it builds is the one a rebuild from the store gives, and what the
SPARQL check refused is still refused. Synthetic data, no real names."""

from __future__ import annotations

import gzip

import pytest

import kxgraph
from kxgraph.errors import InputError
from kxgraph.store.ntscan import Scan

L = "<http://www.w3.org/2000/01/rdf-schema#label>"
P = "<https://w3id.org/kxgraph/ns#pinyin>"
T = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
E = "<https://w3id.org/kxgraph/ns#Enterprise>"
X = "http://www.w3.org/2001/XMLSchema#"

PLAIN = "\n".join([
    f'<https://example.org/syn/e1> {T} {E} .',
    f'<https://example.org/syn/e1> {L} "合成测试公司"@zh .',
    f'<https://example.org/syn/e1> {L} "Synthetic \\"Test\\" Co. ."@EN .',
    f'<https://example.org/syn/e1> {P} "hecheng ceshi gongsi" .',
    f'<https://example.org/syn/e1> <https://w3id.org/kxgraph/ns#founded> "2001"^^<{X}gYear> .',
    f'<https://example.org/syn/e1> <https://w3id.org/kxgraph/ns#synthetic> "true"^^<{X}boolean> .',
    f'<https://example.org/syn/e2> {T} {E} .\r',
    f'<https://example.org/syn/e2> {L} "翟样例"@zh-Hans .\r',
    f'<https://example.org/syn/e2> {L} "a\\\\z\\tc"^^<{X}string> .',
    f'<https://example.org/syn/e2> <https://w3id.org/kxgraph/ns#staff> "12"^^<{X}integer> .',
    f'<https://example.org/syn/e2> {L} "合成测试公司"@zh .',  # no line break at the end
])
HARDER = {  # lines the scan cannot read exactly: the index reads the graph back from the store
    "blank node subject": f'_:b1 {L} "合成空白"@zh .\n_:b1 {T} {E} .',
    "comment after a triple": f'<https://example.org/syn/e3> {T} {E} . # <x> {L} "not a label" .',
    "tab": f'<https://example.org/syn/e3>\t{L} "合成制表"@zh .',
    "label that is an IRI": f'<https://example.org/syn/e3> {L} <https://example.org/syn/e4> .',
    "typed label": f'<https://example.org/syn/e3> {L} "7"^^<{X}integer> .',
    "unicode escape": f'<https://example.org/syn/e\\u0033> {L} "\\u5408\\u6210"@zh .',
    "predicate as object": f'<https://example.org/syn/e3> <https://example.org/p> {L} .',
    "a mark written otherwise": f'<https://example.org/syn/e3> <https://w3id.org/kxgraph/ns#synthetic> "1"^^<{X}boolean> .',
}


def _index(g) -> tuple:
    conn = g.store.index._conn
    return (sorted(conn.execute("SELECT graph, entity, label, lowered, spelling, lang FROM labels")),
            sorted(conn.execute("SELECT graph, entity, class FROM types")),
            sorted(conn.execute("SELECT graph, triples FROM graph_sizes")),
            sorted(conn.execute("SELECT class, entities FROM class_counts")),
            sorted(conn.execute("SELECT graph, entity FROM marked")))


def _loaded_then_rebuilt(path) -> tuple[tuple, tuple]:
    g = kxgraph.open(memory=True)
    g.load(path)
    loaded = _index(g)
    g.reindex()
    return loaded, _index(g)


def _scan(text: str) -> Scan:
    import io

    scan = Scan(io.BytesIO(text.encode("utf-8")))
    while scan.read(7):  # pyoxigraph reads a few bytes at a time: lines arrive in pieces
        pass
    scan.finish()
    return scan


def test_the_index_a_load_builds_from_the_file_is_the_one_a_rebuild_gives(tmp_path):
    path = tmp_path / "synthetic.nt"
    path.write_text(PLAIN, encoding="utf-8")
    scan = _scan(PLAIN)
    assert not scan.unsure and not scan.suspect  # the file was read, not the store
    label = ("https://example.org/syn/e2", "http://www.w3.org/2000/01/rdf-schema#label", "a\\z\tc", "")
    assert label in scan.sink.label_rows
    loaded, rebuilt = _loaded_then_rebuilt(path)
    assert loaded == rebuilt
    mine = path.resolve().as_uri()
    assert len([row for row in loaded[0] if row[0] == mine]) == 6
    assert len([row for row in loaded[1] if row[0] == mine]) == 2
    assert loaded[4] == [(mine, "https://example.org/syn/e1")]
    assert ("合成测试公司", "zh") in {row[2:6:3] for row in loaded[0]}  # each label with its language


def test_a_gzipped_file_is_scanned_the_same(tmp_path):
    path = tmp_path / "synthetic.nt.gz"
    path.write_bytes(gzip.compress(PLAIN.encode("utf-8")))
    loaded, rebuilt = _loaded_then_rebuilt(path)
    assert loaded == rebuilt


@pytest.mark.parametrize("case", sorted(HARDER))
def test_lines_the_scan_cannot_read_exactly_leave_the_index_to_the_store(tmp_path, case):
    text = PLAIN + "\n" + HARDER[case] + "\n"
    assert _scan(text).unsure
    path = tmp_path / "synthetic.nt"
    path.write_text(text, encoding="utf-8")
    loaded, rebuilt = _loaded_then_rebuilt(path)
    assert loaded == rebuilt


@pytest.mark.parametrize("literal", [
    f'"20O1"^^<{X}gYear>', f'"12.5"^^<{X}integer>', f'"2021-02-30"^^<{X}date>', '"bell\x07"',
    '"escaped \\u0007 bell"', '"C1 \x85 control"', '"form \\f feed"', f'"x\\"12"^^<{X}integer>',
    f'"25:99:00"^^<{X}time>',
])
def test_an_ill_typed_literal_or_control_character_is_still_refused(tmp_path, literal):
    path = tmp_path / "bad.nt"
    path.write_text(PLAIN + f"\n<https://example.org/syn/e9> <https://example.org/p> {literal} .\n", encoding="utf-8")
    assert _scan(path.read_text(encoding="utf-8")).suspect
    g = kxgraph.open(memory=True)
    with pytest.raises(InputError):
        g.load(path)
    assert g.graphs().rows == []


def test_a_new_graph_is_indexed_from_its_file_not_read_back_from_the_store(tmp_path, monkeypatch):
    from kxgraph.store.index import Index

    taken = []
    real = Index._take_staged

    def spy(self, raw, node, graph):
        taken.append((graph, real(self, raw, node, graph)))
        return taken[-1][1]

    monkeypatch.setattr(Index, "_take_staged", spy)
    path = tmp_path / "synthetic.nt"
    path.write_text(PLAIN, encoding="utf-8")
    g = kxgraph.open(memory=True)
    g.load(path)
    assert (path.resolve().as_uri(), True) in taken
    assert len([row for row in _index(g)[0] if row[0] == path.resolve().as_uri()]) == 6


@pytest.mark.parametrize("twice", [1, 5], ids=["a label twice", "a type twice"])
def test_a_file_that_says_a_triple_twice_is_indexed_as_the_store_keeps_it_once(tmp_path, twice):
    lines = PLAIN.split("\n")
    path = tmp_path / "synthetic.nt"
    path.write_text("\n".join(lines + [lines[twice].rstrip("\r")]) + "\n", encoding="utf-8")
    assert not _scan(path.read_text(encoding="utf-8")).unsure  # the scan saw it twice; the store keeps one
    loaded, rebuilt = _loaded_then_rebuilt(path)
    assert loaded == rebuilt


def test_a_threaded_scan_reads_what_a_scan_in_the_reader_reads(monkeypatch):
    import io

    import kxgraph.store.ntscan as ntscan

    monkeypatch.setattr(ntscan, "BATCH", 64)  # many batches, queued for the worker
    monkeypatch.setattr(ntscan, "CHUNK", 50)
    text = "\n".join(PLAIN.replace("/e", f"/n{i}e") for i in range(40)) + "\n"
    scans = []
    for threaded in (False, True):
        scan = Scan(io.BytesIO(text.encode("utf-8")), threaded=threaded)
        while scan.read(7):
            pass
        scan.finish()
        scans.append(scan)
    plain, threaded = scans
    assert len(plain.sink.label_rows) == 40 * 6 and len(plain.sink.type_rows) == 40 * 2
    assert threaded.sink.label_rows == plain.sink.label_rows and threaded.sink.type_rows == plain.sink.type_rows
    assert (threaded.unsure, threaded.suspect) == (plain.unsure, plain.suspect) == (False, False)


def test_an_error_in_the_scans_thread_fails_the_load_and_leaves_nothing(tmp_path, monkeypatch):
    from kxgraph.store.index import _Staging

    def broken(self, rows):
        raise OSError("synthetic: the disk is full")

    first = tmp_path / "first.nt"
    first.write_text(HARDER["blank node subject"] + "\n", encoding="utf-8")  # read back, not staged
    g = kxgraph.open(tmp_path / "store", mode="create")
    g.load(first)
    before = g.graphs().rows
    monkeypatch.setattr(_Staging, "labels", broken)
    path = tmp_path / "synthetic.nt"
    path.write_text(PLAIN, encoding="utf-8")
    with pytest.raises(Exception, match="disk is full"):
        g.load(path)
    assert g.graphs().rows == before
    assert g.store.index.usable
    g.close()


def test_the_scan_counts_lines_of_triples_unless_a_line_is_blank_a_comment_or_ends_otherwise():
    first = PLAIN.split("\n")[0]
    assert _scan(PLAIN).lines == 11
    assert _scan(PLAIN + "\n").lines == 11
    assert _scan(PLAIN + "\n\t" + first + "\n").lines == 12  # an indented triple is a triple
    for odd in ("\n\n", "\n# a comment\n", "\n   \n", "\n" + first[:-1] + "\n", "\n" + first + " # said\n",
                "\n" + first + "\r" + first + "\n"):  # CR alone ends a line too
        assert _scan(PLAIN + odd + first + "\n").lines is None, odd
    assert _scan("# a comment first\n" + PLAIN).lines is None
    assert _scan(PLAIN + "\n# a comment ending as a triple does .\n").lines == 12  # too many: never too few


def _fts_whole(g) -> None:
    import sqlite3

    conn = sqlite3.connect(g.store.index.file)  # raises sqlite3.DatabaseError when a full-text table is not whole
    try:
        with conn:
            conn.execute("INSERT INTO label_text(label_text) VALUES ('integrity-check')")
            conn.execute("INSERT INTO spelling_text(spelling_text) VALUES ('integrity-check')")
        rows = conn.execute("SELECT COUNT(*) FROM labels").fetchone()[0]  # each row's trigrams, once
        assert conn.execute("SELECT COUNT(DISTINCT doc) FROM label_terms").fetchone()[0] == rows
    finally:
        conn.close()


@pytest.mark.parametrize("extra", ["", "twice", "blank", "comment", "a comment counted"])
def test_a_first_load_into_a_new_store_on_disk_indexes_what_a_rebuild_gives(tmp_path, extra):
    lines = PLAIN.split("\n")
    more = {"": "", "twice": lines[1], "blank": "\n" + lines[0], "comment": "# synthetic\n",
            "a comment counted": "# synthetic .\n" + lines[1]}[extra]
    text = PLAIN + "\n" + more + "\n"
    path = tmp_path / "synthetic.nt"
    path.write_text(text, encoding="utf-8")
    g = kxgraph.open(tmp_path / "store", mode="create")  # no index yet: the load builds it whole
    g.load(path)
    loaded = _index(g)
    _fts_whole(g)
    assert {hit[0].value for hit in g.store.index.find("合成测试", "")[0]} == {"https://example.org/syn/e1",
                                                                            "https://example.org/syn/e2"}
    made = _sqlite_indexes(g)  # the load made the tables' indexes again once its rows were in
    g.reindex()
    assert loaded == _index(g)
    assert made == _sqlite_indexes(g) and {"labels_entity", "types_class"} <= {name for name, _ in made}
    assert len([row for row in loaded[0] if row[0] == path.resolve().as_uri()]) == 6
    g.close()


def _sqlite_indexes(g) -> list:
    return sorted(g.store.index._conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index'"))


def test_a_first_load_that_fails_leaves_the_index_tables_with_their_indexes(tmp_path):
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text(PLAIN, encoding="utf-8")
    bad.write_text(f"<https://example.org/syn/e9> {L} \"合成\" \n", encoding="utf-8")  # no final dot
    g = kxgraph.open(tmp_path / "store", mode="create")
    with pytest.raises(InputError):
        g.load(good, bad)
    failed = _sqlite_indexes(g)
    g.load(good)
    assert failed == _sqlite_indexes(g) and {"labels_entity", "types_class"} <= {name for name, _ in failed}
    g.close()


def test_a_load_that_fails_after_its_file_was_scanned_leaves_the_index_as_it_was(tmp_path):
    first = tmp_path / "first.nt"
    first.write_text(PLAIN.replace("/syn/e", "/syn/f"), encoding="utf-8")
    g = kxgraph.open(tmp_path / "store", mode="create")
    g.load(first)
    before = _index(g)
    good, bad = tmp_path / "good.nt", tmp_path / "bad.nt"
    good.write_text(PLAIN, encoding="utf-8")  # scanned whole, its rows in the index's tables, then
    bad.write_text(f"<https://example.org/syn/e9> {L} \"合成\" \n", encoding="utf-8")  # no final dot
    with pytest.raises(InputError):
        g.load(good, bad)
    assert _index(g) == before
    _fts_whole(g)
    assert g.store.index.usable
    assert {hit[0].value for hit in g.store.index.find("合成测试", "")[0]} == {"https://example.org/syn/f1",
                                                                            "https://example.org/syn/f2"}
    g.close()


def test_labels_put_in_the_full_text_tables_a_few_at_a_time_are_found_as_after_a_rebuild(tmp_path, monkeypatch):
    import kxgraph.store.index as index
    import kxgraph.store.ntscan as ntscan

    monkeypatch.setattr(index, "TEXT_CHUNK", 3)
    monkeypatch.setattr(ntscan, "BATCH", 64)  # many batches of a few lines each
    path = tmp_path / "synthetic.nt"
    path.write_text("\n".join(PLAIN.replace("/e", f"/n{i}e") for i in range(30)) + "\n", encoding="utf-8")
    g = kxgraph.open(tmp_path / "store", mode="create")
    g.load(path)
    loaded, found = _index(g), _hits(g, "测试公司", "ceshi")
    _fts_whole(g)
    g.reindex()
    assert loaded == _index(g) and found == _hits(g, "测试公司", "ceshi")
    assert len(found[0]) == len(found[1]) == 60  # 合成测试公司 of two entities in each copy, and its pinyin
    g.close()


def _hits(g, word: str, spelt: str) -> tuple[list, list]:
    """The label index's hits, each kind sorted (of labels that rank alike, find shows the least IRI first)."""
    labelled, spoken = g.store.index.find(word, spelt)
    return sorted((e.value, label) for e, label in labelled), sorted((e.value, label) for e, label in spoken)
