"""The slice parse (newscrawl.sites.page) stands for the whole page: on every saved page and on pages made to
trip it, extraction from the slice gives exactly what extraction from the whole page gives.

The reference is the page parsed whole as ``response.selector`` parses it, read by the same ArticlePage: item
(every field, body blocks and date candidates included), error-page verdict, section id and extraction
counters. Each made-up page also names the parse the slice logic must choose, so a fallback that silently
took over everything would fail here too.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
from itemadapter import ItemAdapter
from parsel import Selector
from scrapy.http import HtmlResponse

from newscrawl.sites.albawabh import ArticlePage, extract_article
from newscrawl.sites.page import article_document, parse_html, slice_page
from newscrawl.spiders.sections import section_id_of
from tests.conftest import ROOT

SITE = ROOT / "tests" / "site"
URL = "http://127.0.0.1:8000/4912345"
CRAWLED_AT = "2026-12-05T08:00:00+00:00"
BASE_PAGE = (SITE / "pages" / "articles" / "4912345.html").read_text(encoding="utf-8")
SAVED = sorted(
    [
        *SITE.glob("pages/articles/*.html"),
        *SITE.glob("pages/print/*.html"),
        *SITE.glob("pages-update/articles/*.html"),
        SITE / "pages" / "404.html",
        SITE / "pages" / "home.html",
    ]
)


def reference(text: str, url: str, with_section: bool):
    """The whole page, parsed as ``response.selector`` parses it."""
    selector = Selector(text=text, type="html")
    page = ArticlePage(selector, url)
    if page.is_error_page():
        return None, True, None, page.events
    item = page.to_item(CRAWLED_AT)
    section = section_id_of(selector, item.section) if with_section and item is not None else None
    return item, False, section, page.events


def assert_same(body: bytes, url: str = URL, encoding: str = "utf-8", with_section: bool = True) -> str:
    """Extraction through the slice equals the reference; returns how the page was parsed."""
    response = HtmlResponse(url=url, body=body, encoding=encoding)
    events: Counter[str] = Counter()
    found = extract_article(
        body,
        encoding,
        url,
        CRAWLED_AT,
        text=lambda: response.text,
        events=events,
        section_id=section_id_of if with_section else None,
    )
    item, error_page, section, expected_events = reference(response.text, url, with_section)
    assert found.error_page == error_page
    assert (ItemAdapter(found.item).asdict() if found.item else None) == (ItemAdapter(item).asdict() if item else None)
    assert found.section_id == section
    parse = [key for key in events if key.startswith("newscrawl/extract/parse/")]
    assert len(parse) == 1 and events[parse[0]] == 1
    assert {k: v for k, v in events.items() if k not in parse} == dict(expected_events)
    return parse[0].removeprefix("newscrawl/extract/parse/")


@pytest.mark.parametrize("path", SAVED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_saved_page_reads_the_same_from_the_slice(path: Path):
    how = assert_same(path.read_bytes(), f"http://127.0.0.1:8000/{path.stem}")
    if path.parent.name == "articles":  # the copy's article pages are laid out as SITE.md says: sliced
        assert how == "slice"


def test_the_slice_of_a_page_is_its_head_and_article():
    sliced, low, ranges, _ = slice_page(BASE_PAGE.encode())
    outside = b"".join(low[start:end] for start, end in ranges)
    after = low[ranges[-1][0] : ranges[-1][1]]
    text = sliced.decode()
    assert text.startswith('<html lang="ar" dir="rtl"><head>')
    assert '<article class="cont" id="article-4912345">' in text and text.endswith("</article></body></html>")
    assert "الأكثر قراءة" not in text and "main-menu" not in text  # the sidebar and the menu are left out
    assert b"main-menu" in outside and b"col-side" in after and b"main-menu" not in after


def move(html: str, fragment: str, before: str) -> str:
    """``html`` with ``fragment`` cut out and put in front of ``before``."""
    assert fragment in html and before in html, (fragment[:40], before)
    return html.replace(fragment, "", 1).replace(before, fragment + before, 1)


BREADCRUMB = (
    '<div class="breadcrumb"><a href="/">الرئيسية</a><span class="sep">&#187;</span>'
    '<a href="/category/72">العالم</a></div>'
)
TAGS = BASE_PAGE[BASE_PAGE.index('<div class="tags">') : BASE_PAGE.index('<div class="keywords">')]
NEWS_JSONLD = BASE_PAGE[BASE_PAGE.index('<script type="application/ld+json">') :]
NEWS_JSONLD = NEWS_JSONLD[: NEWS_JSONLD.index("</script>") + len("</script>")]
ARTICLE_OPEN = '<article class="cont" id="article-4912345">'
CARD = re.compile(r'<div class="item-card">\n  <a href="/\d+">.*?\n  </a>\n</div>', re.DOTALL)
PARAGRAPH = '<p style="text-align: justify;">كما أبلغ'

PUBLISH = BASE_PAGE[BASE_PAGE.index('<div class="publish">') :]
PUBLISH = PUBLISH[: PUBLISH.index("</div>") + len("</div>")]


def undated(html: str) -> str:
    """No NewsArticle JSON-LD, no published-time meta, no <time> in the article: the error-page check then
    asks whether the page has a <time> element anywhere."""
    html = html.replace(NEWS_JSONLD, "").replace(PUBLISH, '<div class="publish">الأربعاء 22 نوفمبر 2023</div>')
    html = re.sub(r'<meta property="article:published_time"[^>]*>', "", html)
    assert "<time" not in html and "article:published_time" not in html and '"NewsArticle"' not in html
    return html


MADE_UP = {
    # markup-like text where the parser reads none: the slice must not take it for markup
    "article in a script": (
        "slice",
        lambda h: h.replace(
            '<body class="rtl">',
            '<body class="rtl"><script>var t = \'<article class="cont"><p>x</p></article>\';</script>',
        ),
    ),
    "end tag in a comment": ("slice", lambda h: h.replace(ARTICLE_OPEN, ARTICLE_OPEN + "<!-- </article> </div> -->")),
    "meta in a script": (
        "slice",
        lambda h: h.replace(
            "<main", '<script>document.write(\'<meta property="og:title" content="x">\')</script><main'
        ),
    ),
    "upper-case tags": ("slice", lambda h: h.replace("<article ", "<ARTICLE ").replace("</article>", "</ARTICLE>")),
    "nested articles": ("slice", lambda h: CARD.sub(r'<article class="card">\g<0></article>', h)),
    "a nested article left open": (
        "whole_page/no_article_end",
        lambda h: h.replace('<div class="item-card">', '<article class="card"><div class="item-card">', 1),
    ),
    "another article first": (
        "slice",
        lambda h: h.replace(
            "<main",
            '<article class="promo"><a href="/4910876"><img src="/UploadCache/libfiles/1/2/600x338o/3.jpg"></a>'
            "</article><main",
        ),
    ),
    # metadata outside the head: copied into the slice where it is
    "news JSON-LD at the end of the body": ("slice", lambda h: move(h, NEWS_JSONLD, "</body>")),
    "JSON-LD before the article": ("slice", lambda h: move(h, NEWS_JSONLD, "<main")),
    "og:title in the body": (
        "slice",
        lambda h: h.replace('<meta property="og:title"', '<meta property="og:x"').replace(
            "</footer>", '<meta property="og:title" content="عنوان من الجسم"></footer>'
        ),
    ),
    # the page's own boxes named like extraction's fallbacks, but not what those look for: still a slice
    "footer-tags and a breadcrumb word in the chrome": (
        "slice",
        lambda h: h.replace(TAGS, "").replace(
            "</footer>",
            '<div class="footer-tags"><a href="/tag/9">وسم</a></div><script>var breadcrumb = 1;</script></footer>',
        ),
    ),
    # found by an independent review on its own chrome (each changed an item before)
    "the <html> tag in a conditional comment": (
        "slice",
        lambda h: h.replace(
            '<html lang="ar" dir="rtl">', '<!--[if IE]><html lang="en"><![endif]--><html lang="ar" dir="rtl">'
        ),
    ),
    "JSON-LD whose script has a > in an earlier attribute": (
        "slice",
        lambda h: move(h, NEWS_JSONLD, "</body>").replace(
            NEWS_JSONLD, NEWS_JSONLD.replace("<script ", '<script data-x="a>b" ')
        ),
    ),
    "a meta before the head": (
        "slice",
        lambda h: h.replace('<meta property="og:title"', '<meta property="og:x"').replace(
            "<head>", '<meta property="og:title" content="ميتا قبل الرأس"><head>'
        ),
    ),
    "a fake article in a textarea": (
        "slice",
        lambda h: h.replace(
            "<main",
            '<textarea><article class="cont"><h1>زائف</h1><div class="paragraph-list"><p>زائف</p></div>'
            "</article></textarea><main",
        ),
    ),
    "a fake article in an iframe's text": (
        "slice",
        lambda h: h.replace(
            "<main",
            '<iframe><article class="cont"><div class="paragraph-list"><p>زائف</p></div></article></iframe><main',
        ),
    ),
    "a fake article in xmp": (
        "slice",
        lambda h: h.replace("<main", '<xmp><article class="cont"><p>زائف</p></article></xmp><main'),
    ),
    "a comment closed by --!>": ("slice", lambda h: h.replace("<main", "<!-- note --!><main")),
    "a tags box in a script template": (
        "slice",
        lambda h: h.replace(TAGS, "").replace(
            "</footer>", '<script type="text/template"><div class="tags"><a href="/tag/1">x</a></div></script></footer>'
        ),
    ),
    "a div left open in the article": (
        "whole_page/unbalanced_article",
        lambda h: h.replace("<h1>", '<div class="box"><h1>', 1).replace(
            "</aside>", '<div class="tags"><a href="/tag/9">وسم الشريط</a></div></aside>'
        ),
    ),
    # a link that broken chrome leaves open around the article: extraction reads nothing above the article
    # (an image is a thumbnail only by a link inside it), so the slice stands for the page
    "an <a> left open after a card article": (
        "slice",
        lambda h: h.replace(
            "<main", '<article class="card"><a href="/4910876">بطاقة</a></article><a href="/4910990"><main'
        ),
    ),
    "an <a> left open, a </a> only in a script": (
        "slice",
        lambda h: h.replace("<main", '<script>var s = "</a>";</script><a href="/4910990"><main'),
    ),
    "an <a> left open before the article": (
        "slice",
        lambda h: h.replace("<main", '<a href="/4910876"><main'),
    ),
    "a card whose </a> sits inside its own <div>, before the article": (
        "slice",
        lambda h: h.replace("<main", '<a href="/4910876"><div class="card">بطاقة</a></div><main'),
    ),
    # markup inside an attribute's quoted value is text to the parser, not a tag: the whole page is parsed
    "an article template in an attribute": (
        "whole_page/markup_in_attribute",
        lambda h: h.replace(
            "<main", '<div data-tpl="<article class=\'cont\'><h1>قالب</h1></article>"></div><main'
        ),
    ),
    "a comment start in an attribute, a promo article after it": (
        "whole_page/markup_in_attribute",
        lambda h: h.replace(
            "<main",
            '<a title="<!-- note" href="/4910876">t</a><article class="cont"><h1>ترويج</h1></article><main',
        ),
    ),
    "an article template after a > in the same quoted value": (
        "whole_page/markup_in_attribute",
        lambda h: h.replace("<main", '<div title="a>b <article class=\'cont\'><h1>قالب</h1></article>"></div><main'),
    ),
    # what looks like that and is not: a "<" in a script, a quote in a comment, just before the article
    "a < in a script and an apostrophe in a comment before the article": (
        "slice",
        lambda h: h.replace(ARTICLE_OPEN, "<script>if (a<b) { c(); }</script><!-- it's here -->" + ARTICLE_OPEN),
    ),
    # the error-page check of a page without a date in the slice: a <time> elsewhere answers it, when certain
    "no date in the article, a <time> in the footer": (
        "slice",
        lambda h: undated(h).replace("</footer>", '<time datetime="2023-11-22">22 نوفمبر</time></footer>'),
    ),
    "no date anywhere": ("whole_page/error_check", undated),
    "no date in the article, a <time> only in an svg's title": (
        "whole_page/error_check",
        lambda h: undated(h).replace("</footer>", "<svg><title>الساعة <time>١٠</time></title></svg></footer>"),
    ),
    "no date in the article, a <time> only in an attribute": (
        "whole_page/error_check",
        lambda h: undated(h).replace("</footer>", '<span data-tpl="<time>">x</span></footer>'),
    ),
    # padding that would cost the slicer more than the whole page's parse costs libxml2
    "thousands of comments": ("whole_page/many_raw_places", lambda h: h.replace("<main", "<!---->" * 6000 + "<main")),
    "thousands of meta tags in the body": (
        "whole_page/many_outside_elements",
        lambda h: h.replace("<main", '<meta name="x" content="y">' * 2100 + "<main"),
    ),
    # what the slice cannot stand for: the whole page, and its answer
    "stray </div> in the body": ("whole_page/unbalanced_article", lambda h: h.replace(PARAGRAPH, "</div>" + PARAGRAPH)),
    "breadcrumb outside the article": ("whole_page/section_breadcrumb", lambda h: move(h, BREADCRUMB, "<main")),
    "tags after the article": ("whole_page/tags_after_article", lambda h: move(h, TAGS, "</main>")),
    "tags token among others after the article": (
        "whole_page/tags_after_article",
        lambda h: move(h, TAGS, "</main>").replace('<div class="tags">', '<div class="box tags">'),
    ),
    "no article element": (
        "whole_page/no_article",
        lambda h: h.replace(ARTICLE_OPEN, '<div class="cont" id="article-4912345">').replace("</article>", "</div>"),
    ),
    "no end tag of the article": ("whole_page/no_article_end", lambda h: h.replace("</article>", "")),
    "no head": ("whole_page/no_head", lambda h: h[: h.index("<head>")] + h[h.index("<body") :]),
}


@pytest.mark.parametrize("name", MADE_UP)
def test_made_up_pages_read_the_same(name):
    expected_how, make = MADE_UP[name]
    html = make(BASE_PAGE)
    assert html != BASE_PAGE
    assert assert_same(html.encode()) == expected_how


def test_a_link_left_open_around_the_article_makes_no_thumbnail():
    """libxml2 leaves the card's <a> open (its </a> cannot close the <div> inside it): the article, parsed whole,
    sits inside a link to another article. Its images are still the article's own, as on the page without it."""
    broken = BASE_PAGE.replace("<main", '<a href="/4910876"><div class="card">بطاقة</a></div><main')
    wrapped = parse_html(broken.encode()).root.xpath("//article[@class='cont']/ancestor::a/@href")
    assert wrapped == ["/4910876"]  # the premise: the whole page's tree has the article inside the link
    images = [extract_article(page.encode(), "utf-8", URL, CRAWLED_AT).item.images for page in (BASE_PAGE, broken)]
    assert images[0] and images[1] == images[0]
    assert reference(broken, URL, False)[0].images == images[0]  # read from the whole page: the same


