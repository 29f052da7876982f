"""Crawl health: at the end of each run, check what the run produced and fail it when the site changed.

A layout change rarely breaks a crawl outright: it empties a field on every page. These checks notice it
on the first run, not after a week of empty fields in the dataset:

- field coverage over the run's articles (``NEWSCRAWL_HEALTH_COVERAGE``: title and body 100 %,
  published_at 95 %, author and section 90 % by default);
- date sanity: no published date in the future, and no pile-up on January 1st or on midnight (the marks
  of a parser that fell back to a default);
- drops: the share of article pages dropped (no title, no body, not an article...);
- layout drift: the share of article pages whose body was found only by a fallback layer (another
  selector than SITE.md's ``div.paragraph-list``, or JSON-LD ``articleBody``): the text is kept, but the
  run says the layout changed before the fallbacks stop working too;
- held back: more than ``NEWSCRAWL_HEALTH_MAX_HELD_BACK`` articles held back as garbled text or a body
  that shrank sharply against the delivered version (``newscrawl/held_back/<reason>``);
- HTTP errors: the share of requests that failed for good (a 5xx or a download error that retrying did
  not fix; a failure that a retry recovered is not the site failing us).

Checks on articles only run when the run emitted at least ``NEWSCRAWL_HEALTH_MIN_ITEMS`` of them (a run
that finds nothing new is healthy); a run with too little to judge says so, never "passed". A failed
check is logged with its figures and listed in the stat
``newscrawl/health/failed_checks``, which makes ``scrapy crawl`` exit 1 (``newscrawl.outcome``).

Spidermon (1.27.0) runs on Scrapy 2.19 but with deprecation warnings, never changes the exit code (we
would need this glue anyway) and brings a large dependency tree for a handful of ratios, so newscrawl
uses this small extension instead. The checks themselves are a pure function, ``health_checks``.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from scrapy import signals
from scrapy.exceptions import NotConfigured

from newscrawl.items import Deletion, item_values

logger = logging.getLogger(__name__)

DEFAULT_COVERAGE = {"title": 1.0, "body": 1.0, "published_at": 0.95, "author": 0.90, "section": 0.90}


@dataclass(frozen=True)
class Thresholds:
    coverage: dict[str, float]
    min_items: int = 5
    max_drop_rate: float = 0.10
    max_error_rate: float = 0.10
    max_midnight_share: float = 0.5
    max_jan1_share: float = 0.2
    max_fallback_body_share: float = 0.10
    max_held_back: int = 3


@dataclass
class RunTally:
    """What the run emitted, counted as items pass."""

    items: int = 0
    filled: Counter | None = None
    future_dates: int = 0
    midnight: int = 0
    jan1: int = 0
    dated: int = 0

    def __post_init__(self):
        self.filled = self.filled or Counter()

    def add(self, item, fields) -> None:
        values = item_values(item, (*fields, "published_at", "crawled_at"))
        self.items += 1
        for name in fields:
            value = values[name]
            if value not in (None, "", [], {}):
                self.filled[name] += 1
        published, crawled = values["published_at"], values["crawled_at"]
        try:
            published_dt = datetime.fromisoformat(published) if published else None
            crawled_dt = datetime.fromisoformat(crawled) if crawled else None
        except (TypeError, ValueError):
            return
        if published_dt is None:
            return
        self.dated += 1
        if crawled_dt is not None and published_dt > crawled_dt:
            self.future_dates += 1
        if (published_dt.hour, published_dt.minute, published_dt.second) == (0, 0, 0):
            self.midnight += 1
        if (published_dt.month, published_dt.day) == (1, 1):
            self.jan1 += 1


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def health_checks(tally: RunTally, stats: dict, thresholds: Thresholds) -> list[str]:
    """The failed checks, each a sentence with its figures; empty when the run is healthy."""
    failed: list[str] = []
    if tally.items >= thresholds.min_items:
        for name, minimum in thresholds.coverage.items():
            coverage = _share(tally.filled[name], tally.items)
            if coverage < minimum:
                failed.append(f"coverage of {name} {coverage:.0%} < {minimum:.0%} "
                              f"({tally.filled[name]} of {tally.items} articles)")
        if tally.future_dates:
            failed.append(f"{tally.future_dates} article(s) published after they were crawled")
        if tally.dated >= thresholds.min_items:
            if (share := _share(tally.midnight, tally.dated)) > thresholds.max_midnight_share:
                failed.append(f"{share:.0%} of published dates at midnight ({tally.midnight} of {tally.dated}) "
                              f"> {thresholds.max_midnight_share:.0%}")
            if (share := _share(tally.jan1, tally.dated)) > thresholds.max_jan1_share:
                failed.append(f"{share:.0%} of published dates on January 1 ({tally.jan1} of {tally.dated}) "
                              f"> {thresholds.max_jan1_share:.0%}")
    article_pages = stats.get("newscrawl/pages/article", 0)
    drops = sum(v for k, v in stats.items() if k.startswith("newscrawl/dropped/") and isinstance(v, int))
    if article_pages >= thresholds.min_items:
        if (share := _share(drops, article_pages)) > thresholds.max_drop_rate:
            by_reason = ", ".join(f"{k.removeprefix('newscrawl/dropped/')} {v}" for k, v in sorted(stats.items())
                                  if k.startswith("newscrawl/dropped/"))
            failed.append(f"{share:.0%} of article pages dropped ({by_reason}) > {thresholds.max_drop_rate:.0%}")
    fallback = stats.get("newscrawl/extract/body/dom_fallback", 0) + stats.get("newscrawl/extract/body/jsonld", 0)
    if article_pages >= thresholds.min_items:
        if (share := _share(fallback, article_pages)) > thresholds.max_fallback_body_share:
            failed.append(f"body found only by fallback selectors on {share:.0%} of article pages "
                          f"({fallback} of {article_pages}) > {thresholds.max_fallback_body_share:.0%}: "
                          "the article layout changed")
    held = {k.removeprefix("newscrawl/held_back/"): v for k, v in sorted(stats.items())
            if k.startswith("newscrawl/held_back/") and isinstance(v, int)}
    if sum(held.values()) > thresholds.max_held_back:
        failed.append(f"{sum(held.values())} articles held back ("
                      + ", ".join(f"{k} {v}" for k, v in held.items()) + f") > {thresholds.max_held_back}")
    responses = stats.get("response_received_count", 0)
    status_errors, exceptions = failed_requests(stats)
    errors = status_errors + exceptions
    if responses + exceptions >= thresholds.min_items:
        if (share := _share(errors, responses + exceptions)) > thresholds.max_error_rate:
            failed.append(f"HTTP error rate {share:.0%} ({errors} errors, {responses} responses) "
                          f"> {thresholds.max_error_rate:.0%}")
    return failed


def checks_run(tally: RunTally, stats: dict, thresholds: Thresholds) -> list[str]:
    """The checks :func:`health_checks` could judge: each needs ``min_items`` of what it counts."""
    run = []
    if tally.items >= thresholds.min_items:
        run += ["coverage", "dates"]
    if stats.get("newscrawl/pages/article", 0) >= thresholds.min_items:
        run += ["drops", "layout"]
    run.append("held back")  # counts, needs no minimum
    responses = stats.get("response_received_count", 0)
    if responses + failed_requests(stats)[1] >= thresholds.min_items:
        run.append("http errors")
    return run


def failed_requests(stats: dict) -> tuple[int, int]:
    """Requests that failed for good: (5xx responses, download errors) that retrying did not fix.

    Scrapy counts every attempt: a 503 that a retry recovered is in ``downloader/response_status_count/503``
    and in ``retry/reason_count/503 Service Unavailable``; a timeout that a retry recovered is in
    ``downloader/exception_count`` and in ``retry/reason_count/<exception>``. Each retry stands for one
    failure that was retried, so what remains once they are subtracted failed for good (the last attempt
    of a request that ran out of retries has no retry of its own). ``IgnoreRequest`` (robots.txt, offsite)
    is a decision of ours, not a failure of the site.
    """
    def total(prefix: str) -> int:
        return sum(v for k, v in stats.items() if k.startswith(prefix) and isinstance(v, int))

    retried_status = sum(v for k, v in stats.items() if k.startswith("retry/reason_count/")
                         and k.removeprefix("retry/reason_count/")[:1].isdigit() and isinstance(v, int))
    retried_exceptions = total("retry/reason_count/") - retried_status
    status_errors = total("downloader/response_status_count/5") - retried_status
    exceptions = (stats.get("downloader/exception_count", 0)
                  - stats.get("downloader/exception_type_count/scrapy.exceptions.IgnoreRequest", 0)
                  - retried_exceptions)
    return max(status_errors, 0), max(exceptions, 0)


class CrawlHealth:
    def __init__(self, stats, thresholds: Thresholds):
        self.stats = stats
        self.thresholds = thresholds
        self.tally = RunTally()

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        if not settings.getbool("NEWSCRAWL_HEALTH_ENABLED", True):
            raise NotConfigured
        coverage = {**DEFAULT_COVERAGE, **settings.getdict("NEWSCRAWL_HEALTH_COVERAGE")}
        thresholds = Thresholds(
            coverage={k: float(v) for k, v in coverage.items()},
            min_items=settings.getint("NEWSCRAWL_HEALTH_MIN_ITEMS", 5),
            max_drop_rate=settings.getfloat("NEWSCRAWL_HEALTH_MAX_DROP_RATE", 0.10),
            max_error_rate=settings.getfloat("NEWSCRAWL_HEALTH_MAX_ERROR_RATE", 0.10),
            max_fallback_body_share=settings.getfloat("NEWSCRAWL_HEALTH_MAX_FALLBACK_BODY", 0.10),
            max_held_back=settings.getint("NEWSCRAWL_HEALTH_MAX_HELD_BACK", 3),
        )
        extension = cls(crawler.stats, thresholds)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def item_scraped(self, item, **kwargs) -> None:
        if not isinstance(item, Deletion):
            self.tally.add(item, self.thresholds.coverage)

    def spider_closed(self, **kwargs) -> None:
        stats = self.stats.get_stats()
        failed = health_checks(self.tally, stats, self.thresholds)
        for name in self.thresholds.coverage:
            self.stats.set_value(f"newscrawl/health/coverage/{name}",
                                 round(_share(self.tally.filled[name], self.tally.items), 4))
        self.stats.set_value("newscrawl/health/failed_checks", failed)
        for check in failed:
            logger.error("health check failed: %s", check)
        if failed:
            return
        judged = checks_run(self.tally, stats, self.thresholds)
        if judged == ["held back"]:
            logger.info("health checks: too little to judge (%d articles, %d article pages, %d responses; "
                        "NEWSCRAWL_HEALTH_MIN_ITEMS=%d)", self.tally.items, stats.get("newscrawl/pages/article", 0),
                        stats.get("response_received_count", 0), self.thresholds.min_items)
        else:
            logger.info("health checks passed (%d articles): %s", self.tally.items, ", ".join(judged))
