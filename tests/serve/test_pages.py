"""The explorer site: search, entity pages, named queries as forms, the report, the editor, 404."""

from __future__ import annotations

import csv
import io
import re


def test_home_is_chinese_with_an_english_switch(client):
    zh = client.get("/")
    assert zh.status_code == 200 and '<html lang="zh">' in zh.text and "搜索" in zh.text
    en = client.get("/", params={"lang": "en"})
    assert '<html lang="en">' in en.text and "Search" in en.text
    assert client.cookies.get("kxlang") == "en"  # remembered for the next page
    assert '<html lang="en">' in client.get("/queries").text
    client.get("/", params={"lang": "zh"})


def test_every_page_fetches_nothing(client):
    for url in ("/", "/search?q=太原", "/e/kxplace:140100", "/queries", "/q/projects-by-status", "/report",
                "/editor", "/nowhere"):
        r = client.get(url)
        text = r.text
        assert "default-src 'none'" in text, url
        assert r.headers["content-security-policy"].startswith("default-src 'none'"), url
        assert "frame-ancestors 'none'" in r.headers["content-security-policy"], url
        assert not re.search(r"""(src|href)=["']?(https?:)?//""", text), url


def test_search_by_chinese_english_and_pinyin_groups_results_by_type(client):
    for text in ("太原", "Taiyuan", "taiyuan"):
        page = client.get("/search", params={"q": text}).text
        assert 'href="/e/kxplace:140100"' in page, text
        assert "<h2>城市 (" in page, text


def test_entity_page_shows_facts_labels_and_source_passage(client):
    page = client.get("/e/kxfigure:taiyuan-report%2Facademicians-invited-for-exchange").text
    assert "报告数字" in page                        # its type, by label
    assert '<blockquote class="kx-passage">' in page and "李德毅" in page  # the passage it came from
    assert 'href="/e/kxplace:140100"' in page      # a link, labelled
    assert 'id="kx-neighbourhood" href="/view?' in page


def test_entity_page_shows_its_neighbourhood_inline(client):
    page = client.get("/e/syn-seed-0-scale-0.1:academician-5").text
    assert '<section class="kx-neighbourhood"><div class="kx-view-summary"' in page
    assert "院士工作站" in page.split('class="kx-view-summary"', 1)[1].split("</div>", 1)[0]


def test_synthetic_entities_carry_the_banner(client):
    hit = client.get("/search", params={"q": "院士", "lang": "zh"}).text
    url = re.search(r'href="(/e/syn-[^"]+)"', hit).group(1)
    page = client.get(url.replace("&amp;", "&")).text
    assert 'class="kx-banner"' in page and "合成示例数据" in page
    assert 'class="kx-banner"' not in client.get("/e/kxplace:140100").text


def test_neighbourhood_view(client):
    view = client.get("/view", params={"focus": "kxplace:140100", "depth": 1})
    assert view.status_code == 200 and "vis" in view.text and "default-src 'none'" in view.text
    assert client.get("/view", params={"focus": "kxplace:140100", "depth": 9}).status_code == 400


ACADEMICIAN = "syn-seed-0-scale-0.1:academician-5"


def test_path_from_an_entity_page_to_another_entity(client):
    page = client.get(f"/e/{ACADEMICIAN}").text
    assert 'name="from" value="' + ACADEMICIAN in page
    workstation = re.search(r'href="/e/(syn-[^"]*workstation[^"]*)"', page).group(1)
    paths = client.get("/path", params={"from": ACADEMICIAN, "to": workstation})
    assert paths.status_code == 200 and "kx-table" in paths.text and "院士工作站" in paths.text
    none = client.get("/path", params={"from": ACADEMICIAN, "to": "kxorg:no-such"})
    assert none.status_code == 404 and 'action="/search"' in none.text


def test_named_query_form_table_and_downloads(client):
    form = client.get("/q/entities-by-class").text
    assert 'name="class"' in form and "required" in form
    page = client.get("/q/entities-by-class", params={"class": "kx:City", "run": 1}).text
    assert "太原市" in page and 'id="kx-csv"' in page
    link = re.search(r'id="kx-csv" href="([^"]+)"', page).group(1).replace("&amp;", "&")
    download = client.get(link)
    assert download.headers["content-disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(download.text)))
    assert rows[0][0] == "entity" and any("太原市" in r for r in rows)
    excel = client.get(link.replace("format=csv", "format=excel"))
    assert excel.text.startswith("\ufeff")


def test_a_bad_parameter_is_a_message_not_a_crash(client):
    page = client.get("/q/entities-by-class", params={"class": "not an iri", "run": 1})
    assert page.status_code == 400 and "kx-error" in page.text


def test_report_marks_disagreeing_figures_and_links_their_passages(client):
    page = client.get("/report").text
    row = re.search(r'<tr class="disagrees">(.*?)</tr>', page, re.S).group(1)
    assert "不一致" in row
    passage = re.search(r'class="kx-passage-link" href="([^"]+)"', row).group(1)
    source = client.get(passage.replace("&amp;", "&"))
    assert source.status_code == 200 and "kxsource:" in source.text


def test_editor_runs_queries_and_shows_errors_inline(client):
    ok = client.get("/editor", params={"query": "SELECT ?c WHERE { kxplace:140100 a ?c }"}).text
    assert "kx:City" in ok and "role=\"alert\"" not in ok
    bad = client.get("/editor", params={"query": "SELECT ?c WHERE { ?c ?p }"})
    assert bad.status_code == 200 and 'class="kx-error" role="alert"' in bad.text
    assert "SELECT ?c WHERE { ?c ?p }" in bad.text  # the query stays in the box
    refused = client.get("/editor", params={"query": "DROP ALL"}).text
    assert "read-only" in refused
    assert "kxorg: &lt;https://w3id.org/kxgraph/id/org/&gt;" in client.get("/editor").text


def test_unknown_entity_and_page_are_404_offering_search(client):
    for url in ("/e/kxorg:no-such-thing", "/no/such/page", "/q/no-such-query"):
        r = client.get(url)
        assert r.status_code == 404 and 'action="/search"' in r.text, url
    assert 'value="no-such-thing"' in client.get("/e/kxorg:no-such-thing").text


def test_a_spreadsheet_row_source_names_the_file_and_row_only(client):
    hit = client.get("/search", params={"q": "示例生物医药"}).text
    url = re.search(r'href="(/e/kxorg:[^"]+)"', hit).group(1)
    page = client.get(url).text
    assert re.search(r'class="kx-sheet-row">enterprises.csv, 行 \d+<', page)
    assert "file://" not in page


def test_a_name_shared_by_several_entities_offers_each(client):
    r = client.get("/e/同名机构")
    assert r.status_code == 300
    assert 'href="/e/kxorg:twin-a"' in r.text and 'href="/e/kxorg:twin-b"' in r.text
