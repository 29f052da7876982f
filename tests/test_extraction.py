"""Extraction on the saved pages, without a crawl: each article page of the offline copy goes through the
spider's callback and the item pipelines in-process, and each field is checked against expected.json.

Parse once per page (module-scoped), then one assertion per field, so a failure names the field.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.items import Article
from newscrawl.pipelines.clean import CleanTextPipeline
from newscrawl.pipelines.dates import DatesPipeline
from newscrawl.pipelines.related import RelatedPipeline
from newscrawl.pipelines.validate import ValidatePipeline
from newscrawl.spiders.albawabh import AlbawabhSpider
from tests.article_checks import CHECKED_FIELDS, check_field
from tests.conftest import FIXTURES, ROOT

PAGES = ROOT / "tests" / "site" / "pages"
EXPECTED = json.loads((FIXTURES / "albawabh" / "expected.json").read_text(encoding="utf-8"))
BY_ID = {article["article_id"]: article for article in EXPECTED["articles"]}
BASE = "http://127.0.0.1:8000"


def response_for(path: Path, url: str, meta: dict | None = None) -> HtmlResponse:
    return HtmlResponse(url=url, body=path.read_bytes(), encoding="utf-8", request=Request(url, meta=meta or {}))


@pytest.fixture(scope="module")
def crawler():
    crawler = get_crawler(AlbawabhSpider, {"NEWSCRAWL_STOP_ON_SEEN": False})
    crawler.stats.open_spider()
    crawler.spider = crawler._create_spider(base_url=BASE)
    return crawler


def run_pipelines(crawler, item):
    pipelines = [cls.from_crawler(crawler) for cls in
                 (CleanTextPipeline, RelatedPipeline, DatesPipeline, ValidatePipeline)]
    for pipeline in pipelines:
        item = pipeline.process_item(item)
    return item


@pytest.fixture(scope="module")
def extracted(crawler) -> dict[str, dict]:
    """Every saved article page through parse_article and the pipelines, once."""
    items = {}
    for article_id in BY_ID:
        output = list(crawler.spider.parse_article(response_for(PAGES / "articles" / f"{article_id}.html",
                                                                f"{BASE}/{article_id}")))
        articles = [entry for entry in output if isinstance(entry, Article)]
        assert len(articles) == 1, article_id
        items[article_id] = ItemAdapter(run_pipelines(crawler, articles[0])).asdict()
    return items


@pytest.mark.parametrize("field", CHECKED_FIELDS)
@pytest.mark.parametrize("article_id", sorted(BY_ID))
def test_field(extracted, article_id, field):
    check_field(extracted[article_id], BY_ID[article_id], field, EXPECTED)


def test_every_expected_article_has_a_saved_page():
    saved = {path.stem for path in (PAGES / "articles").glob("*.html")}
    assert set(BY_ID) <= saved


def test_the_print_view_gives_the_same_article(crawler):
    article_id = EXPECTED["print_ids"][0]
    output = list(crawler.spider.parse_article(response_for(PAGES / "print" / f"{article_id}.html",
                                                            f"{BASE}/print.aspx?id={article_id}")))
    article = next(entry for entry in output if isinstance(entry, Article))
    assert article.article_id == article_id
    assert article.url == f"https://www.albawabhnews.com/{article_id}"


def test_the_404_page_is_dropped_with_a_counted_reason(crawler):
    output = list(crawler.spider.parse_article(response_for(PAGES / "404.html", f"{BASE}/4912777")))
    articles = [entry for entry in output if isinstance(entry, Article)]
    before = crawler.stats.get_value("newscrawl/dropped/no_title", 0) + crawler.stats.get_value(
        "newscrawl/dropped/no_body", 0)
    for article in articles:
        with pytest.raises(DropItem):
            run_pipelines(crawler, article)
    after = crawler.stats.get_value("newscrawl/dropped/no_title", 0) + crawler.stats.get_value(
        "newscrawl/dropped/no_body", 0)
    assert after - before == len(articles)


def test_crawled_at_is_utc_and_recent(extracted):
    for item in extracted.values():
        crawled = datetime.fromisoformat(item["crawled_at"])
        assert crawled.utcoffset().total_seconds() == 0
        assert abs((datetime.now(UTC) - crawled).total_seconds()) < 3600


def test_the_column_takes_its_writer_from_the_headline(crawler, extracted):
    column = extracted["4909940"]
    assert column["section"] == "آراء حرة"
    assert column["title"].startswith("نهى محمود تكتب: ")  # the headline as printed
    assert (column["author"], column["authors"]) == ("نهى محمود", ["نهى محمود"])
    assert crawler.stats.get_value("newscrawl/fields/author_from_headline") == 1  # the only column of the copy


def test_a_headline_with_a_colon_names_no_writer(extracted):
    kremlin = extracted["4912345"]
    assert kremlin["title"].startswith("الكرملين: ")
    assert kremlin["author"] == "البوابة نيوز"  # the desk's signature stays the author


def test_collapse_spaces_is_the_regex_it_replaces_on_every_code_point():
    """``collapse_spaces`` (newscrawl.text.arabic, used by extraction) stands for
    ``re.sub(r"\\s+", " ", text).strip()``: the same on every character."""
    import re
    import sys

    from newscrawl.text.arabic import collapse_spaces

    regex = re.compile(r"\s+")
    differ = [
        hex(point)
        for point in range(sys.maxunicode + 1)
        if not 0xD800 <= point < 0xE000
        and collapse_spaces(text := f" a{chr(point)}{chr(point)}b ") != regex.sub(" ", text).strip()
    ]
    assert differ == []
    assert collapse_spaces("\u00a0 مرحبا\u2003\n بكم\t") == "مرحبا بكم"  # no-break, em space, newline, tab
