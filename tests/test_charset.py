"""A wrong charset label (issue 11, finding 5): UTF-8 bytes declared windows-1256 are read as UTF-8.

``newscrawl.http.charset.CharsetMiddleware`` on responses built the way Scrapy builds them, then the real
``scrapy crawl`` against a loopback site that labels its UTF-8 pages windows-1256.
"""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse, Request, Response, TextResponse

from newscrawl.http.charset import STAT, CharsetMiddleware, is_utf8, utf8_contradicts
from tests.conftest import run_crawl
from tests.test_origin import Loopback

TITLE = "الكرملين يأسف لغياب يريفان عن قمة مينسك"
PARAGRAPHS = ["أعربت الرئاسة الروسية عن أسفها لعدم مشاركة أرمينيا في قمة مينسك.",
              "وتضم المنظمة ست دول بينها روسيا وبيلاروسيا وأرمينيا."]


def article(meta_charset: str = "windows-1256") -> bytes:
    body = "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    return f"""<html lang="ar"><head><meta charset="{meta_charset}"><title>{TITLE} - البوابة نيوز</title></head>
<body><article class="cont"><h1>{TITLE}</h1><div class="writer">البوابة نيوز</div>
<div class="publish"><time datetime="2023-11-22T13:47:00">الأربعاء 22/نوفمبر/2023 - 01:47 م</time></div>
<div class="paragraph-list">{body}</div></article></body></html>""".encode()


class Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1):
        self.values[key] = self.values.get(key, 0) + count


def respond(body: bytes, content_type: str, url: str = "http://127.0.0.1:8000/4912345") -> HtmlResponse:
    return HtmlResponse(url=url, body=body, headers={"Content-Type": content_type}, request=Request(url))


@pytest.mark.parametrize("content_type", [
    pytest.param("text/html; charset=windows-1256", id="header-and-meta-lie"),
    pytest.param("text/html", id="meta-lies"),
    pytest.param("text/html; charset=iso-8859-1", id="header-latin-1"),
])
def test_utf8_bytes_under_a_legacy_label_are_read_as_utf8(content_type):
    response = respond(article(), content_type)
    assert TITLE not in response.text  # what Scrapy reads from the label: mojibake
    stats = Stats()
    fixed = CharsetMiddleware(stats).process_response(response.request, response)
    assert fixed.encoding == "utf-8"
    assert fixed.css("h1::text").get() == TITLE
    assert fixed.body == response.body and fixed.url == response.url and type(fixed) is HtmlResponse
    assert stats.values == {STAT: 1}


@pytest.mark.parametrize(("body", "content_type"), [
    pytest.param(article("utf-8"), "text/html; charset=utf-8", id="utf8-labelled-utf8"),
    pytest.param(article().decode().encode("cp1256"), "text/html; charset=windows-1256", id="real-cp1256"),
    pytest.param(b"<html><body><p>plain ascii</p></body></html>", "text/html; charset=windows-1256", id="ascii"),
    pytest.param(article("utf-8"), "text/html; charset=UTF8", id="utf8-alias"),
])
def test_responses_whose_label_holds_are_untouched(body, content_type):
    response = respond(body, content_type)
    stats = Stats()
    assert CharsetMiddleware(stats).process_response(response.request, response) is response
    assert stats.values == {}


def test_a_real_cp1256_page_still_reads_as_arabic():
    response = respond(article().decode().encode("cp1256"), "text/html; charset=windows-1256")
    assert response.css("h1::text").get() == TITLE


def test_non_text_responses_are_untouched():
    response = Response("http://127.0.0.1:8000/a.jpg", body="صورة".encode())
    assert CharsetMiddleware(Stats()).process_response(response.request, response) is response


def test_one_log_line_per_host(caplog):
    middleware = CharsetMiddleware(Stats())
    with caplog.at_level("INFO", logger="newscrawl.http.charset"):
        for path in ("/4912345", "/4912346", "/category/72"):
            response = respond(article(), "text/html; charset=windows-1256", f"http://127.0.0.1:8000{path}")
            middleware.process_response(response.request, response)
    assert len(caplog.records) == 1
    assert "127.0.0.1:8000" in caplog.records[0].getMessage()


@pytest.mark.parametrize(("encoding", "utf8"), [("utf-8", True), ("UTF8", True), ("utf-8-sig", True),
                                                 ("cp1256", False), ("windows-1256", False), ("bogus", False)])
def test_is_utf8(encoding, utf8):
    assert is_utf8(encoding) is utf8


def test_utf8_contradicts():
    assert utf8_contradicts("نص".encode())
    assert not utf8_contradicts(b"ascii only")
    assert not utf8_contradicts("نص".encode("cp1256"))
    assert isinstance(respond(b"", "text/html"), TextResponse)


# -- end to end ---------------------------------------------------------------------------------------------
LISTING = """<html lang="ar"><head><meta charset="windows-1256"></head><body><div class="cont">
<div class="item-card"><a href="/4912345"><div class="txt-cont"><h3>خبر</h3></div></a></div></div></body></html>"""


@pytest.mark.crawl
def test_a_site_that_mislabels_its_utf8_pages(tmp_path):
    lie = {"Content-Type": "text/html; charset=windows-1256"}
    site = Loopback({"/": (200, lie, LISTING.encode()), "/4912345": (200, lie, article())})
    try:
        result = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", env={"NEWSCRAWL_STATE": "off"}, timeout=120)
    finally:
        site.close()
    (item,) = result.items
    assert item["title"] == TITLE
    assert item["body"] == "\n\n".join(PARAGRAPHS)
    assert f"'{STAT}': 2" in result.log  # the listing and the article
    assert sum("sends UTF-8" in line for line in result.log.splitlines()) == 1


@pytest.mark.crawl
def test_the_offline_copy_with_a_charset_lie(tmp_path, expected):
    """The offline copy serving one article's UTF-8 bytes as windows-1256 (tests/site/server.py)."""
    from tests.article_checks import CHECKED_FIELDS, check_field
    from tests.site.server import serve

    server, _, base_url = serve(faults="charset_lie:/4912345")
    try:
        result = run_crawl(tmp_path, "-a", f"base_url={base_url}", env={"NEWSCRAWL_STATE": "off"})
    finally:
        server.shutdown()
        server.server_close()
    article = next(a for a in expected["articles"] if a["article_id"] == "4912345")
    for field in CHECKED_FIELDS:
        check_field(result.by_id["4912345"], article, field, expected)
    assert f"'{STAT}': 1" in result.log
