"""Distributed crawling: the Redis frontier (``newscrawl.distributed``) and its add-on, on a real redis-server.

From the pure parts (key names, URL redaction) through the Lua scripts and the scheduler in-process, to
real ``scrapy crawl`` workers against the offline site: two workers sharing one run, and a worker
killed mid-crawl whose requests another takes over.
"""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import re
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy import Request
from scrapy.exceptions import DontCloseSpider
from scrapy.settings import Settings

from newscrawl.addons.distributed import RedisAddon
from newscrawl.distributed import (
    Frontier,
    RedisScheduler,
    RedisUnavailable,
    RunKeys,
    check_run_id,
    clear_run,
    main,
    ping,
    redact_url,
    run_status,
)
from tests.conftest import FAST, ROOT, run_crawl
from tests.servers import closed_port, redis_server  # noqa: F401 (fixture)


@pytest.fixture
def redis(redis_server):  # noqa: F811
    """A client of the module's redis-server, emptied before each test (the crawl state lives there too)."""
    client = redis_server.client()
    client.flushdb()
    return client


def new_run() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


# -- names -------------------------------------------------------------------------------------------
def test_keys_of_a_run_share_one_prefix():
    keys = RunKeys("albawabh-2026-11-29")
    assert keys.requests == "newscrawl:run:albawabh-2026-11-29:requests"
    assert keys.dupefilter == "newscrawl:run:albawabh-2026-11-29:dupefilter"
    assert keys.inflight("pod-1:7:ab") == "newscrawl:run:albawabh-2026-11-29:inflight:pod-1:7:ab"
    assert keys.pattern == "newscrawl:run:albawabh-2026-11-29:*"


@pytest.mark.parametrize("run_id", ["albawabh", "albawabh-2026-11-29T06", "nightly_7.2", "a" * 100])
def test_good_run_ids(run_id):
    assert check_run_id(run_id) == run_id


@pytest.mark.parametrize("run_id", ["", " ", "-x", "a b", "run:1", "run*", "a" * 101, None])
def test_bad_run_ids(run_id):
    with pytest.raises(ValueError, match="NEWSCRAWL_RUN_ID"):
        check_run_id(run_id)


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        pytest.param("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0", id="no-password"),
        pytest.param("redis://:s3cret@redis:6379/0", "redis://:***@redis:6379/0", id="password"),
        pytest.param("rediss://crawler:s3cret@redis.internal:6380/2", "rediss://crawler:***@redis.internal:6380/2",
                     id="user-and-password"),
        pytest.param("redis://crawler@redis:6379", "redis://crawler@redis:6379", id="user-only"),
    ],
)
def test_redact_url(url, shown):
    assert redact_url(url) == shown


def test_ping_names_the_redis_and_the_reason_without_the_password():
    port = closed_port()
    with pytest.raises(RedisUnavailable) as caught:
        ping(f"redis://:s3cret@127.0.0.1:{port}/0", timeout=2)
    assert str(caught.value) == f"cannot reach Redis at redis://:***@127.0.0.1:{port}/0 (Connection refused)"


# -- the add-on --------------------------------------------------------------------------------------
def test_addon_changes_nothing_without_redis_url():
    settings = Settings({"NEWSCRAWL_RUN_ID": "albawabh"})
    before = {name: settings[name] for name in ("SCHEDULER", "DUPEFILTER_CLASS", "SCHEDULER_PERSIST")}
    RedisAddon.update_pre_crawler_settings(settings)  # no ping either
    RedisAddon().update_settings(settings)
    assert {name: settings[name] for name in before} == before


def test_addon_switches_to_the_run_scoped_frontier():
    settings = Settings({"REDIS_URL": "redis://127.0.0.1:1/0", "NEWSCRAWL_RUN_ID": "nightly"})
    RedisAddon().update_settings(settings)
    assert settings["SCHEDULER"] == "newscrawl.distributed.RedisScheduler"
    assert settings["DUPEFILTER_CLASS"] == "newscrawl.distributed.RunDupeFilter"
    assert settings.getbool("SCHEDULER_PERSIST") is True
    assert settings["SCHEDULER_QUEUE_KEY"] == "newscrawl:run:nightly:requests"
    assert settings["SCHEDULER_DUPEFILTER_KEY"] == "newscrawl:run:nightly:dupefilter"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        pytest.param({"NEWSCRAWL_RUN_ID": "bad id"}, "newscrawl: error: NEWSCRAWL_RUN_ID='bad id' is not a run id",
                     id="bad-run-id"),
        pytest.param({"NEWSCRAWL_RUN_ID": "ok"}, "newscrawl: error: cannot reach Redis at redis://:***@127.0.0.1:",
                     id="unreachable"),
    ],
)
def test_addon_stops_the_command_with_one_line_before_the_crawl(values, message):
    settings = Settings({"REDIS_URL": f"redis://:pw@127.0.0.1:{closed_port()}/0", **values})
    with pytest.raises(SystemExit) as caught:
        RedisAddon.update_pre_crawler_settings(settings)
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


