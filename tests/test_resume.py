"""Stop and resume: SIGTERM mid-crawl, then a restart with the same JOBDIR and state.

The real ``scrapy crawl albawabh`` runs in a subprocess against the offline site, slowed down by the
server (``serve(delay=...)``) so that a signal lands mid-crawl. Feeds go to the default local copy under
``NEWSCRAWL_FEED_DIR`` (one file per run), the state to SQLite.

What a stop costs, as these tests pin it down:

- **One SIGTERM** (graceful): Scrapy stops scheduling, lets the requests in flight finish, stores the
  feed, writes the scheduler's queue to ``JOBDIR`` and the state commits what the feed holds; the run
  exits 1 ("stopped early"). The restart with the same ``JOBDIR`` continues from the queue: between the
  two runs every article is fetched once and emitted once. Nothing lost, nothing repeated.
- **Two SIGTERMs** (forced): the reactor stops at once. The feed holds the lines its buffer had flushed,
  each one complete; items still in the buffer are lost from it. Nothing is committed to the state. The
  ``JOBDIR`` queue is not written (Scrapy writes ``requests.queue/active.json`` only on a clean close),
  while ``requests.seen`` keeps whatever reached the disk: what its 8 KiB buffer flushed (after ~400
  requests), and on some runs everything, flushed at exit. Restarted with a fresh ``JOBDIR`` and the same
  state, the crawl loses nothing and emits again what the forced run's feed holds (at-least-once).
  Restarted with the same ``JOBDIR``, the saved fingerprints filter the home page and the listings while
  their pending requests are gone -- unless the run is guarded: ``newscrawl.extensions.jobdir`` marks the
  ``JOBDIR`` while a run holds it, and a run that finds the mark starts the job afresh (tested below with
  the loss emulated, so it would fail every time without the guard).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import FAST, ROOT

pytestmark = pytest.mark.crawl

WAIT = 90  # seconds: upper bound for any one crawl or condition


@dataclass
class Job:
    """One job's files: its JOBDIR, its SQLite state and its feed directory, all under ``root``."""

    root: Path

    @property
    def jobdir(self) -> Path:
        return self.root / "job"

    @property
    def feeds(self) -> Path:
        return self.root / "feeds"

    def env(self) -> dict[str, str]:
        return {**os.environ, "NEWSCRAWL_STATE": str(self.root / "state.sqlite3"),
                "NEWSCRAWL_FEED_DIR": str(self.feeds)}

    def command(self, base_url: str) -> list[str]:
        return [sys.executable, "-m", "scrapy", "crawl", "albawabh", *FAST, "-s", f"JOBDIR={self.jobdir}",
                "-a", f"base_url={base_url}"]

    def start(self, base_url: str, log_name: str) -> tuple[subprocess.Popen, Path]:
        log = self.root / log_name
        with log.open("wb") as out:
            process = subprocess.Popen(self.command(base_url), cwd=ROOT, env=self.env(), stdout=out,
                                       stderr=subprocess.STDOUT)
        return process, log

    def run(self, base_url: str, log_name: str) -> tuple[int, str]:
        process, log = self.start(base_url, log_name)
        return process.wait(timeout=WAIT), log.read_text(encoding="utf-8")

    def feed_files(self) -> list[Path]:
        return sorted((self.feeds / "albawabh").glob("*.jsonl"))

    def copy(self, root: Path) -> Job:
        shutil.copytree(self.root, root, ignore=shutil.ignore_patterns("*.log"))
        return Job(root)


def article_hits(server) -> int:
    from tests.site.server import ARTICLE_PATH

    return sum(n for target, n in server.hits.items() if ARTICLE_PATH.match(target))


def wait_for(condition, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the crawl ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.02)


def feed_lines(path: Path) -> tuple[list[dict], str]:
    """The complete lines of a feed file, parsed, and the partial line that may end it ('' if none)."""
    text = path.read_text(encoding="utf-8")
    *complete, tail = text.split("\n")
    return [json.loads(line) for line in complete], tail


# -- one SIGTERM: graceful stop, then resume ------------------------------------------------------------
@dataclass
class Resumed:
    job: Job
    first_code: int
    first_log: str
    first_ids: list[str]
    queue_state: str
    second_code: int
    second_log: str
    hits: dict[str, int]


@pytest.fixture(scope="module")
def resumed(tmp_path_factory) -> Resumed:
    from tests.site.server import serve

    server, _, base_url = serve(delay=0.2)
    try:
        job = Job(tmp_path_factory.mktemp("graceful"))
        process, log = job.start(base_url, "first.log")
        wait_for(lambda: article_hits(server) >= 6, process, "six article pages were requested")
        process.send_signal(signal.SIGTERM)
        first_code = process.wait(timeout=WAIT)
        first_ids = [item["article_id"] for path in job.feed_files() for item in feed_lines(path)[0]]
        active = job.jobdir / "requests.queue" / "active.json"
        queue_state = active.read_text() if active.exists() else ""
        second_code, second_log = job.run(base_url, "second.log")
        return Resumed(job, first_code, log.read_text(encoding="utf-8"), first_ids, queue_state, second_code,
                       second_log, server.hits)
    finally:
        server.shutdown()
        server.server_close()


def test_one_sigterm_stops_the_crawl_gracefully_and_fails_the_run(resumed):
    assert "Received SIGTERM, shutting down gracefully" in resumed.first_log
    assert "Closing spider (shutdown)" in resumed.first_log
    assert "forcing unclean shutdown" not in resumed.first_log
    assert resumed.first_code == 1
    assert "run failed: " in resumed.first_log and "stopped early (shutdown)" in resumed.first_log


