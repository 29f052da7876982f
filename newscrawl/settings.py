"""Settings for newscrawl.

This is the only module that reads the environment (Scrapy does not read ``SCRAPY_*`` variables for
settings). Every variable is listed in the README's "Configuration" table; values are coerced here, where
they are read. ``-s NAME=VALUE`` on the command line still overrides anything below.
"""

from __future__ import annotations

import os

from newscrawl.items import Article


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
        raise SystemExit(f"newscrawl: error: environment variable {name}={value!r} is not a whole number") from None


def env_float(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return float(value)
    except ValueError:
        raise SystemExit(f"newscrawl: error: environment variable {name}={value!r} is not a number") from None


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
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = env_int("NEWSCRAWL_CONCURRENCY", 4)
DOWNLOAD_DELAY = env_float("NEWSCRAWL_DOWNLOAD_DELAY", 0.25)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# -- faults --------------------------------------------------------------------------------------------
# A news site under load answers 5xx and stalls; three more tries over a few seconds ride that out
# without hammering it. 404 and 410 are final (a deleted article).
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = env_int("NEWSCRAWL_DOWNLOAD_TIMEOUT", 30)
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024  # article pages are ~100 KB; nothing legitimate is near this
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
DOWNLOAD_FAIL_ON_DATALOSS = True  # a truncated body is retried, never parsed as a short article

# -- items ---------------------------------------------------------------------------------------------
ITEM_PIPELINES = {
    "newscrawl.pipelines.clean.CleanTextPipeline": 100,
    "newscrawl.pipelines.related.RelatedPipeline": 200,
    "newscrawl.pipelines.dates.DatesPipeline": 300,
    "newscrawl.pipelines.validate.ValidatePipeline": 900,
}
NEWSCRAWL_TIMEZONE = env_str("NEWSCRAWL_TIMEZONE", "Africa/Cairo")
NEWSCRAWL_DATE_FLOOR = env_str("NEWSCRAWL_DATE_FLOOR", "2010-01-01")

# -- feeds ---------------------------------------------------------------------------------------------
# JSON Lines, UTF-8 with Arabic unescaped, one file per run under NEWSCRAWL_FEED_DIR.
FEED_EXPORT_ENCODING = "utf-8"
FEED_EXPORT_FIELDS = Article.exported_fields()
NEWSCRAWL_FEED_DIR = env_str("NEWSCRAWL_FEED_DIR", "feeds")
FEEDS = {
    f"{NEWSCRAWL_FEED_DIR}/%(name)s/%(time)s.jsonl": {"format": "jsonlines", "encoding": "utf-8"},
}
FEED_STORE_EMPTY = True

# -- optional integrations: one variable each; unset, nothing changes ------------------------------
REDIS_URL = env_str("REDIS_URL", "")  # scrapy-redis frontier shared by workers, Redis state
NEWSCRAWL_RUN_ID = env_str("NEWSCRAWL_RUN_ID", "albawabh")  # key prefix of one distributed run
SPLASH_URL = env_str("SPLASH_URL", "")  # scrapy-splash rendering of the page kinds in NEWSCRAWL_RENDER
NEWSCRAWL_RENDER = env_str("NEWSCRAWL_RENDER", "")  # "listings", "articles" or both, comma-separated
NEWSCRAWL_FEED_URI = env_str("NEWSCRAWL_FEED_URI", "")  # a remote feed (s3://...) beside the local copy
ADDONS = {
    "newscrawl.addons.feeds.FeedsAddon": 100,
    "newscrawl.addons.distributed.RedisAddon": 200,
    "newscrawl.addons.rendering.SplashAddon": 300,
}

# -- run -----------------------------------------------------------------------------------------------
LOG_LEVEL = env_str("NEWSCRAWL_LOG_LEVEL", "INFO")
TELNETCONSOLE_ENABLED = False
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
LOG_FORMATTER = "newscrawl.logformatter.NewscrawlLogFormatter"
