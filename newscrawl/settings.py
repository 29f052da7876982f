"""Settings for newscrawl.

This is the only module that reads the environment (Scrapy does not read ``SCRAPY_*`` variables for
settings). Every variable is listed in the README's "Configuration" table; values are coerced here, where
they are read. ``-s NAME=VALUE`` on the command line still overrides anything below.
"""

from __future__ import annotations

import os
import sys

from newscrawl.items import exported_fields


def bad_env(message: str) -> SystemExit:
    """A variable that cannot be used: one line on stderr, exit 2 (bad configuration, newscrawl.outcome)."""
    print(f"newscrawl: error: {message}", file=sys.stderr)
    return SystemExit(2)


def env_str(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise bad_env(f"environment variable {name}={value!r} is not a whole number") from None


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise bad_env(f"environment variable {name}={value!r} is not true or false")


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise bad_env(f"environment variable {name}={value!r} is not a number") from None


def env_positive_int(name: str, default: int, minimum: int = 1) -> int:
    value = env_int(name, default)
    if value < minimum:
        raise bad_env(f"environment variable {name}={os.environ[name].strip()!r} is less than {minimum}")
    return value


def env_positive_float(name: str, default: float) -> float:
    value = env_float(name, default)
    if not value > 0:
        raise bad_env(f"environment variable {name}={os.environ[name].strip()!r} is not more than 0")
    return value


def env_share(name: str, default: float) -> float:
    """A fraction: 0 to 1."""
    value = env_float(name, default)
    if not 0 <= value <= 1:
        raise bad_env(f"environment variable {name}={os.environ[name].strip()!r} is not between 0 and 1")
    return value


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env_str(name, default).lower()
    if value not in choices:
        raise bad_env(f"environment variable {name}={value!r} is not one of {', '.join(choices)}")
    return value


def env_level(name: str, default: str) -> str:
    """A logging level name, any case."""
    levels = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
    value = env_str(name, default)
    if value.upper() not in levels:
        raise bad_env(f"environment variable {name}={value!r} is not one of {', '.join(levels)}")
    return value.upper()


def env_zone(name: str, default: str) -> str:
    """An IANA time zone name (zoneinfo)."""
    from zoneinfo import ZoneInfo

    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ValueError, OSError, LookupError):  # ZoneInfoNotFoundError is a KeyError; "../x" is a ValueError
        raise bad_env(f"environment variable {name}={value!r} is not a time zone") from None
    return value


def env_date(name: str, default: str) -> str:
    """An ISO date (YYYY-MM-DD)."""
    from datetime import date

    value = env_str(name, default)
    try:
        date.fromisoformat(value)
    except ValueError:
        raise bad_env(f"environment variable {name}={value!r} is not a date (YYYY-MM-DD)") from None
    return value


def env_kinds(name: str, kinds: tuple[str, ...]) -> str:
    """A comma-separated list of ``kinds`` (empty: none)."""
    value = env_str(name, "")
    words = [word.strip() for word in value.split(",") if word.strip()]
    if any(word not in kinds for word in words):
        raise bad_env(f"environment variable {name}={value!r} is not a comma list of {', '.join(kinds)}")
    return value


def env_redis_url(name: str) -> str:
    """A Redis URL (redis://, rediss://, unix://) or empty; the password never printed."""
    from urllib.parse import urlsplit

    from newscrawl.sites.urls import redact_url

    value = env_str(name, "")
    if not value:
        return value
    try:
        scheme = urlsplit(value).scheme
    except ValueError:
        scheme = ""
    if scheme not in ("redis", "rediss", "unix"):
        raise bad_env(f"environment variable {name}={redact_url(value)!r} is not a redis://, rediss:// or unix:// URL")
    return value


BOT_NAME = "newscrawl"
SPIDER_MODULES = ["newscrawl.spiders"]
NEWSPIDER_MODULE = "newscrawl.spiders"
COMMANDS_MODULE = "newscrawl.commands"

