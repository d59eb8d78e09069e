"""An nbclient-executed notebook opened in JupyterLab (headless Chromium): the view, or its fallback, shows,
and a query's table with its label columns.

JupyterLab treats the outputs of a notebook it did not run itself as untrusted and sanitises
their HTML; the inline view's iframe is stripped then, and the static summary with its link
must still be visible.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("jupyterlab")

TOKEN = "kx-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def executed_notebook(repo, tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(repo / "src"))
    sample = repo / "tests" / "data" / "kx3-sample.ttl"
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell(f"import kxgraph\ng = kxgraph.open(memory=True)\ng.load({str(sample)!r})"),
        nbformat.v4.new_code_cell("g.view(title='协作网络 test view')"),
        nbformat.v4.new_code_cell("g.query('SELECT ?ws ?host WHERE { ?ws kx:hostOrganization ?host } ORDER BY ?ws')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3",
                            resources={"metadata": {"path": str(tmp_path)}}).execute()
    nbformat.write(nb, tmp_path / "view.ipynb")
    return tmp_path / "view.ipynb"


@pytest.fixture
def lab(executed_notebook):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
         f"--ServerApp.port={port}", f"--IdentityProvider.token={TOKEN}",
         f"--ServerApp.root_dir={executed_notebook.parent}", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
         "--LabApp.extension_manager=readonly", "--allow-root"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start")
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


@pytest.mark.browser
@pytest.mark.slow
def test_jupyterlab_shows_the_view_or_its_fallback_for_an_executed_notebook(lab, browser):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    outside = []
    page.route(lambda url: not url.startswith(lab), lambda route: (outside.append(route.request.url),
                                                                   route.abort()))
    page.goto(f"{lab}/lab/tree/view.ipynb?token={TOKEN}")
    output = page.locator(".jp-OutputArea-output").filter(has_text="协作网络 test view")
    output.first.wait_for(timeout=90000)
    text = output.first.inner_text()
    assert "节点" in text and "关系" in text  # the static summary
    link = output.first.locator("a[href*='kx-views/view-']")
    shown_iframe = output.first.locator("iframe").count()
    assert shown_iframe == 1 or link.count() == 1, "neither the live view nor a link to it shows"
    print(f"JupyterLab kept the iframe: {bool(shown_iframe)}; link shown: {link.count() == 1}")
    table = page.locator(".jp-OutputArea-output table").filter(has_text="host_label")
    table.first.wait_for(timeout=30000)  # a result table, with the label beside each entity column
    assert table.first.locator("th").all_inner_texts()[:4] == ["ws", "ws_label", "host", "host_label"]
    assert "龙城合成材料有限公司" in table.first.inner_text()
    page.close()
    assert not [u for u in outside if not u.startswith("data:")]
