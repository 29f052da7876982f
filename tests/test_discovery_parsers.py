"""The pure discovery parsers: feeds, sitemaps, robots.txt ``Sitemap:`` lines, and what hostile bytes yield.

Expected values are copied from the documents they come from (the offline site's pages, or the small
documents written here). Hostile documents must give a ParseResult with ``error``, never an exception, and
must never read a file, open a connection or expand an entity.
"""

from __future__ import annotations

import gzip
import os
import socket
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newscrawl.discovery import Entry, ParseResult, parse_feed, parse_sitemap, sitemaps_from_robots
from tests.conftest import ROOT

PAGES = ROOT / "tests" / "site" / "pages"
SITE = "https://www.albawabhnews.com"
SM = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


def page(name: str) -> bytes:
    return (PAGES / name).read_bytes()


def urlset(*records: str, extra_ns: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="{SM}" xmlns:news="{NEWS}"{extra_ns}>\n'
    return (head + "\n".join(records) + "\n</urlset>\n").encode()


def url_record(loc: str, extra: str = "") -> str:
    return f"<url><loc>{loc}</loc>{extra}</url>"


def rss(*items: str, doctype: str = "") -> bytes:
    return (f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n<rss version="2.0"><channel><title>t</title>'
            + "".join(items) + "</channel></rss>").encode()


def item(link: str, title: str = "t", extra: str = "") -> str:
    return f"<item><title>{title}</title><link>{link}</link>{extra}</item>"


def peak_rss_kb(reset: bool = False) -> int:
    """This process's peak resident memory (VmHWM), optionally reset first: ru_maxrss survives exec and never resets."""
    if reset:
        Path("/proc/self/clear_refs").write_text("5")
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise AssertionError("no VmHWM in /proc/self/status")


def gzip_stream(*parts: bytes, repeat_last: int = 1) -> bytes:
    """A gzip member built piece by piece, so a bomb is never held uncompressed here either."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    out = [deflate.compress(part) for part in parts[:-1]]
    out += [deflate.compress(parts[-1]) for _ in range(repeat_last)]
    return b"".join(out) + deflate.flush()


# --- the offline copy of the site -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def news_sitemap() -> ParseResult:
    return parse_sitemap(page("sitemap-news.xml"), f"{SITE}/sitemap-news.xml")


@pytest.fixture(scope="module")
def site_feed() -> ParseResult:
    return parse_feed(page("rss.xml"), f"{SITE}/rss.xml")


@pytest.mark.parametrize("index, url, modified, published, title", [
    pytest.param(0, f"{SITE}/4912702", "2023-11-23T16:12:00+02:00", "2023-11-23T14:30:00+02:00",
                 "وزراء الطاقة الأوروبيون يبحثون تمديد إجراءات الطوارئ في سوق الغاز", id="first-url"),
    pytest.param(2, f"{SITE}/4912901", "2023-11-23T07:02:00Z", "2023-11-23T08:40:00+02:00",
                 "التضامن: بدء صرف معاشات تكافل وكرامة لشهر ديسمبر الأحد المقبل", id="lastmod-in-utc"),
])
def test_news_sitemap_entries_as_written(news_sitemap, index, url, modified, published, title):
    entry = news_sitemap.entries[index]
    assert entry == Entry(url=url, source="sitemaps", published=published, modified=modified, title=title)
    text = page("sitemap-news.xml").decode()
    for value in (url, modified, published, title):
        assert value in text  # copied from the file, not from the parser


def test_news_sitemap_whole(news_sitemap):
    locs = [line.strip()[5:-6] for line in page("sitemap-news.xml").decode().splitlines()
            if line.strip().startswith("<loc>")]
    assert [e.url for e in news_sitemap.entries] == locs
    assert news_sitemap.sitemaps == []
    assert (news_sitemap.invalid, news_sitemap.truncated, news_sitemap.error) == (0, False, None)
    assert all(e.title and e.published and e.modified for e in news_sitemap.entries)
    # image:loc is not an article URL
    assert not any("/Upload/" in e.url for e in news_sitemap.entries)


def test_sitemap_index_of_the_site():
    result = parse_sitemap(page("sitemaps.xml"), f"{SITE}/sitemaps.xml")
    assert result.sitemaps == [Entry(url=f"{SITE}/sitemap-news.xml", source="sitemaps", published=None,
                                     modified="2023-11-23T16:12:00+02:00", title=None)]
    assert (result.entries, result.invalid, result.error) == ([], 0, None)


def test_robots_of_the_site():
    assert sitemaps_from_robots(page("robots.txt")) == [f"{SITE}/sitemaps.xml"]


@pytest.mark.parametrize("index, url, published, title", [
    pytest.param(0, f"{SITE}/5201153", "Sat, 10 May 2025 14:38:37 +0300",
                 "قادة أوروبيون في كييف يدعون إلى وقف غير مشروط لإطلاق النار لمدة 30 يومًا", id="first-item"),
    pytest.param(1, f"{SITE}/5200487", "Wed, 07 May 2025 22:45:00 +0300",
                 "الأرصاد تحذر: موجة حارة تضرب البلاد بداية من الغد وتستمر 3 أيام", id="second-item"),
    pytest.param(-1, f"{SITE}/4912466", "Wed, 22 Nov 2023 19:20:00 +0200",
                 "التعليم العالي تعلن فتح باب التقدم لمنح الدراسات العليا في الخارج", id="last-item"),
])
def test_site_feed_items(site_feed, index, url, published, title):
    assert site_feed.entries[index] == Entry(url=url, source="feeds", published=published, modified=None, title=title)


def test_site_feed_whole(site_feed):
    text = page("rss.xml").decode()
    assert len(site_feed.entries) == text.count("<item>") == 8
    assert (site_feed.invalid, site_feed.truncated, site_feed.error, site_feed.sitemaps) == (0, False, None, [])
    # must not: the channel's own link, the atom:link self reference, enclosures
    urls = {e.url for e in site_feed.entries}
    assert not urls & {f"{SITE}/", f"{SITE}/rss.xml"}
    assert not any("/Upload/" in u for u in urls)


# --- feed formats --------------------------------------------------------------------------------------------

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


@pytest.mark.parametrize("body, url, expected", [
    pytest.param(rss(item("https://ex.com/1", "A", "<pubDate>Wed, 22 Nov 2023 13:47:00 +0200</pubDate>")),
                 "https://ex.com/rss.xml",
                 [Entry("https://ex.com/1", "feeds", "Wed, 22 Nov 2023 13:47:00 +0200", None, "A")], id="rss2"),
    pytest.param(rss(item("/4912345", "rel")), "https://www.albawabhnews.com/rss/section/18",
                 [Entry(f"{SITE}/4912345", "feeds", None, None, "rel")], id="rss2-relative-link"),
    pytest.param(rss("<item><title>g</title><guid>https://ex.com/g</guid></item>"), "https://ex.com/",
                 [Entry("https://ex.com/g", "feeds", None, None, "g")], id="rss2-guid-permalink"),
    pytest.param(rss(item("  https://ex.com/ws  ", "<![CDATA[  two\n   lines\t here ]]>")), "https://ex.com/",
                 [Entry("https://ex.com/ws", "feeds", None, None, "two lines here")], id="rss2-cdata-whitespace"),
    pytest.param(rss(item("https://ex.com/f", "f", "<pubDate>Fri, 01 Jan 2100 00:00:00 +0000</pubDate>")),
                 "https://ex.com/", [Entry("https://ex.com/f", "feeds", "Fri, 01 Jan 2100 00:00:00 +0000", None, "f")],
                 id="future-date-kept-raw"),
    pytest.param(rss(item("https://ex.com/d", "d", "<pubDate>  امس  </pubDate>")), "https://ex.com/",
                 [Entry("https://ex.com/d", "feeds", "امس", None, "d")], id="unparseable-date-kept-raw"),
    pytest.param(f'''<rdf:RDF xmlns:rdf="{RDF}" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://ex.com/"><title>c</title><link>https://ex.com/</link></channel>
        <item rdf:about="https://ex.com/r1"><title>r1</title><link>https://ex.com/r1</link>
          <dc:date>2023-11-22T13:47:00+02:00</dc:date></item>
        <item rdf:about="https://ex.com/r2"><title>r2</title></item></rdf:RDF>'''.encode(), "https://ex.com/rdf",
                 [Entry("https://ex.com/r1", "feeds", "2023-11-22T13:47:00+02:00", None, "r1"),
                  Entry("https://ex.com/r2", "feeds", None, None, "r2")], id="rss1-rdf"),
    pytest.param(f'''<feed xmlns="{ATOM}" xml:base="https://ex.com/news/"><title>f</title>
        <link rel="self" href="https://ex.com/atom.xml"/>
        <entry><title type="html">&lt;b&gt;Bold&lt;/b&gt; news</title>
          <link rel="self" href="https://ex.com/api/1"/><link rel="alternate" href="a1"/>
          <id>tag:ex.com,2023:1</id><published>2023-11-22T13:47:00Z</published><updated>2023-11-23T08:00:00Z</updated>
        </entry>
        <entry><title>a2</title><link href="https://ex.com/a2"/><updated>2023-11-24T08:00:00Z</updated></entry>
        <entry><title>a3</title><id>https://ex.com/a3</id></entry></feed>'''.encode(), "https://ex.com/atom.xml",
                 [Entry("https://ex.com/news/a1", "feeds", "2023-11-22T13:47:00Z", "2023-11-23T08:00:00Z", "Bold news"),
                  Entry("https://ex.com/a2", "feeds", None, "2023-11-24T08:00:00Z", "a2"),
                  Entry("https://ex.com/a3", "feeds", None, None, "a3")], id="atom-xml-base-alternate-id"),
])
def test_feed_formats(body, url, expected):
    result = parse_feed(body, url)
    assert result.entries == expected
    assert (result.invalid, result.error, result.truncated) == (0, None, False)


def test_rss_link_after_an_atom_self_link():
    body = rss(f'<item xmlns:atom="{ATOM}"><atom:link rel="self" href="https://ex.com/api"/><title>x</title>'
               "<link>https://ex.com/page</link></item>")
    assert [e.url for e in parse_feed(body, "https://ex.com/").entries] == ["https://ex.com/page"]


def test_feed_does_not_use_a_guid_that_is_not_a_permalink():
    result = parse_feed(rss('<item><title>x</title><guid isPermaLink="false">https://ex.com/x</guid></item>'),
                        "https://ex.com/")
    assert (result.entries, result.invalid) == ([], 1)


# --- sitemap formats ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, expected", [
    pytest.param(urlset(url_record("https://ex.com/1", "<lastmod>2023-11-22</lastmod>")),
                 [Entry("https://ex.com/1", "sitemaps", None, "2023-11-22", None)], id="plain"),
    pytest.param(b"<urlset><url><loc>https://ex.com/n</loc></url></urlset>",
                 [Entry("https://ex.com/n", "sitemaps", None, None, None)], id="no-namespace"),
    pytest.param(b'<urlset xmlns="http://www.google.com/schemas/sitemap/0.84"><url><loc>https://ex.com/o</loc></url></urlset>',
                 [Entry("https://ex.com/o", "sitemaps", None, None, None)], id="old-namespace"),
    pytest.param(urlset(url_record("https://ex.com/i", '<image:image><image:loc>https://ex.com/i.jpg</image:loc>'
                                   '<image:title>image title</image:title></image:image>'),
                        extra_ns=' xmlns:image="http://www.google.com/schemas/sitemap-image/1.1"'),
                 [Entry("https://ex.com/i", "sitemaps", None, None, None)], id="image-title-is-not-the-title"),
    pytest.param(urlset(url_record("https://ex.com/f", "<lastmod>2999-01-01T00:00:00Z</lastmod><news:news>"
                                   "<news:publication_date>2999-01-01</news:publication_date>"
                                   "<news:title>\n  A   B\n</news:title></news:news>")),
                 [Entry("https://ex.com/f", "sitemaps", "2999-01-01", "2999-01-01T00:00:00Z", "A B")],
                 id="future-dates-raw-title-collapsed"),
])
def test_sitemap_formats(body, expected):
    result = parse_sitemap(body, "https://ex.com/sitemap.xml")
    assert result.entries == expected
    assert (result.invalid, result.error, result.truncated) == (0, None, False)


def test_sitemap_gzip_is_detected_by_magic_bytes_not_by_name():
    plain = page("sitemap-news.xml")
    assert parse_sitemap(gzip.compress(plain), f"{SITE}/sitemap-news.xml") == parse_sitemap(plain, f"{SITE}/x.xml")
    assert parse_sitemap(plain, f"{SITE}/sitemap-news.xml.gz").error is None


def test_sitemap_gzip_of_two_members_is_read_whole():
    body = urlset(url_record("https://ex.com/1"), url_record("https://ex.com/2"))
    half = body.index(b"<url><loc>https://ex.com/2")
    result = parse_sitemap(gzip.compress(body[:half]) + gzip.compress(body[half:]), "https://ex.com/s.xml.gz")
    assert ([e.url for e in result.entries], result.error) == (["https://ex.com/1", "https://ex.com/2"], None)


# --- invalid URLs ---------------------------------------------------------------------------------------------

BAD_LOCS = [
    pytest.param("javascript:alert(1)", id="javascript"),
    pytest.param("file:///etc/passwd", id="file"),
    pytest.param("ftp://ex.com/a", id="ftp"),
    pytest.param("mailto:a@ex.com", id="mailto"),
    pytest.param("data:text/html,hi", id="data"),
    pytest.param("http://", id="no-host"),
    pytest.param("http://[::1/a", id="bad-ipv6"),
    pytest.param("https://ex.com/" + "a" * 2040, id="over-2048-chars"),
    pytest.param("https://ex.com/a&#9;b", id="tab-inside"),
    pytest.param("https://ex.com/a&#10;b", id="newline-inside"),
    pytest.param("https://ex.com/a b", id="space-inside"),
    pytest.param("", id="empty-loc"),
]


@pytest.mark.parametrize("loc", BAD_LOCS)
def test_sitemap_bad_loc_is_counted_invalid(loc):
    result = parse_sitemap(urlset(url_record(loc), url_record("https://ex.com/good")), "https://ex.com/s.xml")
    assert [e.url for e in result.entries] == ["https://ex.com/good"]
    assert (result.invalid, result.error) == (1, None)


@pytest.mark.parametrize("loc", [*BAD_LOCS, pytest.param(None, id="no-link")])
def test_feed_bad_link_is_counted_invalid(loc):
    bad = "<item><title>x</title></item>" if loc is None else item(loc)
    result = parse_feed(rss(bad, item("https://ex.com/good")), "https://ex.com/rss.xml")
    assert [e.url for e in result.entries] == ["https://ex.com/good"]
    assert (result.invalid, result.error) == (1, None)


@pytest.mark.parametrize("body", [
    pytest.param(b"<urlset><url><lastmod>2023-01-01</lastmod></url></urlset>", id="no-loc"),
    pytest.param(b"<urlset><url><loc>/relative/4912345</loc></url></urlset>", id="relative-loc"),
])
def test_sitemap_loc_missing_or_relative_is_invalid(body):
    result = parse_sitemap(body, "https://ex.com/s.xml")
    assert (result.entries, result.invalid, result.error) == ([], 1, None)


def test_exactly_2048_chars_is_kept():
    loc = "https://ex.com/" + "a" * (2048 - len("https://ex.com/"))
    assert [e.url for e in parse_sitemap(urlset(url_record(loc)), "https://ex.com/s.xml").entries] == [loc]


# --- limits -------------------------------------------------------------------------------------------------


def test_sitemap_over_50000_urls_keeps_the_first_50000():
    body = urlset(*(url_record(f"https://ex.com/{n}") for n in range(50_001)))
    result = parse_sitemap(body, "https://ex.com/s.xml")
    assert len(result.entries) == 50_000
    assert (result.entries[0].url, result.entries[-1].url) == ("https://ex.com/0", "https://ex.com/49999")
    assert result.truncated is True
    assert result.error == "more than 50000 URLs: kept the first 50000"


def test_exactly_max_urls_is_not_truncated():
    body = urlset(*(url_record(f"https://ex.com/{n}") for n in range(3)))
    result = parse_sitemap(body, "https://ex.com/", max_urls=3)
    assert (len(result.entries), result.truncated, result.error) == (3, False, None)


def test_sitemap_index_limit_applies_to_child_sitemaps():
    body = (f'<sitemapindex xmlns="{SM}">' + "".join(f"<sitemap><loc>https://ex.com/s{n}.xml</loc></sitemap>"
                                                     for n in range(5)) + "</sitemapindex>").encode()
    result = parse_sitemap(body, "https://ex.com/", max_urls=2)
    assert [s.url for s in result.sitemaps] == ["https://ex.com/s0.xml", "https://ex.com/s1.xml"]
    assert result.truncated is True


def test_feed_max_entries():
    result = parse_feed(rss(*(item(f"https://ex.com/{n}") for n in range(10))), "https://ex.com/", max_entries=4)
    assert [e.url for e in result.entries] == [f"https://ex.com/{n}" for n in range(4)]
    assert (result.truncated, result.error) == (True, "more than 4 entries: kept the first 4")


@pytest.mark.parametrize("compress", [pytest.param(False, id="plain"), pytest.param(True, id="gzip")])
def test_max_bytes_keeps_the_urls_before_the_bound(compress):
    body = urlset(*(url_record(f"https://ex.com/{n}") for n in range(5000)))  # ~190 kB
    result = parse_sitemap(gzip.compress(body) if compress else body, "https://ex.com/", max_bytes=100_000)
    assert 1000 < len(result.entries) < 5000
    assert [e.url for e in result.entries] == [f"https://ex.com/{n}" for n in range(len(result.entries))]
    assert result.truncated is True
    assert result.error == "document larger than 100000 bytes: read the first 100000"


def test_gzip_bomb_over_50_mb_stops_at_the_bound_without_inflating_it():
    """4000 comments of 64 kB: 256 MB inflated from about 250 kB; the reader stops at 50 MB."""
    head = urlset(url_record("https://ex.com/1"))[:-len("</urlset>\n")]
    bomb = gzip_stream(head, b"<!--" + b"a" * 65536 + b"-->", repeat_last=4000)
    assert len(bomb) < 1_000_000
    started = time.monotonic()
    before = peak_rss_kb(reset=True)
    result = parse_sitemap(bomb, "https://ex.com/s.xml.gz")
    assert [e.url for e in result.entries] == ["https://ex.com/1"]
    assert result.truncated is True
    assert result.error == f"document larger than {50 * 1024 * 1024} bytes: read the first {50 * 1024 * 1024}"
    assert time.monotonic() - started < 20
    assert peak_rss_kb() - before < 30_000  # kB: 64 kB slices, never the 50 MB, let alone 256 MB


PEAK_SCRIPT = """
import sys
from tests.test_discovery_parsers import peak_rss_kb
from newscrawl.discovery import parse_sitemap
body = open(sys.argv[1], "rb").read()
before = peak_rss_kb()
result = parse_sitemap(body, "https://ex.com/s.xml.gz")
print(len(result.entries), peak_rss_kb() - before)
"""


def test_peak_memory_of_a_full_news_sitemap_is_bounded(tmp_path):
    """50,000 news URLs (about 30 MB of XML, gzipped): a streaming read holds one <url> at a time.

    Measured in a fresh process (VmHWM): this read grows about 30 MB, mostly the 50,000 entries; lxml's whole
    tree of the same 23 MB document grows about 140 MB.
    """
    record = ("<url><loc>https://www.albawabhnews.com/{n}</loc><lastmod>2023-11-23T16:12:00+02:00</lastmod>"
              "<news:news><news:publication><news:name>البوابة نيوز</news:name><news:language>ar</news:language>"
              "</news:publication><news:publication_date>2023-11-23T14:30:00+02:00</news:publication_date>"
              "<news:title>وزراء الطاقة الأوروبيون يبحثون تمديد إجراءات الطوارئ في سوق الغاز</news:title>"
              "</news:news></url>")
    path = tmp_path / "news.xml.gz"
    path.write_bytes(gzip.compress(urlset(*(record.format(n=4_000_000 + n) for n in range(50_000))), 1))
    proc = subprocess.run([sys.executable, "-c", PEAK_SCRIPT, str(path)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    count, grown_kb = map(int, proc.stdout.split())
    assert count == 50_000
    assert grown_kb < 60_000


# --- hostile XML ----------------------------------------------------------------------------------------------

LOL = '<!DOCTYPE urlset [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{n} "{("&lol%s;" % (n - 1 if n > 1 else "")) * 10}">' for n in range(1, 10)) + "]>"
QUADRATIC = '<!DOCTYPE urlset [\n<!ENTITY a "' + "A" * 100_000 + '">\n]>'


def with_doctype(doctype: str, loc: str, title: str) -> bytes:
    return (f'<?xml version="1.0"?>\n{doctype}\n<urlset xmlns="{SM}" xmlns:news="{NEWS}">'
            f"<url><loc>https://ex.com/first</loc></url>"
            f"<url><loc>{loc}</loc><news:news><news:title>{title}</news:title></news:news></url></urlset>").encode()


def as_feed(sitemap_body: bytes) -> bytes:
    """The same hostile prolog in front of an RSS document."""
    text = sitemap_body.decode()
    prolog, _, rest = text.partition("<urlset")
    items = rest.replace("<url><loc>", "<item><link>").replace("</loc>", "</link>").replace("</url>", "</item>")
    items = items.replace("news:news", "x").replace("news:title", "title").split(">", 1)[1].replace("</urlset>", "")
    return (prolog.replace("DOCTYPE urlset", "DOCTYPE rss") + "<rss><channel>" + items + "</channel></rss>").encode()


@pytest.fixture()
def tripwire_file(tmp_path):
    """A named pipe: a reader that opens it is seen by a writer thread (the open would block otherwise)."""
    path = tmp_path / "secret"
    os.mkfifo(path)
    opened = threading.Event()
    done = threading.Event()

    def watch():
        while not done.is_set():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # ENXIO: nobody has it open for reading
                time.sleep(0.002)
                continue
            opened.set()
            os.write(fd, b"ROOT-SECRET-LINE\n")
            os.close(fd)
            return

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    yield path, opened
    done.set()
    thread.join(5)


@pytest.fixture()
def tripwire_port():
    """A loopback listener that counts connections: a DTD or entity fetched from the network shows here."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    hits = []
    done = threading.Event()

    def serve():
        while not done.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    done.set()
    thread.join(5)
    server.close()


HOSTILE = [
    # (doctype, loc, title, error prefix or None, URLs kept)
    pytest.param(LOL, "https://ex.com/&lol9;", "&lol9;", "malformed XML at line 1: Maximum entity amplification",
                 ["https://ex.com/first"], id="billion-laughs"),
    pytest.param(QUADRATIC, "https://ex.com/2", "&a;" * 20_000, "malformed XML at line 5: Maximum entity amplification",
                 ["https://ex.com/first"], id="quadratic-blowup"),
    pytest.param('<!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">]>', "https://ex.com/&x;", "t&x;", None,
                 ["https://ex.com/first"], id="external-entity-file"),
    pytest.param('<!DOCTYPE urlset [<!ENTITY % p SYSTEM "file://{secret}"> %p;]>', "https://ex.com/2", "t", None,
                 ["https://ex.com/first", "https://ex.com/2"], id="external-parameter-entity"),
    pytest.param('<!DOCTYPE urlset SYSTEM "file://{secret}">', "https://ex.com/2", "t", None,
                 ["https://ex.com/first", "https://ex.com/2"], id="external-dtd-file"),
    pytest.param('<!DOCTYPE urlset SYSTEM "http://127.0.0.1:{port}/evil.dtd">', "https://ex.com/2", "t", None,
                 ["https://ex.com/first", "https://ex.com/2"], id="dtd-from-network"),
    pytest.param('<!DOCTYPE urlset [<!ENTITY x SYSTEM "http://127.0.0.1:{port}/x">]>', "https://ex.com/2", "&x;",
                 None, ["https://ex.com/first", "https://ex.com/2"], id="external-entity-network"),
    pytest.param('<!DOCTYPE urlset [<!ENTITY y "https://evil.example/">]>', "&y;2", "&y;", None,
                 ["https://ex.com/first"], id="internal-entity-not-expanded"),
]


@pytest.mark.parametrize("parse", [pytest.param("sitemap", id="sitemap"), pytest.param("feed", id="feed")])
@pytest.mark.parametrize("doctype, loc, title, error, kept", HOSTILE)
def test_hostile_xml(tripwire_file, tripwire_port, parse, doctype, loc, title, error, kept):
    secret, opened = tripwire_file
    port, hits = tripwire_port
    body = with_doctype(doctype.format(secret=secret, port=port), loc, title)
    started = time.monotonic()
    before = peak_rss_kb(reset=True)
    result = parse_sitemap(body, "https://ex.com/s.xml") if parse == "sitemap" else parse_feed(as_feed(body),
                                                                                                "https://ex.com/rss")
    assert time.monotonic() - started < 5
    assert peak_rss_kb() - before < 30_000  # kB
    assert not opened.is_set(), "the parser opened a local file"
    assert not hits, "the parser connected to the network"
    assert "ROOT-SECRET" not in repr(result) and "evil.example" not in repr(result)
    assert [e.url for e in result.entries] == kept
    assert all(len(e.title or "") < 1000 for e in result.entries)
    if error is None:
        assert result.error is None
    else:
        assert result.error.startswith(error)


# --- malformed documents ------------------------------------------------------------------------------------------

HTML = b"""<!DOCTYPE html><html lang="ar"><head><meta charset="utf-8"><title>404</title></head>
<body><div class="cont"><a href="/4912345">x</a></div></body></html>"""
XHTML = b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>t</title></head><body><p>x</p></body></html>'


@pytest.mark.parametrize("body, sitemap_error, feed_error", [
    pytest.param(b"", "empty document", "empty document", id="empty"),
    pytest.param(b" \n\t ", "empty document", "empty document", id="whitespace"),
    pytest.param(b"\x00\x01\x02garbage", "malformed XML at line 1: ", "malformed XML at line 1: ", id="garbage"),
    pytest.param(b"not xml at all", "malformed XML at line 1: Start tag expected",
                 "malformed XML at line 1: Start tag expected", id="text"),
    pytest.param(HTML, "not a sitemap: the root element is <html>", "not a feed: the root element is <html>",
                 id="html-served"),
    pytest.param(XHTML, "not a sitemap: the root element is <html>", "not a feed: the root element is <html>",
                 id="xhtml-served"),
    pytest.param(b"\x1f\x8bgarbage", "bad gzip data: Error -3 while decompressing data: unknown compression method",
                 "bad gzip data", id="bad-gzip"),
    pytest.param(b"\x1f\x8b\x08\x00garbage", "gzip data ends early", "gzip data ends early", id="gzip-header-only"),
    pytest.param(gzip.compress(b"<rss><channel><item><link>https://ex.com/1</link></item></channel></rss>")[:-12],
                 "not a sitemap: the root element is <rss>", "gzip data ends early", id="truncated-gzip"),
    pytest.param(b"<rss><channel><item><link>https://ex.com/1</link></item>&nbsp;</channel></rss>",
                 "not a sitemap: the root element is <rss>", "malformed XML: parsing stopped inside the document",
                 id="undeclared-entity"),
    pytest.param(urlset(url_record("https://ex.com/1")), None, "not a feed: the root element is <urlset>",
                 id="sitemap-given-as-feed"),
    pytest.param(b'<?xml version="1.0" encoding="no-such-encoding"?><urlset/>', "malformed XML", "malformed XML",
                 id="unknown-encoding"),
])
def test_malformed_documents(body, sitemap_error, feed_error):
    for result, error in ((parse_sitemap(body, "https://ex.com/s"), sitemap_error),
                          (parse_feed(body, "https://ex.com/f"), feed_error)):
        assert isinstance(result, ParseResult)
        if error is None:
            assert result.error is None
        else:
            assert result.error is not None and result.error.startswith(error), result.error
            assert "\n" not in result.error and len(result.error) < 240


@pytest.mark.parametrize("cut", [pytest.param(cut, id=f"cut-at-{cut}") for cut in (1500, 2600, 3900, 5000, 7000)])
def test_truncated_feed_keeps_the_complete_items_before_the_break(site_feed, cut):
    """Items whose </item> comes before the break are kept, the item cut in two is not."""
    body = page("rss.xml")[:cut]
    result = parse_feed(body, f"{SITE}/rss.xml")
    assert result.error is not None and result.error.startswith("malformed XML at line")
    complete = body.decode(errors="ignore").count("</item>")
    assert result.entries == site_feed.entries[:complete]


def test_truncated_sitemap_keeps_the_complete_urls_before_the_break(news_sitemap):
    body = page("sitemap-news.xml")
    cut = body.index(b"4912533")  # inside the fourth <loc>
    result = parse_sitemap(body[:cut], f"{SITE}/sitemap-news.xml")
    assert result.entries == news_sitemap.entries[:3]
    assert result.error.startswith("malformed XML")
    assert "4912533" not in repr(result.entries)


def test_records_closed_before_garbage_are_kept():
    body = b"<urlset><url><loc>https://ex.com/1</loc></url><url><loc>https://ex.com/2</loc></url>&bad <"
    result = parse_sitemap(body, "https://ex.com/")
    assert result.error == "malformed XML at line 1: EntityRef: expecting ';'"
    assert [e.url for e in result.entries] == ["https://ex.com/1", "https://ex.com/2"]


# --- robots.txt ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("body, expected", [
    pytest.param("Sitemap: https://ex.com/a.xml\n", ["https://ex.com/a.xml"], id="str"),
    pytest.param(b"\xef\xbb\xbfSitemap: https://ex.com/a.xml\n", ["https://ex.com/a.xml"], id="bom"),
    pytest.param(b"User-agent: *\nDisallow: /x\nsitemap: https://ex.com/a.xml\nSITEMAP: https://ex.com/b.xml.gz\n",
                 ["https://ex.com/a.xml", "https://ex.com/b.xml.gz"], id="any-case"),
    pytest.param(b"Sitemap: https://ex.com/a.xml\nSitemap: https://ex.com/a.xml\n", ["https://ex.com/a.xml"],
                 id="duplicate"),
    pytest.param(b"Sitemap: /relative.xml\nSitemap: javascript:x\nSitemap: file:///etc/passwd\n", [],
                 id="not-absolute-http"),
    pytest.param(b"User-agent: *\nDisallow: /\n", [], id="none"),
    pytest.param(b"", [], id="empty"),
    pytest.param(b"\xff\xfe\x00garbage\x00\n", [], id="garbage"),
])
def test_sitemaps_from_robots(body, expected):
    assert sitemaps_from_robots(body) == expected


