"""Holds the run's state store and commits to it only what the feeds are proven to hold.

- Opens the store (``newscrawl.state.store.open_store``) under the run lock (``newscrawl.state.lock``).
- Collects, during the run, three kinds of records: *staged* (an article or deletion record emitted:
  committed only if the feed exporter proves its line is in every configured feed, see
  ``newscrawl.feeds``), *checked* (a page fetched with nothing to deliver: unchanged, 304, still 404;
  committed in any case, so its revisit reason is spent) and *met* (a delivered article seen on a listing:
  confirmed if the run is clean).
- Once every feed is stored or failed (``feed_exporter_closed``), commits in one transaction and closes.

A run is *clean* when it finished on its own, every feed was stored and nothing was left unreached
(``newscrawl.outcome.incomplete_reasons``): only a clean run confirms records, and only confirmed records
stop a later run's paging. Stats: ``newscrawl/state/{committed,checked,confirmed_again,not_committed,
commit_failed,clean_run}``, ``newscrawl/pipeline_errors``.
"""

from __future__ import annotations

import logging
import os
from dataclasses import replace
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.extensions import feedexport
from scrapy.settings import SETTINGS_PRIORITIES
from twisted.internet import task

from newscrawl.outcome import feeds_failed, incomplete_reasons
from newscrawl.state import lock as run_lock
from newscrawl.state.store import namespace_for, open_store

if TYPE_CHECKING:
    from newscrawl.state.records import StateRecord
    from newscrawl.state.store import StateStore

logger = logging.getLogger(__name__)


def debug_command(crawler) -> str | None:
    """``check``, ``parse`` or ``shell`` when one of Scrapy's debug commands runs this crawler, else None.

    Those commands keep no state: they must not wait for (or hold) a running crawl's lock, skip articles
    earlier runs delivered, nor drop them as unchanged. Told apart by what each command sets: ``scrapy
    check`` the ``SCRAPY_CHECK`` variable, ``check`` and ``parse`` a ``start`` of their own on the spider
    class, ``shell`` its ``DUPEFILTER_CLASS`` at command priority.
    """
    if os.environ.get("SCRAPY_CHECK"):
        return "check"
    start = getattr(getattr(crawler, "spidercls", None), "start", None)
    module = getattr(start, "__module__", "") or ""
    if module.startswith("scrapy.commands."):
        return module.rsplit(".", 1)[1]
    settings = crawler.settings
    if (settings.getpriority("DUPEFILTER_CLASS") == SETTINGS_PRIORITIES["command"]
            and str(settings.get("DUPEFILTER_CLASS")).endswith("BaseDupeFilter")):
        return "shell"
    return None


