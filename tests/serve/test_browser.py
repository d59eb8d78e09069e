"""The explorer in headless Chromium: every request that is not to the local server is aborted
and counted as a failure; no dialog may open (a script-carrying label would open one)."""

from __future__ import annotations


import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]



@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 800}, accept_downloads=True)
    page = context.new_page()
    outside, dialogs = [], []

    def route(r):
        if r.request.url.startswith(server.url + "/"):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.base = server.url
    yield page
    context.close()
    assert outside == [], f"requests left the machine: {outside}"
    assert dialogs == [], f"a script ran: {dialogs}"


def test_search_then_entity_then_neighbourhood(page):
    page.goto(page.base + "/")
    page.fill("input[name=q]", "taiyuan")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("ul.kx-results")
    page.click("a[href='/e/kxplace:140100']")
    assert page.url.endswith("/e/kxplace:140100")
    assert page.inner_text("h1") == "太原市"
    page.click("#kx-neighbourhood")
    page.wait_for_selector("canvas", timeout=30000)  # drawn by the view's own script, under its CSP
    assert page.evaluate("window.kxView !== undefined") is True


def test_entity_then_path_to_another_entity(page):
    page.goto(page.base + "/search?q=" + "马晨")
    page.click("ul.kx-results a[href^='/e/syn-']")
    target = page.locator("a[href*='workstation']").first.get_attribute("href").removeprefix("/e/")
    page.fill("input[name=to]", target)
    page.click("text=查找路径")
    page.wait_for_selector("table.kx-table")
    assert "院士工作站" in page.inner_text("table.kx-table")


def test_named_query_form_then_table_then_csv(page):
    page.goto(page.base + "/queries")
    page.click("a[href='/q/entities-by-class']")
    page.fill("input[name=class]", "kx:City")
    page.click("button[type=submit] >> text=运行")
    page.wait_for_selector("table.kx-table")
    assert "太原市" in page.inner_text("table.kx-table")
    with page.expect_download() as download:
        page.click("#kx-csv")
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.startswith("entity,label,en") and "太原市" in text


def test_report_then_disagreeing_figure_then_its_passage(page):
    page.goto(page.base + "/report")
    row = page.locator("tr.disagrees").first
    assert "不一致" in row.inner_text()
    row.locator("a.kx-passage-link").first.click()
    page.wait_for_selector("h1")
    assert "/e/kxsource:" in page.url
    assert page.locator("table.kx-table").count() >= 1


def test_english_switch_and_escaped_labels(page):
    page.goto(page.base + "/e/kxorg:evil")
    assert "恶意企业" in page.inner_text("h1")
    page.click("a.kx-lang")
    assert "Evil & Co" in page.inner_text("h1")
    assert page.inner_text("a[href='/queries']") == "Named queries"
    page.goto(page.base + "/?lang=zh")


def test_sources_page_then_a_source_then_its_entity(page):
    page.goto(page.base + "/")
    page.click("header.kx-nav a[href='/sources']")
    page.wait_for_selector("table.kx-sources")
    assert "sha256:" in page.inner_text("table.kx-sources")
    page.click("td.kx-name a[href='/sources/enterprises']")
    page.wait_for_selector("ul.kx-results")
    page.locator("ul.kx-results a").first.click()
    page.wait_for_selector("h1")
    assert "/e/kxorg:" in page.url and "示例" in page.inner_text("h1")


def test_report_as_of_a_year_recomputes_the_counts(page, served_store):
    import kxgraph
    from kxgraph.output.render import display

    page.goto(page.base + "/report")
    before = page.locator("td.kx-computed").all_inner_texts()
    page.fill("input[name='as-of']", "2019")
    page.click("form.kx-as-of-form button[type=submit]")
    page.wait_for_selector("p.kx-as-of")
    assert "as-of=2019" in page.url
    after = page.locator("td.kx-computed").all_inner_texts()
    with kxgraph.open(served_store) as g:
        expected = ["" if v is None else display(v) if hasattr(v, "value") else str(v)
                    for v in g.as_of("2019").report().column("computed")]
    assert after == expected and after != before
    page.fill("input[name='as-of']", "2019-02-30")
    page.click("form.kx-as-of-form button[type=submit]")
    assert "2019-02-30" in page.inner_text("p.kx-error")
