"""Validation in the user's terms: SHACL (pySHACL, ``ontology/shapes.ttl``) and duplicate names.

Every problem is a ``Problem``: file, sheet, row, column, value and what is wrong, in Chinese and
English, never raw SHACL. ``problems_result`` turns a list of them into the ``Result`` every
command renders.

How much SHACL runs: pySHACL is slow (~20 ms a row with these shapes), so up to
``FULL_SHACL_ROWS`` rows are validated whole and a larger import on a representative slice:
rows are grouped by their *signature* (template, class, which columns are filled and how many
names each split cell holds, which fixes the shape of the RDF a row becomes) and up to
``PER_SIGNATURE`` rows of each group go through pySHACL (one each when there are many groups;
at most ``MAX_SLICE`` rows). A structural violation (a missing or extra property, a link to the
wrong kind of thing) found on one row of a group holds for all of them and is reported for
each; value-level constraints (dates, numbers, allowed values, patterns) are checked on every
row in Python by ``kxgraph.tables.importer`` as the rows are read.
"""

from __future__ import annotations

import threading
import weakref
from contextlib import contextmanager
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Any, Iterator, NamedTuple

from kxgraph.namekeys import core_name, number_marks
from kxgraph.output.results import Result
from kxgraph.output.text import where
from kxgraph.vocab import ORG, RDF, RDFS, SH, shorten

CURATION_GRAPH = "https://w3id.org/kxgraph/graph/curation"   # decisions (kxgraph.curation), not data
FULL_SHACL_ROWS = 200    # pySHACL takes ~20 ms a row here (benchmarks/RESULTS-import.md)
PER_SIGNATURE = 3
MAX_SLICE = 400          # rows; beyond, one row per shape, and shapes past this go unchecked
STRUCTURAL = {"MinCount", "MaxCount", "Class", "NodeKind", "Node", "Or", "And", "Xone", "Not",
              "Closed", "HasValue", "QualifiedMinCount", "QualifiedMaxCount"}
COLUMNS = ["file", "sheet", "row", "column", "value", "problem"]


class Problem(NamedTuple):
    """One thing wrong with the input, where the user can find and fix it."""

    file: str
    sheet: str
    row: int | str
    column: str
    value: str
    problem: str

    def where(self) -> str:
        return where(self.file, self.sheet, self.row, self.column)


def problems_result(problems: list[Problem]) -> Result:
    """The problems as a table (file, sheet, row, column, value, problem), in input order."""
    return Result.table(COLUMNS, [tuple(p) for p in problems])


# -- labels of the ontology, for messages ---------------------------------------------------

def class_label(iri: str) -> str:
    """A class or property as the user knows it: ``企业 (enterprise)``."""
    from kxgraph.ontology import terms

    names = terms()[0].get(iri, {})
    if "zh" in names:
        return f"{names['zh']} ({names.get('en', shorten(iri))})"
    return shorten(iri)


def label(iri: str, lang: str) -> str:
    """The ontology's ``lang`` label of a term (its CURIE when it has none)."""
    from kxgraph.ontology import label as ontology_label

    return ontology_label(iri, lang)


# -- SHACL ----------------------------------------------------------------------------------

class SparqlConstraint(NamedTuple):
    """A SHACL-SPARQL constraint (``sh:sparql``) of a shape targeting a class, run by Oxigraph.

    ``query`` is the shape's ``sh:select`` as shapes.ttl has it, run with its declared ``prefixes``;
    its ``$this`` rows are kept for the instances of ``target`` (and of its subclasses).
    """

    target: str
    query: str
    message: str
    prefixes: tuple = ()


@lru_cache(maxsize=1)
def _shapes_and_ontology():
    from rdflib import Graph, URIRef

    from kxgraph.resources import resource_path

    shapes = Graph().parse(resource_path("ontology/shapes.ttl"), format="turtle")
    ontology = Graph().parse(resource_path("ontology/kx.ttl"), format="turtle")
    # pySHACL parses a sh:select query again for every focus node (~25 ms each: more than half
    # of validating the demo graph), so those constraints run in Oxigraph, once per shape.
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    sparql = []
    for shape, constraint in list(shapes.subject_objects(sh("sparql"))):
        targets = list(shapes.objects(shape, sh("targetClass")))
        others = [p for p in ("targetNode", "targetSubjectsOf", "targetObjectsOf") if shapes.value(shape, sh(p))]
        select = shapes.value(constraint, sh("select"))
        if not targets or others or select is None or shapes.value(constraint, sh("deactivated")):
            continue   # anything else stays with pySHACL
        prefixes = tuple((str(shapes.value(d, sh("prefix"))), str(shapes.value(d, sh("namespace"))))
                         for declared in shapes.objects(constraint, sh("prefixes"))
                         for d in shapes.objects(declared, sh("declare")))
        for target in targets:
            sparql.append(SparqlConstraint(str(target), str(select), _message(shapes, constraint, sh("message")),
                                           prefixes))
        shapes.remove((shape, sh("sparql"), constraint))
    return shapes, ontology, tuple(sparql)


