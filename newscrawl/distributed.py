"""One frontier for any number of crawl processes: scrapy-redis, scoped to a run, safe against a killed worker.

With ``REDIS_URL`` set (the add-on in ``newscrawl.addons.distributed`` switches this on), every
``scrapy crawl albawabh`` process is a *worker* of the run named by ``NEWSCRAWL_RUN_ID``. The workers of
a run share these keys under ``newscrawl:run:<run id>:``

=====================  ======  ==========================================================================
key                    type    holds
=====================  ======  ==========================================================================
``requests``           zset    the queue: scrapy-redis's PriorityQueue format (pickled request, -priority)
``dupefilter``         set     the fingerprint of every request scheduled in the run (scrapy-redis's)
``workers``            zset    worker id -> deadline in Redis server time; a worker past it is dead
``inflight:<worker>``  hash    the requests a worker took from the queue and has not finished
``seq``                string  a counter naming in-flight entries
=====================  ======  ==========================================================================

What differs from plain scrapy-redis 0.9.1, and why:

- **No worker ever flushes.** scrapy-redis's scheduler deletes the queue and the seen set when any worker
  closes with ``SCHEDULER_PERSIST = False``, under the feet of the others. Here a run's keys stay until
  ``python -m newscrawl.distributed clear --run-id X``, and a later worker of the same run resumes it.
  The last worker out of a complete run (queue empty, nothing in flight, no other worker left) sets the
  run's keys to expire after ``NEWSCRAWL_RUN_EXPIRE`` seconds (five minutes, less than a 15-minute
  schedule; 0 keeps them): runs do not pile up in Redis, and a run id can be used again once its run has
  expired. Until then, a worker joining the
  complete run finds nothing to do, and says so.
- **Taking a request is recorded.** A request moves from the queue into the worker's in-flight hash in one
  Lua script, and leaves it once Scrapy is done with it (downloaded, parsed, its items through the
  pipelines). A worker pushes its deadline ``NEWSCRAWL_WORKER_TTL`` seconds ahead whenever it takes a
  request and every third of that; any worker finding another past its deadline (killed, frozen, cut off)
  puts that worker's in-flight requests back in the queue. A worker closing normally puts back what it did
  not finish.
- **Scheduling is atomic.** Marking a request seen and queueing it is one script: a worker killed between
  the two cannot lose it.
- **Idle is not finished.** Scrapy closes a spider once its scheduler is empty and nothing is in flight
  locally, while another worker may be parsing a page that queues fifty more. An idle worker waits while a
  live worker has requests in flight (the queue is checked every half second), at most
  ``NEWSCRAWL_IDLE_WAIT`` seconds in a row. Keep it above the TTL, so that the last worker standing
  outlives a killed one's deadline and takes over its requests.
- **Redis lost mid-run** closes the spider with the reason ``redis_unavailable`` (one error line, exit 1)
  instead of a traceback on every scheduler call.

Delivery: a URL is queued once per run (the shared fingerprint set) and taken by one worker, so a run
whose workers end normally fetches and emits every article once. A killed worker's unfinished requests
are fetched again by another: at least once for those, because the killed worker may have written an
item before it died. Requests are pickled (scrapy-redis's default): only workers of this project may
write to the run's keys.

Two private parts of Scrapy are read, both on ``ExecutionEngine._slot`` (tested against the pinned
Scrapy in ``tests/test_distributed.py``): ``inprogress``, the requests the engine has not finished, and
``nextcall``, to look at the queue again soon while waiting.

Run ``python -m newscrawl.distributed --help`` for the ``status`` and ``clear`` commands.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import secrets
import socket
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import redis
from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.misc import load_object
from scrapy_redis import connection
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

logger = logging.getLogger(__name__)

KEY_PREFIX = "newscrawl:run:"
RUN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
QUEUE_CLASS = "scrapy_redis.queue.PriorityQueue"  # the Lua scripts below know its layout (a zset)
DEFAULT_IDLE_WAIT = 60.0
DEFAULT_WORKER_TTL = 30.0
DEFAULT_RUN_EXPIRE = 300  # shorter than a 15-minute schedule: the next scheduled run starts afresh
IDLE_POLL = 0.5
CONNECT_TIMEOUT = 5.0
REDIS_ERRORS = (redis.ConnectionError, redis.TimeoutError)


class RedisUnavailable(RuntimeError):
    """Redis could not be reached; ``str()`` is the one line to show."""


# -- names, URLs, connections ---------------------------------------------------------------------
def check_run_id(run_id: object) -> str:
    """The run id if usable in key names (letters, digits, ``._-``; 100 at most), else ValueError."""
    text = str(run_id or "").strip()
    if not RUN_ID.fullmatch(text):
        raise ValueError(f"NEWSCRAWL_RUN_ID={text!r} is not a run id: use letters, digits, '.', '_' and '-'")
    return text


def redact_url(url: str) -> str:
    """``url`` without its password, for messages: ``redis://user:***@host:6379/0``."""
    try:
        parts = urlsplit(url)
        if parts.password is None:
            return url
        host = parts.netloc.rpartition("@")[2]
        user = parts.username or ""
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "<unreadable Redis URL>"