def test_the_menu_section_comes_from_the_whole_page():
    """No section in JSON-LD, meta, breadcrumb or the article's links: the menu's active item names it."""
    html = BASE_PAGE.replace(BREADCRUMB, "").replace('<a class="more" href="/category/72">المزيد</a>', "")
    html = re.sub(r'"articleSection": "العالم",\s*', "", html).replace(
        '<meta property="article:section" content="العالم">', ""
    )
    assert '"articleSection"' not in html and "article:section" not in html
    assert assert_same(html.encode(), with_section=False) == "whole_page/nav_active"
    item = extract_article(html.encode(), "utf-8", URL, CRAWLED_AT).item
    assert item.section == "العالم"  # the menu's <li class="active"> on the copy's page


def test_no_section_and_no_active_menu_item_reads_from_the_slice():
    """The same page without the menu's active item: nothing outside the article names a section."""
    html = BASE_PAGE.replace(BREADCRUMB, "").replace('<a class="more" href="/category/72">المزيد</a>', "")
    html = re.sub(r'"articleSection": "العالم",\s*', "", html).replace(
        '<meta property="article:section" content="العالم">', ""
    ).replace('<li class="active">', "<li>")
    assert "active" not in html
    assert assert_same(html.encode(), with_section=False) == "slice"
    assert extract_article(html.encode(), "utf-8", URL, CRAWLED_AT).item.section is None


