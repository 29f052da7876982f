"""The backfill ledger, on SQLite and on a real redis-server: the same answers from both."""

from __future__ import annotations

import pytest

from newscrawl.backfill.ledger import RedisLedger, SQLiteLedger, backfill_key, open_ledger
from tests.servers import redis_server  # noqa: F401 (fixture)

ARGS = {"since": "2023-10-20T00:00:00+03:00", "until": None, "ids": None, "sections": "72"}


def test_key_names_arguments_and_site():
    key = backfill_key(ARGS, "https://www.albawabhnews.com")
    assert len(key) == 16
    assert key == backfill_key(dict(reversed(list(ARGS.items()))), "https://www.albawabhnews.com")
    assert key != backfill_key({**ARGS, "sections": "1"}, "https://www.albawabhnews.com")
    assert key != backfill_key(ARGS, "http://127.0.0.1:8000")
    assert key == backfill_key({**ARGS, "extra": None}, "https://www.albawabhnews.com")  # None: not given


def exercise(ledger_factory):
    ledger = ledger_factory()
    record = ledger.begin("k1", ARGS, "2026-12-05T00:00:00+00:00")
    assert (record.done, record.finished_at, record.started_at) == (set(), None, "2026-12-05T00:00:00+00:00")
    ledger.settle("k1", ["4900001", "4900002"])
    ledger.settle("k1", ["4900002", "4900003"])
    ledger.settle("k2", ["4900009"])
    ledger.add_file("k1", "/feeds/a.jsonl", True)
    ledger.add_file("k1", "/feeds/b.jsonl", False)
    ledger.close()

    ledger = ledger_factory()
    record = ledger.begin("k1", ARGS, "2026-12-06T00:00:00+00:00")
    assert record.started_at == "2026-12-05T00:00:00+00:00"  # the first run's
    assert record.done == {"4900001", "4900002", "4900003"}
    assert sorted(ledger.files("k1")) == [("/feeds/a.jsonl", True), ("/feeds/b.jsonl", False)]
    ledger.drop_file("k1", "/feeds/a.jsonl")
    assert ledger.files("k1") == [("/feeds/b.jsonl", False)]
    ledger.finish("k1", "2026-12-06T01:00:00+00:00")
    assert ledger.begin("k1", ARGS, "x").finished_at == "2026-12-06T01:00:00+00:00"
    assert ledger.begin("k2", ARGS, "x").done == {"4900009"}
    ledger.close()


def test_sqlite_ledger(tmp_path):
    exercise(lambda: SQLiteLedger(tmp_path / "state.sqlite3", "albawabh"))


def test_sqlite_ledger_beside_the_state(tmp_path):
    """Same file as the articles' state, its own tables; spiders (namespaces) apart."""
    from newscrawl.state.store import SQLiteState

    path = tmp_path / "state.sqlite3"
    SQLiteState(path, "albawabh").close()
    SQLiteLedger(path, "albawabh").settle("k", ["1000001"])
    assert SQLiteLedger(path, "albawabh@http://127.0.0.1:1").begin("k", {}, "x").done == set()
    assert SQLiteLedger(path, "albawabh").begin("k", {}, "x").done == {"1000001"}


def test_redis_ledger(redis_server):  # noqa: F811
    redis_server.client().flushall()
    exercise(lambda: RedisLedger(redis_server.url, "albawabh"))


@pytest.mark.parametrize(("state", "redis", "kind"), [("off", "", None), ("x.sqlite3", "", SQLiteLedger)])
def test_open_ledger_follows_the_state(tmp_path, state, redis, kind):
    settings = {"NEWSCRAWL_STATE": str(tmp_path / state) if state != "off" else "off", "REDIS_URL": redis}
    ledger = open_ledger(settings, "albawabh")
    assert (ledger is None) if kind is None else isinstance(ledger, kind)
