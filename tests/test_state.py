"""Incremental state: the rules (pure), the stores (SQLite and a real redis-server), the pipeline, and
whole crawls of the offline site run twice on one state."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem
from scrapy.settings import Settings

from newscrawl.items import Article, Deletion
from newscrawl.outcome import incomplete_reasons
from newscrawl.state.lock import _HELD as lock_registry
from newscrawl.state.lock import StateLocked, hold, release, release_all
from newscrawl.state.pipeline import StatePipeline
from newscrawl.state.records import (
    GONE,
    NEW,
    UNCHANGED,
    UPDATED,
    StateRecord,
    changed_fields,
    classify,
    content_hash,
    field_hashes,
    is_newer,
)
from newscrawl.state.store import RedisState, SQLiteState, StateUnreadable, open_store, redacted_url
from tests.conftest import FAST, ROOT, run_crawl
from tests.servers import redis_server  # noqa: F401 (fixture)

ARTICLE = {
    "url": "https://www.albawabhnews.com/4912345", "article_id": "4912345", "title": "الكرملين يرد",
    "section": "العالم", "author": "البوابة نيوز", "published_raw": "الأربعاء 22/نوفمبر/2023 - 01:47 م",
    "modified_raw": None, "published_at": "2023-11-22T13:47:00+02:00", "modified_at": None,
    "body": "فقرة أولى\n\nفقرة ثانية", "images": ["https://www.albawabhnews.com/Upload/libfiles/1/2/3.jpg"],
    "tags": ["الكرملين"], "keywords": ["روسيا"], "related": [{"title": "خبر", "url": "https://www.albawabhnews.com/4912001"}],
    "source": "البوابة نيوز", "language": "ar", "crawled_at": "2023-11-22T12:00:00+00:00", "is_update": False,
}


# -- content hash ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value"), [
    pytest.param("crawled_at", "2024-01-01T00:00:00+00:00", id="fetch-time"),
    pytest.param("is_update", True, id="is-update-flag"),
    pytest.param("published_raw", "منذ ساعتين", id="raw-date-relative"),
    pytest.param("published_at", "2023-11-22T13:48:00+02:00", id="published-at-drift"),
    pytest.param("modified_at", "2023-11-23T10:00:00+02:00", id="modified-at-compared-apart"),
])
def test_hash_ignores_what_is_not_content(field, value):
    assert content_hash({**ARTICLE, field: value}) == content_hash(ARTICLE)


@pytest.mark.parametrize(("field", "value"), [
    pytest.param("title", "الكرملين يرد مجددا", id="title"),
    pytest.param("body", "فقرة أولى\n\nفقرة ثانية معدلة", id="body"),
    pytest.param("section", "مصر", id="section"),
    pytest.param("author", "أحمد سمير", id="author"),
    pytest.param("images", [], id="images"),
    pytest.param("tags", ["الكرملين", "روسيا"], id="tags"),
    pytest.param("keywords", [], id="keywords"),
    pytest.param("related", [], id="related"),
])
def test_hash_changes_with_content(field, value):
    assert content_hash({**ARTICLE, field: value}) != content_hash(ARTICLE)


def test_hash_is_stable_across_key_order_and_item_types():
    reordered = dict(reversed(list(ARTICLE.items())))
    article = Article(**{k: v for k, v in ARTICLE.items()})
    assert content_hash(reordered) == content_hash(ARTICLE) == content_hash(ItemAdapter(article))
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(ARTICLE))


# -- newer / classify -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("modified_at", "previous", "newer"), [
    pytest.param(None, None, False, id="no-dates"),
    pytest.param(None, "2023-11-22T13:47:00+02:00", False, id="date-vanished"),
    pytest.param("2023-11-22T13:47:00+02:00", None, True, id="date-appeared"),
    pytest.param("2023-11-22T13:47:00+02:00", "2023-11-22T13:47:00+02:00", False, id="same"),
    pytest.param("2023-11-22T14:00:00+02:00", "2023-11-22T13:47:00+02:00", True, id="later"),
    pytest.param("2023-11-22T13:00:00+02:00", "2023-11-22T13:47:00+02:00", False, id="earlier"),
    pytest.param("2023-11-22T11:47:00+00:00", "2023-11-22T13:47:00+02:00", False, id="same-instant-other-offset"),
    pytest.param("2023-11-22T12:00:00Z", "2023-11-22T13:47:00+02:00", True, id="z-suffix-later"),
    pytest.param("2023-11-22T13:47:00", "2023-11-22T13:47:00+02:00", True, id="naive-vs-aware-differs"),
    pytest.param("غير مقروء", "2023-11-22T13:47:00+02:00", True, id="unreadable-differs"),
])
def test_is_newer(modified_at, previous, newer):
    assert is_newer(modified_at, previous) is newer


def record(**changes) -> StateRecord:
    base = StateRecord("4912345", content_hash(ARTICLE), "2023-11-22T13:47:00+02:00", "2023-11-22T12:00:00+00:00",
                       "2023-11-22T12:00:00+00:00")
    return replace(base, **changes)


@pytest.mark.parametrize(("previous", "digest", "modified_at", "verdict"), [
    pytest.param(None, "h", None, NEW, id="never-delivered"),
    pytest.param(record(), content_hash(ARTICLE), "2023-11-22T13:47:00+02:00", UNCHANGED, id="same"),
    pytest.param(record(), content_hash(ARTICLE), None, UNCHANGED, id="same-modified-date-gone"),
    pytest.param(record(), "other", "2023-11-22T13:47:00+02:00", UPDATED, id="content-changed"),
    pytest.param(record(), content_hash(ARTICLE), "2023-11-23T09:00:00+02:00", UPDATED, id="modified-later"),
    pytest.param(record(modified_at=None), content_hash(ARTICLE), "2023-11-23T09:00:00+02:00", UPDATED,
                 id="modified-date-appeared"),
])
def test_classify(previous, digest, modified_at, verdict):
    assert classify(previous, digest, modified_at) == verdict


def test_an_article_that_came_back_after_a_deletion_is_an_update():
    assert classify(record(status=GONE), content_hash(ARTICLE), None) == UPDATED
    assert classify(record(version=0, status="missing"), content_hash(ARTICLE), None) == NEW


def test_changed_fields_names_what_differs():
    before = field_hashes(ARTICLE)
    after = field_hashes({**ARTICLE, "body": "فقرة أولى\n\nفقرة ثانية\n\nفقرة ثالثة", "tags": ["الكرملين", "روسيا"]})
    assert changed_fields(before, after) == ["body", "tags"]
    assert changed_fields(before, field_hashes({**ARTICLE, "crawled_at": "2030-01-01T00:00:00+00:00"})) == []
    assert changed_fields({}, after) == ["title", "section", "author", "body", "images", "tags", "keywords",
                                         "related"]  # the earlier version (an older release) kept no hashes


@pytest.mark.parametrize(("stats", "reasons"), [
    pytest.param({"finish_reason": "finished"}, [], id="clean"),
    pytest.param({"newscrawl/unreached/listings": 1}, ["1 listings page(s) not reached"], id="a-listing-503"),
    pytest.param({"newscrawl/unreached/sitemaps": 2}, ["2 sitemaps page(s) not reached"], id="sitemaps-down"),
    pytest.param({"newscrawl/listings/not_found": 6}, [], id="unbuilt-sections-404-are-answers"),
    pytest.param({"newscrawl/pipeline_errors": 1}, ["1 article(s) failed in a pipeline"], id="pipeline-raised"),
    pytest.param({"newscrawl/limits/requests_per_run": 40},
                 ["the run stopped making requests at NEWSCRAWL_MAX_REQUESTS"], id="request-cap"),
])
def test_what_keeps_a_run_from_being_clean(stats, reasons):
    assert incomplete_reasons(stats) == reasons


# -- stores: one contract, SQLite and Redis -------------------------------------------------------------
@pytest.fixture(params=["sqlite", "redis"])
def make_store(request, tmp_path):
    """A factory: ``make_store(spider)`` opens the same backing store again (a new run)."""
    opened = []

    def make(spider="albawabh"):
        if request.param == "sqlite":
            store = SQLiteState(tmp_path / "deep" / "dir" / "state.sqlite3", spider)
        else:
            server = request.getfixturevalue("redis_server")
            store = RedisState(server.url, spider)
        opened.append(store)
        return store

    if request.param == "redis":
        request.getfixturevalue("redis_server").client().flushdb()
    yield make
    for store in opened:
        store.close()


def test_store_round_trip(make_store):
    store = make_store()
    assert store.get("4912345") is None and not store.is_seen("4912345") and store.count() == 0
    assert store.commit([record(), record(article_id="4912346", confirmed=True)]) == 2
    assert store.commit([]) == 0
    again = make_store()  # the next run
    assert again.get("4912345") == record()
    assert again.get("4912346") == record(article_id="4912346", confirmed=True)
    assert again.count() == 2


def test_only_confirmed_records_stop_paging(make_store):
    store = make_store()
    store.commit([record(confirmed=False), record(article_id="4912346", confirmed=True)])
    assert not store.is_seen("4912345")  # delivered by a run cut short: not emitted again, but paging goes on
    assert store.is_seen("4912346")
    store.commit([record(confirmed=True)])
    assert make_store().is_seen("4912345")


def test_an_upsert_replaces_the_record(make_store):
    store = make_store()
    store.commit([record()])
    store.commit([record(content_hash="new", modified_at=None, last_emitted_at="2024-01-01T00:00:00+00:00")])
    assert make_store().get("4912345") == record(content_hash="new", modified_at=None,
                                                 last_emitted_at="2024-01-01T00:00:00+00:00")


def test_spiders_do_not_share_records(make_store):
    make_store("albawabh").commit([record(confirmed=True)])
    other = make_store("other")
    assert other.get("4912345") is None and not other.is_seen("4912345") and other.count() == 0


def test_sqlite_uses_wal_and_one_table(tmp_path):
    store = SQLiteState(tmp_path / "a" / "b" / "state.sqlite3", "albawabh")
    store.commit([record()])
    store.close()
    db = sqlite3.connect(tmp_path / "a" / "b" / "state.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["articles"]


OLD_SCHEMA = """
    CREATE TABLE articles (
        spider TEXT NOT NULL, article_id TEXT NOT NULL, content_hash TEXT NOT NULL, modified_at TEXT,
        first_emitted_at TEXT NOT NULL, last_emitted_at TEXT NOT NULL, confirmed INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (spider, article_id)
    ) WITHOUT ROWID
