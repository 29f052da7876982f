"""A JOBDIR that a run left unfinished is started afresh, never resumed half-written.

Scrapy keeps a job in ``JOBDIR``: the scheduler's queue (``requests.queue/``, with ``active.json``
written only when the spider closes), the fingerprints of every request scheduled (``requests.seen``,
appended as the run goes, flushed by an 8 KiB buffer) and ``spider.state``. A run stopped gracefully
(one SIGTERM, Ctrl-C) writes all of it, and the next run with the same ``JOBDIR`` resumes exactly. A run
killed outright (a second SIGTERM, SIGKILL when ``docker stop``'s grace period runs out, the OOM killer)
leaves fingerprints whose queue is gone: resumed, the crawl would filter the home page and every listing
it had seen and silently lose their pending requests, in that run and every later one.

While a run holds the ``JOBDIR``, the file ``newscrawl.running`` marks it; it is removed once the feeds
are stored and the state committed (``feed_exporter_closed``, after the scheduler wrote its queue). A run
that finds the mark starts the job afresh: it removes the job's files and crawls from the start. The
incremental state still skips what earlier runs delivered; what the killed run emitted but did not commit
is emitted again (at-least-once, see ``newscrawl.state``).
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.extensions.feedexport import FeedExporter
from scrapy.utils.job import job_dir

logger = logging.getLogger(__name__)

MARK = "newscrawl.running"
JOB_FILES = ("requests.seen", "requests.queue", "spider.state")


def start_job(jobdir: Path) -> bool:
    """Mark ``jobdir`` as held by this run; True when an unfinished run's files had to be removed first."""
    jobdir.mkdir(parents=True, exist_ok=True)
    mark = jobdir / MARK
    unfinished = mark.exists()
    if unfinished:
        for name in JOB_FILES:
            path = jobdir / name
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    mark.write_text(f"pid {os.getpid()}\n", encoding="utf-8")
    return unfinished


class JobdirGuard:
    def __init__(self, crawler, jobdir: Path, restarted: bool):
        self.crawler = crawler
        self.jobdir = jobdir
        self.restarted = restarted

    @classmethod
    def from_crawler(cls, crawler):
        # Extensions are built before the engine opens the scheduler, which reads the job's files.
        if not (jobdir := job_dir(crawler.settings)):
            raise NotConfigured
        guard = cls(crawler, Path(jobdir), start_job(Path(jobdir)))
        crawler.signals.connect(guard.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(guard.feed_exporter_closed, signal=signals.feed_exporter_closed)
        crawler.signals.connect(guard.spider_closed, signal=signals.spider_closed)
        return guard

    def spider_opened(self, spider) -> None:
        if self.restarted:
            logger.warning("JOBDIR %s was left by a run that did not finish (killed, or a second SIGTERM): its "
                           "queue is lost, so the job starts afresh", self.jobdir)
            self.crawler.stats.set_value("newscrawl/jobdir/restarted", 1)

    def feed_exporter_closed(self) -> None:
        (self.jobdir / MARK).unlink(missing_ok=True)

    def spider_closed(self, spider, reason: str) -> None:
        # Without feeds no feed_exporter_closed comes: the scheduler has written its queue by now.
        if not any(isinstance(ext, FeedExporter) for ext in self.crawler.extensions.middlewares):
            (self.jobdir / MARK).unlink(missing_ok=True)
