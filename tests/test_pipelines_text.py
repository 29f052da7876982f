"""The text pipelines: CleanTextPipeline then RelatedPipeline on Article items, stats, never raising."""

from __future__ import annotations

import logging

import pytest
from scrapy.utils.test import get_crawler

from newscrawl.items import Article
from newscrawl.pipelines.clean import CleanTextPipeline, clean_blocks, normalize_list
from newscrawl.pipelines.related import RelatedPipeline, merge_related
from newscrawl.text.blocks import Block, Link

SITE = "https://www.albawabhnews.com/"
URL = f"{SITE}4912345"
RELATED_TITLE = "مينسك تطلب من موسكو بناء محطة طاقة ثانية"


def art(article_id: int, title: str) -> Link:
    return Link(title, f"{SITE}{article_id}", str(article_id))


def make_article(**fields) -> Article:
    blocks = [
        Block("p", "\u200fأعربت الرئاسة الروسية\u00a0عن أسفها   لعدم المشاركة."),
        Block("div", "تابع أحدث الأخبار عبر تطبيق", (Link("google news", "https://news.google.com/x"),)),
        Block("p", "  "),
        Block("p", "اقرأ أيضًا: " + RELATED_TITLE, (art(4912001, " " + RELATED_TITLE + "\u200e"),)),
        Block("div", "Advertisements"),
        Block("h2", "عنوان فرعي"),
        Block("div", "اقرأ أيضا مينسك تطلب من موسكو بناء محطة طاقة ثانية خبر ثالث",
              (art(4912001, RELATED_TITLE), art(4911800, "خبر ثالث"))),
        Block("p", "وتضم المنظمة ٦ دول."),
    ]
    values = {
        "url": URL,
        "article_id": "4912345",
        "title": " الكرملين:\u00a0نأسف \u200f",
        "author": "البوابة نيوز ",
        "section": "العالـــم",
        "tags": ["الكرملين", " منظمة معاهدة الأمن الجماعی ", "", "الكرملين"],
        "keywords": ["فی قمة", "کرة"],
        "body_blocks": blocks,
    }
    values.update(fields)
    return Article(**values)


@pytest.fixture
def crawler():
    return get_crawler()


@pytest.fixture
def processed(crawler) -> Article:
    item = make_article()
    item = CleanTextPipeline.from_crawler(crawler).process_item(item)
    return RelatedPipeline.from_crawler(crawler).process_item(item)


def stat(crawler, name):
    return crawler.stats.get_value(name)


def test_title_cleaned(processed):
    assert processed.title == "الكرملين: نأسف"


def test_author_cleaned(processed):
    assert processed.author == "البوابة نيوز"


def test_section_normalized(processed):
    assert processed.section == "العالم"


def test_tags_normalized_deduplicated(processed):
    assert processed.tags == ["الكرملين", "منظمة معاهدة الأمن الجماعي"]


def test_keywords_normalized(processed):
    assert processed.keywords == ["في قمة", "كرة"]


def test_body(processed):
    assert processed.body == "أعربت الرئاسة الروسية عن أسفها لعدم المشاركة.\n\nعنوان فرعي\n\nوتضم المنظمة ٦ دول."


def test_related(processed):
    assert processed.related == [
        {"title": RELATED_TITLE, "url": f"{SITE}4912001"},
        {"title": "خبر ثالث", "url": f"{SITE}4911800"},
    ]


def test_body_blocks_left(processed):
    assert [block.kind for block in processed.body_blocks] == ["p", "h2", "p"]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("newscrawl/clean/boilerplate_removed", 2),
        ("newscrawl/clean/empty_blocks_removed", 1),
        ("newscrawl/clean/invisible_marks_removed", 1),
        ("newscrawl/clean/persian_letters_folded", 1),
        ("newscrawl/clean/errors", None),
        ("newscrawl/related/blocks/inline", 1),
        ("newscrawl/related/blocks/box", 1),
        ("newscrawl/related/links", 2),
        ("newscrawl/related/items_with_related", 1),
        ("newscrawl/related/errors", None),
    ],
)
def test_stats(crawler, processed, name, value):
    assert stat(crawler, name) == value