# -- politeness ----------------------------------------------------------------------------------------
USER_AGENT = env_str(
    "NEWSCRAWL_USER_AGENT",
    "newscrawl/1.0 (+https://github.com/newscrawl/newscrawl; news research crawler)",
)
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS_PER_DOMAIN = env_positive_int("NEWSCRAWL_CONCURRENCY", 4)
# One site: more requests taken from the scheduler than the site may serve at once would only wait in the
# downloader (and, with a shared Redis frontier, be held back from idle workers).
CONCURRENT_REQUESTS = CONCURRENT_REQUESTS_PER_DOMAIN
DOWNLOAD_DELAY = env_float("NEWSCRAWL_DOWNLOAD_DELAY", 0.25)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# -- cost per page (docs/performance.md) ---------------------------------------------------------------
# Scrapy's stats collector wraps every call in a deprecation check (1.6 us an inc_value, a dozen calls per
# page); this one keeps the same stats and values without it.
STATS_CLASS = "newscrawl.extensions.stats.FastStatsCollector"
# Scrapy runs each response's output (its requests and items) through CONCURRENT_ITEMS asyncio tasks, all
# started for every response whatever it yields: 100 by default, where an article page yields one item and
# a listing a few dozen requests. 16 cut the crawl's CPU per page by ~20 % (benchmarks/README.md).
CONCURRENT_ITEMS = 16
# Scrapy checks every response's callback for a generator that returns a value by reading its source and
# parsing it with ``ast``; its cache holds the bound method weakly, so the check runs again for most responses
# (0.15 ms a page for this spider's callbacks). tests/test_perf_items.py makes the same check once, in the tests.
WARN_ON_GENERATOR_RETURN_VALUE = False

# -- faults --------------------------------------------------------------------------------------------
# A news site under load answers 5xx and stalls; three more tries over a few seconds ride that out
# without hammering it. 404 and 410 are final (a deleted article).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = env_positive_int("NEWSCRAWL_DOWNLOAD_TIMEOUT", 30)
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # article pages are ~100 KB; nothing legitimate is near this
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated body is retried, never parsed as a short article
DOWNLOADER_MIDDLEWARES = {
    # After OffsiteMiddleware (50), before RobotsTxtMiddleware (100): another port or scheme of the crawl's
    # host is never fetched, not even its robots.txt; redirects are checked when rescheduled.
    "newscrawl.http.origin.SameOriginMiddleware": 60,
    # Responses pass from high to low numbers: after HttpCompressionMiddleware (590) has decompressed the
    # body, before MetaRefreshMiddleware (580) reads it as text.
    "newscrawl.http.charset.CharsetMiddleware": 585,
    # Scrapy's meta-refresh redirects without decoding the whole page (response.text, kept on the response).
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "newscrawl.http.refresh.HeadMetaRefreshMiddleware": 580,
    # Next to the downloader (process_response runs high to low): the bytes as the site sent them, before
    # decompression, retries and redirects (newscrawl.warc; off without NEWSCRAWL_WARC_DIR).
    "newscrawl.warc.middleware.WarcMiddleware": 950,
}

# -- items ---------------------------------------------------------------------------------------------
# DatesPipeline empties an item's date_candidates and ValidatePipeline its body_blocks (the page's bulk, not
# exported): a pipeline of your own that reads them goes before those two.
ITEM_PIPELINES = {
    "newscrawl.pipelines.clean.CleanTextPipeline": 100,
    "newscrawl.pipelines.related.RelatedPipeline": 200,
    "newscrawl.pipelines.dates.DatesPipeline": 300,
    "newscrawl.backfill.window.WindowPipeline": 400,  # -a since/until: articles outside the window not emitted
    "newscrawl.pipelines.validate.ValidatePipeline": 900,
    "newscrawl.state.pipeline.StatePipeline": 950,
}
NEWSCRAWL_TIMEZONE = env_zone("NEWSCRAWL_TIMEZONE", "Africa/Cairo")
NEWSCRAWL_DATE_FLOOR = env_date("NEWSCRAWL_DATE_FLOOR", "2010-01-01")

# -- incremental state ---------------------------------------------------------------------------------
# Articles delivered by earlier runs (newscrawl.state): SQLite at this path, Redis when REDIS_URL is set,
# none with "off". Committed only for articles whose feeds were stored.
NEWSCRAWL_STATE = env_str("NEWSCRAWL_STATE", ".state/newscrawl.sqlite3")
NEWSCRAWL_STOP_ON_SEEN = env_bool("NEWSCRAWL_STOP_ON_SEEN", True)  # page a listing only past a page of new cards
# Ages after publication at which a delivered article is fetched once more (newscrawl.state.revisit).
NEWSCRAWL_REVISIT = env_str("NEWSCRAWL_REVISIT", "1h,6h,1d,3d")
# The crawl's clock (ISO 8601 with offset) for revisit decisions and state times; tests and benchmarks only.
NEWSCRAWL_NOW = env_str("NEWSCRAWL_NOW", "")
# An update whose body is shorter than this share of the delivered one is held back, not emitted.
NEWSCRAWL_MIN_BODY_SHARE = env_share("NEWSCRAWL_MIN_BODY_SHARE", 0.5)

