"""Meta-refresh redirects read from the start of the page only (newscrawl.http.refresh): the same decisions
as Scrapy's MetaRefreshMiddleware, without decoding the whole body and keeping the text on the response."""

from __future__ import annotations

import pytest
from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.http.refresh import HeadMetaRefreshMiddleware
from tests.conftest import ROOT

URL = "http://127.0.0.1:8000/4912345"
ARTICLE = (ROOT / "tests" / "site" / "pages" / "articles" / "4912345.html").read_text(encoding="utf-8")
FILLER = "<p>" + "نص عربي طويل " * 4000 + "</p>"  # ~100 KB of Arabic after the head
REFRESH = '<meta http-equiv="refresh" content="0; url=/4910876">'


def page(head_extra: str = "", body_start: str = "", encoding: str = "utf-8") -> bytes:
    html = ARTICLE.replace("<head>", "<head>" + head_extra, 1).replace('<body class="rtl">', '<body class="rtl">'
                                                                       + body_start + FILLER, 1)
    return html.encode(encoding, "xmlcharrefreplace")


CASES = {
    "no refresh": page(),
    "refresh in the head": page(REFRESH),
    "refresh after 4,096 characters": page(body_start=REFRESH),  # Scrapy does not see it either
    "slow refresh": page('<meta http-equiv="refresh" content="600; url=/4910876">'),
    "refresh in noscript": page(f"<noscript>{REFRESH}</noscript>"),
    "base href": page('<base href="http://127.0.0.1:8000/sub/"><meta http-equiv="refresh" content="0;url=x">'),
    "windows-1256": page(REFRESH.replace("/4910876", "/عربي"), encoding="cp1256"),
    "byte order mark": b"\xef\xbb\xbf" + page(REFRESH),
    "short page": f"<html><head>{REFRESH}</head></html>".encode(),
}


def outcome(result):
    return result.url if isinstance(result, Request) else ("response", result.url)


@pytest.mark.parametrize("name", CASES)
def test_same_decision_as_scrapy(name):
    crawler = get_crawler(settings_dict={})
    ours, scrapys = HeadMetaRefreshMiddleware.from_crawler(crawler), MetaRefreshMiddleware.from_crawler(crawler)
    encoding = "cp1256" if name == "windows-1256" else "utf-8"
    request = Request(URL)
    ours_result = ours.process_response(request, HtmlResponse(URL, body=CASES[name], encoding=encoding))
    scrapy_result = scrapys.process_response(request, HtmlResponse(URL, body=CASES[name], encoding=encoding))
    assert outcome(ours_result) == outcome(scrapy_result)
    if name == "refresh in the head":
        assert ours_result.url == "http://127.0.0.1:8000/4910876"  # the page's own refresh target


def test_the_page_is_not_decoded_and_kept():
    crawler = get_crawler(settings_dict={})
    response = HtmlResponse(URL, body=CASES["no refresh"], encoding="utf-8")
    assert len(response.body) > 100_000
    HeadMetaRefreshMiddleware.from_crawler(crawler).process_response(Request(URL), response)
    assert response._cached_ubody is None  # Scrapy's middleware leaves ~200 KB of text here
    MetaRefreshMiddleware.from_crawler(crawler).process_response(Request(URL), response)
    assert response._cached_ubody is not None


def test_the_project_uses_it_in_place_of_scrapys():
    from scrapy.utils.project import get_project_settings

    middlewares = get_project_settings().getdict("DOWNLOADER_MIDDLEWARES")
    assert middlewares["scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware"] is None
    assert middlewares["newscrawl.http.refresh.HeadMetaRefreshMiddleware"] == 580
