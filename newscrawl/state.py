"""Incremental state: the articles earlier runs delivered, so that a run emits only what is new or changed.

What the state holds
    One record per article id and spider: a hash of the article's content (``CONTENT_FIELDS``), its
    ``modified_at`` and when it was first and last delivered. It lives in SQLite by default
    (``NEWSCRAWL_STATE``, a file path, default ``.state/newscrawl.sqlite3``) and in Redis when ``REDIS_URL``
    is set (one hash per spider, ``newscrawl:state:<spider>``, not scoped to a run id: the state outlives
    runs). ``NEWSCRAWL_STATE=off`` (or ``none``) keeps no state: every article is new.

What a run does with it (``newscrawl.pipelines.state``)
    An article not in the state is emitted (``newscrawl/state/new``). An article in the state is emitted
    again, with ``is_update`` true, when its content hash differs or its ``modified_at`` is newer
    (``newscrawl/state/updated``); otherwise it is dropped (``newscrawl/state/skipped``).

Stopping early (``NEWSCRAWL_STOP_ON_SEEN``)
    The spider asks :meth:`is_seen` for each article id of a listing page and stops paging that listing
    once every one of them is seen. *Seen* means more than "in the state": the record must be
    *confirmed*, i.e. delivered (or met again) by a *clean* run -- one that finished on its own with every
    feed stored. A clean run pages every listing down to a page of confirmed articles (or to the limit its
    ``since``/``max_pages`` arguments set), so everything above the limit and below such a page was
    delivered; a run cut short (SIGTERM, a deadline, a failed upload) may have skipped deeper pages, so its
    articles are not emitted again but do not stop the next run's paging until a clean run confirms them.
    Without this, the run after an interruption would stop on the first page and never reach what the
    interrupted run left behind. Widening the scope later (an earlier ``since``, more ``max_pages``, more
    ``sections``) needs one run with ``NEWSCRAWL_STOP_ON_SEEN=false`` to reach the older pages.

When the state is written (``newscrawl.extensions.state``): at-least-once delivery
    Nothing is written during the run. Each emitted article waits as a pending record until the feed
    exporter has closed every feed (Scrapy's ``feed_exporter_closed`` signal, sent after every batch of
    every feed was stored or failed, on a normal finish and on a graceful SIGTERM alike). A pending record
    is committed only if, in *every* configured feed, the batch that holds the article was stored
    (``feed_slot_closed`` reports each batch; the project's storages record whether their ``store``
    succeeded). A failed upload therefore leaves its articles out of the state and the next run emits them
    again: a feed may hold an article twice after a failure, it never misses one. The commit is one
    transaction (SQLite) or one ``MULTI``/``EXEC`` (Redis); if it fails, the run fails
    (``newscrawl/state/commit_failed``) and, again, the next run re-emits. A run killed outright (SIGKILL,
    a second Ctrl-C) commits nothing.

    What Scrapy 2.19 does, read in ``scrapy/extensions/feedexport.py`` and checked by the tests:
    ``feed_slot_closed(slot)`` is sent once per stored-or-failed file, after the ``feedexport/{success,
    failed}_count/<storage>`` stat, for every batch (a batch is closed, and uploaded, as soon as it holds
    ``batch_item_count`` items, while the crawl goes on) and for every feed; an empty batch after the first
    is never stored and sends nothing. ``feed_exporter_closed`` is sent once, from the feed exporter's
    ``spider_closed`` handler, after every pending store finished, and before the stats are dumped. The
    signal does not say whether the store succeeded, and the stats cannot tell two concurrent stores
    apart, hence the storages that record it. Items reach every feed in ``item_scraped`` order, so the
    n-th item is in batch ``n // batch_item_count + 1`` of a batched feed.

Only :func:`state_of` and the store classes are used elsewhere; the rules are pure functions
(:func:`content_hash`, :func:`classify`) so they can be tested without a crawl.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

#: The fields whose change makes an article an update. Not the dates (``modified_at`` is compared on its
#: own; ``published_at`` may come from a relative date and drift between runs), not ``crawled_at``.
CONTENT_FIELDS = ("title", "section", "author", "body", "images", "tags", "keywords", "related")

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
DISABLED = frozenset({"off", "none", "false", "0", "no", "disabled"})
REDIS_KEY_PREFIX = "newscrawl:state:"


@dataclass(frozen=True, slots=True)
class StateRecord:
    article_id: str
    content_hash: str
    modified_at: str | None
    first_emitted_at: str
    last_emitted_at: str
    #: Delivered or met again by a clean run: may stop a listing's paging (see the module docstring).
    confirmed: bool = False

    def to_json(self) -> str:
        return json.dumps({"hash": self.content_hash, "modified_at": self.modified_at, "first": self.first_emitted_at,
                           "last": self.last_emitted_at, "confirmed": self.confirmed}, separators=(",", ":"))

    @classmethod
    def from_json(cls, article_id: str, raw: str | bytes) -> StateRecord:
        data = json.loads(raw)
        return cls(article_id, data["hash"], data.get("modified_at"), data.get("first", ""), data.get("last", ""),
                   bool(data.get("confirmed")))


# -- the rules ------------------------------------------------------------------------------------------
def content_hash(item: Mapping) -> str:
    """SHA-256 of the article's ``CONTENT_FIELDS``, stable across runs and key order."""
    content = {name: item.get(name) for name in CONTENT_FIELDS}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_newer(modified_at: str | None, previous: str | None) -> bool:
    """Whether ``modified_at`` is later than ``previous`` (ISO 8601 strings; a date that appears is newer)."""
    if not modified_at:
        return False
    if not previous:
        return True
    try:
        return _instant(modified_at) > _instant(previous)
    except (ValueError, TypeError):  # unreadable or naive-vs-aware: a different string is a change
        return modified_at != previous


