"""``newscrawl.text.quality.garbled_reason``: mojibake and text that is not mostly Arabic, one row per case."""

from __future__ import annotations

import pytest

from newscrawl.text.quality import MIN_LETTERS, arabic_share, garbled_reason, mojibake_codec

ARABIC = "أعربت الرئاسة الروسية (الكرملين) عن أسفها لعدم مشاركة أرمينيا بتمثيل رفيع المستوى في قمة مينسك."


@pytest.mark.parametrize(("text", "language", "reason"), [
    pytest.param(ARABIC, "ar", None, id="arabic"),
    pytest.param("وتضم المنظمة ٦ دول منذ عام 1992، بينها روسيا (Russia) وبيلاروسيا.", "ar", None,
                 id="arabic-with-digits-and-a-latin-name"),
    pytest.param("iPhone 15 Pro: أبل تكشف", "ar", None, id="short-title-not-judged"),
    pytest.param("", "ar", None, id="empty"),
    pytest.param(ARABIC.encode().decode("cp1256"), "ar", "UTF-8 read as windows-1256 (mojibake)",
                 id="utf8-read-as-cp1256"),
    pytest.param(ARABIC.encode().decode("cp1252", errors="replace"), "ar", "UTF-8 read as windows-1252 (mojibake)",
                 id="utf8-read-as-cp1252"),
    pytest.param(ARABIC.encode().decode("latin-1"), "ar", "UTF-8 read as latin-1 (mojibake)",
                 id="utf8-read-as-latin-1"),
    pytest.param("The Kremlin regrets that Yerevan will not attend the summit in Minsk.", "ar",
                 "not mostly Arabic letters (0 %)", id="english-on-an-ar-article"),
    pytest.param("Le Kremlin regrette l'absence d'Erevan au sommet de Minsk, dit le porte-parole.", "fr", None,
                 id="french-not-judged-by-share"),
    pytest.param("Le Kremlin a été à côté de l'été, déclare le porte-parole".encode().decode("latin-1"), "fr",
                 "UTF-8 read as windows-1252 (mojibake)", id="french-mojibake"),
    pytest.param("Le Kremlin a été à côté de l'été, déclare le porte-parole", "fr", None, id="french"),
])
def test_garbled_reason(text, language, reason):
    assert garbled_reason(text, language) == reason


def test_the_share_is_reported_rounded():
    text = "Minsk summit Kremlin statement today " + "قمة مينسك"  # 32 Latin letters, 8 Arabic
    assert arabic_share(text) == (8 / 40, 40)
    assert garbled_reason(text, "ar") == "not mostly Arabic letters (20 %)"


def test_the_threshold_is_sixty_percent_of_at_least_twenty_letters():
    assert garbled_reason("abcdefghij" + "ابتثجحخدذرزسشصض", "ar") is None  # 15 Arabic of 25 letters: 60 %
    assert garbled_reason("abcdefghijk" + "ابتثجحخدذرزسشص", "ar") == "not mostly Arabic letters (56 %)"  # 14 of 25
    assert len("abcdefghijk" + "ابتثجحخد") < MIN_LETTERS  # 19 letters: not judged
    assert garbled_reason("abcdefghijk" + "ابتثجحخد", "ar") is None


def test_real_arabic_has_no_mojibake_pairs():
    assert mojibake_codec("ططظ ظريف، طائر ظبي غطاء") is None
