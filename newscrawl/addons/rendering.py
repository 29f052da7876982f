"""Add-on switched on by ``SPLASH_URL``: scrapy-splash's middlewares, through ``newscrawl.compat.splash``.

Unset, nothing changes (scrapy-splash is not even imported). Set, it installs what scrapy-splash's README
asks for, with the compatibility subclasses in place of the upstream classes that break on the pinned
Scrapy:

- ``SplashMiddleware`` at 725 (downloader), and ``HttpCompressionMiddleware`` moved to 810 so that a
  compressed answer from Splash is decompressed before SplashMiddleware reads it;
- ``SplashDeduplicateArgsMiddleware`` at 100 (spider);
- ``REQUEST_FINGERPRINTER_CLASS = scrapy_splash.SplashRequestFingerprinter``, so that Scrapy's own
  duplicate filter and HTTP cache tell a rendered request from a plain one for the same URL.

Which pages are rendered is the spider's ``render`` argument (or ``NEWSCRAWL_RENDER``); with neither, the
middlewares sit idle and every request stays plain. ``SPLASH_USER``/``SPLASH_PASS`` and
``SPLASH_SLOT_POLICY`` are scrapy-splash's own settings and work as documented there.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

logger = logging.getLogger(__name__)

SPLASH_DOWNLOADER_PRIORITY = 725
COMPRESSION_PRIORITY = 810
DEDUPLICATE_ARGS_PRIORITY = 100
FINGERPRINTER = "scrapy_splash.SplashRequestFingerprinter"


class SplashAddon:
    def update_settings(self, settings) -> None:
        if not settings.get("SPLASH_URL"):
            return
        from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware

        from newscrawl.compat.splash import SplashDeduplicateArgsMiddleware, SplashMiddleware

        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", SplashMiddleware,
                                                SPLASH_DOWNLOADER_PRIORITY)
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", HttpCompressionMiddleware,
                                                COMPRESSION_PRIORITY)
        settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", SplashDeduplicateArgsMiddleware,
                                                DEDUPLICATE_ARGS_PRIORITY)
        settings.set("REQUEST_FINGERPRINTER_CLASS", FINGERPRINTER, priority="addon")
        host = urlsplit(settings.get("SPLASH_URL")).netloc.rpartition("@")[2]  # never a password in the log
        logger.info("Splash rendering available at %s", host)
