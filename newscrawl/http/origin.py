"""Every request stays on the crawl's own origin (scheme, host and port), redirects included.

Scrapy's OffsiteMiddleware compares host names only (``allowed_domains``), so a redirect from
``http://127.0.0.1:8000/x`` to ``http://127.0.0.1:9999/x`` would be fetched. On a copy of the site
(``base_url`` not on albawabhnews.com) a request must have the base URL's scheme, host and port; on the real
site http and https on albawabhnews.com and its subdomains (www., m.) on their default ports.

A redirect's new Request is scheduled again: the ``request_scheduled`` signal drops it before it is queued
(as OffsiteMiddleware does), and ``process_request`` (ordered before RobotsTxtMiddleware, so not even the
other origin's robots.txt is fetched) catches any request that reaches the downloader another way.
Dropped requests raise IgnoreRequest, are counted ``newscrawl/offsite/port`` and logged once per origin.
"""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from newscrawl.sites.urls import SITE_HOSTS, Site

logger = logging.getLogger(__name__)

STAT = "newscrawl/offsite/port"
DEFAULT_PORTS = {"http": 80, "https": 443}
SITE_DOMAIN = "albawabhnews.com"


def origin_of(scheme: str, host: str | None, port: int | None) -> tuple[str, str, int | None]:
    scheme = scheme.lower()
    return scheme, (host or "").lower(), port if port is not None else DEFAULT_PORTS.get(scheme)


def is_allowed(site: Site, scheme: str, host: str | None, port: int | None) -> bool:
    """Whether a URL with this scheme, host and port (None: the scheme's default) is on ``site``'s origin."""
    scheme, host, port = origin_of(scheme, host, port)
    if site.host in SITE_HOSTS:  # the real site: either scheme, any of its host names, default ports only
        return (scheme in DEFAULT_PORTS and port == DEFAULT_PORTS[scheme]
                and (host == SITE_DOMAIN or host.endswith("." + SITE_DOMAIN)))
    base = urlsplit(site.base_url)  # Site.from_base_url checked its port
    return (scheme, host, port) == origin_of(base.scheme, base.hostname, base.port)


class SameOriginMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats
        self._origins_logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        middleware = cls(crawler)
        crawler.signals.connect(middleware.request_scheduled, signal=signals.request_scheduled)
        return middleware

    def request_scheduled(self, request, spider) -> None:
        self.process_request(request)

    def process_request(self, request) -> None:
        site = getattr(self.crawler.spider, "site", None)
        if not isinstance(site, Site) or request.meta.get("_splash_processed"):
            return  # (a page already sent to the operator's SPLASH_URL for rendering: not a request to the site)
        try:
            parts = urlparse_cached(request)
            port = parts.port
        except ValueError:  # a port that is not a number: never this crawl's origin
            parts, port = urlparse_cached(request), -1
        if is_allowed(site, parts.scheme, parts.hostname, port):
            return
        if self.stats is not None:
            self.stats.inc_value(STAT)
        origin = f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"
        if origin not in self._origins_logged:
            self._origins_logged.add(origin)
            logger.warning("not fetching %s: %s is not the crawl's origin %s", request.url, origin, site.base_url)
        raise IgnoreRequest(f"another origin than {site.base_url}: {origin}")