"""


def test_a_state_file_of_the_first_release_is_migrated_in_place(tmp_path):
    path = tmp_path / "state.sqlite3"
    with sqlite3.connect(path) as db:  # the schema and a row as the first release wrote them
        db.execute(OLD_SCHEMA)
        db.execute("INSERT INTO articles VALUES ('albawabh', '4912345', 'abc', '2023-11-22T13:47:00+02:00', "
                   "'2023-11-22T12:00:00+00:00', '2023-11-22T12:00:00+00:00', 1)")
    store = SQLiteState(path, "albawabh")
    assert store.get("4912345") == StateRecord("4912345", "abc", "2023-11-22T13:47:00+02:00",
                                               "2023-11-22T12:00:00+00:00", "2023-11-22T12:00:00+00:00",
                                               confirmed=True, version=1, status="delivered")
    store.commit([record(version=2, etag='"v2"', field_hashes={"body": "x"})])
    store.close()
    with sqlite3.connect(path) as db:
        columns = [row[1] for row in db.execute("PRAGMA table_info(articles)")]
    assert columns[-4:] == ["version", "status", "retry_at", "details"]
    assert SQLiteState(path, "albawabh").get("4912345") == record(version=2, etag='"v2"', field_hashes={"body": "x"},
                                                                  confirmed=True)  # a confirmation is never undone


def test_every_field_of_a_record_survives_a_round_trip(make_store):
    full = record(version=3, status=GONE, retry_at="2025-05-11T00:00:00+00:00",
                  published_at="2023-11-22T13:47:00+02:00",
                  known_date="2023-11-23T09:00:00+02:00", fetched_at="2023-11-24T08:00:00+00:00", etag='W/"abc"',
                  last_modified="Thu, 23 Nov 2023 07:00:00 GMT", body_length=1113, field_hashes=field_hashes(ARTICLE),
                  http_status=410, failures=2, confirmed=True)
    make_store().commit([full])
    assert make_store().get("4912345") == full


def test_an_unreadable_record_counts_as_absent(tmp_path, redis_server):  # noqa: F811
    sqlite = SQLiteState(tmp_path / "state.sqlite3", "albawabh")
    sqlite.commit([record()])
    sqlite._db.execute("UPDATE articles SET details = '{not json'")
    assert sqlite.get("4912345") is None and sqlite.unreadable == 1
    redis_server.client().flushdb()
    redis = RedisState(redis_server.url, "albawabh")
    redis_server.client().hset("newscrawl:state:albawabh", "4912345", b"\xff garbage")
    assert redis.get("4912345") is None and redis.unreadable == 1


def test_a_file_that_is_not_a_state_is_refused_with_one_sentence(tmp_path):
    path = tmp_path / "state.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StateUnreadable, match="cannot be used .*move it away"):
        SQLiteState(path, "albawabh")


def test_one_run_at_a_time_per_sqlite_state(tmp_path):
    settings = Settings({"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")})
    code = ("import sys; from scrapy.settings import Settings; from newscrawl.state.lock import hold; "
            f"hold(Settings({{'NEWSCRAWL_STATE': {str(tmp_path / 'state.sqlite3')!r}}}), 'albawabh'); "
            "print('held', flush=True); sys.stdin.read()")
    holder = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(StateLocked, match="another run holds the state .*state.sqlite3 \\(pid"):
            hold(settings, "albawabh")
    finally:
        holder.communicate("", timeout=10)
    try:
        assert hold(settings, "albawabh") is hold(settings, "albawabh")  # free again; re-entrant in one process
    finally:
        release_all()


def test_redis_lease_is_shared_by_one_run_and_refused_to_another(redis_server):  # noqa: F811
    redis_server.client().flushdb()
    one = Settings({"NEWSCRAWL_STATE": "x", "REDIS_URL": redis_server.url, "NEWSCRAWL_RUN_ID": "run-1"})
    other = Settings({"NEWSCRAWL_STATE": "x", "REDIS_URL": redis_server.url, "NEWSCRAWL_RUN_ID": "run-2"})
    try:
        first = hold(one, "albawabh")
        lock_registry.clear()  # as if in another process: a second worker of run-1 joins the same lease
        hold(one, "albawabh")
        lock_registry.clear()
        with pytest.raises(StateLocked, match=r"another run \(run-1\)"):
            hold(other, "albawabh")
        assert 0 < redis_server.client().ttl("newscrawl:lock:albawabh") <= 60  # expires unless renewed
        release(first)  # run-1 ends: the lease is gone at once, and run-2 may start
        release(hold(other, "albawabh"))
    finally:
        release_all()


def test_redis_keys_are_per_spider_not_per_run(redis_server):  # noqa: F811
    redis_server.client().flushdb()
    store = RedisState(redis_server.url, "albawabh")
    store.commit([record()])
    assert redis_server.client().keys("*") == [b"newscrawl:state:albawabh"]


@pytest.mark.parametrize(("url", "shown"), [
    ("redis://localhost:6379/0", "redis://localhost:6379/0"),
    ("redis://:s3cret@redis.internal:6380/2", "redis://:***@redis.internal:6380/2"),
    ("rediss://user:s3cret@redis.internal/0", "rediss://user:***@redis.internal/0"),
])
def test_redis_url_is_redacted_for_logs(url, shown):
    assert redacted_url(url) == shown


@pytest.mark.parametrize("value", ["off", "OFF", " none ", "false", "0", "disabled"])
def test_state_can_be_switched_off(value):
    assert open_store(Settings({"NEWSCRAWL_STATE": value}), "albawabh") is None


def test_state_is_sqlite_by_default_and_redis_with_redis_url(tmp_path, redis_server):  # noqa: F811
    sqlite = open_store(Settings({"NEWSCRAWL_STATE": str(tmp_path / "s" / "state.sqlite3")}), "albawabh")
    redis = open_store(Settings({"NEWSCRAWL_STATE": str(tmp_path / "unused"), "REDIS_URL": redis_server.url}),
                       "albawabh")
    try:
        assert isinstance(sqlite, SQLiteState) and (tmp_path / "s" / "state.sqlite3").exists()
        assert isinstance(redis, RedisState) and not (tmp_path / "unused").exists()
    finally:
        sqlite.close()
        redis.close()


# -- the pipeline ---------------------------------------------------------------------------------------
class Stats:
    def __init__(self):
        self.values = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


class Extension:
    """Stands in for StateExtension: the store, and the records the pipeline hands over."""

    def __init__(self, store):
        self.store = store
        self.staged, self.checked = [], []

    def stage(self, record):
        self.staged.append(record)

    def check(self, record):
        self.checked.append(record)


@pytest.fixture
def pipeline(tmp_path):
    store = SQLiteState(tmp_path / "state.sqlite3", "albawabh")
    yield StatePipeline(Extension(store), Stats())
    store.close()


def delivered(pipeline, item, confirmed=True):
    """Commit ``item`` as an earlier (clean) run would have."""
    pipeline.store.commit([StateRecord(item["article_id"], content_hash(item), item["modified_at"],
                                       item["crawled_at"], item["crawled_at"], confirmed,
                                       field_hashes=field_hashes(item))])


def test_a_new_article_passes_and_waits_for_its_feed(pipeline):
    item = Article(**ARTICLE, fetch_info={"fetched_at": "2023-11-22T12:00:05+00:00", "etag": '"e1"',
                                          "hint_date": "2023-11-22T11:40:00+00:00"})
    assert pipeline.process_item(item) is item and item.is_update is False
    assert item.version == 1 and item.changed_fields == []
    [staged] = pipeline.extension.staged
    assert (staged.article_id, staged.content_hash, staged.version, staged.etag, staged.body_length) == \
        ("4912345", content_hash(ARTICLE), 1, '"e1"', len(ARTICLE["body"]))
    assert staged.first_emitted_at == staged.last_emitted_at == staged.fetched_at == "2023-11-22T12:00:05+00:00"
    assert staged.known_date == "2023-11-22T13:47:00+02:00"  # the published date: later than the card's hint
    assert pipeline.store.get("4912345") is None  # nothing written before the feeds are stored
    assert pipeline.stats.values == {"newscrawl/state/new": 1}


def test_an_unchanged_article_is_dropped_quietly_and_its_fetch_recorded(pipeline):
    delivered(pipeline, ARTICLE)
    with pytest.raises(DropItem) as dropped:
        pipeline.process_item(Article(**{**ARTICLE, "crawled_at": "2023-11-23T08:00:00+00:00"},
                                      fetch_info={"fetched_at": "2023-11-23T08:00:00+00:00"}))
    assert dropped.value.log_level == "DEBUG"
    assert pipeline.stats.values == {"newscrawl/state/skipped": 1}
    assert pipeline.extension.staged == []
    [checked] = pipeline.extension.checked  # the revisit is spent even though nothing is delivered
    assert checked.fetched_at == "2023-11-23T08:00:00+00:00" and checked.version == 1


def test_an_update_whose_body_shrank_sharply_is_held_back(pipeline):
    long_body = "فقرة " * 400
    delivered(pipeline, {**ARTICLE, "body": long_body})
    pipeline.store.commit([replace(pipeline.store.get("4912345"), body_length=len(long_body))])
    with pytest.raises(DropItem, match="held back"):
        pipeline.process_item(Article(**{**ARTICLE, "body": long_body[:300]}))
    assert pipeline.stats.values == {"newscrawl/held_back/shrunk": 1}
    assert pipeline.extension.staged == [] and pipeline.extension.checked == []  # the reason to fetch persists


def test_a_deletion_record_marks_a_delivered_article_gone(pipeline):
    delivered(pipeline, ARTICLE)
    item = Deletion(url=ARTICLE["url"], article_id="4912345", http_status=410, detected_at="2023-12-01T10:00:00+00:00")
    assert pipeline.process_item(item) is item and item.version == 1
    [staged] = pipeline.extension.staged
    assert (staged.status, staged.http_status, staged.failures, staged.retry_at) == \
        (GONE, 410, 1, "2023-12-01T11:00:00+00:00")
    assert pipeline.stats.values == {"newscrawl/state/deleted": 1}
    pipeline.store.commit([staged])
    with pytest.raises(DropItem):  # emitted once: gone already
        pipeline.process_item(item)


@pytest.mark.parametrize("change", [
    pytest.param({"body": "فقرة أولى\n\nفقرة ثانية بعد التصحيح"}, id="body-changed"),
    pytest.param({"modified_at": "2023-11-23T10:00:00+02:00"}, id="modified-later"),
])
def test_a_changed_article_is_emitted_as_an_update(pipeline, change):
    delivered(pipeline, ARTICLE)
    item = Article(**{**ARTICLE, **change, "crawled_at": "2023-11-24T08:00:00+00:00"})
    assert pipeline.process_item(item) is item and item.is_update is True
    assert item.version == 2
    assert item.changed_fields == (["body"] if "body" in change else [])
    [staged] = pipeline.extension.staged
    assert staged.first_emitted_at == ARTICLE["crawled_at"]  # kept from the first delivery
    assert staged.last_emitted_at == "2023-11-24T08:00:00+00:00"
    assert staged.confirmed  # an update does not undo an earlier clean run's confirmation
    assert pipeline.stats.values == {"newscrawl/state/updated": 1}


# -- whole crawls on one state --------------------------------------------------------------------------

def stat(log: str, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else 0


def listing_hits(site, before: dict) -> int:
    after = site.hits()
    return sum(count - before.get(path, 0) for path, count in after.items()
               if path == "/" or path.startswith(("/category/", "/tag/")))


@pytest.mark.crawl
def test_second_run_skips_what_the_first_delivered_and_stops_paging(site, expected, tmp_path):
    env = {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")}
    before = site.hits()
    first = run_crawl(tmp_path / "1", "-a", f"base_url={site.base_url}", env=env)
    first_listings = listing_hits(site, before)
    assert first.returncode == 0, first.log
    assert sorted(first.by_id) == sorted(a["article_id"] for a in expected["articles"])
    assert not any(item["is_update"] for item in first.items)

    before = site.hits()
    second = run_crawl(tmp_path / "2", "-a", f"base_url={site.base_url}", env=env)
    assert second.returncode == 0, second.log
    assert second.items == []
    assert stat(second.log, "newscrawl/revisit/skipped") > 0
    assert stat(second.log, "newscrawl/listing/stopped/seen") > 0
    assert listing_hits(site, before) < first_listings

    before = site.hits()
    third = run_crawl(tmp_path / "3", "-a", f"base_url={site.base_url}",
                      env={**env, "NEWSCRAWL_STOP_ON_SEEN": "false"})
    assert third.returncode == 0 and third.items == []
    assert stat(third.log, "newscrawl/listing/stopped/seen") == 0
    assert listing_hits(site, before) == first_listings


@pytest.mark.crawl
def test_state_off_emits_everything_every_time(site, expected, tmp_path):
    env = {"NEWSCRAWL_STATE": "off"}
    runs = [run_crawl(tmp_path / str(n), "-a", f"base_url={site.base_url}", env=env) for n in (1, 2)]
    for run in runs:
        assert run.returncode == 0, run.log
        assert len(run.items) == expected["article_count"]
        assert "state: off" in run.log
    assert not list(tmp_path.rglob("*.sqlite3"))


@pytest.mark.crawl
def test_redis_state_persists_across_runs(site, expected, tmp_path, redis_server):  # noqa: F811
    client = redis_server.client()
    client.flushdb()
    # REDIS_URL also makes each run a worker of a shared frontier; a scheduled run has its own run id.
    env = {"REDIS_URL": redis_server.url, "NEWSCRAWL_STATE": str(tmp_path / "unused.sqlite3")}
    first = run_crawl(tmp_path / "1", "-a", f"base_url={site.base_url}", env={**env, "NEWSCRAWL_RUN_ID": "run-1"})
    assert first.returncode == 0, first.log
    assert len(first.items) == expected["article_count"]
    # A copy of the site keeps a state of its own, under its base URL.
    records = client.hgetall(f"newscrawl:state:albawabh@{site.base_url}").values()
    delivered = [r for r in map(json.loads, records) if r.get("version", 1) > 0]  # not the 404 waiting out its backoff
    assert len(delivered) == expected["article_count"]
    second = run_crawl(tmp_path / "2", "-a", f"base_url={site.base_url}", env={**env, "NEWSCRAWL_RUN_ID": "run-2"})
    assert second.returncode == 0, second.log
    assert second.items == []
    assert not (tmp_path / "unused.sqlite3").exists()


class FlakyFeedStorage:
    """A feed storage for ``flaky:///path`` URIs: writes the file, but its ``store`` of any batch file whose
    name holds ``-00002`` fails, like an upload that fails once in a run. Used by the crawl below."""

    stored = False

    def __init__(self, uri: str, *, feed_options=None):
        self.path = Path(urlsplit(uri).path)

    def open(self, spider):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return self.path.open("wb")

    def store(self, file) -> None:
        file.close()
        if "-00002" in self.path.name:
            raise OSError("simulated upload failure")
        self.stored = True


@pytest.mark.crawl
def test_only_the_articles_of_a_failed_batch_stay_uncommitted(site, expected, tmp_path):
    remote = tmp_path / "remote"
    env = {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
           "NEWSCRAWL_FEED_URI": f"flaky://{remote}/%(name)s.jsonl", "NEWSCRAWL_FEED_BATCH_ITEMS": "5"}
    command = [sys.executable, "-m", "scrapy", "crawl", "albawabh", *FAST, "-a", f"base_url={site.base_url}",
               "-s", 'FEED_STORAGES={"flaky": "tests.test_state.FlakyFeedStorage", '
                     '"": "newscrawl.feeds.storages.FileFeedStorage"}']
    first = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True,
                           text=True, timeout=300)
    assert first.returncode == 1, first.stderr
    [local] = sorted((tmp_path / "feeds").rglob("*.jsonl"))
    order = [json.loads(line)["article_id"] for line in local.read_text(encoding="utf-8").splitlines()]
    assert sorted(order) == sorted(a["article_id"] for a in expected["articles"])
    failed_batch = set(order[5:10])  # the items reach every feed in the same order
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        committed = {row[0] for row in db.execute("SELECT article_id FROM articles WHERE version > 0")}  # delivered
    assert committed == set(order) - failed_batch
    assert "not committed 5 (emitted again next run)" in first.stderr

    env["NEWSCRAWL_FEED_URI"] = ""  # the upload works again
    second = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    latest = sorted((tmp_path / "feeds").rglob("*.jsonl"))[-1]
    assert {json.loads(line)["article_id"] for line in latest.read_text(encoding="utf-8").splitlines()} \
        == failed_batch


# -- debug commands keep no state ----------------------------------------------------------------------
def _debug_crawler(settings: dict | None = None, start=None):
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.albawabh import AlbawabhSpider

    spidercls = type("Checked", (AlbawabhSpider,), {"start": start} if start else {})
    return get_crawler(spidercls, settings)


def test_a_crawl_is_not_a_debug_command(monkeypatch):
    from newscrawl.state.extension import debug_command

    monkeypatch.delenv("SCRAPY_CHECK", raising=False)
    assert debug_command(_debug_crawler()) is None


def test_scrapy_check_is_told_by_its_variable(monkeypatch):
    from newscrawl.state.extension import debug_command

    monkeypatch.setenv("SCRAPY_CHECK", "true")
    assert debug_command(_debug_crawler()) == "check"


def test_scrapy_parse_is_told_by_the_start_it_puts_on_the_spider(monkeypatch):
    from newscrawl.state.extension import debug_command

    async def start(spider):  # what scrapy.commands.parse does: its own start on the spider class
        yield None

    start.__module__ = "scrapy.commands.parse"
    monkeypatch.delenv("SCRAPY_CHECK", raising=False)
    assert debug_command(_debug_crawler(start=start)) == "parse"


def test_the_state_extension_opens_nothing_for_a_debug_command(monkeypatch, tmp_path):
    from newscrawl.state.extension import StateExtension

    monkeypatch.setenv("SCRAPY_CHECK", "true")
    crawler = _debug_crawler({"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")})
    extension = StateExtension.from_crawler(crawler)
    assert extension.store is None
    assert not (tmp_path / "state.sqlite3").exists()
    assert not (tmp_path / "state.sqlite3.lock").exists()
