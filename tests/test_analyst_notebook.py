"""The analyst's session, executed by nbclient: the assertions are in the notebook's cells."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("pandas")


@pytest.mark.slow
def test_the_analysts_session_runs_as_specified(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(repo / "src"))
    builder = runpy.run_path(str(repo / "tests" / "notebooks" / "build_analyst.py"))
    nb = builder["notebook"](str(repo / "tests" / "data" / "kx3-sample.ttl"))
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    nbformat.write(nb, tmp_path / "analyst.ipynb")  # kept for a look when the test fails

    errors = {cell.id: out for cell in nb.cells if cell.cell_type == "code"
              for out in cell.outputs if out.output_type == "error"}
    expected = [cell.id for cell in nb.cells if "raises-exception" in cell.metadata.get("tags", [])]
    assert sorted(errors) == sorted(expected), {k: v.evalue for k, v in errors.items()}
    refused, syntax = (errors[i] for i in expected)
    assert refused.ename == "KxError" and "2 graphs are open (g, scratch)" in refused.evalue
    assert syntax.ename == "QueryError" and 'near "WHER": did you mean WHERE?' in syntax.evalue
    assert "\n" not in syntax.evalue

    text = "\n".join(o.get("text", "") for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs)
    assert "Glyph" not in text and "missing from font" not in text
    shown = nb.cells[-1].outputs[0]["data"]["text/html"]
    assert "<iframe" in shown and "kx-view-summary" in shown
    [page] = Path(tmp_path, "kx-views").glob("view-*.html")
    assert page.name in shown and (tmp_path / "pyvis.html").exists()
