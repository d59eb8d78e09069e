"""Spreadsheets into the graph: map the rows of read sheets to RDF, check them, write them.

``plan_import`` reads the files (``kxgraph.tables.sheets``), recognises each sheet's template or uses
the given mapping (``kxgraph.tables.mapping``) and turns every row into N-Triples, collecting every
problem instead of stopping at the first; ``check_tables`` adds SHACL and the likely-duplicates
report (``kxgraph.tables.validate``); ``import_tables`` writes a clean plan (or, with
``skip_bad_rows=True``, its good rows) with each file in its own named graph, all or nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from kxgraph.errors import ParameterError, ValidationError, option
from kxgraph.tables.mapping import (Column, Mapping, _iri, entity_classes, guess_class, load_mapping, mint,
                                    template_names)
from kxgraph.output.results import Result
from kxgraph.output.text import nt_escape, where
from kxgraph.tables.sheets import (Sheet, clean, name_key, not_data, parse_date, parse_integer, parse_year, read_tables,
                                   split_names)
from kxgraph.tables.validate import Problem, problems_result
from kxgraph.vocab import DCTERMS, ID, KX, ORG, RDF, RDFS, SCHEMA, SKOS, XSD, shorten
from kxgraph.identity import key as identity_key, latin_key, person_name

__all__ = ["plan_import", "check_tables", "import_tables", "ImportReport", "Plan", "RowPlan",
           "clean", "name_key", "split_names", "parse_year", "load_mapping", "template_names", "mint"]

MAX_CELL = 100_000           # characters; a longer cell is a pasted document, not a value
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
MAX_HEADER_SCAN = 10         # rows above the header (titles, notes) a formatted sheet may have


# -- N-Triples ------------------------------------------------------------------------------

def nt_literal(text: str, *, lang: str | None = None, datatype: str | None = None) -> str:
    """An N-Triples literal with every special character escaped."""
    body = nt_escape(str(text))
    if lang:
        return f'"{body}"@{lang}'
    return f'"{body}"^^<{datatype}>' if datatype else f'"{body}"'


def triple(s: str, p: str, o: str) -> str:
    """One N-Triples line; ``o`` is an IRI unless it is already a literal."""
    obj = o if o[:1] == '"' else f"<{o}>"
    return f"<{s}> <{p}> {obj} .\n"



# -- planning: rows to RDF, with every problem found --------------------------------------

@dataclass
class RowPlan:
    """One data row: where it is, its cells, the N-Triples it becomes and its problems."""

    file: str
    sheet: str | None
    number: int
    mapping: Mapping
    cells: dict[str, tuple[str, Any]]          # column id -> (header as written, cleaned value)
    source: str = ""                           # IRI of the row resource (dcterms:source)
    cls: str | None = None
    subject: str | None = None
    lines: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    where: dict[tuple[str, str], str] = field(default_factory=dict)  # (node, property) -> header
    stubs: list[str] = field(default_factory=list)
    notes: list[tuple[str, str]] = field(default_factory=list)   # (header, text) of columns kept as notes
    kinds: dict[str, str] = field(default_factory=dict)   # column id -> class its new names get (单位类型)
    organisations: dict[str, str] = field(default_factory=dict)   # membership node -> its organisation

    def problem(self, column: str | None, value: Any, text: str) -> None:
        self.problems.append(Problem(self.file, self.sheet or "", self.number, column or "",
                                     _shown(value), text))

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Stub:
    """An entity a row names but no row defines: typed and labelled where first named."""

    cls: str
    name: str
    rows: list[RowPlan] = field(default_factory=list)
    header: str = ""        # the column that first named it
    lang: str = "zh"        # of its label: the column's lang, else en for a name without Chinese


@dataclass
class Plan:
    """What importing would write, and every problem found on the way."""

    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)   # sheet-level: block the whole import
    stubs: dict[str, Stub] = field(default_factory=dict)
    context: set[str] = field(default_factory=set)           # types of linked entities (checks only)
    sheets: list[tuple[str, str, str, int]] = field(default_factory=list)  # file, sheet, template, rows
    files: dict[str, str] = field(default_factory=dict)       # file as given -> its graph IRI
    defined: dict[str, RowPlan] = field(default_factory=dict)
    shacl: str = ""
    skipped: list[Problem] = field(default_factory=list)      # total, notes and instruction rows/sheets
    warnings: list[Problem] = field(default_factory=list)     # kept, but worth a look (extra columns)
    strict: bool = False
    replaces: list[str] = field(default_factory=list)         # graphs of the sources this import replaces
    identity: Any = None                                      # kxgraph.identity.Identity: names the store holds
    on_duplicate: str = "error"                               # close matches: error, keep, merge or ask
    ask: Any = None                                           # on_duplicate="ask": callback(name, other, evidence)
    decided: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, kept, other, its name)
    close: set[frozenset[str]] = field(default_factory=set)   # pairs of names found close (decided or not)

    def all_problems(self) -> list[Problem]:
        return self.problems + [p for row in self.rows for p in row.problems]

    def stub_lines(self, iri: str, source: str) -> list[str]:
        """The N-Triples that define an entity a row names but no row defines."""
        return _stub_lines(iri, self.stubs[iri], source)

    def ntriples(self, file: str) -> str:
        """The N-Triples of the good rows of ``file`` (and the entities they first name)."""
        return "".join(self.lines(file))

    def lines(self, file: str) -> list[str]:
        """``ntriples(file)`` as its lines, one triple each."""
        graph = self.files[file]
        out = [triple(graph, RDF + "type", KX + "SourceDocument"),
               triple(graph, RDFS + "label", nt_literal(Path(file).name))]
        for f, sheet, _, _ in self.sheets:
            if f == file and sheet:
                out.append(triple(_sheet_iri(graph, sheet), DCTERMS + "isPartOf", graph))
                out.append(triple(_sheet_iri(graph, sheet), RDFS + "label", nt_literal(sheet)))
        for row in self.rows:
            if row.file == file and row.ok:
                out.extend(row.lines)
        for iri, stub in self.stubs.items():
            first = next((r for r in stub.rows if r.ok), None)
            if first is not None and first.file == file:
                out.extend(_stub_lines(iri, stub, first.source))
        decisions = self.identity.decisions if self.identity is not None else None
        return decisions.apply(out) if decisions and (decisions.canonical or decisions.renamed) else out


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 80 else f"{text[:60]}… ({len(text):,} characters)"


def _sheet_iri(graph: str, sheet: str) -> str:
    from urllib.parse import quote

    return f"{graph}#sheet={quote(sheet)}"


def _stub_lines(iri: str, stub: Stub, source: str) -> list[str]:
    return [triple(iri, RDF + "type", stub.cls), triple(iri, RDFS + "label", nt_literal(stub.name, lang=stub.lang)),
            triple(iri, DCTERMS + "source", source)]


def plan_import(files: Iterable[str | Path], *, mapping: str | Path | None = None,
                encoding: str | None = None, sheet: str | None = None, store: Any = None,
                headers: str | Path | None = None, strict: bool = False,
                replaces: Iterable[str] = (), on_duplicate: str = "error", ask: Any = None) -> Plan:
    """Read ``files`` and map every row to RDF without writing anything.

    ``store`` (a ``kxgraph.store.base.Store``) lets names refer to entities it already holds,
    except those only in ``replaces`` (the graphs of the sources this import replaces); names are
    matched in normalised forms (``kxgraph.identity``), and a close match to a held entity is
    a problem unless decided (``kx same``/``kx distinct``) or ``on_duplicate`` is keep, merge or ask.
    ``headers`` is a YAML file of more header variants per column (``kx import --headers``).
    Columns no mapping knows are kept as notes (``kx:note``) and listed in ``plan.warnings``;
    hosts, partners and affiliations no sheet defines become minimal entities (``plan.stubs``).
    ``strict`` refuses both instead, as imports did before.
    """
    from kxgraph.identity import Identity

    if on_duplicate not in ("error", "keep", "merge", "ask"):
        raise ParameterError(f"{option('on_duplicate')} must be error, keep, merge or ask, not {on_duplicate!r}")
    if on_duplicate == "ask" and ask is None:
        raise ParameterError("on_duplicate='ask' needs ask: a callback (name, other, evidence) -> True to merge")
    mappings = ([load_mapping(mapping, headers=headers)] if mapping else
                [load_mapping(n, headers=headers) for n in template_names()])
    plan = Plan(strict=strict, replaces=list(replaces), on_duplicate=on_duplicate, ask=ask)
    for file in files:
        plan.files[str(file)] = Path(file).resolve().as_uri()
        tables = read_tables(file, encoding=encoding, sheet=sheet)
        unknown = [t for t in tables if not _prepare(plan, t, mappings, optional=len(tables) > 1)]
        if unknown and len(unknown) == len(tables):   # some sheet of a workbook must be a table
            plan.skipped = [s for s in plan.skipped if s.file != str(file)]
            plan.problems.extend(_no_headers(t) for t in unknown)
    plan.identity = Identity(store, exclude=[*plan.files.values(), *plan.replaces])
    _define(plan)
    _link(plan, _Resolver(plan, store))
    from kxgraph.identity import close_matches

    close_matches(plan)
    return plan


def _no_headers(table: Sheet) -> Problem:
    seen = "、".join(str(c) for c in table.rows[0][1] if c not in (None, ""))[:80]
    return Problem(table.file, table.name or "", table.rows[0][0], "", seen, (
        "没有可识别的列名 / no known column headers: use a template's headers "
        f"({', '.join(template_names())}) or a mapping file"))


def _prepare(plan: Plan, table: Sheet, mappings: list[Mapping], *, optional: bool = False) -> bool:
    """Map the rows of one sheet; False when it has no known header at all.

    An ``optional`` sheet (one of several in a workbook) without known headers, such as an
    instructions sheet (说明), is skipped and noted rather than reported as a problem.
    """
    where = Problem(table.file, table.name or "", 0, "", "", "")
    scored = []
    for position, (number, cells) in enumerate(table.rows[:MAX_HEADER_SCAN]):
        for m in mappings:
            score = sum(1 for c in cells if m.column(c) is not None)
            scored.append((score, m.key.id in {m.column(c).id for c in cells if m.column(c)}, -position, m))
    score, has_key, position, mapping = max(scored, key=lambda s: s[:3])
    header_number, header = table.rows[-position]
    if score == 0:
        if optional:
            plan.skipped.append(where._replace(row="", problem="没有可识别的列名，未导入此工作表 / "
                                               "no known column headers: sheet not imported"))
        else:
            plan.problems.append(_no_headers(table))
        return False
    columns: dict[int, Column] = {}
    notes: dict[int, str] = {}          # index -> header of a column kept as notes
    for index, text in enumerate(header):
        if (header_number, index) in table.merged:   # a header merged over several columns
            if index - 1 in columns and header[index - 1] == text:
                columns[index] = columns[index - 1]
            continue
        column = mapping.column(text)
        if column is None:
            # a hidden helper column the user does not see is not part of the table
            if mapping.ignores(text) or index in table.hidden:
                continue
            if mapping.remarks(text):
                notes[index] = clean(str(text))
            elif plan.strict or isinstance(text, (int, float)) or len(str(text)) > 40:
                plan.problems.append(where._replace(row=header_number, column=str(text), value=str(text), problem=(
                    f"未知列名（可改名、隐藏或删除此列）/ unknown column header for template '{mapping.name}': "
                    f"rename it to one of {', '.join(c.headers[0] for c in mapping.columns)}; hide or delete "
                    "it if it is not for the graph; or use a mapping or a headers file")))
            else:
                notes[index] = clean(str(text))
                plan.warnings.append(where._replace(row=header_number, column=notes[index], value=notes[index], problem=(
                    f"未知列，内容作为备注保留 / column not in template '{mapping.name}': its cells are kept as "
                    "notes (kx:note); add the header to a headers file to map it, or import strictly to refuse it")))
        elif column in columns.values():
            plan.problems.append(where._replace(row=header_number, column=str(text), value=str(text),
                                                problem=f"列重复 / column {column.title} appears twice"))
        else:
            columns[index] = column
    for column in mapping.columns:
        if (column.key or column.required) and column not in columns.values() and column.const is None:
            plan.problems.append(where._replace(row=header_number, column=column.title, problem=(
                f"缺少必需的列 / missing required column {column.title}")))
    data = []
    key = next((i for i, c in columns.items() if c.key), None)
    heading = clean(str(header[key])) if key is not None else None
    for number, cells in table.rows:
        if number <= header_number:
            continue
        why = not_data(cells)
        # the header again: printed on every page, or spread down by a header merged over two rows
        if key is not None and key < len(cells) and clean(str(cells[key])) == heading:
            why = "重复的表头 / the header repeated"
        if why:
            plan.skipped.append(where._replace(row=number, value=_shown(next(c for c in cells if c)), problem=why))
        # a row filled only in ignored columns (a pre-numbered 序号 in an empty template row) is blank
        elif any(cells[i] not in (None, "") and str(cells[i]).strip() for i in columns if i < len(cells)):
            data.append((number, cells))
    if not data:
        plan.problems.append(where._replace(row=header_number, problem=(
            "只有表头，没有数据行 / the sheet has headers but no data rows")))
    plan.sheets.append((table.file, table.name or "", mapping.name, len(data)))
    graph = plan.files[table.file]
    base = _sheet_iri(graph, table.name) + "&" if table.name else graph + "#"
    mapped = [c for c in mapping.columns if c.map or c.const is not None]
    layout = [(index, column, column.id, str(header[index]), column.split) for index, column in columns.items()]
    formulas = table.formulas
    cleaned: dict[tuple[str, bool], str] = {}    # a sheet repeats its names, statuses and dates
    for number, cells in data:
        row = RowPlan(table.file, table.name, number, mapping, {}, f"{base}row={number}")
        got, width = row.cells, len(cells)
        for index, column, id_, title, split in layout:
            value = cells[index] if index < width else None
            if formulas and (number, index) in formulas:
                row.problem(title, formulas[(number, index)],
                            "公式没有计算结果 / formula without a computed value: open and save the file in "
                            "Excel, or paste values")
                continue
            if value is None:
                continue
            if isinstance(value, str):
                if len(value) > MAX_CELL:
                    row.problem(title, value, f"单元格过长 / cell longer than {MAX_CELL:,} characters")
                    continue
                text = cleaned.get((value, split))
                if text is None:
                    text = cleaned[(value, split)] = clean(value, lines=split)
                if not text:
                    continue
                value = text
            if id_ in got:   # two columns under one header
                before = got[id_][1]
                if value == before:        # a merged cell spread over both
                    continue
                if split:
                    got[id_] = (title, f"{before}、{value}")
                else:
                    row.problem(title, value, f"合并表头下有两个不同的值 / two values under the one merged "
                                              f"header {column.title}: keep one")
            else:
                got[id_] = (title, value)
        for column in mapped:
            if column.map and column.id in row.cells:    # a value map: N, 无, - … mean empty
                title, value = row.cells[column.id]
                meant = _lookup(column.map, value)
                if meant == "":
                    del row.cells[column.id]
                elif meant is not None:
                    row.cells[column.id] = (title, meant)
            if column.const is not None and column.id not in row.cells:
                row.cells[column.id] = (column.headers[0] if column.headers else column.id, column.const)
        for index, title in notes.items():
            value = cells[index] if index < len(cells) else None
            if value in (None, "") or not str(value).strip():
                continue
            if len(str(value)) > MAX_CELL:
                row.problem(title, value, f"单元格过长 / cell longer than {MAX_CELL:,} characters")
            else:
                row.notes.append((title, clean(str(value))))
        plan.rows.append(row)
    return True


def _define(plan: Plan) -> None:
    unique: dict[tuple[str, str], RowPlan] = {}
    names: dict[str, str] = {}     # subject -> its first row's name, normalised
    for row in plan.rows:
        mapping = row.mapping
        row.cls = _iri(mapping.cls)
        for column in mapping.columns:
            if column.class_values and column.id in row.cells:
                header, value = row.cells[column.id]
                chosen = _lookup(column.class_values, value)
                if chosen is None:
                    row.problem(header, value, _not_one_of(column.class_values, every=bool(column.classifies)))
                elif column.classifies:      # 单位类型: the class of the host this row names
                    row.kinds[column.classifies] = _iri(chosen)
                else:
                    row.cls = _iri(chosen)
            if column.unique and column.id in row.cells:
                header, value = row.cells[column.id]
                first = unique.setdefault((column.id, name_key(str(value))), row)
                if first is not row:
                    row.problem(header, value, f"重复 / duplicate {column.title}: already in {_at(first)}")
        key = mapping.key
        if key.id not in row.cells:
            row.problem(key.headers[0], "", f"缺少名称 / required {key.title} is empty")
            continue
        header, name = row.cells[key.id]
        if _annotated((row.cls,)):
            name = person_name(str(name))
            row.cells[key.id] = (header, name)
        # a name the store already holds (another source, the report) is that entity
        row.subject = plan.identity.decisions.of(plan.identity.exact(row.cls, str(name)) or mint(row.cls, str(name)))
        first = plan.defined.setdefault(row.subject, row)
        # two rows under names decided to be one entity (kx same, --on-duplicate merge) both describe it
        written = identity_key(str(name), _annotated((row.cls,)))
        if first is not row and written == names.setdefault(row.subject, identity_key(
                str(first.cells[first.mapping.key.id][1]), _annotated((first.cls,)))):
            row.problem(header, name, f"重复 / duplicate: the same {key.title} is already in {_at(first)}")


@lru_cache(maxsize=256)
def _annotated(classes: tuple[str, ...]) -> bool:
    """Whether names of these classes (people) may carry a bracketed note to drop."""
    specs = [entity_classes().get(c, {}) for c in classes]
    return bool(specs) and all(spec.get("annotated") for spec in specs)


def _at(row: RowPlan) -> str:
    return where(Path(row.file).name, row.sheet, f"row {row.number}")


def _lookup(table: dict[str, str], value: Any) -> str | None:
    return table.get(name_key(str(value)))   # load_mapping keyed the table by name_key


def _not_one_of(table: dict[str, str], *, every: bool = False) -> str:
    return f"不在可选值中 / not one of: {'、'.join(list(table) if every else list(table)[:8])}"


class _Resolver:
    """Turns a name in a cell into the IRI of the entity it means, or says why it cannot."""

    def __init__(self, plan: Plan, store: Any) -> None:
        self.plan, self.store = plan, store
        self.existing: dict[str, str] = {}      # minted IRI or label key -> IRI already in the store
        self._done: dict[tuple, str] = {}
        self.hints = 0                          # near names suggested so far
        self._defined_names: dict[tuple, list[str]] = {}
        self._split: dict[tuple, list[str]] = {}     # (column, cell) -> its names
        self._named: dict[tuple, str] = {}           # (column, name as written) -> IRI
        self.literals: dict[tuple, tuple] = {}       # (column, cell) -> (literal or None, problem)
        self._predicates: dict[int, list[str]] = {}
        self._classes: dict[int, list[str]] = {}
        if store is not None:
            self._ask_store()

    def predicates(self, column: Column) -> list[str]:
        """The properties a column's value is written with: its property and ``also``."""
        found = self._predicates.get(id(column))
        if found is None:
            found = self._predicates[id(column)] = [_iri(column.property) if column.property else None,
                                                    *map(_iri, column.also)]
        return found

    def _candidates(self, column: Column) -> list[str]:
        found = self._classes.get(id(column))
        if found is None:
            found = self._classes[id(column)] = [_iri(c) for c in column.refers]
        return found

    def _ask_store(self) -> None:
        import pyoxigraph as ox

        from kxgraph.sparql.catalogue import query

        held = {cls for cls, spec in entity_classes().items()   # classes the store has any of
                if spec["iri"] and query(self.store, "tables/class-held", {"class": ox.NamedNode(cls)}).boolean}
        wanted: dict[str, set[str]] = {}
        asking: dict[int, list] = {}    # mapping -> its columns naming classes the store has, with those classes
        for row in self.plan.rows:
            columns = asking.get(id(row.mapping))
            if columns is None:
                columns = asking[id(row.mapping)] = [
                    (column, [c for c in self._candidates(column) if c in held]) for column in row.mapping.columns]
                columns = asking[id(row.mapping)] = [(column, classes) for column, classes in columns if classes]
            for column, classes in columns:
                if column.id in row.cells:
                    for name in self._names(column, row.cells[column.id][1]):
                        for cls in classes:
                            wanted.setdefault(cls, set()).add(name)
        # what this import replaces (its files, the sources it re-imports) does not count: only other graphs
        replaced = {*self.plan.files.values(), *self.plan.replaces}
        for cls, names in wanted.items():
            names = sorted(names)
            for start in range(0, len(names), 500):
                chunk = names[start:start + 500]
                values = {"class": ox.NamedNode(cls), "s": [ox.NamedNode(mint(cls, n)) for n in chunk],
                          "l": [ox.Literal(n, language="zh") for n in chunk]}
                for s, label, graph in query(self.store, "tables/existing", values).rows:
                    if graph.value in replaced:
                        continue
                    key = s.value if not label.value else f"{cls}|{name_key(label.value)}"
                    self.existing[key] = s.value

    def _names(self, column: Column, value: Any) -> list[str]:
        """The names a cell gives (split, people's notes dropped), worked out once per column and cell."""
        key = (id(column), value)
        names = self._split.get(key)
        if names is None:
            names = split_names(str(value)) if column.split else [str(value)]
            if _annotated(tuple(map(_iri, column.refers))):
                names = [person_name(n) for n in names]
            self._split[key] = names
        return names

    def resolve(self, row: RowPlan, column: Column, header: str, name: str) -> str | None:
        iri = self._named.get((id(column), name))
        key = None
        if iri is None:
            key = (column.id, id(column), name_key(name))
            iri = self._done.get(key)
        if iri is not None:             # the same name in the same column: same answer
            if iri in self.plan.stubs:
                self.plan.stubs[iri].rows.append(row)
                row.stubs.append(iri)
            return iri
        iri = self._resolve(row, column, header, name)
        if iri is not None:
            self._done[key] = self._named[(id(column), name)] = iri
        return iri

    def _resolve(self, row: RowPlan, column: Column, header: str, name: str) -> str | None:
        candidates = self._candidates(column)
        classes = entity_classes()
        for cls in candidates:
            known = classes.get(cls, {}).get("known", {}).get(name_key(name))
            if known:
                self.plan.context.add(triple(known, RDF + "type", cls))
                return known
        for cls in candidates:
            if not classes.get(cls, {}).get("iri"):
                continue
            iri = mint(cls, name)
            if iri in self.plan.defined:
                return iri
            found = self.existing.get(iri) or self.existing.get(f"{cls}|{name_key(name)}")
            found = found or self.plan.identity.exact(cls, name)
            if found:
                self.plan.context.add(triple(found, RDF + "type", cls))
                return found
            if iri in self.plan.stubs:
                self.plan.stubs[iri].rows.append(row)
                row.stubs.append(iri)
                return iri
        open_classes = [c for c in candidates if not classes.get(c, {}).get("closed")]
        if not open_classes or not column.create:
            from kxgraph.tables.validate import label

            zh = "或".join(label(c, "zh") for c in candidates)
            en = " or ".join(label(c, "en") for c in candidates)
            a = "an" if en[:1].lower() in "aeiou" else "a"
            known = "、".join(list(dict.fromkeys(
                k for c in candidates for k in classes.get(c, {}).get("names", []) if not k.isascii()))[:8])
        if not open_classes:
            near = _nearest(name, [k for c in candidates for k in classes.get(c, {}).get("names", [])])
            hint = (f"：是否为 / did you mean {near}?" if near else "")
            row.problem(header, name, f"不是已知的{zh} / not a known {en}{hint} (e.g. {known})")
            return None
        if column.create == "infer" and self.plan.strict:
            alike = self._alike(name, candidates)
            hint = f" (是否为 / did you mean {alike}?)" if alike else ""
            row.problem(header, name, f"引用的单位没有定义 / refers to an organisation that no sheet defines "
                                      f"and the store does not hold (strict import): add its row, or import that sheet too{hint}")
            return None
        if not column.create and known:   # places: no sheet defines them; the gazetteer does
            row.problem(header, name, f"不是已知的{zh} / not a known {en}: write one of {known} …, "
                                      "or load a graph that defines it first")
            return None
        if not column.create:
            alike = self._alike(name, candidates)
            hint = f" (是否为 / did you mean {alike}?)" if alike else ""
            row.problem(header, name, f"引用的{zh}没有定义 / refers to {a} {en} that no sheet defines "
                                      f"and the store does not hold: add its row, or import that sheet too{hint}")
            return None
        if column.create == "infer":     # a host of any kind: 单位类型, else what its name says
            alike = self._alike_defined(name, candidates)
            if alike:    # 示例装备 beside a defined 示例装备有限公司: a decision for the user, not a new host
                row.problem(header, name, "引用的单位没有定义 / refers to an organisation that no sheet defines: "
                                          f"是否为 / did you mean {alike}? write it as defined, or add its row")
                return None
            new = row.kinds.get(column.id) or guess_class(name)
            new = new if new in candidates else open_classes[-1]
        else:
            new = _iri(column.create) if isinstance(column.create, str) else open_classes[0]
        iri = mint(new, name)
        lang = column.lang or ("zh" if _HAN.search(name) else "en")
        self.plan.stubs[iri] = Stub(new, name, [row], header, lang)
        row.stubs.append(iri)
        return iri

    def _alike_defined(self, name: str, classes: list[str]) -> str | None:
        """A name the sheets define for one of ``classes`` that ``name`` may mean (no hint budget:
        every new organisation is checked, against the defined ones only)."""
        from kxgraph.tables.validate import why_alike

        key = tuple(classes)
        if key not in self._defined_names:
            self._defined_names[key] = [str(r.cells[r.mapping.key.id][1]) for r in self.plan.defined.values()
                                        if r.cls in classes]
        return next((other for other in self._defined_names[key] if why_alike(name, other)), None)

    def _alike(self, name: str, classes: list[str]) -> str | None:
        """A name the sheets define for one of ``classes`` that may be the one meant (测试装备有限公司)."""
        from kxgraph.tables.validate import why_alike

        self.hints += 1
        if self.hints > 100:   # a sheet of wrong names: the first hundred hints are enough
            return None
        defined = (str(r.cells[r.mapping.key.id][1]) for r in self.plan.defined.values() if r.cls in classes)
        return next((other for other in defined if why_alike(name, other)), None)


