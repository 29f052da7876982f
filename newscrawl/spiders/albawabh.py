"""The albawabh spider: navigation only.

It starts at the home page (or at the sections named by ``-a sections=``), follows the sections of the
navigation menu, each listing's cards, "most read" sidebar and pager, and the article links inside
article bodies (the read-also links). Each article is requested once per run, keyed by its id; the
print view of an article is the same article. What a page holds is read in ``newscrawl.sites``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response

from newscrawl.arguments import SpiderArguments
from newscrawl.sites.albawabh import ArticlePage, ListingPage
from newscrawl.sites.urls import Site, article_id_from_url, listing_url, page_number, section_id_from_url


def is_html(response: Response) -> bool:
    """A page to read with CSS selectors: text, and not JSON (Scrapy gives JSON bodies a json selector)."""
    if not isinstance(response, scrapy.http.TextResponse):
        return False
    try:
        return response.selector.type != "json"
    except Exception:  # an undecodable body: counted as not HTML by the caller
        logging.getLogger(__name__).warning("cannot read %s as text", response.url, exc_info=True)
        return False


class AlbawabhSpider(scrapy.Spider):
    name = "albawabh"

    def __init__(self, *args: Any, **kwargs: Any):
        # Read our own arguments before Spider.__init__ sets every -a value as an attribute.
        self.args = SpiderArguments.parse(kwargs)
        super().__init__(*args, **kwargs)
        self.site = Site.from_base_url(self.args.base_url)
        self.allowed_domains = self.site.allowed_domains
        self._requested_ids: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        if not spider.args.render and (setting := crawler.settings.get("NEWSCRAWL_RENDER")):
            spider.args = spider.args.with_render(setting)
        return spider

    # -- requests -------------------------------------------------------------------------------------
    def _request(self, url: str, kind: str, callback, **kwargs: Any) -> scrapy.Request:
        """Every request is made here: ``kind`` is ``listings`` or ``articles``, the unit of rendering."""
        request = scrapy.Request(url, callback=callback, **kwargs)
        if kind in self.args.render and self.crawler.settings.get("SPLASH_URL"):
            from newscrawl.rendering import render_request

            request = render_request(request, self.crawler.settings)
        return request

    def _seen_before(self, article_id: str) -> bool:
        """Whether an earlier run emitted this article (the incremental state), False without state."""
        from newscrawl.state import state_of

        state = state_of(self.crawler)
        return bool(state) and state.is_seen(article_id)

    # -- entry points ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.args.sections:
            for section_id in self.args.sections:
                yield self._listing_request(self.site.section_url(section_id))
        else:
            yield self._request(f"{self.site.base_url}/", "listings", self.parse_listing)

    def parse(self, response: Response, **kwargs: Any) -> Any:
        return self.parse_listing(response)

    # -- listings -------------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        self._count("newscrawl/pages/listing")
        if not is_html(response):
            self._count("newscrawl/listing/not_html")
            self.logger.warning("listing %s is not an HTML page", response.url)
            return
        try:
            yield from self._follow_listing(response)
        except Exception:  # an odd page must not stop the crawl; what was yielded stands
            self._count("newscrawl/listing/parse_error")
            self.logger.exception("reading listing %s failed", response.url)

    def _follow_listing(self, response: Response) -> Iterator[scrapy.Request]:
        page = ListingPage(response.selector, response.url, self.site)
        cards = page.cards()
        article_ids = []
        dates = []
        for href, date in cards:
            url = self.site.crawl_url(href, response.url)
            if url and (article_id := article_id_from_url(url)):
                article_ids.append(article_id)
                dates.append(date)
                if request := self._article_request(article_id, response.url, date):
                    yield request
        self._merge(page.events)
        if not article_ids:
            self._count("newscrawl/listing/no_article_links")
            self.logger.warning("listing %s holds no article link", response.url)

        # Sections of the navigation menu: from the home page (and from section pages when crawling
        # them all, so a menu that differs by page still reaches every section).
        if not self.args.sections:
            for href in page.section_links():
                url = self.site.crawl_url(href, response.url)
                if url and section_id_from_url(url) and page_number(url) == 1:
                    yield self._listing_request(url)

        if page_number(response.url) >= self.args.max_pages:
            self._count("newscrawl/listing/stopped/max_pages")
            return
        if self.args.since and dates and self._all_older(dates):
            self._count("newscrawl/listing/stopped/since")
            return
        if (article_ids and self.crawler.settings.getbool("NEWSCRAWL_STOP_ON_SEEN", True)
                and all(self._seen_before(article_id) for article_id in article_ids)):
            self._count("newscrawl/listing/stopped/all_seen")
            return
        next_href = page.next_page()
        if next_href and (url := self.site.crawl_url(next_href, response.url)):
            if page_number(url) > page_number(response.url):
                yield self._listing_request(url)

    def _listing_request(self, url: str) -> scrapy.Request:
        return self._request(listing_url(url), "listings", self.parse_listing)

    def _all_older(self, dates: list[str | None]) -> bool:
        """True when every card dated on this page is older than ``since`` (undated cards don't count)."""
        from newscrawl.dates import parse_date

        now = datetime.now(UTC)
        parsed = [parse_date(text, now=now) for text in dates if text]
        parsed = [value for value in parsed if value is not None]
        return bool(parsed) and all(value < self.args.since for value in parsed)

    # -- articles -------------------------------------------------------------------------------------
    def _article_request(self, article_id: str, referer: str, listing_date: str | None = None):
        if article_id in self._requested_ids:
            self._count("newscrawl/requests/article_duplicate")
            return None
        self._requested_ids.add(article_id)
        meta = {"article_id": article_id}
        if listing_date:
            meta["listing_date"] = listing_date
        return self._request(self.site.article_url(article_id), "articles", self.parse_article, meta=meta,
                             headers={"Referer": referer})

    def parse_article(self, response: Response) -> Iterator[Any]:
        self._count("newscrawl/pages/article")
        if not is_html(response):
            self._count("newscrawl/dropped/not_html")
            self.logger.warning("dropped %s: not an HTML page (%s)", response.url,
                                response.headers.get("Content-Type", b"").decode("latin-1"))
            return
        if "partial" in response.flags:  # no Content-Length, ended by the server closing: maybe cut short
            yield from self._retry_or_drop(response, "partial_body", "the body may be cut short")
            return
        crawled_at = datetime.now(UTC).replace(microsecond=0).isoformat()
        listing_dates = [response.meta["listing_date"]] if response.meta.get("listing_date") else []
        page = ArticlePage(response.selector, response.url, self.site)
        try:
            error_page = page.is_error_page()
            item = None if error_page else page.to_item(crawled_at, listing_dates)
        except Exception:  # a page that breaks extraction must not stop the crawl
            self._count("newscrawl/dropped/extract_error")
            self.logger.exception("extraction failed on %s", response.url)
            return
        finally:
            self._merge(page.events)
        if error_page:  # a CMS failure, often transient: worth the retries of a 5xx
            yield from self._retry_or_drop(response, "error_page", "the site answered an error page")
            return
        if item is None:
            self._count("newscrawl/dropped/not_article")
            self.logger.warning("dropped %s: no article id on the page", response.url)
            return
        # Read-also and other links inside the body: on the same site, articles only.
        for block in item.body_blocks:
            for link in block.article_links:
                if request := self._article_request(link.article_id, response.url):
                    yield request
        yield item

    def _retry_or_drop(self, response: Response, reason: str, why: str) -> Iterator[scrapy.Request]:
        """Retry a response not worth parsing (RETRY_TIMES, like a 5xx); drop it, counted, once they ran out."""
        retry = get_retry_request(response.request, spider=self, reason=reason, stats_base_key="newscrawl/retry")
        if retry is not None:
            yield retry
            return
        self._count(f"newscrawl/dropped/{reason}")
        self.logger.warning("dropped %s: %s (%s), retried %d times", response.url, why, reason,
                            self.crawler.settings.getint("RETRY_TIMES"))

    # -- stats ----------------------------------------------------------------------------------------
    def _count(self, key: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(key, count)

    def _merge(self, events: Counter[str]) -> None:
        if self.crawler.stats is not None and events:
            inc_value = self.crawler.stats.inc_value  # looked up once: Scrapy wraps every stats method
            for key, count in events.items():
                inc_value(key, count)
