"""What a backfill decides before each article request, and its progress figures (no crawl)."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from newscrawl.backfill.ids import IdRange
from newscrawl.backfill.run import FETCH, OUT, SKIP_DONE, WAIT, Backfill
from newscrawl.backfill.window import Window

CAIRO = ZoneInfo("Africa/Cairo")
SINCE = datetime(2023, 10, 20, tzinfo=CAIRO)
UNTIL = datetime(2023, 10, 29, 23, 59, tzinfo=CAIRO)
HOUR = timedelta(hours=1)


class Stats(dict):
    def inc_value(self, key, count=1):
        self[key] = self.get(key, 0) + count

    def set_value(self, key, value):
        self[key] = value


class Crawler:
    def __init__(self):
        self.stats = Stats()
        self.settings = {"NEWSCRAWL_NOW": "2026-12-05T00:00:00+00:00"}


def backfill(window: Window | None = None, ids=None) -> Backfill:
    window = Window(SINCE, UNTIL) if window is None else window
    return Backfill(Crawler(), window, ids, ("72",), "http://127.0.0.1:8000", "albawabh@http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("hint", "source", "expected"),
    [
        pytest.param(SINCE - HOUR, "listings", OUT, id="card-before-since"),
        pytest.param(UNTIL + HOUR, "listings", OUT, id="card-after-until"),
        pytest.param(UNTIL + HOUR, "feeds", OUT, id="feed-after-until"),
        pytest.param(SINCE - HOUR, "sitemaps", OUT, id="sitemap-before-since"),
        pytest.param(UNTIL + HOUR, "sitemaps", WAIT, id="sitemap-after-until-may-be-a-modification"),
        pytest.param(SINCE + HOUR, "sitemaps", FETCH, id="sitemap-inside"),
        pytest.param(None, "listings", WAIT, id="undated-unknown"),
    ],
)
def test_decide_by_hint(hint, source, expected):
    assert backfill().decide("4900050", hint, source) == expected


def test_undated_links_placed_by_cards():
    run = backfill()
    for offset, article_id in enumerate(range(4900000, 4900100, 10)):  # one card a day from Oct 15
        run.card(str(article_id), SINCE - 5 * 24 * HOUR + offset * 24 * HOUR)
    assert run.decide("4900005", None, "listings") == OUT  # 4900010 (Oct 16) is already older than since
    assert run.decide("4900050", None, "listings") == FETCH  # its own card: Oct 20, inside
    assert run.decide("4900045", None, "listings") == WAIT  # between Oct 19 and Oct 20: cannot tell
    assert run.stats["newscrawl/filtered/out_of_window_links"] == 1


def test_settled_ids_are_not_asked_again():
    run = backfill()
    run.done = {"4900050"}
    assert run.decide("4900050", SINCE + HOUR, "listings") == SKIP_DONE
    assert run.stats["newscrawl/backfill/skipped_done"] == 1


def test_id_range_asks_its_ids_only():
    run = backfill(Window(), IdRange(4900000, 4900099))
    assert run.decide("4900000", None, "backfill") == FETCH
    assert run.decide("4900100", None, "listings") == OUT


def test_id_range_with_window_fetches_every_id():
    """With ids and a window, the window filters what is emitted, not what the range fetches."""
    run = backfill(Window(SINCE, UNTIL), IdRange(4900000, 4900099))
    assert run.decide("4900007", None, "backfill") == FETCH


def test_different_arguments_different_key():
    assert backfill().key != backfill(Window(SINCE, None)).key
    assert backfill().key == backfill().key


def test_snapshot_of_an_id_range_is_exact():
    run = backfill(Window(), IdRange(4900000, 4900099))
    run.done_before = 20
    run.pages, run.articles = 40, 20
    snap = run.snapshot()
    assert (snap.pages_done, snap.pages_total, snap.articles_done, snap.articles_total) == (40, 80, 20, 40)


def test_snapshot_of_a_window_estimates_from_card_dates():
    """Cards every 4 hours, paged from Nov 8 down to Oct 29 00:00 (6 cards of Oct 29 in the window so far):
    the window reaches down to Oct 20, 217 hours more (Egypt left summer time on Oct 27) at one card every
    4 hours -- 54 more, 60 in all, as the site has."""
    run = backfill()
    newest = datetime(2023, 11, 8, tzinfo=CAIRO)
    for i in range(61):  # 61 cards over 10 days, 3 listing pages
        moment = newest - i * 4 * HOUR
        run.card(str(4900600 - i), moment)
    run.listing_pages = 3
    snap = run.snapshot()
    assert len(run.cards_inside) == 6
    assert snap.articles_total == 60
    assert not snap.exact
    assert snap.pages_total > 3 + snap.articles_total


@pytest.mark.parametrize(
    ("window", "ids", "open_ended"),
    [
        pytest.param(Window(SINCE, UNTIL), None, False, id="window-in-the-past"),
        pytest.param(Window(SINCE, None), None, True, id="no-until"),
        pytest.param(Window(SINCE, datetime(2027, 1, 1, tzinfo=CAIRO)), None, True, id="until-ahead"),
        pytest.param(Window(), IdRange(4900000, 4900001), False, id="id-range"),
    ],
)
def test_only_a_closed_window_can_finish(window, ids, open_ended):
    assert backfill(window, ids).open_ended() is open_ended
