"""One catalogue reads every .rq file, one binder puts values into SPARQL (issue 15).

The source is read as a syntax tree: a place that opens a query file, or builds SPARQL text out of
pieces (an f-string, a ``+``, a ``.replace`` of a marker), is counted. Each allowed place is listed
below with its reason; a new one fails this test until it goes through the catalogue instead.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from kxgraph.errors import NotFoundError, ParameterError, QueryError
from kxgraph.sparql import catalogue
from kxgraph.vocab import PREFIXES

SRC = Path(catalogue.__file__).resolve().parent.parent
KEYWORDS = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|INSERT|DELETE|WHERE|VALUES|GRAPH|DROP|ADD|LOAD|CLEAR|"
                      r"MOVE|COPY|FILTER|UNION|SERVICE)\b")

# Where SPARQL text is written from pieces, and why that is the binder, not a fork of it.
WRITERS = {
    ("store/base.py", "inject_values"): "the binder: VALUES blocks from terms' N-Triples form",
    ("store/base.py", "drop"): "an update naming a graph by its term (updates take no substitutions)",
    ("store/base.py", "_insert_data"): "INSERT DATA of parsed quads, by their terms",
    ("store/oxigraph.py", "_load_files"): "the load's sentinel graph, a term",
    ("store/oxigraph.py", "_commit_update"): "staged graphs moved into place, by their terms",
    ("store/endpoint.py", "_load_files"): "staged graphs moved into place on an endpoint, by their terms",
    ("store/endpoint.py", "_discard"): "staging graphs of a failed endpoint load dropped, by their terms",
    ("checks.py", "_query"): "the literal checks' cast chain, from the constant CASTS table (graphs bound by terms)",
    ("sources.py", "drop_source"): "a source's graphs and record dropped, by their terms (updates take no substitutions)",
    ("sources.py", "forget_graph"): "DELETE DATA of one quad of a source's record, by its terms",
    ("curation.py", "record"): "INSERT DATA of decision quads into kxg:curation, written from pyoxigraph terms",
    ("curation.py", "same"): "one update moving a merged entity's quads to the kept one, by their terms",
    ("curation.py", "distinct"): "INSERT DATA of a decision's quads into kxg:curation, from pyoxigraph terms",
    ("curation.py", "rename"): "DELETE/INSERT DATA of label quads and the decision, by their terms",
    ("updates.py", "hint"): "the user's own DELETE pattern asked again inside GRAPH ?g, only to word the hint "
                            "(their text, no values put in; the update itself runs as written)",
}
READERS = {("sparql/catalogue.py", "read_query_text")}


def _functions(tree: ast.AST) -> dict[ast.AST, str]:
    owner: dict[ast.AST, str] = {}

    def visit(node: ast.AST, name: str) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else name
            owner[child] = inner
            visit(child, inner)

    visit(tree, "<module>")
    return owner


def _strings(node: ast.AST) -> str:
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
        return " ".join(x.value for x in (node.left, node.right)
                        if isinstance(x, ast.Constant) and isinstance(x.value, str))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("replace", "format"):
        pieces = [node.func.value, *node.args]
        return " ".join(x.value for x in pieces if isinstance(x, ast.Constant) and isinstance(x.value, str))
    return ""


def _places() -> tuple[set, set]:
    writers, readers = set(), set()
    for path in sorted(SRC.rglob("*.py")):
        relative = path.relative_to(SRC).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owner = _functions(tree)
        for node in ast.walk(tree):
            text = _strings(node)
            if text and KEYWORDS.search(text) and not _is_message(node, owner, tree):
                writers.add((relative, owner.get(node, "<module>")))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and \
                    node.func.attr in ("read_text", "read_bytes", "open"):
                source = ast.get_source_segment(path.read_text(encoding="utf-8"), node) or ""
                function = owner.get(node, "<module>")
                if re.search(r"\brq\b|quer", source + function):
                    readers.add((relative, function))
    return writers, readers


def _is_message(node: ast.AST, owner: dict, tree: ast.AST) -> bool:
    """Text given to an exception is a message for people, not SPARQL."""
    for parent in ast.walk(tree):
        if isinstance(parent, ast.Call) and isinstance(parent.func, ast.Name) and parent.func.id.endswith("Error"):
            if any(node is a or node in ast.walk(a) for a in parent.args):
                return True
    return False


def test_exactly_one_reader_of_query_files_and_one_binder():
    writers, readers = _places()
    assert readers == READERS
    assert writers == set(WRITERS), "SPARQL written from pieces outside the binder: use kxgraph.sparql.catalogue"


def test_no_query_text_outside_rq_files_mentions_the_old_markers():
    for path in SRC.rglob("*"):
        if path.suffix in (".py", ".rq"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"%(LINKS|VALUES|TYPES)%|AREA_SLOT|VALUES \?s \{ \}", text), path


def test_every_shipped_query_has_a_description_and_parses():
    store = ox.Store()
    for path in sorted((SRC / catalogue.QUERIES).rglob("*.rq")):
        name = path.relative_to(SRC / catalogue.QUERIES).with_suffix("").as_posix()
        query = catalogue.entry(name)
        assert query.description, name
        text = query.text
        for p in query.parameters:
            if p.type == "path":
                text = re.sub(rf"\?{p.name}\b", "rdfs:label", text)
        store.query(text, prefixes=PREFIXES)  # a syntax error fails here


def test_a_list_parameter_is_bound_as_values_of_terms_never_text():
    with pytest.raises(ParameterError):
        catalogue.entry("network/nodes").bind({"n": ["kx:a", '<https://example.org/b> } INSERT DATA {']})
    evil = ox.Literal('x" } } ; DROP ALL ; SELECT * { { "')
    bound = catalogue.entry("tables/existing").bind({"class": "kx:Enterprise", "s": ["kx:a"], "l": [evil]})
    assert 'VALUES ?l { "x\\" } } ; DROP ALL ; SELECT * { { \\"" }' in bound.text
    from kxgraph.store.oxigraph import OxigraphStore

    store = OxigraphStore(None)
    store.raw.add(ox.Quad(ox.NamedNode("urn:x"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"), ox.NamedNode("urn:g")))
    assert store.query(bound.text, substitutions=bound.substitutions).rows == []
    assert len(store.raw) == 1


def test_list_and_path_parameters(tmp_path):
    bound = catalogue.entry("network/edges").bind({"path": "^org:member/org:organization", "s": ["kx:a", "kx:b"]})
    assert "VALUES ?s { <https://w3id.org/kxgraph/ns#a> <https://w3id.org/kxgraph/ns#b> }" in bound.text
    assert "^<http://www.w3.org/ns/org#member>/<http://www.w3.org/ns/org#organization>" in bound.text
    assert bound.substitutions == {}
    with pytest.raises(QueryError):
        catalogue.entry("network/edges").bind({"path": "kx:a } ; DROP ALL ; SELECT * { ?s"})
    mine = tmp_path / "mine.rq"
    mine.write_text("# param p path: a path\nSELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    with pytest.raises(ParameterError):
        catalogue.resolve(str(mine)).bind({"p": "rdfs:label"})


def test_resolve_names_files_and_refuses_what_is_neither(tmp_path):
    assert catalogue.resolve("collaborators").parameters[0].name == "entity"
    assert catalogue.resolve("indicators/patent-applications").parameters[0].name == "area"
    assert catalogue.resolve("projections/academician-academician").group == "projections"
    with pytest.raises(NotFoundError):
        catalogue.resolve("explore/show")  # internal: not a user's named query
    with pytest.raises(NotFoundError):
        catalogue.resolve(str(tmp_path / "missing.rq"))
