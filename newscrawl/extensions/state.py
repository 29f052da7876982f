"""Commit the incremental state for what the feeds actually stored, and say where the items are.

The rules are in ``newscrawl.state`` (module docstring: at-least-once). This extension

- opens the state store (``newscrawl.state.open_store``) and holds it for the spider and the state
  pipeline (``newscrawl.state.state_of``);
- keeps the state pipeline's pending records in the order the items reached the feeds (``item_scraped``);
- notes how every feed batch ended (``feed_slot_closed``; the storages below record whether their
  ``store`` succeeded, since the signal does not say);
- once the feed exporter has closed every feed (``feed_exporter_closed``), commits the records whose
  batches were stored in every feed, logs which feed files failed and which local copy holds the items,
  and closes the store.

Stats: ``newscrawl/state/committed``, ``newscrawl/state/not_committed``, ``newscrawl/state/commit_failed``,
``newscrawl/feeds/local`` (paths of the local copies stored), ``newscrawl/feeds/failed`` (URIs not stored).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.extensions import feedexport
from w3lib.url import file_uri_to_path

from newscrawl.outcome import feeds_failed
from newscrawl.sites.urls import SITE_HOSTS
from newscrawl.state import is_clean_run, open_store

if TYPE_CHECKING:
    from newscrawl.state import StateRecord, StateStore

logger = logging.getLogger(__name__)


# -- storages that remember whether they stored ---------------------------------------------------------
# Same names as Scrapy's, so the stats stay ``feedexport/{success,failed}_count/S3FeedStorage``.
class FileFeedStorage(feedexport.FileFeedStorage):
    stored = False

    def store(self, file: IO[bytes]) -> None:
        super().store(file)
        self.stored = True


class S3FeedStorage(feedexport.S3FeedStorage):
    stored = False

    def _store_in_thread(self, file: IO[bytes]) -> None:
        super()._store_in_thread(file)
        self.stored = True


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """How one feed file (a batch, or the whole run's file) ended, from ``feed_slot_closed``."""

    uri: str
    batch_id: int
    items: int
    batch_size: int  # 0: one file for the whole run
    stored: bool | None  # None: a storage that does not record it
    local: bool

    def ok(self, any_failure: bool) -> bool:
        """Stored? A storage that does not say counts as stored only if no store failed in this run."""
        return self.stored if self.stored is not None else not any_failure


def local_path(uri: str) -> str:
    return str(Path(file_uri_to_path(uri) if uri.startswith("file:") else uri).resolve())


def durable_positions(count: int, feeds: list[str], outcomes: dict[str, dict[int, BatchOutcome]],
                      any_failure: bool) -> list[bool]:
    """For each of ``count`` items (in the order they reached the feeds): stored in every feed?

    Item ``i`` is in batch ``i // batch_size + 1`` of a batched feed and in batch 1 of the others. A feed
    that reported no batch at all, or a batch whose outcome is unknown while some store failed, counts as
    not stored: the record stays pending and the article is emitted again next run.
    """
    durable = [True] * count
    for feed in feeds:
        batches = outcomes.get(feed, {})
        size = next(iter(batches.values())).batch_size if batches else 0
        for position in range(count):
            outcome = batches.get(position // size + 1 if size else 1)
            durable[position] = durable[position] and outcome is not None and outcome.ok(any_failure)
    return durable


class StateExtension:
    def __init__(self, crawler, store: StateStore | None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self._staged: dict[str, StateRecord] = {}
        self._unconfirmed: list[StateRecord] = []  # skipped as unchanged, not yet confirmed by a clean run
        self._reason: str | None = None
        self._delivered: list[StateRecord | None] = []
        self._outcomes: dict[str, dict[int, BatchOutcome]] = defaultdict(dict)
        self._closed = False

    @classmethod
    def from_crawler(cls, crawler):
        namespace = crawler.spidercls.name
        site = getattr(getattr(crawler, "spider", None), "site", None)
        if site is not None and site.host not in SITE_HOSTS:  # a copy of the site keeps a state of its own
            namespace = f"{namespace}@{site.base_url}"
        extension = cls(crawler, open_store(crawler.settings, namespace))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(extension.feed_slot_closed, signal=signals.feed_slot_closed)
        crawler.signals.connect(extension.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    # -- the state pipeline hands records over here -------------------------------------------------
    def stage(self, record: StateRecord) -> None:
        self._staged[record.article_id] = record

    def met_again(self, record: StateRecord) -> None:
        """An unchanged article not yet confirmed: if this run is clean, its record becomes confirmed."""
        self._unconfirmed.append(record)

    # -- signals ------------------------------------------------------------------------------------
    def spider_opened(self, spider) -> None:
        if self.store is None:
            logger.info("state: off (NEWSCRAWL_STATE), every article counts as new")
        else:
            logger.info("state: %s, %d articles delivered by earlier runs", self.store.describe(), self.store.count())

    def item_scraped(self, item: Any) -> None:
        article_id = ItemAdapter(item).get("article_id")
        self._delivered.append(self._staged.pop(article_id, None))

    def feed_slot_closed(self, slot) -> None:
        self._outcomes[slot.uri_template][slot.batch_id] = BatchOutcome(
            uri=slot.uri, batch_id=slot.batch_id, items=slot.itemcount,
            batch_size=int(slot.feed_options.get("batch_item_count") or 0),
            stored=getattr(slot.storage, "stored", None),
            local=isinstance(slot.storage, feedexport.FileFeedStorage),
        )

    def feed_exporter_closed(self) -> None:
        """Every batch of every feed is stored or failed: commit what is durable, report, close."""
        any_failure = feeds_failed(self.stats.get_stats()) > 0
        outcomes = [o for batches in self._outcomes.values() for o in batches.values()]
        stored_local = [o for o in outcomes if o.local and o.ok(any_failure)]
        failed = [o for o in outcomes if not o.ok(any_failure)]
        if stored_local:
            self.stats.set_value("newscrawl/feeds/local", [local_path(o.uri) for o in stored_local])
        if failed:
            self.stats.set_value("newscrawl/feeds/failed", [o.uri for o in failed])
            self._report_failures(failed, stored_local)
        self._commit(any_failure)
        self._close_store()

    def spider_closed(self, spider, reason: str) -> None:
        # Runs before feed_exporter_closed: that one waits for the uploads the feed exporter starts here.
        self._reason = reason
        if not self._feed_exporter_enabled():  # no feed_exporter_closed will come: nothing was delivered
            if self._delivered:
                logger.error("state: feed exports are disabled (see the errors above), %d articles went to no "
                             "feed and are not committed", len(self._delivered))
                self.stats.set_value("newscrawl/state/not_committed", len(self._delivered))
            self._close_store()

    # -- internals ----------------------------------------------------------------------------------
    def _feed_exporter_enabled(self) -> bool:
        return any(isinstance(ext, feedexport.FeedExporter) for ext in self.crawler.extensions.middlewares)

    def _feeds(self) -> list[str]:
        return [str(uri.absolute()) if isinstance(uri, Path) else str(uri)
                for uri in self.crawler.settings.getdict("FEEDS")]

    def _report_failures(self, failed: list[BatchOutcome], stored_local: list[BatchOutcome]) -> None:
        items = sum(o.items for o in failed)
        names = ", ".join(o.uri for o in failed[:5]) + (f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        if stored_local:
            copies = ", ".join(f"{local_path(o.uri)} ({o.items} items)" for o in stored_local)
            logger.error("feed upload failed: %d file(s) with %d items not stored (%s); the local copy is complete: %s",
                         len(failed), items, names, copies)
        else:
            logger.error("feed upload failed: %d file(s) with %d items not stored (%s); no local copy was stored",
                         len(failed), items, names)

    def _commit(self, any_failure: bool) -> None:
        if self.store is None:
            return
        durable = durable_positions(len(self._delivered), self._feeds(), self._outcomes, any_failure)
        delivered = [r for r, ok in zip(self._delivered, durable, strict=True) if r is not None and ok]
        waiting = sum(1 for r, ok in zip(self._delivered, durable, strict=True) if r is not None and not ok)
        reason = self._reason or self.stats.get_value("finish_reason")
        clean = is_clean_run(reason, any_failure)
        confirmed_again = self._unconfirmed if clean else []
        if clean:
            delivered = [replace(r, confirmed=True) for r in delivered]
            confirmed_again = [replace(r, confirmed=True) for r in confirmed_again]
        try:
            self.store.commit(delivered + confirmed_again)
        except Exception:  # commit([]) never fails: something was lost, and the run fails for it
            logger.exception("state: commit failed; the %d articles of this run will be emitted again next run",
                             len(delivered))
            self.stats.set_value("newscrawl/state/commit_failed", len(delivered) + len(confirmed_again))
            waiting += len(delivered)
            delivered, confirmed_again = [], []
        self.stats.set_value("newscrawl/state/committed", len(delivered))
        self.stats.set_value("newscrawl/state/clean_run", clean)
        if confirmed_again:
            self.stats.set_value("newscrawl/state/confirmed_again", len(confirmed_again))
        if waiting:
            self.stats.set_value("newscrawl/state/not_committed", waiting)
            logger.warning("state: %d articles not committed: the next run emits them again", waiting)
        logger.info("state: committed %d articles to %s; %s", len(delivered), self.store.describe(),
                    "a clean run, so they may stop later runs' paging" if clean else
                    "not a clean run, so they do not stop later runs' paging until a clean run meets them")

    def _close_store(self) -> None:
        if self.store is not None and not self._closed:
            self._closed = True
            try:
                self.store.close()
            except Exception:
                logger.exception("state: closing the store failed")

