"""Files are written safely: all or nothing, never through a planted link, never onto a device,
a fifo or an input, and spreadsheets cannot smuggle formulas into Excel."""

from __future__ import annotations

import csv
import io
import os

import pytest

from kxgraph.errors import WriteError
from kxgraph.output.files import atomic_write, write_text
from kxgraph.output.render import render
from kxgraph.output.results import Result

VICTIM = "precious data\n"
COMMANDS = {
    "view": lambda out: ("view", "-o", out),
    "export": lambda out: ("export", "-o", out),
    "generate": lambda out: ("generate", "--scale", "0.1", "-o", out),
    "report": lambda out: ("report", "-o", out),
}
SUFFIX = {"view": ".html", "export": ".graphml", "generate": ".nt", "report": ".html"}


def error_line(result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.startswith("kx: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_links_planted_at_predictable_temporary_names_are_left_alone(loaded, tmp_path, command):
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM)
    out = tmp_path / f"out{SUFFIX[command]}"
    for name in (out.name + ".part", out.name + ".partial", out.name + ".tmp", "." + out.name + ".tmp"):
        (tmp_path / name).symlink_to(victim)
    result = loaded(*COMMANDS[command](str(out)))
    assert result.exit_code == 0, result.output
    assert victim.read_text() == VICTIM
    assert out.is_file() and not out.is_symlink() and out.stat().st_size > 0
    assert all((tmp_path / n).is_symlink() for n in (out.name + ".part", out.name + ".partial"))


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_fifo_or_device_as_output_is_refused(loaded, tmp_path, command):
    fifo = tmp_path / f"pipe{SUFFIX[command]}"
    os.mkfifo(fifo)
    result = loaded(*COMMANDS[command](str(fifo)))
    assert result.exit_code == 1
    assert "not a regular file" in error_line(result)
    assert fifo.exists() and not fifo.is_file()  # still the fifo, not replaced by a file


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_symbolic_link_as_output_is_refused_and_its_target_untouched(loaded, tmp_path, command):
    victim = tmp_path / "victim.txt"
    victim.write_text(VICTIM)
    link = tmp_path / f"link{SUFFIX[command]}"
    link.symlink_to(victim)
    result = loaded(*COMMANDS[command](str(link)))
    assert result.exit_code == 1
    assert "symbolic link" in error_line(result)
    assert victim.read_text() == VICTIM and link.is_symlink()


def test_a_folder_as_output_is_refused(tmp_path):
    with pytest.raises(WriteError, match="folder"):
        write_text(tmp_path, "x")


def test_rejects_set_to_the_input_spreadsheet_is_refused(kx, tmp_path):
    sheet = tmp_path / "e.csv"
    text = "企业名称,统一社会信用代码\n示例企业,91140105MA0K12345X\n示例企业二,12345\n"
    sheet.write_text(text, encoding="utf-8")
    result = kx("import", str(sheet), "--skip-bad-rows", "--rejects", str(sheet))
    assert result.exit_code == 1
    assert "also an input" in error_line(result)
    assert sheet.read_text(encoding="utf-8") == text
    assert "e.csv" not in kx("graphs").stdout  # nothing was imported either


def test_formula_cells_are_neutralised_in_excel_output_and_rejects_files(kx, tmp_path):
    sheet = tmp_path / "e.csv"
    sheet.write_text("企业名称,统一社会信用代码\n示例企业,91140105MA0K12345X\n"
                     "=HYPERLINK(\"http://x\"),@SUM(1)\n", encoding="utf-8")
    result = kx("import", str(sheet), "--skip-bad-rows", "--rejects", str(tmp_path / "r.csv"))
    assert result.exit_code == 0, result.output
    with (tmp_path / "r.csv").open(encoding="utf-8-sig", newline="") as handle:
        cells = [cell for row in csv.reader(handle) for cell in row]
    assert "'@SUM(1)" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]


def test_excel_neutralises_formulas_and_plain_csv_stays_exact():
    result = Result.table(["v"], [("=1+1",), ("+x",), ("-x",), ("@x",), ("\tx",), (-3,), ("a=b",)])
    excel, plain = io.StringIO(), io.StringIO()
    render(result, "excel", excel)
    render(result, "csv", plain)
    assert list(csv.reader(io.StringIO(excel.getvalue().lstrip("\ufeff")))) == [
        ["v"], ["'=1+1"], ["'+x"], ["'-x"], ["'@x"], ["'\tx"], ["-3"], ["a=b"]]
    assert list(csv.reader(io.StringIO(plain.getvalue()))) == [
        ["v"], ["=1+1"], ["+x"], ["-x"], ["@x"], ["\tx"], ["-3"], ["a=b"]]


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as out:
            out.write("half")
            raise RuntimeError("interrupted")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old")
    target.chmod(0o640)
    write_text(target, "new")
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o640


@pytest.mark.parametrize("command", ["view", "export"])
def test_the_query_file_is_not_overwritten_by_the_output(loaded, tmp_path, command):
    query = tmp_path / "net.rq"
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n"
    query.write_text(text)
    result = loaded(command, "--query", str(query), "-o", str(query), *(["--format", "json"] if command == "export" else []))
    assert result.exit_code == 1
    assert "also an input" in error_line(result)
    assert query.read_text() == text
