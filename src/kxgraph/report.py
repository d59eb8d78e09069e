"""Reported figures against the data: each figure of a report beside the count of its entities.

A reported figure (``kx:ReportedFigure``) is a fact about a report ("75 academician workstations").
Where its indicator has a ``kx:countQuery`` (``ontology/indicator-queries.ttl`` or the store), the
packaged query ``sparql/queries/indicators/<name>.rq`` counts the same thing from the entities in the
graph, and the two are compared. Consistency rules between figures (``kx:ConsistencyRule``,
``ontology/consistency-rules.ttl`` or the store) check the report against itself.

>>> import kxgraph
>>> rep = kxgraph.open(memory=True).report()
>>> rep.variables[:6]
['id', 'indicator', 'reported', 'unit', 'computed', 'difference']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from kxgraph.errors import NotFoundError, ParameterError, QueryError
from kxgraph.output.render import render, render_to_string
from kxgraph.output.results import Document, Result
from kxgraph.resources import resource_path
from kxgraph.vocab import KX, shorten

AGREES, DISAGREES = "agrees", "disagrees"
NOT_COMPUTABLE, NO_ENTITY_DATA = "not computable", "no entity data"
HOLDS, FAILS, UNCHECKED = "holds", "fails", "cannot be checked"
STATUS_ORDER = (DISAGREES, AGREES, NO_ENTITY_DATA, NOT_COMPUTABLE)

FIGURE_COLUMNS = ["id", "indicator", "reported", "unit", "computed", "difference", "status", "period", "area",
                  "passage"]
RULE_COLUMNS = ["rule", "parts", "relation", "whole", "status", "detail", "period", "area"]

# The files beside the ontology that say what is computable and which rules hold.
SHIPPED = ("ontology/indicators.ttl", "ontology/indicator-queries.ttl", "ontology/consistency-rules.ttl")
MORE_THAN = KX + "MoreThan"
SYNTHETIC_NOTE = "The computed counts include synthetic sample entities (kx:synthetic true), not real ones."
RELATIONS = {KX + "Equal": "=", KX + "AtMost": "≤", KX + "AtLeast": "≥"}


FIGURES_HEADING = "Reported figures / 报告数字"
RULES_HEADING = "Consistency rules / 一致性规则"


@dataclass
class Report(Document):
    """The figures table (a ``Document``) with the consistency-rules table in ``rules``.

    ``failed`` is true when a figure disagrees with the data or a rule fails; ``notes`` say what
    a reader should know about the data behind the counts (e.g. that it is synthetic).
    """

    rules: Result = field(default_factory=lambda: Result("select", list(RULE_COLUMNS)))

    def __post_init__(self) -> None:
        self.heading = self.heading or FIGURES_HEADING
        self.parts = {"rules": (RULES_HEADING, self.rules)}

    @property
    def failed(self) -> bool:
        """True when any figure disagrees or any consistency rule fails."""
        return DISAGREES in self.column("status") or FAILS in self.rules.column("status")

    def write(self, out: IO[str], fmt: str = "table", *, rules: bool = False) -> None:
        """Write the report in ``fmt``; ``rules=True`` writes only the consistency-rules table.

        Human formats (table, markdown) carry both tables and the notes; ``json`` carries the
        figures as SPARQL JSON results with ``rules`` and ``notes`` members; csv, tsv, xml and
        excel carry one table (the figures, or the rules when asked). ``html`` is the whole page,
        which always carries both.
        """
        if fmt == "html":
            out.write(self.to_html())
        else:
            render(self.rules if rules else self, fmt, out)

    def to_html(self, path: str | Path | None = None) -> str:
        """Return the report as a self-contained HTML page (every value escaped); write it to ``path``."""
        import html

        from kxgraph.output.page import page, template

        statuses = self.column("status")
        summary = ", ".join(f"{statuses.count(s)} {s}" for s in (AGREES, DISAGREES, NO_ENTITY_DATA,
                                                                  NOT_COMPUTABLE) if s in statuses)
        rule_statuses = self.rules.column("status")
        rule_summary = ", ".join(f"{rule_statuses.count(s)} {s}" for s in (HOLDS, FAILS, UNCHECKED)
                                 if s in rule_statuses)
        if self.failed:
            verdict, verdict_class = "FAILED: a figure disagrees with the data or a rule fails", "failed"
        elif AGREES not in statuses and HOLDS not in rule_statuses:  # nothing was compared at all
            verdict, verdict_class = "nothing could be checked: no figure was compared with the data", "empty"
        else:
            verdict, verdict_class = "every check passed", "passed"
        synthetic = [n for n in self.notes if n.startswith(SYNTHETIC_NOTE)]
        body = (
            "<h1>报告数字核对 · Reported figures against the data</h1>\n"
            f'<p class="verdict {verdict_class}">{html.escape(verdict)}</p>\n'
            + "".join(f'<p class="note">{html.escape(n)}</p>\n' for n in self.notes if n not in synthetic)
            + "<h2>报告数字 · Reported figures</h2>\n"
            f'<p class="summary">{html.escape(summary or "no reported figures")}</p>\n'
            + render_to_string(self.main(), "html")
            + "<h2>一致性规则 · Consistency rules</h2>\n"
            f'<p class="summary">{html.escape(rule_summary or "no rules")}</p>\n'
            + render_to_string(self.rules, "html")
            + '<p class="summary">A "more than" figure (&gt;N, N余) agrees when the computed count is at '
              "least N.\n“余/多/以上”的数字，计算值不少于该数即为一致。</p>\n")
        text = page(body, title="报告数字核对 · Reported figures against the data", style=template("report.css"),
                    banner=" ".join(synthetic) or None)
        if path is not None:
            from kxgraph.output.files import write_text

            write_text(path, text)
        return text


def report(graph: Any, *, period: str | None = None, area: str | None = None) -> Report:
    """Compare every reported figure in ``graph`` with the count computed from its entities.

    ``period`` and ``area`` keep only the figures of that reference period / area, given as an IRI,
    a CURIE, the last segment of the IRI (``cumulative``, ``140100``) or a label (``太原市``). With
    ``area``, counts include only entities located in that area (through ``schema:location`` and
    ``schema:containedInPlace``); without it, every entity of the graph counts.

    >>> import kxgraph
    >>> kxgraph.open(memory=True).report().failed
    False
    """
    meta = _shipped_metadata()
    unreadable: list[tuple[str, str]] = []
    figures = _figures(graph, unreadable)
    labels = _labels([graph, meta], {f[k] for f in figures for k in ("indicator", "period", "area") if f[k]})
    figures = _select(figures, labels, period=period, area=area)
    queries = {**_pairs(meta, "count-queries"), **_pairs(graph, "count-queries")}
    computed: dict[tuple[str, str | None], tuple[int | Decimal, int]] = {} if area else _kept(graph)
    rows = []
    for fig in figures:
        ind = fig["indicator"]
        name = queries.get(ind)
        value = entities = None
        if name is not None:
            key = (name, fig["area"] if area else None)
            if key not in computed:
                computed[key] = _count(graph, name, key[1])
            value, entities = computed[key]
        status = _status(fig, value, entities)
        shown = value if status in (AGREES, DISAGREES) else None
        rows.append((shorten(ind), _label(labels, ind), _reported(fig), fig["unit"], shown,
                     None if shown is None else _number(Decimal(shown) - fig["value"]), status,
                     _label(labels, fig["period"]), _label(labels, fig["area"]), fig["passage"]))
    at = FIGURE_COLUMNS.index("status")
    rows.sort(key=lambda row: (STATUS_ORDER.index(row[at]), row[0]))  # disagreements first
    rules = _check_rules(graph, meta, figures, labels)
    return Report("select", FIGURE_COLUMNS, Result.table(FIGURE_COLUMNS, rows).rows,
                  rules=Result.table(RULE_COLUMNS, rules), notes=_notes(graph, figures, unreadable))


# -- reading the graph -----------------------------------------------------------------------

def _query(source: Any, name: str, values: dict[str, Any] | None = None) -> Result:
    """Run the shipped query ``report/<name>`` (or ``indicators/<name>``) on a graph or store."""
    from kxgraph.sparql.catalogue import query

    return query(getattr(source, "store", source), name if "/" in name else f"report/{name}", values)


def _shipped_metadata():
    """An in-memory store with the shipped indicators, count-query links and rules."""
    from kxgraph.store.oxigraph import OxigraphStore
    from kxgraph.store.rdfio import rdf_format

    meta = OxigraphStore(None)
    for relative in SHIPPED:
        path = resource_path(relative)  # a missing one is an error, not "not computable"
        # straight into pyoxigraph: only queried, so no label index (its pinyin alone cost 0.6 s)
        meta.raw.load(path=str(path), format=rdf_format(path))
    return meta


def _figures(graph: Any, unreadable: list | None = None) -> list[dict]:
    """Every reported figure, one dict each (several passages are joined)."""
    by_iri: dict[str, dict] = {}
    for row in _query(graph, "figures").records():
        value = _decimal(row["value"])
        if value is None:  # an ill-typed value ("abc"^^xsd:integer) cannot be compared: noted instead
            if unreadable is not None:
                unreadable.append((row["figure"], str(row["value"])))
            continue
        fig = by_iri.setdefault(row["figure"], {
            "iri": row["figure"], "indicator": row["indicator"], "value": value,
            "more_than": row["qualifier"] == MORE_THAN, "unit": row["unit"],
            "period": row["period"], "area": row["area"],
            "passages": []})
        if row["passage"] and row["passage"] not in fig["passages"]:
            fig["passages"].append(row["passage"])
    for fig in by_iri.values():
        fig["passage"] = " / ".join(fig.pop("passages")) or None
    return sorted(by_iri.values(), key=lambda f: (f["indicator"], f["period"] or "", f["area"] or "", f["iri"]))


def _labels(sources: list, iris: set[str]) -> dict[str, dict[str, str]]:
    """zh and en labels (and notations) of ``iris``, the first source that has one winning."""
    if not iris:
        return {}
    labels: dict[str, dict[str, str]] = {}
    for source in sources:
        for row in _query(source, "labels", {"s": [_node(i) for i in sorted(iris)]}).records():
            lang = (row["lang"] or "").split("-")[0].lower()
            labels.setdefault(row["s"], {}).setdefault(lang, row["label"])
    return labels


def _node(iri: str):
    import pyoxigraph as ox

    return ox.NamedNode(iri)


def _label(labels: dict, iri: str | None) -> str | None:
    if iri is None:
        return None
    found = labels.get(iri, {})
    parts = [found[k] for k in ("zh", "en") if k in found]
    return " / ".join(parts) if parts else found.get("", shorten(iri))


def _pairs(source: Any, name: str) -> dict[str, str]:
    return {row["indicator"]: row["query"] for row in _query(source, name).records()}


def _select(figures: list[dict], labels: dict, *, period: str | None, area: str | None) -> list[dict]:
    """Keep the figures whose period and area match the user's words."""
    for key, wanted in (("period", period), ("area", area)):
        if wanted is None:
            continue
        known = {f[key] for f in figures if f[key]}
        chosen = {iri for iri in known if _names(iri, labels) & {wanted.strip(), wanted.strip().lower()}}
        if not chosen:
            offered = ", ".join(sorted(f"{_local(i)} ({_label(labels, i)})" for i in known)) or "none"
            raise ParameterError(f"no reported figure has {key} {wanted!r}; {key}s in the graph: {offered}")
        figures = [f for f in figures if f[key] in chosen]
    return figures


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _names(iri: str, labels: dict) -> set[str]:
    """Everything a user may call ``iri`` by."""
    names = {iri, shorten(iri), _local(iri), *labels.get(iri, {}).values()}
    return names | {n.lower() for n in names}


