"""The year slider in a real browser: moving it shows the network as it stood (kx view --year-slider)."""

from __future__ import annotations

import pytest

import kxgraph
from kxgraph.resources import resource_path
from kxgraph.timeline import as_of, slider_page

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_moving_the_slider_shows_the_as_of_count_for_that_year(tmp_path, browser):
    g = kxgraph.open(memory=True)
    g.load(resource_path("taiyuan/taiyuan.trig"))
    g.generate(scale=0.3, seed=0)
    path = tmp_path / "slider.html"
    path.write_text(slider_page(g, g.view()), encoding="utf-8")
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        requests, errors = [], []
        page.route("http*://**/*", lambda route: (requests.append(route.request.url), route.abort()))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(path.as_uri())
        page.wait_for_function("window.kxView && window.kxView.ready", timeout=60000)
        for year in (2012, 2018):
            page.eval_on_selector("#kx-year", "(el, y) => { el.value = String(y); "
                                  "el.dispatchEvent(new Event('input')); }", year)
            visible = page.evaluate("window.kxView.visibleCount")
            assert visible == as_of(g, str(year)).network().number_of_nodes(), year
        last = page.eval_on_selector("#kx-year", "el => el.max")
        page.eval_on_selector("#kx-year", "el => { el.value = el.max; el.dispatchEvent(new Event('input')); }")
        assert page.evaluate("window.kxView.visibleCount") == g.network().number_of_nodes()
        assert last == "2023" and requests == [] and errors == []
    finally:
        context.close()
