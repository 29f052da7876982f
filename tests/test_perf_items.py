"""Nothing big outlives its page: what an item carries past the pipelines, and the per-item work kept small.

The end-to-end part runs the real ``scrapy crawl`` on the offline copy with a probe extension
(tests/item_probe.py) listening to ``item_scraped``, the signal the feed exporter writes from.
"""

from __future__ import annotations

import asyncio
import json

import pytest
from scrapy import Spider
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler

from newscrawl.feeds import exporter as exporter_module
from newscrawl.items import Article, item_values, release
from newscrawl.pipelines.dates import DatesPipeline
from newscrawl.pipelines.validate import ValidatePipeline
from newscrawl.text.blocks import Block, Link
from tests.article_checks import CHECKED_FIELDS, check_field
from tests.conftest import FIXTURES, run_crawl

EXPECTED = json.loads((FIXTURES / "albawabh" / "expected.json").read_text(encoding="utf-8"))
URL = "https://www.albawabhnews.com/4912345"


def article(**fields) -> Article:
    values = {
        "url": URL, "article_id": "4912345", "title": "الكرملين يعرب عن أسفه لعدم المشاركة في القمة",
        "body": "أعربت الرئاسة الروسية عن أسفها لعدم مشاركة أرمينيا في قمة منظمة معاهدة الأمن الجماعي.",
        "crawled_at": "2023-11-22T13:00:00+00:00",
        "body_blocks": [Block("p", "أعربت الرئاسة الروسية عن أسفها", (Link("خبر", f"{URL}1", "49123451"),))],
        "date_candidates": {"published": [("jsonld", "2023-11-22T13:47:00+02:00")], "modified": []},
    }
    values.update(fields)
    return Article(**values)


# -- the pipelines let go of the page's bulk -----------------------------------------------------------------
def test_dates_pipeline_empties_the_candidates_it_read():
    item = DatesPipeline.from_crawler(get_crawler()).process_item(article())
    assert item.published_at == "2023-11-22T13:47:00+02:00"  # read from the candidate before it was let go
    assert item.published_raw == "2023-11-22T13:47:00+02:00"
    assert item.date_candidates == {}


def test_validate_pipeline_empties_the_body_blocks_and_keeps_the_body():
    item = article()
    body = item.body
    item = ValidatePipeline.from_crawler(get_crawler()).process_item(item)
    assert item.body_blocks == [] and item.date_candidates == {}
    assert item.body == body


def test_a_dropped_item_is_still_dropped_for_the_same_reason():
    crawler = get_crawler()
    with pytest.raises(DropItem, match="no_body"):
        ValidatePipeline.from_crawler(crawler).process_item(article(body="  "))
    assert crawler.stats.get_value("newscrawl/dropped/no_body") == 1


def test_release_on_dict_items_touches_only_the_keys_they_have():
    item = {"url": URL, "body_blocks": [Block("p", "نص.")]}
    release(item, "body_blocks", "date_candidates")
    assert item == {"url": URL, "body_blocks": []}


def test_item_values_reads_fields_like_an_adapter():
    item = article(author=None)
    values = item_values(item, ("title", "author", "exported_fields", "no_such_field"))
    assert values == {"title": item.title, "author": None, "exported_fields": None, "no_such_field": None}
    assert item_values({"title": "عنوان"}, ("title", "author")) == {"title": "عنوان", "author": None}


# -- the feed exporter checks a file's path once, not once per line --------------------------------------------
def test_the_exporter_resolves_the_feed_path_once_per_file_not_per_item(tmp_path, monkeypatch):
    calls = []
    real = exporter_module.local_path
    monkeypatch.setattr(exporter_module, "local_path", lambda uri: calls.append(uri) or real(uri))
    feed = tmp_path / "items.jsonl"
    crawler = get_crawler(Spider, {"TWISTED_REACTOR_ENABLED": False, "FEED_EXPORT_ENCODING": "utf-8",
                                   "FEEDS": {str(feed): {"format": "jsonlines"}}})
    spider = Spider.from_crawler(crawler, name="albawabh")
    crawler.spider = spider
    exporter = exporter_module.FeedExporter.from_crawler(crawler)

    async def scenario():
        exporter.open_spider(spider)
        for n in range(50):
            exporter.item_scraped({"article_id": str(n), "title": "عنوان"}, spider)
        await exporter.close_spider(spider)

    asyncio.run(scenario())
    lines = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines()]
    assert [line["article_id"] for line in lines] == [str(n) for n in range(50)]
    assert lines[0] == {"article_id": "0", "title": "عنوان"}
    assert len(calls) <= 4  # opening (two paths compared) and the delivery's account, never per item
    assert exporter.delivery.durable == frozenset(str(n) for n in range(50))


# -- end to end: the real crawl, seen from the feed stage -----------------------------------------------------
@pytest.fixture(scope="module")
def probed(site, tmp_path_factory):
    from newscrawl.settings import EXTENSIONS

    tmp = tmp_path_factory.mktemp("probe")
    probe_file = tmp / "probe.json"
    extensions = {**EXTENSIONS, "tests.item_probe.ItemProbe": 1000}
    result = run_crawl(tmp, "-a", f"base_url={site.base_url}", "-s", "EXTENSIONS=" + json.dumps(extensions),
                       "-s", f"NEWSCRAWL_TEST_PROBE_FILE={probe_file}", env={"NEWSCRAWL_STATE": "off"})
    assert result.returncode == 0, result.log[-3000:]
    result.probe = json.loads(probe_file.read_text(encoding="utf-8"))
    return result