def _run_sparql_constraints(ntriples: str, constraints: tuple[SparqlConstraint, ...], data) -> list[dict[str, Any]]:
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    from kxgraph.resources import resource_path

    from kxgraph.sparql.catalogue import query
    from kxgraph.store.oxigraph import OxigraphStore

    checked = OxigraphStore(None)
    store = checked.raw
    store.load(path=str(resource_path("ontology/kx.ttl")), format=ox.RdfFormat.TURTLE)
    store.load(input=ntriples.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    found = []
    for constraint in constraints:
        focus = {row[0] for row in query(checked, "validate/instances", {"class": ox.NamedNode(constraint.target)}).rows}
        if not focus:
            continue
        solutions = store.query(constraint.query, prefixes=dict(constraint.prefixes))
        projected = {v.value for v in solutions.variables}
        for solution in solutions:
            if solution["this"] not in focus:
                continue
            value = solution["value"] if "value" in projected else None
            path = solution["path"] if "path" in projected else None
            found.append({
                "focus": solution["this"].value,
                "path": path.value if isinstance(path, ox.NamedNode) else "",
                "value": ("" if value is None else value.value if isinstance(value, ox.Literal)
                          else _label_in(data, URIRef(value.value) if isinstance(value, ox.NamedNode)
                                         else BNode(value.value)) or shorten(value.value)),
                "component": "SPARQL", "class": "", "message": constraint.message,
            })
    return found


_OR_ORDER: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()   # shapes graph -> sh:or list -> shapes
_OR_LOCK = threading.Lock()


@contextmanager
def _or_stops_at_first() -> Iterator[None]:
    """While kxgraph validates, make pySHACL's sh:or stop at the first alternative a value conforms
    to, cheap ones first; pySHACL is as it was afterwards (an analyst's own pyshacl calls in the
    same process are not touched).

    pySHACL checks every alternative of an ``sh:or`` for every value and describes each one that
    fails; the value kinds of the shapes (``kx:OrganisationNode``) list up to 24 classes, so
    most of an import's SHACL time went into describing alternatives no one reads. A value
    conforms to ``sh:or`` when one alternative holds (SHACL 4.6.3): the answers are the same.
    Left alone for a pySHACL without the method it replaces.
    """
    from pyshacl.constraints.core.logical_constraints import OrConstraintComponent

    with _OR_LOCK:
        original = OrConstraintComponent.__dict__.get("_evaluate_or_constraint")
        if original is None:
            yield
            return
        OrConstraintComponent._evaluate_or_constraint = _evaluate_or_first
        try:
            yield
        finally:
            OrConstraintComponent._evaluate_or_constraint = original


def _evaluate_or_first(self, executor, or_c, target_graph, focus_value_nodes, _evaluation_path):
    from pyshacl.errors import ReportableRuntimeError
    from rdflib import URIRef

    graph = self.shape.sg.graph
    order = _OR_ORDER.setdefault(graph, {})   # pySHACL builds its components anew for each shape check
    if or_c not in order:
        members = list(graph.items(or_c))
        if not members:
            raise ReportableRuntimeError("The list associated with sh:or is not a valid RDF list.")
        shapes = []
        for o in members:
            if self.shape.sg.is_filtered_out_shape(o):
                continue
            shape = self.shape.get_other_shape(o)
            if not shape:
                raise ReportableRuntimeError("Shape pointed to by sh:or does not exist or is not a well-formed SHACL Shape.")
            shapes.append(shape)

        def cost(shape) -> int:   # a pattern or a list is a string test; sh:class walks types; sh:node recurses
            has = lambda name: (shape.node, URIRef(SH + name), None) in graph  # noqa: E731
            return 0 if has("pattern") or has("in") else 1 if has("class") or has("datatype") else 2

        order[or_c] = sorted(dict.fromkeys(shapes), key=cost)
    shapes = order[or_c]
    reports, failed = [], False
    if not shapes:
        return failed, reports
    for focus, values in focus_value_nodes.items():
        for value in values:
            if not any(shape.validate(executor, target_graph, focus=value, _evaluation_path=_evaluation_path[:])[0]
                       for shape in shapes):
                failed = True
                reports.append(self.make_v_result(target_graph, focus, value_node=value))
    return failed, reports


def run_shacl(ntriples: str, *, whole_ontology: bool = True) -> list[dict[str, Any]]:
    """Run pySHACL on N-Triples; return each violation as plain strings (focus, path, value, …).

    The ontology goes into the data graph, as ``sh:class`` needs its subclasses and typed
    concepts. With ``whole_ontology=False`` only the part the data reaches goes in (every
    ``rdfs:subClassOf``, and what the ontology says about each node the data names, followed
    on): the violations about the data are the same, and the ontology's own concepts are not
    validated again on every import.
    """
    import pyshacl
    from rdflib import Graph, Literal, URIRef

    shapes, ontology, sparql = _shapes_and_ontology()
    data = Graph()
    data.parse(data=ntriples, format="nt")
    for t in (ontology if whole_ontology else _reached(data)):
        data.add(t)
    found = _run_sparql_constraints(ntriples, sparql, data) if sparql else []
    with _or_stops_at_first():
        conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                               allow_warnings=True, advanced=True, inplace=True)
    if conforms:
        return found
    sh = lambda name: URIRef(SH + name)  # noqa: E731
    for result in report.subjects(URIRef(RDF + "type"), sh("ValidationResult")):
        if report.value(result, sh("resultSeverity")) != sh("Violation"):
            continue
        shape = report.value(result, sh("sourceShape"))
        value = report.value(result, sh("value"))
        path = report.value(result, sh("resultPath"))
        found.append({
            "focus": str(report.value(result, sh("focusNode"))),
            "path": str(path) if isinstance(path, URIRef) else "",
            "value": ("" if value is None else str(value) if isinstance(value, Literal)
                      else _label_in(data, value) or shorten(str(value))),
            "component": str(report.value(result, sh("sourceConstraintComponent"))).rsplit("#", 1)[-1]
            .removesuffix("ConstraintComponent"),
            "class": str(shapes.value(shape, sh("class")) or ""),
            "message": _message(shapes, shape, sh("message")),
        })
    return found