# -- discovery and bounds (newscrawl.discovery) ------------------------------------------------------------
NEWSCRAWL_MAX_REQUESTS = env_positive_int("NEWSCRAWL_MAX_REQUESTS", 20000)  # requests per run; more are not made
NEWSCRAWL_MAX_LINKS_PER_PAGE = env_positive_int("NEWSCRAWL_MAX_LINKS_PER_PAGE", 300)  # article links followed per page
NEWSCRAWL_MAX_RELATED = env_positive_int("NEWSCRAWL_MAX_RELATED", 50, minimum=0)  # related entries kept per article
NEWSCRAWL_MAX_SITEMAPS = env_positive_int(
    "NEWSCRAWL_MAX_SITEMAPS", 20, minimum=0
)  # sitemap files read per run (newest first)

# -- history (newscrawl.backfill) ------------------------------------------------------------------------
NEWSCRAWL_PROGRESS_INTERVAL = env_positive_float("NEWSCRAWL_PROGRESS_INTERVAL", 30.0)  # seconds between progress lines
# A backfill fsyncs its feed and records the ids it durably holds every so many articles or seconds.
NEWSCRAWL_CHECKPOINT_ITEMS = env_positive_int("NEWSCRAWL_CHECKPOINT_ITEMS", 10)
NEWSCRAWL_CHECKPOINT_INTERVAL = env_positive_float("NEWSCRAWL_CHECKPOINT_INTERVAL", 5.0)

# -- crawl health (newscrawl.extensions.health): a failed check makes the run exit 1 ------------------------
NEWSCRAWL_HEALTH_ENABLED = env_bool("NEWSCRAWL_HEALTH_ENABLED", True)
NEWSCRAWL_HEALTH_MIN_ITEMS = env_int("NEWSCRAWL_HEALTH_MIN_ITEMS", 5)  # fewer articles: item checks skipped
NEWSCRAWL_HEALTH_MAX_DROP_RATE = env_share("NEWSCRAWL_HEALTH_MAX_DROP_RATE", 0.10)
NEWSCRAWL_HEALTH_MAX_ERROR_RATE = env_share("NEWSCRAWL_HEALTH_MAX_ERROR_RATE", 0.10)
NEWSCRAWL_HEALTH_MAX_FALLBACK_BODY = env_share("NEWSCRAWL_HEALTH_MAX_FALLBACK_BODY", 0.10)
NEWSCRAWL_HEALTH_MAX_HELD_BACK = env_int("NEWSCRAWL_HEALTH_MAX_HELD_BACK", 3)  # articles held back (garbled, shrunk)
# Minimum share of emitted articles with each field; -s 'NEWSCRAWL_HEALTH_COVERAGE={"author": 0.8}' changes one.
NEWSCRAWL_HEALTH_COVERAGE = {"title": 1.0, "body": 1.0, "published_at": 0.95, "author": 0.90, "section": 0.90}

EXTENSIONS = {
    "scrapy.extensions.feedexport.FeedExporter": None,  # replaced by newscrawl's, which counts what each file holds
    "newscrawl.feeds.exporter.FeedExporter": 0,
    "newscrawl.extensions.health.CrawlHealth": 500,
    "newscrawl.state.extension.StateExtension": 510,
    "newscrawl.extensions.jobdir.JobdirGuard": 520,  # with JOBDIR: never resume a job that a killed run left
    "newscrawl.backfill.progress.ProgressExtension": 530,  # progress line (or bar on a terminal) of long crawls
}

# -- feeds ---------------------------------------------------------------------------------------------
# JSON Lines, UTF-8 with Arabic unescaped. FEEDS is assembled by newscrawl.feeds.plan: one local file
# per run under NEWSCRAWL_FEED_DIR (or the -o/-O file), plus NEWSCRAWL_FEED_URI when set.
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = exported_fields()  # articles' fields, then deletion records' own
NEWSCRAWL_FEED_DIR = env_str("NEWSCRAWL_FEED_DIR", "feeds")
FEEDS: dict = {}
FEED_STORE_EMPTY = True
NEWSCRAWL_FEED_BATCH_ITEMS = env_int("NEWSCRAWL_FEED_BATCH_ITEMS", 0)  # items per remote object; 0: one per run
# Scrapy's storages with fsync, an exclusive local file and failed files set aside (newscrawl.feeds.storages).
FEED_STORAGES = {
    "": "newscrawl.feeds.storages.FileFeedStorage",
    "file": "newscrawl.feeds.storages.FileFeedStorage",
    "s3": "newscrawl.feeds.storages.S3FeedStorage",
}