# -- the Lua scripts -------------------------------------------------------------------------------------
def test_schedule_take_finish(redis):
    keys = RunKeys(new_run())
    frontier = Frontier(redis, keys, "w1")
    assert frontier.schedule("fp-low", 0, b"low") is True
    assert frontier.schedule("fp-high", -10, b"high") is True
    assert frontier.schedule("fp-low", 0, b"low again") is False  # seen: not queued twice
    token, data = frontier.take()
    assert data == b"high"  # highest priority (lowest score) first
    assert redis.hget(keys.inflight("w1"), token) == b"-10 high"
    assert frontier.in_flight() == 1
    frontier.finish([token])
    assert frontier.in_flight() == 0
    assert frontier.take()[1] == b"low"
    assert frontier.take() is None
    assert redis.zscore(keys.workers, "w1") is not None  # taking is a heartbeat


def test_a_dead_workers_requests_go_back_to_the_queue(redis):
    keys = RunKeys(new_run())
    dying = Frontier(redis, keys, "dying", ttl=2.0)  # margins wide enough for a loaded CI machine
    for n in range(3):
        dying.schedule(f"fp{n}", -n, f"request {n}".encode())
    dying.take()
    dying.take()
    survivor = Frontier(redis, keys, "survivor", ttl=30)
    survivor.heartbeat()
    assert survivor.reap() == (0, 0)  # still before its deadline
    assert survivor.busy().in_flight == 2
    time.sleep(2.5)
    assert survivor.reap() == (1, 2)
    assert redis.exists(keys.inflight("dying")) == 0
    assert redis.zscore(keys.workers, "dying") is None
    assert sorted(survivor.take()[1] for _ in range(3)) == [b"request 0", b"request 1", b"request 2"]
    assert sorted(redis.zrange(keys.workers, 0, -1)) == [b"survivor"]


def test_a_closing_worker_puts_back_what_it_did_not_finish(redis):
    keys = RunKeys(new_run())
    worker = Frontier(redis, keys, "w1")
    worker.schedule("a", 0, b"a")
    worker.schedule("b", 0, b"b")
    done, unfinished = worker.take(), worker.take()
    worker.finish([done[0]])
    assert worker.release() == 1
    assert redis.zrange(keys.requests, 0, -1) == [unfinished[1]]
    assert redis.zscore(keys.workers, "w1") is None
    assert redis.exists(keys.inflight("w1")) == 0


def test_busy_counts_other_live_workers_in_flight(redis):
    keys = RunKeys(new_run())
    me, other = Frontier(redis, keys, "me"), Frontier(redis, keys, "other")
    for n in range(4):
        me.schedule(str(n), 0, str(n).encode())
    me.take()
    other.take()
    other.take()
    busy = me.busy()
    assert (busy.queued, busy.in_flight, busy.live, busy.dead) == (1, 2, 2, 0)
    assert other.busy().in_flight == 1


def test_clear_deletes_one_run_and_nothing_else(redis, redis_server, capsys):  # noqa: F811
    keys, other = RunKeys(new_run()), RunKeys(new_run())
    for run in (keys, other):
        frontier = Frontier(redis, run, "w1")
        frontier.schedule("fp", 0, b"x")
        frontier.take()
        frontier.release()
    redis.set("newscrawl:state:albawabh", "kept")
    redis_url = redis_server.url

    assert main(["status", "--run-id", keys.run_id, "--redis-url", redis_url]) == 0
    assert capsys.readouterr().out.strip() == (f"run_id={keys.run_id} queued=1 seen=1 in_flight=0 workers_live=0 "
                                                "workers_dead=0")
    Frontier(redis, keys, "live").heartbeat()
    assert main(["clear", "--run-id", keys.run_id, "--redis-url", redis_url]) == 1
    assert "1 live worker(s)" in capsys.readouterr().err
    assert main(["clear", "--run-id", keys.run_id, "--redis-url", redis_url, "--force"]) == 0
    assert f"cleared run {keys.run_id!r}" in capsys.readouterr().out
    assert list(redis.scan_iter(match=keys.pattern)) == []
    assert list(redis.scan_iter(match=other.pattern))  # the other run is untouched
    assert redis.get("newscrawl:state:albawabh") == b"kept"
    assert clear_run(redis, keys) == 0
    assert run_status(redis, keys)["queued"] == 0