@pytest.mark.crawl
def test_every_article_reaches_the_feed_stage(probed):
    seen = sorted(entry["article_id"] for entry in probed.probe["items"])
    assert seen == sorted(article["article_id"] for article in EXPECTED["articles"])


@pytest.mark.crawl
def test_no_item_reaches_the_feed_stage_with_body_blocks_or_date_candidates(probed):
    carrying = [entry for entry in probed.probe["items"] if entry["body_blocks"] or entry["date_candidates"]]
    assert carrying == []


@pytest.mark.crawl
def test_items_at_the_feed_stage_hold_plain_data_only(probed):
    """No str subclass (lxml's smart strings keep their tree), selector, element or response in any field."""
    assert {entry["article_id"]: entry["foreign"] for entry in probed.probe["items"] if entry["foreign"]} == {}


@pytest.mark.crawl
def test_no_response_selector_or_tree_outlives_the_crawl(probed):
    assert probed.probe["alive"] == {"responses": 0, "selectors": 0, "lxml": 0}


@pytest.mark.crawl
def test_stats_hold_plain_data_only(probed):
    assert probed.probe["stats"] == {}


@pytest.mark.crawl
def test_the_feed_lines_are_unchanged(probed):
    """The same lines as the plain crawl's expectations (tests/fixtures/albawabh/expected.json), every field."""
    assert len(probed.items) == len(EXPECTED["articles"])
    for item in probed.items:
        assert list(item) == Article.exported_fields()
        expected = next(a for a in EXPECTED["articles"] if a["article_id"] == item["article_id"])
        for field in CHECKED_FIELDS:
            check_field(item, expected, field, EXPECTED)
    raw = probed.feed.read_bytes()
    assert b"\\u06" not in raw and raw.endswith(b"\n")


# -- the stats collector without Scrapy's per-call wrapping ---------------------------------------------------
def run_stats(stats) -> dict:
    stats.open_spider()
    stats.inc_value("newscrawl/a")
    stats.inc_value("newscrawl/a", 2)
    stats.inc_value("newscrawl/b", start=10)
    stats.set_value("newscrawl/c", ["x"])
    stats.max_value("newscrawl/max", 3)
    stats.max_value("newscrawl/max", 1)
    stats.min_value("newscrawl/min", 3)
    stats.min_value("newscrawl/min", 1)
    assert stats.get_value("newscrawl/a") == 3
    assert stats.get_value("newscrawl/none", "default") == "default"
    return dict(stats.get_stats())


def test_the_fast_stats_collector_keeps_the_same_stats_as_scrapys():
    from scrapy.statscollectors import MemoryStatsCollector

    from newscrawl.extensions.stats import FastStatsCollector

    expected = {"newscrawl/a": 3, "newscrawl/b": 11, "newscrawl/c": ["x"], "newscrawl/max": 3, "newscrawl/min": 1}
    assert run_stats(MemoryStatsCollector(get_crawler())) == expected
    assert run_stats(FastStatsCollector(get_crawler())) == expected


def test_the_fast_stats_collector_is_the_crawlers_and_persists_the_run():
    from newscrawl.extensions.stats import FastStatsCollector

    crawler = get_crawler(Spider, {"STATS_CLASS": "newscrawl.extensions.stats.FastStatsCollector"})
    assert type(crawler.stats) is FastStatsCollector
    crawler.spider = Spider.from_crawler(crawler, name="albawabh")
    crawler.stats.inc_value("newscrawl/items/emitted")
    crawler.stats.close_spider(reason="finished")
    assert crawler.stats.spider_stats == {"albawabh": {"newscrawl/items/emitted": 1}}
    crawler.stats.clear_stats()
    assert crawler.stats.get_stats() == {}


@pytest.mark.parametrize("call", ["inc_value", "set_value", "get_value"])
def test_the_fast_stats_collector_still_warns_about_a_spider_argument(call):
    from scrapy.exceptions import ScrapyDeprecationWarning

    from newscrawl.extensions.stats import FastStatsCollector

    stats = FastStatsCollector(get_crawler())
    args = {"inc_value": ("k",), "set_value": ("k", 1), "get_value": ("k",)}[call]
    with pytest.warns(ScrapyDeprecationWarning, match=f"spider' argument to StatsCollector.{call}"):
        getattr(stats, call)(*args, spider=object())


# -- the callback check Scrapy no longer makes per response (WARN_ON_GENERATOR_RETURN_VALUE = False) ------------
def test_no_spider_callback_is_a_generator_returning_a_value():
    """What Scrapy's per-response check would warn about, asked once of every generator method of the spider."""
    import inspect

    from scrapy.utils.misc import is_generator_with_return_value

    from newscrawl.spiders.albawabh import AlbawabhSpider

    generators = [member for _, member in inspect.getmembers(AlbawabhSpider, inspect.isgeneratorfunction)]
    assert len(generators) >= 3  # parse_article, the listings' and the feeds' callbacks at least
    assert [g.__name__ for g in generators if is_generator_with_return_value(g)] == []


def test_the_check_would_catch_a_generator_returning_a_value():
    from scrapy.utils.misc import is_generator_with_return_value

    def callback(response):
        yield {"url": response}
        return "lost"

    assert is_generator_with_return_value(callback)
