"""Progress of a long crawl: a log line every NEWSCRAWL_PROGRESS_INTERVAL seconds, or a bar on a terminal.

The line (logger ``newscrawl.backfill.progress``, INFO)::

    progress: 120/480 pages (25%), 58/240 articles (estimated), 2.4 pages/s, ETA 2m30s

Pages are article and listing pages answered in this run; the totals are exact for an id range (the
range less the ids earlier runs settled) and estimated for a window (from the listing's card dates); a
crawl that is not a backfill has no total and no ETA. When standard error is a terminal the same figures
drive a tqdm bar instead (one refresh a second). ``NEWSCRAWL_PROGRESS_INTERVAL=0`` switches both off.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)

BAR_REFRESH = 1.0


@dataclass
class Figures:
    pages_done: int
    pages_total: int | None
    articles_done: int
    articles_total: int | None
    exact: bool
    elapsed: float

    @property
    def rate(self) -> float:
        return self.pages_done / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        if self.pages_total is None or not self.rate:
            return None
        return max(0, self.pages_total - self.pages_done) / self.rate


def duration(seconds: float | None) -> str:
    """``45s``, ``2m30s``, ``3h05m``, ``2d04h``; ``?`` when unknown."""
    if seconds is None:
        return "?"
    seconds = int(round(seconds))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    if seconds < 86400:
        return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m"
    return f"{seconds // 86400}d{seconds % 86400 // 3600:02d}h"


def progress_line(figures: Figures) -> str:
    pages = (
        f"{figures.pages_done}/{figures.pages_total} pages" if figures.pages_total else f"{figures.pages_done} pages"
    )
    if figures.pages_total:
        pages += f" ({min(100, 100 * figures.pages_done // figures.pages_total)}%)"
    if figures.articles_total is not None:
        articles = f"{figures.articles_done}/{figures.articles_total} articles"
        articles += "" if figures.exact and figures.articles_total == figures.articles_done else " (estimated)"
    else:
        articles = f"{figures.articles_done} articles"
    eta = f", ETA {duration(figures.eta)}" if figures.pages_total else ""
    return f"progress: {pages}, {articles}, {figures.rate:.1f} pages/s{eta}"


class ProgressExtension:
    def __init__(self, crawler, interval: float, stream=None):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream if stream is not None else sys.stderr
        self.started = time.monotonic()
        self._loop: task.LoopingCall | None = None
        self._bar = None

    @classmethod
    def from_crawler(cls, crawler):
        interval = crawler.settings.getfloat("NEWSCRAWL_PROGRESS_INTERVAL", 30.0)
        if interval <= 0:
            raise NotConfigured("NEWSCRAWL_PROGRESS_INTERVAL is 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def on_terminal(self) -> bool:
        isatty = getattr(self.stream, "isatty", None)
        return bool(isatty and isatty())

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        if self.on_terminal():
            from tqdm import tqdm

            self._bar = tqdm(total=None, unit="page", file=self.stream, dynamic_ncols=True, leave=True, desc="crawl")
            self._loop = task.LoopingCall(self.refresh_bar)
            self._loop.start(min(BAR_REFRESH, self.interval), now=False)
        else:
            self._loop = task.LoopingCall(self.log_line)
            self._loop.start(self.interval, now=False)

    def figures(self) -> Figures:
        elapsed = time.monotonic() - self.started
        backfill = getattr(self.crawler.spider, "backfill", None)
        if backfill is not None:
            snap = backfill.snapshot()
            return Figures(
                snap.pages_done, snap.pages_total, snap.articles_done, snap.articles_total, snap.exact, elapsed
            )
        stats = self.crawler.stats
        pages = (stats.get_value("newscrawl/pages/article", 0) or 0) + (
            stats.get_value("newscrawl/pages/listing", 0) or 0
        )
        return Figures(pages, None, stats.get_value("item_scraped_count", 0) or 0, None, False, elapsed)

    def log_line(self) -> None:
        logger.info(progress_line(self.figures()))

    def refresh_bar(self) -> None:
        figures = self.figures()
        bar = self._bar
        if bar is None:
            return
        if figures.pages_total and bar.total != figures.pages_total:
            bar.total = figures.pages_total
        bar.n = figures.pages_done
        articles = (
            f"{figures.articles_done}/{figures.articles_total}"
            if figures.articles_total is not None
            else str(figures.articles_done)
        )
        bar.set_postfix_str(f"articles {articles}" + ("" if figures.exact else " est."), refresh=False)
        bar.refresh()

    def spider_closed(self, spider, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        if self._bar is not None:
            self.refresh_bar()
            self._bar.close()
            self._bar = None
