"""The offline site's server itself, over HTTP (urllib): section feeds, conditional GET, the two editions on
one port, the issue-11 content faults and ``root=``. No crawler here: these tests pin what the copy serves,
so that crawler tests can rely on it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import Request, urlopen
from zoneinfo import ZoneInfo

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.site import content as C
from tests.site import content_update as U
from tests.site.server import (
    CONTENT_FAULTS,
    DELETED,
    FAULT_KINDS,
    PAGES,
    PAGES_UPDATE,
    FaultSpecError,
    parse_faults,
    serve,
)

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((ROOT / "tests/fixtures/albawabh/expected.json").read_text(encoding="utf-8"))
EXPECTED_UPDATE = json.loads((ROOT / "tests/fixtures/albawabh/expected_update.json").read_text(encoding="utf-8"))
CAIRO = ZoneInfo("Africa/Cairo")
NEW_IDS = [U.N_RSS, U.N_SITEMAP, U.N_LISTING, U.N_SIDEBAR]
FEEDS = ["/rss/section/72", "/rss/section/1", "/rss/section/97", "/rss/1", "/rss/97"]


def fetch(base: str, target: str, method: str = "GET", **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = Request(base + target, headers={k.replace("_", "-"): v for k, v in headers.items()}, method=method)
    try:
        with urlopen(request) as response:
            return response.status, dict(response.headers), response.read()
    except HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def target_of(relpath: str) -> str:
    """The request target that serves a file of a pages directory."""
    if relpath == "home.html":
        return "/"
    if m := re.fullmatch(r"articles/(\d+)\.html", relpath):
        return f"/{m.group(1)}"
    if m := re.fullmatch(r"print/(\d+)\.html", relpath):
        return f"/print.aspx?id={m.group(1)}"
    if m := re.fullmatch(r"(category|tag)/(\d+)/page-(\d+)\.html", relpath):
        return f"/{m.group(1)}/{m.group(2)}" + (f"?page={m.group(3)}" if m.group(3) != "1" else "")
    if m := re.fullmatch(r"rss/section/(\d+)\.xml", relpath):
        return f"/rss/section/{m.group(1)}"
    if m := re.fullmatch(r"rss/(\d+)\.xml", relpath):
        return f"/rss/{m.group(1)}"
    static = {"static/about.html": "/page/about", "static/contact-us.html": "/contact-us", "404.html": "/404-page"}
    return static.get(relpath, "/" + relpath)


def served_targets() -> list[str]:
    """Every target the copy serves in either edition (the 404 page under a made-up path)."""
    files = {p.relative_to(PAGES).as_posix() for p in PAGES.rglob("*") if p.is_file()}
    files |= {p.relative_to(PAGES_UPDATE).as_posix() for p in PAGES_UPDATE.rglob("*") if p.is_file()}
    files -= {"last-modified.json", DELETED}
    return sorted({target_of(f) for f in files})


def links_to(body: bytes, article_id: str) -> bool:
    return re.search(rb"/" + article_id.encode() + rb"(?![0-9])", body) is not None


@pytest.fixture(scope="module")
def server():
    server, thread, base_url = serve()
    server.base = base_url
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def update(server):
    server.edition = "update"
    try:
        yield server
    finally:
        server.edition = "base"


# -- section feeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize("target", FEEDS)
def test_section_feed(server, target):
    status, headers, body = fetch(server.base, target)
    assert status == 200 and headers["Content-Type"].startswith("application/rss+xml")
    channel = etree.fromstring(body).find("channel")
    assert channel.find("{http://www.w3.org/2005/Atom}link").get("href") == C.CANONICAL + target
    items = channel.findall("item")
    assert items
    orphans = set(EXPECTED["orphan_ids"])
    section = {"/rss/section/72": "العالم", "/rss/section/1": "أخبار مصر", "/rss/section/97": "حوادث",
               "/rss/97": "حوادث"}.get(target)
    dates = []
    for item in items:
        link = item.findtext("link")
        assert re.fullmatch(re.escape(C.CANONICAL) + r"/\d{7}", link), link
        article_id = link.rsplit("/", 1)[1]
        assert article_id not in orphans and article_id not in NEW_IDS
        if section:
            assert item.findtext("category") == section
        moment = parsedate_to_datetime(item.findtext("pubDate"))
        # RFC 822 with the offset Cairo had at that instant (DST from 2023).
        assert moment.utcoffset() == moment.astimezone(CAIRO).utcoffset(), item.findtext("pubDate")
        dates.append(moment)
        assert fetch(server.base, f"/{article_id}")[0] == 200
    assert dates == sorted(dates, reverse=True)


def test_section_feeds_match_the_base_listings(server):
    _, _, body = fetch(server.base, "/rss/section/72")
    ids = [link.rsplit("/", 1)[1] for link in etree.fromstring(body).xpath("//item/link/text()")]
    listed = {i for page in C.SECTION_PAGES[72] for i in page}
    assert set(ids) == listed
    items_97 = fetch(server.base, "/rss/97")[2].count(b"<item>")
    assert items_97 == fetch(server.base, "/rss/section/97")[2].count(b"<item>") == 3


@pytest.mark.parametrize("target", ["/rss/section/13", "/rss/section/999", "/rss/2", "/rss/section/"])
def test_unbuilt_feeds_are_404(server, target):
    assert fetch(server.base, target)[0] == 404


def test_the_copy_still_checks_out():
    """tests/site/check.py: link walk, every article reachable as before, expected*.json against the pages."""
    from tests.site import check

    check.problems.clear()
    assert check.main() == 0, check.problems


# -- conditional GET -----------------------------------------------------------------------------------


def http_date(iso: str) -> str:
    return format_datetime(datetime.fromisoformat(iso).astimezone(UTC), usegmt=True)


@pytest.mark.parametrize(("article_id", "date"), [
    ("4912345", "2023-11-22T14:05:00+02:00"),   # JSON-LD dateModified
    ("4912466", "2023-11-22T19:20:00+02:00"),   # broken JSON-LD: the publication date
    ("5034518", "2024-07-15T11:20:00+03:00"),   # no JSON-LD: the publication date
])
def test_article_validators(server, article_id, date):
    status, headers, body = fetch(server.base, f"/{article_id}")
    assert status == 200
    assert re.fullmatch(r'"[0-9a-f]{32}"', headers["ETag"])  # strong
    assert headers["Last-Modified"] == http_date(date)


def test_304_on_matching_validators(server):
    _, headers, body = fetch(server.base, "/4912345")
    etag, last = headers["ETag"], headers["Last-Modified"]
    before = server.hits.get("/4912345", 0)
    for kwargs in ({"If_None_Match": etag}, {"If_None_Match": f'"other", W/{etag}'}, {"If_None_Match": "*"},
                   {"If_Modified_Since": last}, {"If_Modified_Since": "Sun, 29 Nov 2026 10:00:00 GMT"}):
        status, answer, content = fetch(server.base, "/4912345", **kwargs)
        assert status == 304, kwargs
        assert content == b"" and "Content-Length" not in answer
        assert answer["ETag"] == etag and answer["Last-Modified"] == last
    assert fetch(server.base, "/4912345", method="HEAD", If_None_Match=etag)[0] == 304
    assert server.hits["/4912345"] == before + 6  # a 304 is a request like any other


def test_200_when_validators_do_not_match(server):
    _, headers, body = fetch(server.base, "/4912345")
    older = "Wed, 22 Nov 2023 12:04:59 GMT"
    assert fetch(server.base, "/4912345", If_None_Match='"0123"')[0] == 200
    assert fetch(server.base, "/4912345", If_Modified_Since=older)[0] == 200
    # If-None-Match decides when both are sent.
    assert fetch(server.base, "/4912345", If_None_Match='"0123"', If_Modified_Since=headers["Last-Modified"])[0] == 200
    assert fetch(server.base, "/4912345", If_Modified_Since="not a date")[0] == 200


@pytest.mark.parametrize("target", ["/rss.xml", "/sitemaps.xml", "/sitemap-news.xml", *FEEDS])
def test_feeds_and_sitemaps_have_validators(server, target):
    _, headers, body = fetch(server.base, target)
    assert headers["ETag"] and headers["Last-Modified"]
    assert fetch(server.base, target, If_None_Match=headers["ETag"])[0] == 304


@pytest.mark.parametrize("target", ["/", "/category/72", "/tag/2102?page=2", "/robots.txt", "/print.aspx?id=4912345",
                                    "/4912777"])
def test_other_pages_have_no_validators(server, target):
    _, headers, _ = fetch(server.base, target)
    assert "ETag" not in headers and "Last-Modified" not in headers


def test_conditional_off():
    server, thread, base = serve(conditional=False)
    try:
        later = "Sun, 29 Nov 2026 10:00:00 GMT"
        status, headers, _ = fetch(base, "/4912345", If_None_Match="*", If_Modified_Since=later)
        assert status == 200 and "ETag" not in headers and "Last-Modified" not in headers
    finally:
        server.shutdown()
        server.server_close()


# -- editions ------------------------------------------------------------------------------------------


def test_base_edition_is_pages_exactly(server):
    for target in ["/", "/4912345", "/category/72", "/rss.xml", "/sitemap-news.xml", "/tag/2106"]:
        status, _, body = fetch(server.base, target)
        relpath = server.resolve(target)[0]
        assert status == 200 and body == (PAGES / relpath).read_bytes(), target
    for article_id in NEW_IDS:
        assert fetch(server.base, f"/{article_id}")[0] == 404


def test_edition_is_validated(server):
    with pytest.raises(ValueError):
        server.edition = "tomorrow"
    assert server.edition == "base"


def scan(base: str) -> dict[str, bytes]:
    """Every page the copy serves, as served now (200s only)."""
    pages = {}
    for target in served_targets():
        status, _, body = fetch(base, target)
        if status == 200:
            pages[target] = body
    return pages


@pytest.fixture(scope="module")
def both_editions(server):
    base = scan(server.base)
    server.edition = "update"
    try:
        update = scan(server.base)
    finally:
        server.edition = "base"
    return base, update


def where_linked(pages: dict[str, bytes], article_id: str) -> set[str]:
    return {t for t, body in pages.items() if t != f"/{article_id}" and links_to(body, article_id)}


def test_new_articles_absent_from_base(both_editions):
    base, _ = both_editions
    for article_id in NEW_IDS:
        assert where_linked(base, article_id) == set()
        assert f"/{article_id}" not in base


def test_new_articles_are_served_in_update(both_editions):
    _, update = both_editions
    for article_id in NEW_IDS:
        assert f"/{article_id}" in update


def test_n_rss_only_in_rss_xml(both_editions):
    _, update = both_editions
    assert where_linked(update, U.N_RSS) == {"/rss.xml"}
    items = etree.fromstring(update["/rss.xml"]).xpath("//item/link/text()")
    assert items[0] == f"{C.CANONICAL}/{U.N_RSS}"
    assert items[1:] == [f"{C.CANONICAL}/{i}" for i in C.RSS_IDS]


def test_n_sitemap_only_in_the_news_sitemap(both_editions):
    _, update = both_editions
    assert where_linked(update, U.N_SITEMAP) == {"/sitemap-news.xml"}
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "n": "http://www.google.com/schemas/sitemap-news/0.9"}
    first = etree.fromstring(update["/sitemap-news.xml"]).find("s:url", ns)
    assert first.findtext("s:loc", namespaces=ns) == f"{C.CANONICAL}/{U.N_SITEMAP}"
    assert first.findtext("s:lastmod", namespaces=ns) == "2025-05-10T18:45:00+03:00"
    assert first.findtext("n:news/n:publication_date", namespaces=ns) == "2025-05-10T18:45:00+03:00"
    assert first.findtext("n:news/n:title", namespaces=ns) == EXPECTED_UPDATE["articles"][1]["title"]


def cards(body: bytes) -> list[str]:
    tree = lxml_html.document_fromstring(body)
    return tree.xpath("//div[@class='col-main']//div[contains(@class,'item-card')]/a/@href")


def test_n_listing_only_on_top_of_category_72(both_editions):
    base, update = both_editions
    assert where_linked(update, U.N_LISTING) == {"/category/72"}
    assert cards(update["/category/72"]) == [f"/{U.N_LISTING}", *cards(base["/category/72"])]
    for target in ["/category/72?page=2", "/category/72?page=3", "/", "/category/1"]:
        assert cards(update[target]) == cards(base[target]), target


def sidebar_links(body: bytes) -> list[str]:
    return lxml_html.document_fromstring(body).xpath("//aside//div[@class='news-list']/div[@class='item-li']/a/@href")


def test_n_sidebar_in_every_listing_sidebar_only(both_editions):
    base, update = both_editions
    listings = {t for t in update if t == "/" or t.startswith(("/category/", "/tag/"))}
    assert len(listings) == len(EXPECTED["listings"])
    assert where_linked(update, U.N_SIDEBAR) == listings
    for target in listings:
        assert sidebar_links(update[target]) == [f"/{U.N_SIDEBAR}", *sidebar_links(base[target])], target
        body = lxml_html.document_fromstring(update[target])
        hrefs = body.xpath("//a/@href")
        assert sum(links_to(h.encode(), U.N_SIDEBAR) for h in hrefs) == 1, target  # the sidebar link only
    for target in [t for t in update if re.fullmatch(r"/\d+", t)]:
        assert sidebar_links(update[target]) == sidebar_links(base.get(target, base["/4912345"]))


def test_new_article_pages_link_only_base_pages(both_editions):
    _, update = both_editions
    for article_id in NEW_IDS:
        others = [i for i in NEW_IDS if i != article_id]
        assert not any(links_to(update[f"/{article_id}"], other) for other in others)


def test_edited_article(both_editions, server):
    base, update = both_editions
    old, new = base[f"/{U.EDITED}"], update[f"/{U.EDITED}"]
    tree = lxml_html.document_fromstring(new)
    paragraphs = [" ".join(p.text_content().split()) for p in tree.xpath("//div[@class='paragraph-list']/p")]
    assert paragraphs[-1] == EXPECTED_UPDATE["articles"][4]["body_last"]
    assert tree.xpath("//meta[@property='article:modified_time']/@content") == [U.EDITED_MODIFIED]
    ld = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
    assert ld["dateModified"] == U.EDITED_MODIFIED and ld["datePublished"] == "2023-07-18T16:40:00+03:00"
    assert b"article:modified_time" not in old
    loc = f"<loc>{C.CANONICAL}/{U.EDITED}</loc>\n  <lastmod>"
    assert f"{loc}2023-07-18T17:05:00+03:00</lastmod>".encode() in base["/sitemap-news.xml"]
    assert f"{loc}{U.EDITED_MODIFIED}</lastmod>".encode() in update["/sitemap-news.xml"]
    # Validators follow the edit, on the same server and port.
    _, base_headers, _ = fetch(server.base, f"/{U.EDITED}")
    server.edition = "update"
    try:
        _, update_headers, _ = fetch(server.base, f"/{U.EDITED}")
        assert update_headers["Last-Modified"] == "Sat, 10 May 2025 18:10:00 GMT"
        assert update_headers["ETag"] != base_headers["ETag"]
        assert fetch(server.base, f"/{U.EDITED}", If_None_Match=base_headers["ETag"])[0] == 200
        assert fetch(server.base, f"/{U.EDITED}", If_Modified_Since=base_headers["Last-Modified"])[0] == 200
        assert fetch(server.base, f"/{U.EDITED}", If_None_Match=update_headers["ETag"])[0] == 304
        # An unchanged article keeps its validators across editions.
        assert fetch(server.base, "/4912345")[1]["ETag"] == fetch(server.base, "/4912345")[1]["ETag"]
    finally:
        server.edition = "base"
    assert base_headers["Last-Modified"] == "Tue, 18 Jul 2023 14:05:00 GMT"


def test_gone_article(both_editions, server):
    base, update = both_editions
    assert f"/{U.GONE}" in base and f"/{U.GONE}" not in update
    server.edition = "update"
    try:
        status, _, body = fetch(server.base, f"/{U.GONE}")
    finally:
        server.edition = "base"
    assert status == 404 and body == (PAGES / "404.html").read_bytes()
    # Every page that linked it still does.
    still = {t for t in where_linked(base, U.GONE) if t in update}
    assert still and still <= where_linked(update, U.GONE)


def test_unchanged_pages_are_identical(both_editions):
    base, update = both_editions
    overlay = {target_of(p.relative_to(PAGES_UPDATE).as_posix()) for p in PAGES_UPDATE.rglob("*") if p.is_file()}
    same = [t for t in base if t in update and t not in overlay]
    assert len(same) > 20
    for target in same:
        assert base[target] == update[target], target


def test_unchanged_articles_keep_validators(server):
    _, before, _ = fetch(server.base, "/4912010")
    server.edition = "update"
    try:
        status, after, _ = fetch(server.base, "/4912010", If_None_Match=before["ETag"])
    finally:
        server.edition = "base"
    assert status == 304 and after["ETag"] == before["ETag"]


def test_new_ids_are_newer():
    top = max(int(a["id"]) for a in C.ARTICLES)
    newest = max(datetime.fromisoformat(a["published"]) for a in C.ARTICLES)
    for article in U.NEW_ARTICLES:
        assert int(article["id"]) > top and datetime.fromisoformat(article["published"]) > newest
        published = datetime.fromisoformat(article["published"])
        assert published.utcoffset() == published.astimezone(CAIRO).utcoffset()


def test_command_line_edition():
    proc = subprocess.Popen([sys.executable, "-m", "tests.site.server", "--port", "0", "--edition", "update"],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        base = re.search(r"serving (http://\S+)", line).group(1)
        assert fetch(base, f"/{U.N_RSS}")[0] == 200
        assert fetch(base, f"/{U.GONE}")[0] == 404
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()


# -- issue 11: content faults --------------------------------------------------------------------------


def test_content_fault_kinds_are_known():
    assert CONTENT_FAULTS <= set(FAULT_KINDS)
    assert [str(f) for f in parse_faults("charset_lie:/4912345,stray_close:/4911955,unclosed_div:/4912188")] == [
        "charset_lie:/4912345", "stray_close:/4911955", "unclosed_div:/4912188"]
    with pytest.raises(FaultSpecError):
        parse_faults("charset_lie:4912345")


@pytest.fixture(scope="module")
def faulty():
    server, thread, base = serve(faults=["charset_lie:/4912345", "stray_close:/4911955", "unclosed_div:/4912188",
                                         "unclosed_div:/4836421"])
    server.base = base
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def test_charset_lie(faulty):
    status, headers, body = fetch(faulty.base, "/4912345")
    original = (PAGES / "articles/4912345.html").read_bytes()
    assert status == 200 and headers["Content-Type"] == "text/html; charset=windows-1256"
    assert body == original.replace(b'<meta charset="utf-8">', b'<meta charset="windows-1256">')
    assert body.count(b"windows-1256") == 1 and b'charset="utf-8"' not in body
    assert "الكرملين" in body.decode("utf-8")  # the bytes are still UTF-8
    # Every request, and with validators over the bytes as served.
    again = fetch(faulty.base, "/4912345", If_None_Match=headers["ETag"])
    assert again[0] == 304


def body_paragraphs(body: bytes) -> list[str]:
    tree = lxml_html.document_fromstring(body)
    return [" ".join(p.text_content().split()) for p in tree.xpath("//div[@class='paragraph-list']//p")]


def test_stray_close(faulty):
    status, _, body = fetch(faulty.base, "/4911955")
    original = (PAGES / "articles/4911955.html").read_bytes()
    assert status == 200 and len(body) == len(original) + len(b"</div>")
    start = original.index(b'<div class="paragraph-list">')
    second = original.index(b"</p>", original.index(b"</p>", start) + 1) + len(b"</p>")
    assert body == original[:second] + b"</div>" + original[second:]
    # A parser closes the body container at the stray tag: 2 of its 4 paragraphs stay inside.
    assert len(body_paragraphs(original)) == 4 and len(body_paragraphs(body)) == 2


@pytest.mark.parametrize("article_id", ["4912188", "4836421"])
def test_unclosed_div(faulty, article_id):
    status, _, body = fetch(faulty.base, f"/{article_id}")
    original = (PAGES / f"articles/{article_id}.html").read_bytes()
    assert status == 200 and len(body) == len(original) - len(b"</div>")
    tree = lxml_html.document_fromstring(body)
    container = tree.xpath("//div[@class='paragraph-list']")[0]
    swallowed = {c for c in ("keywords", "comments", "more-news") if container.xpath(f".//div[@class='{c}']")}
    assert swallowed == {"keywords", "comments", "more-news"}
    text = container.text_content()
    assert "التعليقات" in text and "المزيد من" in text
    clean = lxml_html.document_fromstring(original).xpath("//div[@class='paragraph-list']")[0].text_content()
    assert "التعليقات" not in clean and "المزيد من" not in clean


def test_content_faults_leave_other_pages_alone(faulty):
    for target in ["/4912010", "/category/72"]:
        relpath = faulty.resolve(target)[0]
        assert fetch(faulty.base, target)[2] == (PAGES / relpath).read_bytes()


# -- root= ---------------------------------------------------------------------------------------------


def test_root_serves_another_directory(tmp_path):
    root = tmp_path / "copy"
    shutil.copytree(PAGES, root)
    page = root / "articles/4912345.html"
    page.write_bytes(page.read_bytes().replace("الكرملين".encode(), "الكرملين المعدل".encode(), 1))
    server, thread, base = serve(root=root)
    try:
        assert "الكرملين المعدل" in fetch(base, "/4912345")[2].decode()
        with pytest.raises(ValueError):  # no copy-update/ overlay beside it
            server.edition = "update"
        shutil.copytree(PAGES_UPDATE, tmp_path / "copy-update")
        server.edition = "update"
        assert fetch(base, f"/{U.N_LISTING}")[0] == 200
        assert fetch(base, f"/{U.GONE}")[0] == 404
    finally:
        server.shutdown()
        server.server_close()