def test_the_stop_came_mid_crawl(resumed, expected):
    assert 0 < len(resumed.first_ids) < len(expected["articles"])


def test_the_pending_requests_are_kept_in_the_jobdir(resumed):
    assert resumed.queue_state not in ("", "{}", "[]")
    assert "Resuming crawl" in resumed.second_log


def test_the_resumed_run_finishes_and_succeeds(resumed):
    assert "Spider closed (finished)" in resumed.second_log
    assert resumed.second_code == 0, resumed.second_log[-3000:]


def test_every_line_of_every_feed_is_json(resumed):
    files = resumed.job.feed_files()
    assert len(files) == 2
    for path in files:
        items, tail = feed_lines(path)
        assert tail == "", f"{path.name} ends with a partial line"
        assert all(isinstance(item, dict) and item.get("article_id") for item in items)


def test_every_article_is_emitted_exactly_once_across_the_two_runs(resumed, expected):
    ids = [item["article_id"] for path in resumed.job.feed_files() for item in feed_lines(path)[0]]
    assert [article_id for article_id, n in Counter(ids).items() if n > 1] == []
    assert sorted(ids) == sorted(a["article_id"] for a in expected["articles"])


def test_no_article_page_is_fetched_twice_across_the_two_runs(resumed):
    from tests.site.server import ARTICLE_PATH

    assert {t: n for t, n in resumed.hits.items() if ARTICLE_PATH.match(t) and n > 1} == {}


# -- two SIGTERMs: forced stop --------------------------------------------------------------------------
@dataclass
class Forced:
    job: Job
    code: int
    log: str
    base_url: str
    server: object
    hits: dict[str, int]


@pytest.fixture(scope="module")
def forced(tmp_path_factory):
    from tests.site.server import serve

    # Every answer takes 1 s: the graceful shutdown that the first SIGTERM starts waits for the requests
    # in flight, so the second SIGTERM lands while it does.
    server, _, base_url = serve(delay=1.0)
    try:
        job = Job(tmp_path_factory.mktemp("forced"))
        process, log = job.start(base_url, "forced.log")
        wait_for(lambda: any(path.stat().st_size for path in job.feed_files()), process,
                 "the feed had its first lines written")
        process.send_signal(signal.SIGTERM)
        # The second signal only once the first was handled: two SIGTERMs that reach the process before
        # Python runs its handler are handled as one.
        wait_for(lambda: b"shutting down gracefully" in log.read_bytes(), process, "the first SIGTERM was handled")
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=WAIT)
        server.delay = 0.0
        yield Forced(job, code, log.read_text(encoding="utf-8"), base_url, server, server.hits)
    finally:
        server.shutdown()
        server.server_close()


def test_two_sigterms_force_the_stop(forced):
    assert "Received SIGTERM twice, forcing unclean shutdown" in forced.log
    assert forced.code != 0


def test_a_forced_stop_leaves_feeds_valid_up_to_their_last_complete_line(forced):
    (path,) = forced.job.feed_files()
    items, tail = feed_lines(path)  # raises if any complete line is not JSON
    assert items, "the feed had lines before the stop"
    assert all(isinstance(item, dict) and item.get("article_id") for item in items)
    if tail:  # a partial line is allowed only at the very end, and is not a whole record
        with pytest.raises(json.JSONDecodeError):
            json.loads(tail)


def test_a_restart_with_a_fresh_jobdir_after_a_forced_stop_loses_nothing(forced, expected, tmp_path):
    """The safe restart after a forced stop: the same state, the JOBDIR removed. At-least-once: what the
    forced run's feed holds comes again (nothing of it was committed), nothing is missing."""
    job = forced.job.copy(tmp_path / "restart")
    shutil.rmtree(job.jobdir)
    (forced_feed,) = job.feed_files()
    forced_ids = {item["article_id"] for item in feed_lines(forced_feed)[0]}
    code, log = job.run(forced.base_url, "restart.log")
    assert code == 0, log[-3000:]
    restart_feed = next(path for path in job.feed_files() if path != forced_feed)
    restart_ids = [item["article_id"] for item in feed_lines(restart_feed)[0]]
    assert [article_id for article_id, n in Counter(restart_ids).items() if n > 1] == []
    assert set(restart_ids) == {a["article_id"] for a in expected["articles"]}
    assert forced_ids <= set(restart_ids)  # the forced run committed nothing: its articles come again


def test_a_restart_with_the_same_jobdir_after_a_forced_stop_loses_nothing(forced, expected, tmp_path):
    from scrapy import Request
    from scrapy.dupefilters import RFPDupeFilter

    job = forced.job.copy(tmp_path / "large")
    # What a forced stop leaves whenever requests.seen was flushed (its 8 KiB buffer fills after ~400
    # requests; at exit it is flushed on some runs and not on others): the fingerprints of the requests
    # made so far, and no queue state. Written by Scrapy's own dupe filter, as the crawl writes them.
    seen = RFPDupeFilter(str(job.jobdir))
    for target in forced.hits:
        if target != "/robots.txt":
            seen.request_seen(Request(forced.base_url + target))
    seen.close("flushed")
    code, log = job.run(forced.base_url, "restart.log")
    ids = {item["article_id"] for path in job.feed_files() for item in feed_lines(path)[0]}
    assert ids == {a["article_id"] for a in expected["articles"]}
    assert code == 0
