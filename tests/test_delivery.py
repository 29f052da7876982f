"""The feed exporter in-process: each item reaches every feed, a file that failed a write is not stored,
and ``Delivery.durable`` is exactly the keys whose line is in a stored file of every feed.

A scenario opens the exporter on a crawler without a reactor (``asyncio.run``), scrapes items whose
``article_id`` is ``a01``, ``a02``..., and closes it. ``tests.feedfaults.DISK`` fails a window of writes.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Spider, signals
from scrapy.utils.test import get_crawler

from newscrawl.feeds.exporter import Delivery, FeedExporter, delivery_of
from newscrawl.feeds.plan import LOCAL_FEED_OPTIONS
from newscrawl.feeds.storages import FileFeedStorage, serial_name
from tests import feedfaults
from tests.servers import MOTO_ACCESS_KEY, MOTO_REGION, MOTO_SECRET_KEY, moto_s3  # noqa: F401 (fixture)

FAULTY_FILE = "tests.feedfaults.FaultyFileFeedStorage"
FAULTY_S3 = "tests.feedfaults.FaultyS3FeedStorage"
FILE = "newscrawl.feeds.storages.FileFeedStorage"
S3 = "newscrawl.feeds.storages.S3FeedStorage"
REMOTE = {"format": "jsonlines", "encoding": "utf-8", "overwrite": True, "store_empty": False}


def items(count: int) -> list[dict]:
    return [{"article_id": f"a{n:02d}", "title": f"مقال رقم {n}"} for n in range(1, count + 1)]


def keys(first: int, last: int) -> set[str]:
    return {f"a{n:02d}" for n in range(first, last + 1)}


@pytest.fixture
def disk():
    feedfaults.DISK.failing, feedfaults.DISK.writes = range(0), 0
    yield feedfaults.DISK
    feedfaults.DISK.failing, feedfaults.DISK.writes = range(0), 0


@pytest.fixture
def events():
    return []


def run_exporter(tmp_path: Path, feeds: dict, storages: dict, scraped: list[dict], *, events: list | None = None,
                 **settings):
    """Open the exporter, scrape ``scraped``, close it; return (exporter, crawler)."""
    crawler = get_crawler(Spider, {
        "TWISTED_REACTOR_ENABLED": False, "FEEDS": feeds, "FEED_STORAGES": storages,
        "FEED_EXPORT_ENCODING": "utf-8", "FEED_STORE_EMPTY": True, **settings,
    })
    spider = Spider.from_crawler(crawler, name="albawabh")
    crawler.spider = spider
    exporter = FeedExporter.from_crawler(crawler)
    seen = events if events is not None else []
    crawler.extensions = SimpleNamespace(middlewares=[exporter])  # what delivery_of looks at

    def closed() -> None:
        seen.append(("feed_exporter_closed", delivery_of(crawler)))

    crawler.signals.connect(closed, signal=signals.feed_exporter_closed, weak=False)

    async def scenario() -> None:
        exporter.open_spider(spider)
        for item in scraped:
            exporter.item_scraped(item, spider)
        await exporter.close_spider(spider)

    asyncio.run(scenario())
    return exporter, crawler


def ids(data: bytes) -> list[str]:
    """Ids of the complete lines; a cut line is not an item."""
    found = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        try:
            found.append(json.loads(line)["article_id"])
        except ValueError:
            continue
    return found


def stored_local_ids(delivery: Delivery) -> set[str]:
    return {key for path in delivery.local_files for key in ids(Path(path).read_bytes())}


# -- local only -------------------------------------------------------------------------------------
def test_a_write_error_fails_the_local_file_and_nothing_is_durable(tmp_path, disk, events):
    disk.failing = range(4, 7)  # items a04..a06 hit a full disk; a07.. would fit again
    uri = str(tmp_path / "feeds" / "%(name)s" / "run.jsonl")
    exporter, crawler = run_exporter(tmp_path, {uri: dict(LOCAL_FEED_OPTIONS)}, {"": FAULTY_FILE}, items(10),
                                     events=events)
    path = tmp_path / "feeds" / "albawabh" / "run.jsonl"
    failed = path.with_name("run.jsonl.failed")
    assert not path.exists() and failed.exists()
    data = failed.read_bytes()
    assert ids(data) == ["a01", "a02", "a03"]  # then a cut line: no consumer reads it as complete
    assert not data.endswith(b"\n")
    assert exporter.delivery == Delivery(durable=frozenset(), local_files=[], failed=[str(path)], write_errors=1)
    stats = crawler.stats.get_stats()
    assert stats["feedexport/failed_count/FaultyFileFeedStorage"] == 1
    assert "feedexport/success_count/FaultyFileFeedStorage" not in stats
    assert stats["newscrawl/feeds/write_errors"] == 1
    assert stats["newscrawl/feeds/failed"] == [str(path)]
    assert events == [("feed_exporter_closed", exporter.delivery)]  # known before the state commits


def test_a_healthy_local_file_is_durable_whole(tmp_path, disk):
    uri = str(tmp_path / "%(name)s.jsonl")
    exporter, crawler = run_exporter(tmp_path, {uri: dict(LOCAL_FEED_OPTIONS)}, {"": FAULTY_FILE}, items(7))
    path = tmp_path / "albawabh.jsonl"
    assert exporter.delivery == Delivery(durable=frozenset(keys(1, 7)), local_files=[str(path)], failed=[],
                                         write_errors=0, local_items={str(path): 7})
    assert exporter.delivery.durable == stored_local_ids(exporter.delivery)
    assert crawler.stats.get_value("newscrawl/feeds/local") == [str(path)]


def test_the_file_and_its_directory_are_fsynced_before_the_state_may_commit(tmp_path, monkeypatch, events):
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        events.append(("fsync", os.readlink(f"/proc/self/fd/{fd}")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    uri = str(tmp_path / "feeds" / "%(name)s.jsonl")
    exporter, _ = run_exporter(tmp_path, {uri: dict(LOCAL_FEED_OPTIONS)}, {"": FILE}, items(3), events=events)
    path = tmp_path / "feeds" / "albawabh.jsonl"
    assert events == [("fsync", str(path)), ("fsync", str(path.parent)),
                      ("feed_exporter_closed", exporter.delivery)]


def test_a_run_started_in_the_same_second_writes_a_file_of_its_own(tmp_path):
    uri = str(tmp_path / "%(name)s" / "2024-05-01T10-00-00+00-00.jsonl")
    taken = tmp_path / "albawabh" / "2024-05-01T10-00-00+00-00.jsonl"
    taken.parent.mkdir()
    taken.write_bytes(b'{"article_id": "other-run"}\n')
    exporter, _ = run_exporter(tmp_path, {uri: dict(LOCAL_FEED_OPTIONS)}, {"": FILE}, items(2))
    own = tmp_path / "albawabh" / "2024-05-01T10-00-00+00-00-2.jsonl"
    assert taken.read_bytes() == b'{"article_id": "other-run"}\n'  # not appended to
    assert ids(own.read_bytes()) == ["a01", "a02"]
    assert exporter.delivery.local_files == [str(own)]


@pytest.mark.parametrize(("name", "serial", "named"), [
    ("2024-05-01T10-00-00+00-00.jsonl", 1, "2024-05-01T10-00-00+00-00.jsonl"),
    ("2024-05-01T10-00-00+00-00.jsonl", 3, "2024-05-01T10-00-00+00-00-3.jsonl"),
    ("items.jsonl.gz", 2, "items-2.jsonl.gz"),
    ("items", 2, "items-2"),
])
def test_serial_names(name, serial, named):
    assert serial_name(Path("/feeds") / name, serial) == Path("/feeds") / named


def test_a_failed_runs_name_is_not_reused(tmp_path):
    (tmp_path / "run.jsonl.failed").write_bytes(b"cut")
    storage = FileFeedStorage(str(tmp_path / "run.jsonl"), feed_options={"exclusive": True})
    storage.open(None).close()
    assert storage.path == str(tmp_path / "run-2.jsonl")


def test_appending_to_a_named_file_cuts_a_failed_run_back(tmp_path, disk):
    """``-o items.jsonl`` appends: a failed run leaves the earlier runs' lines and none of its own."""
    path = tmp_path / "items.jsonl"
    path.write_bytes(b'{"article_id": "earlier"}\n')
    disk.failing = range(3, 4)
    exporter, _ = run_exporter(tmp_path, {str(path): {"format": "jsonlines"}}, {"": FAULTY_FILE}, items(4))
    assert path.read_bytes() == b'{"article_id": "earlier"}\n'
    assert exporter.delivery.durable == frozenset() and exporter.delivery.failed == [str(path)]