class StateExtension:
    def __init__(self, crawler, store: StateStore | None, lock=None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self._lock = lock
        self._staged: dict[str, StateRecord] = {}
        self._checked: dict[str, StateRecord] = {}
        self._met: dict[str, StateRecord] = {}
        self._reason: str | None = None
        self._closed = False
        self._renewal: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        if (command := debug_command(crawler)) is not None:
            logger.info("state: off for scrapy %s (only crawls read and commit it); every article counts as new",
                        command)
            return cls(crawler, None)
        site = getattr(getattr(crawler, "spider", None), "site", None)
        namespace = namespace_for(crawler.spidercls.name, site.base_url if site is not None else None)
        lock = run_lock.hold(crawler.settings, namespace)
        extension = cls(crawler, open_store(crawler.settings, namespace), lock)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_error, signal=signals.item_error)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- what the spider and the state pipeline hand over --------------------------------------------
    def stage(self, record: StateRecord) -> None:
        """An emitted article (or deletion record): committed if its feeds are stored."""
        self._staged[record.article_id] = record

    def commit_early(self, keys) -> int:
        """A backfill's checkpoint (``newscrawl.backfill.run``): the staged records of ``keys``, whose lines every
        feed durably holds now, committed before the end of the run, so that a killed run still leaves them
        known. Not confirmed (only the end of a clean run confirms); committed again at the end."""
        records = [self._staged[key] for key in keys if key in self._staged]
        if self.store is None or not records:
            return 0
        return self.store.commit(records)

    def check(self, record: StateRecord) -> None:
        """A fetch with nothing to deliver: committed in any case."""
        self._checked[record.article_id] = record

    def met(self, record: StateRecord) -> None:
        """A delivered article seen again (on a listing, or skipped): confirmed if the run is clean."""
        if not record.confirmed:
            self._met.setdefault(record.article_id, record)

    # -- signals ------------------------------------------------------------------------------------
    def spider_opened(self, spider) -> None:
        if self.store is None:
            if self._lock is not None or debug_command(self.crawler) is None:
                logger.info("state: off (NEWSCRAWL_STATE), every article counts as new")
            return
        logger.info("state: %s, %d articles delivered by earlier runs", self.store.describe(), self.store.count())
        if self._lock is not None:
            self._renewal = task.LoopingCall(self._renew)
            self._renewal.start(run_lock.LEASE_SECONDS / 3, now=False)

    def _renew(self) -> None:
        try:
            self._lock.renew()
        except Exception as exc:  # a lease that could not be renewed expires; the run itself goes on
            logger.warning("state: renewing the run lock failed (%s)", exc)

    def item_error(self, item, response, spider, failure) -> None:
        """A pipeline raised: the article is lost for this run, so the run fails and confirms nothing."""
        self.stats.inc_value("newscrawl/pipeline_errors")
        logger.error("pipeline error on %s: %s", getattr(item, "url", None) or "an item", failure.getErrorMessage())

    def spider_closed(self, spider, reason: str) -> None:
        # Runs before feed_exporter_closed: that one waits for the stores the feed exporter starts here.
        self._reason = reason
        if self._renewal is not None and self._renewal.running:
            self._renewal.stop()
        if not self._feed_exporter_enabled():  # no feed_exporter_closed will come: nothing was delivered
            if self._staged:
                logger.error("state: feed exports are disabled (see the errors above), %d articles went to no "
                             "feed and are not committed", len(self._staged))
                self.stats.set_value("newscrawl/state/not_committed", len(self._staged))
            self._close_store()

    def feed_exporter_closed(self) -> None:
        """Every batch of every feed is stored or failed: commit what is proven delivered, then close."""
        try:
            self._commit()
        finally:
            self._close_store()

    # -- internals ----------------------------------------------------------------------------------
    def _feed_exporter_enabled(self) -> bool:
        return any(isinstance(ext, feedexport.FeedExporter) for ext in self.crawler.extensions.middlewares)

    def _commit(self) -> None:
        if self.store is None:
            return
        from newscrawl.feeds.exporter import delivery_of

        stats = self.stats.get_stats()
        delivery = delivery_of(self.crawler)
        durable = delivery.durable if delivery is not None else frozenset()
        reason = self._reason or stats.get("finish_reason")
        feeds_ok = delivery is not None and not delivery.failed and not feeds_failed(stats)
        incomplete = incomplete_reasons(stats)
        clean = reason == "finished" and feeds_ok and not incomplete
        delivered = [record for key, record in self._staged.items() if key in durable]
        waiting = len(self._staged) - len(delivered)
        checked = [record for key, record in self._checked.items() if key not in self._staged]
        met = [record for key, record in self._met.items()
               if clean and key not in self._staged and key not in self._checked]
        if clean:
            delivered, checked, met = ([replace(r, confirmed=True) if r.delivered else r for r in group]
                                       for group in (delivered, checked, met))
        try:
            self.store.commit(delivered + checked + met)
        except Exception:
            logger.exception("state: commit failed; the %d articles of this run will be emitted again next run",
                             len(delivered))
            self.stats.set_value("newscrawl/state/commit_failed", len(delivered) + len(checked) + len(met))
            waiting += len(delivered)
            delivered, checked, met = [], [], []
        self.stats.set_value("newscrawl/state/committed", len(delivered))
        self.stats.set_value("newscrawl/state/checked", len(checked))
        self.stats.set_value("newscrawl/state/clean_run", clean)
        if self.store.unreadable:
            self.stats.set_value("newscrawl/state/unreadable_records", self.store.unreadable)
        if met:
            self.stats.set_value("newscrawl/state/confirmed_again", len(met))
        if waiting:
            self.stats.set_value("newscrawl/state/not_committed", waiting)
            logger.warning("state: %d articles not committed: the next run emits them again", waiting)
        why = "" if clean else "; not a clean run (" + "; ".join(
            ([f"finish reason {reason}"] if reason != "finished" else []) + ([] if feeds_ok else ["a feed failed"])
            + incomplete) + "), so nothing of it stops later runs' paging"
        logger.info("state: committed %d articles and %d checks to %s%s", len(delivered), len(checked),
                    self.store.describe(), why)

    def _close_store(self) -> None:
        if self.store is not None and not self._closed:
            self._closed = True
            try:
                self.store.close()
            except Exception:
                logger.exception("state: closing the store failed")
        if self._lock is not None:
            run_lock.release(self._lock)
            self._lock = None
