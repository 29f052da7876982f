"""The albawabh spider: navigation only.

Article URLs come from three sources (``-a discover=``, default all): the RSS feeds (``/rss.xml``, and
``/rss/section/<n>`` for the sections of ``-a sections``), the sitemaps (robots.txt's ``Sitemap:`` lines
and ``/sitemaps.xml``, indexes followed newest first) and the listings (home, the sections of the menu,
their pagers, the "most read" sidebar and the read-also links inside articles). Whatever the source, an
article is requested at most once per run, and only when the revisit policy gives a reason
(``newscrawl.state.revisit``): new, a newer date than the one known, a revisit due, a retry after a 404.
A listing is paged further only while its own last card is an article no clean run has confirmed.
What a page holds is read in ``newscrawl.sites`` and ``newscrawl.discovery``.

``-a sections=72,1`` is a filter on what is emitted (``newscrawl.spiders.sections``): only articles whose
page names one of those sections; an article whose page names no section only when it came from a wanted
section's own listing cards or feed. With sections, the "most read" sidebar is not followed (any section),
an article of another section is fetched only when nothing told its section before (sitemaps, read-also
links of an emitted article), is not emitted and its links are not followed; all of it counted under
``newscrawl/filtered/``. Deletion records are not filtered.

History (``newscrawl.backfill``): ``-a since``/``-a until`` make a date window (a filter on what is
fetched and emitted; a listing is paged down to ``since``), ``-a ids=A-B`` asks exactly those article pages
newest first; either is a resumable backfill with a progress line (docs/backfill.md).

Debug commands (``scrapy parse``, ``scrapy check``, ``scrapy shell``) replace :meth:`start`: the spider then
makes no request of its own (no robots.txt sitemaps), and ``parse`` reads any URL by its kind. Contracts
(``scrapy check albawabh -a base_url=...``) run on the offline copy: see ``newscrawl.contracts``.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.http import Response
from scrapy.spidermiddlewares.httperror import HttpError

from newscrawl.arguments import SpiderArguments
from newscrawl.backfill import run as backfill_run
from newscrawl.backfill.run import Backfill
from newscrawl.dates import parse_date
from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.sitemaps import parse_sitemap, sitemaps_from_robots
from newscrawl.failures import describe
from newscrawl.items import Deletion
from newscrawl.sites.albawabh import ListingPage, extract_article
from newscrawl.sites.page import whole_page
from newscrawl.sites.urls import (
    Site,
    article_id_from_url,
    canonical_article_url,
    listing_url,
    page_number,
    section_id_from_url,
)
from newscrawl.spiders import sections as section_filter
from newscrawl.state import state_extension
from newscrawl.state.records import GONE, MISSING, PENDING, StateRecord, latest
from newscrawl.state.revisit import RevisitPolicy, crawl_now, iso, retry_delay
from newscrawl.state.store import namespace_for

#: Sitemap indexes are followed this deep (index -> sitemap); deeper nesting is counted, not followed.
MAX_SITEMAP_DEPTH = 2
SITEMAP_MAXSIZE = 50 * 1024 * 1024  # the sitemap protocol's limit, uncompressed
GONE_STATUSES = (404, 410)


def is_html(response: Response) -> bool:
    """A page to read with CSS selectors: text, and not JSON (Scrapy gives JSON bodies a json selector).
    An HTML response is not parsed here: the article callback parses what it reads once
    (``newscrawl.sites.page``)."""
    if isinstance(response, scrapy.http.HtmlResponse):
        return True
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
        self._records: dict[str, StateRecord | None] = {}  # the state's record of each article requested
        self._sitemaps: set[str] = set()
        self._listings: set[str] = set()  # menus repeat on every page: each listing is asked for once
        self._requests = 0
        self._limit_logged = False
        self._state_extension = None
        self._started = False  # our own start() ran: a crawl, not a debug command that replaced it
        self.backfill: Backfill | None = None  # -a since/until or -a ids (newscrawl.backfill)

    @classmethod
    def from_crawler(cls, crawler, *args: Any, **kwargs: Any):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        if not spider.args.render and (setting := settings.get("NEWSCRAWL_RENDER")):
            spider.args = spider.args.with_render(setting)
        spider.policy = RevisitPolicy.from_settings(settings)
        spider.max_requests = settings.getint("NEWSCRAWL_MAX_REQUESTS", 20000)
        spider.max_links = settings.getint("NEWSCRAWL_MAX_LINKS_PER_PAGE", 300)
        spider.max_sitemaps = settings.getint("NEWSCRAWL_MAX_SITEMAPS", 20)
        spider.stop_on_seen = settings.getbool("NEWSCRAWL_STOP_ON_SEEN", True)
        crawler.signals.connect(spider.robots_parsed, signal=signals.robots_parsed)
        if spider.args.ids is not None:  # an id range: those article pages and robots.txt, nothing else
            spider.args = replace(spider.args, discover=frozenset())
        namespace = namespace_for(spider.name, spider.site.base_url)
        spider.backfill = Backfill.from_crawler(crawler, spider.args, spider.site.base_url, namespace)
        return spider

    # -- requests -------------------------------------------------------------------------------------
    def _request(self, url: str, kind: str, callback, **kwargs: Any) -> scrapy.Request | None:
        """Every request is made here; ``kind`` is ``listings``, ``articles``, ``feeds`` or ``sitemaps``.
        None once the run made ``NEWSCRAWL_MAX_REQUESTS`` requests (counted: the run is then incomplete)."""
        if self._requests >= self.max_requests:
            self._count("newscrawl/limits/requests_per_run")
            if not self._limit_logged:
                self._limit_logged = True
                self.logger.warning("the run reached NEWSCRAWL_MAX_REQUESTS=%d: no more requests are made; the "
                                    "next run goes on from here", self.max_requests)
            return None
        self._requests += 1
        if kind != "articles":
            kwargs.setdefault("errback", self._source_failed)
            kwargs.setdefault("meta", {})["kind"] = kind
        request = scrapy.Request(url, callback=callback, **kwargs)
        if kind in self.args.render and self.crawler.settings.get("SPLASH_URL"):
            from newscrawl.rendering import render_request

            request = render_request(request, self.crawler.settings)
        return request

    def _source_failed(self, failure) -> None:
        """A listing, feed or sitemap that failed for good. A 404/410 is an answer (the page does not
        exist); anything else leaves the run incomplete, so nothing it delivered stops later runs' paging."""
        request = failure.request
        kind = request.meta.get("kind", "listings")
        if failure.check(HttpError) and failure.value.response.status in GONE_STATUSES:
            self._count(f"newscrawl/{kind}/not_found")
            self.logger.warning("%s %s answered %d", kind, request.url, failure.value.response.status)
            return
        self._count(f"newscrawl/unreached/{kind}")
        unreached = self.crawler.stats.get_value("newscrawl/unreached/urls") or []
        if len(unreached) < 20:
            self.crawler.stats.set_value("newscrawl/unreached/urls", [*unreached, request.url])
        self.logger.warning("%s %s was not reached (%s): the next run pages past it", kind, request.url,
                            describe(failure.value, request.url) or failure.getErrorMessage())

    @property
    def _state(self):
        """The run's state extension (looked up once: it is asked for on every link)."""
        if self._state_extension is None:
            self._state_extension = state_extension(self.crawler)
        return self._state_extension

    def _consider(self, article_id: str, referer: str, source: str, hint: datetime | None = None,
                  listing_date: str | None = None, section: str | None = None,
                  placed: bool = False) -> scrapy.Request | None:
        """The request for an article seen by a discovery source, or None when it is not worth one.
        ``section``: the article's section id when the source tells it (a section's own cards or feed).
        In a backfill, an id settled by an earlier run or outside the window is not asked; an undated link
        the window cannot place yet waits until the spider is idle (``placed``: decided then)."""
        if article_id in self._requested_ids:
            self._count("newscrawl/requests/article_duplicate")
            return None
        if self.backfill is not None and not placed:
            decision = self.backfill.decide(article_id, hint, source)
            if decision == backfill_run.WAIT:
                self.backfill.defer(article_id, {"referer": referer, "source": source, "section": section})
            if decision != backfill_run.FETCH:
                return None
        if self.args.sections and section is not None and section not in self.args.sections:
            self._count("newscrawl/filtered/other_section")
            self.logger.debug("not fetching article %s: section %s is not in -a sections", article_id, section)
            return None
        extension = self._state
        keeps_state = extension is not None and extension.store is not None
        record = extension.store.get(article_id) if keeps_state else None
        if record is not None and record.delivered and source == "listings":
            extension.met(record)
        reason = self.policy.reason(record, hint, crawl_now(self.crawler.settings)) if keeps_state else "new"
        if reason is None:
            self._count("newscrawl/revisit/skipped")
            if self.backfill is not None:  # delivered by an earlier run: nothing to deliver again
                self.backfill.settled(article_id)
            return None
        meta: dict[str, Any] = {"article_id": article_id, "fetch_reason": reason,
                                "handle_httpstatus_list": [304, *GONE_STATUSES]}
        if listing_date:
            meta["listing_date"] = listing_date
        if hint is not None:
            meta["hint_date"] = iso(hint)
        if section is not None:
            meta["section_hint"] = section
        headers = {"Referer": referer}
        if record is not None and record.delivered and record.status != GONE:
            if record.etag:
                headers["If-None-Match"] = record.etag
            if record.last_modified:
                headers["If-Modified-Since"] = record.last_modified
        request = self._request(self.site.article_url(article_id), "articles", self.parse_article, meta=meta,
                                headers=headers)
        if request is not None:
            self._requested_ids.add(article_id)
            self._records[article_id] = record
            if self.backfill is not None:
                self.backfill.requested(article_id)
            self._count(f"newscrawl/fetch/{reason}")
        elif keeps_state and (record is None or not record.delivered):
            # Refused by the request limit: the next run starts with it (the page that linked it may never
            # be fetched again).
            extension.check(StateRecord(article_id, version=0, status=PENDING))
        return request

    def _date(self, *texts: str | None) -> datetime | None:
        """The latest of some date strings from a discovery source, or None."""
        now = crawl_now(self.crawler.settings)
        parsed = [value for text in texts if text and (value := parse_date(text, now=now)) is not None]
        return max(parsed) if parsed else None

    def _links_capped(self, count: int, url: str) -> bool:
        """True past ``NEWSCRAWL_MAX_LINKS_PER_PAGE`` article links on one page (counted and logged once)."""
        if count <= self.max_links:
            return False
        self._count("newscrawl/limits/links_per_page")
        self.logger.warning("%s links more than %d articles: the rest are not followed", url, self.max_links)
        return True

    # -- entry points ---------------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[scrapy.Request]:
        self._started = True
        base = self.site.base_url
        if self.backfill is not None and self.backfill.finished_before:
            return  # said so in one line when the run opened
        if self.args.ids is not None:
            for article_id in self.args.ids.newest_first():
                if request := self._consider(article_id, f"{base}/", "backfill"):
                    yield request
                elif self._requests >= self.max_requests:
                    break  # the next run goes on from the ledger
            return
        requests: list[scrapy.Request | None] = []
        if "feeds" in self.args.discover:
            feeds = [f"{base}/rss/section/{section}" for section in self.args.sections] or [f"{base}/rss.xml"]
            requests += [self._request(url, "feeds", self.read_feed, priority=10) for url in feeds]
        if "sitemaps" in self.args.discover:
            # robots.txt's Sitemap: lines come with the robots.txt Scrapy fetches anyway (robots_parsed).
            if not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
                requests.append(self._request(f"{base}/robots.txt", "sitemaps", self.read_robots, priority=10))
            requests.append(self._sitemap_request(f"{base}/sitemaps.xml", base, 0))
        extension = self._state
        if self.backfill is None and extension is not None and extension.store is not None:  # found, never asked
            for article_id in extension.store.pending(self.max_requests // 2):
                self._count("newscrawl/discovery/backlog/urls")
                requests.append(self._consider(article_id, f"{base}/", "backlog"))
        if "listings" in self.args.discover:
            if self.args.sections:
                requests += [self._listing_request(self.site.section_url(section)) for section in self.args.sections]
            else:
                requests.append(self._listing_request(f"{base}/"))
        for request in requests:
            if request is not None:
                yield request

    def parse(self, response: Response, **kwargs: Any) -> Any:
        """Any page by its URL (``scrapy parse <url>`` without ``-c``): an article, a feed, a sitemap,
        robots.txt, else a listing."""
        return self.callback_for(response.url)(response)

    def callback_for(self, url: str):
        path = urlsplit(url).path.lower()
        if article_id_from_url(url):
            return self.parse_article
        if path == "/robots.txt":
            return self.read_robots
        if "sitemap" in path:
            return self.read_sitemap
        if path.startswith(("/rss", "/feed")) or path.endswith((".rss", ".atom")):
            return self.read_feed
        return self.parse_listing

    # -- feeds and sitemaps ---------------------------------------------------------------------------
    def read_feed(self, response: Response) -> Iterator[scrapy.Request]:
        """A feed: a request per article worth one.

        @url https://www.albawabhnews.com/rss/section/72
        @returns requests 1
        @returns items 0 0
        @article_requests
        """
        result = parse_feed(response.body, response.url)
        yield from self._discovered(response, "feeds", result, section_filter.feed_section(response.url))

    def read_robots(self, response: Response) -> Iterator[scrapy.Request]:
        for url in sitemaps_from_robots(response.body):
            if request := self._sitemap_request(url, response.url, 0):
                yield request

    def robots_parsed(self, robotparser, request) -> None:
        """The robots.txt that RobotsTxtMiddleware fetched: follow its ``Sitemap:`` lines (no second fetch)."""
        if not self._started or "sitemaps" not in self.args.discover:
            return  # a debug command (parse, check, shell) fetches what it was asked, nothing more
        if not self.site.is_site_host(urlsplit(request.url).hostname):
            return
        sitemaps = getattr(getattr(robotparser, "rp", None), "sitemaps", None)  # Protego, Scrapy's default parser
        if sitemaps is None:  # another parser: read robots.txt once more, as a discovery document
            follow_up = self._request(f"{self.site.base_url}/robots.txt", "sitemaps", self.read_robots,
                                      priority=10, dont_filter=True)
            if follow_up is not None:
                self.crawler.engine.crawl(follow_up)
            return
        for url in list(sitemaps):
            if follow_up := self._sitemap_request(url, request.url, 0):
                self.crawler.engine.crawl(follow_up)

    def _sitemap_request(self, url: str, referer: str, depth: int) -> scrapy.Request | None:
        target = self.site.crawl_url(url, referer)
        if target is None:
            self._count("newscrawl/discovery/sitemaps/offsite")
            return None
        if target in self._sitemaps:
            return None
        if len(self._sitemaps) >= self.max_sitemaps:
            self._count("newscrawl/limits/sitemaps")
            return None
        self._sitemaps.add(target)
        return self._request(target, "sitemaps", self.read_sitemap, priority=10,
                             meta={"sitemap_depth": depth, "download_maxsize": SITEMAP_MAXSIZE})

    def read_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        """A sitemap or sitemap index: requests for its sitemaps and articles.

        @url https://www.albawabhnews.com/sitemap-news.xml
        @returns requests 1
        @returns items 0 0
        @article_requests
        """
        result = parse_sitemap(response.body, response.url)
        depth = response.meta.get("sitemap_depth", 0)
        if result.sitemaps:
            if depth + 1 > MAX_SITEMAP_DEPTH:
                self._count("newscrawl/discovery/sitemaps/too_deep", len(result.sitemaps))
                self.logger.warning("sitemap index %s is nested deeper than %d: not followed", response.url,
                                    MAX_SITEMAP_DEPTH)
            else:
                newest_first = sorted(result.sitemaps, key=lambda entry: self._date(entry.modified)
                                      or datetime.min.replace(tzinfo=UTC), reverse=True)
                for entry in newest_first:
                    if request := self._sitemap_request(entry.url, response.url, depth + 1):
                        yield request
        yield from self._discovered(response, "sitemaps", result)

    def _discovered(self, response: Response, source: str, result,
                    section: str | None = None) -> Iterator[scrapy.Request]:
        """Requests for the articles a feed or sitemap lists (``result``: a discovery ParseResult);
        ``section``: the section every entry belongs to (a section feed), if known."""
        prefix = f"newscrawl/discovery/{source}"
        self._count(f"{prefix}/documents")
        if result.error:
            self._count(f"{prefix}/failed")
            self.logger.warning("%s %s: %s", source, response.url, result.error)
        if result.truncated:
            self._count(f"{prefix}/truncated")
        if result.invalid:
            self._count(f"{prefix}/invalid", result.invalid)
        for entry in result.entries:
            url = self.site.crawl_url(entry.url, response.url)
            article_id = article_id_from_url(url) if url else None
            if article_id is None:
                self._count(f"{prefix}/invalid" if url else f"{prefix}/offsite")
                continue
            # A document's size is bounded by its parser (50,000 URLs), not by the per-page link cap.
            self._count(f"{prefix}/urls")
            if request := self._consider(article_id, response.url, source, self._date(entry.modified,
                                                                                        entry.published),
                                         section=section):
                yield request

    # -- listings -------------------------------------------------------------------------------------
    def parse_listing(self, response: Response) -> Iterator[scrapy.Request]:
        """A listing (home, section, its pages): requests for its articles, its pager and the menu.

        @url https://www.albawabhnews.com/category/72
        @returns requests 5
        @returns items 0 0
        @article_requests 5
        """
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
        selector = (whole_page(response.body, response.encoding, response.url, lambda: response.text)
                    if isinstance(response, scrapy.http.HtmlResponse) else response.selector)
        page = ListingPage(selector, response.url, self.site)
        cards = page.cards()
        own = page.events["newscrawl/listing/cards"]  # cards() lists the page's own cards first, then the sidebar
        sidebar_end = own + page.events["newscrawl/listing/sidebar_links"]
        listing_section = section_id_from_url(response.url)
        article_ids: list[str] = []
        own_ids: list[str] = []
        dates = []
        if self.backfill is not None:  # learn the page's card dates before placing its undated links
            for href, date in cards[:own]:
                if date and (url := self.site.crawl_url(href, response.url)) and (found := article_id_from_url(url)):
                    self.backfill.card(found, self._date(date))
        for position, (href, date) in enumerate(cards):
            url = self.site.crawl_url(href, response.url)
            if not (url and (article_id := article_id_from_url(url))):
                continue
            if self._links_capped(len(article_ids) + 1, response.url):
                break
            article_ids.append(article_id)
            if position < own:
                own_ids.append(article_id)
                dates.append(date)
            elif self.args.sections and position < sidebar_end:  # "most read": any section
                self._count("newscrawl/filtered/sidebar")
                self.logger.debug("not following sidebar link %s: its section is unknown", url)
                continue
            self._count("newscrawl/discovery/listings/urls")
            section = listing_section if position < own else None
            if request := self._consider(article_id, response.url, "listings", self._date(date), date,
                                         section=section):
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
                    if request := self._listing_request(url):
                        yield request

        if page_number(response.url) >= self.args.max_pages:
            self._count("newscrawl/listing/stopped/max_pages")
            return
        if self.args.since and dates and self._reaches_since(dates):
            self._count("newscrawl/listing/stopped/since")
            if self.backfill is not None:
                self.backfill.listing_exhausted = True
            return
        # The listing's own cards, newest first: once its last card is an article a clean run confirmed,
        # the pages below hold nothing new (the sidebar and links elsewhere on the page do not count). Not
        # in a backfill: the window may lie far below what earlier runs confirmed.
        last = (own_ids or article_ids)[-1:]
        if self.stop_on_seen and self.backfill is None and last and self._confirmed(last[0]):
            self._count("newscrawl/listing/stopped/seen")
            return
        next_href = page.next_page()
        if next_href and (url := self.site.crawl_url(next_href, response.url)):
            if page_number(url) > page_number(response.url) and (request := self._listing_request(url)):
                yield request
        elif self.backfill is not None:
            self.backfill.listing_exhausted = True

    def _confirmed(self, article_id: str) -> bool:
        extension = self._state
        return extension is not None and extension.store is not None and extension.store.is_seen(article_id)

    def _listing_request(self, url: str) -> scrapy.Request | None:
        url = listing_url(url)
        if url in self._listings:
            return None
        self._listings.add(url)
        return self._request(url, "listings", self.parse_listing)

    def _reaches_since(self, dates: list[str | None]) -> bool:
        """True when the page's last dated card (the oldest: listings are newest first) is older than
        ``since``: the pages below are older still. Undated cards don't count; a pinned old card at the top
        does not stop the paging."""
        now = crawl_now(self.crawler.settings)
        parsed = [parse_date(text, now=now) for text in dates if text]
        parsed = [value for value in parsed if value is not None]
        return bool(parsed) and parsed[-1] < self.args.since

    # -- articles -------------------------------------------------------------------------------------
    def parse_article(self, response: Response) -> Iterator[Any]:
        """An article page: the article, and requests for the articles it links.

        @url https://www.albawabhnews.com/4912345
        @returns items 1 1
        @filled url article_id title body published_raw section author
        @article https://www.albawabhnews.com/4912345
        """
        if response.status == 304:
            self._not_modified(response)
            return
        if response.status in GONE_STATUSES:
            yield from self._gone(response)
            return
        self._count("newscrawl/pages/article")
        if not is_html(response):
            self._count("newscrawl/dropped/not_html")
            self.logger.warning("dropped %s: not an HTML page (%s)", response.url,
                                response.headers.get("Content-Type", b"").decode("latin-1"))
            self._settled(response)
            return
        if "partial" in response.flags:  # no Content-Length, ended by the server closing: maybe cut short
            yield from self._retry_or_drop(response, "partial_body", "the body may be cut short")
            return
        crawled_at = datetime.now(UTC).replace(microsecond=0).isoformat()
        listing_dates = [response.meta["listing_date"]] if response.meta.get("listing_date") else []
        events: Counter[str] = Counter()
        try:  # one parse; the tree is gone when this returns (nothing of it is in the item)
            found = extract_article(response.body, response.encoding, response.url, crawled_at, site=self.site,
                                    listing_dates=listing_dates, text=lambda: response.text, events=events,
                                    section_id=section_filter.section_id_of if self.args.sections else None)
        except Exception:  # a page that breaks extraction must not stop the crawl
            self._count("newscrawl/dropped/extract_error")
            self.logger.exception("extraction failed on %s", response.url)
            return
        finally:
            self._merge(events)
        error_page, item = found.error_page, found.item
        if error_page:  # a CMS failure, often transient: worth the retries of a 5xx
            yield from self._retry_or_drop(response, "error_page", "the site answered an error page")
            return
        if item is None:
            self._count("newscrawl/dropped/not_article")
            self.logger.warning("dropped %s: no article id on the page", response.url)
            self._settled(response)
            return
        if self.backfill is not None:  # every dated article teaches the window's id-to-date relation
            self.backfill.learn(item.article_id, self._date(item.published_at))
        if self.args.sections:
            page_section = found.section_id
            verdict = section_filter.verdict(self.args.sections, page_section, response.meta.get("section_hint"))
            if verdict != section_filter.EMIT:
                self._count(f"newscrawl/filtered/{verdict}")
                self.logger.debug("not emitting %s: section %s is not in -a sections", response.url,
                                  page_section or "unknown")
                self._settled(response)
                return
        item.fetch_info = {
            "fetched_at": iso(crawl_now(self.crawler.settings)),
            "etag": _header(response, b"ETag"),
            "last_modified": _header(response, b"Last-Modified"),
            "hint_date": response.meta.get("hint_date"),
            "reason": response.meta.get("fetch_reason"),
        }
        # Read-also and other links inside the body: on the same site, articles only (an id range asks
        # for every id of the range itself, and for nothing outside it).
        links = 0
        for block in item.body_blocks if self.args.ids is None else ():
            for link in block.article_links:
                links += 1
                if self._links_capped(links, response.url):
                    break
                if request := self._consider(link.article_id, response.url, "listings"):
                    yield request
            else:
                continue
            break
        yield item

    def _settled(self, response: Response) -> None:
        """In a backfill: this article page had nothing to deliver; a resumed run does not ask it again."""
        if self.backfill is not None and (article_id := response.meta.get("article_id")):
            self.backfill.settled(article_id)

    def follow_deferred(self, article_id: str, context: dict) -> scrapy.Request | None:
        """The request for a link the backfill held back until the spider was idle (``Backfill.spider_idle``)."""
        return self._consider(article_id, context["referer"], context["source"], section=context.get("section"),
                              placed=True)

    def _record(self, article_id: str) -> StateRecord | None:
        """The state's record of an article this run requested (read again when another worker of a shared
        frontier made the request)."""
        if article_id in self._records:
            return self._records.pop(article_id)
        extension = self._state
        return extension.store.get(article_id) if extension is not None and extension.store is not None else None

    def _not_modified(self, response: Response) -> None:
        """304: the page is as delivered; the fetch is recorded so its revisit reason is spent."""
        self._count("newscrawl/revisit/not_modified")
        self._settled(response)
        article_id = response.meta["article_id"]
        record = self._record(article_id)
        extension = self._state
        if record is None or extension is None:
            return
        now = iso(crawl_now(self.crawler.settings))
        extension.check(replace(record, fetched_at=now, known_date=latest(record.known_date,
                                                                           response.meta.get("hint_date"))))

    def _gone(self, response: Response) -> Iterator[Deletion]:
        """404/410: a deletion record for a delivered article (once), else the id waits out a backoff."""
        article_id = response.meta["article_id"]
        record = self._record(article_id)
        now_at = crawl_now(self.crawler.settings)
        if record is not None and record.delivered and record.status != GONE:
            self._count("newscrawl/gone/deleted")
            self.logger.info("article %s answered %d: emitting its deletion record", article_id, response.status)
            yield Deletion(url=canonical_article_url(article_id), article_id=article_id,
                           http_status=response.status, detected_at=iso(now_at))
            return
        self._count("newscrawl/gone/missing")
        if self.args.ids is not None:
            self._count("newscrawl/backfill/missing")
        self._settled(response)  # never asked again in this backfill; the state's backoff covers later runs
        extension = self._state
        if extension is None or extension.store is None:
            return
        base = record or StateRecord(article_id, version=0, status=MISSING)
        failures = base.failures + 1
        extension.check(replace(base, status=GONE if base.delivered else MISSING, failures=failures,
                                http_status=response.status, fetched_at=iso(now_at),
                                retry_at=iso(now_at + retry_delay(failures))))

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


def _header(response: Response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1").strip() or None if value else None