def test_item_without_read_also_keeps_its_body(crawler):
    blocks = [Block("p", "فقرة أولى."), Block("h2", "عنوان فرعي"), Block("p", "فقرة أخيرة.")]
    item = make_article(body_blocks=blocks, related=[])
    item = CleanTextPipeline.from_crawler(crawler).process_item(item)
    item = RelatedPipeline.from_crawler(crawler).process_item(item)
    assert item.body_blocks == blocks
    assert item.body == "فقرة أولى.\n\nعنوان فرعي\n\nفقرة أخيرة."
    assert item.related == []
    assert stat(crawler, "newscrawl/related/items_with_related") is None


def test_related_merges_with_existing_items(crawler):
    existing = [{"title": "قديم", "url": f"{SITE}1"}, {"title": RELATED_TITLE, "url": f"{SITE}4912001"}]
    item = make_article(related=existing)
    item = RelatedPipeline.from_crawler(crawler).process_item(item)
    assert [entry["url"] for entry in item.related] == [f"{SITE}1", f"{SITE}4912001", f"{SITE}4911800"]
    assert stat(crawler, "newscrawl/related/links") == 1


def test_dict_items_are_handled(crawler):
    item = {"url": URL, "title": "عنوان\u200f", "body_blocks": [Block("p", "نص."), Block("p", "")]}
    item = CleanTextPipeline.from_crawler(crawler).process_item(item)
    assert item == {"url": URL, "title": "عنوان", "body_blocks": [Block("p", "نص.")], "body": "نص."}


def test_item_without_body_blocks_passes(crawler):
    item = make_article(body_blocks=[], body="نص من مصدر آخر.")
    item = CleanTextPipeline.from_crawler(crawler).process_item(item)
    item = RelatedPipeline.from_crawler(crawler).process_item(item)
    assert item.body == "نص من مصدر آخر."


class Broken:
    """A body block that makes the text functions fail."""

    kind = "p"
    links = ()

    @property
    def text(self):
        raise RuntimeError("broken block")


@pytest.mark.parametrize("pipeline_cls", [CleanTextPipeline, RelatedPipeline])
def test_failure_passes_the_item_unchanged(crawler, caplog, pipeline_cls):
    item = make_article(body_blocks=[Block("p", "نص."), Broken()], title=" عنوان ")
    before = (item.title, list(item.body_blocks), item.body, list(item.related))
    with caplog.at_level(logging.ERROR):
        result = pipeline_cls.from_crawler(crawler).process_item(item)
    assert result is item
    assert (item.title, list(item.body_blocks), item.body, list(item.related)) == before
    prefix = "newscrawl/clean/" if pipeline_cls is CleanTextPipeline else "newscrawl/related/"
    assert stat(crawler, prefix + "errors") == 1
    assert URL in caplog.text


def test_clean_blocks_keeps_unchanged_blocks_identical():
    block = Block("p", "نص نظيف.", (art(1, "عنوان"),))
    kept, dropped = clean_blocks([block])
    assert kept[0] is block
    assert not dropped


def test_clean_blocks_cleans_link_titles():
    (kept,), _ = clean_blocks([Block("p", "عنوان", (art(1, " عنوان\u200f "),))])
    assert kept.links[0].title == "عنوان"
    assert kept.links[0].url == f"{SITE}1"


def test_normalize_list():
    assert normalize_list(["  أ ", "أ", "", "ب\u200f", None]) == ["أ", "ب"]


def test_merge_related():
    assert merge_related(None, [{"title": "أ"}, {"title": "أ"}, {"title": "ب", "url": "u"}]) == [
        {"title": "أ"},
        {"title": "ب", "url": "u"},
    ]


def test_description_and_authors_cleaned(crawler):
    names = [" سارة علي\u200f", "", "سارة علي", "أحمد سمير "]
    item = make_article(description=" ملخص\u00a0الخبر \u200f\n", authors=names)
    item = CleanTextPipeline.from_crawler(crawler).process_item(item)
    assert item.description == "ملخص الخبر"
    assert item.authors == ["سارة علي", "أحمد سمير"]


def test_description_of_marks_only_becomes_none(crawler):
    item = CleanTextPipeline.from_crawler(crawler).process_item(make_article(description="\u200f \u00a0"))
    assert item.description is None
