"""`kx find` and `kx show`: finding entities by label or pinyin, and everything about one."""

from __future__ import annotations

import pytest

KX = "https://w3id.org/kxgraph/ns#"
SYN = "https://w3id.org/kxgraph/synthetic/"
ID = "https://w3id.org/kxgraph/id/"


def test_find_by_chinese_substring_gives_type_and_iri(loaded, kx_json):
    rows = kx_json("find", "院士工作站")
    assert {r["entity"] for r in rows} == {SYN + "ws/w1", SYN + "ws/w2"}
    assert {r["type"] for r in rows} == {KX + "AcademicianWorkstation"}


def test_find_by_english_label_ignores_case(loaded, kx_json):
    assert [r["entity"] for r in kx_json("find", "xiaodian DISTRICT")] == [ID + "place/140105"]


def test_find_by_pinyin(loaded, kx_json):
    assert [r["entity"] for r in kx_json("find", "taiyuan")] == [ID + "place/140100"]
    assert SYN + "org/e2" in {r["entity"] for r in kx_json("find", "jinyang")}


def test_find_uses_kx_pinyin_when_present(loaded, kx_json):
    loaded("update", f'INSERT DATA {{ GRAPH <https://example.org/p> {{ <{SYN}x> kx:pinyin "Qingxu" }} }}')
    assert SYN + "x" in {r["entity"] for r in kx_json("find", "qingxu")}


def test_find_marks_synthetic_entities_and_honours_limit(loaded, kx_json):
    rows = kx_json("find", "院士", "--limit", "2")
    assert len(rows) == 2 and all(r.get("synthetic") == "synthetic" for r in rows)


def test_find_nothing_is_an_empty_table(loaded, kx_json):
    assert kx_json("find", "不存在的名字") == []


def test_show_by_curie_lists_sections(loaded, kx_json):
    rows = kx_json("show", "syn:person/a1")
    by_section: dict[str, list] = {}
    for r in rows:
        by_section.setdefault(r["section"], []).append(r)
    assert [r["value"] for r in by_section["type"]] == [KX + "Academician"]
    assert by_section["synthetic"][0]["value"] == "true"
    assert {r["value"] for r in by_section["label"]} == {"甲院士", "Academician A"}
    assert {(r["property"], r["value"]) for r in by_section["membership"]} == {
        (KX + "ResidentAcademician", SYN + "ws/w1"), (KX + "ResidentAcademician", SYN + "ws/w2")}
    assert [r["value"] for r in by_section["in"]] == [SYN + "project/p1"]
    assert by_section["source"][0]["label"] == "甲院士在龙城工作站开展合作。"


def test_show_by_exact_label_and_by_iri(loaded, kx_json):
    by_label = kx_json("show", "小店区")
    by_iri = kx_json("show", f"<{ID}place/140105>")
    assert by_label == by_iri
    assert {(r["section"], r["value"]) for r in by_label} >= {
        ("out", ID + "place/140100"), ("in", SYN + "org/e1")}


def test_show_unknown_entity_is_one_line(loaded):
    for name in ("kxid:person/nobody", "没有这个人"):
        result = loaded("show", name)
        assert result.exit_code == 1 and len(result.stderr.strip().splitlines()) == 1


def test_show_an_ambiguous_label_asks_for_the_iri(loaded):
    loaded("update", f'INSERT DATA {{ GRAPH <https://example.org/p> {{ <{SYN}x> rdfs:label "小店区"@zh }} }}')
    result = loaded("show", "小店区")
    assert result.exit_code == 1 and "give the IRI" in result.stderr


def test_show_escapes_nothing_and_keeps_odd_labels_intact(kx, kx_json, tmp_path):
    odd = tmp_path / "odd.ttl"
    odd.write_text('<https://example.org/x> <http://www.w3.org/2000/01/rdf-schema#label> "<b>x</b> & \\"y\\""@zh .\n',
                   encoding="utf-8")
    kx("load", str(odd))
    rows = kx_json("show", "https://example.org/x")
    assert rows[0]["value"] == '<b>x</b> & "y"'


@pytest.mark.parametrize("name", ["<a b>", "<http://example.org/%zz x>", "http://example.org/a\tb"])
def test_show_of_a_malformed_iri_is_one_line(loaded, name):
    result = loaded("show", name)
    assert result.exit_code == 2 and result.stderr.strip().count("\n") == 0