def _nearest(name: str, known: list[str]) -> str | None:
    """The known name a typo most likely means (接卸与运载工程学部 → 机械与运载工程学部), or None."""
    from difflib import SequenceMatcher

    best, score = None, 0.6
    for other in known:
        ratio = SequenceMatcher(None, name_key(name), name_key(other)).ratio()
        if ratio > score:
            best, score = other, ratio
    return best


_IS_PART_OF, _POSITION, _TYPE_IRI = DCTERMS + "isPartOf", SCHEMA + "position", RDF + "type"
_LABEL, _ALT_LABEL, _SOURCE, _INTEGER = RDFS + "label", SKOS + "altLabel", DCTERMS + "source", XSD + "integer"


def _link(plan: Plan, resolver: _Resolver) -> None:
    label_predicate, defined = plan.identity.label_predicate, plan.defined
    for row in plan.rows:
        if row.subject is None:
            continue
        subject, add, source = row.subject, row.lines.append, row.source
        parent = source.rsplit("&", 1)[0] if row.sheet else plan.files[row.file]
        add(f"<{source}> <{_IS_PART_OF}> <{parent}> .\n")
        add(f'<{source}> <{_POSITION}> "{row.number}"^^<{_INTEGER}> .\n')
        add(f"<{subject}> <{_TYPE_IRI}> <{row.cls}> .\n")
        header, name = row.cells[row.mapping.key.id]
        name = str(name)
        predicate = label_predicate(row.cls, subject, name)
        merged = defined.get(subject, row) is not row
        if merged:    # a second row decided to be the first's entity: a second name (the first row names it)
            predicate = _ALT_LABEL
        add(triple(subject, predicate, nt_literal(name, lang="en" if latin_key(name) else "zh")))
        if predicate != _LABEL and not merged:   # a held entity's own name, for the checks
            held = plan.identity.held(row.cls).labels.get(subject)
            if held:
                plan.context.add(triple(subject, _LABEL, nt_literal(held, lang="zh")))
        add(f"<{subject}> <{_SOURCE}> <{source}> .\n")
        row.where[(subject, _LABEL)] = header
        for header, text in row.notes:
            note = f"{row.source}&note={quote(header)}"
            add(triple(subject, KX + "note", note))
            add(triple(note, RDF + "value", nt_literal(text)))
            add(triple(note, KX + "noteHeader", nt_literal(header)))
            row.where[(subject, KX + "note")] = header
        memberships: dict[str, list[str]] = {}
        later = []
        for column in row.mapping.columns:
            if column.key or column.class_values:
                continue
            if column.id not in row.cells:
                if column.required:
                    row.problem(column.headers[0], "", f"必填 / required {column.title} is empty")
                continue
            if column.attach_to:
                later.append(column)
                continue
            header, value = row.cells[column.id]
            for part in (resolver._names(column, value) if column.split or column.refers else [value]):
                _cell(plan, resolver, row, column, header, part, memberships)
        for column in later:
            header, value = row.cells[column.id]
            if column.attach_to not in row.cells:   # when it is filled but wrong, that is reported
                other = next(c for c in row.mapping.columns if c.id == column.attach_to)
                row.problem(header, value, f"需要同时填写{other.headers[0]} / only meaningful with "
                                           f"{other.title} filled in")
            nodes = memberships.get(column.attach_to, [])
            if column.refers:          # a division: on the membership of the academy it belongs to
                target = resolver.resolve(row, column, header, str(value)) if nodes else None
                if target is None:
                    continue
                parents = [entity_classes().get(_iri(c), {}).get("parents", {}) for c in column.refers]
                parent = next((p[target] for p in parents if target in p), None)
                if parent is not None:
                    nodes = [n for n in nodes if row.organisations.get(n) == parent]
                    if not nodes:
                        from kxgraph.tables.validate import label

                        other = next(c for c in row.mapping.columns if c.id == column.attach_to)
                        row.problem(header, value, f"{value}属于{label(parent, 'zh')}，与{other.headers[0]}不符 / "
                                                   f"{value} is a division of {label(parent, 'en')}, not of the "
                                                   f"{other.title} given")
                objects = [target]
            else:
                literal = _literal(row, column, header, value, resolver.literals)
                objects = [literal] if literal else []
            for node in nodes:
                for obj in objects:
                    add(triple(node, _iri(column.property), obj))
                    row.where[(node, _iri(column.property))] = header