# -- computing and comparing -----------------------------------------------------------------

def keep_figures(store: Any) -> list[tuple[str, str, str, int]]:
    """The store's figures to keep (``kxgraph.store.kept``): every count query a reported figure
    in ``store`` needs, counted over the whole store (no area), with a digest of its text."""
    names = _needed(store, _figures(store), _shipped_metadata)
    kept = []
    for name in sorted(names):
        value, entities = _count(store, name, None)
        kept.append((name, _digest(name), str(value), entities))
    return kept


@lru_cache(maxsize=1)
def count_terms() -> Any:
    """What the indicator count queries may read (``kxgraph.store.kept.Terms``): every IRI their
    text names, full or prefixed, each as a predicate and as a class (``a``).

    Lines that name ``?area`` are left out: kept figures are whole-store counts, and without an
    area the queries never read those lines' triples (the walk to places is skipped), so a
    register that only gives places (``schema:location``) leaves the figures as they are."""
    from kxgraph.sparql.catalogue import entry, names
    from kxgraph.store.kept import Terms
    from kxgraph.vocab import PREFIXES, RDF

    iris: set[str] = set()
    objects: dict[str, set[str]] = {}  # IRI -> the constant IRIs that follow it
    free: set[str] = {KX + "ReportedFigure", KX + "indicator", KX + "countQuery"}  # followed by anything else
    for name in names("indicators"):
        text = entry(f"indicators/{name}").text
        prefixes = {**PREFIXES, **dict(_PREFIX.findall(text))}
        text = "\n".join(line for line in text.splitlines() if "?area" not in line)
        iris.update(_IRI.findall(text))
        iris.update(prefixes[p] + local for p, local in _CURIE.findall(text) if p in prefixes)
        patterns = "\n".join(line for line in text.splitlines()
                              if not line.lstrip().upper().startswith(("#", "PREFIX")))

        def full(token: str) -> str | None:
            if token.startswith("<"):
                return token[1:-1]
            prefix, _, local = token.partition(":")
            return prefixes[prefix] + local if prefix in prefixes else None

        for match in _TOKEN.finditer(patterns):
            iri = full(match["token"])
            if iri is None:
                continue
            before = patterns[match.start() - 1:match.start()]
            after = _TOKEN.match(patterns, match.end()) if match["gap"] and before not in "^/|" else None
            target = full(after["token"]) if after else None
            if target is None or patterns[after.start("gap"):after.start("gap") + 1] in "/|*+?":
                free.add(iri)
            else:
                objects.setdefault(iri, set()).add(target)
    iris |= {KX + "ReportedFigure", KX + "indicator", KX + "countQuery"}  # which figures to keep
    fixed = {p: frozenset(o) for p, o in objects.items() if p not in free}
    return Terms(frozenset(iris - {RDF + "type"}), frozenset(iris), fixed)