def _reached(data) -> list:
    """The ontology's triples the data reaches (from the nodes it names, on), and every subclass axiom."""
    from rdflib import URIRef

    by_subject, axioms = _ontology_index()
    todo = [n for n in {*data.subjects(), *data.objects()} if isinstance(n, URIRef)]
    seen, found = set(todo), list(axioms)
    while todo:
        for t in by_subject.get(todo.pop(), ()):
            found.append(t)
            if isinstance(t[2], URIRef) and t[2] not in seen:
                seen.add(t[2])
                todo.append(t[2])
    return found


@lru_cache(maxsize=1)
def _ontology_index() -> tuple[dict, list]:
    """The shipped ontology's triples by subject, and its ``rdfs:subClassOf`` axioms (once per process)."""
    from rdflib import URIRef

    ontology = _shapes_and_ontology()[1]
    by_subject: dict = {}
    for t in ontology:
        by_subject.setdefault(t[0], []).append(t)
    return by_subject, list(ontology.triples((None, URIRef(RDFS + "subClassOf"), None)))


def _message(shapes, shape, predicate) -> str:
    """The shape's own sh:message, Chinese then English (the shapes speak the user's terms)."""
    texts = {getattr(m, "language", None): str(m) for m in shapes.objects(shape, predicate)}
    return " / ".join(texts[lang] for lang in ("zh", "en", None) if lang in texts)


def _label_in(data, node) -> str:
    from rdflib import URIRef

    labels = {getattr(label, "language", None): str(label) for label in data.objects(node, URIRef(RDFS + "label"))}
    return next((labels[lang] for lang in ("zh", None, "en") if lang in labels), next(iter(labels.values()), ""))


def explain(violation: dict[str, Any], column: str) -> str:
    """What a violation means, in Chinese and English, for the column it is about."""
    if violation["message"]:
        return violation["message"]
    what = column or (class_label(violation["path"]) if violation["path"] else "值")
    component = violation["component"]
    if component == "MinCount":
        return f"缺少必填项 / required value missing: {what}"
    if component == "MaxCount":
        return f"只能填一个值 / only one value allowed: {what}"
    if component == "Class":
        kind = class_label(violation["class"]) if violation["class"] else "?"
        return f"引用的对象类型不对，应为{kind} / refers to something that is not a {kind}"
    if component in ("Datatype", "Pattern", "MinLength", "MaxLength", "NodeKind"):
        return f"格式不对 / wrong format: {what}"
    if component == "In":
        return f"不在可选值中 / not one of the allowed values: {what}"
    return f"不符合数据规范 / breaks the data rules ({what})"


