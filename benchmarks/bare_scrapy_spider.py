"""The bare spider with Scrapy's own defaults where newscrawl tunes Scrapy itself: the peer the issue's
figures were measured against.

    scrapy runspider benchmarks/bare_scrapy_spider.py -a base_url=http://127.0.0.1:8001

``benchmarks/bare_spider.py`` gets every project setting, so it is as cheap as a bare Scrapy spider can be
made: it shares newscrawl's ``CONCURRENT_ITEMS`` (16, not Scrapy's 100 tasks per response), its stats
collector without Scrapy's per-call wrapper, its meta-refresh middleware that does not decode whole pages,
``WARN_ON_GENERATOR_RETURN_VALUE`` off (no parse of the callback's source per response) and its log formatter
that makes no DEBUG line the log level drops; and it requests each link once, as newscrawl does, where a plain
spider leaves repeats to Scrapy's dupefilter. This one puts those six back to Scrapy's (``CONCURRENT_ITEMS``
given with ``-s`` still wins), so the benchmark can report the crawl against both: a spider tuned like
newscrawl, and a plain one.
"""

from __future__ import annotations

from benchmarks.bare_spider import BareSpider

SCRAPY_META_REFRESH = "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"
NEWSCRAWL_META_REFRESH = "newscrawl.http.refresh.HeadMetaRefreshMiddleware"


class ScrapyDefaultsBareSpider(BareSpider):
    name = "bare-scrapy"
    dedupe = False  # a plain spider yields every link and leaves repeats to Scrapy's dupefilter

    @classmethod
    def update_settings(cls, settings) -> None:
        super().update_settings(settings)
        middlewares = settings.getdict("DOWNLOADER_MIDDLEWARES")
        middlewares.update({NEWSCRAWL_META_REFRESH: None, SCRAPY_META_REFRESH: 580})
        settings.set("DOWNLOADER_MIDDLEWARES", middlewares, priority="spider")
        settings.set("CONCURRENT_ITEMS", 100, priority="spider")
        settings.set("WARN_ON_GENERATOR_RETURN_VALUE", True, priority="spider")
        settings.set("LOG_FORMATTER", "scrapy.logformatter.LogFormatter", priority="spider")
        settings.set("BENCH_STATS_BASE", "scrapy.statscollectors.MemoryStatsCollector", priority="spider")