# --- never raises -----------------------------------------------------------------------------------------------------

REAL = [page("rss.xml"), page("sitemap-news.xml"), page("sitemaps.xml")]
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_result(result: ParseResult) -> None:
    assert isinstance(result, ParseResult)
    for entry in [*result.entries, *result.sitemaps]:
        assert entry.url.startswith(("http://", "https://")) and len(entry.url) <= 2048
        assert entry.source in ("feeds", "sitemaps")
    assert result.invalid >= 0
    assert result.error is None or isinstance(result.error, str)


@FAST
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise(body):
    check_result(parse_feed(body, "https://ex.com/rss.xml"))
    check_result(parse_sitemap(body, "https://ex.com/s.xml"))
    assert isinstance(sitemaps_from_robots(body), list)


@st.composite
def mutated(draw) -> bytes:
    body = bytearray(draw(st.sampled_from(REAL)))
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(body)))
        action = draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        if action == "flip" and at < len(body):
            body[at] = draw(st.integers(0, 255))
        elif action == "cut":
            del body[at:]
        elif action == "insert":
            body[at:at] = draw(st.sampled_from([b"<", b">", b"&", b"&lol;", b"]]>", b"<!DOCTYPE x [", b"\x00",
                                                b"<item>", b"<url>", b"</channel>", b"\xd8"]))
        elif action == "delete":
            del body[at:at + draw(st.integers(1, 40))]
    return bytes(body)


@FAST
@given(mutated(), st.booleans())
def test_mutated_documents_never_raise(body, compress):
    if compress:
        body = gzip.compress(body)
    check_result(parse_feed(body, "https://www.albawabhnews.com/rss.xml"))
    check_result(parse_sitemap(body, "https://www.albawabhnews.com/sitemap-news.xml"))


def test_entry_is_frozen():
    entry = Entry("https://ex.com/1", "feeds", None, None, None)
    with pytest.raises(AttributeError):
        entry.url = "https://other/"  # type: ignore[misc]
    assert not hasattr(entry, "__dict__")


def test_parsers_import_no_scrapy():
    code = "import sys, newscrawl.discovery; print(any(m == 'scrapy' or m.startswith('scrapy.') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert out.stdout.strip() == "False", out.stderr