def test_a_body_outside_the_article_is_found_on_the_whole_page():
    start = BASE_PAGE.index('<div class="paragraph-list">')
    body = BASE_PAGE[start : BASE_PAGE.index('<div class="tags">')]
    html = move(BASE_PAGE, body, "<aside")
    assert assert_same(html.encode()) == "whole_page/body_outside_article"
    assert "سورين بابيكيان" in extract_article(html.encode(), "utf-8", URL, CRAWLED_AT).item.body


def test_a_windows_1256_page_is_sliced_like_a_utf8_one():
    html = BASE_PAGE.replace('<meta charset="utf-8">', '<meta charset="windows-1256">')
    assert assert_same(html.encode("cp1256", "xmlcharrefreplace"), encoding="cp1256") == "slice"


def test_bad_bytes_are_read_as_scrapy_decodes_them():
    body = BASE_PAGE.encode().replace("سورين".encode(), b"\xff\xfe" + "سورين".encode())
    assert assert_same(body) == "whole_page/not_utf8"
    item = extract_article(
        body, "utf-8", URL, CRAWLED_AT, text=lambda: HtmlResponse(URL, body=body, encoding="utf-8").text
    ).item
    assert "\ufffd\ufffdسورين" in item.body


def test_a_page_in_a_byte_order_mark_is_sliced():
    assert assert_same(b"\xef\xbb\xbf" + BASE_PAGE.encode()) == "slice"


def test_the_tree_is_not_kept():
    """extract_article returns the item and figures only: no element of the tree outlives the call."""
    found = extract_article(BASE_PAGE.encode(), "utf-8", URL, CRAWLED_AT)
    document = article_document(BASE_PAGE.encode(), "utf-8", URL)
    assert document.partial
    seen = [value for value in ItemAdapter(found.item).values()]
    assert not any(type(value).__module__.startswith("lxml") for value in seen)


def test_element_text_shortcut_agrees_with_the_walk():
    """element_text reads an element without children from its own text: on every element of every saved
    page and of the made-up ones, the same text as walking it."""
    from lxml import etree

    from newscrawl.sites.albawabh import element_text, walked_text

    pages = [path.read_bytes() for path in SAVED] + [make(BASE_PAGE).encode() for _, make in MADE_UP.values()]
    pages.append(b"<p>a<!-- c -->b<b>x</b> y<?pi z?>\n<i>\xd9\x86\xd8\xb5</i><br>z<script>s</script></p>")
    checked = 0
    for body in pages:
        root = etree.fromstring(body, etree.HTMLParser(encoding="utf-8"))
        for element in root.iter():
            assert element_text(element) == walked_text(element)
            checked += 1
    assert checked > 10_000
