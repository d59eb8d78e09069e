"""The reading commands against a real second engine: Virtuoso 7.2 (Debian's virtuoso-opensource),
started on 127.0.0.1 with a throw-away database, answering as the embedded store does.

Dialect differences are worked around in kxgraph.store.dialect (and listed there)."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parent.parent
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt") or shutil.which("isql")
FILES = [REPO / "tests" / "data" / "kx3-sample.ttl", REPO / "src" / "kxgraph" / "data" / "taiyuan" / "taiyuan.trig"]
SYN = "https://w3id.org/kxgraph/synthetic/"

INI = """[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql}
DisableUnixSocket = 1
DirsAllowed = {db}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {db}
ServerThreads = 4
MaxClientConnections = 4
"""


class Virtuoso(str):
    """The server's SPARQL URL, able to run SQL on it as its administrator."""

    def __new__(cls, url: str, isql: list[str], directory: Path):
        made = super().__new__(cls, url)
        made.isql, made.directory = isql, directory  # files it reads must be in its directory
        return made

    def sql(self, statements: str) -> None:
        subprocess.run([*self.isql, "exec=" + statements], check=True, capture_output=True, timeout=120)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A Virtuoso holding the sample network, the ontology and the Taiyuan report; its SPARQL URL."""
    if VIRTUOSO is None or ISQL is None:
        pytest.skip("virtuoso-opensource is not installed (virtuoso-t, isql-vt)")
    import pyoxigraph as ox

    from kxgraph.load import plan, reference_items

    db = tmp_path_factory.mktemp("virtuoso")
    sql, http = free_port(), free_port()
    (db / "virtuoso.ini").write_text(INI.format(db=db, sql=sql, http=http), encoding="utf-8")
    server = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(db / "virtuoso.ini")],
                              cwd=db, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(url + "?query=ASK%7B%7D", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    pytest.fail("Virtuoso did not start")
                time.sleep(0.5)
        # One N-Triples file per graph, loaded by Virtuoso's own loader (as a deployment would).
        by_graph: dict[str, list[str]] = {}
        for item in reference_items() + plan([str(f) for f in FILES]):  # as a first kx load brings
            for quad in ox.parse(path=str(item.path), format=item.format, base_iri=item.path.as_uri()):
                graph = item.graph if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
                by_graph.setdefault(graph, []).append(f"{quad.subject} {quad.predicate} {quad.object} .")
        # Debian's database indexes every literal for text search from the start; the module starts
        # without (test_find_through_the_text_index_or_without_it turns it on).
        calls = ["DB.DBA.RDF_OBJ_FT_RULE_DEL(null, null, 'ALL');"]
        for i, (graph, lines) in enumerate(by_graph.items()):
            (db / f"g{i}.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
            calls.append(f"DB.DBA.TTLP_MT(file_to_string_output('{db}/g{i}.nt'), '', '{graph}', 0);")
        Virtuoso(url, [ISQL, f"127.0.0.1:{sql}", "dba", "dba"], db).sql(" ".join(calls) + " checkpoint;")
        yield Virtuoso(url, [ISQL, f"127.0.0.1:{sql}", "dba", "dba"], db)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture(scope="module")
def embedded(tmp_path_factory):
    """The same files in the embedded store."""
    import kxgraph

    path = tmp_path_factory.mktemp("embedded") / "store"
    with kxgraph.open(path, mode="create") as g:
        g.load(*FILES, ontology=True)
        # the same data as Virtuoso holds: without the source records a kx load keeps beside it
        for quad_graph in {q.graph_name.value for q in g.store.raw}:
            if quad_graph.startswith("https://w3id.org/kxgraph/graph/source/"):
                g.store.drop(quad_graph)
    return path


def rows(kx, *args, store=None, endpoint=None):
    target = ["--endpoint", endpoint] if endpoint else ["--store", str(store)]
    result = kx(*target, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    return [{k: v["value"] for k, v in b.items()} for b in json.loads(result.stdout)["results"]["bindings"]]


@pytest.fixture(scope="module")
def kx():
    from click.testing import CliRunner

    from kxgraph.cli import main

    runner = CliRunner()
    return lambda *args: runner.invoke(main, list(args), catch_exceptions=False)


@pytest.mark.parametrize("command", [
    ["graphs"],
    ["stats"],
    ["find", "院士工作站"],
    ["find", "jinyang"],
    ["find", "Taiyuan"],
    ["show", "syn:person/a1"],
    ["show", "小店区"],
    ["query", "workstations-by-district"],
    ["query", "collaborators", "--param", "entity=syn:person/a1"],
    ["queries"],
])
def test_reading_commands_answer_as_the_embedded_store_does(virtuoso, embedded, kx, command):
    ours = rows(kx, *command, store=embedded)
    theirs = rows(kx, *command, endpoint=virtuoso)
    key = lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False)  # noqa: E731
    assert sorted(theirs, key=key) == sorted(ours, key=key)
    assert ours, "the command found something to compare"


def test_ask_is_a_boolean(virtuoso, kx):
    result = kx("--endpoint", virtuoso, "query", f"ASK {{ <{SYN}person/a1> ?p ?o }}")
    assert result.exit_code == 0 and result.stdout.strip() == "true"


def test_analysis_and_views_work_through_the_endpoint(virtuoso, embedded, kx, tmp_path):
    ours = rows(kx, "analyze", "--top", "3", store=embedded)
    theirs = rows(kx, "analyze", "--top", "3", endpoint=virtuoso)
    pick = lambda rs: sorted((r["type"], r["entity"], r["links"]) for r in rs)  # noqa: E731
    assert pick(theirs) == pick(ours)
    page = tmp_path / "view.html"
    assert kx("--endpoint", virtuoso, "view", "-o", str(page)).exit_code == 0
    assert SYN + "person/a1" in page.read_text(encoding="utf-8")


def test_report_compares_figures_as_with_the_embedded_store(virtuoso, embedded, kx):
    ours = rows(kx, "report", store=embedded)
    theirs = rows(kx, "report", endpoint=virtuoso)
    pick = lambda rs: sorted((r["indicator"], r.get("computed"), r["status"]) for r in rs)  # noqa: E731
    assert pick(theirs) == pick(ours)


FIND = ["院士工作站", "太原", "太原 科协", "晋阳", "Taiyuan", "workstation", "jinyang", "taiyuanshi"]


def test_find_through_the_text_index_or_without_it(virtuoso, embedded, kx, monkeypatch):
    """kx find answers as the embedded store does (same rows, same order) whether Virtuoso's text
    index is off or on; with it on, Chinese text is narrowed by bif:contains, latin text and pinyin
    go the plain SPARQL way."""
    from kxgraph.store.endpoint import EndpointStore

    sent: list[str] = []
    request = EndpointStore._request
    monkeypatch.setattr(EndpointStore, "_request", lambda self, url, field, text, accept=None:
                        sent.append(text) or request(self, url, field, text, accept))
    # The rows in their order (of an entity's several types, find shows the same one on every engine)
    found = lambda rs: [(r["entity"], r.get("label"), r.get("en"), r.get("type"), r.get("synthetic"))  # noqa: E731
                        for r in rs]
    expected = {text: found(rows(kx, "find", text, store=embedded)) for text in FIND}
    assert all(expected[text] for text in FIND), "every query finds something to compare"

    def searched(text: str) -> bool:
        sent.clear()
        assert found(rows(kx, "find", text, endpoint=virtuoso)) == expected[text], text
        return any("bif:contains" in query and "SELECT" in query for query in sent)

    assert [searched(text) for text in FIND] == [False] * len(FIND)  # no index: probed, then plain SPARQL
    virtuoso.sql("DB.DBA.RDF_OBJ_FT_RULE_ADD(null, null, 'ALL'); DB.DBA.VT_INC_INDEX_DB_DBA_RDF_OBJ();")
    assert [searched(text) for text in FIND] == [True] * 4 + [False] * 4


def test_the_text_index_is_probed_once_per_store(virtuoso, monkeypatch):
    import kxgraph
    from kxgraph.store.endpoint import EndpointStore

    sent: list[str] = []
    request = EndpointStore._request
    monkeypatch.setattr(EndpointStore, "_request", lambda self, url, field, text, accept=None:
                        sent.append(text) or request(self, url, field, text, accept))
    virtuoso.sql("DB.DBA.RDF_OBJ_FT_RULE_ADD(null, null, 'ALL'); DB.DBA.VT_INC_INDEX_DB_DBA_RDF_OBJ();")
    graph = kxgraph.open(endpoint=virtuoso)
    assert graph.find("晋阳") and graph.find("院士工作站") and graph.find("晋阳")
    assert sum("finds the sampled entity" in query for query in sent) == 1  # the ASK probing the index
    assert graph.store.text_index is True
    expected = graph.find("晋阳").rows
    sent.clear()
    monkeypatch.setenv("KXGRAPH_ENDPOINT_TEXT_SEARCH", "off")  # an administrator's way to keep to CONTAINS
    assert kxgraph.open(endpoint=virtuoso).find("晋阳").rows == expected
    assert sent and not any("bif:contains" in query for query in sent)


def test_a_text_pattern_is_written_in_place_as_a_literal_only_for_chinese_text():
    import pyoxigraph as ox

    from kxgraph.store.dialect import STANDARD, VIRTUOSO

    assert VIRTUOSO.text_words(["晋阳", "a1院士"]) == '"晋阳" AND "院士"'
    assert VIRTUOSO.text_words(["jinyang"]) is None and STANDARD.text_words(["晋阳"]) is None
    text = "SELECT * { ?e ?p ?label . ?label bif:contains ?words FILTER(CONTAINS(?label, ?needle)) }"
    terms = {"words": ox.Literal('"晋阳" AND "院士"'), "needle": ox.Literal("晋阳")}
    written, rest = VIRTUOSO.bind(text, terms)
    assert 'bif:contains "\\"晋阳\\" AND \\"院士\\""' in written and rest == {"needle": terms["needle"]}
    ox.Store().query("PREFIX bif: <bif:> " + written)  # still SPARQL
    assert STANDARD.bind(text, terms) == (text, terms)
    assert VIRTUOSO.bind(text, {"words": ox.NamedNode("http://example.org/x")})[0] == text  # no IRI in place


def test_find_keeps_the_best_labels_when_more_than_it_reads_hold_the_text(virtuoso, kx, tmp_path):
    """More than 5,000 labels hold the text: with the text index or without, the exact label comes
    first, then the prefixes, shortest first, not whichever 5,000 the server read first."""
    graph = SYN + "graph/cut"
    lines = [f'<{SYN}cut/exact> <http://www.w3.org/2000/01/rdf-schema#label> "合成测试标签"@zh .']
    for i in range(5100):  # synthetic labels: 5,100 holding the text after something, 5,100 starting with it
        lines.append(f'<{SYN}cut/inner-{i}> <http://www.w3.org/2000/01/rdf-schema#label> "旧合成测试标签{i:04d}"@zh .')
        lines.append(f'<{SYN}cut/prefix-{i}> <http://www.w3.org/2000/01/rdf-schema#label> "合成测试标签{i:04d}"@zh .')
    data = Path(virtuoso.directory) / "cut.nt"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    virtuoso.sql(f"DB.DBA.TTLP_MT(file_to_string_output('{data}'), '', '{graph}', 0); "
                 "DB.DBA.RDF_OBJ_FT_RULE_ADD(null, null, 'ALL'); DB.DBA.VT_INC_INDEX_DB_DBA_RDF_OBJ();")
    try:
        import kxgraph

        expected = [SYN + "cut/exact"] + [f"{SYN}cut/prefix-{i}" for i in range(19)]
        for text_index in (None, False):  # probed (and found), or kept to plain SPARQL
            g = kxgraph.open(endpoint=virtuoso)
            g.store.text_index = text_index
            assert [row[0].value for row in g.find("合成测试标签").rows] == expected
    finally:
        virtuoso.sql(f"SPARQL CLEAR GRAPH <{graph}>;")


def test_a_first_query_resent_in_the_servers_dialect_binds_its_values_once(virtuoso, monkeypatch):
    import pyoxigraph as ox

    from kxgraph.store.endpoint import EndpointStore

    sent: list[str] = []
    request = EndpointStore._request
    monkeypatch.setattr(EndpointStore, "_request", lambda self, url, field, text, accept=None:
                        sent.append(text) or request(self, url, field, text, accept))
    store = EndpointStore(virtuoso)
    answer = store.query("SELECT ?label WHERE { ?entity rdfs:label ?label }",
                         substitutions={"entity": ox.NamedNode(SYN + "person/a1")})
    assert answer.rows and len(sent) == 2 and "graph-exclude" in sent[1]  # learnt it speaks to Virtuoso
    assert [query.count("VALUES") for query in sent] == [1, 1]
