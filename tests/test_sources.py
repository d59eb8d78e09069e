"""Sources: every load and import is a named source, listed, replaced whole, dropped, diffed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

KX = "https://w3id.org/kxgraph/ns#"
REFERENCE = {"https://w3id.org/kxgraph/graph/ontology", "https://w3id.org/kxgraph/graph/gazetteer"}  # every new store gets them
CLI = "from kxgraph.cli import main; main()"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"

ENTERPRISES = """企业名称,所属行业,所在区县
太原钢铁（集团）有限公司,冶金,尖草坪区
山西示例装备有限公司,智能制造,小店区
"""
WORKSTATIONS = """工作站名称,工作站类型,依托单位,进站院士,建站时间,所在区县
太钢院士工作站,院士工作站,太原钢铁（集团）有限公司,殷瑞钰、金智新,2019,尖草坪区
示例装备院士工作站,院士工作站,山西示例装备有限公司,李德毅,2020,小店区
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rows(kx, *args: str) -> list[dict[str, str]]:
    result = kx(*args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def count(kx, where: str) -> int:
    return int(rows(kx, "query", f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {where} }}")[0]["n"])


def everything(kx) -> list[dict[str, str]]:
    return rows(kx, "query", "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g ?s ?p ?o")


@pytest.fixture
def registers(tmp_path: Path, kx) -> dict[str, Path]:
    """The enterprise and workstation registers, imported."""
    files = {"enterprises": write(tmp_path / "enterprises.csv", ENTERPRISES),
             "workstations": write(tmp_path / "workstations.csv", WORKSTATIONS)}
    result = kx("import", *map(str, files.values()))
    assert result.exit_code == 0, result.output
    return files


@pytest.mark.parametrize("file, name", [
    ("workstations-修订版.xlsx", "workstations"), ("工作站名单 (1).xlsx", "工作站名单"),
    ("enterprises_v2.csv", "enterprises"), ("registers 2024-05-01.xlsx", "registers"),
    ("工作站（修订版）.csv", "工作站"), ("report.trig", "report"), ("network.nt.gz", "network"),
    ("workstations-修订版2.csv", "workstations"), ("名单（第二版）.xlsx", "名单"), ("sheet1.csv", "sheet1"),   # a number that is part of the name stays
    ("network-200000.nt", "network-200000"),
])
def test_a_source_is_named_after_its_file_without_version_marks(file, name):
    from kxgraph.sources import source_name

    assert source_name(file) == name


def test_import_registers_each_file_as_a_source_with_its_counts(kx, registers):
    listed = {r["name"]: r for r in rows(kx, "sources")}
    assert set(listed) == {"enterprises", "workstations"}
    ws = listed["workstations"]
    assert (ws["kind"], ws["files"], ws["rows"]) == ("tables", "workstations.csv", "2")
    # 2 workstations, 3 academicians named only here (2 enterprises are the other source's)
    assert ws["entities"] == "5" and int(ws["triples"]) > 20 and ws["version"]
    record = rows(kx, "query", "SELECT ?sum WHERE { ?s a prov:Entity ; rdfs:label 'workstations' ; "
                               "kx:file/kx:checksum ?sum ; prov:wasGeneratedBy/prov:wasAssociatedWith ?agent }")
    assert record[0]["sum"].startswith("sha256:")


def test_a_corrected_copy_under_a_new_name_replaces_the_old_rows(kx, registers, tmp_path):
    corrected = write(tmp_path / "workstations-修订版.csv", WORKSTATIONS.replace(
        "示例装备院士工作站,院士工作站,山西示例装备有限公司", "示例装备院士工作站,院士工作站,太原钢铁（集团）有限公司"))
    assert kx("import", str(corrected)).exit_code == 0
    hosts = rows(kx, "query", "SELECT ?host WHERE { ?ws rdfs:label '示例装备院士工作站'@zh ; kx:hostOrganization ?h . "
                              "?h rdfs:label ?host FILTER(LANG(?host) = 'zh') }")
    assert [r["host"] for r in hosts] == ["太原钢铁（集团）有限公司"]     # one host, not two
    assert [r["name"] for r in rows(kx, "sources")] == ["enterprises", "workstations"]
    assert registers["workstations"].resolve().as_uri() not in {r["graph"] for r in rows(kx, "graphs")}


def test_a_removed_row_removes_every_fact_it_produced_memberships_included(kx, registers, tmp_path):
    assert count(kx, "?x a org:Membership") == 3
    fewer = write(tmp_path / "workstations.csv", "\n".join(WORKSTATIONS.splitlines()[:2]) + "\n")
    assert kx("import", str(fewer)).exit_code == 0
    assert count(kx, "?x a org:Membership") == 2
    assert count(kx, "?x org:member/rdfs:label '李德毅'@zh") == 0
    assert count(kx, "?x rdfs:label '示例装备院士工作站'@zh") == 0


def test_source_option_names_the_source(kx, tmp_path):
    path = write(tmp_path / "export-from-oa.csv", ENTERPRISES)
    assert kx("import", "--source", "enterprises", str(path)).exit_code == 0
    assert [r["name"] for r in rows(kx, "sources")] == ["enterprises"]


def test_drop_removes_a_source_by_name_and_nothing_else(kx, registers):
    enterprises_only = count(kx, "?x a kx:Enterprise")
    assert kx("drop", "workstations").exit_code == 0
    assert [r["name"] for r in rows(kx, "sources")] == ["enterprises"]
    assert count(kx, "?x a org:Membership") == 0 and count(kx, "?x a kx:Workstation") == 0
    assert count(kx, "?x a kx:Enterprise") == enterprises_only
    assert kx("drop", "workstations").exit_code == 1


def test_every_name_and_id_kx_sources_prints_is_typed_back(kx, registers, tmp_path):
    write(tmp_path / "工作站名单 (1).csv", WORKSTATIONS.replace("太钢", "示例钢铁"))
    kx("import", "--on-duplicate", "keep", str(tmp_path / "工作站名单 (1).csv"))
    printed = [line.split() for line in kx("sources").stdout.splitlines()[2:-1]]
    assert [(line[0], line[-1]) for line in printed] == [
        ("enterprises", "kxsrc:enterprises"), ("workstations", "kxsrc:workstations"), ("工作站名单", "kxsrc:工作站名单")]
    for name, record in [(line[0], line[-1]) for line in printed]:
        shown = {(r["property"], r["value"]) for r in rows(kx, "show", record)}
        assert (RDFS_LABEL, name) in shown and (RDF_TYPE, KX + "Source") in shown
    assert kx("drop", "工作站名单").exit_code == 0
    assert [r["name"] for r in rows(kx, "sources")] == ["enterprises", "workstations"]


def test_source_records_are_not_entities_to_find_or_name(kx, registers):
    for name in ("workstations", "enterprises"):
        found = rows(kx, "find", name)
        assert not [r for r in found if r.get("type") == KX + "Source" or "/kxgraph/source/" in r["entity"]
                    or "/graph/source/" in r["entity"]]
    assert kx("show", "enterprises").exit_code == 1          # a source's name is for kx drop, not kx show


def test_a_record_in_the_older_form_is_listed_dropped_and_renewed(kx, registers, store_path):
    """Stores written before kxsrc: kept the record under its graph's IRI (kxg:source/<name>)."""
    import pyoxigraph as ox

    old = "https://w3id.org/kxgraph/graph/source/enterprises"
    raw = ox.Store(str(store_path))
    raw.update(f"""DELETE {{ GRAPH <{old}> {{ ?s ?p ?o }} }} INSERT {{ GRAPH <{old}> {{ ?s2 ?p ?o2 }} }}
                   WHERE {{ GRAPH <{old}> {{ ?s ?p ?o }}
                     BIND(IF(STRSTARTS(STR(?s), "https://w3id.org/kxgraph/source/enterprises"),
                             IRI(REPLACE(STR(?s), "https://w3id.org/kxgraph/source/enterprises", "{old}")), ?s) AS ?s2)
                     BIND(IF(ISIRI(?o) && STRSTARTS(STR(?o), "https://w3id.org/kxgraph/source/enterprises"),
                             IRI(REPLACE(STR(?o), "https://w3id.org/kxgraph/source/enterprises", "{old}")), ?o) AS ?o2) }}""")
    raw.flush()
    del raw
    listed = {r["name"]: r["id"] for r in rows(kx, "sources")}
    assert listed["enterprises"] == old
    assert kx("show", r"kxg:source\/enterprises").exit_code == 0        # the older IRI still answers
    assert kx("import", str(registers["enterprises"])).exit_code == 0     # re-imported: the new form
    assert {r["name"]: r["id"] for r in rows(kx, "sources")}["enterprises"] == "https://w3id.org/kxgraph/source/enterprises"
    assert count(kx, f"GRAPH ?g {{ <{old}> ?p ?o }}") == 0


def test_diff_shows_changes_in_names_and_writes_nothing(kx, registers, tmp_path):
    before = everything(kx)
    changed = write(tmp_path / "workstations-v2.csv", WORKSTATIONS.splitlines()[0] + "\n"
                    + WORKSTATIONS.splitlines()[1].replace("2019", "2018") + "\n"
                    + "新建院士工作站,院士工作站,山西示例装备有限公司,,2023,小店区\n")
    changes = rows(kx, "diff", str(changed))
    assert everything(kx) == before
    seen = {(c["change"], c["entity"], c["fact"], c["before"], c["after"]) for c in changes}
    assert ("entity added", "新建院士工作站", "", "", "") in seen
    assert ("entity removed", "示例装备院士工作站", "", "", "") in seen
    assert ("entity removed", "李德毅 — 进站院士 — 示例装备院士工作站", "", "", "") in seen  # a membership, in words
    assert ("entity removed", "李德毅", "", "", "") in seen
    assert any(c["change"] == "changed" and c["entity"] == "太钢院士工作站" and (c["before"], c["after"]) ==
               ("2019", "2018") for c in changes)
    assert not any("://" in value for c in changes for value in c.values())


def test_diff_of_an_unchanged_file_is_empty(kx, registers):
    assert rows(kx, "diff", str(registers["workstations"])) == []


def test_a_source_name_held_by_another_kind_of_file_is_refused(kx, registers, tmp_path):
    before = everything(kx)
    rdf = write(tmp_path / "workstations.ttl", f"<{KX}a> <{KX}p> <{KX}b> .\n")
    result = kx("load", str(rdf))
    assert result.exit_code == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert "workstations" in result.stderr and "--source" in result.stderr
    assert everything(kx) == before
    assert kx("load", "--source", "workstations-rdf", str(rdf)).exit_code == 0


def test_a_graph_written_by_another_source_is_refused_unless_replaced(kx, tmp_path):
    a = write(tmp_path / "a.ttl", f"<{KX}a> <{KX}p> <{KX}b> .\n")
    b = write(tmp_path / "b.ttl", f"<{KX}c> <{KX}p> <{KX}d> .\n")
    assert kx("load", "--graph", "https://example.org/g", str(a)).exit_code == 0
    result = kx("load", "--graph", "https://example.org/g", str(b))
    assert result.exit_code == 2 and "'a'" in result.stderr
    assert kx("load", "--replace", "--graph", "https://example.org/g", str(b)).exit_code == 0
    assert [r["name"] for r in rows(kx, "sources")] == ["b"]


def test_loading_a_trig_again_drops_the_graphs_it_no_longer_names(kx, tmp_path):
    path = write(tmp_path / "data.trig", f"<https://example.org/g1> {{ <{KX}a> <{KX}p> <{KX}b> }}\n"
                                         f"<https://example.org/g2> {{ <{KX}a> <{KX}p> <{KX}c> }}\n")
    assert kx("load", str(path)).exit_code == 0
    write(tmp_path / "data-v2.trig", f"<https://example.org/g1> {{ <{KX}a> <{KX}p> <{KX}b> }}\n")
    assert kx("load", str(tmp_path / "data-v2.trig")).exit_code == 0
    assert {r["graph"] for r in rows(kx, "graphs")} - REFERENCE == {"https://example.org/g1"}


def test_the_library_does_the_same(tmp_path):
    import kxgraph

    with kxgraph.open(memory=True) as g:
        g.import_tables(write(tmp_path / "enterprises.csv", ENTERPRISES))
        assert g.sources().column("name") == ["enterprises"]
        assert g.diff(tmp_path / "enterprises.csv").rows == []
        g.drop("enterprises")
        assert g.sources().rows == []


# -- killed re-imports ------------------------------------------------------------------------

def _kill_after(store: Path, delay: float, *args: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", CLI, "--store", str(store), *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(delay)
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


@pytest.mark.slow
def test_a_reload_killed_while_writing_leaves_the_old_source_intact(kx, store_path, tmp_path):
    small = write(tmp_path / "data.ttl", f"<{KX}a> <{KX}p> <{KX}b> .\n")
    kx("load", str(small))
    before = everything(kx)
    big = tmp_path / "data-修订版.nt"
    with big.open("w", encoding="utf-8") as out:
        for i in range(100_000):
            out.write(f'<{KX}e{i}> <{KX}p> <{KX}e{i + 1}> .\n<{KX}e{i}> <{KX}label> "实体{i}"@zh .\n')
    proc = subprocess.Popen([sys.executable, "-c", CLI, "--store", str(store_path), "load", str(big)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    journal = store_path / "kxgraph-load.json"
    deadline = time.monotonic() + 30
    while not journal.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(0.2)
    assert proc.poll() is None, "the load finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert everything(kx) == before


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.9, 1.5, 2.5])
def test_a_reimport_killed_at_any_point_leaves_the_old_source_intact(kx, store_path, tmp_path, delay):
    first = write(tmp_path / "enterprises.csv", ENTERPRISES)
    kx("import", str(first))
    before = everything(kx)
    many = write(tmp_path / "enterprises-修订版.csv", "企业名称,所属行业,所在区县\n" + "".join(
        f"示例企业{i}有限公司,冶金,小店区\n" for i in range(3000)))
    _kill_after(store_path, delay, "import", str(many))
    after = everything(kx)
    # killed before the commit: the old source whole; after it: the new one whole, never a mix
    names = {r["o"] for r in after if r["p"] == "http://www.w3.org/2000/01/rdf-schema#label"}
    assert after == before or ("示例企业2999有限公司" in names and "山西示例装备有限公司" not in names)
    assert not (store_path / "kxgraph-load.json").exists()


def test_diff_of_an_rdf_file_compares_with_the_source_it_would_replace(kx, tmp_path):
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    kx("load", str(write(tmp_path / "people.ttl", f'<{KX}a> {label} "甲"@zh ; <{KX}p> <{KX}b> .\n')))
    changed = write(tmp_path / "people-v2.ttl", f'<{KX}a> {label} "甲"@zh ; <{KX}p> <{KX}c> .\n')
    changes = rows(kx, "diff", str(changed))
    assert [(c["change"], c["entity"], c["before"], c["after"]) for c in changes] == [
        ("changed", "甲", "kx:b", "kx:c")]
