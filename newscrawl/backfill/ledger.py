"""What each backfill has done, kept beside the state (same SQLite file, same Redis) and read on resume.

Each run also records its local feed file while it writes it (``backfill_files``): a run stopped before
its end (SIGKILL, a power cut) leaves the file, and the next run reads its complete lines back as delivered
(only when that file was the run's only feed: a remote copy that was never stored does not hold them).

A backfill is named by :func:`backfill_key`: a hash of its arguments (window, id range, sections) and the
site's base URL, so different arguments start a different backfill. Its record holds the arguments, when
it started and finished, and the ids *settled*: delivered in a stored feed (the at-least-once rule of
``newscrawl.state``: an id counts only once its line is durably in every feed), or with nothing to
deliver (404, outside the window, unchanged since an earlier run). A resumed run asks only the others.

SQLite: tables ``backfills`` and ``backfill_done``; Redis: the hash ``newscrawl:backfill:<namespace>``
(key -> JSON record) and one set ``newscrawl:backfill:<namespace>:<key>`` of settled ids.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

REDIS_PREFIX = "newscrawl:backfill:"
DISABLED = frozenset({"off", "none", "false", "0", "no", "disabled"})
DEFAULT_PATH = ".state/newscrawl.sqlite3"


def backfill_key(arguments: dict, base_url: str) -> str:
    """16 hex digits naming a backfill: its arguments (None values left out) and the site it reads."""
    canonical = json.dumps(
        {"base_url": base_url, **{k: v for k, v in arguments.items() if v is not None}},
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


@dataclass
class BackfillRecord:
    key: str
    arguments: dict
    started_at: str
    finished_at: str | None = None
    done: set[str] = field(default_factory=set)


class SQLiteLedger:
    SCHEMA = (
        """CREATE TABLE IF NOT EXISTS backfills (
            spider TEXT NOT NULL, key TEXT NOT NULL, arguments TEXT NOT NULL, started_at TEXT NOT NULL,
            finished_at TEXT, PRIMARY KEY (spider, key)) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS backfill_files (
            spider TEXT NOT NULL, key TEXT NOT NULL, path TEXT NOT NULL, only_feed INTEGER NOT NULL,
            PRIMARY KEY (spider, key, path)) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS backfill_done (
            spider TEXT NOT NULL, key TEXT NOT NULL, article_id TEXT NOT NULL,
            PRIMARY KEY (spider, key, article_id)) WITHOUT ROWID""",
    )

    def __init__(self, path: str | Path, spider: str):
        self.path = Path(path)
        self.spider = spider
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        for statement in self.SCHEMA:
            self._db.execute(statement)

    def begin(self, key: str, arguments: dict, now: str) -> BackfillRecord:
        self._db.execute(
            "INSERT OR IGNORE INTO backfills VALUES (?, ?, ?, ?, NULL)",
            (self.spider, key, json.dumps(arguments, ensure_ascii=False, default=str), now),
        )
        started, finished = self._db.execute(
            "SELECT started_at, finished_at FROM backfills WHERE spider = ? AND key = ?", (self.spider, key)
        ).fetchone()
        done = {
            row[0]
            for row in self._db.execute(
                "SELECT article_id FROM backfill_done WHERE spider = ? AND key = ?", (self.spider, key)
            )
        }
        return BackfillRecord(key, arguments, started, finished, done)

    def settle(self, key: str, ids: Iterable[str]) -> int:
        rows = [(self.spider, key, i) for i in ids]
        if rows:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany("INSERT OR IGNORE INTO backfill_done VALUES (?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return len(rows)

    def add_file(self, key: str, path: str, only_feed: bool) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO backfill_files VALUES (?, ?, ?, ?)", (self.spider, key, path, int(only_feed))
        )

    def files(self, key: str) -> list[tuple[str, bool]]:
        rows = self._db.execute(
            "SELECT path, only_feed FROM backfill_files WHERE spider = ? AND key = ?", (self.spider, key)
        )
        return [(path, bool(only)) for path, only in rows]

    def drop_file(self, key: str, path: str) -> None:
        self._db.execute(
            "DELETE FROM backfill_files WHERE spider = ? AND key = ? AND path = ?", (self.spider, key, path)
        )

    def finish(self, key: str, now: str) -> None:
        self._db.execute("UPDATE backfills SET finished_at = ? WHERE spider = ? AND key = ?", (now, self.spider, key))

    def close(self) -> None:
        self._db.close()

    def describe(self) -> str:
        return f"SQLite {self.path.resolve()}"


class RedisLedger:
    CHUNK = 1000

    def __init__(self, url: str, spider: str, *, client=None):
        import redis

        self.url = url
        self.hash_key = f"{REDIS_PREFIX}{spider}"
        self._redis = client or redis.Redis.from_url(url, socket_timeout=30, socket_connect_timeout=10)

    def _set(self, key: str) -> str:
        return f"{self.hash_key}:{key}"

    def begin(self, key: str, arguments: dict, now: str) -> BackfillRecord:
        record = {"arguments": arguments, "started_at": now, "finished_at": None}
        self._redis.hsetnx(self.hash_key, key, json.dumps(record, ensure_ascii=False, default=str))
        stored = json.loads(self._redis.hget(self.hash_key, key))
        done = {raw.decode() if isinstance(raw, bytes) else raw for raw in self._redis.sscan_iter(self._set(key))}
        return BackfillRecord(key, arguments, stored["started_at"], stored.get("finished_at"), done)

    def settle(self, key: str, ids: Iterable[str]) -> int:
        ids = list(ids)
        with self._redis.pipeline(transaction=True) as pipe:
            for start in range(0, len(ids), self.CHUNK):
                pipe.sadd(self._set(key), *ids[start : start + self.CHUNK])
            pipe.execute()
        return len(ids)

    def add_file(self, key: str, path: str, only_feed: bool) -> None:
        self._redis.hset(f"{self._set(key)}:files", path, int(only_feed))

    def files(self, key: str) -> list[tuple[str, bool]]:
        found = self._redis.hgetall(f"{self._set(key)}:files")
        return [(p.decode() if isinstance(p, bytes) else p, bool(int(v))) for p, v in found.items()]

    def drop_file(self, key: str, path: str) -> None:
        self._redis.hdel(f"{self._set(key)}:files", path)

    def finish(self, key: str, now: str) -> None:
        stored = json.loads(self._redis.hget(self.hash_key, key))
        stored["finished_at"] = now
        self._redis.hset(self.hash_key, key, json.dumps(stored, ensure_ascii=False, default=str))

    def close(self) -> None:
        self._redis.close()

    def describe(self) -> str:
        from newscrawl.state.store import redacted_url

        return f"Redis {redacted_url(self.url)} key {self.hash_key}"


def open_ledger(settings, namespace: str) -> SQLiteLedger | RedisLedger | None:
    """The ledger beside the run's state; None when the crawl keeps no state (NEWSCRAWL_STATE=off)."""
    path = str(settings.get("NEWSCRAWL_STATE") or "")
    if path.strip().lower() in DISABLED:
        return None
    if redis_url := settings.get("REDIS_URL"):
        return RedisLedger(redis_url, namespace)
    return SQLiteLedger(path or DEFAULT_PATH, namespace)
