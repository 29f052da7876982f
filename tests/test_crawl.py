"""End to end: the real ``scrapy crawl albawabh`` against the offline copy of the site over HTTP.

The crawl runs once per module; each test then checks one thing of its feed, so a failure names the
article and field that broke. Expected values are in tests/fixtures/albawabh/expected.json, written by
hand from the pages.
"""

from __future__ import annotations

import json

import pytest

from tests.article_checks import CHECKED_FIELDS, check_field
from tests.conftest import FIXTURES, run_crawl

EXPECTED = json.loads((FIXTURES / "albawabh" / "expected.json").read_text(encoding="utf-8"))
ARTICLE_IDS = [article["article_id"] for article in EXPECTED["articles"]]

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def crawl(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("crawl")
    before = site.hits()
    result = run_crawl(tmp, "-a", f"base_url={site.base_url}", env={"NEWSCRAWL_STATE": "off"})
    after = site.hits()
    result.hits = {path: count - before.get(path, 0) for path, count in after.items() if count > before.get(path, 0)}
    return result


def test_the_crawl_succeeds(crawl):
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "run ok" in crawl.log


def test_components_off_by_configuration_are_not_warnings(crawl):
    """No WARC directory, no date window, state off: each of those is off as configured, not worth a WARNING."""
    assert "WARNING: Disabled" not in crawl.log
    assert "Disabled newscrawl" not in crawl.log


def test_every_article_exactly_once_and_nothing_else(crawl):
    ids = [item["article_id"] for item in crawl.items]
    assert sorted(ids) == sorted(ARTICLE_IDS)


@pytest.mark.parametrize("field", CHECKED_FIELDS)
@pytest.mark.parametrize("article_id", ARTICLE_IDS)
def test_article_field(crawl, article_id, field):
    expected = next(a for a in EXPECTED["articles"] if a["article_id"] == article_id)
    assert article_id in crawl.by_id, f"article {article_id} not emitted"
    check_field(crawl.by_id[article_id], expected, field, EXPECTED)


def test_feed_is_utf8_jsonl_with_arabic_unescaped(crawl):
    raw = crawl.feed.read_bytes()
    assert b"\\u06" not in raw
    assert "البوابة نيوز".encode() in raw
    for line in raw.decode("utf-8").splitlines():
        assert isinstance(json.loads(line), dict)


def test_items_hold_exported_fields_only(crawl):
    from newscrawl.items import Article

    for item in crawl.items:
        assert list(item) == Article.exported_fields()


def test_no_page_is_fetched_twice(crawl):
    assert {path: n for path, n in crawl.hits.items() if n > 1} == {}


def test_print_views_tags_search_and_robots_disallowed_paths_are_not_fetched(crawl):
    for path in crawl.hits:
        assert not path.startswith(("/print.aspx", "/tag/", "/search/", "/admin/", "/writer/", "/page/")), path


def test_every_listing_page_of_the_sections_is_fetched(crawl):
    for path in ("/", "/category/72", "/category/72?page=2", "/category/72?page=3", "/category/1",
                 "/category/1?page=2", "/category/1?page=3", "/category/97"):
        assert crawl.hits.get(path) == 1, path
    assert "/category/72?page=1" not in crawl.hits


def test_articles_reached_only_by_read_also_links_are_emitted(crawl):
    for article_id in EXPECTED["orphan_ids"]:
        assert article_id in crawl.by_id


def test_the_missing_article_is_a_404_not_an_item(crawl):
    for article_id in EXPECTED["not_found_ids"]:
        assert crawl.hits.get(f"/{article_id}") == 1
        assert article_id not in crawl.by_id


def test_sections_argument_limits_the_crawl(site, tmp_path):
    result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", "-a", "sections=97", "-a", "max_pages=1",
                       env={"NEWSCRAWL_STATE": "off"})
    assert result.returncode == 0, result.log[-3000:]
    sections = {item["section"] for item in result.items}
    listed = {a["article_id"] for a in EXPECTED["articles"] if a["section"] == "حوادث"}
    assert listed <= set(result.by_id)
    assert len(result.items) < len(ARTICLE_IDS)
    assert "حوادث" in sections


def test_max_pages_stops_the_pager(site, tmp_path):
    before = site.hits()
    result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", "-a", "sections=72", "-a", "max_pages=2",
                       env={"NEWSCRAWL_STATE": "off"})
    after = site.hits()
    assert result.returncode == 0, result.log[-3000:]
    assert after.get("/category/72?page=2", 0) - before.get("/category/72?page=2", 0) == 1
    assert after.get("/category/72?page=3", 0) == before.get("/category/72?page=3", 0)