def shacl_check(plan: Any) -> None:
    """Validate a planned import with SHACL, adding each violation to the row it comes from."""
    rows = [r for r in plan.rows if r.subject is not None and r.ok]  # bad rows are reported already
    groups: dict[tuple, list] = {}
    split: dict[int, list] = {}    # mapping -> its split columns
    for row in rows:
        groups.setdefault(_signature(row, split), []).append(row)
    if len(rows) <= FULL_SHACL_ROWS:
        chosen = rows
        plan.shacl = f"SHACL on all {len(rows)} rows"
    else:
        each = PER_SIGNATURE if len(groups) * PER_SIGNATURE <= MAX_SLICE else 1
        chosen = [r for group in groups.values() for r in group[:each]][:MAX_SLICE]
        plan.shacl = f"SHACL on {len(chosen)} representative rows of {len(rows)} ({len(groups)} row shapes"
        plan.shacl += f", {len(groups) - MAX_SLICE} not checked by SHACL)" if len(groups) > MAX_SLICE else ")"
    if not chosen:
        return
    owner: dict[str, Any] = {}
    parts = []
    for row in chosen:   # a row owns its subject and its memberships, before what it links to
        owner[row.subject] = row
        owner.update({node: row for node, p in row.where if p == ORG + "member"})
    for row in chosen:
        parts.extend(row.lines)
        for node, _ in row.where:
            owner.setdefault(node, row)
        for iri in row.stubs:
            if iri not in owner:
                owner[iri] = row
                parts.extend(plan.stub_lines(iri, row.source))  # the plan knows its stubs: no import back
    # what the store says of the entities these rows link to (their types and names), not of all
    # the entities the whole import links to: those would be validated too, for nothing
    named = {iri for line in parts for iri in _iris(line)}
    parts.extend(line for line in plan.context if line[1:line.find(">")] in named)
    for violation in run_shacl("".join(parts), whole_ontology=False):
        row = owner.get(violation["focus"])
        if row is None:
            continue
        column = row.where.get((violation["focus"], violation["path"])) or _header_for(row, violation["path"])
        text = explain(violation, column)
        if violation["component"] in STRUCTURAL and len(chosen) < len(rows):
            for other in groups[_signature(row, split)]:
                value = next((v for h, v in other.cells.values() if h == column), violation["value"])
                other.problem(column, value, text)
        else:
            row.problem(column, violation["value"], text)


def _iris(line: str) -> tuple[str, ...]:
    """The subject and (when an IRI) the object of an N-Triples line as ``triple`` writes it."""
    subject, _, rest = line.split(" ", 2)
    return (subject[1:-1], rest[1:rest.find(">")]) if rest[:1] == "<" else (subject[1:-1],)


def _signature(row: Any, split: dict[int, list] | None = None) -> tuple:
    """What fixes the shape of a row's RDF: template, class, filled columns, names per cell.

    ``split`` keeps each mapping's split columns, for the many rows of one mapping."""
    split = {} if split is None else split
    columns = split.get(id(row.mapping))
    if columns is None:
        columns = split[id(row.mapping)] = sorted((c for c in row.mapping.columns if c.split), key=lambda c: c.id)
    cells = row.cells
    counts = tuple((c.id, _count_names(str(cells[c.id][1]))) for c in columns if c.id in cells)
    return row.mapping.name, row.cls, frozenset(row.cells), counts


@lru_cache(maxsize=1 << 18)
def _count_names(text: str) -> int:
    from kxgraph.tables.sheets import split_names

    return len(split_names(text))


def _header_for(row: Any, path: str) -> str:
    """The template's header for a property (the column to fill in), else the property's name."""
    from kxgraph.tables.mapping import _iri

    for column in row.mapping.columns:
        if column.property and _iri(column.property) == path:
            return column.headers[0]
    return label(path, "zh") if path else ""


