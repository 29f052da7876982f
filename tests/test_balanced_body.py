"""Unbalanced body markup (issue 11, finding 6): the body is read from the tree as the parser repaired it.

Pages built from SITE.md's article skeleton, with the boxes that follow the body on the site (tags,
keywords, comments, the "more from" box) and a sidebar. Each test breaks the body's markup one way; the
expected body is the four paragraphs written in ``PARAGRAPHS``, whatever the breakage.
"""

from __future__ import annotations

import pytest
from itemadapter import ItemAdapter
from parsel import Selector
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.items import Article
from newscrawl.pipelines.clean import CleanTextPipeline
from newscrawl.pipelines.dates import DatesPipeline
from newscrawl.pipelines.related import RelatedPipeline
from newscrawl.pipelines.validate import ValidatePipeline
from newscrawl.sites.albawabh import ArticlePage
from newscrawl.spiders.albawabh import AlbawabhSpider

BASE = "http://127.0.0.1:8000"
URL = f"{BASE}/4912345"

PARAGRAPHS = [
    "أعربت الرئاسة الروسية عن أسفها لعدم مشاركة أرمينيا في قمة مينسك.",
    "وقال المتحدث باسم الكرملين إن موسكو تأمل في مشاركة يريفان لاحقا.",
    "وأعلنت وزارة الدفاع الأرمينية أن الوزير لن يشارك في الاجتماعات.",
    "وتضم المنظمة ست دول بينها روسيا وبيلاروسيا وأرمينيا.",
]
P1, P2, P3, P4 = (f"<p>{text}</p>" for text in PARAGRAPHS)
ADS = '<div class="ads">Advertisements</div>'
BODY = "\n\n".join(PARAGRAPHS)

TAGS = ('<div class="tags"><span class="tags-title">الكلمات المفتاحية:</span> <a href="/tag/1234">الكرملين</a>'
        '<a href="/tag/1236">أرمينيا</a></div>')
KEYWORDS = '<div class="keywords"><h3>كلمات دالة</h3><a href="/search/term?w=مينسك">مينسك</a></div>'
COMMENTS = '<div class="comments"><h3>التعليقات</h3><div class="fb-comments" data-numposts="5"></div></div>'
MORE_NEWS = """<section class="more-news"><div class="block-title"><h2>المزيد من العالم</h2>
<a class="more" href="/category/72">المزيد</a></div><div class="cont">
<div class="item-card"><a href="/5201153"><div class="txt-cont"><h3>قادة أوروبيون في كييف يدعون إلى وقف إطلاق النار</h3>
<span class="date">10/05/2025 02:38 م</span></div></a></div>
<div class="item-card"><a href="/5034518"><div class="txt-cont">
<h3>الأمم المتحدة تحذر من تفاقم أزمة الجوع في السودان</h3>
<span class="date">15/07/2024 11:20 ص</span></div></a></div></div></section>"""
AFTER_BODY = TAGS + KEYWORDS + COMMENTS + MORE_NEWS
SIDEBAR = """<aside class="col-side"><div class="block-title"><h2>الأكثر قراءة</h2></div><div class="news-list">
<div class="item-li"><a href="/4912466"><div class="txt-cont">
<h3>التعليم العالي تعلن فتح باب التقدم للمنح</h3></div></a></div>
</div></aside>"""
FOOTER = '<footer class="footer"><p class="copyright">جميع الحقوق محفوظة للبوابة نيوز 2026</p></footer>'

#: Text of the boxes around the body: none of it may reach the body.
NOT_BODY = ["الكلمات المفتاحية", "الكرملين أرمينيا", "كلمات دالة", "التعليقات", "المزيد من العالم",
            "قادة أوروبيون", "الأمم المتحدة تحذر", "الأكثر قراءة", "التعليم العالي", "جميع الحقوق"]


