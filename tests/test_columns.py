"""Opinion columns, several authors and the description (issue 13, "Real Arabic pages"; issue 15, item 4).

SITE.md ("Seen since"): a column of آراء حرة shows no byline; its writer is named only in the headline,
``<name> يكتب: …`` or ``<name> تكتب: …``. Pages here follow SITE.md's article skeleton with one part changed;
the expected values are read off each page as written here.
"""

from __future__ import annotations

import json

import pytest

from newscrawl.items import Article, exported_fields
from newscrawl.text.authors import split_names, writer_from_headline
from tests.test_variants import PUBLISH, crawl

DESK = "البوابة نيوز"
BODY = "<p>أول فقرة في المقال، وهي ليست ملخصا.</p><p>الفقرة الأخيرة من المقال.</p>"


def column(headline: str, *, writer: str = "", head: str = "", section: str = "آراء حرة") -> str:
    return f"""<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8">
<title>{headline} - البوابة نيوز</title>{head}</head><body>
<div class="top-bar"><span>الأحد 29 نوفمبر 2026</span></div>
<article class="cont"><div class="breadcrumb"><a href="/">الرئيسية</a><a href="/category/120">{section}</a></div>
<h1>{headline}</h1>{writer}{PUBLISH}
<div class="paragraph-list">{BODY}</div></article></body></html>"""


def jsonld(**fields) -> str:
    data = {"@context": "https://schema.org", "@type": "NewsArticle", **fields}
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>'