def _cell(plan: Plan, resolver: _Resolver, row: RowPlan, column: Column, header: str, value: Any,
          memberships: dict[str, list[str]]) -> None:
    subject = row.subject
    if column.property_values:
        predicate = _lookup(column.property_values, value)
        if predicate is None:
            return row.problem(header, value, _not_one_of(column.property_values))
        row.lines.append(triple(subject, _iri(predicate), _iri(column.object)))
        plan.context.update(triple(_iri(column.object), RDF + "type", cls) for cls, spec in entity_classes().items()
                            if _iri(column.object) in spec["known"].values())
        row.where[(subject, _iri(predicate))] = header
        return None
    if column.values:
        target = _lookup(column.values, value)
        if target is None:
            return row.problem(header, value, _not_one_of(column.values))
        objects = [_iri(target)]
    elif column.refers:
        target = resolver.resolve(row, column, header, str(value))
        if target is None:
            return None
        objects = [target]
    else:
        literal = _literal(row, column, header, value, resolver.literals)
        objects = [literal] if literal else []
    for obj in objects:
        if column.membership:
            _membership(row, column, header, obj, memberships)
            continue
        for p in resolver.predicates(column):
            row.lines.append(triple(obj, p, subject) if column.inverse else triple(subject, p, obj))
            row.where[(obj if column.inverse else subject, p)] = header
    return None