def page(body: str, after: str = AFTER_BODY) -> str:
    """SITE.md's article page, its body container holding ``body`` as written (balanced or not)."""
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>الكرملين يأسف لغياب يريفان - البوابة نيوز</title></head><body>
<div class="top-bar"><span>الأحد 29 نوفمبر 2026</span></div>
<main class="main-content"><div class="container"><div class="row"><div class="col-main">
<article class="cont">
<div class="breadcrumb"><a href="/">الرئيسية</a><a href="/category/72">العالم</a></div>
<h1>الكرملين يأسف لغياب يريفان</h1><div class="writer">البوابة نيوز</div>
<div class="publish"><time datetime="2023-11-22T13:47:00">الأربعاء 22/نوفمبر/2023 - 01:47 م</time></div>
<div class="gnews">تابع أحدث الأخبار عبر تطبيق <a href="https://news.google.com/x"><img alt="google news"></a></div>
<div class="paragraph-list">
{body}
</div>
{after}
</article>
</div>{SIDEBAR}</div></div></main>{FOOTER}</body></html>"""


def crawl(html: str) -> dict:
    """The article of one page through the spider's callback and the item pipelines."""
    crawler = get_crawler(AlbawabhSpider, {"NEWSCRAWL_STOP_ON_SEEN": False})
    crawler.stats.open_spider()
    spider = crawler._create_spider(base_url=BASE)
    response = HtmlResponse(url=URL, body=html.encode(), encoding="utf-8", request=Request(URL))
    (item,) = [entry for entry in spider.parse_article(response) if isinstance(entry, Article)]
    for cls in (CleanTextPipeline, RelatedPipeline, DatesPipeline, ValidatePipeline):
        item = cls.from_crawler(crawler).process_item(item)
    return ItemAdapter(item).asdict()


def events(html: str) -> dict[str, int]:
    extracted = ArticlePage(Selector(text=html), URL)
    extracted.body_blocks()
    return dict(extracted.events)


def assert_no_boilerplate(body: str) -> None:
    for text in NOT_BODY:
        assert text not in body, text


# -- the well-formed page: the reference ------------------------------------------------------------------
def test_a_well_formed_page_gives_the_four_paragraphs():
    item = crawl(page(P1 + P2 + ADS + P3 + P4))
    assert item["body"] == BODY
    assert item["tags"] == ["الكرملين", "أرمينيا"]
    assert events(page(P1 + P2 + ADS + P3 + P4)).get("newscrawl/extract/body/spilled_blocks") is None


# -- a stray </div>: the body container is closed early ----------------------------------------------------
STRAY = {
    "after-first-paragraph": P1 + "</div>" + P2 + ADS + P3 + P4,
    "after-second-paragraph": P1 + P2 + "</div>" + ADS + P3 + P4,
    "in-a-wrapper-and-after-it": '<div class="text">' + P1 + "</div></div>" + P2 + ADS + P3 + P4,
    "inside-a-paragraph": P1 + P2 + P3 + P4.replace("ست دول", "ست</div> دول"),
    "before-a-sub-heading": P1 + P2 + "</div><h2>عنوان فرعي</h2>" + P3 + P4,
}


@pytest.mark.parametrize("body", STRAY.values(), ids=STRAY.keys())
def test_a_stray_close_keeps_the_whole_body(body):
    item = crawl(page(body))
    expected = PARAGRAPHS
    if "<h2>" in body:
        expected = [*PARAGRAPHS[:2], "عنوان فرعي", *PARAGRAPHS[2:]]
    elif "ست</div>" in body:  # the stray end tag ends the paragraph it sits in: two paragraphs, no text lost
        expected = [*PARAGRAPHS[:3], "وتضم المنظمة ست", "دول بينها روسيا وبيلاروسيا وأرمينيا."]
    assert item["body"] == "\n\n".join(expected)
    assert_no_boilerplate(item["body"])


def test_a_stray_close_keeps_the_tags_the_container_lost():
    """lxml closes the article with the body's own </div> (div outranks article): the tags follow it."""
    item = crawl(page(STRAY["after-first-paragraph"]))
    assert item["tags"] == ["الكرملين", "أرمينيا"]


def test_the_spilled_paragraphs_are_counted():
    found = events(page(STRAY["after-first-paragraph"]))
    assert found["newscrawl/extract/body/spilled_blocks"] == 3  # P2, P3, P4 (the ad slot is skipped)


# -- an unclosed <div>: the page's boxes are swallowed by the body container -------------------------------
UNCLOSED = {
    "wrapper-at-start": '<div class="text">' + P1 + P2 + ADS + P3 + P4,
    "plain-div-in-the-middle": P1 + P2 + "<div>" + P3 + P4,
    "body-container-not-closed": P1 + P2 + P3 + P4 + "<div>",
    "read-also-box-not-closed": P1 + '<div class="related"><h2>اقرأ أيضا</h2><ul><li><a href="/4910876">'
                                "مينسك تطلب من موسكو بناء محطة</a></li></ul>" + P2 + P3 + P4,
}


