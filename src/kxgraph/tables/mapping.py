"""The declarative mapping of a sheet to RDF, and the stable IRIs of the entities rows name.

A mapping (``resources/mappings/<name>.yaml``, or any YAML file of the same form, documented in
``data/templates/README.md``) says which class a sheet's rows are, which column names them,
which column is which property, which columns name other entities and how a cell with several
names is split. ``entities.yaml`` says how names become IRIs and which names are already known.
"""

from __future__ import annotations

import builtins
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kxgraph.errors import InputError, ParameterError
from kxgraph.ontology import scheme_names
from kxgraph.resources import package_path
from kxgraph.tables.sheets import name_key, split_names
from kxgraph.vocab import ID, expand_curie


@lru_cache(maxsize=1024)
def _iri(curie: str) -> str:
    return expand_curie(curie) or curie


def _header_key(text: Any) -> str:
    text = unicodedata.normalize("NFKC", str(text or "")).casefold()
    text = re.sub(r"\(.*?\)|\*", "", text)
    return re.sub(r"[\s_\-]+", "", text)


@dataclass
class Column:
    """One column of a mapping; see ``data/templates/README.md`` for every key."""

    id: str
    headers: list[str]
    key: bool = False
    property: str | None = None
    lang: str | None = None
    datatype: str | None = None
    pattern: str | None = None
    required: bool = False
    unique: bool = False
    refers: list[str] = field(default_factory=list)
    create: bool | str = True          # False: must be defined; a class: what new names become
    split: bool = False
    values: dict[str, str] = field(default_factory=dict)
    class_values: dict[str, str] = field(default_factory=dict)
    property_values: dict[str, str] = field(default_factory=dict)
    object: str | None = None
    membership: dict | None = None
    attach_to: str | None = None            # a membership column: the value goes on its nodes
    inverse: bool = False
    also: list[str] = field(default_factory=list)
    const: str | None = None                # every row has this value (a column the file lacks)
    map: dict[str, str] = field(default_factory=dict)   # cell text -> the text meant ("" = empty)
    classifies: str | None = None           # class_values choose the class of that column's new names

    @builtins.property   # the field ``property`` hides the builtin in this class body
    def title(self) -> str:
        return " / ".join(dict.fromkeys([self.headers[0], self.id]))


@dataclass
class Mapping:
    """How the rows of one kind of sheet become resources."""

    name: str
    cls: str
    columns: list[Column]
    ignore: list[str] = field(default_factory=list)
    title: dict = field(default_factory=dict)

    synonyms: dict[str, list[str]] = field(default_factory=dict)   # column id -> more header variants

    def __post_init__(self) -> None:
        # a template's own headers win over the shared synonym table
        self._by_header = {_header_key(h): c for c in self.columns for h in self.synonyms.get(c.id, ())}
        self._by_header.update({_header_key(h): c for c in self.columns for h in [c.id, *c.headers]})
        self.key_column = next((c for c in self.columns if c.key), None)
        # 序号 (the row's running number) heads almost every office sheet and never means data
        self._ignored = {_header_key(h) for h in [*self.ignore, "序号"]}
        # remarks columns are expected: kept as notes without a warning
        self._remarks = {_header_key(h) for h in ["备注", "备注说明", "附注", "notes", "note", "remarks", "remark"]}

    @property
    def key(self) -> Column:
        if self.key_column is None:
            raise InputError(f"mapping {self.name!r} has no column with key: true")
        return self.key_column

    def column(self, header: Any) -> Column | None:
        if header is None or len(str(header)) > 200:   # a long cell is data, not a header
            return None
        return self._by_header.get(_header_key(header))

    def remarks(self, header: Any) -> bool:
        """Whether a header is a remarks column (备注), kept as notes without a warning."""
        return _header_key(header) in self._remarks

    def ignores(self, header: Any) -> bool:
        return _header_key(header) in self._ignored or not _header_key(header)


def _yaml(path: Path) -> dict:
    """The YAML mapping at ``path``, parsed once per process while the file stays the same."""
    import copy

    try:
        stat = path.stat()
    except OSError:
        return _parse_yaml(path)            # _parse_yaml names the file in its error
    return copy.deepcopy(_parsed_yaml(path, stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=64)
def _parsed_yaml(path: Path, mtime_ns: int, size: int) -> dict:
    return _parse_yaml(path)


def _parse_yaml(path: Path) -> dict:
    import yaml

    from kxgraph.limits import load_yaml

    try:
        data = load_yaml(path.read_text(encoding="utf-8"), file=str(path))  # refuses alias bombs
    except OSError as exc:
        raise InputError(f"cannot read the mapping: {exc.strerror or exc}", file=str(path)) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}", file=str(path),
                         line=mark.line + 1 if mark else None) from exc
    if not isinstance(data, dict):
        raise InputError("a mapping is a YAML mapping with name, class and columns", file=str(path))
    return data