def _membership(row: RowPlan, column: Column, header: str, target: str,
                memberships: dict[str, list[str]]) -> None:
    spec = column.membership
    member, organization = (target, row.subject) if spec.get("member") == "cell" else (row.subject, target)
    role = spec["role"]
    if isinstance(role, dict):
        role = role.get(next((k for k in role if _iri(k) == row.cls), ""), next(iter(role.values())))
    role = _iri(role)
    node = ID + "membership/m-" + hashlib.sha1(f"{organization}|{member}|{role}".encode()).hexdigest()[:12]
    for p, o in ((RDF + "type", ORG + "Membership"), (ORG + "member", member),
                 (ORG + "organization", organization), (ORG + "role", role), (DCTERMS + "source", row.source)):
        row.lines.append(triple(node, p, o))
        row.where[(node, p)] = header
    memberships.setdefault(column.id, []).append(node)
    row.organisations[node] = organization


def _literal(row: RowPlan, column: Column, header: str, value: Any, known: dict | None = None) -> str | None:
    """The N-Triples literal a cell becomes, or None with a problem on the row.

    ``known`` remembers the answer for each column and cell: a sheet repeats its dates and counts.
    """
    key = (id(column), type(value), value)
    found = known.get(key) if known is not None else None
    if found is None:
        found = _literal_of(column, value)
        if known is not None:
            known[key] = found
    literal, problem = found
    if problem:
        row.problem(header, value, problem)
    return literal