def test_commands_refuse_bad_input_with_one_line(capsys):
    assert main(["status", "--run-id", "bad id", "--redis-url", "redis://127.0.0.1:1/0"]) == 2
    assert capsys.readouterr().err.startswith("newscrawl: error: NEWSCRAWL_RUN_ID='bad id'")
    assert main(["clear", "--run-id", "x", "--redis-url", f"redis://:pw@127.0.0.1:{closed_port()}/0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("newscrawl: error: cannot reach Redis at redis://:***@") and "pw" not in err


# -- the scheduler, in-process ---------------------------------------------------------------------------
def test_scrapy_engine_internals_the_scheduler_reads():
    """The two private parts of ExecutionEngine that newscrawl.distributed reads (see its docstring)."""
    import inspect

    from scrapy.core.engine import ExecutionEngine, _Slot
    from scrapy.utils.reactor import CallLaterOnce

    assert "self._slot" in inspect.getsource(ExecutionEngine.__init__)

    async def make_slot():
        return _Slot(True, CallLaterOnce(lambda: None), scheduler=None)

    slot = asyncio.run(make_slot())
    request = Request("http://127.0.0.1/1")
    slot.add_request(request)
    assert request in slot.inprogress
    slot.remove_request(request)
    assert request not in slot.inprogress
    assert callable(slot.nextcall.schedule)


def scheduler_for(redis_url: str, run_id: str, **settings):
    from scrapy.core.engine import _Slot
    from scrapy.utils.reactor import CallLaterOnce
    from scrapy.utils.test import get_crawler

    from newscrawl.spiders.albawabh import AlbawabhSpider

    crawler = get_crawler(AlbawabhSpider, {"REDIS_URL": redis_url, "NEWSCRAWL_RUN_ID": run_id, **settings})
    crawler.spider = AlbawabhSpider.from_crawler(crawler, base_url="http://127.0.0.1:8000")
    scheduler = RedisScheduler.from_crawler(crawler)
    crawler.engine = SimpleNamespace(_slot=_Slot(True, CallLaterOnce(lambda: None), scheduler))
    scheduler.open(crawler.spider)
    return scheduler, crawler.engine._slot


def test_joining_a_run_that_has_queued_requests(redis_server, redis):  # noqa: F811
    run_id = new_run()
    Frontier(redis, RunKeys(run_id), "earlier").schedule("fp", 0, b"queued by an earlier worker")

    async def scenario():
        scheduler, _ = scheduler_for(redis_server.url, run_id)  # no deprecation warning (filterwarnings=error)
        assert scheduler.has_pending_requests()
        scheduler.close("finished")

    asyncio.run(scenario())


def test_scheduler_tracks_what_the_engine_has_not_finished(redis_server):  # noqa: F811
    run_id = new_run()

    async def scenario():
        scheduler, slot = scheduler_for(redis_server.url, run_id, NEWSCRAWL_IDLE_WAIT=0.2)
        spider = scheduler.spider
        first = Request("http://127.0.0.1:8000/4912345", callback=spider.parse_article, priority=1)
        assert scheduler.enqueue_request(first) is True
        assert scheduler.enqueue_request(Request("http://127.0.0.1:8000/4912345")) is False  # seen
        assert scheduler.enqueue_request(Request("http://127.0.0.1:8000/4910876", callback=spider.parse_article))
        taken = scheduler.next_request()
        assert taken.url == first.url and taken.callback == spider.parse_article
        slot.add_request(taken)  # as the engine does
        second = scheduler.next_request()
        slot.add_request(second)
        assert scheduler.frontier.in_flight() == 2
        slot.remove_request(taken)  # the engine is done with it
        assert scheduler.next_request() is None
        assert scheduler.frontier.in_flight() == 1
        # Idle while another worker has a request in flight: wait (bounded), then give up.
        other = Frontier(scheduler.server, scheduler.keys, "other")
        other.schedule("fp-other", 0, b"other")
        other.take()
        with pytest.raises(DontCloseSpider):
            scheduler._on_spider_idle()
        await asyncio.sleep(0.25)
        assert scheduler._on_spider_idle() is None
        assert scheduler.stats.get_value("newscrawl/distributed/gave_up_waiting") == 1
        # Closing puts the unfinished request back, and flushes nothing.
        scheduler.close("finished")
        return scheduler

    scheduler = asyncio.run(scenario())
    status = run_status(scheduler.server, scheduler.keys)
    # Queued: the unfinished request, put back. Seen: both, and "other"'s (still in flight there).
    assert (status["queued"], status["seen"], status["in_flight"]) == (1, 3, 1)
    assert scheduler.stats.get_value("newscrawl/distributed/released") == 1


# -- real crawls -------------------------------------------------------------------------------------------
WORKER = ("-s", "CONCURRENT_REQUESTS=2", "-s", "DOWNLOAD_DELAY=0.2")


@dataclass
class Worker:
    process: subprocess.Popen
    directory: Path

    @property
    def log(self) -> str:
        return (self.directory / "log").read_text(encoding="utf-8", errors="replace")

    def items(self) -> list[dict]:
        """Every complete item line in the worker's feed file(s)."""
        items = []
        for feed in sorted(self.directory.glob("items*.jsonl")):
            for line in feed.read_text(encoding="utf-8", errors="replace").splitlines():
                try:
                    items.append(json.loads(line))
                except ValueError:
                    pass  # a line cut short by a kill
        return items

    def wait(self, timeout: float = 120) -> int:
        return self.process.wait(timeout=timeout)


def start_worker(directory: Path, site, redis_url: str, run_id: str, *args: str, batches: bool = False) -> Worker:
    """``scrapy crawl albawabh`` as one worker of ``run_id``; ``batches`` writes one feed file per item."""
    directory.mkdir(parents=True)
    feed = directory / ("items-%(batch_id)d.jsonl" if batches else "items.jsonl")
    batch = ("-s", "FEED_EXPORT_BATCH_ITEM_COUNT=1") if batches else ()
    cmd = [sys.executable, "-m", "scrapy", "crawl", "albawabh", "-O", str(feed), *FAST, *WORKER, *batch,
           "-a", f"base_url={site.base_url}", *args]
    env = {**os.environ, "REDIS_URL": redis_url, "NEWSCRAWL_RUN_ID": run_id,
           "NEWSCRAWL_FEED_DIR": str(directory / "feeds")}
    with (directory / "log").open("wb") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return Worker(process, directory)


def stop_all(workers: list[Worker]) -> None:
    for worker in workers:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait()


def expected_ids(expected: dict) -> set[str]:
    return {article["article_id"] for article in expected["articles"]}


def article_paths(hits: dict[str, int]) -> dict[str, int]:
    return {path: count for path, count in hits.items() if re.fullmatch(r"/\d{6,}", path)}


@pytest.mark.crawl
def test_unreachable_redis_is_one_line_and_exit_1(tmp_path):
    port = closed_port()
    result = run_crawl(tmp_path, env={"REDIS_URL": f"redis://:s3cret@127.0.0.1:{port}/0"}, timeout=60)
    assert result.returncode == 1
    assert result.log.strip().splitlines() == [
        f"newscrawl: error: cannot reach Redis at redis://:***@127.0.0.1:{port}/0 (Connection refused)"]


@pytest.mark.crawl
def test_two_workers_emit_every_article_once_and_both_work(tmp_path, site, redis, redis_server, expected):  # noqa: F811
    run_id = new_run()
    before = site.hits()
    workers = []
    try:
        for name in ("a", "b"):
            workers.append(start_worker(tmp_path / name, site, redis_server.url, run_id))
            time.sleep(0.5)
        codes = [worker.wait() for worker in workers]
    finally:
        stop_all(workers)
    assert codes == [0, 0], "\n\n".join(worker.log[-3000:] for worker in workers)
    ids = [[item["article_id"] for item in worker.items()] for worker in workers]
    union = ids[0] + ids[1]
    assert sorted(union) == sorted(expected_ids(expected)), "each article exactly once, none missing"
    assert all(ids), f"each worker emitted articles: {[len(found) for found in ids]}"
    # Fetched once across both workers, too (the run's shared fingerprint set).
    fetched = article_paths({path: count - before.get(path, 0) for path, count in site.hits().items()})
    assert all(count == 1 for count in fetched.values()), {p: c for p, c in fetched.items() if c != 1}
    # The first worker to finish flushed nothing: the run's seen set is still there, nothing is left over.
    status = run_status(redis, RunKeys(run_id))
    assert status["seen"] > len(union) and status["queued"] == status["in_flight"] == status["workers_live"] == 0
    assert 0 < redis.ttl(RunKeys(run_id).dupefilter) <= 300  # the last one out set the run to expire
    assert "is complete (last worker out)" in (workers[0].log + workers[1].log)
    # A late worker of the finished run finds nothing to do; `clear` then starts the run afresh.
    late = start_worker(tmp_path / "late", site, redis_server.url, run_id)
    late.wait()
    assert late.items() == [] and "Closing spider (finished)" in late.log
    assert f"run {run_id!r} is already complete ({status['seen']} pages seen): nothing to do" in late.log
    assert f"'newscrawl/distributed/run_seen': {status['seen']}" in late.log
    clear = subprocess.run([sys.executable, "-m", "newscrawl.distributed", "clear", "--run-id", run_id,
                            "--redis-url", redis_server.url], cwd=ROOT, capture_output=True, text=True)
    assert clear.returncode == 0 and f"cleared run {run_id!r}" in clear.stdout, clear.stderr
    assert list(redis.scan_iter(match=RunKeys(run_id).pattern)) == []


def inflight_urls(redis, keys: RunKeys, worker_pid: int) -> list[str]:
    """The URLs a worker (found by its pid) had taken and not finished, read from its in-flight hash."""
    for key in redis.scan_iter(match=f"{keys.inflight_prefix}*"):
        if key.decode().split(":")[-2] == str(worker_pid):
            return [pickle.loads(entry.split(b" ", 1)[1])["url"] for entry in redis.hvals(key)]
    return []


@pytest.mark.crawl
def test_a_killed_workers_requests_are_taken_over(tmp_path, site, redis, redis_server, expected):  # noqa: F811
    run_id = new_run()
    keys = RunKeys(run_id)
    timing = ("-s", "NEWSCRAWL_WORKER_TTL=2", "-s", "NEWSCRAWL_IDLE_WAIT=30", "-s", "DOWNLOAD_DELAY=0.2")
    workers = []
    try:
        survivor = start_worker(tmp_path / "survivor", site, redis_server.url, run_id, *timing)
        workers.append(survivor)
        time.sleep(0.5)
        # One feed file per item: what the victim emitted before the kill is on disk, not in a buffer.
        victim = start_worker(tmp_path / "victim", site, redis_server.url, run_id, *timing, batches=True)
        workers.append(victim)
        # Kill it once it has both finished work (an item whose request left its in-flight hash) and
        # unfinished work (requests still in that hash).
        deadline = time.monotonic() + 60
        while True:
            holding = {url.rsplit("/", 1)[-1] for url in inflight_urls(redis, keys, victim.process.pid)}
            if holding and {item["article_id"] for item in victim.items()} - holding:
                break
            assert time.monotonic() < deadline and victim.process.poll() is None, victim.log[-3000:]
            time.sleep(0.05)
        victim.process.send_signal(signal.SIGKILL)
        victim.wait()
        taken = inflight_urls(redis, keys, victim.process.pid)
        hits_at_kill = site.hits()
        assert survivor.wait() == 0, survivor.log[-3000:]
    finally:
        stop_all(workers)
    assert taken, "the victim had requests in flight when it was killed"
    assert re.search(rf"put their {len(taken)} unfinished request\(s\) back", survivor.log), survivor.log[-3000:]
    # Every request the victim held was fetched again, by the survivor.
    paths = {url.split(site.base_url, 1)[1] or "/" for url in taken}
    refetched = {path for path in paths if site.hits().get(path, 0) > hits_at_kill.get(path, 0)}
    assert refetched == paths
    # Between them, every article; twice only if the victim wrote it just before dying.
    survivor_ids = [item["article_id"] for item in survivor.items()]
    victim_ids = [item["article_id"] for item in victim.items()]
    assert set(survivor_ids) | set(victim_ids) == expected_ids(expected)
    assert len(survivor_ids) == len(set(survivor_ids)) and len(victim_ids) == len(set(victim_ids))
    taken_ids = {path.strip("/") for path in paths}
    assert set(victim_ids) - taken_ids, "the victim had finished some articles before it was killed"
    assert not (set(survivor_ids) & (set(victim_ids) - taken_ids)), "finished work is not done again"
    assert set(survivor_ids) & set(victim_ids) <= taken_ids
    status = run_status(redis, keys)
    assert status["queued"] == status["in_flight"] == status["workers_live"] == status["workers_dead"] == 0
