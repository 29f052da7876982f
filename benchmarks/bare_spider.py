"""The floor for the crawl benchmark: a spider that fetches the pages the albawabh spider fetches and
does nothing else.

    scrapy runspider benchmarks/bare_spider.py -a base_url=http://127.0.0.1:8001

It follows the same links as the albawabh spider (the menu's sections, each listing's cards and "most
read" sidebar, the pager's next link), fetches every article once and yields ``{"url": ...}`` for it
without parsing it. Run from the project root it gets the project's settings (robots.txt, retries,
middlewares, the local feed), minus newscrawl's item pipelines and extensions: the difference between
the two spiders is what newscrawl does per page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Response

SITE_HOSTS = ("albawabhnews.com", "www.albawabhnews.com")


class BareSpider(scrapy.Spider):
    name = "bare"
    custom_settings = {
        "ITEM_PIPELINES": {},
        "EXTENSIONS": {
            "newscrawl.extensions.health.CrawlHealth": None,
            "newscrawl.state.extension.StateExtension": None,
        },
    }

    #: Links already requested are not yielded again (see ``_unseen``).
    dedupe = True

    def __init__(self, base_url: str = "http://127.0.0.1:8000", *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.base_url = base_url.rstrip("/")
        self.seen: set[str] = set()
        self.allowed_domains = [urlsplit(self.base_url).hostname]

    async def start(self):
        yield scrapy.Request(f"{self.base_url}/", callback=self.parse)

    def _local(self, response: Response, href: str) -> str:
        """The link on this copy of the site (cards may link the canonical host)."""
        parts = urlsplit(response.urljoin(href))
        if parts.hostname in SITE_HOSTS:
            return f"{self.base_url}{parts.path}" + (f"?{parts.query}" if parts.query else "")
        return parts.geturl()

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        for href in response.css("div.item-card a::attr(href), div.news-list div.item-li a::attr(href)").getall():
            if self._unseen(url := self._local(response, href)):
                yield scrapy.Request(url, callback=self.parse_article)
        for href in response.css("a[href*='/category/']::attr(href)").getall():
            if "?" not in href and self._unseen(url := self._local(response, href)):
                yield scrapy.Request(url, callback=self.parse)
        if (next_href := response.css("a[rel~='next']::attr(href)").get()) and self._unseen(
                url := self._local(response, next_href)):
            yield scrapy.Request(url, callback=self.parse)

    def _unseen(self, url: str) -> bool:
        """Whether to request ``url``: not when this spider asked for it already (``dedupe``). Every listing
        repeats the menu and the "most read" cards, and a request that Scrapy's dupefilter drops still costs
        the spider middlewares, the engine and a fingerprint; newscrawl keeps such a set too."""
        if not self.dedupe:
            return True
        if url in self.seen:
            return False
        self.seen.add(url)
        return True

    def parse_article(self, response: Response) -> Iterator[dict]:
        yield {"url": response.url}
