"""Rendering through Splash: ``render_request``, the Splash-API test server, and real crawls through it.

The crawls compare a rendered crawl of the offline site with a plain one: the same items (but
``crawled_at``), the named page kinds through Splash, the others straight to the site.
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from urllib.parse import urlencode, urlsplit

import pytest
from scrapy import Request
from scrapy.settings import Settings

from newscrawl.addons.rendering import SplashAddon
from newscrawl.rendering import render_args, render_request
from tests.conftest import run_crawl
from tests.servers import closed_port
from tests.splash_server import serve as serve_splash


def settings(**values) -> Settings:
    return Settings({"SPLASH_URL": "http://splash:8050", **values})


# -- render_request ---------------------------------------------------------------------------------
def callback(response):
    return None


def errback(failure):
    return None


def test_render_request_keeps_everything_the_spider_set():
    from newscrawl.compat.splash import SplashRequest

    plain = Request("http://127.0.0.1:8000/4912345", callback=callback, errback=errback, priority=3,
                    meta={"article_id": "4912345", "listing_date": "22/11/2023 01:47 م"},
                    cb_kwargs={"page": 1}, headers={"Referer": "http://127.0.0.1:8000/"})
    rendered = render_request(plain, settings())
    assert isinstance(rendered, SplashRequest)
    assert rendered.url == plain.url
    assert (rendered.callback, rendered.errback, rendered.priority) == (callback, errback, 3)
    assert rendered.cb_kwargs == {"page": 1}
    assert rendered.headers["Referer"] == b"http://127.0.0.1:8000/"
    assert rendered.meta["article_id"] == "4912345" and rendered.meta["listing_date"] == "22/11/2023 01:47 م"
    assert rendered.meta["splash"]["endpoint"] == "render.html"
    assert rendered.meta["splash"]["args"] == {"url": plain.url, "wait": 0.5, "timeout": 30.0, "images": 0}
    assert "splash" not in plain.meta  # the spider's request is left alone
    assert render_request(rendered, settings()) is rendered


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param({}, {"wait": 0.5, "timeout": 30.0, "images": 0}, id="defaults"),
        pytest.param({"NEWSCRAWL_SPLASH_WAIT": "2", "NEWSCRAWL_SPLASH_TIMEOUT": "60"},
                     {"wait": 2.0, "timeout": 60.0, "images": 0}, id="settings"),
        pytest.param({"NEWSCRAWL_SPLASH_WAIT": "20", "NEWSCRAWL_SPLASH_TIMEOUT": "10"},
                     {"wait": 10.0, "timeout": 10.0, "images": 0}, id="wait-capped-at-timeout"),
    ],
)
def test_render_args(values, expected):
    assert render_args(settings(**values)) == expected


def test_addon_changes_nothing_without_splash_url():
    values = Settings()
    before = {name: values[name] for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES",
                                              "REQUEST_FINGERPRINTER_CLASS")}
    SplashAddon().update_settings(values)
    assert {name: values[name] for name in before} == before


def test_addon_installs_the_compat_middlewares():
    from newscrawl.compat.splash import SplashDeduplicateArgsMiddleware, SplashMiddleware

    values = settings()
    SplashAddon().update_settings(values)
    assert values.getdict("DOWNLOADER_MIDDLEWARES")[SplashMiddleware] == 725
    assert values.getdict("SPIDER_MIDDLEWARES")[SplashDeduplicateArgsMiddleware] == 100
    assert values["REQUEST_FINGERPRINTER_CLASS"] == "scrapy_splash.SplashRequestFingerprinter"


# -- the Splash-API test server ------------------------------------------------------------------------
class PageServer:
    """A one-page site: ``/ok`` is a page, ``/gone`` a 404 page with a body, ``/slow`` answers after 2 s."""

    def __init__(self):
        import time
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                return None

            def do_GET(self):
                if self.path == "/slow":
                    time.sleep(2)
                status = 404 if self.path == "/gone" else 200
                body = f"<html><body><h1>{self.path}</h1><p>{self.headers.get('X-Probe', '')}</p></body></html>"
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def pages():
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def splash():
    server, _, url = serve_splash()
    server.url = url
    yield server
    server.shutdown()
    server.server_close()


def call(url: str, *, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data, headers={"Content-Type": content_type} if content_type else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Content-Type"), answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read().decode("utf-8")


def render_get(splash, **args):
    return call(f"{splash.url}/render.html?{urlencode(args)}")


def render_post(splash, body: dict):
    return call(f"{splash.url}/render.html", data=json.dumps(body).encode(), content_type="application/json")


def test_ping(splash):
    status, content_type, body = call(f"{splash.url}/_ping")
    assert (status, content_type) == (200, "application/json")
    assert json.loads(body)["status"] == "ok"


def test_get_and_post_render_the_same_page_as_utf8_html(splash, pages):
    got = render_get(splash, url=f"{pages.url}/ok", wait=0)
    posted = render_post(splash, {"url": f"{pages.url}/ok", "wait": 0, "headers": {"X-Probe": "sent"}})
    assert got[:2] == posted[:2] == (200, "text/html; charset=utf-8")
    assert "<h1>/ok</h1>" in got[2] and "<h1>/ok</h1>" in posted[2]
    assert "<p>sent</p>" in posted[2]  # the headers argument reaches the page


def test_an_error_page_renders_with_status_200_as_in_splash(splash, pages):
    status, _, body = render_get(splash, url=f"{pages.url}/gone")
    assert status == 200 and "<h1>/gone</h1>" in body


@pytest.mark.parametrize(
    ("args", "status", "error_type", "info"),
    [
        pytest.param({}, 400, "BadOption",
                     {"type": "argument_required", "argument": "url",
                      "description": "Required argument is missing: url"}, id="no-url"),
        pytest.param({"url": "PAGE", "wait": "soon"}, 400, "BadOption",
                     {"type": "bad_argument", "argument": "wait", "description": "Argument 'wait' has a wrong type",
                      "required_type": "float"}, id="wait-not-a-number"),
        pytest.param({"url": "PAGE", "timeout": "5", "wait": "6"}, 400, "BadOption",
                     {"type": "bad_argument", "argument": "wait", "description": "Argument is out of the allowed range",
                      "min": 0, "max": 5.0, "value": 6.0}, id="wait-above-timeout"),
        pytest.param({"url": "PAGE", "timeout": "120"}, 400, "BadOption",
                     {"type": "bad_argument", "argument": "timeout",
                      "description": "Argument is out of the allowed range", "min": 0, "max": 90.0, "value": 120.0},
                     id="timeout-above-max"),
        pytest.param({"url": "CLOSED"}, 502, "RenderError",
                     {"type": "Network", "code": 1, "text": "Connection refused", "url": "CLOSED"},
                     id="connection-refused"),
        pytest.param({"url": "SLOW", "timeout": "0.5"}, 504, "GlobalTimeoutError", {"timeout": 0.5},
                     id="timeout"),
    ],
)
def test_errors_are_splash_json(splash, pages, args, status, error_type, info):
    urls = {"PAGE": f"{pages.url}/ok", "CLOSED": f"http://127.0.0.1:{closed_port()}/x", "SLOW": f"{pages.url}/slow"}
    args = {name: urls.get(value, value) for name, value in args.items()}
    info = {name: urls.get(value, value) if isinstance(value, str) else value for name, value in info.items()}
    got_status, content_type, body = render_get(splash, **args)
    assert (got_status, content_type) == (status, "application/json")
    descriptions = {"BadOption": "Incorrect HTTP API arguments", "RenderError": "Error rendering page",
                    "GlobalTimeoutError": "Timeout exceeded rendering page"}
    assert json.loads(body) == {"error": status, "type": error_type, "description": descriptions[error_type],
                                "info": info}


@pytest.mark.parametrize(
    ("data", "content_type", "status", "error_type"),
    [
        pytest.param(b"url=x", "application/x-www-form-urlencoded", 415, "UnsupportedContentType", id="form"),
        pytest.param(b"{not json", "application/json", 400, "BadOption", id="bad-json"),
    ],
)
def test_bad_posts_are_splash_json(splash, data, content_type, status, error_type):
    got_status, _, body = call(f"{splash.url}/render.html", data=data, content_type=content_type)
    assert got_status == status and json.loads(body)["type"] == error_type


def test_renders_are_counted(splash, pages):
    before = splash.renders[f"{pages.url}/ok"]
    render_get(splash, url=f"{pages.url}/ok")
    assert splash.renders[f"{pages.url}/ok"] == before + 1


# -- crawls --------------------------------------------------------------------------------------------
def comparable(items: list[dict]) -> dict[str, dict]:
    return {item["article_id"]: {k: v for k, v in item.items() if k != "crawled_at"} for item in items}


@pytest.fixture(scope="module")
def plain(site, tmp_path_factory):
    result = run_crawl(tmp_path_factory.mktemp("plain"), "-a", f"base_url={site.base_url}",
                       "-s", f"NEWSCRAWL_STATE={tmp_path_factory.mktemp('plain-state') / 'state.sqlite'}")
    assert result.returncode == 0, result.log[-3000:]
    return result


def rendered_crawl(tmp_path, site, splash, *args):
    splash.renders.clear()
    before = site.hits()
    # "localhost", not 127.0.0.1 like the site: the Splash host must not pass as the site (offsite fix).
    host_url = splash.url.replace("127.0.0.1", "localhost")
    result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", "-s", "NEWSCRAWL_SPLASH_WAIT=0.05",
                       "-s", f"NEWSCRAWL_STATE={tmp_path / 'state.sqlite'}", *args, env={"SPLASH_URL": host_url})
    direct = {path: count - before.get(path, 0) for path, count in site.hits().items()
              if count > before.get(path, 0)}
    return result, {urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
                    for url in splash.renders}, direct


def is_article(path: str) -> bool:
    return path.lstrip("/").isdigit()


@pytest.mark.crawl
def test_rendered_articles_give_the_same_items(tmp_path, site, splash, plain, expected):
    result, rendered, direct = rendered_crawl(tmp_path, site, splash, "-a", "render=articles")
    assert result.returncode == 0, result.log[-3000:]
    assert comparable(result.items) == comparable(plain.items)
    assert {item["article_id"] for item in result.items} == {a["article_id"] for a in expected["articles"]}
    # Every article page went through Splash, once; nothing else did.
    assert {f"/{item['article_id']}" for item in result.items} <= rendered
    assert all(is_article(path) for path in rendered)
    assert all(count == 1 for url, count in splash.renders.items())
    assert "splash/render.html/request_count" in result.log
    # Listings went straight to the site; articles only through Splash (one fetch each, Splash's).
    assert "/" in direct and any(path.startswith("/category/") for path in direct)
    assert {path: count for path, count in direct.items() if is_article(path) and count != 1} == {}


@pytest.mark.crawl
def test_rendered_listings_and_articles_give_the_same_items(tmp_path, site, splash, plain):
    result, rendered, _ = rendered_crawl(tmp_path, site, splash, "-s", "NEWSCRAWL_RENDER=listings,articles")
    assert result.returncode == 0, result.log[-3000:]
    assert comparable(result.items) == comparable(plain.items)
    assert "/" in rendered and any(path.startswith("/category/") for path in rendered)
    assert {f"/{item['article_id']}" for item in result.items} <= rendered
