"""The shipped reference data: kept here for older imports; the rule lives in ``kxgraph.store.reference``."""

from __future__ import annotations

from kxgraph.store.reference import (GAZETTEER_FILE, ONTOLOGY_FILES, ontology_items,  # noqa: F401
                                     reference_items, with_reference)

__all__ = ["ONTOLOGY_FILES", "GAZETTEER_FILE", "ontology_items", "reference_items", "with_reference"]
