"""``scrapy crawl`` for this project: checked arguments, a run summary and an exit code that means something.

Scrapy's own ``crawl`` exits 0 when a feed failed to store and prints a traceback for a bad spider
argument. A scheduler needs better: this command (``COMMANDS_MODULE``) replaces it and

- checks the albawabh spider's arguments and the feed variables first and prints one line naming a bad
  one (exit 2);
- checks the state before the crawl: another run holding it exits 3 with one line (two overlapping runs
  must never both deliver), a state file that is not one exits 1 with one line, bad revisit settings exit 2;
- names a known failure (DNS, refused, timeout, TLS, S3 credentials, bucket, access) in one line without its
  traceback below DEBUG (``newscrawl.failures``);
- after the crawl, logs a summary and exits 1 when the run failed (see ``newscrawl.outcome``), including
  a run stopped by SIGTERM or Ctrl-C: Scrapy then closes the spider gracefully (``finish_reason``
  ``shutdown``), the feeds are stored and the state committed before the process exits 1. A failed run
  that wrote nothing removes its empty local feed file.
"""

from __future__ import annotations

import logging
import sys

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from newscrawl import failures
from newscrawl.arguments import SpiderArgumentError, SpiderArguments
from newscrawl.feeds.exporter import remove_empty_local_files
from newscrawl.feeds.plan import FeedSettingsError, planned_feeds
from newscrawl.ops import after_run
from newscrawl.outcome import BAD_ARGUMENT, FAILED, LOCKED, run_outcome, summary_lines

logger = logging.getLogger("newscrawl.run")


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit 1 when feeds failed or the run's health checks failed"

    def process_options(self, args: list[str], opts) -> None:
        super().process_options(args, opts)
        # Before the crawler exists: feeds are planned for this command only (newscrawl.feeds.plan).
        self.settings.set("NEWSCRAWL_COMMAND", "crawl", priority="cmdline")
        # Checked here, before the crawler process sets up logging, so the error is the only output.
        if len(args) == 1 and args[0] == _arguments_owner().name:
            try:
                SpiderArguments.parse(dict(opts.spargs))
            except SpiderArgumentError as exc:
                print(f"scrapy crawl {args[0]}: error: {exc}", file=sys.stderr)
                sys.exit(2)
        from newscrawl.schema.exporters import ItemSchemaError, item_schema
        from newscrawl.warc.upload import WarcSettingsError, check_warc_settings

        try:
            planned_feeds(self.settings)
            item_schema(self.settings)
            check_warc_settings(self.settings)
        except (FeedSettingsError, ItemSchemaError, WarcSettingsError) as exc:
            print(f"scrapy crawl: error: {exc}", file=sys.stderr)
            sys.exit(2)
        # Before logging starts, so that a refused run prints one line and nothing else.
        if len(args) == 1 and (code := preflight(self.settings, args[0], dict(opts.spargs).get("base_url"))):
            sys.exit(code)

    def run(self, args: list[str], opts) -> None:
        if len(args) != 1:
            raise UsageError("run exactly one spider: scrapy crawl albawabh [-a name=value ...]")
        assert self.crawler_process
        crawler = self._create_crawler(args[0])
        failures.install(self.settings, crawler)
        self.crawler_process.crawl(crawler, **opts.spargs)
        self.crawler_process.start()
        if self.crawler_process.bootstrap_failed:
            self.exitcode = 1
            after_run(crawler, None, dict(opts.spargs))
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        outcome = run_outcome(stats, crawler.settings)
        if outcome.exit_code == FAILED and not stats.get("item_scraped_count", 0):
            remove_empty_local_files(crawler)
        if crawler.stats:
            crawler.stats.set_value("newscrawl/state/where", state_where(crawler.settings))
            stats = crawler.stats.get_stats()
        for line in summary_lines(stats, outcome):
            logger.info(line)
        self.exitcode = outcome.exit_code
        after_run(crawler, outcome, dict(opts.spargs))


def preflight(settings, spider: str, base_url: str | None) -> int:
    """Check the revisit settings and take the run lock; 0 to go on, else the exit code (one line printed)."""
    from newscrawl.state.lock import StateLocked, hold
    from newscrawl.state.revisit import RevisitScheduleError, crawl_now, parse_schedule
    from newscrawl.state.store import StateUnreadable, namespace_for, open_store

    try:
        parse_schedule(str(settings.get("NEWSCRAWL_REVISIT", "")))
        crawl_now(settings)
    except (RevisitScheduleError, ValueError) as exc:
        print(f"scrapy crawl {spider}: error: {exc}", file=sys.stderr)
        return BAD_ARGUMENT
    try:
        namespace = namespace_for(spider, base_url)
        hold(settings, namespace)
        store = open_store(settings, namespace)
        if store is not None:
            store.close()
    except StateLocked as exc:
        print(f"scrapy crawl {spider}: {exc}", file=sys.stderr)
        return LOCKED
    except StateUnreadable as exc:
        print(f"scrapy crawl {spider}: error: {exc}", file=sys.stderr)
        return FAILED
    except Exception as exc:  # Redis unreachable, a state directory that cannot be made...
        if type(exc).__module__.startswith("redis."):
            return 0  # the Redis add-on says it in one line of its own when the crawl starts
        print(f"scrapy crawl {spider}: error: the state cannot be opened: {exc}", file=sys.stderr)
        return FAILED
    return 0


def state_where(settings) -> str:
    """Where the state lives, for the summary (no secret: a Redis URL is not repeated)."""
    from newscrawl.state.store import DISABLED

    value = str(settings.get("NEWSCRAWL_STATE") or "")
    if value.strip().lower() in DISABLED:
        return "off"
    return "in Redis (REDIS_URL)" if settings.get("REDIS_URL") else value


def _arguments_owner():
    from newscrawl.spiders.albawabh import AlbawabhSpider

    return AlbawabhSpider