def header_synonyms(extra: str | Path | None = None) -> dict[str, list[str]]:
    """Column id -> header variants: the shipped ``resources/headers.yaml``, then ``extra``'s.

    A user's file has the same form (``district: [所在县区, 县区]``) and adds to the shipped one.
    """
    table = {column: list(variants) for column, variants in _shipped_headers().items()}
    if extra:
        if not Path(extra).is_file():
            raise InputError("no such headers file", file=str(extra))
        for column, variants in _header_table(Path(extra)).items():
            table.setdefault(column, []).extend(variants)
    return table


@lru_cache(maxsize=1)
def _shipped_headers() -> dict[str, list[str]]:
    return _header_table(package_path("resources/headers.yaml"))


def _header_table(path: Path) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for column, variants in _yaml(path).items():
        if not isinstance(variants, list) or not all(isinstance(v, (str, int)) for v in variants):
            raise InputError(f"{column}: give a list of header variants, e.g. {column}: [所在县区, 县区]",
                             file=str(path))
        table.setdefault(str(column), []).extend(str(v) for v in variants)
    return table


def load_mapping(source: str | Path, *, headers: str | Path | None = None) -> Mapping:
    """Load a mapping by shipped template name (``workstations``) or from a YAML file.

    ``headers`` is a YAML file of more header variants per column id (see ``header_synonyms``).
    """
    path = Path(source)
    if not path.suffix:
        path = package_path("resources/mappings") / f"{source}.yaml"
        if not path.is_file() or path.stem == "entities":
            raise ParameterError(f"no template {source!r}; templates: {', '.join(template_names())}")
    data = _extend(_yaml(path), str(path))
    fields = set(Column.__dataclass_fields__)
    try:
        columns = []
        for spec in data["columns"]:
            spec = dict(spec)
            unknown = sorted(set(spec) - fields)
            if unknown:
                raise InputError(f"column {spec.get('id', '?')!r}: unknown key {unknown[0]!r} "
                                 f"(keys: {', '.join(sorted(fields))})", file=str(path))
            refers = spec.pop("refers", [])
            spec["refers"] = [refers] if isinstance(refers, str) else list(refers)
            spec["headers"] = [str(h) for h in spec.get("headers", [])]
            if spec.get("class_values") == "host-kinds":     # the shared 单位类型 table
                spec["class_values"] = host_kinds()[0]
            for table in ("values", "class_values", "property_values", "map"):
                if table in spec:
                    spec[table] = {name_key(str(k)): "" if v is None else v for k, v in spec[table].items()}
            if isinstance(spec.get("const"), (dict, list)):
                raise InputError(f"column {spec.get('id', '?')!r} const: give one value", file=str(path))
            columns.append(Column(**spec))
        mapping = Mapping(str(data.get("name", path.stem)), data["class"], columns,
                          [str(i) for i in data.get("ignore", [])], data.get("title", {}),
                          header_synonyms(headers))
    except (KeyError, TypeError) as exc:
        raise InputError(f"not a valid mapping (missing or malformed {exc}): it needs class, and "
                         "columns each with an id and headers", file=str(path)) from exc
    if mapping.key_column is None:
        raise InputError("no column has key: true (the column that names each row)", file=str(path))
    _check_classes(mapping, str(path))
    _check_constants(mapping, str(path))
    return mapping


def _extend(data: dict, file: str) -> dict:
    """A mapping that ``extends`` a template: its ``columns`` change the template's, by id.

    ``columns: {academy: {const: 中国工程院}, division: {map: {N: ""}}}`` keeps every other
    column of the template as it is; a new id adds a column.
    """
    if "extends" not in data:
        return data
    base_name = str(data["extends"])
    base_path = package_path(f"resources/mappings/{base_name}.yaml")
    if not base_path.is_file() or base_name == "entities":
        raise InputError(f"extends: no template {base_name!r} (one of {', '.join(template_names())})", file=file)
    base = _yaml(base_path)
    changes = data.get("columns") or {}
    if not isinstance(changes, dict):
        raise InputError("with extends, columns is a mapping of column id to what changes "
                         "(academy: {const: 中国工程院})", file=file)
    columns = [dict(c) for c in base["columns"]]
    by_id = {c["id"]: c for c in columns}
    for column_id, change in changes.items():
        if not isinstance(change, dict):
            raise InputError(f"columns: {column_id}: give the keys that change, e.g. {{const: …}}", file=file)
        if column_id in by_id:
            by_id[column_id].update(change)
            if "const" in change:      # a constant replaces the column: the file need not have it
                by_id[column_id]["required"] = False
        elif not change.get("headers") or not any(k in change for k in ("property", "property_values", "class_values")):
            raise InputError(f"columns: column {column_id!r} is not a column of template {base_name!r} "
                             f"({', '.join(by_id)}); a new column needs headers and a property", file=file)
        else:
            columns.append({"id": str(column_id), **change})
    merged = {**base, **{k: v for k, v in data.items() if k not in ("extends", "columns")}, "columns": columns}
    merged.setdefault("name", Path(file).stem)
    return merged


