"""Feeds: the local JSON Lines copy and the remote feed of NEWSCRAWL_FEED_URI, stored in a real S3 API
server (moto's ``moto_server`` on loopback, started here)."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy.settings import Settings

from newscrawl.feeds.plan import (
    GZIP_PLUGIN,
    FeedSettingsError,
    check_remote_uri,
    plan_feeds,
    planned_feeds,
    with_batch_placeholder,
)
from tests.conftest import FAST, ROOT, run_crawl
from tests.servers import MOTO_SECRET_KEY, moto_s3, without_aws_env  # noqa: F401 (fixture)

LOCAL = {"format": "jsonlines", "encoding": "utf-8", "exclusive": True}  # a new file, never appended to
REMOTE = {"format": "jsonlines", "encoding": "utf-8", "overwrite": True, "store_empty": False}
S3_URI = "s3://bucket/prefix/%(name)s/%(time)s.jsonl"


# -- planning the FEEDS setting -------------------------------------------------------------------------
@pytest.mark.parametrize(("feeds", "remote", "batch", "planned"), [
    pytest.param({}, "", 0, {"feeds/%(name)s/%(time)s.jsonl": LOCAL}, id="local-copy-only"),
    pytest.param({}, S3_URI, 0, {"feeds/%(name)s/%(time)s.jsonl": LOCAL, S3_URI: REMOTE}, id="plus-s3"),
    pytest.param({"/tmp/items.jsonl": {"format": "jsonl", "overwrite": True}}, S3_URI, 0,
                 {"/tmp/items.jsonl": {"format": "jsonl", "overwrite": True}, S3_URI: REMOTE},
                 id="-O-file-is-the-local-copy"),
    pytest.param({"file:///tmp/items.json": {"format": "json"}}, "", 0, {"file:///tmp/items.json": {"format": "json"}},
                 id="-o-file-uri-is-the-local-copy"),
    pytest.param({"s3://other/x.jsonl": {"format": "jsonl"}}, "", 0,
                 {"s3://other/x.jsonl": {"format": "jsonl"}, "feeds/%(name)s/%(time)s.jsonl": LOCAL},
                 id="-o-remote-still-gets-a-local-copy"),
    pytest.param({"stdout:": {"format": "jsonl"}}, "", 0,
                 {"stdout:": {"format": "jsonl"}, "feeds/%(name)s/%(time)s.jsonl": LOCAL}, id="-o-stdout"),
    pytest.param({}, "s3://b/p/%(time)s.jsonl.gz", 0,
                 {"feeds/%(name)s/%(time)s.jsonl": LOCAL,
                  "s3://b/p/%(time)s.jsonl.gz": {**REMOTE, "postprocessing": [GZIP_PLUGIN]}}, id="gzip"),
    pytest.param({}, "s3://b/p/%(time)s.jsonl", 5,
                 {"feeds/%(name)s/%(time)s.jsonl": LOCAL,
                  "s3://b/p/%(time)s-%(batch_id)05d.jsonl": {**REMOTE, "batch_item_count": 5}},
                 id="batches-get-a-placeholder"),
    pytest.param({}, "s3://b/p/%(batch_time)s.jsonl.gz", 100,
                 {"feeds/%(name)s/%(time)s.jsonl": LOCAL,
                  "s3://b/p/%(batch_time)s.jsonl.gz": {**REMOTE, "batch_item_count": 100,
                                                       "postprocessing": [GZIP_PLUGIN]}},
                 id="batches-own-placeholder-kept"),
])
def test_plan_feeds(feeds, remote, batch, planned):
    assert plan_feeds(feeds, feed_dir="feeds", remote_uri=remote, batch_items=batch) == planned


def test_the_feed_dir_names_the_local_copy():
    assert list(plan_feeds({}, feed_dir="/data/feeds/")) == ["/data/feeds/%(name)s/%(time)s.jsonl"]


@pytest.mark.parametrize(("uri", "batched"), [
    ("s3://b/p/%(name)s/%(time)s.jsonl", "s3://b/p/%(name)s/%(time)s-%(batch_id)05d.jsonl"),
    ("s3://b/p/%(time)s.jsonl.gz", "s3://b/p/%(time)s-%(batch_id)05d.jsonl.gz"),
    ("s3://b/p/items", "s3://b/p/items-%(batch_id)05d"),
    ("s3://b/p/%(batch_id)d.jsonl", "s3://b/p/%(batch_id)d.jsonl"),
    ("s3://b/p/%(batch_time)s.jsonl", "s3://b/p/%(batch_time)s.jsonl"),
])
def test_batch_placeholder(uri, batched):
    assert with_batch_placeholder(uri) == batched


@pytest.mark.parametrize(("uri", "message"), [
    ("s3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/x.jsonl", "must not hold credentials"),
    ("s3://bucket", "needs a bucket and an object name"),
    ("s3:///x.jsonl", "needs a bucket and an object name"),
    ("sftp://host/x.jsonl", "unsupported scheme 'sftp'"),
    ("feeds/x.jsonl", "unsupported scheme ''"),
])
def test_unusable_remote_uris_are_refused_without_echoing_secrets(uri, message):
    with pytest.raises(FeedSettingsError, match=message) as refused:
        check_remote_uri(uri, {"s3", "file"})
    assert "wJalrXUtnFEMI" not in str(refused.value)


def test_project_settings_plan_the_feeds():
    settings = Settings()
    settings.setmodule("newscrawl.settings")
    settings.set("NEWSCRAWL_FEED_URI", S3_URI)
    settings.set("NEWSCRAWL_FEED_DIR", "out")
    assert planned_feeds(settings) == {"out/%(name)s/%(time)s.jsonl": LOCAL, S3_URI: REMOTE}
    settings.set("NEWSCRAWL_FEED_BATCH_ITEMS", "many")
    with pytest.raises(FeedSettingsError, match="NEWSCRAWL_FEED_BATCH_ITEMS"):
        planned_feeds(settings)


@pytest.mark.parametrize(("env", "args", "message"), [
    ({"NEWSCRAWL_FEED_URI": "s3://AKIAEXAMPLE:wJalrXUtnFEMI@bucket/x.jsonl"}, (), "must not hold credentials"),
    ({"NEWSCRAWL_FEED_URI": "gopher://x/y"}, (), "unsupported scheme"),
    ({"NEWSCRAWL_FEED_BATCH_ITEMS": "-1"}, (), "NEWSCRAWL_FEED_BATCH_ITEMS must be 0"),
    ({}, ("-s", "NEWSCRAWL_FEED_BATCH_ITEMS=lots"), "NEWSCRAWL_FEED_BATCH_ITEMS must be a whole number"),
])
def test_crawl_refuses_unusable_feed_settings_in_one_line(env, args, message, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", *args], cwd=ROOT,
                          env={**without_aws_env(), **env}, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    [line] = proc.stderr.strip().splitlines()
    assert line.startswith("scrapy crawl: error: ") and message in line
    assert "wJalrXUtnFEMI" not in proc.stderr + proc.stdout


# -- crawls into S3 -------------------------------------------------------------------------------------
@dataclass
class Run:
    returncode: int
    log: str
    local: list[Path]  # local copies under NEWSCRAWL_FEED_DIR


def crawl(tmp_path: Path, *args: str, env: dict) -> Run:
    """``scrapy crawl albawabh`` without ``-O``: the local copy goes where NEWSCRAWL_FEED_DIR says."""
    full_env = {**without_aws_env(), "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
                "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), **env}
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", *FAST, *args], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=300)
    return Run(proc.returncode, proc.stderr + proc.stdout, sorted((tmp_path / "feeds").rglob("*.jsonl")))


def lines(data: bytes) -> list[dict]:
    return [json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip()]


def assert_arabic_unescaped(data: bytes) -> None:
    assert "البوابة نيوز".encode() in data
    assert b"\\u06" not in data


@pytest.fixture
def bucket(moto_s3):  # noqa: F811
    name = f"feeds-{uuid.uuid4().hex[:12]}"
    moto_s3.create_bucket(name)
    return name


@pytest.mark.crawl
def test_s3_feed_and_local_copy_hold_every_article_once(site, expected, tmp_path, moto_s3, bucket):  # noqa: F811
    run = crawl(tmp_path, "-a", f"base_url={site.base_url}",
                env={**moto_s3.env(), "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl"})
    assert run.returncode == 0, run.log
    objects = moto_s3.objects(bucket)
    [(key, body)] = objects.items()
    [local] = run.local
    assert key.startswith("news/albawabh/") and key.endswith(".jsonl")
    assert local.parent == tmp_path / "feeds" / "albawabh"
    assert body == local.read_bytes()  # the same items, in the same order, byte for byte
    ids = [item["article_id"] for item in lines(body)]
    assert sorted(ids) == sorted(a["article_id"] for a in expected["articles"])  # each once
    assert_arabic_unescaped(body)
    assert f"Stored jsonlines feed ({len(ids)} items) in: s3://{bucket}/{key}" in run.log


@pytest.mark.crawl
def test_gzip_feed_decodes_to_the_local_copy(site, expected, tmp_path, moto_s3, bucket):  # noqa: F811
    run = crawl(tmp_path, "-a", f"base_url={site.base_url}",
                env={**moto_s3.env(), "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl.gz"})
    assert run.returncode == 0, run.log
    [(key, body)] = moto_s3.objects(bucket).items()
    assert key.endswith(".jsonl.gz") and body[:2] == b"\x1f\x8b"
    [local] = run.local
    assert gzip.decompress(body) == local.read_bytes()
    assert len(lines(gzip.decompress(body))) == expected["article_count"]


@pytest.mark.crawl
def test_batches_split_the_s3_feed_not_the_local_copy(site, expected, tmp_path, moto_s3, bucket):  # noqa: F811
    run = crawl(tmp_path, "-a", f"base_url={site.base_url}",
                env={**moto_s3.env(), "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl.gz",
                     "NEWSCRAWL_FEED_BATCH_ITEMS": "5"})
    assert run.returncode == 0, run.log
    objects = moto_s3.objects(bucket)
    count = expected["article_count"]
    assert len(objects) == -(-count // 5)
    batches = [lines(gzip.decompress(objects[key])) for key in sorted(objects)]
    assert [len(batch) for batch in batches] == [5] * (count // 5) + ([count % 5] if count % 5 else [])
    assert all(key.endswith(f"-{n:05d}.jsonl.gz") for n, key in enumerate(sorted(objects), start=1))
    [local] = run.local
    assert [item for batch in batches for item in batch] == lines(local.read_bytes())


@pytest.mark.crawl
def test_with_O_the_named_file_is_the_local_copy(site, expected, tmp_path, moto_s3, bucket):  # noqa: F811
    result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}",
                       env={**moto_s3.env(), "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"),
                            "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl"})
    assert result.returncode == 0, result.log
    assert len(result.items) == expected["article_count"]
    assert not (tmp_path / "feeds").exists()  # no second local copy
    [body] = moto_s3.objects(bucket).values()
    assert body == result.feed.read_bytes()


@pytest.mark.crawl
def test_no_secret_reaches_logs_stats_feeds_or_state(site, tmp_path, moto_s3, bucket):  # noqa: F811
    secret = f"newscrawl-test-secret-{uuid.uuid4().hex}"
    token = f"newscrawl-test-token-{uuid.uuid4().hex}"
    # moto accepts any credentials; DEBUG logs every request botocore signs with them.
    run = crawl(tmp_path, "-a", f"base_url={site.base_url}", "-s", "LOG_LEVEL=DEBUG",
                env={**moto_s3.env(), "AWS_SECRET_ACCESS_KEY": secret, "AWS_SESSION_TOKEN": token,
                     "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl"})
    assert run.returncode == 0, run.log
    assert "Dumping Scrapy stats" in run.log and "Overridden settings" in run.log
    stored = [path.read_bytes() for path in tmp_path.rglob("*") if path.is_file()]
    stored += list(moto_s3.objects(bucket).values())
    for needle in (secret, token, MOTO_SECRET_KEY):
        assert needle not in run.log
        assert not any(needle.encode() in data for data in stored)


@pytest.mark.crawl
def test_a_run_with_nothing_new_uploads_nothing(site, tmp_path, moto_s3, bucket):  # noqa: F811
    env = {**moto_s3.env(), "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl"}
    first = crawl(tmp_path, "-a", f"base_url={site.base_url}", env=env)
    assert first.returncode == 0, first.log
    keys = set(moto_s3.objects(bucket))
    second = crawl(tmp_path, "-a", f"base_url={site.base_url}", env=env)
    assert second.returncode == 0, second.log
    assert set(moto_s3.objects(bucket)) == keys  # no empty object for an empty run
    assert len(second.local) == 2 and second.local[-1].read_bytes() == b""  # the local copy is always written
