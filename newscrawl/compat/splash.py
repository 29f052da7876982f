"""scrapy-splash 0.11.1 on Scrapy 2.19: what breaks, and the smallest fix for each.

Import ``scrapy_splash`` names from here, never from ``scrapy_splash`` directly: importing this module is
what makes ``scrapy_splash`` importable. The upstream facts, each pinned by a test in
``tests/test_splash_compat.py`` so that an upgrade which fixes or changes them fails CI:

1. **Import.** ``scrapy_splash/dupefilter.py`` and ``scrapy_splash/request.py`` do
   ``from scrapy.utils.url import canonicalize_url``. That name was only Scrapy's re-export of
   ``w3lib.url.canonicalize_url`` and is gone from Scrapy 2.16 on, so ``import scrapy_splash`` raises
   ImportError (scrapy-plugins/scrapy-splash#332, open). Fix: :func:`install_url_shim` puts w3lib's
   function back under the old name, only while it is missing, before ``scrapy_splash`` is imported.
2. **Download slots.** ``SplashMiddleware._get_slot_key()`` calls
   ``crawler.engine.downloader._get_slot_key(request, None)``, a private method Scrapy deprecated in 2.12
   and removed in 2.14 (scrapy-plugins/scrapy-splash#330): with the default ``per_domain`` slot policy
   every SplashRequest fails with AttributeError. Fix: :class:`SplashMiddleware` asks the public
   ``Downloader.get_slot_key(request)``.
3. **Offsite.** SplashMiddleware turns a SplashRequest into a POST to the Splash host and hands it back to
   the scheduler. Scrapy's OffsiteMiddleware is a downloader middleware (2.11.2+) that also checks requests
   as they are scheduled, so that POST is dropped as an offsite request ("Filtered offsite request to
   'splash'") unless the Splash host happens to be in the spider's ``allowed_domains``. Fix: the POST
   carries the ``allow_offsite`` meta key (Scrapy's switch for exactly this, 2.11.2+).
4. **Async spider output.** ``SplashDeduplicateArgsMiddleware.process_spider_output()`` is a plain
   generator, which Scrapy 2.19 refuses when it builds the spider middlewares (TypeError "doesn't support
   asynchronous spider output"); and it sets up its argument cache in ``process_start_requests()``, which
   Scrapy no longer calls (spiders start from ``async def start()``). Fix:
   :class:`SplashDeduplicateArgsMiddleware` has an async ``process_spider_output()`` and a
   ``process_start()``.

Our subclasses also take no ``spider`` argument in their middleware methods: the upstream signatures make
Scrapy 2.14+ emit a ScrapyDeprecationWarning per method at start-up.

Left out on purpose: ``SplashCookiesMiddleware`` (it only acts on ``execute``-endpoint sessions; render.html
requests have none) and ``SplashAwareDupeFilter`` (deprecated upstream in favour of
``SplashRequestFingerprinter``, which the add-on sets). ``cache_args`` keeps argument values in the
process that scheduled the request, so it does not work across distributed workers; render.html
requests do not use it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy.utils.url
from w3lib.url import canonicalize_url


def install_url_shim() -> bool:
    """Give ``scrapy.utils.url`` back its ``canonicalize_url`` (w3lib's); True if it was missing."""
    if hasattr(scrapy.utils.url, "canonicalize_url"):
        return False
    scrapy.utils.url.canonicalize_url = canonicalize_url
    return True


install_url_shim()

import scrapy_splash  # noqa: E402  (needs the shim above)
from scrapy import Request  # noqa: E402
from scrapy_splash import SplashRequest, SplashRequestFingerprinter  # noqa: E402,F401  (re-exported)
from scrapy_splash.response import SplashJsonResponse, SplashResponse, SplashTextResponse  # noqa: E402,F401

UPSTREAM_VERSION = "0.11.1"  # what these fixes were written against (tests check the installed one)


class SplashMiddleware(scrapy_splash.SplashMiddleware):
    """Upstream's downloader middleware with fixes 2 and 3 and spider-less method signatures."""

    def process_request(self, request: Request, spider: Any = None) -> Request | None:
        rewritten = super().process_request(request, self.crawler.spider)
        if rewritten is not None:
            rewritten.meta["allow_offsite"] = True
        return rewritten

    def process_response(self, request: Request, response: Any, spider: Any = None) -> Any:
        return super().process_response(request, response, self.crawler.spider)

    def _get_slot_key(self, request_or_response: Any) -> str:
        return self.crawler.engine.downloader.get_slot_key(request_or_response)


class SplashDeduplicateArgsMiddleware(scrapy_splash.SplashDeduplicateArgsMiddleware):
    """Upstream's spider middleware with fix 4: async output, cache set up in ``process_start``."""

    def __init__(self, crawler: Any = None):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> SplashDeduplicateArgsMiddleware:
        return cls(crawler)

    def _spider(self) -> Any:
        spider = self.crawler.spider
        if not hasattr(spider, "state"):
            spider.state = {}
        spider.state.setdefault(self.local_values_key, {})  # fingerprint => value, as upstream
        return spider

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self._spider()
        async for element in start:
            yield self._process_request(element, spider) if isinstance(element, Request) else element

    async def process_spider_output(self, response: Any, result: AsyncIterator[Any]) -> AsyncIterator[Any]:
        spider = self._spider()
        async for element in result:
            yield self._process_request(element, spider) if isinstance(element, Request) else element
