"""Registers as offices keep them (issue 12): header variants and extra columns, hosts of any kind
that no other sheet defines, academies and divisions, dates with their precision.

Every name here is invented (示例…); the divisions are the real ones shipped as reference data.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

PREFIXES = ("PREFIX kx: <https://w3id.org/kxgraph/ns#> PREFIX org: <http://www.w3.org/ns/org#> "
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX dcterms: <http://purl.org/dc/terms/> "
            "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
CLASS_COUNTS = PREFIXES + """SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
    GRAPH ?g { ?s a ?class } FILTER(?g != <https://w3id.org/kxgraph/graph/ontology>) } GROUP BY ?class"""

# A workstation register as an office keeps it: 所在县区 (not 所在区县), a contact and a remarks
# column, hosts of every kind and no enterprise register beside it.
STATIONS = ("序号,工作站名称,依托单位,单位类型,进站院士,建站时间,所在县区,联系人,备注\n"
            "1,示例甲院士工作站,示例市第一人民医院,,示例院士甲,2021年3月,小店区,示例联系人甲,新建\n"
            "2,示例乙院士工作站,示例理工大学,,示例院士乙,2019,迎泽区,,\n"
            "3,示例丙院士工作站,示例煤化工研究所,,示例院士丙,2018-05-20,晋源区,示例联系人丙,\n"
            "4,示例丁院士工作站,示例装备制造有限公司,,示例院士甲,2020,万柏林区,,\n"
            "5,示例戊院士工作站,示例农业服务中心,事业单位,示例院士乙,2022年,清徐县,,\n")


def rows_of(result) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


def counts(kx_json) -> dict[str, int]:
    return {r["class"].rsplit("#", 1)[-1].rsplit("/", 1)[-1]: int(r["n"]) for r in kx_json("query", CLASS_COUNTS)}


@pytest.fixture
def gbk_register(tmp_path: Path) -> Path:
    path = tmp_path / "工作站名单.csv"
    path.write_bytes(STATIONS.encode("gbk"))
    return path


def xlsx_register(path: Path) -> Path:
    """The same register as XLSX: a title row, headers merged over two rows, a 合计 row."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["示例市院士工作站名单"])
    ws.merge_cells("A1:I1")
    lines = [line.split(",") for line in STATIONS.strip().splitlines()]
    ws.append(lines[0])
    ws.append(lines[0])                      # the header merged down over two rows
    for column in "ABCDEFGHI":
        ws.merge_cells(f"{column}2:{column}3")
    for cells in lines[1:]:
        ws.append([c or None for c in cells])
    ws.append(["合计", "5个"])
    book.save(path)
    return path


# -- 1. headers -------------------------------------------------------------------------------

def test_a_gbk_register_with_header_variants_and_extra_columns_imports(kx, kx_json, gbk_register):
    result = kx("import", str(gbk_register))
    assert result.exit_code == 0, result.output
    assert "联系人" in result.stderr and "kept as notes" in result.stderr       # a warning, not an error
    assert result.stderr.count("kept as notes") == 1                            # 备注 is expected: no warning
    found = counts(kx_json)
    assert found["AcademicianWorkstation"] == 5 and found["Academician"] == 3
    places = kx_json("query", PREFIXES + "SELECT ?ws ?p WHERE { ?ws a kx:AcademicianWorkstation ; "
                     "<http://schema.org/location> ?p }")
    assert len(places) == 5                                                      # 所在县区 is 所在区县
    notes = kx_json("query", PREFIXES + """SELECT ?name ?header ?text WHERE { ?ws rdfs:label ?name ;
        kx:note ?n . ?n rdf:value ?text ; kx:noteHeader ?header } ORDER BY ?name ?header""")
    assert [(n["name"], n["header"], n["text"]) for n in notes] == [
        ("示例丙院士工作站", "联系人", "示例联系人丙"), ("示例甲院士工作站", "备注", "新建"),
        ("示例甲院士工作站", "联系人", "示例联系人甲")]
    assert kx("validate", "--store").exit_code == 0                             # the notes fit the shapes


def test_strict_refuses_an_unknown_column_and_a_headers_file_maps_it(kx, tmp_path):
    sheet = tmp_path / "e.csv"
    sheet.write_text("企业名称,企业规模\n示例有限公司,中型\n", encoding="utf-8")
    refused = kx("validate", str(sheet), "--strict", "--format", "json")
    assert refused.exit_code == 1 and "unknown column" in rows_of(refused)[0]["problem"]
    (tmp_path / "h.yaml").write_text("industry: [企业规模]\n", encoding="utf-8")
    assert kx("validate", str(sheet), "--strict", "--headers", str(tmp_path / "h.yaml")).exit_code == 0


def test_a_headers_file_with_an_alias_is_refused(kx, tmp_path):
    sheet = tmp_path / "e.csv"
    sheet.write_text("企业名称\n示例有限公司\n", encoding="utf-8")
    (tmp_path / "h.yaml").write_text("a: &x [甲, 乙]\nb: *x\n", encoding="utf-8")
    result = kx("validate", str(sheet), "--headers", str(tmp_path / "h.yaml"))
    assert result.exit_code != 0 and "aliases" in result.stderr


# -- 2. hosts no sheet defines --------------------------------------------------------------------

def test_hosts_no_sheet_defines_become_organisations_of_the_kind_their_name_or_type_says(kx, kx_json, tmp_path):
    book = xlsx_register(tmp_path / "工作站名单.xlsx")
    result = kx("import", str(book))
    assert result.exit_code == 0, result.output
    assert "created" in result.stderr and "依托单位" in result.stderr and "kx:Hospital" in result.stderr
    hosts = kx_json("query", PREFIXES + """SELECT ?name ?class WHERE { ?ws kx:hostOrganization ?h .
        ?h a ?class ; rdfs:label ?name ; dcterms:source ?row } ORDER BY ?name""")
    kinds = {h["name"]: h["class"].rsplit("#", 1)[-1] for h in hosts}
    assert kinds == {"示例市第一人民医院": "Hospital", "示例理工大学": "University",
                     "示例煤化工研究所": "ResearchInstitute", "示例装备制造有限公司": "Enterprise",
                     "示例农业服务中心": "PublicInstitution"}
    by_kind = {r["label"]: int(r["hosts"]) for r in kx_json("query", "hosts-by-kind")}
    assert by_kind == {"医院": 1, "高等院校": 1, "科研院所": 1, "企业": 1, "事业单位": 1}   # labels from the store
    founded = kx_json("query", PREFIXES + """SELECT ?name (DATATYPE(?d) AS ?type) ?d WHERE {
        ?ws a kx:AcademicianWorkstation ; rdfs:label ?name ; dcterms:created ?d } ORDER BY ?name""")
    assert {r["name"][2]: (r["d"], r["type"].rsplit("#")[-1]) for r in founded} == {
        "甲": ("2021-03", "gYearMonth"), "乙": ("2019", "gYear"), "丙": ("2018-05-20", "date"),
        "丁": ("2020", "gYear"), "戊": ("2022", "gYear")}
    assert kx("validate", "--store").exit_code == 0


def test_a_host_kind_outside_the_scheme_names_row_column_and_the_allowed_values(kx, tmp_path):
    sheet = tmp_path / "w.csv"
    sheet.write_text(STATIONS.replace(",事业单位,", ",机构,"), encoding="utf-8")
    result = kx("validate", str(sheet), "--format", "json")
    [problem] = rows_of(result)
    assert (problem["row"], problem["column"], problem["value"]) == ("6", "单位类型", "机构")
    assert "医院" in problem["problem"] and "事业单位" in problem["problem"] and "企业" in problem["problem"]


def test_strict_requires_hosts_to_be_defined(kx, gbk_register):
    result = kx("validate", str(gbk_register), "--strict", "--format", "json")
    problems = rows_of(result)
    assert {p["column"] for p in problems} == {"依托单位", "联系人"}
    assert sum(p["column"] == "依托单位" for p in problems) == 5


# -- 3. academies and divisions ---------------------------------------------------------------------

ACADEMICIANS = ("姓名,院别,学部,当选时间,工作单位\n"
                "示例院士甲,两院院士,化学部,2021年11月,示例理工大学\n"
                "示例院士乙,中国工程院,机械与运载工程学部,2019,示例重工集团有限公司\n"
                "示例院士丙,中国科学院、中国工程院,能源与矿业工程学部,2017-11-27,示例煤化工研究所\n"
                "示例院士丁,中国科学院,生物学部,1995,示例医科大学第一医院\n")
ELECTIONS = PREFIXES + """SELECT ?name ?academy ?division ?elected (DATATYPE(?elected) AS ?type) WHERE {
    ?m org:member/rdfs:label ?name ; org:role kx:AcademicianMember ; org:organization ?academy ;
       kx:electionYear ?elected . OPTIONAL { ?m kx:division ?division } } ORDER BY ?name ?academy"""


def test_academies_divisions_and_election_dates_are_recorded_against_the_real_scheme(kx, kx_json, tmp_path):
    sheet = tmp_path / "院士名单.csv"
    sheet.write_bytes(ACADEMICIANS.encode("gbk"))
    result = kx("import", str(sheet))
    assert result.exit_code == 0, result.output
    kx_ns, division, xsd = "https://w3id.org/kxgraph/ns#", "https://w3id.org/kxgraph/id/division/", \
        "http://www.w3.org/2001/XMLSchema#"
    got = [(r["name"], r["academy"].removeprefix(kx_ns), r.get("division", "").removeprefix(division),
            r["elected"], r["type"].removeprefix(xsd)) for r in kx_json("query", ELECTIONS)]
    assert got == [
        ("示例院士丁", "CAS", "cas-life-medicine", "1995", "gYear"),         # 生物学部: the former name
        ("示例院士丙", "CAE", "cae-energy-mining", "2017-11-27", "date"),
        ("示例院士丙", "CAS", "", "2017-11-27", "date"),                    # the division is CAE's
        ("示例院士乙", "CAE", "cae-mechanical-vehicle", "2019", "gYear"),
        ("示例院士甲", "CAE", "", "2021-11", "gYearMonth"),
        ("示例院士甲", "CAS", "cas-chemistry", "2021-11", "gYearMonth")]
    by_academy = {r["label"]: int(r["academicians"]) for r in kx_json("query", "academicians-by-academy")}
    assert by_academy == {"中国科学院": 3, "中国工程院": 3}
    by_division = {r["label"]: int(r["academicians"]) for r in kx_json("query", "academicians-by-division")}
    assert len(by_division) == 15 and by_division["化学部"] == 1 and by_division["农业学部"] == 0
    by_year = {(r["year"], r["academy"].rsplit("#")[-1]): int(r["academicians"])
               for r in kx_json("query", "academicians-by-election-year")}
    assert by_year[("2021", "CAS")] == 1 and by_year[("2017", "CAE")] == 1 and len(by_year) == 6
    affiliations = {r["class"].rsplit("#")[-1] for r in kx_json(
        "query", PREFIXES + "SELECT ?class WHERE { ?p kx:worksFor ?o . ?o a ?class }")}
    assert affiliations == {"University", "Enterprise", "ResearchInstitute", "Hospital"}
    assert kx("validate", "--store").exit_code == 0


def test_a_division_typo_is_a_question_never_free_text(kx, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("姓名,院别,学部\n示例院士甲,中国工程院,接卸与运载工程学部\n示例院士乙,中国科学院,化学部\n",
                     encoding="utf-8")
    result = kx("import", str(sheet), "--format", "json")
    assert result.exit_code != 0
    assert "did you mean 机械与运载工程学部?" in result.stderr and "nothing written" in result.stderr
    skipped = kx("import", str(sheet), "--skip-bad-rows", "--rejects", str(tmp_path / "r.csv"))
    assert skipped.exit_code == 0, skipped.output                        # the typo row is rejected, not kept
    assert "接卸" in (tmp_path / "r.csv").read_text(encoding="utf-8-sig")
    assert not kx("query", "ASK { ?s ?p ?o FILTER(CONTAINS(STR(?o), '接卸')) }", "--format", "json").stdout.count("true")


def test_an_academy_typo_is_a_question_too(kx, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("姓名,院别\n示例院士甲,中国工程学院\n", encoding="utf-8")
    [problem] = rows_of(kx("validate", str(sheet), "--format", "json"))
    assert problem["column"] == "院别" and "did you mean 中国工程院?" in problem["problem"]


def test_a_division_of_the_other_academy_is_a_problem(kx, tmp_path):
    sheet = tmp_path / "a.csv"
    sheet.write_text("姓名,院别,学部\n示例院士甲,中国科学院,农业学部\n", encoding="utf-8")
    result = kx("validate", str(sheet), "--format", "json")
    [problem] = rows_of(result)
    assert problem["column"] == "学部" and "Chinese Academy of Engineering" in problem["problem"]


# -- 4. mappings ------------------------------------------------------------------------------------

EXAMPLES = Path(__file__).resolve().parent.parent / "src" / "kxgraph" / "data" / "templates" / "examples"


def test_a_cae_list_without_an_academy_column_imports_through_a_mapping_with_a_constant(kx, kx_json, tmp_path):
    """The example of data/templates/README.md: constant, value map, English affiliations."""
    result = kx("import", str(EXAMPLES / "cae-list.csv"), "--mapping", str(EXAMPLES / "cae-list.yaml"))
    assert result.exit_code == 0, result.output
    rows = kx_json("query", ELECTIONS)
    assert len(rows) == 4 and {r["academy"] for r in rows} == {"https://w3id.org/kxgraph/ns#CAE"}
    assert sum("division" in r for r in rows) == 3                          # N: no division
    labels = kx_json("query", PREFIXES + """SELECT ?l (LANG(?l) AS ?lang) WHERE { ?p kx:worksFor ?o .
        ?o rdfs:label ?l }""")
    assert len(labels) == 4 and {r["lang"] for r in labels} == {"en"}
    # the division's name comes with the store: no `kx load --ontology` needed
    names = kx_json("query", PREFIXES + """SELECT DISTINCT ?name WHERE { ?m kx:division ?d .
        ?d rdfs:label ?name FILTER(LANG(?name) = "zh") }""")
    assert {r["name"] for r in names} == {"机械与运载工程学部", "能源与矿业工程学部", "医药卫生学部"}


def test_a_cae_list_with_a_typo_names_the_row_and_the_division_meant(kx, tmp_path):
    sheet = tmp_path / "cae.csv"
    sheet.write_text((EXAMPLES / "cae-list.csv").read_text(encoding="utf-8").replace(
        "机械与运载工程学部", "接卸与运载工程学部"), encoding="utf-8")
    result = kx("validate", str(sheet), "--mapping", str(EXAMPLES / "cae-list.yaml"), "--format", "json")
    [problem] = rows_of(result)
    assert problem["row"] == "2" and "did you mean 机械与运载工程学部?" in problem["problem"]


@pytest.mark.parametrize(("change", "says"), [
    ("academy: {const: 中国工程学院}", "column 'academy' const: '中国工程学院' is not a known kx:Academy"),
    ("nonesuch: {const: x}", "column 'nonesuch'"),
    ("academy: [1, 2]", "columns: academy"),
])
def test_a_bad_constant_names_the_mapping_file_and_key(kx, tmp_path, change, says):
    mapping = tmp_path / "m.yaml"
    mapping.write_text(f"extends: academicians\ncolumns:\n  {change}\n", encoding="utf-8")
    result = kx("validate", str(EXAMPLES / "cae-list.csv"), "--mapping", str(mapping))
    assert result.exit_code != 0 and "m.yaml" in result.stderr and says in result.stderr


def test_a_mapping_with_yaml_aliases_is_refused(kx, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("extends: academicians\ncolumns:\n  academy: &a {const: 中国工程院}\n  division: *a\n",
                       encoding="utf-8")
    result = kx("validate", str(EXAMPLES / "cae-list.csv"), "--mapping", str(mapping))
    assert result.exit_code != 0 and "aliases" in result.stderr and "m.yaml" in result.stderr


# -- 7. pinyin of polyphonic surnames -----------------------------------------------------------------

SURNAMES = {"翟": "zhai", "单": "shan", "曾": "zeng", "解": "xie", "区": "ou", "仇": "qiu", "朴": "piao",
            "查": "zha", "盖": "ge"}


@pytest.fixture(scope="module")
def people():
    import kxgraph

    g = kxgraph.open(memory=True)
    g.store.update("INSERT DATA { " + " ".join(
        f'<urn:x:{i}> a <https://w3id.org/kxgraph/ns#Academician> ; '
        f'<http://www.w3.org/2000/01/rdf-schema#label> "{c}光示"@zh .' for i, c in enumerate(SURNAMES)) + " }")
    return g


@pytest.mark.parametrize("surname", sorted(SURNAMES))
def test_a_polyphonic_surname_is_found_by_its_surname_reading_and_its_others(people, surname):
    reading = SURNAMES[surname]
    for query in (f"{reading}guangshi", f"{reading.title()} Guangshi"):
        assert f"{surname}光示" in [r[1].value for r in people.find(query).rows], query
    from kxgraph.explore import first_readings

    other = first_readings({surname})[surname][1]           # the word reading still finds it
    assert f"{surname}光示" in [r[1].value for r in people.find(f"{other}guangshi").rows]


def test_the_readme_shows_the_example_mapping_the_tests_run():
    readme = (EXAMPLES.parent / "README.md").read_text(encoding="utf-8")
    body = [line for line in (EXAMPLES / "cae-list.yaml").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    assert all(line in readme for line in body)


def test_an_organisation_register_says_the_kind_of_each_row_and_the_workstations_link_to_it(kx, kx_json, tmp_path):
    orgs = tmp_path / "单位.csv"
    orgs.write_text("单位名称,单位类型,所在县区\n示例市第一人民医院,医院,小店区\n示例理工大学,高校,迎泽区\n", encoding="utf-8")
    stations = tmp_path / "工作站.csv"
    stations.write_text(STATIONS, encoding="utf-8")
    result = kx("import", str(orgs), str(stations))
    assert result.exit_code == 0, result.output
    created = result.stderr.split("created from names no sheet defines:")[1]
    assert "示例市第一人民医院" not in created and "示例煤化工研究所" in created   # defined ones are linked
    kinds = {r["label"]: int(r["hosts"]) for r in kx_json("query", "hosts-by-kind")}
    assert kinds["医院"] == 1 and kinds["高等院校"] == 1
