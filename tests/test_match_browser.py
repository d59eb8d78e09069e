"""The kx match page in headless Chromium: nothing fetched, hostile titles shown as text."""

from __future__ import annotations

from pathlib import Path

import pytest

import kxgraph

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SMALL = Path(__file__).parent / "data" / "match" / "small.ttl"


def test_the_match_page_fetches_nothing_and_shows_hostile_text_as_text(tmp_path, browser):
    g = kxgraph.open(memory=True)
    g.load(SMALL)
    path = tmp_path / "match.html"
    path.write_text(g.match(need="<https://example.org/match/n-bad>", top=3).to_html(), encoding="utf-8")
    page = browser.new_page()
    requests, dialogs = [], []
    page.route("http*://**/*", lambda route: (requests.append(route.request.url), route.abort()))
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(path.as_uri())
    heading = page.inner_text("h2")
    text = page.inner_text("body")
    svgs = page.locator("svg.kx-paths").count()
    page.close()
    assert requests == [] and dialogs == []
    assert '<script>alert(1)</script> & "钢"' in heading
    assert "示例院士乙" in text and svgs >= 1
