"""Redirects to the crawl's host on another port (issue 11, finding 8): never followed.

Scrapy's OffsiteMiddleware compares host names only; ``newscrawl.http.origin`` compares scheme, host and
port. End to end: the real ``scrapy crawl`` against a loopback site whose article answers 302 to another
loopback port, where a second server counts every request it gets.
"""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.test import get_crawler

from newscrawl.http.origin import STAT, SameOriginMiddleware, is_allowed
from newscrawl.sites.urls import Site
from newscrawl.spiders.albawabh import AlbawabhSpider
from tests.conftest import run_crawl

COPY = Site.from_base_url("http://127.0.0.1:8000")
REAL = Site()


@pytest.mark.parametrize(("site", "url", "allowed"), [
    pytest.param(COPY, "http://127.0.0.1:8000/4912345", True, id="copy-same-origin"),
    pytest.param(COPY, "http://127.0.0.1:9999/4912345", False, id="copy-other-port"),
    pytest.param(COPY, "https://127.0.0.1:8000/4912345", False, id="copy-other-scheme"),
    pytest.param(COPY, "http://127.0.0.1/4912345", False, id="copy-default-port"),
    pytest.param(REAL, "https://www.albawabhnews.com/4912345", True, id="real-www-https"),
    pytest.param(REAL, "http://albawabhnews.com/4912345", True, id="real-bare-http"),
    pytest.param(REAL, "https://m.albawabhnews.com:443/4912345", True, id="real-mobile-explicit-default-port"),
    pytest.param(REAL, "https://www.albawabhnews.com:8443/4912345", False, id="real-other-port"),
    pytest.param(REAL, "http://www.albawabhnews.com:443/4912345", False, id="real-http-on-443"),
    pytest.param(REAL, "ftp://www.albawabhnews.com/4912345", False, id="real-ftp"),
])
def test_is_allowed(site, url, allowed):
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    assert is_allowed(site, parts.scheme, parts.hostname, parts.port) is allowed


def middleware_for(base_url: str) -> tuple[SameOriginMiddleware, object]:
    crawler = get_crawler(AlbawabhSpider, {"NEWSCRAWL_STOP_ON_SEEN": False})
    crawler.stats.open_spider()
    crawler.spider = crawler._create_spider(base_url=base_url)
    return SameOriginMiddleware.from_crawler(crawler), crawler


def test_another_port_is_ignored_counted_and_logged_once(caplog):
    middleware, crawler = middleware_for("http://127.0.0.1:8000")
    assert middleware.process_request(Request("http://127.0.0.1:8000/4912345")) is None
    with caplog.at_level("WARNING", logger="newscrawl.http.origin"):
        for path in ("/4912345", "/4912346"):
            with pytest.raises(IgnoreRequest):
                middleware.process_request(Request(f"http://127.0.0.1:9999{path}"))
    assert crawler.stats.get_value(STAT) == 2
    assert len([r for r in caplog.records if "127.0.0.1:9999" in r.getMessage()]) == 1


# -- end to end ---------------------------------------------------------------------------------------------
LISTING = """<html lang="ar"><body><div class="cont"><div class="item-card"><a href="/4912345">
<div class="txt-cont"><h3>خبر</h3></div></a></div></div></body></html>"""


class Loopback:
    """An HTTP server on a free loopback port, counting the paths it is asked for."""

    def __init__(self, routes: dict[str, tuple[int, dict[str, str], bytes]]):
        hits: Counter[str] = Counter()
        self.hits = hits

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's name
                hits[self.path] += 1
                status, headers, body = routes.get(self.path, (404, {}, b"not found"))
                self.send_response(status)
                for name, value in {"Content-Length": str(len(body)), **headers}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.crawl
def test_a_redirect_to_another_port_is_never_fetched(tmp_path):
    other = Loopback({})
    html = {"Content-Type": "text/html; charset=utf-8"}
    site = Loopback({
        "/": (200, html, LISTING.encode()),
        "/4912345": (302, {"Location": f"{other.base_url}/4912345"}, b""),
    })
    try:
        result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", env={"NEWSCRAWL_STATE": "off"}, timeout=120)
    finally:
        site.close()
        other.close()
    assert site.hits["/4912345"] == 1  # the redirect was received...
    assert sum(other.hits.values()) == 0, other.hits  # ...and nothing was asked of the other port
    assert f"'{STAT}': 1" in result.log
    assert "Spider closed (finished)" in result.log