# -- the writer named in the headline ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headline", "writer"),
    [
        pytest.param("عمرو فاروق يكتب: الشتاء الأوروبي وحسابات الغاز", "عمرو فاروق", id="yaktub"),
        pytest.param("هبة عبد الله تكتب: مدارسنا بعد الامتحانات", "هبة عبد الله", id="taktub"),
        pytest.param("عمرو فاروق يكتب : الشتاء الأوروبي", "عمرو فاروق", id="space-before-colon"),
        pytest.param("عمرو فاروق يكتب| الشتاء الأوروبي", "عمرو فاروق", id="pipe"),
        pytest.param("عمرو فاروق يكتب - الشتاء الأوروبي", "عمرو فاروق", id="dash"),
        pytest.param("د. محمد عبد الرحمن يكتب: أزمة المياه", "د. محمد عبد الرحمن", id="doctor-abbreviated"),
        pytest.param("الدكتور محمد عبد الرحمن يكتب: أزمة المياه", "الدكتور محمد عبد الرحمن", id="doctor-word"),
        pytest.param("الدكتورة نهى محمود تكتب: أزمة المياه", "الدكتورة نهى محمود", id="doctor-feminine"),
        pytest.param("عمرو فاروق يكتب：الشتاء", "عمرو فاروق", id="fullwidth-colon"),
        pytest.param("الكرملين: نأسف لعدم مشاركة يريفان", None, id="colon-without-the-verb"),
        pytest.param("محمد صلاح يكتب التاريخ مع ليفربول", None, id="verb-without-separator"),
        pytest.param("الكرملين: بوتين يكتب: رسالة", None, id="colon-inside-the-name"),
        pytest.param("لماذا يكتب: سؤال قديم", None, id="question-word"),
        pytest.param("البوابة نيوز تكتب: بيان", None, id="desk-name"),
        pytest.param("عمرو فاروق يكتب:", None, id="nothing-after-the-colon"),
        pytest.param("في 2023 يكتب: الحساب", None, id="digits"),
        pytest.param("مصر تكتب: تاريخا جديدا", None, id="one-word-is-no-writer"),
        pytest.param("د. الباز يكتب: الحرب", None, id="title-and-one-word"),
        pytest.param("محمد الباز يكتب.. عن الحرب", "محمد الباز", id="two-dots"),
        pytest.param("محمد الباز يكتب … عن الحرب", "محمد الباز", id="ellipsis-char"),
        pytest.param("محمد الباز يكتب– عن الحرب", "محمد الباز", id="dash-without-space"),
        pytest.param("أ.د. محمد عثمان الخشت يكتب: الجامعة", "أ.د. محمد عثمان الخشت", id="double-title"),
        pytest.param("اللواء أ.ح محمد الغباري يكتب: سيناء", "اللواء أ.ح محمد الغباري", id="general-staff"),
        pytest.param("محمد الباز يكتب ل«البوابة نيوز»: الحرب", "محمد الباز", id="for-the-site-guillemets"),
        pytest.param('محمد الباز يكتب لـ"البوابة نيوز": الحرب', "محمد الباز", id="for-the-site-quotes"),
        pytest.param("محمد الباز يكتب للبوابة نيوز: الحرب", "محمد الباز", id="for-the-site-unquoted"),
        pytest.param("«محمد الباز يكتب»: الحرب", "محمد الباز", id="quoted-name-and-verb"),
        pytest.param("مقال| محمد الباز يكتب: الحرب", "محمد الباز", id="label-maqal"),
        pytest.param("رأي | محمد الباز يكتب: الحرب", "محمد الباز", id="label-ray"),
        pytest.param("الدكتور محمد الباز يكتب: الحرب", "الدكتور محمد الباز", id="doctor-and-two-words"),
        pytest.param(
            "الكاتب الصحفي عبد الرحيم علي يكتب: مصر",
            "الكاتب الصحفي عبد الرحيم علي",
            id="job-title-kept-as-printed",
        ),
        pytest.param("عبد الرحيم علي يكتب: مصر", "عبد الرحيم علي", id="al-inside-a-compound-name"),
        pytest.param("الذكاء الاصطناعي يكتب: قصيدة", None, id="definite-noun-phrase"),
        pytest.param("جمهور الأهلي يكتب: نهاية حزينة", None, id="collective-noun"),
        pytest.param("الرئيس السيسي يكتب: رسالة", None, id="public-figure-news-not-a-column"),
        pytest.param("هذا ما يكتب: عن", None, id="function-words"),
        pytest.param("الكرملين- بوتين يكتب: رسالة", None, id="dash-inside-the-name"),
        pytest.param("", None, id="empty"),
    ],
)
def test_writer_from_headline(headline, writer):
    assert writer_from_headline(headline) == writer


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        pytest.param("أحمد سمير ونهى محمود", ["أحمد سمير", "نهى محمود"], id="glued-waw"),
        pytest.param("أحمد سمير و نهى محمود", ["أحمد سمير", "نهى محمود"], id="free-waw"),
        pytest.param("سارة أحمد، أحمد سمير ونهى محمود", ["سارة أحمد", "أحمد سمير", "نهى محمود"], id="comma-and-waw"),
        pytest.param("سارة أحمد, أحمد سمير", ["سارة أحمد", "أحمد سمير"], id="latin-comma"),
        pytest.param("محمد وليد", ["محمد وليد"], id="name-starting-with-waw"),
        pytest.param("أحمد سمير وليد", ["أحمد سمير وليد"], id="three-part-name"),
        pytest.param("أحمد سمير وائل حسن", ["أحمد سمير وائل حسن"], id="four-part-name-with-waw-name"),
        pytest.param("محمد عبد الرحمن ووليد سمير", ["محمد عبد الرحمن", "وليد سمير"], id="waw-before-waw-name"),
        pytest.param(DESK, [DESK], id="desk"),
        pytest.param("", [], id="empty"),
    ],
)
def test_split_names(byline, names):
    assert split_names(byline) == names


