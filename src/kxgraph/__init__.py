"""kxgraph: a knowledge-graph explorer for the collaboration networks of science associations.

>>> import kxgraph
>>> g = kxgraph.open(memory=True)

Importing kxgraph is cheap: rdflib, networkx, pyvis and pandas load only when a call needs them.
"""

from __future__ import annotations

from kxgraph.version import __version__  # noqa: E402  (one place: source records name it too)

from kxgraph.errors import (  # noqa: E402  (light: no third-party imports)
    AmbiguousNameError, AnalysisError, GenerateError, InputError, KxError, NotFoundError, ParameterError,
    QueryError, StoreError, ValidationError, WriteError,
)
from kxgraph.graph import KxGraph, open  # noqa: E402,A004
from kxgraph.output.results import Result  # noqa: E402



def load_ipython_extension(ipython) -> None:  # pragma: no cover - exercised through IPython
    """``%load_ext kxgraph``: register the ``%%sparql`` cell magic."""
    from kxgraph.magic import register

    register(ipython)


__all__ = [
    "__version__", "open", "KxGraph", "Result",
    "KxError", "InputError", "ValidationError", "QueryError", "ParameterError", "NotFoundError",
    "StoreError", "WriteError", "AnalysisError", "AmbiguousNameError", "GenerateError",
]
