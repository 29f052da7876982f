"""Arabic text normalization: body cleaning, metadata normalization, match keys, boilerplate, labels."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newscrawl.text.arabic import (
    INVISIBLE_MARKS,
    LabelSet,
    clean_text,
    fold_persian,
    has_invisible_marks,
    has_persian_letters,
    is_boilerplate,
    match_key,
    normalize_metadata,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("  نص   عادي  ", "نص عادي", id="spaces-collapsed-and-stripped"),
        pytest.param("نص\u00a0مع\u00a0مسافة", "نص مع مسافة", id="nbsp"),
        pytest.param("نص\u2009رفيع\u202fضيق", "نص رفيع ضيق", id="thin-and-narrow-nbsp"),
        pytest.param("سطر\tثم\nسطر", "سطر ثم سطر", id="tabs-newlines"),
        pytest.param("\u200fالرئيس\u200e قال", "الرئيس قال", id="rlm-lrm"),
        pytest.param("\u202bنص\u202c", "نص", id="rle-pdf"),
        pytest.param("\u2067نص\u2069", "نص", id="rli-pdi"),
        pytest.param("\u061cنص", "نص", id="arabic-letter-mark"),
        pytest.param("كل\u200cمة\u200b\u200d", "كلمة", id="zero-width"),
        pytest.param("\ufeffنص\u2060", "نص", id="bom-word-joiner"),
        pytest.param("soft\u00adhyphen", "softhyphen", id="soft-hyphen"),
        pytest.param("نص\x07مع\x00تحكم", "نصمعتحكم", id="control-chars"),
        pytest.param("وتضم المنظمة ٦ دول", "وتضم المنظمة ٦ دول", id="arabic-indic-digits-kept"),
        pytest.param("يٌشار إلى أنّ", "يٌشار إلى أنّ", id="diacritics-kept"),
        pytest.param("الجماعی فی", "الجماعی فی", id="persian-letters-kept-in-body"),
        pytest.param("جـــدا", "جـــدا", id="tatweel-kept-in-body"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
    ],
)
def test_clean_text(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_removes_every_invisible_mark():
    assert clean_text("أ" + "".join(sorted(INVISIBLE_MARKS)) + "ب") == "أب"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("منظمة معاهدة الأمن الجماعی فی قمة", "منظمة معاهدة الأمن الجماعي في قمة", id="persian-yeh"),
        pytest.param("کرة القدم", "كرة القدم", id="persian-kaf"),
        pytest.param("الريـــاضة", "الرياضة", id="tatweel"),
        pytest.param("\u00a0 أخبار\u200f  مصر ", "أخبار مصر", id="spaces-and-marks"),
        pytest.param("أخبار مصر", "أخبار مصر", id="hamza-kept"),
        pytest.param("٢٠٢٣", "٢٠٢٣", id="digits-kept"),
    ],
)
def test_normalize_metadata(raw, expected):
    assert normalize_metadata(raw) == expected


@pytest.mark.parametrize(
    "spelling",
    [
        pytest.param("اقرأ أيضا", id="plain"),
        pytest.param("اقرأ أيضاً", id="tanween-after-alef"),
        pytest.param("اقرأ أيضًا", id="tanween-before-alef"),
        pytest.param("اقرأ ايضا", id="no-hamza"),
        pytest.param("إقرأ أيضاً", id="hamza-below"),
        pytest.param("إقرأ أيضا", id="hamza-below-plain"),
        pytest.param("اقرأ أيضـــا:", id="tatweel-colon"),
        pytest.param("  اقرا  ايضا :", id="spaces-colon"),
    ],
)
def test_match_key_unifies_read_also_spellings(spelling):
    assert match_key(spelling) == "اقرا ايضا"


def test_match_key_unifies_alef_maqsura_taa_marbuta_and_persian():
    assert match_key("مستشفى") == match_key("مستشفي")
    assert match_key("الموضوعات المتعلقة") == match_key("الموضوعات المتعلقه")
    assert match_key("الجماعی") == match_key("الجماعي")


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("تابع أحدث الأخبار عبر تطبيق", id="widget"),
        pytest.param("تابع أحدث الأخبار عبر تطبيق google news", id="widget-google-news"),
        pytest.param("تابع احدث الاخبار عبر تطبيق Google News", id="widget-no-hamza"),
        pytest.param("تابع أحدث الأخبار عبر تطبيق جوجل نيوز", id="widget-arabic-name"),
        pytest.param("\u200fتابع أحدث الأخبار عبر تطبيق\u00a0", id="widget-marks"),
        pytest.param("Advertisements", id="ad-en"),
        pytest.param("advertisement", id="ad-en-lower"),
        pytest.param("إعلان", id="ad-ar"),
        pytest.param("اعلان", id="ad-ar-no-hamza"),
    ],
)
def test_boilerplate(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        pytest.param("تابع أحدث الأخبار عبر تطبيق البوابة نيوز على هاتفك المحمول لمعرفة المزيد.", id="longer-sentence"),
        pytest.param("وقال إن الإعلان عن النتائج سيتم غدا.", id="mentions-ad-word"),
        pytest.param("إعلان نتائج الثانوية العامة", id="starts-with-ad-word"),
        pytest.param("تابع الوزير الاجتماع عبر تطبيق زووم", id="follows-a-meeting-by-app"),
        pytest.param("لمتابعة أحدث الأخبار تابع البوابة نيوز على جوجل نيوز وفيسبوك وتويتر يوميا",
                     id="follow-us-and-more"),
        pytest.param("وتابع أحدث الأخبار عبر تطبيق جوجل نيوز", id="mid-sentence"),
        pytest.param("تابع ملايين المصريين أخبار المباراة عبر تطبيق جوجل.", id="followers-of-a-match"),
        pytest.param("تابع المستخدمون الأخبار عبر جوجل نيوز.", id="users-followed"),
        pytest.param("تابع آلاف المشجعين أخبار النادي الأهلي على جوجل نيوز", id="fans-followed"),
        pytest.param("أعربت الرئاسة الروسية عن أسفها.", id="body"),
        pytest.param("", id="empty"),
    ],
)
def test_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_has_invisible_marks_and_persian_letters():
    assert has_invisible_marks("نص\u200f")
    assert not has_invisible_marks("نص\u00a0")
    assert has_persian_letters("فی")
    assert not has_persian_letters("في")
    assert fold_persian("الجماعی فی کل") == "الجماعي في كل"


LABELS = LabelSet({"اقرأ أيضا": "read_also", "ذات صلة": "related", "مواضيع ذات صلة": "related"})


@pytest.mark.parametrize(
    ("text", "name", "rest", "separated", "colon"),
    [
        pytest.param("اقرأ أيضًا: عنوان خبر", "read_also", "عنوان خبر", True, True, id="colon-title"),
        pytest.param("إقرأ أيضاً:", "read_also", "", True, True, id="alone-colon"),
        pytest.param("اقرأ ايضا", "read_also", "", True, False, id="alone"),
        pytest.param("اقرأ أيضاًالجارديان: تقرير", "read_also", "الجارديان: تقرير", False, False, id="glued"),
        pytest.param("• اقرأ أيضـــا - عنوان", "read_also", "عنوان", True, False, id="bullet-tatweel-dash"),
        pytest.param("مواضيع ذات صلة:", "related", "", True, True, id="longest-label-wins"),
    ],
)
def test_label_set_match(text, name, rest, separated, colon):
    label = LABELS.match(text)
    assert (label.name, label.rest, label.separated, label.colon) == (name, rest, separated, colon)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("وقال الكاتب اقرأ أيضا ما كتبته", id="mid-sentence"),
        pytest.param("اقرأ التفاصيل", id="other-verb-use"),
        pytest.param("", id="empty"),
    ],
)
def test_label_set_no_match(text):
    assert LABELS.match(text) is None


# -- properties -------------------------------------------------------------------------------------------

ARABIC_TEXT = st.text(
    alphabet=st.sampled_from("ابتثجحخدذرزسشصضطظعغفقكلمنهوي أإآىةءئؤ ًٌٍَُِّْـیک٠١٢0123.,:،؛\u00a0\u200f\u200b\t\n"),
    max_size=200,
)


@given(ARABIC_TEXT)
def test_clean_text_is_idempotent_and_leaves_no_marks(text):
    cleaned = clean_text(text)
    assert clean_text(cleaned) == cleaned
    assert not has_invisible_marks(cleaned)
    assert "  " not in cleaned and "\u00a0" not in cleaned and "\n" not in cleaned


@given(ARABIC_TEXT)
def test_normalize_metadata_leaves_no_persian_letters_or_tatweel(text):
    normalized = normalize_metadata(text)
    assert not has_persian_letters(normalized)
    assert "ـ" not in normalized
    assert normalize_metadata(normalized) == normalized


@given(ARABIC_TEXT)
def test_match_key_is_idempotent(text):
    assert match_key(match_key(text)) == match_key(text)


def test_a_long_line_of_marks_is_judged_on_its_letters():
    """The widget line written with a diacritic on every letter and tatweel runs: longer than the probe of a
    paragraph's beginning, still boilerplate; an ordinary long paragraph starting the same way is not."""
    line = "تابع أحدث الأخبار عبر تطبيق جوجل نيوز"
    marked = "".join(ch + ("\u064e\u0651\u0640\u0640\u0640" if ch != " " else "") for ch in line)
    assert len(marked) > 160
    assert is_boilerplate(marked)
    assert not is_boilerplate(line + " " + "وقال المتحدث الرسمي إن الحكومة ستبدأ تنفيذ الخطة خلال الأسابيع المقبلة" * 3)


@pytest.mark.parametrize("line", [
    "تابعوا آخر الأخبار من خلال تطبيقات جوجل نيوز", "تابعوا آخر أخبار البوابة نيوز عبر Google News",
    "لمتابعة أحدث الأخبار، تابع البوابة نيوز على جوجل نيوز", "Advertisement", "ADS", "Sponsored", "إعلان ممول",
    "مساحة إعلانية", "اعلانات",
])
def test_every_boilerplate_line_begins_as_the_check_expects(line):
    """BOILERPLATE_STARTS must hold the beginning of every key a pattern matches: each pattern's forms, as keys."""
    from newscrawl.text.arabic import BOILERPLATE_PATTERNS, BOILERPLATE_STARTS, match_key

    key = match_key(line)
    assert any(pattern.match(key) for pattern in BOILERPLATE_PATTERNS.values())
    assert key.startswith(BOILERPLATE_STARTS)
    assert is_boilerplate("   " + line + " ")