def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def classify(previous: StateRecord | None, digest: str, modified_at: str | None) -> str:
    """``NEW``, ``UPDATED`` (content hash differs or modified date is newer) or ``UNCHANGED``."""
    if previous is None:
        return NEW
    if digest != previous.content_hash or is_newer(modified_at, previous.modified_at):
        return UPDATED
    return UNCHANGED


def is_clean_run(finish_reason: str | None, feeds_failed: bool) -> bool:
    """A run whose delivered articles may stop later runs' paging: it finished on its own (not on a
    signal or a CLOSESPIDER limit) and every feed was stored."""
    return finish_reason == "finished" and not feeds_failed


# -- stores ---------------------------------------------------------------------------------------------
class StateStore(Protocol):
    def get(self, article_id: str) -> StateRecord | None: ...
    def is_seen(self, article_id: str) -> bool: ...
    def commit(self, records: Iterable[StateRecord]) -> int: ...
    def count(self) -> int: ...
    def close(self) -> None: ...
    def describe(self) -> str: ...


class SQLiteState:
    """One table, keyed by (spider, article id); WAL mode; a commit is one transaction of upserts."""

    SCHEMA = """
        CREATE TABLE IF NOT EXISTS articles (
            spider TEXT NOT NULL,
            article_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            modified_at TEXT,
            first_emitted_at TEXT NOT NULL,
            last_emitted_at TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (spider, article_id)
        ) WITHOUT ROWID
    """
    UPSERT = """
        INSERT INTO articles (spider, article_id, content_hash, modified_at, first_emitted_at, last_emitted_at,
                              confirmed)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (spider, article_id) DO UPDATE SET
            content_hash = excluded.content_hash,
            modified_at = excluded.modified_at,
            last_emitted_at = excluded.last_emitted_at,
            confirmed = max(confirmed, excluded.confirmed)
    """

    def __init__(self, path: str | Path, spider: str, *, timeout: float = 30.0):
        self.path = Path(path)
        self.spider = spider
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(self.SCHEMA)

    def get(self, article_id: str) -> StateRecord | None:
        row = self._db.execute(
            "SELECT content_hash, modified_at, first_emitted_at, last_emitted_at, confirmed FROM articles"
            " WHERE spider = ? AND article_id = ?", (self.spider, article_id)).fetchone()
        return StateRecord(article_id, *row[:4], confirmed=bool(row[4])) if row else None

    def is_seen(self, article_id: str) -> bool:
        """Delivered by a clean run (``confirmed``): an indexed lookup."""
        return self._db.execute("SELECT 1 FROM articles WHERE spider = ? AND article_id = ? AND confirmed = 1",
                                (self.spider, article_id)).fetchone() is not None

    def commit(self, records: Iterable[StateRecord]) -> int:
        rows = [(self.spider, r.article_id, r.content_hash, r.modified_at, r.first_emitted_at, r.last_emitted_at,
                 int(r.confirmed)) for r in records]
        if not rows:
            return 0
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(self.UPSERT, rows)
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")
        return len(rows)

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles WHERE spider = ?", (self.spider,)).fetchone()[0]

    def close(self) -> None:
        self._db.close()

    def describe(self) -> str:
        return f"SQLite {self.path.resolve()}"