def _literal_of(column: Column, value: Any) -> tuple[str | None, str]:
    try:
        if column.datatype in ("year", "date"):   # as precise as the cell: year, month or day
            text, kind = parse_date(value)
            return nt_literal(text, datatype=XSD + kind), ""
        if column.datatype == "integer":
            return nt_literal(parse_integer(value), datatype=XSD + "integer"), ""
    except ValueError as exc:
        return None, str(exc)
    text = str(value)
    if column.pattern and not re.search(column.pattern, text):
        return None, "格式不对 / wrong format for " + column.title
    return (nt_literal(text, lang=column.lang) if column.lang else nt_literal(text)), ""


# -- importing ------------------------------------------------------------------------------

@dataclass
class ImportReport:
    """What ``import_tables`` did: per sheet counts, problems, likely duplicates, rejects file."""

    plan: Plan
    written: dict[str, int] = field(default_factory=dict)     # graph IRI -> triples written
    rejects: list[Path] = field(default_factory=list)
    duplicates: Result | None = None
    sources: list[str] = field(default_factory=list)          # the sources written (kxgraph.sources)
    reference: str = ""                                        # said when the reference data came along

    def result(self) -> Result:
        """One row per sheet: file, sheet, template, rows, rejected, graph."""
        rows = []
        for file, sheet, template, count in self.plan.sheets:
            rejected = sum(1 for r in self.plan.rows if r.file == file and (r.sheet or "") == sheet and not r.ok)
            rows.append((file, sheet, template, count, rejected, self.plan.files[file]))
        return Result.table(["file", "sheet", "template", "rows", "rejected", "graph"], rows)

    def problems(self) -> Result:
        """Every problem found, one row each (file, sheet, row, column, value, problem)."""
        return problems_result(self.plan.all_problems())

    def warnings(self) -> Result:
        """What was kept but is worth a look (columns kept as notes), as ``problems()``."""
        return problems_result(self.plan.warnings)

    def created(self) -> Result:
        """The entities rows name but no row defines, made from the names: column, class, count, first."""
        groups: dict[tuple[str, str], list[str]] = {}
        for stub in self.plan.stubs.values():
            if any(r.ok for r in stub.rows):
                groups.setdefault((stub.header, stub.cls), []).append(stub.name)
        rows = [(header, shorten(cls), len(names), "、".join(names[:3]) + (" …" if len(names) > 3 else ""))
                for (header, cls), names in sorted(groups.items(), key=lambda g: (g[0][0], -len(g[1])))]
        return Result.table(["column", "class", "created", "names"], rows)


