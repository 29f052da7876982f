"""Scrapy's feed exporter, counting what each feed file really holds: the base of every state commit.

Enabled instead of Scrapy's (``EXTENSIONS``). Differences:

- each item is written to every feed independently: a write that fails on one file never keeps the item
  from the others;
- each file (a batch, or the run's file) records the keys (``article_id``) whose line it really holds. The
  first error writing it (a full disk, ``FEED_TEMPDIR`` full, a directory we may not write) *fails* the
  file: one error line naming it and the cause, ``newscrawl/feeds/write_errors``; nothing more is written
  to it, and at close it is not stored but set aside (``storage.discard``: a local file becomes
  ``<name>.failed``, an S3 batch is not uploaded) and counted in ``feedexport/failed_count/<storage>``, so
  the run exits 1. A failed batch still takes its share of items up to ``batch_item_count``, then the next
  batch starts afresh; a failed unbatched file takes no more lines this run;
- the local file is opened when the spider opens, so an unwritable feed directory is one line at start;
- after every file is stored or failed, and *before* ``feed_exporter_closed`` is sent, it computes the
  run's :class:`Delivery` (``delivery_of(crawler)``), sets ``newscrawl/feeds/{local,failed}`` and logs one
  line naming the failed files and the complete local copy, if any.

The rule a reader must not break: a key is durable only if, in every feed that accepted its item, every
line written for it is in a file that was stored (local: fsynced). Overrides Scrapy 2.19's
``item_scraped``, ``open_spider``, ``close_spider``, ``_close_slot`` and ``_start_new_batch``.
"""

from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.extensions import feedexport
from scrapy.extensions.postprocessing import PostProcessingManager
from scrapy.utils.asyncio import is_asyncio_available
from scrapy.utils.defer import ensure_awaitable
from twisted.internet.defer import DeferredList
from w3lib.url import file_uri_to_path

from newscrawl.failures import describe
from newscrawl.feeds.plan import is_local_uri
from newscrawl.items import Article, Deletion

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    durable: frozenset[str]  # keys whose line is in a stored (local: fsynced) file of EVERY configured feed
    local_files: list[str]  # absolute paths of local feed files stored complete
    failed: list[str]  # URIs of files not stored complete (write error or store error)
    write_errors: int
    local_items: dict[str, int] = field(default_factory=dict)  # items in each stored local file


def delivery_of(crawler) -> Delivery | None:
    """The run's :class:`Delivery` once ``feed_exporter_closed`` was sent; None: no feed exporter, or not yet."""
    extensions = getattr(getattr(crawler, "extensions", None), "middlewares", ())
    exporter = next((ext for ext in extensions if isinstance(ext, FeedExporter)), None)
    return exporter.delivery if exporter is not None else None


@dataclass
class FeedFile:
    """What one slot (one file of one feed) did."""

    feed: str  # the feed's URI template
    local: bool
    items: int = 0  # items that reached it, written or not (the batch boundary counts these)
    written: set[str] = field(default_factory=set)  # keys whose line it holds
    error: str | None = None  # the first write error: the file fails
    stored: bool | None = None  # None: not closed (yet), or nothing to store
    started: bool = False  # its file is open and exporting: later lines need no start


@dataclass
class FeedAccount:
    """One feed's account over the run."""

    stored: set[str] = field(default_factory=set)  # keys with a line in a stored file
    missing: set[str] = field(default_factory=set)  # keys with a line that is in no stored file
    accepted: set[str] = field(default_factory=set)  # keys whose item the feed's filter took


def durable_keys(keys: set[str], accounts: dict[str, FeedAccount]) -> frozenset[str]:
    """Keys that every feed which accepted them holds in stored files only."""
    durable = set(keys)
    for account in accounts.values():
        durable -= account.missing
        durable -= account.accepted - account.stored
    return frozenset(durable)


def item_key(item: Any) -> str | None:
    """The item's ``article_id`` as a string, None without one; no adapter built for newscrawl's own items."""
    if isinstance(item, (Article, Deletion)):
        key = item.article_id
    else:
        key = ItemAdapter(item).get("article_id")
    return None if key is None else str(key)


