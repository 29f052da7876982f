"""albawabhnews.com's URL space: what a link is, and where the crawler fetches it.

Pure functions, no Scrapy. SITE.md ("URLs") is the source for every rule here:

- an article is ``/<id>`` with a numeric id of 6+ digits and no slug; ``/print.aspx?id=<id>`` is the
  same article again; ``http``/``https`` and ``www``/no-``www`` are one site;
- a section is ``/category/<n>``, its pages ``?page=N``; tags ``/tag/<n>`` and search are not followed.

A crawl may run against a copy of the site (``base_url=http://127.0.0.1:8000``): links that the copy's
pages make to the real site are mapped onto the copy, and items still carry the canonical URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

SITE_HOST = "www.albawabhnews.com"
SITE_HOSTS = frozenset({"albawabhnews.com", "www.albawabhnews.com", "m.albawabhnews.com"})
DEFAULT_BASE_URL = f"https://{SITE_HOST}"

ARTICLE_PATH = re.compile(r"/([0-9]{6,10})/?")  # ASCII digits (\d takes ٤٩١٢٣٤٥ too); ids are ~7 digits
PRINT_PATH = re.compile(r"/print\.aspx", re.IGNORECASE)
SECTION_PATH = re.compile(r"/category/([0-9]+)/?")


def canonical_article_url(article_id: str) -> str:
    return f"{DEFAULT_BASE_URL}/{article_id}"


@dataclass(frozen=True, slots=True)
class Site:
    """The site as one crawl sees it: the base URL it fetches from, and the host names that are it."""

    base_url: str = DEFAULT_BASE_URL

    @classmethod
    def from_base_url(cls, base_url: str) -> Site:
        """Normalize ``base_url`` (scheme and host, optional port, no path); ValueError if unusable."""
        parts = urlsplit(base_url.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("expected an http(s) URL such as https://www.albawabhnews.com")
        if parts.username is not None or parts.password is not None:
            raise ValueError("credentials are not allowed in base_url: give the site's address only")
        if parts.path not in ("", "/") or parts.query or parts.fragment:
            raise ValueError("expected a site root without path or query")
        try:
            parts.port  # noqa: B018 - raises ValueError on a bad port
        except ValueError:
            raise ValueError("the port is not a number") from None
        return cls(base_url=f"{parts.scheme}://{parts.netloc.lower()}")

    @property
    def host(self) -> str:
        return _hostname(self.base_url)

    @property
    def allowed_domains(self) -> list[str]:
        host = self.host
        if host in SITE_HOSTS:
            return ["albawabhnews.com"]
        return [host]

    def is_site_host(self, host: str | None) -> bool:
        return bool(host) and (host in SITE_HOSTS or host == self.host)

    def crawl_url(self, href: str, page_url: str) -> str | None:
        """The URL to fetch for a link found on ``page_url``: on this copy of the site, or None if offsite."""
        return _resolved(self._crawl_url, href, page_url)

    def _crawl_url(self, href: str, page_url: str) -> str | None:
        try:
            parts = urlsplit(urljoin(page_url, href.strip()))
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not self.is_site_host(parts.hostname):
            return None
        return urlunsplit((*urlsplit(self.base_url)[:2], parts.path or "/", parts.query, ""))

    def absolute(self, href: str, page_url: str) -> str | None:
        """An absolute URL for ``href``; links to the site itself (or its copy) go to the real host."""
        return _resolved(self._absolute, href, page_url)

    def _absolute(self, href: str, page_url: str) -> str | None:
        try:
            parts = urlsplit(urljoin(page_url, href.strip()))
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        if self.is_site_host(parts.hostname):
            return urlunsplit(("https", SITE_HOST, parts.path or "/", parts.query, ""))
        return urlunsplit(parts)

    def article_url(self, article_id: str) -> str:
        return f"{self.base_url}/{article_id}"

    def section_url(self, section_id: str) -> str:
        return f"{self.base_url}/category/{section_id}"


@lru_cache(maxsize=64)
def _hostname(url: str) -> str:
    return urlsplit(url).hostname or ""


def _resolved(resolve, href: str, page_url: str) -> str | None:
    """``resolve(href, page_url)``, remembered where the answer does not depend on the page's path: a
    menu, a footer and a sidebar repeat the same few hundred links on every page of a crawl, and joining and
    splitting a URL costs more than looking it up."""
    if href.startswith(("http://", "https://")):
        return _resolved_cached(resolve, href, "")
    if href.startswith("/") and not href.startswith("//"):
        origin_end = page_url.find("/", page_url.find("//") + 2)
        return _resolved_cached(resolve, href, page_url if origin_end < 0 else page_url[:origin_end + 1])
    return resolve(href, page_url)


@lru_cache(maxsize=16384)
def _resolved_cached(resolve, href: str, origin: str) -> str | None:
    return resolve(href, origin)


def redact_url(url: str) -> str:
    """``url`` with any user and password replaced by ``***``, for messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if parts.username is None and parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"***@{host}", parts.path, parts.query, parts.fragment))


@lru_cache(maxsize=16384)
def article_id_from_url(url: str) -> str | None:
    """The article id of an article or print-view URL (any host), else None (remembered: the same links
    are read on many pages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    match = ARTICLE_PATH.fullmatch(parts.path)
    if match:
        return match.group(1)
    if PRINT_PATH.fullmatch(parts.path):
        for key, value in parse_qsl(parts.query):
            if key.lower() == "id" and value.isascii() and value.isdigit() and 6 <= len(value) <= 10:
                return value
    return None


@lru_cache(maxsize=4096)
def section_id_from_url(url: str) -> str | None:
    try:
        match = SECTION_PATH.fullmatch(urlsplit(url).path)
    except ValueError:
        return None
    return match.group(1) if match else None


@lru_cache(maxsize=4096)
def page_number(url: str) -> int:
    """The ``?page=N`` of a listing URL, 1 when absent or unreadable."""
    try:
        for key, value in parse_qsl(urlsplit(url).query):
            if key == "page" and value.isascii() and value.isdigit():
                return max(int(value), 1)
    except ValueError:
        pass
    return 1


def listing_url(url: str) -> str:
    """A listing URL in one spelling: no fragment, and no ``page=1`` (page 1 is the bare listing)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not (k == "page" and v == "1")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))