def validate_store(store: Any, *, graph: str | None = None) -> list[Problem]:
    """Validate what a store holds with SHACL, graph by graph; imported rows are named by row.

    ``graph`` (an IRI, ``<IRI>`` or CURIE such as ``kxg:ontology``) limits it to one named graph,
    which must exist: a name that matches nothing is a ``ParameterError``, never "0 problems".
    The curation graph (decisions, not data) is left out.
    """
    from kxgraph.output.render import render_to_string
    from kxgraph.sparql.catalogue import query

    present = [g for g, _ in store.graphs()]
    import pyoxigraph as ox

    names = [_graph_name(graph, present).value] if graph is not None else [g for g in present if g != CURATION_GRAPH]
    problems: list[Problem] = []
    for name in names:
        node = {"graph": ox.NamedNode(name)}
        content = query(store, "validate/graph-content", node)
        # Linked things from other graphs come with their labels, or the shapes would miss them.
        types = query(store, "validate/graph-linked", node)
        data = render_to_string(content, "ntriples") + render_to_string(types, "ntriples")
        rows = {}
        for s, n, sheet in query(store, "validate/graph-rows", node).rows:
            rows[s.value] = (n.value, sheet.value if sheet is not None else "")
        # only what this graph describes is judged here; what it links to is typed for sh:class
        described = {r[0].value for r in query(store, "validate/graph-described", node).rows}
        for v in run_shacl(data):
            if v["focus"] not in described:
                continue
            row, sheet = rows.get(v["focus"], ("", ""))
            column = class_label(v["path"]) if v["path"] else ""
            where = name if row else f"{name} {shorten(v['focus'])}"
            problems.append(Problem(where, sheet, row, column, v["value"], explain(v, column)))
    return problems


def _graph_name(graph: str, present: list[str]) -> Any:
    """The named graph ``graph`` names, as a term; a ``ParameterError`` when the store has no such graph."""
    from kxgraph.errors import ParameterError, option
    from kxgraph.sparql.query import parse_term

    try:
        node = parse_term(graph.strip(), "iri", name=option("graph"))
    except ParameterError:
        node = None
    if node is None or node.value not in present:
        raise ParameterError(f"no graph {graph!r} in the store; kx graphs lists them")
    return node


# -- likely duplicates ----------------------------------------------------------------------

def _subsequence(short: str, long: str) -> bool:
    chars = iter(long)
    return all(c in chars for c in short)


def why_alike(a: str, b: str) -> str | None:
    """Why two different names may mean the same entity, or None.

    >>> why_alike("太原钢铁（集团）有限公司", "太钢集团")
    'abbreviation'
    """
    ca, cb = core_name(a), core_name(b)
    if number_marks(a) != number_marks(b):   # 第一/第二, 1号/2号: different on purpose
        return None
    if ca == cb:
        return "same name without legal form or brackets"
    short, long = sorted((ca, cb), key=len)
    if len(short) >= 2 and short[0] == long[0] and (short in long or _subsequence(short, long)):
        return "contained" if short in long else "abbreviation"
    matcher = SequenceMatcher(None, ca, cb)
    if min(len(ca), len(cb)) >= 4 and matcher.quick_ratio() >= 0.85 and matcher.ratio() >= 0.85:
        return "similar"
    return None


def likely_duplicates(plan: Any, *, block_limit: int = 400) -> Result:
    """Pairs of names of the same kind that may be one entity: for the user to confirm, not merged."""
    names: dict[str, dict[str, Any]] = {}   # kind -> name -> the row that first names it
    kinds: dict[str, str] = {}
    for row in plan.rows:
        if row.subject and row.ok:
            kind = kinds.get(row.cls) or kinds.setdefault(row.cls, label(row.cls, "zh"))
            names.setdefault(kind, {}).setdefault(str(row.cells[row.mapping.key.id][1]), row)
    for stub in plan.stubs.values():
        if stub.rows:
            names.setdefault(label(stub.cls, "zh"), {}).setdefault(stub.name, stub.rows[0])
    pairs = []
    for kind, seen in names.items():
        blocks: dict[str, list[str]] = {}
        for name in seen:
            blocks.setdefault(core_name(name)[:1], []).append(name)
        for block in blocks.values():
            if len(block) > block_limit:   # too many to compare pairwise: exact core names only
                by_core: dict[str, str] = {}
                for name in block:
                    other = by_core.setdefault(core_name(name), name)
                    if other != name:
                        pairs.append((kind, other, name, "same name without legal form or brackets",
                                      f"{_where(seen[other])}; {_where(seen[name])}"))
                continue
            for i, a in enumerate(block):
                for b in block[i + 1:]:
                    reason = why_alike(a, b)
                    if reason:
                        pairs.append((kind, a, b, reason, f"{_where(seen[a])}; {_where(seen[b])}"))
    return Result.table(["kind", "name", "other", "why", "where"], pairs)


def _where(row: Any) -> str:
    from pathlib import Path

    return where(Path(row.file).name, row.sheet, row.number)