@pytest.mark.parametrize(
    ("writer", "head"),
    [
        pytest.param("", "", id="no-byline-box"),
        pytest.param('<div class="writer"></div>', "", id="empty-byline-box"),
        pytest.param(f'<div class="writer">{DESK}</div>', "", id="desk-byline"),
        pytest.param("", jsonld(author={"@type": "Organization", "name": DESK}), id="desk-in-jsonld"),
        pytest.param("", f'<meta name="author" content="{DESK}">', id="desk-in-meta"),
    ],
)
def test_a_column_takes_its_writer_from_the_headline(writer, head):
    headline = "عمرو فاروق يكتب: الشتاء الأوروبي وحسابات الغاز"
    item, _ = crawl(column(headline, writer=writer, head=head))
    assert item["title"] == headline  # the headline as the page prints it
    assert (item["author"], item["authors"]) == ("عمرو فاروق", ["عمرو فاروق"])
    assert item["section"] == "آراء حرة"


def test_a_named_byline_wins_over_the_headline():
    item, _ = crawl(
        column("عمرو فاروق يكتب: الشتاء", writer='<div class="writer"><a href="/writer/1">سارة علي</a></div>')
    )
    assert (item["author"], item["authors"]) == ("سارة علي", ["سارة علي"])


def test_a_headline_with_a_colon_gives_no_author():
    item, _ = crawl(column("الكرملين: نأسف لعدم مشاركة يريفان في القمة", section="العالم"))
    assert (item["author"], item["authors"]) == (None, [])


def test_a_desk_story_keeps_the_desk_signature():
    item, _ = crawl(column("الكرملين: نأسف لعدم مشاركة يريفان", writer=f'<div class="writer">{DESK}</div>'))
    assert (item["author"], item["authors"]) == (DESK, [DESK])


# -- several authors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "expected_author", "expected_authors"),
    [
        pytest.param(
            [{"@type": "Person", "name": "سارة علي"}, {"@type": "Person", "name": "أحمد سمير"}],
            "سارة علي، أحمد سمير",
            ["سارة علي", "أحمد سمير"],
            id="list-of-objects",
        ),
        pytest.param({"@type": "Person", "name": "سارة علي"}, "سارة علي", ["سارة علي"], id="object"),
        pytest.param("سارة علي", "سارة علي", ["سارة علي"], id="string"),
        pytest.param(["سارة علي", "أحمد سمير"], "سارة علي، أحمد سمير", ["سارة علي", "أحمد سمير"], id="list-of-strings"),
        pytest.param("أحمد سمير ونهى محمود", "أحمد سمير ونهى محمود", ["أحمد سمير", "نهى محمود"], id="joined-string"),
        pytest.param(
            [{"name": "https://www.albawabhnews.com/writer/1"}, {"name": "سارة علي"}],
            "سارة علي",
            ["سارة علي"],
            id="url-not-a-name",
        ),
        pytest.param(
            [{"@type": "Organization", "name": "البوابة نيوز"}, {"@type": "Person", "name": "سارة علي"}],
            "سارة علي",
            ["سارة علي"],
            id="the-portal-beside-a-person",
        ),
        pytest.param({"@type": "Organization", "name": "البوابة نيوز"}, "البوابة نيوز", ["البوابة نيوز"],
                     id="the-portal-alone"),
    ],
)
def test_jsonld_authors(author, expected_author, expected_authors):
    item, _ = crawl(column("عنوان الخبر", head=jsonld(headline="عنوان الخبر", author=author), section="العالم"))
    assert (item["author"], item["authors"]) == (expected_author, expected_authors)


SITE_WIDE_AUTHOR = f'<meta name="author" content="{DESK}">'  # the portal's name in every page's head


