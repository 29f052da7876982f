"""The revisit policy (newscrawl.state.revisit): when a known article is worth a request, as a table."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from scrapy.settings import Settings

from newscrawl.state.records import GONE, MISSING, StateRecord
from newscrawl.state.revisit import (
    RevisitPolicy,
    RevisitScheduleError,
    crawl_now,
    parse_schedule,
    retry_delay,
)

H, D = timedelta(hours=1), timedelta(days=1)
PUBLISHED = datetime(2025, 5, 10, 11, 38, tzinfo=UTC)  # 14:38 Cairo (DST, +03:00)
POLICY = RevisitPolicy(parse_schedule("1h,6h,1d,3d"))


def delivered(**changes) -> StateRecord:
    """An article published at PUBLISHED, first fetched 10 minutes later, modified never."""
    base = StateRecord("5201153", "hash", None, "2025-05-10T11:48:00+00:00", "2025-05-10T11:48:00+00:00",
                       confirmed=True, published_at="2025-05-10T14:38:00+03:00",
                       known_date="2025-05-10T14:38:00+03:00", fetched_at="2025-05-10T11:48:00+00:00")
    return replace(base, **changes)


@pytest.mark.parametrize(("record", "hint", "now", "reason"), [
    pytest.param(None, None, PUBLISHED, "new", id="not-in-state"),
    pytest.param(delivered(), None, PUBLISHED + 30 * timedelta(minutes=1), None, id="fresh-nothing-due"),
    pytest.param(delivered(), None, PUBLISHED + H, "revisit", id="one-hour-due"),
    pytest.param(delivered(fetched_at="2025-05-10T12:40:00+00:00"), None, PUBLISHED + 2 * H, None,
                 id="one-hour-done-six-not-yet"),
    pytest.param(delivered(fetched_at="2025-05-10T12:40:00+00:00"), None, PUBLISHED + 7 * H, "revisit",
                 id="six-hours-due"),
    pytest.param(delivered(), None, PUBLISHED + 10 * D, "revisit", id="missed-ages-catch-up-once"),
    pytest.param(delivered(fetched_at="2025-05-20T00:00:00+00:00"), None, PUBLISHED + 30 * D, None,
                 id="older-than-the-last-age-left-alone"),
    pytest.param(delivered(published_at=None, known_date=None), None, PUBLISHED + 5 * H, None,
                 id="no-publication-date-no-schedule"),
    pytest.param(delivered(), PUBLISHED, PUBLISHED + 20 * timedelta(minutes=1), None, id="hint-same-date"),
    pytest.param(delivered(), PUBLISHED + 30 * timedelta(seconds=1), PUBLISHED + 20 * timedelta(minutes=1), None,
                 id="hint-within-the-rounding-margin"),
    pytest.param(delivered(), PUBLISHED + 2 * H, PUBLISHED + 20 * timedelta(minutes=1), "changed",
                 id="hint-newer-lastmod"),
    pytest.param(delivered(known_date=None, modified_at="2025-05-10T18:00:00+03:00"), PUBLISHED + 2 * H,
                 PUBLISHED + 20 * timedelta(minutes=1), None, id="state-of-an-earlier-release-uses-modified_at"),
    pytest.param(delivered(), datetime(2099, 1, 1, tzinfo=UTC), PUBLISHED + 20 * timedelta(minutes=1), None,
                 id="hint-absurdly-in-the-future-ignored"),
    pytest.param(delivered(status=GONE, retry_at="2025-05-10T13:00:00+00:00"), None, PUBLISHED + H, None,
                 id="gone-backoff-running"),
    pytest.param(delivered(status=GONE, retry_at="2025-05-10T13:00:00+00:00"), None, PUBLISHED + 2 * H, "retry",
                 id="gone-backoff-over"),
    pytest.param(StateRecord("5201153", version=0, status=MISSING, retry_at="2025-05-11T00:00:00+00:00"),
                 PUBLISHED + 3 * H, PUBLISHED + 2 * H, None, id="missing-even-with-a-hint-waits"),
])
def test_reason(record, hint, now, reason):
    assert POLICY.reason(record, hint, now) == reason


def test_no_schedule_means_no_revisits():
    assert RevisitPolicy(parse_schedule("off")).reason(delivered(), None, PUBLISHED + 2 * D) is None


@pytest.mark.parametrize(("text", "ages"), [
    ("1h,6h,1d,3d", (H, 6 * H, D, 3 * D)),
    (" 3d , 1h ", (H, 3 * D)),
    ("30m", (timedelta(minutes=30),)),
    ("2w", (timedelta(weeks=2),)),
    ("", ()), ("off", ()), ("none", ()),
])
def test_parse_schedule(text, ages):
    assert parse_schedule(text) == ages


@pytest.mark.parametrize("text", ["1x", "h1", "1h;6h", "-1h", "1.5h", "1h,,6h"])
def test_bad_schedules_are_refused(text):
    with pytest.raises(RevisitScheduleError):
        parse_schedule(text)


@pytest.mark.parametrize(("failures", "delay"), [(1, H), (2, 2 * H), (3, 4 * H), (8, 128 * H), (9, 7 * D),
                                                 (500, 7 * D)])
def test_retry_backoff_doubles_up_to_a_week(failures, delay):
    assert retry_delay(failures) == delay


def test_the_clock_is_injected():
    assert crawl_now(Settings({"NEWSCRAWL_NOW": "2025-05-10T14:38:00+03:00"})) == PUBLISHED
    before = datetime.now(UTC)
    assert before <= crawl_now(Settings({})) <= datetime.now(UTC)
    with pytest.raises(ValueError, match="NEWSCRAWL_NOW"):
        crawl_now(Settings({"NEWSCRAWL_NOW": "2025-05-10T14:38:00"}))  # no offset: ambiguous