def check_tables(files: Iterable[str | Path], *, store: Any = None, **options: Any) -> tuple[Plan, Result]:
    """Plan the import of ``files`` and run every check (cells, references, SHACL); write nothing."""
    from kxgraph.tables.validate import likely_duplicates, shacl_check

    files = list(files)
    if not files:
        raise ParameterError("give at least one CSV or XLSX file")
    plan = plan_import(files, store=store, **options)
    if not plan.problems:
        shacl_check(plan)
    likely = likely_duplicates(plan)   # less alike than close matches: listed, for the user to look at
    return plan, Result(likely.kind, likely.variables,
                        [r for r in likely.rows if frozenset((str(r[1]), str(r[2]))) not in plan.close])


def import_tables(graph: Any, files: Iterable[str | Path], *, mapping: str | Path | None = None,
                  encoding: str | None = None, sheet: str | None = None, skip_bad_rows: bool = False,
                  rejects: str | Path | None = None, headers: str | Path | None = None,
                  strict: bool = False, source: str | None = None,
                  on_duplicate: str = "error", ask: Any = None) -> ImportReport:
    """Validate spreadsheets and load each file into its own named graph (its ``file://`` IRI).

    Each file is a source (``kxgraph.sources``) named after it without version marks, or all
    are the one source ``source``; importing a source again replaces it whole. Names the store
    already holds link to those entities; close matches follow ``on_duplicate`` (see
    ``plan_import``), and the keep/merge choices made are recorded as curation decisions.

    Nothing is written when any row fails, unless ``skip_bad_rows``: then the good rows are
    loaded and the rejected ones listed in ``rejects`` (default ``<file>.rejects.csv`` beside it).
    Problems with a whole sheet (missing or unknown columns, no data) are never skipped.
    Raises ``ValidationError`` (with ``.problems``) when nothing could be written.
    """
    from kxgraph import sources
    from kxgraph.output.files import check_target

    files = [str(f) for f in files]
    if rejects is not None:
        check_target(rejects, inputs=files)  # before any work: never the spreadsheet itself
    groups = sources.group_files(files, source)
    replaces = sources.replaced_graphs(graph.store, files, source)
    plan, duplicates = check_tables(files, store=graph.store, mapping=mapping, encoding=encoding, sheet=sheet,
                                    headers=headers, strict=strict, replaces=replaces,
                                    on_duplicate=on_duplicate, ask=ask)
    problems = plan.all_problems()
    # sheet-level problems (headers, empty sheets) block everything, and so does having no good row
    if plan.problems or (problems and not skip_bad_rows) or not any(r.ok for r in plan.rows):
        first = problems[0]
        why = ("every row has a problem" if skip_bad_rows and not plan.problems else
               f"{len(problems)} problem(s)")
        raise ValidationError(
            f"{why}, nothing written; first: {first.where()}: {first.problem} "
            f"(run `kx validate` for the full list)", problems)
    report = ImportReport(plan, duplicates=duplicates)
    if problems:
        report.rejects = _write_rejects(plan, files, rejects)
    lines = {plan.files[f]: plan.lines(f) for f in files}
    contents = {graph: "".join(written) for graph, written in lines.items()}
    writing = [sources.Writing(
        name, "tables", [Path(f) for f in group], [plan.files[f] for f in group],
        sheets=[s for f, s, _, _ in plan.sheets if f in group],
        rows=sum(n for f, _, _, n in plan.sheets if f in group),
        entities=sum(_entities(lines[plan.files[f]]) for f in group),
        triples=sum(len(lines[plan.files[f]]) for f in group)) for name, group in groups.items()]
    report.written = sources.write(graph.store, contents, writing)
    report.reference = graph.store.reference_loaded  # the first write into a new store brings it
    if plan.decided:
        from kxgraph.curation import record

        record(graph.store, plan.decided)
    report.sources = [w.name for w in writing]
    return report


