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
from kxgraph.resources import package_path
from kxgraph.tables.sheets import name_key
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

    def __post_init__(self) -> None:
        self._by_header = {_header_key(h): c for c in self.columns for h in [c.id, *c.headers]}
        self.key_column = next((c for c in self.columns if c.key), None)
        # 序号 (the row's running number) heads almost every office sheet and never means data
        self._ignored = {_header_key(h) for h in [*self.ignore, "序号"]}

    @property
    def key(self) -> Column:
        if self.key_column is None:
            raise InputError(f"mapping {self.name!r} has no column with key: true")
        return self.key_column

    def column(self, header: Any) -> Column | None:
        if header is None or len(str(header)) > 200:   # a long cell is data, not a header
            return None
        return self._by_header.get(_header_key(header))

    def ignores(self, header: Any) -> bool:
        return _header_key(header) in self._ignored or not _header_key(header)


def _yaml(path: Path) -> dict:
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


def load_mapping(source: str | Path) -> Mapping:
    """Load a mapping by shipped template name (``workstations``) or from a YAML file."""
    path = Path(source)
    if not path.suffix:
        path = package_path(f"resources/mappings/{source}.yaml")
        if not path.is_file() or path.stem == "entities":
            raise ParameterError(f"no template {source!r}; templates: {', '.join(template_names())}")
    data = _yaml(path)
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
            for table in ("values", "class_values", "property_values"):
                if table in spec:
                    spec[table] = {name_key(str(k)): v for k, v in spec[table].items()}
            columns.append(Column(**spec))
        mapping = Mapping(str(data.get("name", path.stem)), data["class"], columns,
                          [str(i) for i in data.get("ignore", [])], data.get("title", {}))
    except (KeyError, TypeError) as exc:
        raise InputError(f"not a valid mapping (missing or malformed {exc}): it needs class, and "
                         "columns each with an id and headers", file=str(path)) from exc
    if mapping.key_column is None:
        raise InputError("no column has key: true (the column that names each row)", file=str(path))
    _check_classes(mapping, str(path))
    return mapping


def _check_classes(mapping: Mapping, file: str) -> None:
    """Refuse a class a row or a name cannot be (a typo such as kx:Enterprize)."""
    classes = entity_classes()
    mintable = sorted(c for c, spec in classes.items() if spec["iri"])
    wanted = [("class", mapping.cls, True)]
    for column in mapping.columns:
        wanted += [(f"column {column.id!r} refers", c, False) for c in column.refers]
        wanted += [(f"column {column.id!r} create", column.create, True)] if isinstance(column.create, str) else []
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
        _ENTITIES = {_iri(c): {"iri": spec.get("iri"), "closed": bool(spec.get("closed")),
                               "annotated": bool(spec.get("annotated")),
                               "names": [str(k) for k in spec.get("known", {})],   # as written, for messages
                               "known": {name_key(str(k)): _iri(v) for k, v in spec.get("known", {}).items()}}
                     for c, spec in raw.items()}
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
