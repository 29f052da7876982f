"""Aggregator text copies: the seed split into its two articles, and hand-written copies against overfitting."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newscrawl.text.aggregator import UnreadableCopy, split_copy, split_keywords

FIXTURES = Path(__file__).parent / "fixtures" / "aggregator"
PERSIAN_LETTERS = "یکېۍھہەۀۃ"
WIDGET = "تابع أحدث الأخبار عبر تطبيق"


def load(name: str) -> list[dict]:
    return split_copy((FIXTURES / name).read_text(encoding="utf-8"))


def paragraphs(record: dict) -> list[str]:
    return record["body"].split("\n\n")


# -- the seed -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed() -> list[dict]:
    return load("kremlin-2023-11-22.txt")


@pytest.fixture(scope="module")
def article(seed) -> dict:
    return seed[0]


@pytest.fixture(scope="module")
def carried(seed) -> dict:
    return seed[1]


def test_seed_splits_into_two_articles(seed):
    assert len(seed) == 2


def test_seed_title(article):
    assert article["title"] == "الكرملين: نأسف لعدم مشاركة يريفان في قمة معاهدة الأمن الجماعي في مينسك"


def test_seed_published_raw(article):
    assert article["published_raw"] == "22nd, November 2023 GMT"


def test_seed_published_at(article):
    # The page gives a date only ("22nd, November 2023 GMT", no clock): that calendar date, midnight in Cairo;
    # the zone is not applied to a date without a time (newscrawl.dates).
    assert article["published_at"] == "2023-11-22T00:00:00+02:00"


def test_seed_source(article):
    assert article["source"] == "البوابة نيوز"


def test_seed_keywords_without_persian_letters(article):
    assert article["keywords"] == ["الكرملين معاهدة الأمن الجماعي منظمة معاهدة الأمن الجماعي في قمة"]


def test_seed_body_first_sentence(article):
    assert article["body"].startswith(
        "أعربت الرئاسة الروسية (الكرملين) عن أسفها لعدم مشاركة أرمينيا بتمثيل رفيع المستوى في قمة معاهدة الأمن "
        "الجماعي غدا الخميس في العاصمة البيلاروسية مينسك.\n\n"
    )


def test_seed_body_last_sentence(article):
    assert article["body"].endswith(
        " وتضم منظمة معاهدة الأمن الجماعي، التي يعود تاريخ تأسيسها لعام 1992، كلا من روسيا وبيلاروسيا وأرمينيا "
        "وكازاخستان وقرغيزستان وطاجيكستان."
    )


def test_seed_body_paragraphs(article):
    assert len(paragraphs(article)) == 6
    assert paragraphs(article)[-1].startswith("يٌشار إلى أن رئيس وزراء أرمينيا")  # letters as written


@pytest.mark.parametrize(
    "absent",
    ["المصدر", "كلمات دلالية", "إقرأ", WIDGET, "مينسك تطلب من موسكو", "لوكاشينكو", "22nd"],
)
def test_seed_body_must_not_contain(article, absent):
    assert absent not in article["body"]


def test_seed_related(article):
    assert article["related"] == [{"title": "مينسك تطلب من موسكو بناء محطة طاقة كهروذرية ثانية"}]


def test_seed_carried_article_fields(carried):
    assert set(carried) == {"title", "body"}


def test_seed_carried_title(carried):
    assert carried["title"] == "مينسك تطلب من موسكو بناء محطة طاقة كهروذرية ثانية"


def test_seed_carried_first_sentence(carried):
    assert carried["body"].startswith(
        "قال الرئيس البيلاروسي ألكسندر لوكاشينكو، إن بلاده طلبت من روسيا بناء محطة طاقة كهروذرية ثانية، حيث تمت "
        "مناقشة هذه المسألة خلال اجتماع مع الرئيس الروسي فلاديمير بوتين.\n\n"
    )


def test_seed_carried_last_sentence(carried):
    assert carried["body"].endswith(
        '\n\nكذلك يتعاون البلدان بشكل وثيق في مجال الطاقة، وفي وقت سابق أعربت شركة "روساتوم" عن استعدادها للمساعدة '
        "في بناء محطة طاقة كهروذرية ثانية في بيلاروس، إذا كان هناك طلب من جانب مينسك."
    )


def test_seed_carried_paragraphs(carried):
    assert len(paragraphs(carried)) == 9


def test_seed_carried_body_has_no_widget(carried):
    assert WIDGET not in carried["body"]


def test_seed_body_paragraphs_are_the_file_lines(article, carried):
    lines = (FIXTURES / "kremlin-2023-11-22.txt").read_text(encoding="utf-8").splitlines()
    assert paragraphs(article) == lines[2:8]
    assert paragraphs(carried) == lines[13:]


# -- hand-written copies --------------------------------------------------------------------------------


def test_inline_read_also_titles_leave_the_body():
    first, carried = load("irrigation-inline-2025-05-10.txt")
    assert first["title"] == "وزير الري يتابع استعدادات موسم الفيضان في محافظات الصعيد"
    assert first["published_raw"] == "2025-05-10@11:38:37 GMT"
    assert first["published_at"] == "2025-05-10T14:38:37+03:00"  # Cairo daylight-saving time in May
    assert first["source"] == "البوابة نيوز"
    assert first["keywords"] == ["وزير الري", "موسم الفيضان", "محافظات الصعيد"]
    assert paragraphs(first) == [
        "تابع وزير الري خلال جولة ميدانية اليوم السبت استعدادات المحافظات لموسم الفيضان المقبل، واطلع على أعمال "
        "تطهير الترع والمصارف في عدد من القرى.",
        "وأكد الوزير أن الوزارة رفعت درجة الاستعداد في جميع الإدارات الهندسية، وأن غرف الطوارئ تعمل على مدار الساعة.",
        "وأشار إلى أن خطة العام الحالي تتضمن تأهيل ٣٥ محطة رفع وصيانة البوابات على طول المجرى، بتكلفة تقديرية تبلغ "
        "نحو 400 مليون جنيه",
        "وشدد على ضرورة التنسيق مع المحافظين لإزالة أي تعديات على المجاري المائية قبل بدء الموسم.",
    ]
    assert first["related"] == [
        {"title": "الري: انتهاء أعمال تطهير 1200 كيلومتر من الترع"},
        {"title": "محافظ أسيوط يتفقد محطات الرفع بمركز ديروط"},
        {"title": "الأرصاد: ارتفاع درجات الحرارة على جنوب البلاد غدا"},
    ]
    assert carried == {
        "title": "الأرصاد: ارتفاع درجات الحرارة على جنوب البلاد غدا",
        "body": "توقعت الهيئة العامة للأرصاد الجوية ارتفاعا ملحوظا في درجات الحرارة على محافظات جنوب البلاد غدا "
        "الأحد.\n\nوقالت الهيئة في بيانها إن العظمى في أسوان قد تصل إلى 41 درجة مئوية، داعية المواطنين إلى تجنب "
        "التعرض المباشر لأشعة الشمس.",
    }


def test_copy_without_read_also_or_keywords():
    (only,) = load("metro-no-readalso.txt")
    assert only["title"] == "افتتاح ثلاث محطات جديدة بالخط الثالث لمترو الأنفاق الشهر المقبل"
    assert only["published_raw"] == "23rd, November 2023 GMT"
    assert only["source"] == "البوابة نيوز"
    assert only["keywords"] == []
    assert only["related"] == []
    body = paragraphs(only)
    assert len(body) == 5
    assert body[0] == (
        "أعلنت الهيئة القومية للأنفاق افتتاح ثلاث محطات جديدة بالخط الثالث لمترو الأنفاق مطلع الشهر المقبل، بعد "
        "انتهاء التجارب التشغيلية."
    )
    assert "اقرأ أيضا ما نشرناه عن مواعيد التشغيل" in body[2]
    assert body[3].startswith("ذات صلة بالمشروع، أعلنت الهيئة")
    assert body[4] == "وأوضح أن قيمة التذكرة لن تتغير في المرحلة الحالية"
    assert "\u200f" not in only["body"] and "\u00a0" not in only["body"] and "\r" not in only["body"]


def test_label_variants_and_two_carried_articles():
    first, hospital, rent = load("parliament-variants.txt")
    assert paragraphs(first) == [
        "وافق مجلس النواب في جلسته العامة اليوم الأحد نهائيا على مشروع قانون التأمين الصحي الشامل، بعد مناقشات "
        "استمرت ثلاثة أيام.",
        "وينص مشروع القانون على مد مظلة التأمين إلى جميع المحافظات على مراحل تنتهي عام 2030.",
    ]
    assert first["keywords"] == ["البرلمان", "التأمين الصحي", "مجلس النواب"]
    assert first["related"] == [
        {"title": "البرلمان يناقش تعديلات قانون الإيجار القديم"},
        {"title": "وزير المالية: زيادة مخصصات الصحة في الموازنة الجديدة"},
        {"title": "رئيس الوزراء يتفقد مستشفى جديدا في بورسعيد"},
    ]
    assert hospital["title"] == "رئيس الوزراء يتفقد مستشفى جديدا في بورسعيد"
    assert paragraphs(hospital)[-1] == "وأكد أن المستشفى سيدخل منظومة التأمين الصحي الشامل فور تشغيله."
    assert rent == {
        "title": "البرلمان يناقش تعديلات قانون الإيجار القديم",
        "body": "بدأ مجلس النواب مناقشة تعديلات قانون الإيجار القديم، وسط خلافات بين الملاك والمستأجرين حول مدة "
        "الفترة الانتقالية.",
    }


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_no_persian_letters_in_output(name):
    output = json.dumps(load(name), ensure_ascii=False)
    assert not any(letter in output for letter in PERSIAN_LETTERS)


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_no_boilerplate_or_metadata_in_bodies(name):
    for record in load(name):
        for absent in ("تابع أحدث الأخبار", "المصدر:", "كلمات دلالية", "تاريخ النشر"):
            assert absent not in record["body"]


# -- small copies ---------------------------------------------------------------------------------------

BODY = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير الطرق في المحافظات."
BODY2 = "وأضاف المتحدث أن التنفيذ يبدأ الشهر المقبل."


@pytest.mark.parametrize(
    ("text", "body", "related"),
    [
        pytest.param(f"عنوان\n{BODY}\n{BODY2}", [BODY, BODY2], [], id="title-and-body-only"),
        pytest.param(f"عنوان\r\n\r\n{BODY}\r\n\r\n{BODY2}\r\n", [BODY, BODY2], [], id="crlf-blank-lines"),
        pytest.param(f"\ufeffعنوان\n{BODY}\n{WIDGET}\n{BODY2}", [BODY, BODY2], [], id="bom-and-widget-mid-body"),
        pytest.param(f"عنوان\n{BODY}\nAdvertisements\n{BODY2}", [BODY, BODY2], [], id="ad-label"),
        pytest.param(
            f"عنوان\n{BODY}\nاقرأ ايضا: خبر مرتبط\n{BODY2}",
            [BODY, BODY2],
            [{"title": "خبر مرتبط"}],
            id="inline-one-line",
        ),
        pytest.param(
            f"عنوان\n{BODY}\nإقرأ أيضاً:\nخبر أول\nخبر ثان\n", [BODY], [{"title": "خبر أول"}, {"title": "خبر ثان"}],
            id="trailing-titles-without-text",
        ),
    ],
)
def test_small_copies(text, body, related):
    records = split_copy(text)
    assert paragraphs(records[0]) == body
    assert records[0]["related"] == related
    assert records[0]["title"] == "عنوان"


def test_trailing_block_without_widget_carries_its_article():
    records = split_copy(f"عنوان\n{BODY}\nالمصدر: البوابة نيوز\nإقرأ أيضاً:\nخبر مرتبط\n{BODY2}")
    assert records[0]["related"] == [{"title": "خبر مرتبط"}]
    assert records[1] == {"title": "خبر مرتبط", "body": BODY2}


def test_widget_glued_to_carried_title():
    records = split_copy(f"عنوان\n{BODY}\nإقرأ أيضاً:\nخبر مرتبط{WIDGET}\n{BODY2}")
    assert records[1] == {"title": "خبر مرتبط", "body": BODY2}
    assert records[0]["related"] == [{"title": "خبر مرتبط"}]


@pytest.mark.parametrize("text", ["", "   \n\n", f"{WIDGET}\nAdvertisements\n"])
def test_no_title_is_unreadable(text):
    with pytest.raises(UnreadableCopy):
        split_copy(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("الكرملين، موسكو، قمة", ["الكرملين", "موسكو", "قمة"], id="arabic-comma"),
        pytest.param("الكرملين, موسكو ,قمة", ["الكرملين", "موسكو", "قمة"], id="latin-comma"),
        pytest.param("الكرملين | موسكو", ["الكرملين", "موسكو"], id="pipe"),
        pytest.param("#الكرملين #موسكو", ["الكرملين", "موسكو"], id="hashtags"),
        pytest.param("الجماعی فی قمة", ["الجماعي في قمة"], id="no-delimiter-one-phrase"),
        pytest.param("الريـــاضة، الرياضة", ["الرياضة"], id="tatweel-and-duplicate"),
        pytest.param("", [], id="empty"),
    ],
)
def test_split_keywords(value, expected):
    assert split_keywords(value) == expected


def test_footer_after_the_carried_article_belongs_to_the_article():
    text = (
        f"عنوان\n{BODY}\nإقرأ أيضاً: خبر مرتبط\n{WIDGET}\n{BODY2}\n"
        "المصدر: البوابة نيوز\nكلمات دلالية: طرق، محافظات"
    )
    first, carried = split_copy(text)
    assert (first["source"], first["keywords"], first["body"]) == ("البوابة نيوز", ["طرق", "محافظات"], BODY)
    assert carried == {"title": "خبر مرتبط", "body": BODY2}


def test_metadata_lines_with_empty_values_leave_the_body():
    first, carried = split_copy(f"عنوان\n{BODY}\nالمصدر:\nكلمات دلالية:\nإقرأ أيضاً:\nخبر مرتبط\n{BODY2}")
    assert (first["source"], first["keywords"], first["body"]) == (None, [], BODY)
    assert carried == {"title": "خبر مرتبط", "body": BODY2}


def test_metadata_needs_its_colon():
    (only,) = split_copy(f"عنوان\nالمصدر يقول إن الخبر صحيح.\n{BODY}")
    assert only["source"] is None
    assert paragraphs(only) == ["المصدر يقول إن الخبر صحيح.", BODY]


def test_widget_glued_to_the_start_of_a_body_line():
    first, carried = split_copy(f"عنوان\n{BODY}\nإقرأ أيضاً:\nخبر مرتبط\n{WIDGET}{BODY2}")
    assert carried == {"title": "خبر مرتبط", "body": BODY2}


def test_widget_words_inside_a_sentence_stay():
    sentence = f"وقال المحرر إن عبارة {WIDGET} تظهر أسفل كل خبر."
    (only,) = split_copy(f"عنوان\n{sentence}")
    assert only["body"] == sentence


# -- header line and the aggregator's stamp (SITE.md, "Seen since"; issue 13) -----------------------------


def test_header_line_and_stamp_copy():
    first, carried = load("header-stamp-2024-12-10.txt")
    assert first["title"] == "محافظ الجيزة يتفقد أعمال تطوير ميدان الرماية استعدادا لافتتاح المتحف الكبير"
    assert first["published_raw"] == "10th, December 2024 GMT"  # the تاريخ النشر: date, not the stamp
    assert first["published_at"] == "2024-12-10T00:00:00+02:00"  # a date only: that day, midnight in Cairo
    assert first["aggregator_stamp"] == "2025-05-10@11:38:37 GMT"
    assert first["source"] == "البوابة نيوز"
    assert first["keywords"] == ["محافظ الجيزة", "ميدان الرماية", "المتحف المصري الكبير"]
    assert len(paragraphs(first)) == 3
    assert paragraphs(first)[0].startswith("تفقد محافظ الجيزة صباح اليوم الثلاثاء")
    assert paragraphs(first)[-1].endswith("في محيط الميدان خلال فترة الأعمال.")
    for absent in ("البوابة نيوز:", "2025-05-10", "@", "رفع 1500 طن"):
        assert absent not in first["body"]
    assert first["related"] == [{"title": "الجيزة: رفع 1500 طن مخلفات من شوارع الهرم وفيصل"}]
    assert carried["title"] == "الجيزة: رفع 1500 طن مخلفات من شوارع الهرم وفيصل"
    assert len(paragraphs(carried)) == 2


DATE = "تاريخ النشر: 22nd, November 2023 GMT"
STAMP = "2024-04-20@09:15:02 GMT"


@pytest.mark.parametrize(
    ("text", "published_raw", "stamp"),
    [
        pytest.param(f"عنوان\n{DATE}\n{STAMP}\n{BODY}", "22nd, November 2023 GMT", STAMP, id="stamp-after-date"),
        pytest.param(f"عنوان\n{STAMP}\n{DATE}\n{BODY}", "22nd, November 2023 GMT", STAMP, id="stamp-before-date"),
        pytest.param(f"عنوان\n{DATE}\n{BODY}\nالمصدر: البوابة نيوز\n{STAMP}", "22nd, November 2023 GMT", STAMP,
                     id="stamp-in-footer"),
        pytest.param(f"عنوان\nتاريخ النشر: {STAMP}\n{DATE}\n{BODY}", "22nd, November 2023 GMT", STAMP,
                     id="labelled-stamp-and-date"),
        pytest.param(f"عنوان\n{STAMP}\n{BODY}", None, STAMP, id="bare-stamp-is-no-publication-date"),
        pytest.param(f"عنوان\nتاريخ النشر: {STAMP}\n{BODY}", STAMP, None, id="labelled-stamp-alone"),
    ],
)
def test_the_stamp_is_never_the_publication_date_beside_a_date(text, published_raw, stamp):
    (only,) = split_copy(text)
    assert (only["published_raw"], only["aggregator_stamp"]) == (published_raw, stamp)
    assert paragraphs(only) == [BODY]


@pytest.mark.parametrize(
    ("text", "title", "source"),
    [
        pytest.param(f"البوابة نيوز:\nعنوان\n{BODY}", "عنوان", "البوابة نيوز", id="header-gives-source"),
        pytest.param(f"البوابة نيوز :\nعنوان\n{BODY}\nالمصدر: موقع آخر", "عنوان", "موقع آخر", id="source-line-wins"),
        pytest.param(f"الكرملين: نأسف لعدم المشاركة\n{BODY}", "الكرملين: نأسف لعدم المشاركة", None,
                     id="title-with-colon-is-the-title"),
        pytest.param(f"هذا سطر طويل من ست كلمات هنا:\n{BODY}", "هذا سطر طويل من ست كلمات هنا:", None,
                     id="long-line-ending-in-colon-is-no-header"),
    ],
)
def test_header_line_before_the_title(text, title, source):
    (only,) = split_copy(text)
    assert (only["title"], only["source"]) == (title, source)
    assert "البوابة نيوز:" not in only["body"]


def test_header_line_alone_is_unreadable():
    with pytest.raises(UnreadableCopy):
        split_copy("البوابة نيوز:\n")
