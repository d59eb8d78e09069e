"""The analyst's tour runs top to bottom on a fresh install, so it never rots."""

from __future__ import annotations

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")


@pytest.mark.slow
def test_explore_notebook_executes_without_errors(repo, tmp_path):
    notebook = nbformat.read(repo / "notebooks" / "explore.ipynb", as_version=4)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), \
        "commit the notebook without outputs (python notebooks/build_explore.py)"
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(str(o.get("data", {}).get("text/plain", "")) + o.get("text", "") for o in outputs)
    assert "kx: error" not in text
    assert "Glyph" not in text and "missing from font" not in text  # the chart's Chinese labels draw
    # the inline view is a self-contained iframe, the check table has statuses
    html = "\n".join(str(o.get("data", {}).get("text/html", "")) for o in outputs)
    assert "<iframe" in html and "http://" not in html.split("srcdoc")[0]
    assert "agrees" in text
    assert (tmp_path / "kx-demo" / "network.html").exists()


def test_notebook_source_is_what_the_builder_writes(repo):
    import runpy

    committed = (repo / "notebooks" / "explore.ipynb").read_text(encoding="utf-8")
    builder = runpy.run_path(str(repo / "notebooks" / "build_explore.py"))
    assert builder["notebook_text"]() == committed, "run: python notebooks/build_explore.py"
