"""A disk that fails during a run, through the real ``scrapy crawl``: the run fails (exit 1), the failed file
is set aside, and no article is lost: the next, healthy run emits exactly the articles that the first run's
stored feeds do not all hold.

The disk fails through ``tests.feedfaults`` (ENOSPC for a window of writes), or for real on a small tmpfs
(skipped where ``mount`` is not allowed). The second run's emissions depend on the state extension
committing ``newscrawl.feeds.exporter.delivery_of(crawler).durable`` only.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FAST, ROOT
from tests.servers import moto_s3, without_aws_env  # noqa: F401 (fixture)

FAULTY_LOCAL = '{"": "tests.feedfaults.FaultyFileFeedStorage", "file": "tests.feedfaults.FaultyFileFeedStorage"}'
FAULTY_STAGING = ('{"": "newscrawl.feeds.storages.FileFeedStorage", "file": "newscrawl.feeds.storages.FileFeedStorage",'
                  ' "s3": "tests.feedfaults.FaultyS3FeedStorage"}')

pytestmark = pytest.mark.crawl


@dataclass
class Run:
    returncode: int
    log: str
    stored: list[Path]  # local feed files stored by this run
    failed: list[Path]  # local feed files set aside


def crawl(tmp_path: Path, site, feed_dir: Path, *args: str, env: dict | None = None) -> Run:
    before = set(feed_dir.rglob("*"))
    full_env = {**without_aws_env(), "NEWSCRAWL_FEED_DIR": str(feed_dir),
                "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", *FAST, "-a",
                           f"base_url={site.base_url}", *args],
                          cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=300)
    new = sorted(set(feed_dir.rglob("*")) - before)
    return Run(proc.returncode, proc.stderr + proc.stdout, [p for p in new if p.name.endswith(".jsonl")],
               [p for p in new if p.name.endswith(".failed")])


def ids(data: bytes) -> list[str]:
    """Ids of the complete lines (a cut line is no item)."""
    found = []
    for line in data.decode("utf-8", errors="replace").split("\n"):
        try:
            found.append(json.loads(line)["article_id"])
        except ValueError:
            continue
    return found


def ids_in(paths: list[Path]) -> set[str]:
    return {key for path in paths for key in ids(path.read_bytes())}


def all_articles(expected) -> set[str]:
    return {article["article_id"] for article in expected["articles"]}


def test_a_disk_full_for_a_few_writes_loses_no_article(site, expected, tmp_path):
    feed_dir = tmp_path / "feeds"
    first = crawl(tmp_path, site, feed_dir, "-s", f"FEED_STORAGES={FAULTY_LOCAL}",
                  "-s", "FEEDFAULTS_ENOSPC_WRITES=6-9")
    assert first.returncode == 1, first.log
    assert first.stored == []
    [failed] = first.failed  # set aside under a name no consumer takes for a feed
    assert failed.name.endswith(".jsonl.failed")
    assert len(ids(failed.read_bytes())) == 5  # the 6th write was cut, then nothing more was written
    assert "No space left on device" in first.log and "feed write failed" in first.log
    assert "run failed: 1 feed file(s) failed to store" in first.log

    second = crawl(tmp_path, site, feed_dir)
    assert second.returncode == 0, second.log
    [stored] = second.stored
    # nothing of the first run was durable: the second emits every article
    assert sorted(ids(stored.read_bytes())) == sorted(all_articles(expected))


def test_a_full_staging_dir_fails_one_s3_batch_and_only_its_articles_come_again(site, expected, tmp_path,
                                                                                  moto_s3):  # noqa: F811
    bucket = f"feeds-{uuid.uuid4().hex[:12]}"
    moto_s3.create_bucket(bucket)
    feed_dir = tmp_path / "feeds"
    env = {**moto_s3.env(), "NEWSCRAWL_FEED_URI": f"s3://{bucket}/news/%(name)s/%(time)s.jsonl",
           "NEWSCRAWL_FEED_BATCH_ITEMS": "5"}
    first = crawl(tmp_path, site, feed_dir, "-s", f"FEED_STORAGES={FAULTY_STAGING}",
                  "-s", "FEEDFAULTS_ENOSPC_WRITES=7-7", env=env)
    assert first.returncode == 1, first.log
    [local] = first.stored
    order = ids(local.read_bytes())
    assert sorted(order) == sorted(all_articles(expected))  # the local copy holds every article
    objects = moto_s3.objects(bucket)
    in_s3 = ids_in_objects(objects)
    failed_batch = set(order[5:10])  # the 7th item is in the second batch of 5: that batch is not uploaded
    assert in_s3 == set(order) - failed_batch
    assert len(objects) == -(-len(order) // 5) - 1

    second = crawl(tmp_path, site, feed_dir, env=env)
    assert second.returncode == 0, second.log
    [again] = second.stored
    assert set(ids(again.read_bytes())) == failed_batch  # exactly what the first run's feeds did not all hold
    assert ids_in([local, again]) == all_articles(expected)
    assert ids_in_objects(moto_s3.objects(bucket)) == all_articles(expected)


def ids_in_objects(objects: dict[str, bytes]) -> set[str]:
    return {key for body in objects.values() for key in ids(body)}


@contextmanager
def tmpfs(path: Path, options: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", str(path)], check=True)


def test_a_really_full_tmpfs_loses_no_article(site, expected, tmp_path):
    with tmpfs(tmp_path / "disk", "size=16k") as disk:  # the run's feed (~50 KB) does not fit
        feed_dir = disk / "feeds"
        first = crawl(tmp_path, site, feed_dir)
        assert first.returncode == 1, first.log
        assert first.stored == [] and len(first.failed) == 1
        assert "No space left on device" in first.log
        subprocess.run(["mount", "-o", "remount,size=16m", str(disk)], check=True)  # space again
        second = crawl(tmp_path, site, feed_dir)
        assert second.returncode == 0, second.log
        [stored] = second.stored
        assert sorted(ids(stored.read_bytes())) == sorted(all_articles(expected))


def unwritable_under_a_file(tmp_path: Path):
    blocker = tmp_path / "a-file"
    blocker.write_bytes(b"")
    return nullcontext(blocker / "feeds")


def unwritable_read_only_tmpfs(tmp_path: Path):
    return tmpfs(tmp_path / "ro", "ro,size=64k")


def unwritable_by_mode(tmp_path: Path):
    if os.geteuid() == 0:
        pytest.skip("root writes through mode 0555")
    directory = tmp_path / "ro"
    directory.mkdir(mode=0o555)
    return nullcontext(directory)


@pytest.mark.parametrize("unwritable", [unwritable_under_a_file, unwritable_read_only_tmpfs, unwritable_by_mode],
                         ids=["under-a-file", "read-only-tmpfs", "mode-0555"])
def test_an_unwritable_feed_directory_is_one_line_and_exit_1(site, tmp_path, unwritable):
    with unwritable(tmp_path) as feed_dir:
        run = crawl(tmp_path, site, feed_dir)
    assert run.returncode == 1, run.log
    [line] = [line for line in run.log.splitlines() if "cannot write the local feed" in line]
    assert str(feed_dir) in line
    assert any(cause in line for cause in ("Not a directory", "Read-only file system", "Permission denied"))
    assert "Traceback" not in run.log
    assert "Error processing" not in run.log and "Error caught on signal handler" not in run.log