_PREFIX = re.compile(r"PREFIX\s+([\w.-]*):\s*<([^<>\s]*)>", re.IGNORECASE)
_IRI = re.compile(r"<([^<>\s]+)>")
_CURIE = re.compile(r"(?<![\w<?$/#.-])([A-Za-z][\w.-]*|):([A-Za-z_][\w-]*)")
# An IRI, full or prefixed, and the white space after it (empty when a path or punctuation follows)
_TOKEN = re.compile(r"(?P<token><[^<>\s]+>|(?<![\w<?$#.-])(?:[A-Za-z][\w.-]*)?:[A-Za-z_][\w-]*)(?P<gap>\s*)")


def _needed(source: Any, figures: list[dict], meta: Any) -> set[str]:
    """Names of the count queries of ``figures`` (``meta``: the shipped metadata, or a function giving it)."""
    if not figures:
        return set()
    meta = meta() if callable(meta) else meta
    queries = {**_pairs(meta, "count-queries"), **_pairs(source, "count-queries")}
    return {queries[f["indicator"]] for f in figures if f["indicator"] in queries}


def _kept(graph: Any) -> dict[tuple[str, None], tuple[int | Decimal, int]]:
    """The kept whole-store counts whose query text is still the one shipped (empty: count them)."""
    store = getattr(graph, "store", graph)
    index = getattr(store, "index", None)
    found = index.kept_figures() if index is not None else None
    if not found:
        return {}
    from kxgraph.sparql.catalogue import names

    known = names("indicators")
    return {(name, None): (_number(Decimal(value)), entities)
            for name, (digest, value, entities) in found.items() if name in known and digest == _digest(name)}