class RedisState:
    """One Redis hash per spider: field = article id, value = the record as JSON."""

    CHUNK = 1000

    def __init__(self, url: str, spider: str, *, client=None):
        import redis

        self.url = url
        self.key = f"{REDIS_KEY_PREFIX}{spider}"
        self._redis = client or redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self._redis.ping()  # fail at start, not at commit, when Redis is unreachable
        self._seen: set[str] = set()

    def get(self, article_id: str) -> StateRecord | None:
        raw = self._redis.hget(self.key, article_id)
        return StateRecord.from_json(article_id, raw) if raw is not None else None

    def is_seen(self, article_id: str) -> bool:
        """Delivered by a clean run (``confirmed``); positive answers are cached for the run."""
        if article_id in self._seen:
            return True
        record = self.get(article_id)
        if record is not None and record.confirmed:
            self._seen.add(article_id)
            return True
        return False

    def commit(self, records: Iterable[StateRecord]) -> int:
        mapping = {r.article_id: r.to_json() for r in records}
        if not mapping:
            return 0
        items = list(mapping.items())
        with self._redis.pipeline(transaction=True) as pipe:
            for start in range(0, len(items), self.CHUNK):
                pipe.hset(self.key, mapping=dict(items[start:start + self.CHUNK]))
            pipe.execute()
        return len(mapping)

    def count(self) -> int:
        return int(self._redis.hlen(self.key))

    def close(self) -> None:
        self._redis.close()

    def describe(self) -> str:
        return f"Redis {redacted_url(self.url)} key {self.key}"


def redacted_url(url: str) -> str:
    """``url`` without its password, for logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}:***@" if parts.username else ":***@"
    return urlunsplit((parts.scheme, user + host, parts.path, parts.query, parts.fragment))


def state_disabled(path: str) -> bool:
    return path.strip().lower() in DISABLED


def open_store(settings, spider: str) -> StateStore | None:
    """The store the settings ask for: None when ``NEWSCRAWL_STATE`` is off, Redis with ``REDIS_URL``."""
    path = str(settings.get("NEWSCRAWL_STATE") or "")
    if state_disabled(path):
        return None
    if redis_url := settings.get("REDIS_URL"):
        return RedisState(redis_url, spider)
    return SQLiteState(path or ".state/newscrawl.sqlite3", spider)


def state_of(crawler) -> StateStore | None:
    """The run's state store, or None when the crawl keeps no state."""
    from newscrawl.extensions.state import StateExtension

    manager = getattr(crawler, "_extensions", None)  # None before the crawler built its extensions
    for extension in manager.middlewares if manager is not None else ():
        if isinstance(extension, StateExtension):
            return extension.store
    return None
