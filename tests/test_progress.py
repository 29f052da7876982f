"""The progress line's fields, and the bar shown instead when standard error is a terminal."""

from __future__ import annotations

import io
import logging
import re

import pytest

from newscrawl.backfill.progress import Figures, ProgressExtension, duration, progress_line
from newscrawl.backfill.run import Snapshot

LINE = re.compile(
    r"progress: (?P<done>\d+)(?:/(?P<total>\d+))? pages(?: \((?P<percent>\d+)%\))?, "
    r"(?P<articles>\d+)(?:/(?P<articles_total>\d+))? articles(?P<estimated> \(estimated\))?, "
    r"(?P<rate>[\d.]+) pages/s(?:, ETA (?P<eta>\S+))?$"
)


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "?"),
        (0, "0s"),
        (59.4, "59s"),
        (150, "2m30s"),
        (3 * 3600 + 5 * 60, "3h05m"),
        (2 * 86400 + 4 * 3600, "2d04h"),
    ],
)
def test_duration(seconds, expected):
    assert duration(seconds) == expected


def test_line_of_an_id_range():
    """100 of 400 pages in 50 s: 2 pages/s, 300 pages left, 150 s to go."""
    line = progress_line(Figures(100, 400, 60, 240, exact=True, elapsed=50.0))
    fields = LINE.match(line).groupdict()
    assert fields == {
        "done": "100",
        "total": "400",
        "percent": "25",
        "articles": "60",
        "articles_total": "240",
        "estimated": " (estimated)",
        "rate": "2.0",
        "eta": "2m30s",
    }


def test_line_of_a_window_estimate():
    line = progress_line(Figures(30, 90, 20, 70, exact=False, elapsed=10.0))
    fields = LINE.match(line).groupdict()
    assert (fields["rate"], fields["eta"], fields["estimated"]) == ("3.0", "20s", " (estimated)")


def test_line_without_total():
    """A crawl that is not a backfill knows no total: no percentage, no ETA."""
    line = progress_line(Figures(12, None, 7, None, exact=False, elapsed=4.0))
    fields = LINE.match(line).groupdict()
    assert fields["total"] is None and fields["eta"] is None and fields["percent"] is None
    assert (fields["done"], fields["articles"], fields["rate"]) == ("12", "7", "3.0")


def test_line_done_exact():
    line = progress_line(Figures(40, 40, 35, 35, exact=True, elapsed=20.0))
    fields = LINE.match(line).groupdict()
    assert (fields["percent"], fields["eta"], fields["estimated"]) == ("100", "0s", None)


class FakeBackfill:
    def __init__(self, snapshot):
        self.snap = snapshot

    def snapshot(self):
        return self.snap


class FakeCrawler:
    def __init__(self, snapshot):
        self.spider = type("Spider", (), {"backfill": FakeBackfill(snapshot)})()
        self.stats = None


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_plain_lines_when_not_a_terminal(caplog):
    extension = ProgressExtension(FakeCrawler(Snapshot(5, 10, 4, 8, exact=True)), 30.0, stream=io.StringIO())
    assert not extension.on_terminal()
    with caplog.at_level(logging.INFO, logger="newscrawl.backfill.progress"):
        extension.log_line()
    (record,) = caplog.records
    fields = LINE.match(record.getMessage()).groupdict()
    assert (fields["done"], fields["total"], fields["articles"], fields["articles_total"]) == ("5", "10", "4", "8")


def test_bar_on_a_terminal():
    stream = Terminal()
    extension = ProgressExtension(FakeCrawler(Snapshot(30, 120, 25, 100, exact=False)), 30.0, stream=stream)
    assert extension.on_terminal()
    extension.spider_opened(None)
    try:
        extension.refresh_bar()
    finally:
        extension.spider_closed(None, "finished")
    shown = stream.getvalue()
    assert "30/120" in shown and "25%" in shown  # tqdm's own counter and percentage
    assert "articles 25/100 est." in shown
    assert "progress:" not in shown  # no log line written on the terminal


def test_bar_through_a_pty():
    """The real isatty() of a pseudo-terminal picks the bar."""
    import os
    import pty

    leader, follower = pty.openpty()
    try:
        with os.fdopen(follower, "w", closefd=False) as stream:
            extension = ProgressExtension(FakeCrawler(Snapshot(1, 2, 1, 2, exact=True)), 30.0, stream=stream)
            assert extension.on_terminal()
            extension.spider_opened(None)
            extension.refresh_bar()
            extension.spider_closed(None, "finished")
            stream.flush()
        shown = os.read(leader, 65536).decode("utf-8", "replace")
    finally:
        os.close(leader)
        os.close(follower)
    assert "1/2" in shown and "articles 1/2" in shown