@pytest.mark.parametrize("body", UNCLOSED.values(), ids=UNCLOSED.keys())
def test_an_unclosed_div_leaves_the_pages_boxes_out(body):
    item = crawl(page(body))
    assert item["body"] == BODY
    assert_no_boilerplate(item["body"])


def test_the_body_containers_own_close_missing():
    """The page's </div> of div.paragraph-list removed: tags, keywords, comments and more-news sit inside."""
    html = page(P1 + P2 + P3 + P4).replace("\n</div>\n" + AFTER_BODY, "\n" + AFTER_BODY)
    assert Selector(text=html).css("div.paragraph-list div.tags")  # the parser did nest them
    item = crawl(html)
    assert item["body"] == BODY
    assert_no_boilerplate(item["body"])
    assert item["tags"] == ["الكرملين", "أرمينيا"]
    assert events(html)["newscrawl/extract/body/ended_inside"] == 1


@pytest.mark.parametrize("box", [
    pytest.param('<div class="box"><div class="head"><h2>المزيد من العالم</h2></div><div class="list">'
                 '<div class="item-card"><a href="/5201153"><h3>قادة أوروبيون في كييف</h3></a></div></div></div>',
                 id="more-from-by-heading"),
    pytest.param('<div><h3>التعليقات</h3><div class="fb-comments"></div></div>', id="comments-by-heading"),
    pytest.param('<div class="grid"><div class="item-card"><a href="/5201153"><h3>قادة أوروبيون في كييف</h3></a>'
                 '</div><div class="item-card"><a href="/5034518"><h3>الأمم المتحدة تحذر</h3></a></div></div>',
                 id="card-grid"),
])
def test_renamed_boxes_are_known_by_structure(box):
    """A swallowed box whose class is not one we know ends the body by its heading or its cards."""
    item = crawl(page("<div>" + P1 + P2 + P3 + P4, after=box + AFTER_BODY))
    assert item["body"] == BODY
    assert_no_boilerplate(item["body"])


# -- what must not change ---------------------------------------------------------------------------------
def test_cards_inside_a_read_also_box_do_not_end_the_body():
    box = ('<div class="related"><h2>اقرأ أيضا</h2><div class="cont"><div class="item-card"><a href="/4910876">'
           "<h3>مينسك تطلب محطة طاقة</h3></a></div><div class=\"item-card\"><a href=\"/4910990\"><h3>موسكو ترد"
           "</h3></a></div></div></div>")
    item = crawl(page(P1 + P2 + box + P3 + P4))
    assert item["body"].endswith(PARAGRAPHS[-1])
    assert PARAGRAPHS[2] in item["body"]


def test_a_box_before_any_text_is_skipped_not_the_end():
    """Tags printed above the text (another layout): excluded, and the body that follows is kept."""
    item = crawl(page(TAGS + P1 + P2 + P3 + P4, after=COMMENTS))
    assert item["body"] == BODY


def test_text_after_the_body_container_is_not_taken_without_a_stray_paragraph():
    """A well-formed page with a box after the body that is not one of ours: the body is what it was."""
    item = crawl(page(P1 + P2 + P3 + P4, after='<div class="source">المصدر: وكالات</div>' + AFTER_BODY))
    assert item["body"] == BODY


# -- end to end: the offline copy's fault modes -----------------------------------------------------------
@pytest.fixture(scope="module")
def faulted(tmp_path_factory):
    """The real ``scrapy crawl`` against the offline copy with a stray ``</div>`` in one article's body
    and the body container of another left unclosed (tests/site/server.py)."""
    from tests.conftest import run_crawl
    from tests.site.server import serve

    server, _, base_url = serve(faults="stray_close:/4912345,unclosed_div:/4911873")
    try:
        result = run_crawl(tmp_path_factory.mktemp("unbalanced"), "-a", f"base_url={base_url}",
                           env={"NEWSCRAWL_STATE": "off"})
    finally:
        server.shutdown()
        server.server_close()
    return result


@pytest.mark.crawl
@pytest.mark.parametrize("article_id", ["4912345", "4911873"])
@pytest.mark.parametrize("field", ["body_first", "body_last", "body_block_count", "body_must_contain",
                                   "body_must_not_contain", "tags"])
def test_faulted_articles_come_out_as_expected(faulted, expected, article_id, field):
    from tests.article_checks import check_field

    article = next(a for a in expected["articles"] if a["article_id"] == article_id)
    check_field(faulted.by_id[article_id], article, field, expected)
    assert "Spider closed (finished)" in faulted.log
