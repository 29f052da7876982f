"""The date window: bounds as written on the command line, the id-to-date relation, the pipeline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.backfill.ids import IdRange, IdRangeError
from newscrawl.backfill.window import AFTER, BEFORE, INSIDE, BoundError, IdDates, Window, WindowPipeline, parse_bound
from newscrawl.items import Deletion

CAIRO = ZoneInfo("Africa/Cairo")
UTC = UTC


@pytest.mark.parametrize(
    ("raw", "end", "expected"),
    [
        pytest.param("2023-11-22", False, datetime(2023, 11, 22, 0, 0, tzinfo=CAIRO), id="date-since-start-of-day"),
        pytest.param(
            "2023-11-22", True, datetime(2023, 11, 22, 23, 59, 59, 999999, tzinfo=CAIRO), id="date-until-end-of-day"
        ),
        pytest.param("2023-07-01", False, datetime(2023, 6, 30, 21, 0, tzinfo=UTC), id="summer-time-is-utc+3"),
        pytest.param("2023-11-22T10:00", True, datetime(2023, 11, 22, 10, 0, tzinfo=CAIRO), id="time-kept-for-until"),
        pytest.param("2023-11-22T10:00+00:00", False, datetime(2023, 11, 22, 12, 0, tzinfo=CAIRO), id="offset-kept"),
        pytest.param(" 2023-11-22 ", False, datetime(2023, 11, 22, tzinfo=CAIRO), id="spaces"),
    ],
)
def test_parse_bound(raw, end, expected):
    value = parse_bound(raw, end=end)
    assert value == expected
    assert value.tzinfo is not None


@pytest.mark.parametrize("raw", ["22/11/2023", "yesterday", "", "2023-13-01"])
def test_parse_bound_refuses(raw):
    with pytest.raises(BoundError, match="ISO date"):
        parse_bound(raw)


def test_window_inclusive_both_ends():
    window = Window(parse_bound("2023-10-20"), parse_bound("2023-10-21", end=True))
    assert window.where(datetime(2023, 10, 20, 0, 0, tzinfo=CAIRO)) == INSIDE
    assert window.where(datetime(2023, 10, 21, 23, 59, tzinfo=CAIRO)) == INSIDE
    assert window.where(datetime(2023, 10, 19, 23, 59, tzinfo=CAIRO)) == BEFORE
    assert window.where(datetime(2023, 10, 22, 0, 0, tzinfo=CAIRO)) == AFTER


def test_window_open_ended():
    assert Window(since=parse_bound("2023-10-20")).where(datetime(2030, 1, 1, tzinfo=UTC)) == INSIDE
    assert Window(until=parse_bound("2023-10-20", end=True)).where(datetime(2001, 1, 1, tzinfo=UTC)) == INSIDE
    assert not Window()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("4900000-4900500", (4900000, 4900500)), (" 4900000 - 4900000 ", (4900000, 4900000))],
)
def test_id_range(raw, expected):
    ids = IdRange.parse(raw)
    assert (ids.start, ids.end) == expected
    assert list(ids.newest_first())[0] == str(expected[1])
    assert len(ids) == expected[1] - expected[0] + 1


@pytest.mark.parametrize("raw", ["4900500-4900000", "12-14", "4900000", "a-b", "4900000-"])
def test_id_range_refuses(raw):
    with pytest.raises(IdRangeError):
        IdRange.parse(raw)


# -- the id-to-date relation: ids rise with time ----------------------------------------------------------
DAY = timedelta(days=1)
SINCE = datetime(2023, 10, 20, tzinfo=CAIRO)
UNTIL = datetime(2023, 10, 25, tzinfo=CAIRO)


def relation(**known) -> IdDates:
    dates = IdDates(Window(SINCE, UNTIL))
    for article_id, moment in known.items():
        dates.learn(article_id.removeprefix("i"), moment)
    return dates


def test_relation_own_date_decides_exactly():
    dates = relation(i4900010=SINCE - timedelta(minutes=1), i4900020=SINCE)
    assert dates.where("4900010") == BEFORE
    assert dates.where("4900020") == INSIDE


def test_relation_bounds_from_neighbours():
    dates = relation(i4900010=SINCE - 2 * DAY, i4900050=SINCE + DAY, i4900090=UNTIL + 2 * DAY)
    assert dates.where("4900005") == BEFORE  # a later id is already older than since
    assert dates.where("4900095") == AFTER  # an earlier id is already newer than until
    assert dates.where("4900030") is None  # between a too-old and an inside id: cannot tell
    assert dates.where("4900070") is None


def test_relation_margin_for_neighbours():
    """A neighbour only just outside the window does not refuse an id it merely bounds."""
    dates = relation(i4900010=SINCE - timedelta(minutes=30))
    assert dates.where("4900009") is None
    assert dates.where("4900010") == BEFORE


def test_relation_knows_nothing():
    assert relation().where("4900000") is None


# -- the pipeline ------------------------------------------------------------------------------------------
class Spy:
    def __init__(self):
        self.learned, self.settled_ids = [], []

    def learn(self, article_id, moment):
        self.learned.append((article_id, moment))

    def settled(self, article_id):
        self.settled_ids.append(article_id)


class Stats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count

    def get_value(self, key):
        return self.get(key)

    def get_stats(self):
        return dict(self)


def pipeline(since=SINCE, until=UNTIL):
    stats = Stats()
    return WindowPipeline(Window(since, until), stats, Spy()), stats


def article(published_at):
    from newscrawl.items import Article

    return Article(url="https://www.albawabhnews.com/4900001", article_id="4900001", published_at=published_at)


@pytest.mark.parametrize(
    ("published_at", "stat"),
    [
        ("2023-10-19T23:59:00+03:00", "newscrawl/filtered/out_of_window"),
        ("2023-10-25T00:00:01+03:00", "newscrawl/filtered/out_of_window"),
        (None, "newscrawl/filtered/undated"),
    ],
)
def test_pipeline_drops(published_at, stat):
    stage, stats = pipeline()
    with pytest.raises(DropItem):
        stage.process_item(article(published_at))
    assert stats.get_value(stat) == 1
    assert stage.backfill.settled_ids == ["4900001"]


def test_pipeline_keeps_inside_and_learns():
    stage, stats = pipeline()
    item = article("2023-10-20T00:00:00+03:00")
    assert stage.process_item(item) is item
    assert stage.backfill.learned == [("4900001", datetime(2023, 10, 20, tzinfo=CAIRO))]
    assert not stats.get_stats()


def test_pipeline_passes_deletions():
    stage, _ = pipeline()
    deletion = Deletion(
        url="https://www.albawabhnews.com/4900001",
        article_id="4900001",
        http_status=404,
        detected_at="2023-10-30T00:00:00+00:00",
    )
    assert stage.process_item(deletion) is deletion


def test_pipeline_off_without_window():
    crawler = type("C", (), {"spider": type("S", (), {"args": None})(), "stats": None})()
    with pytest.raises(NotConfigured):
        WindowPipeline.from_crawler(crawler)


def test_a_date_alone_ends_with_its_last_instant_on_the_night_summer_time_ends():
    # Egypt left summer time on the night of 26-27 October 2023 (Thursday 24:00 +03 -> 23:00 +02): the 26th
    # has 25 hours, the repeated hour being 23:00-23:59 +02:00. Back-to-back day windows must meet.
    day_end, next_start = parse_bound("2023-10-26", end=True), parse_bound("2023-10-27")
    assert next_start.astimezone(UTC) - day_end.astimezone(UTC) == timedelta(microseconds=1)
    repeated_hour = datetime(2023, 10, 26, 23, 40, tzinfo=ZoneInfo("Etc/GMT-2"))  # 21:40 UTC, still the 26th
    assert Window(parse_bound("2023-10-26"), day_end).where(repeated_hour) == INSIDE
    assert Window(next_start, parse_bound("2023-10-27", end=True)).where(repeated_hour) == BEFORE


def test_a_compact_date_alone_is_the_whole_day():
    assert parse_bound("20231030", end=True) == parse_bound("2023-10-30", end=True)
    assert parse_bound("20231030", end=True).isoformat() == "2023-10-30T23:59:59.999999+02:00"
