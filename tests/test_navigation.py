"""Navigation on the saved listing pages: which requests a listing yields, and which it never does."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.spiders.albawabh import AlbawabhSpider
from tests.conftest import ROOT

PAGES = ROOT / "tests" / "site" / "pages"
BASE = "http://127.0.0.1:8000"


def spider(**arguments) -> AlbawabhSpider:
    crawler = get_crawler(AlbawabhSpider, {"NEWSCRAWL_STOP_ON_SEEN": False})
    crawler.stats.open_spider()
    return crawler._create_spider(base_url=BASE, **arguments)


def listing(spider_: AlbawabhSpider, page: str, url: str) -> list[Request]:
    response = HtmlResponse(url=url, body=(PAGES / page).read_bytes(), encoding="utf-8", request=Request(url))
    output = list(spider_.parse_listing(response))
    assert all(isinstance(entry, Request) for entry in output)
    return output


def urls(requests: list[Request], callback_name: str) -> list[str]:
    return [r.url for r in requests if r.callback.__name__ == callback_name]


@pytest.fixture(scope="module")
def section_page_1():
    return listing(spider(), "category/72/page-1.html", f"{BASE}/category/72")


def test_cards_become_article_requests_on_the_crawled_host(section_page_1):
    articles = urls(section_page_1, "parse_article")
    assert articles, "no article requested"
    assert all(url.startswith(f"{BASE}/") and url.rsplit("/", 1)[1].isdigit() for url in articles)


def test_each_article_is_requested_once_even_when_linked_twice(section_page_1):
    articles = urls(section_page_1, "parse_article")
    assert len(articles) == len(set(articles))


def test_the_pager_next_link_is_followed(section_page_1):
    assert f"{BASE}/category/72?page=2" in urls(section_page_1, "parse_listing")


def test_menu_sections_are_followed_as_bare_listings(section_page_1):
    listings = urls(section_page_1, "parse_listing")
    assert f"{BASE}/category/1" in listings
    assert f"{BASE}/category/97" in listings
    assert f"{BASE}/category/72?page=1" not in listings


def test_nothing_else_is_requested(section_page_1):
    for request in section_page_1:
        path = request.url.removeprefix(BASE)
        assert path.startswith("/category/") or path[1:].isdigit(), request.url


def test_the_last_page_has_no_next():
    requests = listing(spider(sections="72"), "category/72/page-3.html", f"{BASE}/category/72?page=3")
    assert urls(requests, "parse_listing") == []


def test_max_pages_stops_before_the_next_page():
    requests = listing(spider(sections="72", max_pages="1"), "category/72/page-1.html", f"{BASE}/category/72")
    assert urls(requests, "parse_listing") == []
    assert urls(requests, "parse_article")


def test_since_stops_paging_once_every_card_is_older():
    old = listing(spider(sections="72", since="2030-01-01"), "category/72/page-1.html", f"{BASE}/category/72")
    assert urls(old, "parse_listing") == []
    recent = listing(spider(sections="72", since="2000-01-01"), "category/72/page-1.html", f"{BASE}/category/72")
    assert urls(recent, "parse_listing") == [f"{BASE}/category/72?page=2"]


def test_with_sections_the_menu_is_not_followed():
    requests = listing(spider(sections="72"), "category/72/page-1.html", f"{BASE}/category/72")
    assert urls(requests, "parse_listing") == [f"{BASE}/category/72?page=2"]


def test_the_home_page_reaches_cards_sidebar_and_sections():
    requests = listing(spider(), "home.html", f"{BASE}/")
    assert len(urls(requests, "parse_article")) >= 10
    assert {f"{BASE}/category/72", f"{BASE}/category/1"} <= set(urls(requests, "parse_listing"))


def test_a_listing_without_article_links_is_counted():
    s = spider()
    response = HtmlResponse(url=f"{BASE}/category/72", body=b"<html><body><div class='cont'></div></body></html>",
                            encoding="utf-8", request=Request(f"{BASE}/category/72"))
    assert list(s.parse_listing(response)) == []
    assert s.crawler.stats.get_value("newscrawl/listing/no_article_links") == 1


@pytest.mark.parametrize(
    ("path", "callback"),
    [("/4912345", "parse_article"), ("/print.aspx?id=4912345", "parse_article"), ("/category/72", "parse_listing"),
     ("/category/72?page=2", "parse_listing"), ("/", "parse_listing"), ("/rss.xml", "read_feed"),
     ("/rss/section/72", "read_feed"), ("/sitemaps.xml", "read_sitemap"), ("/sitemap-news.xml", "read_sitemap"),
     ("/robots.txt", "read_robots")],
)
def test_parse_reads_a_url_by_its_kind(path, callback):
    """``scrapy parse <url>`` without ``-c`` calls ``parse``: each kind of page goes to its own callback."""
    assert spider().callback_for(f"{BASE}{path}").__name__ == callback


def test_parse_of_an_article_url_yields_the_article():
    s = spider()
    url = f"{BASE}/4912345"
    response = HtmlResponse(url=url, body=(PAGES / "articles" / "4912345.html").read_bytes(), encoding="utf-8",
                            request=Request(url))
    items = [o for o in s.parse(response) if not isinstance(o, Request)]
    assert [item.article_id for item in items] == ["4912345"]
