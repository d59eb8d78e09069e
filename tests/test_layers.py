"""The layers only look down: the import graph of kxgraph, lazy imports included, has no circles.

Every ``import`` and ``from … import`` in every module is read with ``ast``, including those inside
functions (a lazy import hides a circle from Python, not from this test).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "kxgraph"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Module -> the kxgraph modules it imports (a package's ``__init__`` counts as the package)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + [base]).strip(".")
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name and target.startswith("kxgraph"):
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_there_are_no_import_circles_between_modules():
    assert cycles(import_graph()) == []


def test_nothing_below_the_facade_imports_it():
    above = {"kxgraph", "kxgraph.graph", "kxgraph.magic"} | {
        m for m in import_graph() if m.startswith(("kxgraph.cli", "kxgraph.server"))}  # shells over the facade
    climbing = sorted(m for m, targets in import_graph().items()
                      if m not in above and targets & {"kxgraph.graph", "kxgraph"})
    assert climbing == []


def test_the_store_imports_nothing_above_it():
    # the base modules: errors and their boundary, the vocabulary, SPARQL error diagnosis, results
    allowed = {"kxgraph.errors", "kxgraph.boundary", "kxgraph.vocab", "kxgraph.diagnose", "kxgraph.output.results",
               # and the input checks every load makes (hostile): limits, literals, protected graphs, deadline
               "kxgraph.limits", "kxgraph.checks", "kxgraph.protect", "kxgraph.deadline", "kxgraph.resources",
               # and the normalised forms of names, whose keys the label index keeps
               "kxgraph.namekeys"}
    for module in ("kxgraph.limits", "kxgraph.checks", "kxgraph.protect", "kxgraph.deadline", "kxgraph.resources"):
        below = {t for t in import_graph()[module] if not t.startswith("kxgraph.store")}
        assert below <= allowed | {"kxgraph.output.text"}, module  # themselves below the store
    for module, targets in import_graph().items():
        if module.startswith("kxgraph.store"):
            assert {t for t in targets if not t.startswith("kxgraph.store")} <= allowed, module