# -- optional integrations: one variable each; unset, nothing changes ------------------------------
REDIS_URL = env_redis_url("REDIS_URL")  # scrapy-redis frontier shared by workers, Redis state
NEWSCRAWL_RUN_ID = env_str("NEWSCRAWL_RUN_ID", "albawabh")  # key prefix of one distributed run
NEWSCRAWL_IDLE_WAIT = env_float("NEWSCRAWL_IDLE_WAIT", 60.0)  # seconds an idle worker waits for the others
NEWSCRAWL_WORKER_TTL = env_float("NEWSCRAWL_WORKER_TTL", 30.0)  # seconds of silence before a worker is dead
NEWSCRAWL_RUN_EXPIRE = env_int("NEWSCRAWL_RUN_EXPIRE", 300)  # seconds a complete run's keys live; 0 keeps them
SPLASH_URL = env_str("SPLASH_URL", "")  # scrapy-splash rendering of the page kinds in NEWSCRAWL_RENDER
NEWSCRAWL_RENDER = env_kinds(
    "NEWSCRAWL_RENDER", ("listings", "articles")
)  # "listings", "articles" or both, comma-separated
NEWSCRAWL_SPLASH_WAIT = env_float("NEWSCRAWL_SPLASH_WAIT", 0.5)  # seconds Splash waits after the page loaded
NEWSCRAWL_SPLASH_TIMEOUT = env_float("NEWSCRAWL_SPLASH_TIMEOUT", 30.0)  # seconds Splash may spend on a page
NEWSCRAWL_FEED_URI = env_str("NEWSCRAWL_FEED_URI", "")  # a remote feed (s3://...) beside the local copy
# S3 credentials, region and endpoint are not settings: boto3 reads AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
# AWS_SESSION_TOKEN, AWS_DEFAULT_REGION and AWS_ENDPOINT_URL itself, so no secret reaches the settings log.
# Raw capture (newscrawl.warc): every request and response as WARC files, off while NEWSCRAWL_WARC_DIR is unset.
NEWSCRAWL_WARC_DIR = env_str("NEWSCRAWL_WARC_DIR", "")  # local directory of the WARC files
NEWSCRAWL_WARC_MAX_BYTES = env_int("NEWSCRAWL_WARC_MAX_BYTES", 1_000_000_000)  # a file is closed past this size
NEWSCRAWL_WARC_URI = env_str("NEWSCRAWL_WARC_URI", "")  # s3://bucket/prefix/ each finished WARC file goes to
# Operations (newscrawl.ops): what a finished run tells machines; each off while its variable is unset.
NEWSCRAWL_METRICS_FILE = env_str("NEWSCRAWL_METRICS_FILE", "")  # Prometheus textfile (node-exporter)
NEWSCRAWL_PUSHGATEWAY_URL = env_str("NEWSCRAWL_PUSHGATEWAY_URL", "")  # Prometheus Pushgateway
NEWSCRAWL_ALERT_URL = env_str("NEWSCRAWL_ALERT_URL", "")  # JSON POST (Slack-compatible) when a run fails
NEWSCRAWL_ALERT_ON = env_choice("NEWSCRAWL_ALERT_ON", "failure", ("failure", "always"))  # "failure" or "always"
NEWSCRAWL_REPORT_FILE = env_str("NEWSCRAWL_REPORT_FILE", "")  # JSON report of the run
# Item shape in the feeds (newscrawl.schema): "default" (this project's) or "zyte" (zyte-common-items' Article).
NEWSCRAWL_ITEM_SCHEMA = env_str("NEWSCRAWL_ITEM_SCHEMA", "default")
FEED_EXPORTERS = {
    "jsonlines": "newscrawl.schema.exporters.JsonLinesItemExporter",
    "jsonl": "newscrawl.schema.exporters.JsonLinesItemExporter",
    "csv": "newscrawl.schema.exporters.CsvItemExporter",
}
ADDONS = {
    "newscrawl.feeds.plan.FeedsAddon": 100,
    "newscrawl.addons.distributed.RedisAddon": 200,
    "newscrawl.addons.rendering.SplashAddon": 300,
}

# -- scrapy check: the spider's contracts (newscrawl.contracts); @url follows -a base_url --------------------
SPIDER_CONTRACTS = {
    "newscrawl.contracts.SiteUrlContract": 10,
    "newscrawl.contracts.FilledContract": 10,
    "newscrawl.contracts.ArticleContract": 10,
    "newscrawl.contracts.ArticleRequestsContract": 10,
}

# -- run -----------------------------------------------------------------------------------------------
LOG_LEVEL = env_level("NEWSCRAWL_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False  # Scrapy 2.19's code-execution server: not in scheduled, unattended runs
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
