"""``newscrawl.compat.splash``: each upstream fact it relies on, and each fix, pinned by a test.

When one of the "upstream" tests fails after an upgrade, the fact it pins changed: read the message,
then drop or adapt the fix it names (and its test) in ``newscrawl/compat/splash.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from importlib.metadata import version
from types import SimpleNamespace

import pytest
from scrapy import Request, Spider
from scrapy.core.downloader import Downloader
from scrapy.core.spidermw import SpiderMiddlewareManager
from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, TextResponse
from scrapy.utils.deprecate import argument_is_required
from scrapy.utils.test import get_crawler

from newscrawl.compat import splash as compat
from newscrawl.rendering import render_request
from tests.conftest import ROOT
from tests.splash_server import serve as serve_splash

SPLASH_HOST = "splash"  # a Splash host that is not the site's, as in docker-compose and Kubernetes


class SiteSpider(Spider):
    name = "site"
    allowed_domains = ["127.0.0.1"]


def make_crawler(**settings):
    crawler = get_crawler(SiteSpider, {"SPLASH_URL": f"http://{SPLASH_HOST}:8050", **settings})
    crawler.spider = SiteSpider()
    # SplashMiddleware asks the engine's downloader for download slots; the real method on a stand-in.
    downloader = SimpleNamespace(DOWNLOAD_SLOT=Downloader.DOWNLOAD_SLOT, ip_concurrency=False)
    downloader.get_slot_key = lambda request: Downloader.get_slot_key(downloader, request)
    crawler.engine = SimpleNamespace(downloader=downloader)
    return crawler


def page_request(**kwargs) -> Request:
    return render_request(Request("http://127.0.0.1:8000/4912345", meta={"article_id": "4912345"}, **kwargs),
                          make_crawler().settings)


# -- what these fixes were written against ---------------------------------------------------------
def test_installed_versions_are_the_ones_the_layer_was_written_for():
    assert version("scrapy-splash") == compat.UPSTREAM_VERSION, (
        "scrapy-splash was upgraded: re-check every fact in newscrawl/compat/splash.py, then update UPSTREAM_VERSION")
    assert version("scrapy") == "2.19.0", "Scrapy was upgraded: re-check newscrawl/compat/splash.py"


# -- 1. import -------------------------------------------------------------------------------------
def test_upstream_still_fails_to_import_without_the_shim():
    proc = subprocess.run([sys.executable, "-c", "import scrapy_splash"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0, "scrapy_splash imports on its own now: drop install_url_shim()"
    assert "cannot import name 'canonicalize_url' from 'scrapy.utils.url'" in proc.stderr


def test_the_shim_is_w3libs_function_and_only_fills_a_gap():
    import scrapy.utils.url
    from w3lib.url import canonicalize_url

    assert scrapy.utils.url.canonicalize_url is canonicalize_url
    assert compat.install_url_shim() is False  # already there: nothing replaced


# -- 2. download slots ------------------------------------------------------------------------------
def test_scrapy_has_only_the_public_slot_key_method():
    assert not hasattr(Downloader, "_get_slot_key"), "Downloader._get_slot_key is back: fix 2 may go"
    assert hasattr(Downloader, "get_slot_key")


def test_upstream_middleware_fails_on_the_private_method():
    crawler = make_crawler()
    crawler.engine.downloader = Downloader.__new__(Downloader)  # the real class: no _get_slot_key
    upstream = compat.scrapy_splash.SplashMiddleware.from_crawler(crawler)
    with pytest.raises(AttributeError, match="_get_slot_key"):
        upstream.process_request(page_request(), crawler.spider)


def test_per_domain_slot_is_the_pages_host():
    crawler = make_crawler()
    rewritten = compat.SplashMiddleware.from_crawler(crawler).process_request(page_request())
    assert rewritten.meta["download_slot"] == "127.0.0.1"  # politeness per site, not per Splash


# -- 3. offsite -------------------------------------------------------------------------------------
def offsite(crawler) -> OffsiteMiddleware:
    middleware = OffsiteMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    return middleware


def test_upstream_rewritten_request_is_dropped_as_offsite():
    crawler = make_crawler()
    request = page_request()
    request.meta["splash"]["slot_policy"] = "scrapy_default"  # keep clear of fix 2
    rewritten = compat.scrapy_splash.SplashMiddleware.from_crawler(crawler).process_request(request, crawler.spider)
    assert rewritten.url == f"http://{SPLASH_HOST}:8050/render.html"
    with pytest.raises(IgnoreRequest, match="offsite"):
        offsite(crawler).process_request(rewritten)


def test_rewritten_request_is_allowed_offsite():
    crawler = make_crawler()
    rewritten = compat.SplashMiddleware.from_crawler(crawler).process_request(page_request())
    assert rewritten.meta["allow_offsite"] is True
    assert offsite(crawler).process_request(rewritten) is None


# -- 4. async spider output ---------------------------------------------------------------------------
def test_scrapy_refuses_the_upstream_deduplicate_args_middleware():
    crawler = get_crawler(SiteSpider, {"SPIDER_MIDDLEWARES": {
        "scrapy_splash.SplashDeduplicateArgsMiddleware": 100}})
    with pytest.raises(TypeError, match="doesn't support asynchronous spider output"):
        SpiderMiddlewareManager.from_crawler(crawler)


def test_our_deduplicate_args_middleware_is_accepted_and_passes_output_through():
    import asyncio

    crawler = get_crawler(SiteSpider, {"SPIDER_MIDDLEWARES": {compat.SplashDeduplicateArgsMiddleware: 100}})
    manager = SpiderMiddlewareManager.from_crawler(crawler)
    middleware = next(m for m in manager.middlewares if isinstance(m, compat.SplashDeduplicateArgsMiddleware))
    crawler.spider = SiteSpider()

    async def output():
        yield page_request()
        yield {"item": 1}

    async def collect(iterable):
        return [element async for element in iterable]

    start = asyncio.run(collect(middleware.process_start(output())))
    assert [type(element) for element in start] == [compat.SplashRequest, dict]
    assert start[0].meta["splash"]["_replaced_args"] == []  # no cache_args: nothing replaced
    later = asyncio.run(collect(middleware.process_spider_output(None, output())))
    assert later[1] == {"item": 1}
    assert crawler.spider.state["_splash_local_values"] == {}


# -- spider-less signatures ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["process_request", "process_response"])
def test_upstream_methods_still_require_spider_and_ours_do_not(name):
    assert argument_is_required(getattr(compat.scrapy_splash.SplashMiddleware, name), "spider")
    assert not argument_is_required(getattr(compat.SplashMiddleware, name), "spider")
    assert not argument_is_required(compat.SplashDeduplicateArgsMiddleware.process_spider_output, "spider")


# -- the round trip, through the Splash-API test server --------------------------------------------
@pytest.fixture(scope="module")
def splash_and_page():
    """The test Splash server, and a one-page site for it to render."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from threading import Thread

    class Page(BaseHTTPRequestHandler):
        def log_message(self, *args):
            return None

        def do_GET(self):
            body = "<html><body><article class='cont'><h1>عنوان</h1></article></body></html>".encode()
            self.send_response(200 if self.path == "/4912345" else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    site = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    Thread(target=site.serve_forever, daemon=True).start()
    splash, _, splash_url = serve_splash()
    yield splash, splash_url, f"http://127.0.0.1:{site.server_address[1]}"
    for server in (site, splash):
        server.shutdown()
        server.server_close()


def post(request: Request) -> tuple[int, dict, bytes]:
    """Send a rewritten request to the test server as Scrapy's downloader would; (status, headers, body)."""
    http = urllib.request.Request(request.url, data=request.body, method=request.method,
                                  headers={k.decode(): v[0].decode() for k, v in request.headers.items()})
    try:
        with urllib.request.urlopen(http, timeout=10) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def round_trip(splash_url: str, request: Request):
    crawler = make_crawler(SPLASH_URL=splash_url)
    middleware = compat.SplashMiddleware.from_crawler(crawler)
    middleware.spider_opened(crawler.spider)
    rewritten = middleware.process_request(request)
    status, headers, body = post(rewritten)
    response = HtmlResponse(rewritten.url, status=status, headers=headers, body=body, request=rewritten)
    if "json" in headers.get("Content-Type", ""):
        response = TextResponse(rewritten.url, status=status, headers=headers, body=body, request=rewritten)
    return rewritten, middleware.process_response(rewritten, response)


def test_splash_request_round_trips_through_the_test_server(splash_and_page):
    splash, splash_url, site_url = splash_and_page
    request = render_request(Request(f"{site_url}/4912345", meta={"article_id": "4912345"},
                                     headers={"Referer": f"{site_url}/"}), make_crawler().settings)
    rewritten, response = round_trip(splash_url, request)
    sent = json.loads(rewritten.body)
    assert sent["url"] == f"{site_url}/4912345" and sent["images"] == 0
    assert sent["headers"]["Referer"] == f"{site_url}/"
    assert isinstance(response, compat.SplashTextResponse)
    assert response.url == f"{site_url}/4912345"  # the page's URL, not Splash's
    assert response.css("h1::text").get() == "عنوان"
    assert response.meta["article_id"] == "4912345"
    assert splash.renders[f"{site_url}/4912345"] >= 1


def test_splash_errors_reach_the_spider_as_splash_json(splash_and_page):
    _, splash_url, _ = splash_and_page
    request = render_request(Request("http://127.0.0.1:9/4912345"), make_crawler().settings)  # nothing there
    _, response = round_trip(splash_url, request)
    assert isinstance(response, compat.SplashJsonResponse)
    assert response.status == 502
    assert response.data["type"] == "RenderError" and response.data["info"]["type"] == "Network"
