"""Reading spreadsheets as they come from Excel in China: CSV (UTF-8, UTF-8 BOM, GBK/GB18030) and XLSX.

Cells are normalised (full-width ASCII to half-width, whitespace collapsed, Chinese punctuation
kept), dates read in the usual forms, merged cells spread over the range they cover, blank rows
dropped, and formulas without a stored value reported. Anything that is not a spreadsheet is an
``InputError`` naming the file (and line).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kxgraph.errors import InputError, ParameterError, option
from kxgraph.namekeys import CLOSE as _CLOSE, OPEN as _OPEN, clean, name_key, strip_note  # noqa: F401 (theirs, read from here too)

SPLIT = re.compile(r"\s*[、，,;；/／\n]+\s*")
_YMD = re.compile(r"^(\d{4})\s*(?:(?:年|[-/.])\s*(\d{1,2})\s*(?:(?:月|[-/.])\s*(\d{1,2})\s*日?|月)?)?\s*年?$")


# -- cells ----------------------------------------------------------------------------------

def split_names(text: str) -> list[str]:
    """Split a cell naming several entities on 、 ， , ; ； / and line breaks, not inside brackets.

    >>> split_names("甲（中国工程院院士，材料）、乙")
    ['甲（中国工程院院士，材料）', '乙']
    """
    def depth(end: int) -> int:
        return sum(text.count(c, 0, end) for c in _OPEN) - sum(text.count(c, 0, end) for c in _CLOSE)

    if not any(c in text for c in _OPEN) or depth(len(text)) != 0:   # unbalanced: split as if none
        return [part for part in SPLIT.split(text) if part]
    parts, start = [], 0
    for match in SPLIT.finditer(text):
        if depth(match.start()) <= 0:
            parts.append(text[start:match.start()])
            start = match.end()
    parts.append(text[start:])
    return [part for part in parts if part]


@lru_cache(maxsize=4096)   # a sheet repeats the same few hundred dates
def parse_year(value: Any) -> str:
    """Return the year (xsd:gYear) a cell states; raise ValueError with the reason otherwise.

    >>> [parse_year(v) for v in ("2019", "2019-06", "2019年6月", "2019/6/1", 43617)]
    ['2019', '2019', '2019', '2019', '2019']
    """
    if isinstance(value, (dt.date, dt.datetime)):
        return str(value.year)
    text = str(value).strip()
    if isinstance(value, str) and _YMD.match(text) and not text.isdigit():
        return _ymd_year(text)
    if isinstance(value, (int, float)) or re.fullmatch(r"\d+(\.\d+)?", text):
        number = float(text)
        if number.is_integer() and 1800 <= number <= 2100:
            return str(int(number))
        if number.is_integer() and 20000 <= number <= 80000:  # an Excel serial day number
            return str((dt.date(1899, 12, 30) + dt.timedelta(days=int(number))).year)
        raise ValueError("数字不是日期 / a number where a date belongs (write 2019, 2019-06 or 2019年6月)")
    return _ymd_year(text)


@lru_cache(maxsize=4096)
def parse_date(value: Any) -> tuple[str, str]:
    """The date a cell states, as precise as it is written: (lexical form, XSD type name).

    A year is an ``xsd:gYear``, a month an ``xsd:gYearMonth``, a day an ``xsd:date``; an Excel
    date cell is a day. Raise ValueError with the reason otherwise.

    >>> [parse_date(v) for v in ("2019", "2021年3月", "2019/6/1", "2019.6")]
    [('2019', 'gYear'), ('2021-03', 'gYearMonth'), ('2019-06-01', 'date'), ('2019-06', 'gYearMonth')]
    """
    if isinstance(value, (dt.date, dt.datetime)):
        day = value.date() if isinstance(value, dt.datetime) else value
        return day.isoformat(), "date"
    text = str(value).strip()
    if isinstance(value, str) and _YMD.match(text) and not text.isdigit():
        year = _ymd_year(text)     # checks the date exists
        _, month, day = (int(g) if g else None for g in _YMD.match(text).groups())
        if day:
            return f"{year}-{month:02d}-{day:02d}", "date"
        return (f"{year}-{month:02d}", "gYearMonth") if month else (year, "gYear")
    if isinstance(value, (int, float)) or re.fullmatch(r"\d+(\.\d+)?", text):
        number = float(text)
        if number.is_integer() and 20000 <= number <= 80000:  # an Excel serial day number
            return (dt.date(1899, 12, 30) + dt.timedelta(days=int(number))).isoformat(), "date"
    return parse_year(value), "gYear"


def _ymd_year(text: str) -> str:
    match = _YMD.match(text)
    if not match:
        raise ValueError("不是日期 / not a date (write 2019, 2019-06, 2019年6月 or 2019/6/1)")
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError:
        raise ValueError("日期不存在 / no such date") from None
    return str(year)


def parse_integer(value: Any) -> str:
    """Return the whole number a cell states; raise ValueError otherwise."""
    text = str(value).strip()
    if re.fullmatch(r"\d+(\.0+)?", text):
        return str(int(float(text)))
    raise ValueError("不是整数 / not a whole number")


# Rows staff write around a table: totals, and notes or sign-off lines below it.
_TOTAL = re.compile(r"(合计|总计|小计|共计|total|subtotal)([:：].*)?", re.IGNORECASE)
_NOTE_ROW = re.compile(r"((附)?注|说明|填表说明)\s*\d*\s*[:：.、]|(填表人|填报人|制表人?|审核人?|负责人|单位负责人|联系人|"
                   r"联系电话|电话|填表日期|填报日期|日期|填报单位|填表单位)\s*[:：]")


def not_data(cells: list[Any]) -> str | None:
    """Why a row under a table's header is not data (a total or a note), or None.

    >>> not_data(["合  计", "3个"]), not_data(["注：以批复为准"]), not_data(["1", "示例公司"])
    ('合计行 / total row', '表下注释 / note below the table', None)
    """
    first = next((c for c in cells if c is not None and str(c).strip()), None)
    if not isinstance(first, str):
        return None
    first = clean(first)
    if _TOTAL.fullmatch(first.replace(" ", "")):
        return "合计行 / total row"
    if not _NOTE_ROW.match(first):   # most rows: the first cell is data
        return None
    texts = [clean(str(c)) for c in cells if c is not None and str(c).strip()]
    return "表下注释 / note below the table" if all(_NOTE_ROW.match(t) for t in texts) else None


# -- reading files --------------------------------------------------------------------------

@dataclass
class Sheet:
    """The non-blank rows of one sheet (or CSV file), each as (row number, cells)."""

    file: str
    path: Path
    name: str | None
    rows: list[tuple[int, list[Any]]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)  # formulas with no value
    merged: set[tuple[int, int]] = field(default_factory=set)   # cells a merge spans right of its first
    hidden: set[int] = field(default_factory=set)                # indexes of hidden columns


def read_tables(path: str | Path, *, encoding: str | None = None, sheet: str | None = None) -> list[Sheet]:
    """Read a CSV or XLSX file into sheets; raise ``InputError`` for what is not a spreadsheet."""
    path = Path(path)
    shown = str(path)
    if not path.is_file():
        raise InputError("文件不存在 / no such file", file=shown)
    suffix = path.suffix.lower()
    with path.open("rb") as handle:
        head = handle.read(8)
    if path.stat().st_size == 0:
        raise InputError("the file is empty / 文件为空", file=shown)
    if suffix in (".xlsx", ".xlsm"):
        from kxgraph.boundary import map_errors

        with map_errors(file=shown):  # a damaged workbook (zlib.error, XML ParseError) is one line
            return _read_xlsx(path, shown, sheet)
    if suffix in (".csv", ".tsv", ".txt"):
        if head.startswith(b"PK\x03\x04"):
            raise InputError("这是Excel工作簿，不是CSV / this is an Excel workbook, not CSV: name it .xlsx", file=shown)
        return [_read_csv(path, shown, encoding)]
    if suffix == ".xls":
        raise InputError("不能读取旧版.xls，请在Excel或WPS中另存为.xlsx / old .xls workbooks are not read: "
                         "save it as .xlsx in Excel or WPS", file=shown)
    raise InputError("not a spreadsheet / 不是表格文件: use .csv or .xlsx", file=shown)


def _decode(data: bytes, shown: str, encoding: str | None) -> str:
    for candidate in ([encoding] if encoding else ["utf-8-sig", "gb18030"]):
        try:
            return data.decode(candidate)
        except LookupError:
            raise ParameterError(f"未知编码 / unknown encoding {encoding!r}; try utf-8 or gbk") from None
        except UnicodeDecodeError as exc:
            failure = exc
    line = data[:failure.start].count(b"\n") + 1
    if encoding:
        raise InputError(f"编码不对 / not valid {encoding} text (byte {failure.start}); give the right "
                         f"{option('encoding')} or leave it out to detect UTF-8/GBK", file=shown, line=line)
    raise InputError(f"不是UTF-8或GBK编码的文本 / not UTF-8 or GBK/GB18030 text: is it a spreadsheet? give {option('encoding')}",
                     file=shown, line=line)


def _read_csv(path: Path, shown: str, encoding: str | None) -> Sheet:
    data = path.read_bytes()
    if encoding is None and data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        encoding = "utf-16"     # Excel's "Unicode text" (tab-separated) export
    elif b"\x00" in data[:65536] and not (encoding or "").lower().startswith("utf-16"):
        raise InputError("binary content, not a CSV spreadsheet / 不是表格文件", file=shown)
    text = _decode(data, shown, encoding)
    from kxgraph.checks import CONTROL, visible

    if bad := CONTROL.search(text):  # a NUL anywhere, not only in the first 64 KiB
        raise InputError(f"control character {visible(bad[0])} in the data / 数据含控制字符; remove it",
                         file=shown, line=text.count("\n", 0, bad.start()) + 1)
    if not text.strip():
        raise InputError("the file is empty / 文件为空", file=shown)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    from kxgraph.limits import limit

    csv.field_size_limit(limit("line") or (1 << 31) - 1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        # rows are numbered as Excel shows them: a cell with line breaks does not add rows
        for number, cells in enumerate(reader, 1):
            if any(c.strip() for c in cells):
                rows.append((number, cells))
    except csv.Error as exc:
        raise InputError(f"CSV格式错误 / broken CSV: {exc}", file=shown, line=reader.line_num) from exc
    return Sheet(shown, path, None, rows)


def _read_xlsx(path: Path, shown: str, only: str | None) -> list[Sheet]:
    """Read a workbook in openpyxl's streaming (read-only) mode: rows are parsed as they come,
    never built into a cell model; merged ranges and hidden columns, which that mode does not
    expose, are read from each sheet's XML in one more streaming pass (``_layout``)."""
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from kxgraph.limits import check_xlsx

    check_xlsx(path, shown=shown)  # bombs (a cell at XFD1048576, millions of cells) before openpyxl
    try:
        values = load_workbook(path, data_only=True, read_only=True)
        formulas = load_workbook(path, data_only=False, read_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InputError(f"not an Excel workbook / 不是Excel文件 ({type(exc).__name__})", file=shown) from exc
    try:
        return _read_sheets(path, shown, only, values, formulas)
    finally:
        values.close()
        formulas.close()


def _rows(ws) -> list[list[Any]]:
    ws.reset_dimensions()  # a sheet's declared size may be wrong: read every row there is
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _layout(path: Path, member: str) -> tuple[list[tuple[int, int, int, int]], set[int]]:
    """The merged ranges (min_row, min_col, max_row, max_col) and hidden columns (0-based) of one
    sheet, read from its XML as a stream (openpyxl's read-only mode leaves them out)."""
    import xml.parsers.expat
    import zipfile

    from openpyxl.utils.cell import range_boundaries

    merges: list[tuple[int, int, int, int]] = []
    hidden: set[int] = set()

    def start(name: str, attributes: dict) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "mergeCell" and attributes.get("ref"):
            min_col, min_row, max_col, max_row = range_boundaries(attributes["ref"])
            merges.append((min_row, min_col, max_row or min_row, max_col or min_col))
        elif local == "col" and attributes.get("hidden") in ("1", "true") and attributes.get("min"):
            low = int(attributes["min"])
            hidden.update(range(low - 1, int(attributes.get("max") or low)))

    parser = xml.parsers.expat.ParserCreate()
    parser.StartElementHandler = start
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as handle:
        parser.ParseFile(handle)
    return merges, hidden


def _read_sheets(path: Path, shown: str, only: str | None, values: Any, formulas: Any) -> list[Sheet]:
    names = values.sheetnames
    if only is not None and only not in names:
        raise InputError(f"没有此工作表 / no sheet {only!r}; the workbook has {'、'.join(names)}", file=shown)
    sheets = []
    for name in ([only] if only else names):
        ws, wf = values[name], formulas[name]
        if not hasattr(ws, "iter_rows"):  # a chartsheet: no cells
            continue
        merges, hidden = _layout(path, ws._worksheet_path)
        grid = _rows(ws)
        # every row as wide as the widest, and the grid as big as its merged ranges reach
        height = max([len(grid)] + [m[2] for m in merges])
        width = max([len(r) for r in grid] + [m[3] for m in merges] + [0])
        grid += [[] for _ in range(height - len(grid))]
        for row in grid:
            row.extend([None] * (width - len(row)))
        written = [any(v is not None and str(v).strip() for v in row) for row in grid]
        missing = {}
        for r, row in enumerate(_rows(wf)):
            for c, cell in enumerate(row):
                if isinstance(cell, str) and cell.startswith("=") and r < height and c < width and grid[r][c] is None:
                    missing[(r + 1, c)] = cell
        # A merged range shows its value in every cell it covers, as the reader sees it.
        spanned = set()
        for min_row, min_col, max_row, max_col in merges:
            top = grid[min_row - 1][min_col - 1]
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    grid[r - 1][c - 1] = top
                    if c > min_col:
                        spanned.add((r, c - 1))
        # rows blank before merged values were spread are blank (spacing in a formatted sheet)
        rows = [(i + 1, row) for i, row in enumerate(grid)
                if written[i] or any((i + 1, c) in missing for c in range(len(row)))]
        if rows:
            sheets.append(Sheet(shown, path, name, rows, missing, spanned, hidden))
    if not sheets:
        raise InputError("the workbook has no data / 工作簿为空", file=shown)
    return sheets