_TYPE = f"<{RDF}type>"
_NOT_ENTITIES = {f"<{KX}SourceDocument>", f"<{ORG}Membership>"}


def _entities(lines: list[str]) -> int:
    """Typed subjects of the lines ``triple`` wrote, not counting memberships and documents
    (``kxgraph.sources.count_entities`` without parsing the lines again)."""
    typed = set()
    for line in lines:
        subject, predicate, rest = line.split(" ", 2)
        if predicate == _TYPE and rest[:-3] not in _NOT_ENTITIES:
            typed.add(subject)
    return len(typed)


def _rejects_paths(plan: Plan, target: str | Path | None) -> dict[Path, list[Problem]]:
    groups: dict[Path, list[Problem]] = {}
    for p in plan.all_problems():
        path = Path(target) if target else Path(p.file).with_suffix(".rejects.csv")
        groups.setdefault(path, []).append(p)
    return groups


def _write_rejects(plan: Plan, files: list[str], target: str | Path | None) -> list[Path]:
    """Each file's rejected rows in the ``excel`` format (opens right in Excel, formulas inert)."""
    from kxgraph.output.files import atomic_write
    from kxgraph.output.render import render

    groups = _rejects_paths(plan, target)
    for path, problems in groups.items():
        with atomic_write(path, newline="", inputs=files) as out:
            render(problems_result(problems), "excel", out)
    return list(groups)
