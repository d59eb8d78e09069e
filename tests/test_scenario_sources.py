"""Keeping the graph true over time, as a user lives it (issue 11).

The association loads its congress report, imports its registers, then: a corrected copy
under a new file name, a removed row, a person written three ways, the same person in the report
and a sheet, one near-duplicate decided each way, and everything re-imported. At every step the
counts ``kx report`` computes equal the true counts this test keeps by hand, and
``kx validate --store`` finds exactly the conflict planted on purpose.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kxgraph.resources import resource_path

REPORT = resource_path("taiyuan/taiyuan.trig")

ENTERPRISES = """企业名称,所属行业,所在区县
太原钢铁（集团）有限公司,冶金,尖草坪区
山西示例装备有限公司,智能制造,小店区
太原重工股份有限公司,重型机械,万柏林区
"""
WORKSTATIONS = """工作站名称,工作站类型,依托单位,进站院士,建站时间,所在区县
太钢院士工作站,院士工作站,太原钢铁（集团）有限公司,殷瑞钰、金智新,2019,尖草坪区
示例装备院士工作站,院士工作站,山西示例装备有限公司,李德毅,2020,小店区
太重院士工作站,院士工作站,太原钢铁（集团）有限公司,王国法,2018,万柏林区
"""
# another department's list, which names a different host for 太钢院士工作站: the planted conflict
OTHER_HOSTS = """工作站名称,工作站类型,依托单位,建站时间
太钢院士工作站,院士工作站,太原重工股份有限公司,2019
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def json_rows(result) -> list[dict[str, str]]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


class User:
    """The association's data officer, with the true counts kept by hand beside the store."""

    def __init__(self, kx, folder: Path) -> None:
        self.kx, self.folder = kx, folder

    def run(self, *args: str, ok: bool = True, input: str | None = None):
        result = self.kx(*args, input=input)
        assert (result.exit_code == 0) == ok, result.output
        return result

    def file(self, name: str, text: str) -> str:
        return str(write(self.folder / name, text))

    def check(self, *, workstations: int, academicians: int, conflicts: set[tuple[str, str]]) -> None:
        report = {r["id"]: r.get("computed") for r in json_rows(self.run("report", "--format", "json"))}
        assert report["kxi:academician-workstations"] == str(workstations)
        assert report["kxi:academicians-introduced"] == str(academicians)
        held = json_rows(self.run("query", "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { ?a a kx:Academician }",
                                  "--format", "json"))
        assert held[0]["n"] == str(academicians)      # no person counted twice, none left behind
        hosts = json_rows(self.run("query", "SELECT ?ws (COUNT(DISTINCT ?h) AS ?n) WHERE { ?ws kx:hostOrganization "
                                            "?h } GROUP BY ?ws", "--format", "json"))
        assert len(hosts) == workstations
        found = self.kx("validate", "--store", "--format", "json")
        assert found.exit_code == (1 if conflicts else 0), found.output
        problems = json_rows(found) if conflicts else []
        assert {(p["file"].split(" ")[0], p["value"]) for p in problems} == conflicts


