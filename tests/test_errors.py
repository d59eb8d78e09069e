"""The one error boundary: bad input to any public call or command gives a KxError, never a traceback.

Each bad value below once escaped as a Python traceback (issue 16, item 10) or as the wrong class
(issue 15, item 3).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import kxgraph
from kxgraph.errors import AmbiguousNameError, InputError, KxError, ParameterError, WriteError

DATA = Path(__file__).parent / "data" / "kx3-sample.ttl"

# IRIs and names a careless colleague or a hostile file may give.
BAD_TEXT = ["<a b>", "<http://x/%zz>", "<http://x/\x01>", "kx:a\x1b[31m", "", "<>", "http://x/ y", "\x00",
            "<http://x/>\u202e"]


def _xlsx(tmp_path: Path, name: str, damage) -> Path:
    from openpyxl import Workbook

    good = io.BytesIO()
    book = Workbook()
    book.active.append(["名称", "统一社会信用代码"])
    book.active.append(["太钢", "91140000110014520X"])
    book.save(good)
    path = tmp_path / name
    path.write_bytes(damage(good.getvalue()))
    return path


def _broken_sheet_xml(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, b"<worksheet><sheetData><row r='1'><c" if "worksheets/" in info.filename else body)
    return out.getvalue()


def _broken_deflate(data: bytes) -> bytes:
    raw = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + 20):
        raw[i] ^= 0xFF
    return bytes(raw)


@pytest.fixture
def bad_files(tmp_path) -> list[Path]:
    """Files that are not what their names say, or are damaged."""
    files = [_xlsx(tmp_path, "xml.xlsx", _broken_sheet_xml),   # xml ParseError inside the zip
             _xlsx(tmp_path, "zlib.xlsx", _broken_deflate),     # zlib.error inside the zip
             tmp_path / "absent.ttl", tmp_path]
    for name, data in {"junk.xlsx": b"PK\x03\x04junk", "gbk.csv": "名称\n太钢\n".encode("gbk")[:-2] + b"\xff",
                       "bad.ttl": b"<a> <b> \"x .", "bom.nt": b"\xef\xbb\xbf<http://x/a> <http://x/b> <http://x/%zz> .",
                       "nul.rq": b"SELECT \x00 WHERE {}", "empty.csv": b""}.items():
        (tmp_path / name).write_bytes(data)
        files.append(tmp_path / name)
    return files


@pytest.fixture
def g():
    graph = kxgraph.open(memory=True)
    graph.load(DATA)
    yield graph
    graph.close()


def calls(g, out: Path):
    """Every public call of the facade, each taking one bad value."""
    yield from [
        lambda v: g.query(v), lambda v: g.named(v), lambda v: g.named("collaborators", {"entity": v}),
        lambda v: g.update(v), lambda v: g.drop(v), lambda v: g.find(v), lambda v: g.show(v),
        lambda v: g.load(DATA, graph=v), lambda v: g.load(DATA, format=v),
        lambda v: g.network(focus=v), lambda v: g.network(types=[v]), lambda v: g.network(query=v),
        lambda v: g.network(projection=v), lambda v: g.network(links=[v]),
        lambda v: g.network(query="collaborators", params={"entity": v}),
        lambda v: g.view(focus=v), lambda v: g.analyze(focus=v), lambda v: g.path(v, "甲院士"),
        lambda v: g.path("甲院士", v), lambda v: g.export(out / "n.graphml", format=v),
        lambda v: g.export(out / "n.graphml", focus=v), lambda v: g.validate(store=True, graph=v),
        lambda v: g.report(period=v), lambda v: g.report(area=v),
    ]


def test_every_public_call_of_the_facade_raises_only_kxerrors_on_bad_text(g, tmp_path):
    for n, call in enumerate(calls(g, tmp_path)):
        for value in BAD_TEXT:
            try:
                call(value)
            except KxError as exc:
                assert "\n" not in str(exc), (n, value, str(exc))
            except Exception as exc:  # noqa: BLE001 - the point of the test
                pytest.fail(f"call {n} with {value!r} raised {type(exc).__name__}: {exc}")


def test_every_call_that_reads_files_raises_only_input_errors_on_bad_files(g, bad_files):
    for path in bad_files:
        for call in (lambda p: g.load(p), lambda p: g.import_tables(p), lambda p: g.validate(p),
                     lambda p: g.import_tables(DATA, mapping=p), lambda p: g.network(query=str(p))):
            try:
                call(path)
            except KxError:
                pass
            except Exception as exc:  # noqa: BLE001
                pytest.fail(f"{path.name} raised {type(exc).__name__}: {exc}")


@pytest.mark.parametrize("name, damage", [("xml.xlsx", _broken_sheet_xml), ("zlib.xlsx", _broken_deflate)])
def test_a_damaged_workbook_is_an_input_error_naming_it(g, tmp_path, name, damage):
    path = _xlsx(tmp_path, name, damage)
    with pytest.raises(InputError, match=name):
        g.validate(path)


def test_the_classes_say_what_went_wrong(g, tmp_path):
    g.update('INSERT DATA { GRAPH <urn:x> { <urn:a> rdfs:label "同名"@zh . <urn:b> rdfs:label "同名"@zh } }')
    with pytest.raises(AmbiguousNameError) as ambiguous:
        g.show("同名")
    assert set(ambiguous.value.candidates) == {"urn:a", "urn:b"}
    with pytest.raises(WriteError, match="missing"):
        g.view().to_html(tmp_path / "missing" / "v.html")
    with pytest.raises(WriteError, match="missing"):
        g.export(tmp_path / "missing" / "n.graphml")
    with pytest.raises(ParameterError, match="not a valid IRI"):
        g.show("<a b>")


def test_kxgraph_open_raises_only_kxerrors(tmp_path):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    for call in (lambda: kxgraph.open(tmp_path / "typo"), lambda: kxgraph.open(tmp_path / "file"),
                 lambda: kxgraph.open(tmp_path, mode="w"), lambda: kxgraph.open(endpoint="ftp://x/"),
                 lambda: kxgraph.open(endpoint="http://"), lambda: kxgraph.open(tmp_path / "file", mode="create")):
        with pytest.raises(KxError):
            call()


COMMANDS = [
    ["show", "{v}"], ["find", "{v}"], ["query", "collaborators", "--param", "entity={v}"],
    ["query", "SELECT * WHERE {{ ?s ?p ?o }}", "--param", "s={v}"], ["query", "{v}"],
    ["view", "--focus", "{v}", "-o", "{out}/v.html"], ["analyze", "--focus", "{v}"], ["analyze", "--type", "{v}"],
    ["path", "{v}", "甲院士"], ["export", "--focus", "{v}", "-o", "{out}/n.graphml"],
    ["validate", "--store", "--graph", "{v}"], ["report", "--area", "{v}"], ["drop", "{v}"],
    ["load", "--graph", "{v}", str(DATA)], ["update", "{v}"],
]


@pytest.mark.parametrize("value", ["<a b>", "<http://x/%zz>", "kx:a\x1b]8;;http://evil\x07", "<http://x/\x01>"])
def test_no_command_prints_a_traceback_or_a_raw_escape_on_bad_values(loaded, tmp_path, value):
    for template in COMMANDS:
        args = [a.format(v=value, out=tmp_path) for a in template]
        result = loaded(*args)  # catch_exceptions=False: a traceback fails the test here
        if result.exit_code:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("kx: error: "), (args, result.stderr)
            assert "\x1b" not in result.stderr and "\x07" not in result.stderr, args


def test_damaged_files_are_one_line_in_the_cli(kx, bad_files):
    for path in bad_files:
        for command in (["import"], ["validate"], ["load"]):
            result = kx(*command, str(path))
            assert result.exit_code in (1, 2), (command, path.name, result.output)
            assert len(result.stderr.strip().splitlines()) == 1, (command, path.name, result.stderr)
