"""Log lines: a dropped item names the reason and the URL, not the whole item (bodies are long); a download
error names its cause in words (``newscrawl.failures``). Scrapy passes the download error's traceback
beside these lines; the crawl command's ``ReadableFailures`` filter keeps it for DEBUG only.

The per-page DEBUG lines (``Crawled (200)``, ``Scraped from``) are not made at all when ``LOG_LEVEL`` is above
DEBUG: Scrapy leaves its root logger at NOTSET and filters at its handler, so each such line would build a
``LogRecord`` and walk the handlers only to be dropped there (1-2 % of a crawl's CPU, twice per article page).
"""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter

from newscrawl.failures import describe


def configured_level(settings) -> int:
    """The level Scrapy's own handler lets through: ``LOG_LEVEL``, or DEBUG (everything made) with
    ``LOG_ENABLED`` off (whatever logging the caller set up decides) or a level logging does not know. A
    program that runs crawls with its own DEBUG handler (``CrawlerRunner``) sets ``LOG_LEVEL`` to DEBUG to
    keep these lines."""
    if not settings.getbool("LOG_ENABLED", True):
        return logging.DEBUG
    level = settings.get("LOG_LEVEL", logging.DEBUG)
    if isinstance(level, str):
        level = logging.getLevelName(level.strip().upper())
    return level if isinstance(level, int) else logging.DEBUG


class NewscrawlLogFormatter(LogFormatter):
    def __init__(self, level: int = logging.DEBUG):
        super().__init__()
        #: Scrapy's handler level: DEBUG lines below it are not made (see the module's docstring).
        self.level = level

    @classmethod
    def from_crawler(cls, crawler):
        return cls(configured_level(crawler.settings))

    def crawled(self, request, response, spider):
        return super().crawled(request, response, spider) if self.level <= logging.DEBUG else None

    def scraped(self, item, response, spider):
        return super().scraped(item, response, spider) if self.level <= logging.DEBUG else None

    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        result["level"] = logging.WARNING if result["level"] >= logging.WARNING else result["level"]
        return result

    def download_error(self, failure, request, spider, errmsg=None):
        result = super().download_error(failure, request, spider, errmsg)
        cause = describe(failure.value, request.url) if getattr(failure, "value", None) is not None else None
        cause = cause or errmsg or failure.getErrorMessage()
        result["msg"] = "Error downloading %(request)s: %(cause)s"
        result["args"] = {**result["args"], "cause": cause}
        return result