def test_an_unwritable_directory_fails_the_file_once(tmp_path, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_bytes(b"")
    uri = str(blocker / "feeds" / "%(name)s.jsonl")
    exporter, crawler = run_exporter(tmp_path, {uri: dict(LOCAL_FEED_OPTIONS)}, {"": FILE}, items(20))
    [line] = [r.getMessage() for r in caplog.records if r.name == "newscrawl.feeds.exporter"
              and "cannot write the local feed" in r.getMessage()]
    assert str(blocker) in line and "Not a directory" in line
    assert not any(r.exc_info for r in caplog.records)
    assert exporter.delivery.durable == frozenset()
    assert crawler.stats.get_value("feedexport/failed_count/FileFeedStorage") == 1


def test_delivery_of_a_crawl_without_the_exporter_is_none():
    assert delivery_of(SimpleNamespace(extensions=SimpleNamespace(middlewares=[object()]))) is None
    assert delivery_of(SimpleNamespace()) is None


# -- local and S3 ---------------------------------------------------------------------------------------
@pytest.fixture
def bucket(moto_s3):  # noqa: F811
    name = f"feeds-{uuid.uuid4().hex[:12]}"
    moto_s3.create_bucket(name)
    return name


def s3_settings(moto_s3, tmp_path) -> dict:  # noqa: F811
    (tmp_path / "staging").mkdir(exist_ok=True)
    return {"AWS_ENDPOINT_URL": moto_s3.endpoint_url, "AWS_ACCESS_KEY_ID": MOTO_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": MOTO_SECRET_KEY, "AWS_REGION_NAME": MOTO_REGION,
            "FEED_TEMPDIR": str(tmp_path / "staging")}


def test_a_local_write_error_keeps_no_item_from_s3(tmp_path, disk, moto_s3, bucket):  # noqa: F811
    disk.failing = range(2, 4)
    local = str(tmp_path / "%(name)s.jsonl")
    remote = f"s3://{bucket}/news/%(name)s.jsonl"
    exporter, crawler = run_exporter(tmp_path, {local: dict(LOCAL_FEED_OPTIONS), remote: REMOTE},
                                     {"": FAULTY_FILE, "s3": S3}, items(6), **s3_settings(moto_s3, tmp_path))
    [body] = moto_s3.objects(bucket).values()
    assert ids(body) == sorted(keys(1, 6))  # every item, though the local file failed on a02 and a03
    assert (tmp_path / "albawabh.jsonl.failed").exists()
    assert exporter.delivery.durable == frozenset()  # in S3 but not in the local copy
    assert exporter.delivery.failed == [str(tmp_path / "albawabh.jsonl")]
    assert crawler.stats.get_value("feedexport/success_count/S3FeedStorage") == 1


@pytest.mark.parametrize(("failing", "lost"), [
    pytest.param(range(5, 6), keys(4, 6), id="inside-batch-2"),
    # a failed batch takes no more writes, so the disk's next write is a07's, in batch 3
    pytest.param(range(5, 7), keys(4, 9), id="batch-2-then-batch-3"),
    pytest.param(range(3, 5), keys(1, 6), id="across-batches-1-and-2"),
    pytest.param(range(10, 11), keys(10, 10), id="the-short-last-batch"),
    pytest.param(range(1, 11), keys(1, 10), id="every-write"),
])
def test_failed_s3_batches_are_not_uploaded_and_not_durable(tmp_path, disk, moto_s3, bucket, failing, lost):  # noqa: F811
    disk.failing = failing  # the staging files in FEED_TEMPDIR: one write per item, a01 is write 1
    local = str(tmp_path / "%(name)s.jsonl")
    remote = f"s3://{bucket}/news/%(batch_id)05d.jsonl"
    exporter, crawler = run_exporter(tmp_path, {local: dict(LOCAL_FEED_OPTIONS),
                                                remote: {**REMOTE, "batch_item_count": 3}},
                                     {"": FILE, "s3": FAULTY_S3}, items(10), **s3_settings(moto_s3, tmp_path))
    batches = {"news/00001.jsonl": keys(1, 3), "news/00002.jsonl": keys(4, 6), "news/00003.jsonl": keys(7, 9),
               "news/00004.jsonl": keys(10, 10)}
    objects = moto_s3.objects(bucket, prefix="news/")
    assert {key: set(ids(body)) for key, body in objects.items()} == \
        {key: batch for key, batch in batches.items() if not batch & lost}
    in_s3 = {key for body in objects.values() for key in ids(body)}
    delivery = exporter.delivery
    assert delivery.durable == frozenset(keys(1, 10) - lost)
    assert delivery.durable == in_s3 & stored_local_ids(delivery)  # read back: in every stored feed
    assert delivery.failed == [f"s3://{bucket}/{key}" for key, batch in batches.items() if batch & lost]
    failed_count = len(delivery.failed)
    assert crawler.stats.get_value("feedexport/failed_count/FaultyS3FeedStorage") == failed_count
    assert delivery.write_errors == failed_count == crawler.stats.get_value("newscrawl/feeds/write_errors")
    assert not list((tmp_path / "staging").iterdir())  # no staging file left behind


def test_mid_run_only_keys_every_feed_holds_are_durable(tmp_path, disk):
    """A backfill's checkpoint asks mid-run; an item whose item_scraped has not reached the exporter yet
    (another handler ran first) is in no file and must not count as delivered."""
    uri = str(tmp_path / "%(name)s.jsonl")
    crawler = get_crawler(Spider, {"TWISTED_REACTOR_ENABLED": False, "FEEDS": {uri: dict(LOCAL_FEED_OPTIONS)},
                                   "FEED_STORAGES": {"": FAULTY_FILE}, "FEED_EXPORT_ENCODING": "utf-8"})
    spider = Spider.from_crawler(crawler, name="albawabh")
    crawler.spider = spider
    exporter = FeedExporter.from_crawler(crawler)
    scraped = items(4)

    async def scenario() -> set[str]:
        exporter.open_spider(spider)
        for item in scraped[:3]:
            exporter.item_scraped(item, spider)
        durable = exporter.durable_now(set(keys(1, 4)))
        await exporter.close_spider(spider)
        return durable

    assert asyncio.run(scenario()) == set(keys(1, 3))
    assert ids((tmp_path / "albawabh.jsonl").read_bytes()) == sorted(keys(1, 3))