def _digest(name: str) -> str:
    import hashlib

    from kxgraph.sparql.catalogue import entry

    return hashlib.sha256(entry(f"indicators/{name}").text.encode("utf-8")).hexdigest()[:16]


def _count(graph: Any, name: str, area: str | None) -> tuple[int | Decimal, int]:
    """Run the count query ``name``: (value, entities of that kind in the graph)."""
    from kxgraph.sparql.catalogue import entry, names

    if name not in names("indicators"):
        raise NotFoundError(f"kx:countQuery names {name!r}, but there is no query {name}.rq "
                            "in kxgraph/sparql/queries/indicators")
    query = entry(f"indicators/{name}")
    if area is not None and "area" not in {p.name for p in query.parameters}:
        raise QueryError(f"{name}.rq cannot count by area: it has no area parameter (VALUES ?area {{ UNDEF }})")
    rows = _query(graph, f"indicators/{name}", {"area": _node(area) if area else None}).records()
    if len(rows) != 1 or "value" not in rows[0]:
        raise QueryError(f"{name}.rq must return one row with ?value and ?entities")
    value = rows[0]["value"] if rows[0]["value"] is not None else 0
    return _number(Decimal(str(value))), int(rows[0].get("entities") or 0)


def _status(fig: dict, value: Any, entities: int | None) -> str:
    if value is None:
        return NOT_COMPUTABLE
    if not entities:
        return NO_ENTITY_DATA
    if fig["more_than"]:
        return AGREES if value >= fig["value"] else DISAGREES
    return AGREES if value == fig["value"] else DISAGREES


