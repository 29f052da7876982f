"""The state stores: SQLite (a file, the default) and Redis (``REDIS_URL``), same records, same rules.

SQLite: one table keyed by (spider, article id), WAL mode, a commit is one transaction of upserts. A file
written by an earlier release (no ``version``/``status``/``details`` columns) is migrated in place when
opened. Redis: one hash per spider (``newscrawl:state:<namespace>``), field = article id, value = the
record as JSON; records of earlier releases read as version 1. A record that cannot be read is counted
and treated as absent (the article is fetched and delivered again), never a crash.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from newscrawl.sites.urls import SITE_HOSTS, Site
from newscrawl.state.records import PENDING, StateRecord

logger = logging.getLogger(__name__)

DISABLED = frozenset({"off", "none", "false", "0", "no", "disabled"})
REDIS_KEY_PREFIX = "newscrawl:state:"
PENDING_KEY_PREFIX = "newscrawl:pending:"
DEFAULT_PATH = ".state/newscrawl.sqlite3"


class StateUnreadable(RuntimeError):
    """The state exists but is not a newscrawl state (a corrupt or foreign file); the message says which."""


class StateStore(Protocol):
    unreadable: int

    def get(self, article_id: str) -> StateRecord | None: ...
    def is_seen(self, article_id: str) -> bool: ...
    def commit(self, records: Iterable[StateRecord]) -> int: ...
    def pending(self, limit: int) -> list[str]: ...
    def count(self) -> int: ...
    def close(self) -> None: ...
    def describe(self) -> str: ...


def namespace_for(spider: str, base_url: str | None) -> str:
    """The state's key for a crawl: the spider's name, plus the base URL when crawling a copy of the site
    (a copy keeps a state of its own, so testing against one never marks the real site's articles)."""
    if base_url:
        site = Site.from_base_url(base_url)
        if site.host not in SITE_HOSTS:
            return f"{spider}@{site.base_url}"
    return spider


class SQLiteState:
    COLUMNS = ("content_hash", "modified_at", "first_emitted_at", "last_emitted_at", "confirmed", "version", "status",
               "retry_at", "details")
    SCHEMA = """
        CREATE TABLE IF NOT EXISTS articles (
            spider TEXT NOT NULL,
            article_id TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            modified_at TEXT,
            first_emitted_at TEXT NOT NULL,
            last_emitted_at TEXT NOT NULL,
            confirmed INTEGER NOT NULL DEFAULT 0,
            version INTEGER NOT NULL DEFAULT 1,
            status TEXT NOT NULL DEFAULT 'delivered',
            retry_at TEXT,
            details TEXT,
            PRIMARY KEY (spider, article_id)
        ) WITHOUT ROWID
    """
    #: Columns added since the first release, with their definitions (``ALTER TABLE ... ADD COLUMN``).
    ADDED_COLUMNS = {"version": "INTEGER NOT NULL DEFAULT 1", "status": "TEXT NOT NULL DEFAULT 'delivered'",
                     "retry_at": "TEXT", "details": "TEXT"}
    UPSERT = """
        INSERT INTO articles (spider, article_id, content_hash, modified_at, first_emitted_at, last_emitted_at,
                              confirmed, version, status, retry_at, details)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (spider, article_id) DO UPDATE SET
            content_hash = excluded.content_hash,
            modified_at = excluded.modified_at,
            last_emitted_at = excluded.last_emitted_at,
            confirmed = max(confirmed, excluded.confirmed),
            version = excluded.version,
            status = excluded.status,
            retry_at = excluded.retry_at,
            details = excluded.details
    """

    def __init__(self, path: str | Path, spider: str, *, timeout: float = 30.0):
        self.path = Path(path)
        self.spider = spider
        self.unreadable = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._db = sqlite3.connect(self.path, timeout=timeout, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(self.SCHEMA)
            self._migrate()
            self._db.execute("CREATE INDEX IF NOT EXISTS articles_status ON articles (spider, status)")
        except sqlite3.DatabaseError as exc:
            raise StateUnreadable(f"the state file {self.path.resolve()} cannot be used ({exc}): move it away to "
                                  "start afresh (every article is then delivered again), or point NEWSCRAWL_STATE "
                                  "at another file") from None

    def _migrate(self) -> None:
        present = {row[1] for row in self._db.execute("PRAGMA table_info(articles)")}
        missing = [name for name in self.ADDED_COLUMNS if name not in present]
        for name in missing:
            self._db.execute(f"ALTER TABLE articles ADD COLUMN {name} {self.ADDED_COLUMNS[name]}")
        if missing:
            logger.info("state: migrated %s in place (added %s)", self.path, ", ".join(missing))

    def get(self, article_id: str) -> StateRecord | None:
        row = self._db.execute(f"SELECT {', '.join(self.COLUMNS)} FROM articles WHERE spider = ? AND article_id = ?",
                               (self.spider, article_id)).fetchone()
        if row is None:
            return None
        try:
            return StateRecord.from_row(article_id, *row)
        except (ValueError, TypeError) as exc:
            self.unreadable += 1
            logger.warning("state: the record of article %s cannot be read (%s); it counts as new", article_id, exc)
            return None

    def is_seen(self, article_id: str) -> bool:
        """Delivered by a clean run (``confirmed``): an indexed lookup."""
        return self._db.execute("SELECT 1 FROM articles WHERE spider = ? AND article_id = ? AND confirmed = 1",
                                (self.spider, article_id)).fetchone() is not None

    def commit(self, records: Iterable[StateRecord]) -> int:
        rows = [(self.spider, r.article_id, r.content_hash, r.modified_at, r.first_emitted_at, r.last_emitted_at,
                 int(r.confirmed), r.version, r.status, r.retry_at, r.details_json()) for r in records]
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

    def pending(self, limit: int) -> list[str]:
        """Ids found but not yet requested (a run that reached its request limit), newest id first."""
        rows = self._db.execute("SELECT article_id FROM articles WHERE spider = ? AND status = ? "
                                "ORDER BY length(article_id) DESC, article_id DESC LIMIT ?",
                                (self.spider, PENDING, limit))
        return [row[0] for row in rows]

    def count(self) -> int:
        return self._db.execute("SELECT count(*) FROM articles WHERE spider = ? AND version > 0",
                                (self.spider,)).fetchone()[0]

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
        self.pending_key = f"{PENDING_KEY_PREFIX}{spider}"  # a set beside the hash: no scan of the hash
        self.unreadable = 0
        self._redis = client or redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)
        self._redis.ping()  # fail at start, not at commit, when Redis is unreachable
        self._seen: set[str] = set()

    @property
    def client(self):
        return self._redis

    def get(self, article_id: str) -> StateRecord | None:
        raw = self._redis.hget(self.key, article_id)
        if raw is None:
            return None
        try:
            return StateRecord.from_json(article_id, raw)
        except (ValueError, TypeError, KeyError) as exc:
            self.unreadable += 1
            logger.warning("state: the record of article %s cannot be read (%s); it counts as new", article_id, exc)
            return None

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
        records = list(records)
        mapping = {r.article_id: r.to_json() for r in records}
        if not mapping:
            return 0
        pending = [r.article_id for r in records if r.status == PENDING]
        done = [r.article_id for r in records if r.status != PENDING]
        items = list(mapping.items())
        with self._redis.pipeline(transaction=True) as pipe:
            for start in range(0, len(items), self.CHUNK):
                pipe.hset(self.key, mapping=dict(items[start:start + self.CHUNK]))
            for ids, command in ((pending, pipe.sadd), (done, pipe.srem)):
                for start in range(0, len(ids), self.CHUNK):
                    command(self.pending_key, *ids[start:start + self.CHUNK])
            pipe.execute()
        return len(mapping)

    def pending(self, limit: int) -> list[str]:
        """Ids found but not yet requested, newest id first (at most ``limit``)."""
        ids = [raw.decode() if isinstance(raw, bytes) else raw for raw in self._redis.sscan_iter(self.pending_key)]
        return sorted(ids, key=lambda i: (len(i), i), reverse=True)[:limit]

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
    """The store the settings ask for: None when ``NEWSCRAWL_STATE`` is off, Redis with ``REDIS_URL``.
    Raises :class:`StateUnreadable` for a file that is not a state."""
    path = str(settings.get("NEWSCRAWL_STATE") or "")
    if state_disabled(path):
        return None
    if redis_url := settings.get("REDIS_URL"):
        return RedisState(redis_url, spider)
    return SQLiteState(path or DEFAULT_PATH, spider)
