"""One backfill run: what the spider asks before each article request, the checkpoints, the resume.

Made by the spider for a crawl with ``-a since``/``-a until`` or ``-a ids`` (:meth:`Backfill.from_crawler`).

- Before a request the spider asks :meth:`Backfill.decide`: an id a previous run of the same backfill
  settled is not asked again; an id a card, feed or sitemap dates outside the window is refused; an
  undated id (read-also, sidebar) is refused when the id-to-date relation places it outside, else it
  *waits* (:meth:`defer`) until the spider is idle, when what the run learned meanwhile decides it.
- **Checkpoints** (the resume after SIGKILL or a power cut): every ``NEWSCRAWL_CHECKPOINT_ITEMS`` ids
  settled or ``NEWSCRAWL_CHECKPOINT_INTERVAL`` seconds, the local feed files are flushed and fsynced and
  the ids whose line is now durable in *every* feed (a remote feed counts only once its object is stored)
  are committed to the ledger with the ids that had nothing to deliver. A killed run thus loses only the
  pages in flight and the items since the last checkpoint; the last checkpoint is the end of the run,
  from the feed exporter's :class:`~newscrawl.feeds.exporter.Delivery`.
- A backfill whose every request was settled in a run that finished cleanly is marked finished; run
  again, it says so in one line and requests nothing.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from newscrawl.backfill.ids import IdRange
from newscrawl.backfill.ledger import backfill_key, open_ledger
from newscrawl.backfill.politeness import CrawlDelay
from newscrawl.backfill.window import AFTER, BEFORE, INSIDE, IdDates, Window
from newscrawl.state import state_extension

logger = logging.getLogger(__name__)

FETCH, SKIP_DONE, OUT, WAIT = "fetch", "done", "out", "wait"
CHECKPOINT_ITEMS = 10
CHECKPOINT_SECONDS = 5.0
#: Sources whose date is the publication date (a sitemap's lastmod may be a later modification).
PUBLICATION_DATED = frozenset({"listings", "feeds"})


@dataclass
class Snapshot:
    """Progress of the run: pages and articles done of the total (None: not known yet)."""

    pages_done: int
    pages_total: int | None
    articles_done: int
    articles_total: int | None
    exact: bool


class Backfill:
    def __init__(
        self,
        crawler,
        window: Window,
        ids: IdRange | None,
        sections: tuple[str, ...],
        base_url: str,
        namespace: str,
        *,
        checkpoint_items: int = CHECKPOINT_ITEMS,
        checkpoint_seconds: float = CHECKPOINT_SECONDS,
    ):
        self.crawler = crawler
        self.window = window
        self.ids = ids
        self.relation = IdDates(window)
        self.arguments = {
            "since": window.since.isoformat() if window.since else None,
            "until": window.until.isoformat() if window.until else None,
            "ids": str(ids) if ids else None,
            "sections": ",".join(sections) or None,
        }
        self.key = backfill_key(self.arguments, base_url)
        self.namespace = namespace
        self.checkpoint_items = max(1, checkpoint_items)
        self.checkpoint_seconds = checkpoint_seconds
        self.ledger = None
        self.done: set[str] = set()  # settled by earlier runs or committed by this one
        self.done_before = 0
        self.finished_before: str | None = None
        self._awaiting: set[str] = set()  # emitted, not yet known durable
        self._settled: set[str] = set()  # nothing to deliver, not yet committed
        self._requested: set[str] = set()
        self._answered: set[str] = set()
        self._deferred: dict[str, dict] = {}
        self._since_checkpoint = 0
        self._timer: task.LoopingCall | None = None
        self._files_registered = False
        # progress
        self.started = time.monotonic()
        self.pages = 0
        self.articles = 0
        self.listing_pages = 0
        self.cards: list[datetime] = []
        self.cards_inside: set[str] = set()
        self.listing_exhausted = False

    @classmethod
    def from_crawler(cls, crawler, args, base_url: str, namespace: str) -> Backfill | None:
        window = Window(getattr(args, "since", None), getattr(args, "until", None))
        ids = getattr(args, "ids", None)
        if not window and ids is None:
            return None
        settings = crawler.settings
        backfill = cls(
            crawler,
            window,
            ids,
            tuple(getattr(args, "sections", ()) or ()),
            base_url,
            namespace,
            checkpoint_items=settings.getint("NEWSCRAWL_CHECKPOINT_ITEMS", CHECKPOINT_ITEMS),
            checkpoint_seconds=settings.getfloat("NEWSCRAWL_CHECKPOINT_INTERVAL", CHECKPOINT_SECONDS),
        )
        crawler.signals.connect(backfill.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(backfill.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(backfill.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(backfill.response_received, signal=signals.response_received)
        crawler.signals.connect(backfill.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(backfill.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(backfill.spider_closed, signal=signals.spider_closed)
        backfill.politeness = CrawlDelay(crawler)  # held here: signals keep only weak references
        crawler.signals.connect(backfill.politeness.robots_parsed, signal=signals.robots_parsed)
        return backfill

    @property
    def stats(self):
        return self.crawler.stats  # set once the crawl starts, after the spider is made

    @property
    def describe(self) -> str:
        parts = [f"{name}={value}" for name, value in self.arguments.items() if value]
        return f"backfill {self.key} ({', '.join(parts)})"

    # -- start and resume -----------------------------------------------------------------------------
    def spider_opened(self, spider) -> None:
        self.ledger = open_ledger(self.crawler.settings, self.namespace)
        if self.ledger is None:
            logger.warning(
                "%s: the crawl keeps no state (NEWSCRAWL_STATE=off), so it cannot resume after a stop", self.describe
            )
            return
        record = self.ledger.begin(self.key, self.arguments, _now())
        self.done = set(record.done)
        self._read_back()
        self.done_before = len(self.done)
        self.finished_before = record.finished_at
        self.stats.set_value("newscrawl/backfill/settled_before", self.done_before)
        if self.finished_before:
            self.stats.set_value("newscrawl/backfill/finished_before", 1)
            logger.info(
                "%s finished on %s: nothing to do (other arguments start another backfill)",
                self.describe,
                self.finished_before,
            )
            return
        if self.done_before:
            logger.info(
                "%s resumed (started %s): %d ids settled by earlier runs are not asked again",
                self.describe,
                record.started_at,
                self.done_before,
            )
        else:
            logger.info("%s started; its progress is kept in %s", self.describe, self.ledger.describe())
        self._timer = task.LoopingCall(self.checkpoint)
        self._timer.start(self.checkpoint_seconds, now=False)

    def _read_back(self) -> None:
        """The local feed files of runs that stopped before their end: their complete lines are delivered."""
        for path, only_feed in self.ledger.files(self.key):
            if only_feed:
                ids = complete_ids(path) - self.done
                if ids:
                    self.ledger.settle(self.key, ids)
                    self.done |= ids
                    self.stats.inc_value("newscrawl/backfill/read_back", len(ids))
                    logger.info(
                        "%s: %d articles read back from %s, the feed of a run that stopped before its end",
                        self.describe,
                        len(ids),
                        path,
                    )
            self.ledger.drop_file(self.key, path)

    def _register_files(self) -> None:
        """Note this run's local feed files in the ledger, for a resume after a kill (:meth:`_read_back`)."""
        self._files_registered = True
        exporter = feed_exporter(self.crawler)
        if exporter is None or self.ledger is None:
            return
        from newscrawl.feeds.exporter import local_path

        only_feed = all(record.local for record in exporter._files.values())
        for slot, record in exporter._files.items():
            if record.local and slot in exporter.slots:
                self.ledger.add_file(self.key, local_path(slot.uri), only_feed)

    # -- what the spider asks --------------------------------------------------------------------------
    def decide(self, article_id: str, hint: datetime | None, source: str) -> str:
        """FETCH, SKIP_DONE (settled by an earlier run), OUT (certainly outside the window) or WAIT."""
        if article_id in self.done:
            self.stats.inc_value("newscrawl/backfill/skipped_done")
            return SKIP_DONE
        if self.ids is not None and article_id not in self.ids:
            return OUT
        if not self.window or self.ids is not None:
            return FETCH
        if hint is not None:
            where = self.window.where(hint)
            if where == BEFORE or (where == AFTER and source in PUBLICATION_DATED):
                self.stats.inc_value("newscrawl/filtered/out_of_window_links")
                return OUT
            if where == INSIDE:
                return FETCH
            # A sitemap's date may be a modification after the window: the id decides, as for a link.
        where = self.relation.where(article_id)
        if where in (BEFORE, AFTER):
            self.stats.inc_value("newscrawl/filtered/out_of_window_links")
            return OUT
        return FETCH if where == INSIDE else WAIT

    def defer(self, article_id: str, context: dict) -> None:
        """An undated link the run cannot place yet: decided when the spider is idle."""
        self._deferred.setdefault(article_id, context)

    def requested(self, article_id: str) -> None:
        self._requested.add(article_id)

    def learn(self, article_id: str, moment: datetime | None) -> None:
        self.relation.learn(article_id, moment)

    def card(self, article_id: str, moment: datetime | None) -> None:
        """A dated card of the listing being paged (the window's estimate of its total)."""
        if moment is None:
            return
        self.relation.learn(article_id, moment)
        self.cards.append(moment)
        if self.window.contains(moment):
            self.cards_inside.add(article_id)

    def settled(self, article_id: str) -> None:
        """An id with nothing to deliver (404, outside the window, unchanged): committed at the next checkpoint."""
        if article_id not in self.done:
            self._settled.add(article_id)
            self._tick()

    # -- signals --------------------------------------------------------------------------------------
    def response_received(self, response, request, spider) -> None:
        article_id = request.meta.get("article_id")
        if article_id:
            self.pages += 1
            self._answered.add(article_id)
        elif request.meta.get("kind") == "listings":
            self.listing_pages += 1

    def item_scraped(self, item, response, spider) -> None:
        article_id = getattr(item, "article_id", None)
        self.articles += 1
        if not self._files_registered:
            self._register_files()
        if article_id:
            self._awaiting.add(str(article_id))
            self._tick()

    def item_dropped(self, item, response, exception, spider) -> None:
        article_id = getattr(item, "article_id", None)
        if article_id:  # unchanged, held back, invalid or outside the window: fetching it again changes nothing
            self.settled(str(article_id))

    def spider_idle(self, spider) -> None:
        """Decide the deferred links with what the run learned; fetch those that may lie in the window."""
        if not self._deferred:
            return
        deferred, self._deferred = self._deferred, {}
        follow = getattr(spider, "follow_deferred", None)
        scheduled = 0
        for article_id, context in deferred.items():
            where = self.relation.where(article_id)
            if where in (BEFORE, AFTER):
                self.stats.inc_value("newscrawl/filtered/out_of_window_links")
                continue
            if follow is not None and (request := follow(article_id, context)) is not None:
                self.crawler.engine.crawl(request)
                scheduled += 1
        if scheduled:
            raise DontCloseSpider

    # -- checkpoints ----------------------------------------------------------------------------------
    def _tick(self) -> None:
        self._since_checkpoint += 1
        if self._since_checkpoint >= self.checkpoint_items:
            self.checkpoint()

    def checkpoint(self) -> None:
        """fsync the local feed files, then commit what every feed durably holds and what was settled."""
        self._since_checkpoint = 0
        if self.ledger is None:
            return
        durable = feed_durable_now(self.crawler, self._awaiting) if self._awaiting else set()
        self._commit(durable)

    def _commit(self, durable: set[str], *, early: bool = True) -> None:
        ids = (self._awaiting & durable) | self._settled
        if not ids:
            return
        try:
            self.ledger.settle(self.key, ids)
        except Exception as exc:  # the next checkpoint tries again; a resume re-fetches a little more
            logger.warning("%s: checkpoint failed (%s)", self.describe, exc)
            return
        delivered = self._awaiting & ids
        if early and delivered and (extension := state_extension(self.crawler)) is not None:
            try:  # the articles' own state records too, so that a killed run leaves them known
                extension.commit_early(delivered)
            except Exception as exc:
                logger.warning("%s: committing the checkpoint's articles to the state failed (%s)", self.describe, exc)
        self.done |= ids
        self._awaiting -= ids
        self._settled -= ids
        self.stats.inc_value("newscrawl/backfill/checkpoints")

    def spider_closed(self, spider, reason: str) -> None:
        if self._timer is not None and self._timer.running:
            self._timer.stop()

    def feed_exporter_closed(self) -> None:
        """The end of the run: commit what the stored feeds hold; mark the backfill finished if it is."""
        if self.ledger is None:
            return
        from newscrawl.feeds.exporter import delivery_of
        from newscrawl.outcome import feeds_failed, incomplete_reasons

        try:
            delivery = delivery_of(self.crawler)
            self._commit(set(delivery.durable) if delivery is not None else set(), early=False)
            for path, _ in self.ledger.files(self.key):  # this run's files: the Delivery above has decided them
                self.ledger.drop_file(self.key, path)
            stats = self.stats.get_stats()
            unsettled = (self._requested - self.done) | self._awaiting | set(self._deferred)
            if self.ids is not None:
                unsettled |= (
                    {i for i in self.ids.newest_first() if i not in self.done} if not self.finished_before else set()
                )
            clean = (
                stats.get("finish_reason") == "finished"
                and not incomplete_reasons(stats)
                and not feeds_failed(stats)
                and delivery is not None
                and not delivery.failed
            )
            self.stats.set_value("newscrawl/backfill/settled", len(self.done))
            if self.finished_before:
                return
            if clean and not unsettled and not self.open_ended():
                self.ledger.finish(self.key, _now())
                self.stats.set_value("newscrawl/backfill/finished", 1)
                logger.info("%s is complete: %d ids settled", self.describe, len(self.done))
            elif clean and not unsettled:
                logger.info(
                    "%s is up to date (%d ids settled); its window is open (no until, or until is still "
                    "ahead), so a later run looks for new articles",
                    self.describe,
                    len(self.done),
                )
            else:
                left = f"{len(unsettled)} ids still to settle" if unsettled else "the run was not clean"
                logger.info("%s not complete (%s): run it again with the same arguments to go on", self.describe, left)
        finally:
            self.ledger.close()
            self.ledger = None

    def open_ended(self) -> bool:
        """A window that new articles may still enter: never finished (an id range always can be)."""
        if self.ids is not None:
            return False
        from newscrawl.state.revisit import crawl_now

        return self.window.until is None or self.window.until >= crawl_now(self.crawler.settings)

    # -- progress -------------------------------------------------------------------------------------
    def snapshot(self) -> Snapshot:
        if self.ids is not None:
            total = len(self.ids) - self.done_before
            articles_total = round(total * self.articles / self.pages) if self.pages else None
            return Snapshot(self.pages, total, self.articles, articles_total, exact=True)
        inside = len(self.cards_inside)
        estimate = inside
        listing_left = 0
        if not self.listing_exhausted and self.window.since is not None and len(self.cards) > 1:
            newest, oldest = max(self.cards), min(self.cards)
            span = (newest - oldest).total_seconds()
            if span > 0 and oldest > self.window.since:
                density = (len(self.cards) - 1) / span  # cards per second of publication time
                top = min(oldest, self.window.until) if self.window.until else oldest
                estimate += round(density * max(0.0, (top - self.window.since).total_seconds()))
                per_page = len(self.cards) / max(1, self.listing_pages)
                listing_left = round(density * (oldest - self.window.since).total_seconds() / per_page)
        elif not self.listing_exhausted and self.window.since is None:
            return Snapshot(self.pages + self.listing_pages, None, self.articles, None, exact=False)
        pages_total = self.listing_pages + listing_left + max(estimate - self.done_before, 0)
        return Snapshot(
            self.pages + self.listing_pages,
            max(pages_total, self.pages + self.listing_pages),
            self.articles,
            max(estimate - self.done_before, self.articles),
            exact=False,
        )


def feed_durable_now(crawler, keys: set[str]) -> set[str]:
    """Which of ``keys`` every feed durably holds right now (newscrawl's FeedExporter.durable_now)."""
    exporter = feed_exporter(crawler)
    return exporter.durable_now(keys) if exporter is not None else set()


def feed_exporter(crawler):
    """newscrawl's FeedExporter of this crawl, or None."""
    from newscrawl.feeds.exporter import FeedExporter

    extensions = getattr(getattr(crawler, "extensions", None), "middlewares", ())
    return next((ext for ext in extensions if isinstance(ext, FeedExporter)), None)


def complete_ids(path: str) -> set[str]:
    """The ``article_id`` of every complete JSON line of a feed file (a line cut short by a kill is not)."""
    import json

    ids = set()
    try:
        with open(path, "rb") as file:
            for line in file:
                if not line.endswith(b"\n"):
                    break
                try:
                    value = json.loads(line)
                except ValueError:
                    continue
                if isinstance(value, dict) and value.get("article_id"):
                    ids.add(str(value["article_id"]))
    except OSError as exc:
        logger.warning("cannot read back the feed file %s (%s): its articles will be fetched again", path, exc)
    return ids


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
