"""``-a sections=``: a filter on what is emitted, read from the offline copy's own content."""

from __future__ import annotations

import pytest
from parsel import Selector
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from newscrawl.spiders.albawabh import AlbawabhSpider
from newscrawl.spiders.sections import EMIT, OTHER_SECTION, UNKNOWN_SECTION, feed_section, section_id_of, verdict
from tests.conftest import ROOT, run_crawl
from tests.site import content

PAGES = ROOT / "tests" / "site" / "pages"
BASE = "http://127.0.0.1:8000"


def page(article_id: str) -> Selector:
    return Selector((PAGES / "articles" / f"{article_id}.html").read_text(encoding="utf-8"))


@pytest.mark.parametrize("article", content.ARTICLES, ids=lambda a: a["id"])
def test_every_article_page_names_its_section_id(article):
    assert section_id_of(page(article["id"]), None) == str(article["section"])


def test_without_breadcrumb_the_section_name_is_looked_up_in_the_menu():
    html = (PAGES / "articles" / "4912345.html").read_text(encoding="utf-8")
    start = html.index('<div class="breadcrumb">')
    html = html[:start] + html[html.index("</div>", start) + len("</div>"):]
    assert section_id_of(Selector(html), "العالم") == "72"
    assert section_id_of(Selector(html), "قسم لا وجود له") is None
    assert section_id_of(Selector(html), None) is None


@pytest.mark.parametrize(
    ("page_section", "hint", "expected"),
    [
        ("72", None, EMIT), ("1", "72", OTHER_SECTION), ("1", None, OTHER_SECTION),
        (None, "72", EMIT), (None, None, UNKNOWN_SECTION), (None, "1", UNKNOWN_SECTION),
    ],
)
def test_verdict_with_sections_72(page_section, hint, expected):
    assert verdict(("72",), page_section, hint) == expected


def test_without_sections_everything_is_emitted():
    assert verdict((), "1", None) == EMIT


def test_section_feed_urls():
    assert feed_section(f"{BASE}/rss/section/72") == "72"
    assert feed_section(f"{BASE}/rss.xml") is None
    assert feed_section(f"{BASE}/rss/97") is None


def spider(**arguments) -> AlbawabhSpider:
    crawler = get_crawler(AlbawabhSpider, {"NEWSCRAWL_STOP_ON_SEEN": False})
    crawler.stats.open_spider()
    return crawler._create_spider(base_url=BASE, **arguments)


def response(path: str, url: str, meta: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url=url, body=(PAGES / path).read_bytes(), encoding="utf-8",
                        request=Request(url, meta=meta or {}))


def test_with_sections_the_sidebar_is_not_followed_and_cards_carry_their_section():
    s = spider(sections="72")
    requests = list(s.parse_listing(response("category/72/page-1.html", f"{BASE}/category/72")))
    articles = {r.url.rsplit("/", 1)[1]: r for r in requests if r.callback == s.parse_article}
    assert set(articles) == set(content.SECTION_PAGES[72][0])
    assert {r.meta.get("section_hint") for r in articles.values()} == {"72"}
    # every "most read" link, 4912345 included (it is also a card here: requested once, as a card)
    assert s.crawler.stats.get_value("newscrawl/filtered/sidebar") == len(content.MOST_READ)


def test_an_article_of_another_section_is_not_emitted_nor_followed():
    s = spider(sections="72")
    output = list(s.parse_article(response("articles/4912533.html", f"{BASE}/4912533")))  # حوادث, 97
    assert output == []
    assert s.crawler.stats.get_value("newscrawl/filtered/other_section") == 1


def test_an_article_of_the_section_is_emitted_with_its_read_also_requests():
    s = spider(sections="72")
    output = list(s.parse_article(response("articles/4912345.html", f"{BASE}/4912345")))
    assert [o.article_id for o in output if not isinstance(o, Request)] == ["4912345"]
    assert f"{BASE}/4910876" in [o.url for o in output if isinstance(o, Request)]


@pytest.mark.crawl
def test_sections_72_emits_exactly_the_section_72_articles_of_the_copy(site, tmp_path):
    result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", "-a", "sections=72",
                       env={"NEWSCRAWL_STATE": "off"})
    assert result.returncode == 0, result.log[-3000:]
    wanted = {article["id"] for article in content.ARTICLES if article["section"] == 72}
    assert set(result.by_id) == wanted
    assert len(result.items) == len(wanted)
    assert {item["section"] for item in result.items} == {content.SECTIONS[72]}
    assert "'newscrawl/filtered/other_section'" in result.log
