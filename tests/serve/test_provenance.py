"""The report as of a date or within a period, and the sources page: what they show equals what the
library computes (``kx report --as-of``, ``kx report --period``, ``kx sources``)."""

from __future__ import annotations

import hashlib
import html
import re

import pytest


def _cells(page: str, css: str) -> list[str]:
    """The text of every ``<td class="css">`` of a page, unescaped."""
    return [html.unescape(c) for c in re.findall(rf'<td class="{css}">(.*?)</td>', page)]


def _library_report(store, when: str | None = None):
    import kxgraph

    with kxgraph.open(store) as g:
        report = (g.as_of(when) if when else g).report()
        return {row["id"]: row["computed"] for row in report.records()}


# -- the report ----------------------------------------------------------------------------------

def test_report_as_of_a_year_recomputes_the_figures_as_the_library_does(client, served_store):
    now = client.get("/report").text
    then = client.get("/report", params={"as-of": "2019"})
    assert then.status_code == 200
    expected = _library_report(served_store, "2019")
    shown = dict(zip(_cells(then.text, "kx-id"), _cells(then.text, "kx-computed")))
    assert shown == {_curie(k): "" if v is None else _curie(v) for k, v in expected.items()}
    assert _cells(then.text, "kx-computed") != _cells(now, "kx-computed")  # fewer things existed in 2019
    assert "截至 2019" in then.text


def _curie(value) -> str:
    from kxgraph.output.render import display

    return display(value) if hasattr(value, "value") else str(value)


def test_report_url_is_stable_and_its_form_asks_by_get(client):
    from kxgraph.server.provenance import report_url

    assert report_url(when="2019-12-31") == "/report?as-of=2019-12-31"
    page = client.get(report_url(when="2019-12-31")).text
    assert '<form class="kx-as-of-form" action="/report" method="get">' in page
    assert 'name="as-of" value="2019-12-31"' in page  # the form shows the date it answers for
    assert page == client.get("/report?as-of=2019-12-31").text


@pytest.mark.parametrize("when", ["2019-13-40", "yesterday", "1066"])
def test_a_bad_date_is_a_message_on_the_report_page(client, when):
    r = client.get("/report", params={"as-of": when})
    assert r.status_code == 400
    assert 'class="kx-error" role="alert"' in r.text and "Traceback" not in r.text
    assert '<form class="kx-as-of-form"' in r.text  # the form is there to correct it
    assert html.escape(when, quote=True) in r.text


def test_report_within_a_period_counts_as_kx_report_period(client, served_store):
    import kxgraph
    from kxgraph.timeline import period_report

    page = client.get("/report", params={"period": "2016..2020"}).text
    with kxgraph.open(served_store) as g:
        expected = period_report(g, "2016..2020")
    assert "统计时期：2016..2020" in page
    first = expected.records()[0]
    assert f"<td>{html.escape(str(first['computed']))}</td>" in page
    assert "<th>kind</th>" in page


def test_report_as_of_is_in_english_too(client):
    page = client.get("/report", params={"as-of": "2019", "lang": "en"}).text
    assert "Computed from the data as it stood on 2019" in page and 'name="as-of"' in page
    client.get("/", params={"lang": "zh"})


# -- the sources ---------------------------------------------------------------------------------

def test_sources_page_lists_every_source_as_kx_sources_does(client, served_store):
    import kxgraph
    from kxgraph.resources import resource_path

    with kxgraph.open(served_store) as g:
        listed = g.sources().records()
    page = client.get("/sources").text
    assert [html.unescape(re.sub("<[^>]+>", "", c)) for c in _cells(page, "kx-name")] == \
        [str(r["name"]) for r in listed]
    assert _cells(page, "kx-triples") == [_curie(r["triples"]) for r in listed]
    assert _cells(page, "kx-version") == [_curie(r["version"]) for r in listed]
    digest = hashlib.sha256(resource_path("data/templates/enterprises.csv").read_bytes()).hexdigest()
    assert f"enterprises.csv: sha256:{digest}" in page
    assert "<th>校验和</th>" in page and "<th>写入实体</th>" in page


def test_each_source_links_to_the_entities_it_wrote(client):
    page = client.get("/sources").text
    assert 'href="/sources/enterprises"' in page
    source = client.get("/sources/enterprises").text
    links = re.findall(r'<li><a href="(/e/[^"]+)">', source)
    assert len(links) == 3  # the template's three example enterprises
    assert all(client.get(html.unescape(url)).status_code == 200 for url in links)
    assert "<h3>企业 (3)</h3>" in source
    assert "file://" not in source  # no server path


def test_sources_are_in_the_navigation_and_in_english(client):
    assert 'href="/sources"' in client.get("/").text
    page = client.get("/sources", params={"lang": "en"}).text
    assert "<th>checksum</th>" in page and "<th>entities written</th>" in page and ">spreadsheet<" in page
    client.get("/", params={"lang": "zh"})


def test_an_unknown_source_is_404_offering_search(client):
    r = client.get("/sources/no-such-source")
    assert r.status_code == 404 and 'role="search"' in r.text


@pytest.fixture(scope="module")
def hostile_sources(tmp_path_factory):
    """A store with one source whose name carries script (it came from the file's name)."""
    import shutil

    import kxgraph
    from kxgraph.resources import resource_path
    from kxgraph.server.app import Settings, create_app
    from starlette.testclient import TestClient

    folder = tmp_path_factory.mktemp("hostile-source")
    evil = folder / "<img src=x onerror=alert(1)>名单.csv"
    shutil.copy(resource_path("data/templates/enterprises.csv"), evil)
    with kxgraph.open(folder / "store", mode="create") as g:
        g.import_tables(evil)
    with TestClient(create_app(Settings(folder / "store")), base_url="http://127.0.0.1") as c:
        yield c


def test_a_source_name_carrying_script_is_escaped(hostile_sources):
    listing = hostile_sources.get("/sources").text
    assert "<img src=x" not in listing and "&lt;img src=x onerror=alert(1)&gt;名单" in listing
    url = re.search(r'<td class="kx-name"><a href="([^"]+)"', listing).group(1)
    page = hostile_sources.get(html.unescape(url))
    assert page.status_code == 200 and "<img src=x" not in page.text