def ping(url: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Connect to the Redis at ``url`` and ping it; RedisUnavailable with a one-line reason if that fails."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=timeout, socket_timeout=timeout)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError, OSError) as exc:
        raise RedisUnavailable(f"cannot reach Redis at {redact_url(url)} ({_reason(exc)})") from None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().rstrip(".")
    # redis-py says "Error 111 connecting to 127.0.0.1:6390. Connection refused."; keep the cause.
    if match := re.search(r"(?:Error \S+ connecting to \S+?)\.?\s+(.+)$", text):
        text = match.group(1).rstrip(".")
    return text or type(exc).__name__


@dataclass(frozen=True)
class RunKeys:
    """The Redis keys of one run."""

    run_id: str

    @property
    def prefix(self) -> str:
        return f"{KEY_PREFIX}{self.run_id}:"

    @property
    def requests(self) -> str:
        return f"{self.prefix}requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.prefix}workers"

    @property
    def seq(self) -> str:
        return f"{self.prefix}seq"

    @property
    def inflight_prefix(self) -> str:
        return f"{self.prefix}inflight:"

    def inflight(self, worker: str) -> str:
        return f"{self.inflight_prefix}{worker}"

    @property
    def pattern(self) -> str:
        """A SCAN pattern for every key of the run (run ids hold no glob characters)."""
        return f"{self.prefix}*"


# -- the Redis side, no Scrapy ------------------------------------------------------------------------
# Server time, so that workers on machines with skewed clocks agree on deadlines.
_NOW = "local t = redis.call('TIME') local now = tonumber(t[1]) + tonumber(t[2]) / 1000000 "

# Put every request of the in-flight hash KEYS[3] back in the queue KEYS[2]; drop the hash and the worker.
# Entries are "<score> <pickled request>"; the score has no space.
_REQUEUE_FN = """
local function requeue(queue, workers, inflight, worker)
  local moved = 0
  for _, entry in ipairs(redis.call('HVALS', inflight)) do
    local sep = string.find(entry, ' ', 1, true)
    redis.call('ZADD', queue, string.sub(entry, 1, sep - 1), string.sub(entry, sep + 1))
    moved = moved + 1
  end
  redis.call('DEL', inflight)
  redis.call('ZREM', workers, worker)
  return moved
end
"""

SCHEDULE = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""

TAKE = _NOW + """
redis.call('ZADD', KEYS[4], now + tonumber(ARGV[2]), ARGV[1])
local popped = redis.call('ZPOPMIN', KEYS[1])
if #popped == 0 then return false end
local token = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], token, popped[2] .. ' ' .. popped[1])
return {token, popped[1]}
"""

HEARTBEAT = _NOW + "redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) return 1"

REAP = _NOW + _REQUEUE_FN + """
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now)
local moved = 0
for _, worker in ipairs(dead) do
  moved = moved + requeue(KEYS[2], KEYS[1], ARGV[1] .. worker, worker)
end
return {#dead, moved}
"""

RELEASE = _REQUEUE_FN + "return requeue(KEYS[2], KEYS[1], KEYS[3], ARGV[1])"

BUSY = _NOW + """
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
local inflight = 0
for _, worker in ipairs(live) do
  if worker ~= ARGV[2] then inflight = inflight + redis.call('HLEN', ARGV[1] .. worker) end
end
return {redis.call('ZCARD', KEYS[2]), inflight, #live, redis.call('ZCARD', KEYS[1]) - #live}
"""


@dataclass(frozen=True)
class Busy:
    queued: int  #: requests in the queue
    in_flight: int  #: requests taken and not finished by live workers (other than the one asking)
    live: int  #: workers before their deadline
    dead: int  #: workers past it whose requests have not been put back yet


class Frontier:
    """A run's shared queue as seen by one worker: take, finish, heartbeat, put back what the dead held."""

    def __init__(self, server: redis.Redis, keys: RunKeys, worker: str, ttl: float = DEFAULT_WORKER_TTL):
        self.server = server
        self.keys = keys
        self.worker = worker
        self.ttl = ttl
        self._schedule = server.register_script(SCHEDULE)
        self._take = server.register_script(TAKE)
        self._heartbeat = server.register_script(HEARTBEAT)
        self._reap = server.register_script(REAP)
        self._release = server.register_script(RELEASE)
        self._busy = server.register_script(BUSY)

    def schedule(self, fingerprint: str, score: float, data: bytes) -> bool:
        """Mark ``fingerprint`` seen and queue ``data``; False (nothing queued) if it was seen before."""
        return bool(self._schedule(keys=[self.keys.dupefilter, self.keys.requests], args=[fingerprint, score, data]))

    def take(self) -> tuple[str, bytes] | None:
        """The next request (highest priority first) and its in-flight token, or None if the queue is empty."""
        taken = self._take(keys=[self.keys.requests, self.keys.inflight(self.worker), self.keys.seq,
                                 self.keys.workers], args=[self.worker, self.ttl])
        if not taken:
            return None
        token, data = taken
        return str(int(token)), data

    def finish(self, tokens: list[str]) -> None:
        if tokens:
            self.server.hdel(self.keys.inflight(self.worker), *tokens)

    def heartbeat(self) -> None:
        self._heartbeat(keys=[self.keys.workers], args=[self.worker, self.ttl])

    def reap(self) -> tuple[int, int]:
        """Put back the requests of workers past their deadline: (workers reaped, requests put back)."""
        dead, moved = self._reap(keys=[self.keys.workers, self.keys.requests], args=[self.keys.inflight_prefix])
        return int(dead), int(moved)

    def release(self) -> int:
        """Leave the run: put back this worker's unfinished requests; how many there were."""
        return int(self._release(keys=[self.keys.workers, self.keys.requests, self.keys.inflight(self.worker)],
                                 args=[self.worker]))

    def busy(self) -> Busy:
        queued, in_flight, live, dead = self._busy(keys=[self.keys.workers, self.keys.requests],
                                                   args=[self.keys.inflight_prefix, self.worker])
        return Busy(int(queued), int(in_flight), int(live), int(dead))

    def in_flight(self) -> int:
        """This worker's own in-flight count, as Redis has it."""
        return int(self.server.hlen(self.keys.inflight(self.worker)))


def new_worker_id() -> str:
    """``<host>:<pid>:<random>``: the pod name in Kubernetes, and unique when a pid is reused."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


# -- the Scrapy side --------------------------------------------------------------------------------
class RunDupeFilter(RFPDupeFilter):
    """scrapy-redis's fingerprint set, kept when a worker closes (the run owns it, not the worker).

    The fingerprint is scrapy-redis's (method, canonical URL, body), so it is the same in every worker
    whatever its settings; article URLs are always ``<base_url>/<id>`` (the spider normalizes print
    views and host spellings first), so an article has one fingerprint in the whole run.
    """

    def close(self, reason: str = "") -> None:
        return None


def _engine(crawler):
    """The crawler's engine, or None before it exists (``Crawler.engine`` raises until then)."""
    try:
        return crawler.engine
    except (AttributeError, RuntimeError):
        return None


def _engine_slot(crawler):
    """The engine's slot (private API, see the module docstring), or None before the engine opens."""
    return getattr(_engine(crawler), "_slot", None)


class RedisScheduler(Scheduler):
    """scrapy-redis's scheduler over a :class:`Frontier`: persistent, crash-safe, waiting while others work."""

    def __init__(self, server: redis.Redis, *, crawler, keys: RunKeys, ttl: float, idle_wait: float,
                 run_expire: int = DEFAULT_RUN_EXPIRE, worker: str | None = None, redis_url: str = ""):
        super().__init__(
            server,
            persist=True,
            flush_on_start=False,
            queue_key=keys.requests,
            queue_cls=QUEUE_CLASS,
            dupefilter=RunDupeFilter(server, key=keys.dupefilter,
                                     debug=crawler.settings.getbool("DUPEFILTER_DEBUG")),
            dupefilter_key=keys.dupefilter,
            idle_before_close=0,
        )
        self.crawler = crawler
        self.stats = crawler.stats
        self.keys = keys
        self.frontier = Frontier(server, keys, worker or new_worker_id(), ttl)
        self.idle_wait = idle_wait
        self.run_expire = run_expire
        self.redis_url = redis_url
        self._taken: dict[str, object] = {}  # token -> the Request object handed to the engine
        self._idle_since: float | None = None
        self._beat = None  # the heartbeat's looping call, from open() on
        self._failed = False

    @classmethod
    def from_crawler(cls, crawler) -> RedisScheduler:
        settings = crawler.settings
        keys = RunKeys(check_run_id(settings.get("NEWSCRAWL_RUN_ID")))
        ttl = settings.getfloat("NEWSCRAWL_WORKER_TTL", DEFAULT_WORKER_TTL)
        idle_wait = settings.getfloat("NEWSCRAWL_IDLE_WAIT", DEFAULT_IDLE_WAIT)
        if ttl <= 0 or idle_wait < 0:
            raise ValueError("NEWSCRAWL_WORKER_TTL must be above 0 and NEWSCRAWL_IDLE_WAIT 0 or more")
        server = connection.from_settings(settings)
        scheduler = cls(server, crawler=crawler, keys=keys, ttl=ttl, idle_wait=idle_wait,
                        run_expire=settings.getint("NEWSCRAWL_RUN_EXPIRE", DEFAULT_RUN_EXPIRE),
                        redis_url=settings.get("REDIS_URL", ""))
        crawler.signals.connect(scheduler._on_spider_idle, signal=signals.spider_idle)
        return scheduler

    @property
    def worker(self) -> str:
        return self.frontier.worker

    # -- lifecycle ---------------------------------------------------------------------------------
    def open(self, spider) -> None:
        # scrapy-redis's open() minus its "Resuming crawl" message, which uses the deprecated Spider.log().
        self.spider = spider
        self.queue = load_object(self.queue_cls)(server=self.server, spider=spider, key=self.queue_key,
                                                 serializer=self.serializer)
        self.frontier.heartbeat()
        dead, moved = self.frontier.reap()
        self._note_reaped(dead, moved)
        self.stats.set_value("newscrawl/distributed/worker", self.worker)
        self._beat = create_looping_call(self._on_heartbeat)
        self._beat.start(max(self.frontier.ttl / 3, 0.2), now=False)
        busy = self.frontier.busy()
        logger.info("worker %s joined run %r on %s (%d requests queued, %d in flight on %d other worker(s))",
                    self.worker, self.keys.run_id, redact_url(self.redis_url), busy.queued, busy.in_flight,
                    busy.live - 1)
        if not (busy.queued or busy.in_flight or busy.live > 1) and (seen := self.server.scard(self.keys.dupefilter)):
            ttl = self.server.ttl(self.keys.dupefilter)
            logger.warning("run %r is already complete (%d pages seen): nothing to do. Use a new NEWSCRAWL_RUN_ID, "
                           "or clear this one (python -m newscrawl.distributed clear --run-id %s)%s",
                           self.keys.run_id, seen, self.keys.run_id,
                           f"; it expires in {ttl}s" if ttl and ttl > 0 else "")
        if self.idle_wait < self.frontier.ttl:
            logger.warning("NEWSCRAWL_IDLE_WAIT (%gs) is below NEWSCRAWL_WORKER_TTL (%gs): a worker may exit "
                           "before a killed one's requests are put back; a later worker will take them",
                           self.idle_wait, self.frontier.ttl)

    def close(self, reason: str) -> None:
        self._stop_heartbeat()
        if self._failed:
            return
        try:
            self._reconcile()
            released = self.frontier.release()
            # For the run's outcome: a worker that fetched nothing is fine if its run fetched pages.
            self.stats.set_value("newscrawl/distributed/run_seen", int(self.server.scard(self.keys.dupefilter)))
            busy = self.frontier.busy()  # this worker has left: counts the others only
            complete = reason == "finished" and not (busy.queued or busy.in_flight or busy.live or busy.dead)
            expiring = expire_run(self.server, self.keys, self.run_expire) if complete and self.run_expire else 0
        except REDIS_ERRORS as exc:
            logger.error("could not leave run %r cleanly (%s); its requests come back after %gs",
                         self.keys.run_id, _reason(exc), self.frontier.ttl)
            return
        if released:
            self.stats.inc_value("newscrawl/distributed/released", released)
            logger.info("put %d unfinished request(s) back in the queue of run %r", released, self.keys.run_id)
        if expiring:
            logger.info("run %r is complete (last worker out): its %d keys expire in %ds", self.keys.run_id,
                        expiring, self.run_expire)
        # Never flush: the queue and the seen set belong to the run, not to this worker.

    # -- the scheduler interface -------------------------------------------------------------------
    def enqueue_request(self, request) -> bool:
        if self._failed:
            return False
        try:
            data = self.queue._encode_request(request)
            if request.dont_filter:  # a retry, or a request meant to repeat: queued, never marked seen
                self.server.zadd(self.keys.requests, {data: -request.priority})
                queued = True
            else:
                queued = self.frontier.schedule(self.df.request_fingerprint(request), -request.priority, data)
        except REDIS_ERRORS as exc:
            self._lost_redis(exc)
            return False
        if not queued:
            self.df.log(request, self.spider)
            return False
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        if self._failed:
            return None
        try:
            self._reconcile()
            while taken := self.frontier.take():
                token, data = taken
                try:
                    request = self.queue._decode_request(data)
                except Exception:
                    logger.exception("dropped a queued request that no longer decodes")
                    self.stats.inc_value("newscrawl/distributed/undecodable")
                    self.frontier.finish([token])
                    continue
                self._taken[token] = request
                self._idle_since = None
                self.stats.inc_value("scheduler/dequeued/redis")
                return request
        except REDIS_ERRORS as exc:
            self._lost_redis(exc)
        return None

    def has_pending_requests(self) -> bool:
        if self._failed:
            return False
        try:
            return len(self.queue) > 0
        except REDIS_ERRORS as exc:
            self._lost_redis(exc)
            return False

    # -- bookkeeping -------------------------------------------------------------------------------
    def _reconcile(self) -> None:
        """Tell Redis which taken requests the engine has finished with."""
        if not self._taken:
            return
        slot = _engine_slot(self.crawler)
        in_progress = getattr(slot, "inprogress", None)
        if in_progress is None:
            return
        done = [token for token, request in self._taken.items() if request not in in_progress]
        if done:
            self.frontier.finish(done)
            for token in done:
                del self._taken[token]

    def _on_heartbeat(self) -> None:
        if self._failed:
            return
        try:
            self.frontier.heartbeat()
            self._reconcile()
            self._note_reaped(*self.frontier.reap())
        except REDIS_ERRORS as exc:
            self._lost_redis(exc)

    def _stop_heartbeat(self) -> None:
        if self._beat is not None and self._beat.running:
            self._beat.stop()

    def _note_reaped(self, dead: int, moved: int) -> None:
        if dead:
            self.stats.inc_value("newscrawl/distributed/requeued", moved)
            logger.warning("%d worker(s) of run %r stopped answering; put their %d unfinished request(s) back "
                           "in the queue", dead, self.keys.run_id, moved)

    def _on_spider_idle(self, spider=None) -> None:
        """Keep an idle worker open while the queue may still grow (DontCloseSpider), for a bounded time."""
        if self._failed:
            return
        try:
            self._reconcile()
            self._note_reaped(*self.frontier.reap())
            busy = self.frontier.busy()
        except REDIS_ERRORS as exc:
            self._lost_redis(exc)
            return
        if busy.queued:
            self._idle_since = None
            self._wake(0)
            raise DontCloseSpider
        if not busy.in_flight:
            return  # the run is done, as far as this worker can tell
        now = time.monotonic()
        if self._idle_since is None:
            self._idle_since = now
            logger.info("queue empty; waiting for %d request(s) in flight on other workers (at most %gs)",
                        busy.in_flight, self.idle_wait)
        waited = now - self._idle_since
        self.stats.max_value("newscrawl/distributed/idle_wait_max", round(waited, 1))
        if waited >= self.idle_wait:
            self.stats.inc_value("newscrawl/distributed/gave_up_waiting")
            logger.warning("gave up waiting after %.0fs: %d request(s) still in flight on other workers, which "
                           "will finish them", waited, busy.in_flight)
            return
        self._wake(IDLE_POLL)
        raise DontCloseSpider

    def _wake(self, delay: float) -> None:
        """Have the engine ask for requests again in ``delay`` seconds instead of its 5-second heartbeat."""
        slot = _engine_slot(self.crawler)
        nextcall = getattr(slot, "nextcall", None)
        if nextcall is not None:
            nextcall.schedule(delay)

    def _lost_redis(self, exc: BaseException) -> None:
        if self._failed:
            return
        self._failed = True
        self._stop_heartbeat()
        logger.error("lost Redis at %s (%s): closing the spider; the run's queue is kept",
                     redact_url(self.redis_url), _reason(exc))
        if (engine := _engine(self.crawler)) is not None:
            deferred_from_coro(engine.close_spider_async(reason="redis_unavailable"))


# -- python -m newscrawl.distributed -------------------------------------------------------------
def run_status(server: redis.Redis, keys: RunKeys) -> dict:
    """Counts of a run: queued, seen, live and dead workers, in flight; all 0 for an unknown run."""
    busy = Frontier(server, keys, worker="").busy()
    return {"run_id": keys.run_id, "queued": busy.queued, "seen": int(server.scard(keys.dupefilter)),
            "in_flight": busy.in_flight, "workers_live": busy.live, "workers_dead": busy.dead}


def _run_keys_in(server: redis.Redis, keys: RunKeys):
    """Every key of the run, in batches of up to 500."""
    batch: list[bytes] = []
    for key in server.scan_iter(match=keys.pattern, count=1000):
        batch.append(key)
        if len(batch) >= 500:
            yield batch
            batch = []
    if batch:
        yield batch


def expire_run(server: redis.Redis, keys: RunKeys, seconds: int) -> int:
    """Have every key of the run expire in ``seconds``; how many keys there were."""
    count = 0
    for batch in _run_keys_in(server, keys):
        with server.pipeline(transaction=False) as pipe:
            for key in batch:
                pipe.expire(key, seconds)
            pipe.execute()
        count += len(batch)
    return count


def clear_run(server: redis.Redis, keys: RunKeys) -> int:
    """Delete every key of the run; how many there were."""
    return sum(server.delete(*batch) for batch in _run_keys_in(server, keys))


def main(argv: list[str] | None = None) -> int:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    parser = argparse.ArgumentParser(
        prog="python -m newscrawl.distributed",
        description="Look at or clear the Redis keys of a distributed crawl run (newscrawl:run:<run id>:*).")
    parser.add_argument("command", choices=("status", "clear"),
                        help="status: counts of the run; clear: delete all its keys (queue, seen set, workers)")
    parser.add_argument("--run-id", default=settings.get("NEWSCRAWL_RUN_ID"),
                        help="the run (default: NEWSCRAWL_RUN_ID, now %(default)r)")
    parser.add_argument("--redis-url", default=settings.get("REDIS_URL"),
                        help="the Redis (default: REDIS_URL)")
    parser.add_argument("--force", action="store_true", help="clear even while workers of the run are live")
    args = parser.parse_args(argv)
    try:
        keys = RunKeys(check_run_id(args.run_id))
        if not args.redis_url:
            raise ValueError("no Redis: set REDIS_URL or pass --redis-url")
        ping(args.redis_url)
    except (ValueError, RedisUnavailable) as exc:
        print(f"newscrawl: error: {exc}", file=sys.stderr)
        return 2
    server = redis.Redis.from_url(args.redis_url, socket_connect_timeout=CONNECT_TIMEOUT)
    status = run_status(server, keys)
    if args.command == "status":
        print(" ".join(f"{name}={value}" for name, value in status.items()))
        return 0
    if status["workers_live"] and not args.force:
        print(f"newscrawl: error: run {keys.run_id!r} has {status['workers_live']} live worker(s); stop them "
              "first or pass --force", file=sys.stderr)
        return 1
    deleted = clear_run(server, keys)
    print(f"cleared run {keys.run_id!r}: {deleted} key(s) deleted")
    return 0


if __name__ == "__main__":
    sys.exit(main())