def _number(value: Decimal) -> int | Decimal:
    return int(value) if value == value.to_integral_value() else value.normalize()


def _show(value: Decimal, more_than: bool) -> str:
    return (">" if more_than else "") + str(_number(value))


def _reported(fig: dict) -> str:
    return _show(fig["value"], fig["more_than"])


def _check_rules(graph: Any, meta: Any, figures: list[dict], labels: dict) -> list[tuple]:
    """One row per rule and period/area where all its figures are present (else one unchecked row)."""
    parts_of: dict[str, dict] = {}
    for source in (meta, graph):
        for row in _query(source, "rules").records():
            rule = parts_of.setdefault(row["rule"], {"parts": set(), "whole": row["whole"],
                                                     "relation": row["relation"]})
            rule["parts"].add(row["part"])
    rule_labels = _labels([graph, meta], set(parts_of))
    by_key = {(f["indicator"], f["period"], f["area"]): f for f in figures}
    groups = sorted({(f["period"], f["area"]) for f in figures}, key=lambda g: (g[0] or "", g[1] or ""))
    rows = []
    for iri in sorted(parts_of):
        rule = parts_of[iri]
        symbol = RELATIONS.get(rule["relation"])
        if symbol is None:
            raise QueryError(f"rule {shorten(iri)} has relation {rule['relation']!r}; "
                             f"use one of {', '.join(shorten(r) for r in RELATIONS)}")
        checked = False
        for period, area in groups:
            parts = [by_key.get((p, period, area)) for p in sorted(rule["parts"])]
            whole = by_key.get((rule["whole"], period, area))
            if whole is None or None in parts:
                continue
            checked = True
            holds = _holds(parts, whole, symbol)
            total = _show(sum((p["value"] for p in parts), Decimal(0)), any(p["more_than"] for p in parts))
            detail = None if holds else f"{total} is not {symbol} {_reported(whole)}"
            rows.append((_label(rule_labels, iri),
                         " + ".join(_reported(p) for p in parts) + (f" = {total}" if len(parts) > 1 else ""),
                         symbol, _reported(whole),
                         HOLDS if holds else FAILS, detail, _label(labels, period), _label(labels, area)))
        if not checked:
            missing = sorted(shorten(i) for i in rule["parts"] | {rule["whole"]}
                             if not any(f["indicator"] == i for f in figures))
            rows.append((_label(rule_labels, iri), " + ".join(shorten(p) for p in sorted(rule["parts"])),
                         symbol, shorten(rule["whole"]), UNCHECKED,
                         f"no figure for {', '.join(missing)}" if missing
                         else "its figures never share one period and area", None, None))
    return rows


def _holds(parts: list[dict], whole: dict, symbol: str) -> bool:
    """Whether the figures can all be true: a "more than" figure is a lower bound."""
    low = sum((p["value"] for p in parts), Decimal(0))
    high = None if any(p["more_than"] for p in parts) else low  # None: unbounded above
    whole_low, whole_high = whole["value"], None if whole["more_than"] else whole["value"]
    can_be_at_most = whole_high is None or low <= whole_high
    can_be_at_least = high is None or high >= whole_low
    return {"=": can_be_at_most and can_be_at_least, "≤": can_be_at_most, "≥": can_be_at_least}[symbol]


def _decimal(value: Any) -> Decimal | None:
    from decimal import InvalidOperation

    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _notes(graph: Any, figures: list[dict], unreadable: list | None = None) -> list[str]:
    from kxgraph.checks import visible

    notes = [f"Figure {shorten(iri)} has the value '{visible(text[:40])}', which is not a number: left out."
             for iri, text in dict.fromkeys(unreadable or [])]
    if not figures:
        notes.append("The graph holds no reported figures (kx:ReportedFigure): load the report's data first.")
    if _query(graph, "synthetic").boolean:
        notes.append(SYNTHETIC_NOTE + " 计算值包含合成的示例数据。")
    return notes


__all__ = ["Report", "report", "AGREES", "DISAGREES", "NOT_COMPUTABLE", "NO_ENTITY_DATA", "HOLDS", "FAILS",
           "UNCHECKED"]
