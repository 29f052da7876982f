"""Progress of a long crawl: a log line every NEWSCRAWL_PROGRESS_INTERVAL seconds, or a bar on a terminal."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured


class ProgressExtension:
    @classmethod
    def from_crawler(cls, crawler):
        raise NotConfigured("progress is not built yet")
