"""Downloader middleware that archives each download as WARC records (switched on by NEWSCRAWL_WARC_DIR)."""

from __future__ import annotations

from scrapy.exceptions import NotConfigured


class WarcMiddleware:
    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("NEWSCRAWL_WARC_DIR"):
            raise NotConfigured("NEWSCRAWL_WARC_DIR is not set")
        raise NotConfigured("WARC capture is not built yet")
