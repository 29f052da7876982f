"""newscrawl.pipelines.dates: the pure chooser, then the pipeline on Article items with a real crawler."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfoNotFoundError

import pytest
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from newscrawl.dates import Precision
from newscrawl.items import Article
from newscrawl.pipelines.dates import DatesPipeline, choose_date, rank_dates

CRAWLED_AT = "2023-11-22T13:00:00+00:00"  # 15:00 in Cairo
NOW = datetime(2023, 11, 22, 13, 0, tzinfo=UTC)
URL = "https://www.albawabhnews.com/4912345"


def article(published=(), modified=(), **fields) -> Article:
    fields.setdefault("crawled_at", CRAWLED_AT)
    item = Article(url=URL, article_id="4912345", **fields)
    item.date_candidates = {"published": list(published), "modified": list(modified)}
    return item


@pytest.fixture
def crawler():
    return get_crawler(settings_dict={"NEWSCRAWL_TIMEZONE": "Africa/Cairo"})


@pytest.fixture
def pipeline(crawler):
    return DatesPipeline.from_crawler(crawler)


def stat(crawler, key):
    return crawler.stats.get_value(f"newscrawl/dates/{key}")


# -- choose_date ---------------------------------------------------------------------------------------


def test_choose_date_prefers_precision_over_trust():
    candidates = [("time_text", "الأربعاء 22 نوفمبر 2023"), ("meta", "2023-11-22T13:47:00+02:00")]
    detail, source, raw = choose_date(candidates, NOW, "Africa/Cairo")
    assert (source, raw) == ("meta", "2023-11-22T13:47:00+02:00")
    assert detail.precision == Precision.OFFSET


def test_choose_date_ties_go_to_the_more_trusted_source():
    candidates = [("jsonld", "2023-11-22T13:47:00+02:00"), ("meta", "2023-11-22T13:48:00+02:00")]
    detail, source, _ = choose_date(candidates, NOW, "Africa/Cairo")
    assert source == "jsonld" and detail.value.minute == 47


def test_choose_date_skips_unparsable_and_malformed():
    candidates = [("jsonld", "not a date"), ("bad",), None, ("meta", 123), ("time_text", "22/11/2023 01:47 م")]
    detail, source, raw = choose_date(candidates, NOW, "Africa/Cairo")
    assert (source, raw) == ("time_text", "22/11/2023 01:47 م")
    assert detail.value.isoformat() == "2023-11-22T13:47:00+02:00"


def test_choose_date_none():
    assert choose_date([("jsonld", "garbage")], NOW, "Africa/Cairo") == (None, None, None)
    assert choose_date([], NOW, "Africa/Cairo") == (None, None, None)


def test_rank_dates_order():
    ranked = rank_dates(
        [("listing", "منذ ساعة"), ("time_text", "22 نوفمبر 2023"), ("time_attr", "2023-11-22T13:47:00")],
        NOW,
        "Africa/Cairo",
    )
    assert [source for _, source, _ in ranked] == ["time_attr", "time_text", "listing"]


# -- the pipeline --------------------------------------------------------------------------------------


def test_from_crawler_reads_settings():
    crawler = get_crawler(
        settings_dict={
            "NEWSCRAWL_TIMEZONE": "UTC",
            "NEWSCRAWL_DATE_FLOOR": "2015-06-01",
            "NEWSCRAWL_DATE_MAX_FUTURE": 2,
        }
    )
    pipeline = build_from_crawler(DatesPipeline, crawler)
    assert pipeline.tz == "UTC"
    assert pipeline.floor.isoformat() == "2015-06-01T00:00:00+00:00"  # UTC midnight: tz is UTC here
    assert pipeline.max_future == timedelta(hours=2)
    assert pipeline.stats is crawler.stats


def test_defaults(pipeline):
    assert pipeline.tz == "Africa/Cairo"
    assert pipeline.floor.isoformat() == "2009-12-31T22:00:00+00:00"  # 2010-01-01 00:00 in Cairo
    assert pipeline.max_future == timedelta(hours=24)


def test_fills_published_and_modified(pipeline, crawler):
    item = article(
        published=[("jsonld", "2023-11-22T13:47:00+02:00"), ("time_text", "الأربعاء 22/نوفمبر/2023 - 01:47 م")],
        modified=[("jsonld", "2023-11-22T12:05:30Z")],
    )
    assert pipeline.process_item(item) is item
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert item.published_raw == "2023-11-22T13:47:00+02:00"
    assert item.modified_at == "2023-11-22T14:05:30+02:00"
    assert item.modified_raw == "2023-11-22T12:05:30Z"
    assert stat(crawler, "published/source/jsonld") == 1
    assert stat(crawler, "published/form/iso") == 1
    assert stat(crawler, "modified/source/jsonld") == 1
    assert stat(crawler, "modified/form/iso") == 1


def test_text_date_used_when_structured_data_is_missing(pipeline, crawler):
    item = article(published=[("time_text", "الأربعاء ٢٢/نوفمبر/٢٠٢٣ - ٠١:٤٧ م")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert item.published_raw == "الأربعاء ٢٢/نوفمبر/٢٠٢٣ - ٠١:٤٧ م"
    assert stat(crawler, "published/source/time_text") == 1
    assert stat(crawler, "published/form/text") == 1
    assert stat(crawler, "modified/missing") == 1


def test_full_timestamp_beats_a_more_trusted_date_only(pipeline):
    item = article(published=[("jsonld", "2023-11-22"), ("time_attr", "2023-11-22T13:47:00")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert item.published_raw == "2023-11-22T13:47:00"


def test_relative_date_resolved_against_crawled_at(pipeline, crawler):
    item = article(published=[("listing", "منذ 3 ساعات")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T12:00:00+02:00"
    assert stat(crawler, "published/form/relative") == 1
    assert stat(crawler, "published/source/listing") == 1


def test_summer_time_offset(pipeline):
    item = article(published=[("time_attr", "2023-07-12T14:20:00")], crawled_at="2023-07-12T12:00:00+00:00")
    pipeline.process_item(item)
    assert item.published_at == "2023-07-12T14:20:00+03:00"


def test_seconds_precision(pipeline):
    item = article(published=[("meta", "2023-11-22T13:47:00.987654+02:00")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"


def test_unparsed_keeps_first_raw(pipeline, crawler):
    item = article(published=[("time_text", "غير معروف"), ("listing", "قريبا")])
    pipeline.process_item(item)
    assert item.published_at is None
    assert item.published_raw == "غير معروف"
    assert stat(crawler, "published/unparsed") == 1


def test_missing_keeps_spider_fields(pipeline, crawler):
    item = article()
    pipeline.process_item(item)
    assert item.published_at is None and item.published_raw is None
    assert stat(crawler, "published/missing") == 1
    assert stat(crawler, "modified/missing") == 1


def test_spider_raw_parsed_when_no_candidates(pipeline, crawler):
    item = article(published_raw="22/11/2023 01:47 م")
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert stat(crawler, "published/source/raw") == 1


def test_future_date_rejected(pipeline, crawler):
    item = article(published=[("jsonld", "2023-11-24T10:00:00+02:00")])
    pipeline.process_item(item)
    assert item.published_at is None
    assert item.published_raw == "2023-11-24T10:00:00+02:00"
    assert stat(crawler, "published/rejected/future") == 1


def test_less_than_a_day_ahead_is_accepted(pipeline):
    item = article(published=[("jsonld", "2023-11-23T14:00:00+02:00")])  # 23 h after the fetch
    pipeline.process_item(item)
    assert item.published_at == "2023-11-23T14:00:00+02:00"


def test_date_before_floor_rejected(pipeline, crawler):
    item = article(published=[("time_text", "22 نوفمبر 2009")])
    pipeline.process_item(item)
    assert item.published_at is None
    assert item.published_raw == "22 نوفمبر 2009"
    assert stat(crawler, "published/rejected/floor") == 1


def test_rejected_candidate_falls_back_to_the_next(pipeline, crawler):
    item = article(published=[("jsonld", "2033-11-22T13:47:00+02:00"), ("time_text", "22/11/2023 01:47 م")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert item.published_raw == "22/11/2023 01:47 م"
    assert stat(crawler, "published/skipped/future") == 1
    assert stat(crawler, "published/rejected/future") is None
    assert stat(crawler, "published/source/time_text") == 1


def test_configurable_floor():
    crawler = get_crawler(settings_dict={"NEWSCRAWL_DATE_FLOOR": "2000"})
    pipeline = DatesPipeline.from_crawler(crawler)
    item = article(published=[("time_text", "22 نوفمبر 2009")])
    pipeline.process_item(item)
    assert item.published_at == "2009-11-22T00:00:00+02:00"


def test_modified_before_published_is_dropped(pipeline, crawler):
    item = article(
        published=[("jsonld", "2023-11-22T13:47:00+02:00")],
        modified=[("jsonld", "2023-11-21T10:00:00+02:00")],
    )
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert item.modified_at is None
    assert item.modified_raw == "2023-11-21T10:00:00+02:00"
    assert stat(crawler, "modified/rejected/before_published") == 1


def test_hijri_mismatch_counted(pipeline, crawler):
    item = article(published=[("time_text", "9 جمادى الأولى 1445 هـ الموافق 20 نوفمبر 2023")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-20T00:00:00+02:00"
    assert stat(crawler, "published/hijri_mismatch") == 1


def test_weekday_mismatch_counted_and_date_kept(pipeline, crawler):
    # 22 November 2023 was a Wednesday (الأربعاء); the text names Thursday.
    item = article(published=[("time_text", "الخميس 22/نوفمبر/2023 - 01:47 م")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"
    assert stat(crawler, "published/weekday_mismatch") == 1
    assert stat(crawler, "published/hijri_mismatch") is None


def test_pipeline_built_without_a_crawler():
    pipeline = DatesPipeline(stats=None, tz="Africa/Cairo")
    item = article(published=[("rss", "Wed, 22 Nov 2023 13:47:00 +0200")])
    pipeline.process_item(item)
    assert item.published_at == "2023-11-22T13:47:00+02:00"


@pytest.mark.parametrize(
    "candidates",
    [
        {"published": "not a list of pairs"},
        {"published": [("jsonld", None), ("x",), 5]},
        "not a dict",
        None,
    ],
    ids=["string", "malformed-entries", "not-a-dict", "none"],
)
def test_never_raises(pipeline, candidates):
    item = article()
    item.date_candidates = candidates
    assert pipeline.process_item(item) is item


def test_bad_crawled_at_uses_the_clock(pipeline):
    item = article(published=[("listing", "منذ ساعة")], crawled_at="yesterday-ish")
    pipeline.process_item(item)
    value = datetime.fromisoformat(item.published_at)
    assert abs(value - (datetime.now(UTC) - timedelta(hours=1))) < timedelta(minutes=1)


def test_dict_items_without_date_fields_pass_through(pipeline):
    item = {"title": "x"}
    assert pipeline.process_item(item) == {"title": "x"}


def test_bad_timezone_setting_fails_at_startup():
    with pytest.raises(ZoneInfoNotFoundError):
        DatesPipeline.from_crawler(get_crawler(settings_dict={"NEWSCRAWL_TIMEZONE": "Mars/Olympus"}))


def test_modified_in_the_dst_fold_compared_as_instants(pipeline, crawler):
    # 23:30 in summer time (+03:00) is 20:30 UTC; 23:10 after the clocks went back (+02:00) is 21:10 UTC.
    item = article(
        published=[("jsonld", "2023-10-26T23:30:00+03:00")],
        modified=[("jsonld", "2023-10-26T23:10:00+02:00")],
        crawled_at="2023-10-27T08:00:00+00:00",
    )
    pipeline.process_item(item)
    assert item.published_at == "2023-10-26T23:30:00+03:00"
    assert item.modified_at == "2023-10-26T23:10:00+02:00"
    assert stat(crawler, "modified/rejected/before_published") is None