def _check_constants(mapping: Mapping, file: str) -> None:
    """A constant must be a value the column accepts: a known name, an allowed value."""
    classes = entity_classes()
    for column in mapping.columns:
        if column.const is None:
            continue
        const, where = str(column.const), f"column {column.id!r} const"
        for table in (column.values, column.class_values, column.property_values):
            if table and name_key(const) not in table:
                raise InputError(f"{where}: {const!r} is not one of {', '.join(table)}", file=file)
        closed = [_iri(c) for c in column.refers if classes.get(_iri(c), {}).get("closed")]
        if closed and len(closed) == len(column.refers):
            names = split_names(const) if column.split else [const]
            for name in names:
                if not any(name_key(name) in classes[c]["known"] for c in closed):
                    known = "、".join(k for c in closed for k in classes[c]["names"] if not k.isascii())[:120]
                    raise InputError(f"{where}: {name!r} is not a known {' or '.join(map(str, column.refers))} "
                                     f"(one of {known} …)", file=file)


def _check_classes(mapping: Mapping, file: str) -> None:
    """Refuse a class a row or a name cannot be (a typo such as kx:Enterprize)."""
    classes = entity_classes()
    mintable = sorted(c for c, spec in classes.items() if spec["iri"])
    wanted = [("class", mapping.cls, True)]
    for column in mapping.columns:
        wanted += [(f"column {column.id!r} refers", c, False) for c in column.refers]
        if isinstance(column.create, str) and column.create != "infer":
            wanted.append((f"column {column.id!r} create", column.create, True))
        wanted += [(f"column {column.id!r} class_values", c, True) for c in column.class_values.values()]
    for where, curie, mint_it in wanted:
        spec = classes.get(_iri(str(curie)))
        if spec is None or (mint_it and not spec["iri"]):
            from kxgraph.vocab import shorten

            raise InputError(f"{where}: {curie} is not a class kxgraph can name (one of: "
                             f"{', '.join(shorten(c) for c in mintable)})", file=file)


def template_names() -> list[str]:
    """Names of the shipped templates (``workstations``, ``enterprises`` …)."""
    folder = package_path("resources/mappings")
    return sorted(p.stem for p in folder.glob("*.yaml") if p.stem != "entities")


_ENTITIES: dict | None = None


def entity_classes() -> dict[str, dict]:
    """The classes names can refer to: IRI path, known names, closed, annotated (``entities.yaml``)."""
    global _ENTITIES
    if _ENTITIES is None:
        raw = _yaml(package_path("resources/mappings/entities.yaml"))["classes"]
        entities = {}
        for c, spec in raw.items():
            known = {str(k): _iri(v) for k, v in spec.get("known", {}).items()}
            parents: dict[str, str] = {}
            if spec.get("scheme"):
                known.update(scheme_names(spec["scheme"], _iri(c), parents))
            entities[_iri(c)] = {"iri": spec.get("iri"), "closed": bool(spec.get("closed")),
                                 "annotated": bool(spec.get("annotated")),
                                 "names": list(known),   # as written, for messages
                                 "known": {name_key(k): v for k, v in known.items()},
                                 "parents": parents}
        _ENTITIES = entities
    return _ENTITIES


@lru_cache(maxsize=1 << 18)
def mint(cls: str, name: str) -> str:
    """The stable IRI of the entity of class ``cls`` named ``name`` (same name, same IRI).

    >>> from kxgraph.vocab import KX
    >>> mint(KX + "Enterprise", "太原重工") == mint(KX + "Enterprise", " 太原重工 ")
    True
    """
    spec = entity_classes().get(cls)
    if not spec or not spec["iri"]:
        raise ParameterError(f"names cannot refer to {cls}: add it to entities.yaml")
    digest = hashlib.sha1(f"{spec['iri']}|{name_key(name)}".encode()).hexdigest()[:12]
    return f"{ID}{spec['iri']}{digest}"


@lru_cache(maxsize=1)
def host_kinds() -> tuple[dict[str, str], tuple[tuple[str, str], ...]]:
    """The 单位类型 values (value -> class CURIE) and the name words that tell a class (``host-kinds.yaml``)."""
    data = _yaml(package_path("resources/host-kinds.yaml"))
    words = tuple((word, cls) for cls, listed in data["names"].items() for word in listed)
    return {str(k): str(v) for k, v in data["kinds"].items()}, words


@lru_cache(maxsize=1 << 14)
def guess_class(name: str) -> str:
    """The class an organisation's name tells: the word ending latest wins; else org:Organization.

    >>> from kxgraph.vocab import shorten
    >>> [shorten(guess_class(n)) for n in ("山西医科大学第一医院", "示例煤炭化学研究所", "示例有限公司", "示例")]
    ['kx:Hospital', 'kx:ResearchInstitute', 'kx:Enterprise', 'org:Organization']
    """
    text = unicodedata.normalize("NFKC", name).strip()
    lowered = text.casefold()
    best, best_key = "org:Organization", (-1, 0)
    for word, cls in host_kinds()[1]:
        at = lowered.rfind(word.casefold())
        if at >= 0 and (at + len(word), len(word)) > best_key:
            best, best_key = cls, (at + len(word), len(word))
    return _iri(best)
