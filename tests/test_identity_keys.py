"""The keys of held names kept in the label index (``name_keys``): an import looks up only the held
names its own names could match (``kxgraph.store.heldnames``), and decides exactly as it does by
reading every held name (a store without the index); after every kind of write the kept keys are
the keys of the names the store holds. All names and IRIs are synthetic (合成…, syn:).
"""

from __future__ import annotations

import shutil

import pytest

import kxgraph
from kxgraph.identity import Identity
from kxgraph.store import heldnames

KX, SYN, GRAPH = "https://w3id.org/kxgraph/ns#", "https://w3id.org/kxgraph/synthetic/", "https://w3id.org/kxgraph/graph/"
PERSON, ENTERPRISE = KX + "Academician", KX + "Enterprise"
HELD = f"""
@prefix kx: <{KX}> . @prefix syn: <{SYN}> . @prefix g: <{GRAPH}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
g:held-a {{
  syn:p1 a kx:Academician ; rdfs:label "合瑞钰"@zh ; skos:altLabel "合瑞钰院士"@zh .
  syn:p2 a kx:Academician ; rdfs:label "甲乙丙"@zh , "Jia Yibing"@en .
  syn:p3 a kx:Academician ; rdfs:label "合成长名字的一位学者"@zh .
  syn:o1 a kx:Enterprise ; rdfs:label "合成示例钢铁（集团）有限公司"@zh ; skos:altLabel "合成示钢"@zh .
  syn:o2 a kx:Enterprise ; rdfs:label "合成第一示例装备有限公司"@zh .
  syn:o4 a kx:Enterprise ; rdfs:label "合成示例材料有限公司"@zh .
  syn:o5 a kx:Enterprise ; rdfs:label "ＨＥＣＨＥＮＧ Materials Co., Ltd."@en .
  syn:o7 a kx:Enterprise ; rdfs:label "合成第一示例装备厂"@zh .
}}
g:held-b {{
  syn:o3 a kx:Enterprise ; rdfs:label "合成示例钢铁有限公司"@zh .
  syn:o6 a kx:Enterprise ; rdfs:label "合成 示例 材料 有限公司"@zh ; skos:altLabel "合成示例材料（山西）有限公司"@zh .
  syn:p4 a kx:Academician ; rdfs:label "合瑞玊"@zh .
}}
"""
PEOPLE = ["合瑞钰", "合瑞钰院士", "合瑞钰（中国工程院院士）", "合瑞玉", "合瑞", "甲乙丙", "Jia Yibing", "jia  yibing",
          "Yibing Jia", "合成长名字的一位学者", "合成长名字的一位学着", "合瑞玊", "无此人"]
ORGANISATIONS = ["合成示例钢铁有限公司", "合成示例钢铁", "合成示例钢铁厂", "合成示钢", "合成第一示例装备", "合成第二示例装备",
                 "合成示例材料有限公司", "ｈｅｃｈｅｎｇ materials", "合成第一示例装备厂", "另一家合成企业"]


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    folder = tmp_path_factory.mktemp("held")
    (folder / "held.trig").write_text(HELD, encoding="utf-8")
    with kxgraph.open(folder / "store", mode="create") as g:
        g.load(folder / "held.trig")
        g.same(SYN + "o2", SYN + "o7")   # a decision: the workshop is the company
    return folder / "store"


@pytest.fixture
def store(base, tmp_path):
    shutil.copytree(base, tmp_path / "store")
    return tmp_path / "store"


def decisions(store, exclude=()) -> dict:
    """What an import decides for each name: the entity it means, the close ones, how its name is
    written, and what the store holds of each class."""
    found = {}
    for cls, names in ((PERSON, PEOPLE), (ENTERPRISE, ORGANISATIONS)):
        found[cls] = Identity(store, exclude=exclude).holds(cls)
        for name in names:
            identity = Identity(store, exclude=exclude)     # what one name looks up, alone
            exact = identity.exact(cls, name)
            close = identity.close(cls, name)
            subject = exact or SYN + "p1"
            found[cls, name] = (exact, close, identity.label_predicate(cls, subject, name),
                                identity.is_held(cls, subject), identity.held(cls).labels.get(subject))
    return found


def without_index(monkeypatch):
    monkeypatch.setattr(heldnames, "_index", lambda store: None)   # as for an endpoint: every name is read


