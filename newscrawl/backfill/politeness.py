"""A backfill obeys robots.txt's ``Crawl-delay``: the site's download slot waits at least that long.

Connected by the spider to ``robots_parsed`` for backfills only. Protego (Scrapy's robots.txt parser)
reads ``Crawl-delay`` for our user agent; the slot's delay becomes ``max(Crawl-delay, DOWNLOAD_DELAY)``
without jitter (a randomized delay would go below it half the time), the slot keeps it if it is
re-created (``per_slot_settings``), and AutoThrottle stays on with that delay as its floor.
"""

from __future__ import annotations

import logging

from scrapy.extensions.throttle import AutoThrottle
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


def crawl_delay(robotparser, user_agent: str) -> float | None:
    """``Crawl-delay`` for ``user_agent`` (Protego), or None."""
    parser = getattr(robotparser, "rp", None)
    reader = getattr(parser, "crawl_delay", None)
    if reader is None:
        return None
    try:
        value = reader(user_agent)
    except Exception:  # a parser that cannot say
        return None
    return float(value) if value else None


class CrawlDelay:
    def __init__(self, crawler):
        self.crawler = crawler

    def robots_parsed(self, robotparser, request) -> None:
        settings = self.crawler.settings
        delay = crawl_delay(robotparser, settings.get("USER_AGENT") or "")
        if delay is None:
            return
        floor = settings.getfloat("DOWNLOAD_DELAY")
        applied = max(delay, floor)
        downloader = self.crawler.engine.downloader
        key = urlparse_cached(request).hostname or ""
        downloader.per_slot_settings.setdefault(key, {}).update({"delay": applied, "jitter": 0.0})
        if (slot := downloader.slots.get(key)) is not None:
            slot.delay = max(slot.delay, applied)
            slot.jitter = 0.0
        for extension in getattr(self.crawler.extensions, "middlewares", ()):
            if isinstance(extension, AutoThrottle):
                extension.mindelay = max(getattr(extension, "mindelay", 0.0), applied)
        self.crawler.stats.set_value("newscrawl/backfill/crawl_delay", applied)
        logger.info(
            "robots.txt asks for Crawl-delay: %s on %s: requests to it are %.2f s apart at least", delay, key, applied
        )