@pytest.mark.slow
def test_keeping_the_graph_true_over_time(kx, tmp_path):
    me = User(kx, tmp_path)
    conflict = {("workstations", "太原钢铁（集团）有限公司"), ("other-hosts", "太原重工股份有限公司")}

    # 1. the report, then the registers: each a source
    me.run("load", str(REPORT))
    me.run("import", me.file("enterprises.csv", ENTERPRISES), me.file("workstations.csv", WORKSTATIONS))
    assert [r["name"] for r in json_rows(me.run("sources", "--format", "json"))] == [
        "enterprises", "taiyuan", "workstations"]
    # 李德毅 is the report's academician, not a second one
    shown = me.run("show", "李德毅").stdout      # one entity: the report's, with the sheet's membership
    assert "taiyuan-cast-8th-congress-report" in shown and "示例装备院士工作站" in shown
    me.check(workstations=3, academicians=4, conflicts=set())

    # 2. a corrected copy under a new name replaces the old rows; another list plants a conflict
    corrected = WORKSTATIONS.replace("太重院士工作站,院士工作站,太原钢铁（集团）有限公司",
                                     "太重院士工作站,院士工作站,太原重工股份有限公司")
    diff = json_rows(me.run("diff", me.file("workstations-修订版.csv", corrected), "--format", "json"))
    assert [(d["change"], d["entity"], d["before"], d["after"]) for d in diff] == [
        ("changed", "太重院士工作站", "太原钢铁（集团）有限公司", "太原重工股份有限公司")]
    me.run("import", str(tmp_path / "workstations-修订版.csv"))
    me.run("import", me.file("other-hosts.csv", OTHER_HOSTS))
    me.check(workstations=3, academicians=4, conflicts=conflict)

    # 3. a removed row: the workstation, its membership and the person only it named go
    removed = "\n".join(line for line in corrected.splitlines() if not line.startswith("太重")) + "\n"
    me.run("import", me.file("workstations-修订版2.csv", removed))
    me.check(workstations=2, academicians=3, conflicts=conflict)
    assert me.kx("show", "王国法").exit_code == 1

    # 4. a person written three ways is one person
    academicians = me.file("academicians.csv", "姓名,所属学院,当选年份,进站工作站\n"
                                               "金智新院士,中国工程院,2019,太钢院士工作站\n")
    me.run("import", academicians)
    me.run("import", me.file("workstations.csv", removed.replace("殷瑞钰、金智新", "殷瑞钰、金智新（中国工程院院士）")))
    projects = me.file("projects.csv", "项目名称,项目状态,承担工作站,参与人员,开始年份\n"
                                       "示例高强钢项目,正在研发,太钢院士工作站,Jin Zhixin,2021\n")
    me.run("import", projects)
    # "Jin Zhixin" in pinyin is the academician 金智新, not a new person
    assert json_rows(me.run("query", "SELECT ?name WHERE { ?x kx:participant ?p . ?p a kx:Academician ; "
                                     "rdfs:label ?name }", "--format", "json")) == [{"name": "金智新"}]
    me.check(workstations=2, academicians=3, conflicts=conflict)

    # 5. the same person from the report and from a sheet is one entity
    write(tmp_path / "academicians.csv", "姓名,所属学院,当选年份,进站工作站\n"
                                         "金智新院士,中国工程院,2019,太钢院士工作站\n"
                                         "李德毅,中国工程院,1999,示例装备院士工作站\n")
    me.run("import", academicians)
    shown = me.run("show", "李德毅").stdout
    assert "taiyuan-cast-8th-congress-report" in shown and "academicians.csv" in shown
    me.check(workstations=2, academicians=3, conflicts=conflict)

    # 6. near-duplicates: an error until decided; one merged, one kept apart
    write(tmp_path / "academicians.csv", "姓名,所属学院,当选年份,进站工作站\n"
                                         "金智新院士,中国工程院,2019,太钢院士工作站\n"
                                         "李德毅,中国工程院,1999,示例装备院士工作站\n"
                                         "殷瑞玉,中国工程院,2005,太钢院士工作站\n"
                                         "李德义,中国科学院,2011,示例装备院士工作站\n")
    refused = me.run("import", academicians, ok=False)
    assert "殷瑞钰" in refused.stderr and "李德毅" in refused.stderr and "kx same" in refused.stderr
    me.check(workstations=2, academicians=3, conflicts=conflict)          # nothing written
    me.run("import", "--on-duplicate", "keep", academicians)
    me.run("same", "殷瑞钰", "殷瑞玉")                                     # a typo: one person
    me.check(workstations=2, academicians=4, conflicts=conflict)          # 李德义 is someone else
    assert me.kx("same", "殷瑞玉", "殷瑞钰").exit_code != 0                 # already one: no cycle
    assert me.kx("same", "殷瑞钰", "太钢院士工作站").exit_code != 0         # a person is not a workstation
    assert "殷瑞钰" in me.run("show", "殷瑞玉").stdout                      # the old name finds him

    # 7. everything again: the decisions hold, nothing doubles
    me.run("load", str(REPORT))
    me.run("import", str(tmp_path / "enterprises.csv"), str(tmp_path / "workstations.csv"), academicians, projects)
    # the other department's list names the same workstation: in one import that is a duplicate row
    me.run("import", str(tmp_path / "other-hosts.csv"))
    assert [r["name"] for r in json_rows(me.run("sources", "--format", "json"))] == [
        "academicians", "enterprises", "other-hosts", "projects", "taiyuan", "workstations"]
    me.check(workstations=2, academicians=4, conflicts=conflict)