@pytest.mark.parametrize("exclude", [(), (GRAPH + "held-b",), (GRAPH + "held-a", GRAPH + "held-b")])
def test_an_import_decides_the_same_with_the_kept_keys_as_by_reading_every_name(store, monkeypatch, exclude):
    with kxgraph.open(store, mode="rw") as g:
        keyed = decisions(g.store, exclude)             # keys every held entity, then looks them up
        again = decisions(g.store, exclude)             # the keys kept by the first
    with kxgraph.open(store) as g:                      # read-only: nothing can be kept, the index is read
        read_only = decisions(g.store, exclude)
    with monkeypatch.context() as patch:
        without_index(patch)
        with kxgraph.open(store) as g:
            whole = decisions(g.store, exclude)
    assert keyed == again == read_only == whole
    if not exclude:
        assert whole[PERSON, "合瑞钰院士"][0] == SYN + "p1"                        # a title after the name
        assert whole[PERSON, "合瑞玉"][1] == [SYN + "p1", SYN + "p4"]              # one character apart
        assert whole[PERSON, "Yibing Jia"][0] == SYN + "p2"                          # pinyin, surname last
        assert whole[PERSON, "合成长名字的一位学着"][1] == [SYN + "p3"]              # a long name is close too
        assert whole[ENTERPRISE, "合成示例材料有限公司"][0] is None                 # written three ways, two entities
        assert whole[ENTERPRISE, "合成第一示例装备厂"][0] == SYN + "o2"              # the decision
        assert set(whole[ENTERPRISE, "合成示例钢铁厂"][1]) == {SYN + "o1", SYN + "o3"}  # o1 by two of its names
        assert whole[ENTERPRISE, "合成第二示例装备"][1] == []                       # numbers differ on purpose
        assert whole[ENTERPRISE, "ｈｅｃｈｅｎｇ materials"][0] == SYN + "o5"
    elif len(exclude) == 1:
        assert whole[ENTERPRISE, "合成示例钢铁有限公司"][0] == SYN + "o1"            # o3 is only in what goes
        assert whole[PERSON, "合瑞玉"][1] == [SYN + "p1"]
    else:
        assert not whole[PERSON] and not whole[ENTERPRISE]                           # nothing held stays


def test_a_re_import_reads_the_names_its_own_names_could_match(store, tmp_path, monkeypatch):
    with kxgraph.open(store, mode="rw") as g:
        decisions(g.store)                                   # the first import keys every held entity
        read: list[str] = []
        real = heldnames.names
        monkeypatch.setattr(heldnames, "names", lambda s, entities: read.extend(entities) or real(s, entities))
        identity = Identity(g.store)
        assert identity.exact(ENTERPRISE, "合成第一示例装备有限公司") == SYN + "o2"
        assert identity.close(PERSON, "合瑞玉") == [SYN + "p1", SYN + "p4"]
    assert set(read) == {SYN + "o2", SYN + "p1", SYN + "p4"}   # o7 is o2 now (kx same moved its names)


def kept_keys_are_fresh(g) -> set[str]:
    """Check that the keys the index keeps are those of the names the store holds; the keyed entities."""
    with g.store.index._snapshot() as conn:
        assert conn is not None
        keyed = {entity for (entity,) in conn.execute("SELECT entity FROM name_keyed")}
        kept = set(conn.execute("SELECT entity, graph, key, kinds FROM name_keys"))
    assert kept == heldnames.key_rows(heldnames.names(g.store, keyed))
    return keyed


def key_all(g) -> set[str]:
    identity = Identity(g.store)
    identity.held(PERSON), identity.held(ENTERPRISE)
    keyed = kept_keys_are_fresh(g)
    assert {SYN + "p1", SYN + "o1"} <= keyed
    return keyed


@pytest.mark.slow
def test_the_kept_keys_follow_every_kind_of_write(store, tmp_path):
    more = tmp_path / "more.trig"
    more.write_text(f"""@prefix syn: <{SYN}> . @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{GRAPH}more> {{ syn:o1 skos:altLabel "合成新名钢铁" . syn:p1 skos:altLabel "合瑞钰博士"@zh . }}""",
                    encoding="utf-8")
    register = tmp_path / "合成企业.csv"
    register.write_text("企业名称,所属行业,所在区县\n合成第一示例装备有限公司,冶金,小店区\n合成新办企业有限公司,冶金,小店区\n",
                        encoding="utf-8")
    with kxgraph.open(store, mode="rw") as g:
        key_all(g)
        writes = [lambda: g.load(more), lambda: g.import_tables(register),
                  lambda: g.update(f'DELETE WHERE {{ GRAPH <{GRAPH}held-a> {{ <{SYN}o4> <http://www.w3.org/2000/01/rdf-schema#label> ?l }} }} ;'
                                   f'INSERT DATA {{ GRAPH <{GRAPH}held-a> {{ <{SYN}o4> <http://www.w3.org/2000/01/rdf-schema#label> "合成改名材料"@zh }} }}'),
                  lambda: g.drop(GRAPH + "more"), g.reindex]
        for write in writes:
            write()
            kept_keys_are_fresh(g)          # what the write changed is no longer kept
            key_all(g)
        assert Identity(g.store).exact(ENTERPRISE, "合成改名材料") == SYN + "o4"
        assert Identity(g.store).exact(ENTERPRISE, "合成新名钢铁") is None     # its graph was dropped