@pytest.mark.parametrize(
    ("head", "writer", "expected"),
    [
        pytest.param(SITE_WIDE_AUTHOR + '<meta property="article:author" content="كريم السيد">',
                     '<div class="writer"><a href="/writer/163">كريم السيد</a></div>', "كريم السيد",
                     id="site-wide-meta-then-article-author"),
        pytest.param(SITE_WIDE_AUTHOR, '<div class="writer"><a href="/writer/163">كريم السيد</a></div>',
                     "كريم السيد", id="site-wide-meta-then-writer-box"),
        pytest.param(jsonld(headline="عنوان الخبر", author={"@type": "Organization", "name": DESK}),
                     '<div class="writer">كتب: كريم السيد</div>', "كريم السيد", id="desk-in-jsonld-then-writer-box"),
        pytest.param(SITE_WIDE_AUTHOR, f'<div class="writer">{DESK}</div>', DESK, id="desk-everywhere"),
        pytest.param(SITE_WIDE_AUTHOR, "", DESK, id="desk-meta-alone"),
        pytest.param('<meta name="author" content="www.albawabhnews.com">',
                     '<div class="writer"><a href="/writer/163">كريم السيد</a></div>', "كريم السيد",
                     id="site-domain-meta-then-writer-box"),
        pytest.param(SITE_WIDE_AUTHOR, f'<div class="writer">{DESK} 22/11/2023</div>', DESK,
                     id="desk-and-a-date-in-the-writer-box"),
        pytest.param(SITE_WIDE_AUTHOR + '<meta property="article:author" content="www.facebook.com/albawabhnews">',
                     "", DESK, id="profile-link-without-scheme-is-no-name"),
        pytest.param(SITE_WIDE_AUTHOR, '<div class="writer">www.</div>', DESK, id="a-link-in-the-writer-box"),
        pytest.param(SITE_WIDE_AUTHOR, '<div class="writer">' + "كريم السيد " * 30 + "</div>", DESK,
                     id="a-writer-box-longer-than-any-byline"),
    ],
)
def test_the_portal_named_in_every_page_is_not_the_byline_of_a_signed_story(head, writer, expected):
    item, _ = crawl(column("عنوان الخبر", head=head, writer=writer, section="العالم"))
    assert (item["author"], item["authors"]) == (expected, [expected])


def test_a_writer_box_holding_only_its_label_names_no_one():
    item, _ = crawl(column("عمرو فاروق يكتب: الشتاء الأوروبي", head=SITE_WIDE_AUTHOR,
                           writer='<div class="writer">كتب:</div>'))
    assert (item["author"], item["authors"]) == ("عمرو فاروق", ["عمرو فاروق"])


def test_byline_with_two_names_and_a_label():
    item, _ = crawl(column("عنوان الخبر", writer='<div class="writer">كتب: أحمد سمير ونهى محمود</div>'))
    assert item["author"] == "أحمد سمير ونهى محمود"  # as printed, for compatibility
    assert item["authors"] == ["أحمد سمير", "نهى محمود"]


# -- description ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "description"),
    [
        pytest.param(
            jsonld(description="ملخص  من\nJSON-LD") + '<meta property="og:description" content="ملخص og">',
            "ملخص من JSON-LD",
            id="jsonld-first",
        ),
        pytest.param(
            '<meta property="og:description" content="  ملخص &quot;og&quot;\t ">'
            '<meta name="description" content="ملخص الصفحة">',
            'ملخص "og"',
            id="og-then-meta",
        ),
        pytest.param('<meta name="description" content="ملخص الصفحة">', "ملخص الصفحة", id="meta-name"),
        pytest.param('<meta name="twitter:description" content="ملخص تويتر">', "ملخص تويتر", id="twitter"),
        pytest.param('<meta property="og:description" content="\u200f ">', None, id="marks-only"),
        pytest.param("", None, id="none-never-the-body"),
    ],
)
def test_description(head, description):
    item, _ = crawl(column("عنوان الخبر", head=head, writer=f'<div class="writer">{DESK}</div>'))
    assert item["description"] == description


def test_new_fields_are_exported():
    names = exported_fields()
    assert {"description", "authors"} <= set(names)
    assert names.index("description") == names.index("title") + 1
    assert names.index("authors") == names.index("author") + 1
    assert Article(url="u", article_id="1").authors == []