def local_path(uri: str) -> str:
    return str(Path(file_uri_to_path(uri) if uri.startswith("file:") else uri).resolve())


def is_local(storage: Any) -> bool:
    return isinstance(storage, feedexport.FileFeedStorage)


def cause_of(exc: BaseException, uri: str | None = None) -> str:
    """A readable cause (``newscrawl.failures``), else the exception's own message."""
    return describe(exc, uri) or str(exc) or type(exc).__name__


class FeedExporter(feedexport.FeedExporter):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.delivery: Delivery | None = None
        self._files: dict[feedexport.FeedSlot, FeedFile] = {}
        self._accounts: dict[str, FeedAccount] = {uri: FeedAccount() for uri in self.feeds}
        self._keys: set[str] = set()
        self._write_errors = 0

    # -- opening --------------------------------------------------------------------------------------
    def open_spider(self, spider) -> None:
        super().open_spider(spider)
        self._warn_incremental()
        for slot in self.slots:
            if is_local(slot.storage) and slot.store_empty:
                self._start(slot, self._files[slot])

    def _warn_incremental(self) -> None:
        """A file named on the command line (-o/-O) gets only what the state has not seen delivered."""
        from newscrawl.state.store import DISABLED

        settings = self.crawler.settings
        if str(settings.get("NEWSCRAWL_STATE") or "").strip().lower() in DISABLED:
            return
        named = [uri for uri, options in self.feeds.items()
                 if is_local_uri(uri) and not options.get("exclusive")]
        if named:
            logger.warning("feed: %s gets only new or changed articles: those delivered by earlier runs (state %s) "
                           "are not written again; NEWSCRAWL_STATE=off (or a fresh NEWSCRAWL_STATE path) writes every "
                           "article", ", ".join(named), settings.get("NEWSCRAWL_STATE"))

    def _start_new_batch(self, batch_id, uri, feed_options, spider, uri_template) -> feedexport.FeedSlot:
        slot = super()._start_new_batch(batch_id, uri, feed_options, spider, uri_template)
        self._files[slot] = FeedFile(feed=uri_template, local=is_local(slot.storage))
        return slot

    def _start(self, slot: feedexport.FeedSlot, record: FeedFile) -> bool:
        """Open the slot's file if needed; False (and the file failed) when it cannot be opened."""
        if record.started:  # once per file, not per line: the path check below resolves paths on disk
            return True
        try:
            slot.start_exporting()
        except Exception as exc:
            self._fail(slot, record, exc, opening=True)
            return False
        path = getattr(slot.storage, "path", None)
        if record.local and path and local_path(slot.uri) != local_path(path):  # an exclusive file's serial name
            slot.uri = path
        record.started = True
        return True

    # -- writing --------------------------------------------------------------------------------------
    def item_scraped(self, item: Any, spider) -> None:
        key = item_key(item)
        if key is not None:
            self._keys.add(key)
        slots = []
        for slot in self.slots:
            account = self._accounts[slot.uri_template]
            if not slot.filter.accepts(item):
                slots.append(slot)
                continue
            record = self._files[slot]
            record.items += 1
            if key is not None:
                account.accepted.add(key)
            if self._write(slot, record, item):
                slot.itemcount += 1
                if key is not None:
                    record.written.add(key)
            elif key is not None:
                account.missing.add(key)
            batch_size = self.feeds[slot.uri_template]["batch_item_count"]
            if batch_size and record.items >= batch_size:
                uri_params = self._get_uri_params(spider, self.feeds[slot.uri_template]["uri_params"], slot)
                self._schedule_slot_close(slot, spider)
                slots.append(self._start_new_batch(
                    batch_id=slot.batch_id + 1,
                    uri=feedexport.apply_uri_params(slot.uri_template, uri_params),
                    feed_options=self.feeds[slot.uri_template],
                    spider=spider,
                    uri_template=slot.uri_template,
                ))
            else:
                slots.append(slot)
        self.slots = slots

    def _write(self, slot: feedexport.FeedSlot, record: FeedFile, item: Any) -> bool:
        if record.error is not None or not self._start(slot, record):
            return False
        try:
            slot.exporter.export_item(item)
        except Exception as exc:  # any error may have left part of a line: the whole file is in doubt
            self._fail(slot, record, exc)
            return False
        return True

    def _fail(self, slot: feedexport.FeedSlot, record: FeedFile, exc: Exception, *, opening: bool = False) -> None:
        record.error = cause_of(exc, slot.uri)
        self._write_errors += 1
        self.crawler.stats.inc_value("newscrawl/feeds/write_errors")
        unexpected = not isinstance(exc, OSError)  # a bug, not the disk: keep the traceback
        if opening and record.local:
            logger.error("feed: cannot write the local feed %s in %s: %s; nothing this run emits is committed, "
                         "the run fails", slot.uri, Path(local_path(slot.uri)).parent, record.error,
                         exc_info=unexpected)
        else:
            logger.error("feed: writing %s failed after %d items: %s; the file will not be stored as complete "
                         "and its items are emitted again next run", slot.uri, slot.itemcount, record.error,
                         exc_info=unexpected)

    # -- closing --------------------------------------------------------------------------------------
    async def _close_slot(self, slot: feedexport.FeedSlot, spider) -> None:
        record = self._files[slot]
        if record.error is None and not slot.itemcount and not (slot.store_empty and slot.batch_id == 1):
            if slot.file is not None:  # opened early, nothing to store (store_empty off)
                slot.file.close()
            return
        storage_name = type(slot.storage).__name__
        message = f"{slot.format} feed ({slot.itemcount} items) in: {slot.uri}"
        if record.error is None:
            try:
                if self._start(slot, record):
                    slot.finish_exporting()
                    await ensure_awaitable(slot.storage.store(self._get_file(slot)))
            except Exception as exc:
                record.error = cause_of(exc, slot.uri)
                known = describe(exc, slot.uri) is not None
                # A known failure is named once, below ("not stored (<cause>)"); its traceback is for DEBUG.
                logger.log(logging.DEBUG if known else logging.ERROR, "Error storing %s", message, exc_info=True,
                           extra={"spider": spider})
        account = self._accounts[slot.uri_template]
        if record.error is None:
            record.stored = True
            account.stored.update(record.written)
            logger.info("Stored %s", message, extra={"spider": spider})
            self.crawler.stats.inc_value(f"feedexport/success_count/{storage_name}")
        else:
            record.stored = False
            account.missing.update(record.written)
            causes = self.crawler.stats.get_value("newscrawl/feeds/failed_causes") or []
            self.crawler.stats.set_value("newscrawl/feeds/failed_causes", [*causes, record.error])
            self._set_aside(slot, record)
            self.crawler.stats.inc_value(f"feedexport/failed_count/{storage_name}")
        await self.crawler.signals.send_catch_log_async(signals.feed_slot_closed, slot=slot)

    def _set_aside(self, slot: feedexport.FeedSlot, record: FeedFile) -> None:
        file = slot.file.file if isinstance(slot.file, PostProcessingManager) else slot.file
        discard = getattr(slot.storage, "discard", None)
        try:
            if discard is None:
                if file is not None:
                    file.close()
                where = None
            else:
                where = discard(file)
        except Exception as exc:
            logger.error("feed: %s failed (%s) and could not be set aside: %s", slot.uri, record.error,
                         cause_of(exc))
            return
        logger.error("feed: %s not stored (%s): %d of its %d items were written; %s", slot.uri, record.error,
                     slot.itemcount, record.items,
                     f"the partial file is {where}" if where else "nothing of it is kept")

    async def close_spider(self, spider) -> None:
        for slot in self.slots:
            self._schedule_slot_close(slot, spider)
        if self._pending_close_tasks:
            if is_asyncio_available():
                await asyncio.wait(list(self._pending_close_tasks))
            else:
                await DeferredList(list(self._pending_close_tasks))
        self.delivery = self._deliver()
        await self.crawler.signals.send_catch_log_async(signals.feed_exporter_closed)

    def durable_now(self, keys: set[str]) -> set[str]:
        """Which of ``keys`` every feed durably holds now, mid-run (a backfill's checkpoint): open local files
        are flushed and fsynced here, so their complete lines count like a stored file's; a remote feed holds
        only the keys of the objects it already stored. A post-processed (gzip) file counts once closed."""
        if not self._accounts:
            return set()
        # Only ``keys`` are looked up (a checkpoint's few), never the run's whole sets copied: a backfill
        # checkpoints every few items, and copying what every file holds each time would grow with the run.
        synced: dict[str, list[set[str]]] = {uri: [] for uri in self._accounts}
        open_slots = set(self.slots)
        for slot, record in self._files.items():
            if not record.local or record.error is not None or slot not in open_slots or slot.file is None:
                continue
            if hasattr(slot.file, "file"):  # post-processed: its partial stream is no readable lines yet
                continue
            try:
                if (stream := getattr(slot.exporter, "stream", None)) is not None:  # CSV writes through text
                    stream.flush()
                slot.file.flush()
                os.fsync(slot.file.fileno())
            except OSError as exc:
                logger.warning("checkpoint: cannot sync %s (%s)", slot.uri, exc)
                continue
            synced[record.feed].append(record.written)
        # Mid-run, an item may not have reached this exporter yet (another item_scraped handler runs first):
        # only a key that every feed already holds counts, never one a feed has not seen.
        durable = set(keys)
        for uri, account in self._accounts.items():
            files = synced[uri]
            durable = {key for key in durable if key not in account.missing
                       and (key in account.stored or any(key in written for written in files))}
        return durable

    def _deliver(self) -> Delivery:
        closed = [(slot, record) for slot, record in self._files.items() if record.stored is not None]
        stored_local = [(slot, record) for slot, record in closed if record.local and record.stored]
        failed = [(slot, record) for slot, record in closed if not record.stored]
        delivery = Delivery(
            durable=durable_keys(self._keys, self._accounts),
            local_files=[local_path(slot.uri) for slot, _ in stored_local],
            local_items={local_path(slot.uri): record.items for slot, record in stored_local},
            failed=[slot.uri for slot, _ in failed],
            write_errors=self._write_errors,
        )
        stats = self.crawler.stats
        stats.set_value("newscrawl/feeds/durable", len(delivery.durable))
        if delivery.local_files:
            stats.set_value("newscrawl/feeds/local", delivery.local_files)
        if failed:
            stats.set_value("newscrawl/feeds/failed", delivery.failed)
            self._report_failures(failed, stored_local)
        return delivery

    @staticmethod
    def _report_failures(failed: list[tuple], stored_local: list[tuple]) -> None:
        items = sum(record.items for _, record in failed)
        names = ", ".join(slot.uri for slot, _ in failed[:5]) + (
            f" and {len(failed) - 5} more" if len(failed) > 5 else "")
        what = "write" if any(record.local for _, record in failed) else "upload"
        if stored_local:
            copies = ", ".join(f"{local_path(slot.uri)} ({record.items} items)" for slot, record in stored_local)
            logger.error("feed %s failed: %d file(s) with %d items not stored (%s); the local copy is complete: %s",
                         what, len(failed), items, names, copies)
        else:
            logger.error("feed %s failed: %d file(s) with %d items not stored (%s); no complete local copy was "
                         "stored", what, len(failed), items, names)


def remove_empty_local_files(crawler) -> list[str]:
    """After a failed run: remove the local feed files it stored with no item in them, so that no empty file
    looks like a run's result. Counted in ``newscrawl/feeds/removed_empty``; ``newscrawl/feeds/local``
    keeps the others. A successful run's files are never touched (an empty file says "nothing new")."""
    delivery = delivery_of(crawler)
    if delivery is None:
        return []
    removed = []
    for path, items in delivery.local_items.items():
        file = Path(path)
        if items or not file.is_file():
            continue
        try:
            file.unlink()
        except OSError as exc:
            logger.warning("feed: the empty feed file %s could not be removed: %s", path, cause_of(exc))
            continue
        removed.append(path)
    if removed:
        stats = crawler.stats
        stats.set_value("newscrawl/feeds/removed_empty", len(removed))
        kept = [path for path in stats.get_value("newscrawl/feeds/local") or [] if path not in removed]
        if kept:
            stats.set_value("newscrawl/feeds/local", kept)
        else:
            stats.set_value("newscrawl/feeds/local", [])
        logger.info("feed: the run failed with nothing written; removed the empty file(s) %s", ", ".join(removed))
    return removed
