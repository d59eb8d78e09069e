"""Resolving an import's names against the store is indexed: a name is compared with the few held
names that could be close to it, never with every name the store holds (issue 12: the 100,000-row
import with the resolution steps). All names are synthetic (合成…).
"""

from __future__ import annotations

import kxgraph
from kxgraph.tables import validate

HELD = 300


def _register(path, names):
    path.write_text("企业名称,所属行业,所在区县\n" + "".join(f"{n},智能制造,小店区\n" for n in names), encoding="utf-8")
    return path


def test_a_new_name_is_compared_with_its_block_not_with_every_held_name(tmp_path, monkeypatch):
    with kxgraph.open(tmp_path / "s", mode="create") as g:
        g.import_tables(_register(tmp_path / "a.csv", [f"合成{i:04d}号科技有限公司" for i in range(HELD)]))
        compared: list[tuple[str, str]] = []
        real = validate.why_alike
        monkeypatch.setattr(validate, "why_alike", lambda a, b: compared.append((a, b)) or real(a, b))
        report = g.import_tables(_register(tmp_path / "b.csv", ["合成9999号科技有限公司", "合成8888号新材料有限公司"]))
    assert report.result().column("rows") == [2]
    new = {"合成9999号科技有限公司", "合成8888号新材料有限公司"}
    assert all(set(pair) <= new for pair in compared)  # the new names with each other; not 2 × 300 with the held ones


def test_a_close_name_with_the_same_numbers_is_still_found(tmp_path):
    with kxgraph.open(tmp_path / "s", mode="create") as g:
        g.import_tables(_register(tmp_path / "a.csv", ["合成第一示例钢铁（集团）有限公司", "合成第二示例钢铁有限公司"]))
        found = g.validate(_register(tmp_path / "b.csv", ["合成第一示例钢铁厂"]))
    assert len(found) == 1 and "合成第一示例钢铁（集团）有限公司" in found.records()[0]["problem"]
