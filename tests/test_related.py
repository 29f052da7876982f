"""Read-also splitting over body blocks: every form, every label spelling, what must stay in the body."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawl.text.blocks import Block, Link
from newscrawl.text.related import is_link_box, is_title_line, match_label, split_related

SITE = "https://www.albawabhnews.com/"


def art(article_id: int, title: str) -> Link:
    return Link(title, f"{SITE}{article_id}", str(article_id))


def ext(url: str, title: str) -> Link:
    return Link(title, url, None)


def p(text: str, *links: Link) -> Block:
    return Block("p", text, tuple(links))


def box(text: str, *links: Link, kind: str = "div") -> Block:
    return Block(kind, text, tuple(links))


def line(text: str) -> Block:
    return Block("line", text)


FIRST = p("أعربت الرئاسة الروسية عن أسفها لعدم مشاركة أرمينيا في القمة.")
LAST = p("وتضم المنظمة ٦ دول هي روسيا وبيلاروسيا وأرمينيا وكازاخستان وقرغيزستان وطاجيكستان.")
SUBHEADING = Block("h2", "عنوان فرعي")
T1, T2, T3 = "مينسك تطلب من موسكو بناء محطة طاقة ثانية", "الجارديان: بريطانيا تدرس خطة جديدة", "عنوان خبر آخر"


def rel(*pairs: tuple[int, str]) -> list[dict]:
    return [{"title": title, "url": f"{SITE}{article_id}"} for article_id, title in pairs]


LABEL_SPELLINGS = [
    "اقرأ أيضا",
    "اقرأ أيضاً",
    "اقرأ أيضًا",
    "اقرأ ايضا",
    "إقرأ أيضاً",
    "إقرأ أيضا",
    "أقرأ أيضا",
    "اقرأ أيضـــا",
    "اقرأ ايضاً",
]
RELATED_SPELLINGS = ["موضوعات متعلقة", "الموضوعات المتعلقة", "ذات صلة", "الموضوعات المتعلقه"]


def _spelling_rows():
    for n, spelling in enumerate(LABEL_SPELLINGS + RELATED_SPELLINGS):
        for colon in (":", " :", ""):
            yield pytest.param(
                [FIRST, p(f"{spelling}{colon} {T3}", art(4912001, T3)), LAST],
                [FIRST, LAST],
                rel((4912001, T3)),
                ["inline"],
                id=f"inline-label{n}-{spelling}{colon or '-no-colon'}",
            )
        yield pytest.param(
            [FIRST, p(f"{spelling}:"), p(T1, art(4911800, T1)), LAST],
            [FIRST, LAST],
            rel((4911800, T1)),
            ["label_run"],
            id=f"label-run-label{n}-{spelling}",
        )


CASES = [
    *_spelling_rows(),
    pytest.param(
        [FIRST, p(f"اقرأ أيضاً{T2}", art(4912002, T2)), LAST],
        [FIRST, LAST],
        rel((4912002, T2)),
        ["inline"],
        id="inline-label-glued-to-title",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضًا: {T1} - {T3}", art(1, T1), art(2, T3)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T3)),
        ["inline"],
        id="inline-two-links",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضًا: {T1}", art(1, T1)), p(T3, art(2, T3)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T3)),
        ["inline"],
        id="inline-then-link-only-paragraph",
    ),
    pytest.param(
        [FIRST, p("اقرأ أيضًا: هذا العنوان", art(1, "")), LAST],
        [FIRST, LAST],
        rel((1, "هذا العنوان")),
        ["inline"],
        id="inline-link-without-text-takes-text-after-label",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضًا: {T1} وقال الوزير إن المشروع سيكتمل العام المقبل", art(1, T1)), LAST],
        [FIRST, p("وقال الوزير إن المشروع سيكتمل العام المقبل"), LAST],
        rel((1, T1)),
        ["inline"],
        id="inline-keeps-a-sentence-after-the-link",
    ),
    pytest.param(
        [FIRST, p("اقرأ أيضا"), p(f"• {T1}", art(1, T1)), p(f"- {T2}", art(2, T2)), SUBHEADING, LAST],
        [FIRST, SUBHEADING, LAST],
        rel((1, T1), (2, T2)),
        ["label_run"],
        id="label-run-with-bullets-ends-at-subheading",
    ),
    pytest.param(
        [FIRST, Block("h2", "اقرأ أيضا"), Block("li", T1, (art(1, T1),)), Block("li", T2, (art(2, T2),)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T2)),
        ["label_run"],
        id="heading-label-then-list-items",
    ),
    pytest.param(
        [FIRST, box(f"اقرأ أيضا {T1} {T2}", art(1, T1), art(2, T2)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T2)),
        ["box"],
        id="box-with-label-heading",
    ),
    pytest.param(
        [FIRST, box(f"{T1} {T2}", art(1, T1), art(2, T2)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T2)),
        ["box"],
        id="box-without-heading",
    ),
    pytest.param(
        [FIRST, box(f"الأكثر قراءة {T1}", art(1, T1)), LAST],
        [FIRST, LAST],
        rel((1, T1)),
        ["box"],
        id="box-with-other-short-heading",
    ),
    pytest.param(
        [FIRST, Block("h2", "اقرأ أيضا"), box(f"{T1} {T2}", art(1, T1), art(2, T2)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T2)),
        ["box"],
        id="heading-label-over-a-box",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضا: {T1}", art(1, T1)), SUBHEADING, box(f"موضوعات متعلقة {T2}", art(2, T2)), LAST],
        [FIRST, SUBHEADING, LAST],
        rel((1, T1), (2, T2)),
        ["inline", "box"],
        id="two-blocks",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضا: {T1}", art(1, T1)), box(f"اقرأ أيضا {T1} {T2}", art(1, T1), art(2, T2)), LAST],
        [FIRST, LAST],
        rel((1, T1), (2, T2)),
        ["inline", "box"],
        id="duplicate-links-kept-once",
    ),
    pytest.param(
        [FIRST, p("اقرأ أيضا:"), LAST],
        [FIRST, LAST],
        [],
        ["label_only"],
        id="lone-label-dropped",
    ),
    pytest.param(
        [FIRST, LAST, p("اقرأ أيضا")],
        [FIRST, LAST],
        [],
        ["label_only"],
        id="lone-label-at-end-dropped",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضا: {T3}"), LAST],
        [FIRST, LAST],
        [{"title": T3}],
        ["inline"],
        id="label-and-title-without-link-text-only-body",
    ),
]

KEPT = [
    pytest.param([FIRST, SUBHEADING, LAST], id="no-block"),
    pytest.param([], id="empty-body"),
    pytest.param(
        [FIRST, p("وقال الكاتب: اقرأ أيضا ما كتبناه أمس عن القمة", art(1, T1)), LAST], id="mentions-mid-sentence"
    ),
    pytest.param([FIRST, p("اقرأ التفاصيل الكاملة في تقريرنا", art(1, T1)), LAST], id="starts-with-iqra-not-a-label"),
    pytest.param([FIRST, p(T1, art(1, T1)), LAST], id="link-only-paragraph-not-after-a-label"),
    pytest.param([FIRST, Block("li", T1, (art(1, T1),)), LAST], id="link-only-list-item-not-after-a-label"),
    pytest.param(
        [FIRST, box(f"قال الوزير في كلمته أمام المؤتمر إن المنظمة ستواصل عملها رغم الغياب. {T1}", art(1, T1)), LAST],
        id="quote-box-with-text",
    ),
    pytest.param(
        [FIRST, p(f"اقرأ أيضا: {T1}", ext("https://example.com/story", T1)), LAST], id="label-with-external-link"
    ),
    pytest.param(
        [FIRST, box("الكرملين موسكو", Link("الكرملين", f"{SITE}tag/12"), ext("https://x.com/a", "موسكو"))],
        id="box-of-non-article-links",
    ),
    pytest.param(
        [FIRST, p(f"ذات صلة بالأمر، قال الوزير إن {T1} كان متوقعا منذ أسابيع طويلة", art(1, T1)), LAST],
        id="related-label-words-opening-prose",
    ),
    pytest.param([FIRST, p("اقرأ أيضاحات غير مفهومة", art(1, T1)), LAST], id="label-glued-to-something-not-a-title"),
    pytest.param([FIRST, Block("h2", "ذات صلة بالموضوع"), LAST], id="subheading-starting-with-related-words"),
    pytest.param([FIRST, p("اقرأ أيضا عنوان بلا نقطتين ولا رابط"), LAST], id="linkless-label-without-colon"),
]


@pytest.mark.parametrize(("blocks", "body", "related", "forms"), CASES)
def test_split_related(blocks, body, related, forms):
    result = split_related(blocks)
    assert result.body_blocks == body
    assert result.related == related
    assert result.forms == forms


@pytest.mark.parametrize("blocks", KEPT)
def test_body_without_read_also_is_unchanged(blocks):
    result = split_related(blocks)
    assert result.body_blocks == blocks
    assert all(new is old for new, old in zip(result.body_blocks, blocks, strict=True))
    assert result.related == []
    assert result.forms == []


LINE_CASES = [
    pytest.param(
        [line("فقرة أولى من الخبر."), line("اقرأ أيضا:"), line(T1), line(T3), line("وأضاف الوزير أن العمل مستمر.")],
        ["فقرة أولى من الخبر.", "وأضاف الوزير أن العمل مستمر."],
        [{"title": T1}, {"title": T3}],
        ["label_run"],
        id="label-line-then-title-lines-until-body-resumes",
    ),
    pytest.param(
        [line("فقرة أولى من الخبر."), line(f"إقرأ أيضاً: {T1}"), line("وأضاف الوزير أن العمل مستمر.")],
        ["فقرة أولى من الخبر.", "وأضاف الوزير أن العمل مستمر."],
        [{"title": T1}],
        ["inline"],
        id="label-and-title-on-one-line",
    ),
    pytest.param(
        [line("فقرة أولى من الخبر."), line(f"إقـرأ أيضاً{T1}"), line("وأضاف الوزير أن العمل مستمر.")],
        ["فقرة أولى من الخبر.", "وأضاف الوزير أن العمل مستمر."],
        [{"title": T1}],
        ["inline"],
        id="label-glued-to-title-line",
    ),
    pytest.param(
        [line("فقرة أولى من الخبر."), line("موضوعات متعلقة"), line(T1), line("اقرأ أيضا:"), line(T2)],
        ["فقرة أولى من الخبر."],
        [{"title": T1}, {"title": T2}],
        ["label_run", "label_run"],
        id="two-label-lines",
    ),
    pytest.param(
        [line("فقرة أولى من الخبر."), line("اقرأ أيضا:"), line("وأضاف الوزير أن العمل مستمر.")],
        ["فقرة أولى من الخبر.", "وأضاف الوزير أن العمل مستمر."],
        [],
        ["label_only"],
        id="label-line-without-titles",
    ),
    pytest.param(
        [line("فقرة."), line(f"اقرأ أيضا {T1}"), line(f"موضوعات متعلقة: {T2}"), line("فقرة أخيرة.")],
        ["فقرة.", "فقرة أخيرة."],
        [{"title": T1}, {"title": T2}],
        ["inline", "inline"],
        id="label-then-space-or-related-label-then-colon",
    ),
    pytest.param(
        [line("فقرة."), line("ذات صلة بالموضوع"), line(T1), line("فقرة أخيرة.")],
        ["فقرة.", "ذات صلة بالموضوع", T1, "فقرة أخيرة."],
        [],
        [],
        id="related-words-without-colon-are-a-subheading",
    ),
    pytest.param(
        [line("اقرأ أيضا ما كتبه المحلل عن القمة، فقد توقع كل ما حدث بدقة كبيرة."), line("فقرة.")],
        ["اقرأ أيضا ما كتبه المحلل عن القمة، فقد توقع كل ما حدث بدقة كبيرة.", "فقرة."],
        [],
        [],
        id="sentence-starting-with-label-words",
    ),
    pytest.param(
        [line("فقرة."), line("وقال: اقرأ أيضا"), line(T1)],
        ["فقرة.", "وقال: اقرأ أيضا", T1],
        [],
        [],
        id="label-words-mid-line",
    ),
]


@pytest.mark.parametrize(("blocks", "body", "related", "forms"), LINE_CASES)
def test_split_related_text_lines(blocks, body, related, forms):
    result = split_related(blocks)
    assert [block.text for block in result.body_blocks] == body
    assert result.related == related
    assert result.forms == forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(T1, True, id="headline"),
        pytest.param(
            "الكرملين: نأسف لعدم مشاركة يريفان في قمة معاهدة الأمن الجماعي في مينسك", True, id="headline-colon"
        ),
        pytest.param('بيسكوف: "نأمل أن تواصل يريفان العمل"', True, id="headline-ending-in-quote"),
        pytest.param("وأضاف بيسكوف أن الكرملين يأسف.", False, id="full-stop"),
        pytest.param('وأضاف بيسكوف: "نأمل أن تواصل يريفان العمل".', False, id="quote-then-full-stop"),
        pytest.param('وأضاف: "نأمل أن تواصل يريفان العمل."', False, id="full-stop-inside-quote"),
        pytest.param("هل تشارك أرمينيا في القمة؟", False, id="question-mark"),
        pytest.param("وقال الوزير في بيانه:", False, id="lead-in-colon"),
        pytest.param(" ".join(["كلمة"] * 19), False, id="too-many-words"),
        pytest.param("", False, id="empty"),
    ],
)
def test_is_title_line(text, expected):
    assert is_title_line(text) is expected


def test_match_label_names():
    assert match_label("اقرأ أيضا:").name == "read_also"
    assert match_label("الموضوعات المتعلقة").name == "related"
    assert match_label("وقال اقرأ أيضا") is None


def test_is_link_box_needs_a_box_kind_and_article_links():
    assert is_link_box(box(T1, art(1, T1)))
    assert not is_link_box(p(T1, art(1, T1)))
    assert not is_link_box(box(T1, ext("https://example.com/", T1)))


# -- properties -------------------------------------------------------------------------------------------

WORDS = st.sampled_from(["قال", "الوزير", "اقرأ", "أيضا", "ذات", "صلة", "في", "القمة", "مينسك", ":", "."])
SENTENCES = st.lists(WORDS, min_size=1, max_size=12).map(" ".join)
BLOCKS = st.lists(
    st.builds(
        Block,
        kind=st.sampled_from(["p", "h2", "div", "li", "line"]),
        text=SENTENCES,
        links=st.lists(st.builds(art, st.integers(1, 5), SENTENCES), max_size=2).map(tuple),
    ),
    max_size=8,
)


@given(BLOCKS)
def test_split_only_removes_blocks_it_accounts_for(blocks):
    result = split_related(blocks)
    kept_ids = {id(block) for block in result.body_blocks}
    removed = [block for block in blocks if id(block) not in kept_ids]
    assert not removed or result.forms  # every removal is counted under a form
    urls = [entry["url"] for entry in result.related if "url" in entry]
    assert len(urls) == len(set(urls))
    assert all(entry["url"].startswith(SITE) for entry in result.related if "url" in entry)


@given(BLOCKS)
def test_blocks_without_labels_or_article_links_are_unchanged(blocks):
    blocks = [Block(b.kind, b.text.replace("اقرأ", "قال").replace("ذات", "قال"), ()) for b in blocks]
    assert split_related(blocks).body_blocks == blocks
