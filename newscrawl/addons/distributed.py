"""Add-on switched on by ``REDIS_URL``: every crawl process becomes a worker of one shared frontier.

Unset, nothing changes (not even an import). Set, the scheduler and the duplicate filter are ``newscrawl.distributed``'s
(scrapy-redis underneath), with every key under ``newscrawl:run:<NEWSCRAWL_RUN_ID>:``. See that module for
how workers share, wait for and recover each other's work, and the README ("Scaling out and rendering")
for running them.

Settings read (besides ``REDIS_URL`` and ``NEWSCRAWL_RUN_ID``):

- ``NEWSCRAWL_IDLE_WAIT`` (60): seconds an idle worker waits for requests still in flight on other workers;
- ``NEWSCRAWL_WORKER_TTL`` (30): seconds of silence after which a worker counts as dead and its
  unfinished requests go back in the queue;
- ``NEWSCRAWL_RUN_EXPIRE`` (300): once a run is complete, its keys expire after this many seconds
  (0: kept until ``python -m newscrawl.distributed clear``);
- ``REDIS_PARAMS``: scrapy-redis's client options (timeouts, ...), as documented there.

Before the crawler starts (``update_pre_crawler_settings``, so before Scrapy's logging starts too) the
run id is checked and Redis is pinged: a bad run id or an unreachable Redis ends the command with one
line on stderr, ``newscrawl: error: cannot reach Redis at redis://host:6379/0 (Connection refused)``,
password redacted, and exit status 1.
"""

from __future__ import annotations

SCHEDULER = "newscrawl.distributed.RedisScheduler"
DUPEFILTER = "newscrawl.distributed.RunDupeFilter"


class RedisAddon:
    @classmethod
    def update_pre_crawler_settings(cls, settings) -> None:
        url = settings.get("REDIS_URL")
        if not url:
            return
        from newscrawl.distributed import RedisUnavailable, check_run_id, ping

        try:
            check_run_id(settings.get("NEWSCRAWL_RUN_ID"))
            ping(url)
        except (ValueError, RedisUnavailable) as exc:
            raise SystemExit(f"newscrawl: error: {exc}") from None

    def update_settings(self, settings) -> None:
        if not settings.get("REDIS_URL"):
            return
        from newscrawl.distributed import QUEUE_CLASS, RunKeys, check_run_id

        keys = RunKeys(check_run_id(settings.get("NEWSCRAWL_RUN_ID")))
        for name, value in {
            "SCHEDULER": SCHEDULER,
            "DUPEFILTER_CLASS": DUPEFILTER,
            # What scrapy-redis's own classes would read; ours take the same values from RunKeys.
            "SCHEDULER_QUEUE_CLASS": QUEUE_CLASS,
            "SCHEDULER_QUEUE_KEY": keys.requests,
            "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
            "SCHEDULER_PERSIST": True,
            "SCHEDULER_FLUSH_ON_START": False,
        }.items():
            settings.set(name, value, priority="addon")
