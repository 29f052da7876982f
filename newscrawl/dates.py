"""Normalize the date strings newscrawl meets into aware datetimes (pure: no Scrapy import).

``parse_date(text, now=..., tz="Africa/Cairo")`` returns an aware datetime in ``tz`` or ``None``;
``parse_date_detail`` returns a :class:`ParsedDate` that also says how precise the value is, which rule
read it and what looked wrong. Neither ever raises.

Why a hand-written tokenizer instead of dateparser or dateutil
---------------------------------------------------------------
* dateparser (``languages=["ar", "en"]``) misses the Levantine and Maghrebi month names
  (``تشرين الثاني``, ``شتنبر``, ``جويلية``), dates behind a label (``نشر في: …``), Hijri dates and the
  singular relative forms (``منذ ساعة``, ``منذ يوم``); it reads ``03/11/2023`` month-first unless told
  otherwise, and it parses under 1,000 strings/s, too slow for a crawl that normalizes every candidate
  date of every page (``benchmarks/bench_dates.py`` measures both side by side).
* dateutil rejects Arabic month names outright.

How it works
------------
1. **Normalize**: ``str.translate`` maps Arabic-Indic and Persian digits to ASCII, deletes tatweel,
   diacritics and invisible marks (ZWJ, RLM, …), unifies hamza forms (أ إ آ ٱ → ا, ئ → ي, ؤ → و, ء
   dropped), ى → ي and ة → ه, Arabic presentation forms to plain letters, dashes and the Arabic comma to
   ``-`` and ``,``; then lower case (see :func:`normalize`). Only the first ``MAX_CHARS`` characters
   from the first non-blank one are looked at.
2. **Tokenize** with one non-backtracking regex (``\\s*(?:\\d+|[^\\W\\d_]+|\\S)``: blanks, then a run of
   digits, a run of letters or one other character), so time is linear in the input's length. As the
   mapping never moves a token boundary, it is applied per distinct token and memoized (diacritics and
   invisible marks, which would split words, are deleted from the whole text first).
3. **Interpret**: each token is looked up in one dictionary built from the named tables below
   (``MONTHS``, ``HIJRI_MONTHS``, ``WEEKDAYS``, ``AM_WORDS`` …). A single left-to-right scan recognizes
   numeric dates, day-month(-year) and month-day(-year) dates, clock times with their AM/PM word and zone,
   relative phrases and standalone zones; unknown words (labels, site names) are skipped. The first
   Gregorian date with a year wins; otherwise the first Hijri date; otherwise a day-month without a year;
   otherwise a relative phrase; otherwise a bare clock time. The time used is the first one after the
   chosen date (before the next date), or else the last one before it.

Choices worth knowing
---------------------
* Never a wrong date: ``None`` is better. Text holding only impossible dates (``31/نوفمبر/2023 - 10:00 ص``,
  ``30 فبراير``, two different month names side by side) gives ``None``, never today at that time;
  ``اليوم`` inside a phrase (``اليوم التالي``, ``في مثل هذا اليوم``, ``اليوم السابع``) gives ``None``; a day
  and month, or a bare clock, beside a year they are not attached to gives ``None``.
* Day first: ``03/11/2023`` is 3 November. When the month slot is over 12 and the day slot is not
  (``11/22/2023``), the two are swapped (never year-first: ``2023-13-01`` is no date); when both are
  impossible (``32/13/2023``) there is no date.
* Two-digit years mean 20YY: in numeric forms (``22/11/23``, ``22-Nov-23``), and after a month name
  (``22 نوفمبر 23``, ``22 نوفمبر، 23``) when only punctuation, a time or a zone follows; before a word
  (``22 نوفمبر 23 قتيلا``) the number's meaning is unknown and the text gives ``None``.
  Years outside 1900..2100 give ``None``. Numeric dates with a year in 1343..1500 (the Umm al-Qura range),
  or followed by ``هـ``, are Hijri.
* A month with a year but no day (``نوفمبر 2023``) and a bare month name give ``None``.
* A day and month without a year (``22 نوفمبر``, ``Nov 22``, ``22/11`` with a slash only) mean the
  most recent such date not after ``now``.
* Times without a zone are local to ``tz``; date-only values are midnight local. An explicit zone (offset,
  ``Z``, ``GMT``/``UTC``, a place: ``بتوقيت مكة المكرمة``, ``(توقيت أبوظبي)``, see ``ZONE_PLACES``) is honoured
  and the result converted to ``tz``; a place not known leaves ``tz`` in force. A date-only value with a zone
  (``22nd, November 2023 GMT``, ``22 نوفمبر 2023 بتوقيت مكة المكرمة``) is that calendar date, midnight local
  to ``tz`` with precision DATE: the zone is not applied (it would move the date across midnight).
  ``ت.غ`` (توقيت غرينتش) is GMT.
* ``منتصف الليل`` after a clock: ``12:30 منتصف الليل`` is 00:30, ``12:05 بعد منتصف الليل`` 00:05; never noon.
* A weekday with a clock and no date (``الأربعاء 11:30 ص``) gives ``None``: which week is not said (only
  ``الخميس الماضي`` is a relative form).
* Zones come from ``zoneinfo`` (the system's tz database, else the pinned ``tzdata`` package); Egypt's
  summer time since 2023 needs tzdata 2023c or later.
* DST: a wall time in a fold (Egypt's autumn change repeats 23:00-23:59) takes its first, summer-time
  reading (PEP 495 ``fold=0``); a wall time in a gap (spring: 00:00-00:59 does not exist) is moved forward
  by the gap's length (00:30 → 01:30+03:00), so a date-only value on that day is 01:00+03:00.
* Relative phrases count back from ``now``: ``منذ 5 دقائق`` is ``now`` − 5 minutes, ``منذ شهر`` one
  calendar month. A plural without a number (``منذ ساعات``) means 3 units, the smallest count Arabic uses
  the plural for. Every part of a list counts (``منذ يومين، 3 ساعات``, ``منذ يوم وساعتين``).
  ``أمس``, ``اليوم``, ``أول أمس``/``قبل أمس`` are dates: midnight local, or the clock time given with
  them (``أمس 10:30 م``). A bare clock time (``12:15 ص``) is the most recent such time not after ``now``.
* Hijri dates are converted with Umm al-Qura tables (hijridate). When a Gregorian date is also present
  (usually after ``الموافق``) the Gregorian one wins, and a disagreement of more than a day is reported
  in ``ParsedDate.warnings`` and logged; so is a weekday naming another day than its date's.
* Twin month names (``22 نوفمبر/ تشرين الثاني 2023``, BBC Arabic and moment.js) are read once. Hours in
  words after ``الساعة`` count only with an AM/PM word (``الساعة الثامنة مساء``); ``ظهرا`` makes 1-6 PM.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from enum import IntEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

from hijridate import Hijri

logger = logging.getLogger(__name__)

__all__ = [
    "ParsedDate",
    "Precision",
    "parse_date",
    "parse_date_detail",
    "normalize",
]

#: Characters of the input looked at, from its first non-blank one; the rest of a huge input is ignored.
#: (About 2,000 characters of collapsed text, with room for runs of blanks and marks.)
MAX_CHARS = 4000

MIN_YEAR = 1900
MAX_YEAR = 2100

# ---------------------------------------------------------------------------------------------------
# Tables (named data; each is checked for completeness in tests/test_dates.py)
# ---------------------------------------------------------------------------------------------------

ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
#: ``str.translate`` table: Arabic-Indic and Persian (Extended Arabic-Indic) digits to ASCII.
DIGITS: dict[int, int] = str.maketrans(ARABIC_INDIC_DIGITS + PERSIAN_DIGITS, "0123456789" * 2)

#: Characters deleted before matching: tatweel, Arabic diacritics and Quranic marks, invisible format
#: characters (zero-width, bidi marks and isolates, BOM, soft hyphen).
IGNORED_CHARS = (
    "\u0640"  # tatweel
    + "".join(map(chr, range(0x0610, 0x061B)))  # honorific signs
    + "".join(map(chr, range(0x064B, 0x0660)))  # harakat, tanween, shadda, sukun, …
    + "\u0670"  # superscript alef
    + "".join(map(chr, range(0x06D6, 0x06DD)))  # Quranic annotation marks
    + "".join(map(chr, range(0x06DF, 0x06E5)))
    + "\u06e7\u06e8"
    + "".join(map(chr, range(0x06EA, 0x06EE)))
    + "\u061c\u00ad\u180e\ufeff"  # Arabic letter mark, soft hyphen, Mongolian vowel separator, BOM
    + "".join(map(chr, range(0x200B, 0x2010)))  # zero-width space/joiners, LRM, RLM
    + "".join(map(chr, range(0x202A, 0x202F)))  # bidi embeddings and overrides
    + "".join(map(chr, range(0x2060, 0x2065)))  # word joiner, invisible operators
    + "".join(map(chr, range(0x2066, 0x206A)))  # bidi isolates
)

#: Letter forms unified for matching (hamza carriers, alef maqsura, ta marbuta, Persian letters).
LETTER_VARIANTS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ى": "ي", "ئ": "ي", "ی": "ي", "ې": "ي", "ۍ": "ي",
    "ؤ": "و", "ء": "",
    "ة": "ه", "ۀ": "ه", "ە": "ه", "ھ": "ه",
    "ک": "ك", "گ": "ك", "ڭ": "ك",
    "ڤ": "ف", "ڥ": "ف", "ڨ": "ق",
}  # fmt: skip

#: Punctuation unified: Arabic comma/semicolon/decimal and thousands separators, date separator, dashes.
PUNCTUATION_VARIANTS = {
    "،": ",", "؛": ";", "٫": ".", "٬": ",", "؍": "/", "⁄": "/", "∕": "/",
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹣": "-", "－": "-",
}  # fmt: skip

#: Month names per naming system, January first; each entry lists every spelling. Two-word names are
#: written with one space. Spellings are normalized (hamza, ta marbuta, …) before use, so the common
#: variants need not all be listed, but the familiar ones are, for readers.
MONTH_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "egyptian": (
        ("يناير", "ينايِر"),
        ("فبراير", "فبرايِر", "فبرایر"),
        ("مارس",),
        ("أبريل", "ابريل", "إبريل", "أبرِيل"),
        ("مايو", "ماي", "ماىو"),
        ("يونيو", "يونية", "يونيه"),
        ("يوليو", "يولية", "يوليه"),
        ("أغسطس", "اغسطس", "إغسطس", "أغسطُس"),
        ("سبتمبر", "سيبتمبر"),
        ("أكتوبر", "اكتوبر", "أوكتوبر"),
        ("نوفمبر", "نوڤمبر", "نونبر"),
        ("ديسمبر", "ديسيمبر"),
    ),
    "levantine": (
        ("كانون الثاني", "كانون ثاني", "كانون الثانى", "كانون 2"),  # كانون 2: CLDR ar-SY/IQ/JO/LB/PS
        ("شباط",),
        ("آذار", "اذار", "أذار"),
        ("نيسان",),
        ("أيار", "ايار", "مايس"),  # مايس: Iraqi
        ("حزيران",),
        ("تموز",),
        ("آب", "اب"),
        ("أيلول", "ايلول"),
        ("تشرين الأول", "تشرين الاول", "تشرين أول", "تشرين اول", "تشرين 1"),
        ("تشرين الثاني", "تشرين ثاني", "تشرين الثانى", "تشرين 2"),
        ("كانون الأول", "كانون الاول", "كانون أول", "كانون اول", "كانون 1"),
    ),
    "moroccan": (
        ("يناير",),
        ("فبراير",),
        ("مارس",),
        ("أبريل", "ابريل"),
        ("ماي",),
        ("يونيو",),
        ("يوليوز",),
        ("غشت",),
        ("شتنبر",),
        ("أكتوبر", "اكتوبر"),
        ("نونبر",),
        ("دجنبر",),
    ),
    # Mauritania (CLDR ar-MR, dateparser's ar-MR data): French-derived spellings of August, September and
    # December, إبريل for April.
    "mauritanian": (
        ("يناير",),
        ("فبراير",),
        ("مارس",),
        ("إبريل", "ابريل"),
        ("مايو",),
        ("يونيو",),
        ("يوليو",),
        ("أغشت", "اغشت"),
        ("شتمبر",),
        ("أكتوبر", "اكتوبر"),
        ("نوفمبر", "نفمبر"),  # نفمبر: a Mauritanian payroll app's translation of "novembre"
        ("دجمبر",),
    ),
    "algerian_tunisian": (
        ("جانفي",),
        ("فيفري",),
        ("مارس",),
        ("أفريل", "افريل"),
        ("ماي",),
        ("جوان",),
        ("جويلية", "جويليه"),
        ("أوت", "اوت"),
        ("سبتمبر",),
        ("أكتوبر", "اكتوبر"),
        ("نوفمبر",),
        ("ديسمبر",),
    ),
    "english": (
        ("january", "jan"),
        ("february", "feb"),
        ("march", "mar"),
        ("april", "apr"),
        ("may",),
        ("june", "jun"),
        ("july", "jul"),
        ("august", "aug"),
        ("september", "sep", "sept"),
        ("october", "oct"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    "french": (
        ("janvier", "janv"),
        ("février", "fevrier", "févr", "fevr"),
        ("mars",),
        ("avril", "avr"),
        ("mai",),
        ("juin",),
        ("juillet", "juil"),
        ("août", "aout"),
        ("septembre",),
        ("octobre",),
        ("novembre",),
        ("décembre", "decembre"),
    ),
}

#: Hijri (Islamic) month names, Muharram first.
HIJRI_MONTH_NAMES: tuple[tuple[str, ...], ...] = (
    ("محرم", "المحرم"),
    ("صفر",),
    ("ربيع الأول", "ربيع الاول", "ربيع أول"),
    ("ربيع الآخر", "ربيع الثاني", "ربيع الاخر", "ربيع ثاني", "ربيع آخر"),
    ("جمادى الأولى", "جمادى الأول", "جمادى أولى", "جمادى الاولى", "جماد الأول", "جمادى 1"),
    ("جمادى الآخرة", "جمادى الثانية", "جمادى الآخر", "جمادى الثاني", "جمادى ثاني", "جماد الآخر", "جمادى 2"),
    ("رجب",),
    ("شعبان",),
    ("رمضان",),
    ("شوال",),
    ("ذو القعدة", "ذي القعدة", "ذا القعدة", "ذوالقعدة", "ذيالقعدة"),
    ("ذو الحجة", "ذي الحجة", "ذا الحجة", "ذوالحجة", "ذيالحجة"),
)

#: Weekday names, Monday first (``date.weekday()`` order).
WEEKDAY_NAMES: dict[str, tuple[tuple[str, ...], ...]] = {
    "arabic": (
        ("الاثنين", "الإثنين", "الأثنين", "اثنين", "الاتنين", "الإتنين"),
        ("الثلاثاء", "الثلاثا", "ثلاثاء", "الثلات"),
        ("الأربعاء", "الاربعاء", "أربعاء", "الاربعا", "الأربع"),
        ("الخميس", "خميس"),
        ("الجمعة", "الجمعه", "جمعة"),
        ("السبت", "سبت"),
        ("الأحد", "الاحد", "أحد", "احد", "الحد"),
    ),
    "english": (
        ("monday", "mon"),
        ("tuesday", "tue", "tues"),
        ("wednesday", "wed"),
        ("thursday", "thu", "thur", "thurs"),
        ("friday", "fri"),
        ("saturday", "sat"),
        ("sunday", "sun"),
    ),
    "french": (("lundi",), ("mardi",), ("mercredi",), ("jeudi",), ("vendredi",), ("samedi",), ("dimanche",)),
}

#: Words after a clock time: AM, PM, noon and night (``10 ليلا`` is 22:00, ``2 ليلا`` is 02:00).
#: ``م`` after a clock time is PM; after a year it is the Gregorian era (see ``GREGORIAN_ERA_WORDS``).
AM_WORDS = ("ص", "صباحاً", "صباحا", "صباحًا", "صباح", "الصباح", "صبحا", "فجرا", "فجراً", "الفجر", "am")
PM_WORDS = (
    "م", "مساءً", "مساء", "مساءا", "مسائا", "المساء", "مسا", "عصرا", "عصراً", "العصر", "pm",
)  # fmt: skip
#: Around noon: ``11:30 ظهرا`` is 11:30, ``12:15 ظهرا`` 12:15, ``1:00 ظهرا`` 13:00 (hours 1-6 are PM).
NOON_WORDS = ("ظهرا", "ظهراً", "ظهرًا", "الظهر", "الظهيرة", "ظهر")
NIGHT_WORDS = ("ليلاً", "ليلا", "ليلًا", "الليل", "بالليل")
#: ``منتصف الليل`` (midnight) after a clock: ``12:30 منتصف الليل`` is 00:30, ``12:05 بعد منتصف الليل``
#: 00:05, ``1:30 بعد منتصف الليل`` 01:30 (hours 1-5 only); never noon.
MIDNIGHT_WORDS = ("منتصف",)

#: Hours in words after ``الساعة`` (``الساعة الثامنة مساء``), and the minutes words after them.
HOUR_WORDS = {
    "الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5, "السادسة": 6, "السابعة": 7,
    "الثامنة": 8, "التاسعة": 9, "العاشرة": 10, "الحادية عشرة": 11, "الحادية عشر": 11, "الحاديه عشر": 11,
    "الثانية عشرة": 12, "الثانية عشر": 12,
}  # fmt: skip
MINUTE_WORDS = {"النصف": 30, "والنصف": 30, "الربع": 15, "والربع": 15, "ربع": 15, "ربعا": 15,
                "الثلث": 20, "والثلث": 20, "ثلث": 20, "ثلثا": 20}  # fmt: skip

#: Era markers after a year.
GREGORIAN_ERA_WORDS = ("م", "ميلادي", "ميلادية", "للميلاد", "ad", "ce")
HIJRI_ERA_WORDS = ("هـ", "ه", "هجري", "هجرية", "للهجرة", "ah")

#: Zone words and their UTC offsets in minutes.
ZONE_NAMES = {
    "gmt": 0, "utc": 0, "ut": 0, "غرينتش": 0, "جرينتش": 0, "غرينيتش": 0, "جرينيتش": 0,
    "eet": 120, "eest": 180, "cet": 60, "cest": 120, "msk": 180, "gst": 240,  # GST: Gulf (Al Arabiya)
}  # fmt: skip
#: Places naming a zone, after ``بتوقيت``/``توقيت`` or alone in brackets (``(مكة المكرمة)``): a UTC offset
#: in minutes, or an IANA zone where the place keeps summer time. One or two words. A place not listed
#: leaves the default zone (``tz``) in force. Ambiguous names (عمان: Oman or Amman; طرابلس) are left out.
ZONE_PLACES: dict[str, int | str] = {
    "القاهرة": "Africa/Cairo", "مصر": "Africa/Cairo",
    "غرينتش": 0, "جرينتش": 0, "غرينيتش": 0, "جرينيتش": 0,
    "مكة": 180, "مكة المكرمة": 180, "مكه المكرمه": 180, "السعودية": 180, "الرياض": 180, "جدة": 180,
    "الإمارات": 240, "أبوظبي": 240, "أبو ظبي": 240, "ابوظبي": 240, "دبي": 240, "الامارات": 240,
    "مسقط": 240, "سلطنة عمان": 240,
    "الدوحة": 180, "قطر": 180, "الكويت": 180, "البحرين": 180, "المنامة": 180, "بغداد": 180,
    "العراق": 180, "صنعاء": 180, "اليمن": 180,
    "بيروت": "Asia/Beirut", "لبنان": "Asia/Beirut", "دمشق": "Asia/Damascus", "سوريا": "Asia/Damascus",
    "الأردن": "Asia/Amman", "القدس": "Asia/Jerusalem", "فلسطين": "Asia/Gaza", "غزة": "Asia/Gaza",
    "الخرطوم": 120, "السودان": 120, "ليبيا": 120,
    "الجزائر": 60, "تونس": 60, "الرباط": "Africa/Casablanca", "المغرب": "Africa/Casablanca",
    "نواكشوط": 0, "موريتانيا": 0,
}  # fmt: skip
ZONE_WORDS = ("بتوقيت", "توقيت")

#: Label phrases that may stand in front of a date (or around it); their words are skipped.
LABELS = (
    "نشر في", "نشر بتاريخ", "نشر", "منشور في", "تم النشر", "تم النشر في", "تاريخ النشر", "بتاريخ",
    "تاريخ", "التاريخ", "آخر تحديث", "اخر تحديث", "تم التحديث", "تاريخ التحديث", "محدث", "تحديث",
    "تاريخ الإضافة", "أضيف في", "أضيف بتاريخ", "الموافق", "الموافق لـ", "في", "يوم", "الساعة",
    "published", "published on", "updated", "last updated", "posted", "posted on", "date", "on", "at",
)  # fmt: skip

#: Relative phrases: words that open them (``منذ 5 دقائق``) and close them (``5 minutes ago``).
RELATIVE_PREFIXES = ("منذ", "مُنذ", "قبل")
RELATIVE_SUFFIXES = ("ago", "مضت", "مضى")

#: A plural without a number (``منذ ساعات``) counts as this many units.
BARE_PLURAL_COUNT = 3

#: Relative unit words: word -> (unit, implied count); ``None`` = plural (a number, or
#: ``BARE_PLURAL_COUNT``). Units: seconds, minutes, hours, days, weeks, months, years.
RELATIVE_UNITS: dict[str, tuple[str, int | None]] = {
    "ثانية": ("seconds", 1), "ثانيتين": ("seconds", 2), "ثانيتان": ("seconds", 2),
    "ثوان": ("seconds", None), "ثواني": ("seconds", None), "ثوانٍ": ("seconds", None), "ث": ("seconds", 1),
    "لحظة": ("seconds", 0), "لحظات": ("seconds", 0), "قليل": ("seconds", 0),
    "second": ("seconds", 1), "seconds": ("seconds", None), "sec": ("seconds", 1), "secs": ("seconds", None),
    "دقيقة": ("minutes", 1), "دقيقتين": ("minutes", 2), "دقيقتان": ("minutes", 2),
    "دقائق": ("minutes", None), "دقايق": ("minutes", None), "د": ("minutes", 1),
    "minute": ("minutes", 1), "minutes": ("minutes", None), "min": ("minutes", 1), "mins": ("minutes", None),
    "ساعة": ("hours", 1), "ساعتين": ("hours", 2), "ساعتان": ("hours", 2), "ساعات": ("hours", None),
    "س": ("hours", 1),
    "hour": ("hours", 1), "hours": ("hours", None), "hr": ("hours", 1), "hrs": ("hours", None),
    "يوم": ("days", 1), "يومين": ("days", 2), "يومان": ("days", 2), "أيام": ("days", None),
    "day": ("days", 1), "days": ("days", None),
    # after a number from 11 up, the accusative singular: منذ 15 يوما, قبل 11 شهرا (dateparser's ar data)
    "يوما": ("days", None), "أسبوعا": ("weeks", None), "شهرا": ("months", None), "عاما": ("years", None),
    "أسبوع": ("weeks", 1), "أسبوعين": ("weeks", 2), "أسبوعان": ("weeks", 2), "أسابيع": ("weeks", None),
    "week": ("weeks", 1), "weeks": ("weeks", None),
    "شهر": ("months", 1), "شهرين": ("months", 2), "شهران": ("months", 2), "أشهر": ("months", None),
    "شهور": ("months", None), "month": ("months", 1), "months": ("months", None),
    "سنة": ("years", 1), "عام": ("years", 1), "سنتين": ("years", 2), "سنتان": ("years", 2),
    "عامين": ("years", 2), "عامان": ("years", 2), "سنوات": ("years", None), "سنين": ("years", None),
    "أعوام": ("years", None), "year": ("years", 1), "years": ("years", None),
}  # fmt: skip

#: Number words used in relative phrases (``منذ ثلاث ساعات``, ``an hour ago``).
NUMBER_WORDS = {
    "واحد": 1, "واحدة": 1, "اثنين": 2, "اثنان": 2, "اثنتين": 2, "اثنتان": 2, "ثلاث": 3, "ثلاثة": 3,
    "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثماني": 8,
    "ثمان": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9, "عشر": 10, "عشرة": 10, "بضع": 3, "بضعة": 3, "عدة": 3,
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "few": 3,
}  # fmt: skip

#: Fractions after a unit (``منذ ساعة ونصف``).
FRACTION_WORDS = {"نصف": 0.5, "ونصف": 0.5, "ربع": 0.25, "وربع": 0.25, "half": 0.5}

#: Words naming a day relative to ``now``, in days.
RELATIVE_DAYS = {"اليوم": 0, "today": 0, "أمس": -1, "الأمس": -1, "بالأمس": -1, "البارحة": -1,
                 "yesterday": -1, "غدا": 1, "غداً": 1, "tomorrow": 1}  # fmt: skip
#: Words around ``اليوم``/``أمس`` that make it some other day (``ذلك اليوم``, ``اليوم نفسه``); a word with
#: ``ال`` after it (``اليوم التالي``) does too, and so does any unknown word when ``في`` stands before it.
NOT_TODAY_BEFORE = (
    "ذلك", "تلك", "نفس", "ذات", "هذا", "مثل", "منتصف", "نهاية", "بداية", "مطلع", "طوال", "طيلة", "خلال",
    "حتى", "عشية", "غداة",
)  # fmt: skip
NOT_TODAY_AFTER = ("نفسه", "ذاته", "ذلك", "عينه", "التالي", "السابق", "الذي", "التي", "الموعود")
#: ``أول أمس`` / ``أول من أمس`` / ``أمس الأول`` / ``قبل أمس``: the day before yesterday.
DAY_BEFORE_WORDS = ("أول", "الأول")
#: Words meaning "right now".
NOW_WORDS = ("الآن", "الان", "حالا", "حالاً", "للتو", "توا", "now")
#: Words between ``منذ`` and the amount, ignored: ``منذ حوالي 5 دقائق``, ``منذ أكثر من ساعة``.
APPROXIMATE_WORDS = (
    "حوالي", "حوالى", "نحو", "قرابة", "تقريبا", "أكثر", "اكثر", "أقل", "about", "around", "almost", "nearly",
    "over", "more", "less", "than",
)  # fmt: skip
#: Words that may stand before a month name (``22 من شهر نوفمبر``) or a year (``نوفمبر عام 2023``).
MONTH_WORDS = ("شهر",)
YEAR_WORDS = ("عام", "سنة", "year")

#: ``الخميس الماضي``: the most recent Thursday before today.
LAST_WORDS = ("الماضي", "الماضية", "الفائت", "last")

# ---------------------------------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------------------------------


def _base_translation() -> dict[int, str | None]:
    table: dict[int, str | None] = {k: chr(v) for k, v in DIGITS.items()}
    table.update(dict.fromkeys(map(ord, IGNORED_CHARS)))
    for src, dst in {**LETTER_VARIANTS, **PUNCTUATION_VARIANTS}.items():
        table[ord(src)] = dst or None
    return table


def _full_translation() -> dict[int, str | None]:
    base = _base_translation()
    table = dict(base)
    # Presentation forms (PDF copies) and full-width forms: their NFKC form, then the base mapping.
    for lo, hi in ((0xFB50, 0xFDFF), (0xFE70, 0xFEFF), (0xFF01, 0xFF5E)):
        for cp in range(lo, hi):
            ch = chr(cp)
            if cp in table:
                continue
            nf = unicodedata.normalize("NFKC", ch)
            if nf != ch:
                table[cp] = "".join(base.get(ord(c), c) or "" for c in nf) or None
    return table


_TRANSLATION = _full_translation()


def normalize(text: str) -> str:
    """``text`` as the parser reads it: digits ASCII, marks gone, letter forms unified, lower case,
    whitespace collapsed. (The parser applies the same mapping token by token, see ``_tokenize``.)"""
    return " ".join(text.translate(_TRANSLATION).lower().split())


def _key(word: str) -> str:
    return normalize(word)


# ---------------------------------------------------------------------------------------------------
# Lexicon: every table folded into one dict token -> (kind, value)
# ---------------------------------------------------------------------------------------------------

(
    _END, _UNK, _NUM, _MON, _HMON, _HEAD, _WDAY, _AM, _PM, _NIGHT, _MEEM, _ERA_G, _ERA_H, _ZONE, _ZONE_Z,
    _TZWORD, _REL_PRE, _REL_POST, _UNIT, _NUMW, _RELDAY, _NOW, _FIRST, _LAST, _ORD, _OF, _FILL, _HOURW,
    _AND, _FRAC, _DSEP, _COLON, _COMMA, _SIGN, _ABOUT, _NOON,
) = range(36)  # fmt: skip


def _build_months() -> dict[str, int]:
    months: dict[str, int] = {}
    for system in MONTH_NAMES.values():
        for number, spellings in enumerate(system, 1):
            for spelling in spellings:
                months[_key(spelling)] = number
    return months


def _build_hijri_months() -> dict[str, int]:
    return {_key(s): n for n, spellings in enumerate(HIJRI_MONTH_NAMES, 1) for s in spellings}


def _build_weekdays() -> dict[str, int]:
    return {_key(s): n for system in WEEKDAY_NAMES.values() for n, sp in enumerate(system) for s in sp}


#: Normalized month name (one or two words) -> month number, every naming system.
MONTHS: dict[str, int] = _build_months()
#: Normalized Hijri month name -> month number.
HIJRI_MONTHS: dict[str, int] = _build_hijri_months()
#: Normalized weekday name -> ``date.weekday()`` number.
WEEKDAYS: dict[str, int] = _build_weekdays()


def _build_lexicon() -> dict[str, tuple[int, object]]:
    lex: dict[str, tuple[int, object]] = {}

    def put(word: str, kind: int, value: object = None) -> None:
        lex.setdefault(_key(word), (kind, value))

    # Highest priority first (setdefault keeps the first).
    lex["م"] = (_MEEM, None)
    lex["z"] = (_ZONE_Z, 0)
    for sep in "/-.\\":
        lex[sep] = (_DSEP, None)
    lex[":"] = (_COLON, None)
    lex[","] = (_COMMA, None)
    lex["+"] = (_SIGN, None)
    heads: dict[str, dict[str, tuple[int, int]]] = {}
    for table, kind in ((MONTHS, _MON), (HIJRI_MONTHS, _HMON)):
        for name, number in table.items():
            if " " in name:
                head, tail = name.split(" ", 1)
                heads.setdefault(head, {})[tail] = (kind, number)
            else:
                put(name, kind, number)
    for head, tails in heads.items():
        put(head, _HEAD, tails)
    for word, n in RELATIVE_DAYS.items():
        put(word, _RELDAY, n)
    for word, n in WEEKDAYS.items():
        put(word, _WDAY, n)
    for word in AM_WORDS:
        put(word, _AM)
    for word in PM_WORDS:
        put(word, _PM)
    for word in NIGHT_WORDS:
        put(word, _NIGHT)
    for word in NOON_WORDS:
        put(word, _NOON)
    for word in HIJRI_ERA_WORDS:
        put(word, _ERA_H)
    for word in GREGORIAN_ERA_WORDS:
        put(word, _ERA_G)
    for word, off in ZONE_NAMES.items():
        put(word, _ZONE, off)
    for word in ZONE_WORDS:
        put(word, _TZWORD)
    for word in RELATIVE_PREFIXES:
        put(word, _REL_PRE)
    for word in RELATIVE_SUFFIXES:
        put(word, _REL_POST)
    for word, unit in RELATIVE_UNITS.items():
        put(word, _UNIT, unit)
    for word, n in NUMBER_WORDS.items():
        put(word, _NUMW, n)
    for word, f in FRACTION_WORDS.items():
        put(word, _FRAC, f)
    for word in NOW_WORDS:
        put(word, _NOW)
    for word in DAY_BEFORE_WORDS:
        put(word, _FIRST)
    for word in LAST_WORDS:
        put(word, _LAST)
    for word in ("st", "nd", "rd", "th"):
        put(word, _ORD)
    for word in ("of", "من"):
        put(word, _OF)
    put("الساعة", _HOURW)
    for word in APPROXIMATE_WORDS:
        put(word, _ABOUT)
    put("و", _AND)
    put("and", _AND)
    for phrase in LABELS:
        for word in _key(phrase).split():
            put(word, _FILL)
    put("t", _FILL)
    return lex


_LEX = _build_lexicon()


def _seed_tokens() -> dict[str, tuple[int, object, str, bool]]:
    """Every lexicon word and every short number, bare and after a space, as (kind, value, normalized
    text, blank before): the tokenizer's memo starts from these."""
    table = {}
    words = {**_LEX}
    for n in range(100):
        words[str(n)] = (_NUM, n)
        words[f"{n:02d}"] = (_NUM, n)
    for n in range(1300, 2200):
        words[str(n)] = (_NUM, n)
    for word, (kind, value) in words.items():
        table[word] = (kind, value, word, False)
        table[" " + word] = (kind, value, word, True)
    return table


_SEED_TOKENS = _seed_tokens()
_TOKENS = dict(_SEED_TOKENS)
#: Bound on the tokenizer's memo; past it, the memo starts again from the seed.
_TOKENS_MAX = 20_000
_ZONE_PLACES = {_key(k): v for k, v in ZONE_PLACES.items()}
_HOUR_WORDS = {_key(k): v for k, v in HOUR_WORDS.items()}
_MINUTE_WORDS = {_key(k): v for k, v in MINUTE_WORDS.items()}
_NOT_TODAY_BEFORE = frozenset(map(_key, NOT_TODAY_BEFORE))
_NOT_TODAY_AFTER = frozenset(map(_key, NOT_TODAY_AFTER))
_MONTH_WORDS = frozenset(map(_key, MONTH_WORDS))
_YEAR_WORDS = frozenset(map(_key, YEAR_WORDS))
_MIDNIGHT_WORDS = frozenset(map(_key, MIDNIGHT_WORDS))
_NIGHT_NOUNS = frozenset(map(_key, ("الليل", "ليلا")))
#: The AM/PM slot's value for ``منتصف الليل`` (not a lexicon kind: read as two words in ``_time``).
_MIDNIGHT = -1
#: What may follow a two-digit year after a month name (``22 نوفمبر 23 - 10:30``).
_AFTER_SHORT_YEAR = frozenset((_END, _COMMA, _NUM, _HOURW, _ZONE, _ZONE_Z, _TZWORD, _SIGN))
_AMPM_KINDS = frozenset((_AM, _PM, _NIGHT, _MEEM, _NOON))
#: Words after an hour making it a clock (``10 بعد الظهر``, ``12 منتصف الليل``), not a year.
_CLOCK_AFTER = frozenset(("بعد", "قبل")) | _MIDNIGHT_WORDS

# ---------------------------------------------------------------------------------------------------
# Result type
# ---------------------------------------------------------------------------------------------------


class Precision(IntEnum):
    """How much a parsed value says, lowest first; the pipeline keeps the most precise candidate."""

    RELATIVE = 0  #: counted back from ``now`` (``منذ 5 دقائق``, ``أمس``, a bare clock time)
    DATE = 1  #: a calendar date, no time of day
    TIME = 2  #: date and clock time, zone implied (local to ``tz``)
    OFFSET = 3  #: date, clock time and an explicit zone


_RELATIVE, _DATE, _TIME, _OFFSET = Precision.RELATIVE, Precision.DATE, Precision.TIME, Precision.OFFSET


@dataclass(frozen=True, slots=True)
class ParsedDate:
    #: Aware datetime in ``tz``.
    value: datetime
    precision: Precision
    #: The rule that read it: ``iso``, ``rfc822``, ``text``, ``numeric``, ``hijri``, ``relative``.
    form: str
    #: Anything suspicious, e.g. a Hijri date disagreeing with its Gregorian twin.
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------------

#: A token: blanks, then a run of digits, a run of letters, or one other character.
_TOKEN_RE = re.compile(r"\s*+(?:\d++|[^\W\d_]++|\S)")
#: Diacritics and invisible characters: deleted before tokenizing (they would split words).
_CLEANING = dict.fromkeys(map(ord, IGNORED_CHARS.replace("\u0640", "")))
_NEEDS_CLEANING = re.compile("[" + re.escape(IGNORED_CHARS.replace("\u0640", "")) + "]")
_PAD = 8
_PAD_ENTRIES = [(_END, None, "", True)] * _PAD
_LOCAL = "local"
_UTC = UTC
_DAYS_IN_MONTH = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_UNIT_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400, "weeks": 604800}
_MONTH_DAYS = {"months": 30, "years": 365}  # for fractions of calendar units only
_MAX_BACK_MONTHS = 12 * (MAX_YEAR - MIN_YEAR)
_OFFSET_ZONES: dict[int, timezone] = {}


@lru_cache(maxsize=64)
def _zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def _fixed(minutes: int) -> timezone:
    z = _OFFSET_ZONES.get(minutes)
    if z is None:
        z = _UTC if minutes == 0 else timezone(timedelta(minutes=minutes))
        _OFFSET_ZONES[minutes] = z
    return z


def _valid_day(y: int, m: int, d: int) -> bool:
    if not 1 <= m <= 12 or d < 1 or d > _DAYS_IN_MONTH[m]:
        return False
    return not (m == 2 and d == 29 and not (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)))


def _learn(raw: str) -> tuple:
    """The entry of a token not seen before: its text normalized, then looked up; memoized."""
    global _TOKENS
    core = raw.lstrip()
    spaced = len(core) != len(raw)
    text = core.translate(_TRANSLATION).lower()
    e = _LEX.get(text)
    if e is not None:
        entry = (e[0], e[1], text, spaced)
    elif text.isdecimal():
        entry = (_NUM, int(text) if len(text) <= 9 else -1, text, spaced)
    else:
        entry = (_UNK, None, text, spaced)
    if len(raw) <= 40:
        if len(_TOKENS) >= _TOKENS_MAX:
            _TOKENS = dict(_SEED_TOKENS)
        _TOKENS[raw] = entry
    return entry


def _tokenize(text: str) -> tuple[tuple, tuple, tuple, tuple]:
    """(kinds, values, normalized texts, blank-before flags) of the tokens of ``text``, padded with
    ``_END`` tokens.

    Normalization maps characters one to one (or deletes marks) and never moves a token boundary, so it
    is done per distinct token and memoized: a crawl meets the same few hundred tokens again and again.
    Marks and invisible characters, which would split a word, are deleted from the text first.
    """
    if _NEEDS_CLEANING.search(text) is not None:
        text = text.translate(_CLEANING)
    get = _TOKENS.get
    ents = [get(t) or _learn(t) for t in _TOKEN_RE.findall(text)]
    ents += _PAD_ENTRIES
    return tuple(zip(*ents, strict=True))  # type: ignore[return-value]


def _month_at(toks, kinds, vals, i):
    """(kind, number, next index) of a month name at ``i``, one or two words; else None."""
    k = kinds[i]
    if k == _MON or k == _HMON:
        return k, vals[i], i + 1
    if k == _HEAD:
        tail = vals[i].get(toks[i + 1])
        if tail is not None:
            return tail[0], tail[1], i + 2
    return None


def _text_form(toks, month_index):
    """``text``, or ``text_en`` for an English (ASCII) month name: the RFC 822 candidates."""
    return "text_en" if toks[month_index].isascii() else "text"


def _twin(toks, kinds, vals, j, m):
    """After a month name, the same month in another naming system, skipped: ``نوفمبر/ تشرين الثاني``,
    ``نوفمبر (تشرين الثاني)``, ``تشرين الثاني - نوفمبر`` (BBC Arabic, Asharq Al-Awsat). Returns the index
    after it, ``j`` when there is none, or minus the index after it when it names another month."""
    k = j
    bracket = toks[k] == "("
    if bracket or (kinds[k] == _DSEP and toks[k] != "."):
        k += 1
    mo = _month_at(toks, kinds, vals, k)
    if mo is None or mo[0] != _MON:
        return j
    if mo[1] != m:
        return -mo[2]  # two different months side by side: no date can be trusted
    k = mo[2]
    if bracket and toks[k] == ")":
        k += 1
    return k


def _era(kinds, j, hijri):
    """Skip an era word after a year; returns (hijri?, next index)."""
    k = kinds[j]
    if k == _ERA_H:
        return True, j + 1
    if k == _ERA_G or k == _MEEM:
        return hijri, j + 1
    return hijri, j


def _numeric_date(toks, kinds, vals, sps, i):
    """``22/11/2023``, ``2023-11-22``, ``22/نوفمبر/2023``, ``22-Nov-23``, ``22/11`` at ``i``.

    Returns (end, record) where record is None (not a date; tokens skipped) or a date record.
    """
    j = i + 1
    if kinds[j] != _DSEP:
        return None
    sep = toks[j]
    j += 1
    la = len(toks[i])
    kb = kinds[j]
    by_name = False
    hijri_name = False
    if kb == _NUM:
        b = vals[j]
        lb = len(toks[j])
        j += 1
    else:
        mo = _month_at(toks, kinds, vals, j)
        if mo is None:
            return None
        by_name = True
        hijri_name = mo[0] == _HMON
        b, lb, j = mo[1], 2, mo[2]
    if kinds[j] != _DSEP or kinds[j + 1] != _NUM:
        # Day and month only: "22/11" (a slash only) or "22/نوفمبر".
        if la <= 2 and lb <= 2 and (sep == "/" or by_name) and not hijri_name and kinds[j] != _COLON:
            d, m = vals[i], b
            if not by_name and m > 12 >= d:
                d, m = m, d
            if _valid_day(2000, m, d):
                return j, ("g", None, m, d, _text_form(toks, j - 1) if by_name else "numeric")
        return None
    j += 1
    c = vals[j]
    lc = len(toks[j])
    j += 1
    # Digit soup: a fourth adjacent number in the same run ("1/2/3/4", "192.168.1.1").
    if kinds[j] == _DSEP and not sps[j] and kinds[j + 1] == _NUM and not sps[j + 1]:
        while kinds[j] == _DSEP or kinds[j] == _NUM:
            j += 1
        return j, None
    if la == 4 and lb <= 2 and lc <= 2:
        y, m, d = vals[i], b, c
        form = "iso" if sep == "-" and not by_name else "numeric"
    elif la <= 2 and lb <= 2 and (lc == 4 or lc == 2):
        d, m, y = vals[i], b, c
        if lc == 2:
            y += 2000
        form = "numeric"
    else:
        return j, None
    if by_name:
        form = _text_form(toks, i + 2)
    elif m > 12 >= d and la != 4:  # 11/22/2023 is month-first; 2023-22-11 is no form anyone writes
        d, m = m, d
    hijri, j = _era(kinds, j, hijri_name)
    if hijri or 1343 <= y <= 1500:
        return j, ("h", y, m, d, "hijri")
    return j, ("g", y, m, d, form)


def _day_month(toks, kinds, vals, sps, i):
    """``22 نوفمبر 2023``, ``22nd, November 2023``, ``9 جمادى الأولى 1445 هـ``, ``22 نوفمبر`` at ``i``."""
    if len(toks[i]) > 2:
        return None
    d = vals[i]
    if d < 1 or d > 31:
        return None
    j = i + 1
    if kinds[j] == _ORD:
        j += 1
    n = 0
    while (kinds[j] == _COMMA or kinds[j] == _DSEP or kinds[j] == _OF) and n < 2:
        j += 1
        n += 1
    if toks[j] in _MONTH_WORDS:  # 22 من شهر نوفمبر
        j += 1
    mo = _month_at(toks, kinds, vals, j)
    if mo is None:
        return None
    mkind, m, j = mo
    form = _text_form(toks, j - 1)
    if mkind == _MON:
        j = _twin(toks, kinds, vals, j, m)
        if j < 0:
            return -j, ("g", None, 0, 0, form)  # impossible: refused in _parse
    k = j
    sep = None
    n = 0
    while (kinds[k] == _COMMA or kinds[k] == _DSEP) and n < 2:
        sep = toks[k]
        k += 1
        n += 1
    if toks[k] in _YEAR_WORDS:  # 22 نوفمبر عام 2023
        k += 1
    y = None
    if kinds[k] == _NUM and (kinds[k + 1] != _COLON or len(toks[k]) == 4):  # "22 نوفمبر ,2023: 01:47 م"
        ly = len(toks[k])
        if ly == 4:
            y = vals[k]
        elif ly == 2 and (sep == "-" or sep == "/"):
            y = 2000 + vals[k]
        elif ly == 2:  # 22 نوفمبر 23, 22 نوفمبر، 23: a year when nothing but punctuation, a time or a
            nk = kinds[k + 1]  # zone follows; before a word (22 نوفمبر 23 قتيلا) it is unknown: no date
            if nk in _AFTER_SHORT_YEAR or toks[k + 1] in ("(", ")", "|"):
                y = 2000 + vals[k]
            elif nk not in _AMPM_KINDS and nk != _DSEP and toks[k + 1] not in _CLOCK_AFTER:
                return k + 1, ("g", None, 0, 0, form)  # refused in _parse
        if y is not None:
            j = k + 1
    hijri = mkind == _HMON
    if y is None:
        if hijri:
            return j, None
        return j, ("g", None, m, d, form)  # an impossible day (30 فبراير) is refused in _parse
    hijri, j = _era(kinds, j, hijri)
    return j, ("h" if hijri else "g", y, m, d, "hijri" if hijri else form)


def _month_first(toks, kinds, vals, sps, i):
    """``November 22, 2023``, ``Nov 22``; a month with only a year, or alone, is skipped."""
    mo = _month_at(toks, kinds, vals, i)
    if mo is None:
        return None
    mkind, m, j = mo
    form = _text_form(toks, i)
    if mkind == _MON:
        j = _twin(toks, kinds, vals, j, m)
        if j < 0:
            return -j, ("g", None, 0, 0, form)  # impossible: refused in _parse
    k = j
    while kinds[k] == _COMMA or kinds[k] == _DSEP:
        k += 1
    if kinds[k] != _NUM:
        return j, None
    lk = len(toks[k])
    if lk == 4:
        hijri, end = _era(kinds, k + 1, mkind == _HMON)
        return end, None  # month and year, no day
    d = vals[k]
    if lk > 2 or d < 1 or d > 31 or kinds[k + 1] == _COLON:
        return j, None
    k += 1
    if kinds[k] == _ORD:
        k += 1
    end = k
    while kinds[k] == _COMMA:
        k += 1
    if toks[k] in _YEAR_WORDS:
        k += 1
    y = None
    if kinds[k] == _NUM and len(toks[k]) == 4:  # a colon may follow: "November 22, 2023: 01:47 PM"
        y = vals[k]
        end = k + 1
    hijri = mkind == _HMON
    if y is None:
        if hijri:
            return end, None
        return end, ("g", None, m, d, form)
    hijri, end = _era(kinds, end, hijri)
    return end, ("h" if hijri else "g", y, m, d, "hijri" if hijri else form)


def _offset(toks, kinds, vals, sps, j):
    """``+0200``, ``+02:00``, ``-5``, ``+02`` at ``j``: (minutes, next index) or None."""
    sign = toks[j]
    if (sign != "+" and sign != "-") or kinds[j + 1] != _NUM or sps[j + 1]:
        return None
    t = toks[j + 1]
    k = j + 2
    if len(t) == 4:
        hh, mm = int(t[:2]), int(t[2:])
    elif len(t) <= 2:
        hh, mm = vals[j + 1], 0
        if kinds[k] == _COLON and not sps[k] and kinds[k + 1] == _NUM and len(toks[k + 1]) == 2:
            mm = vals[k + 1]
            k += 2
    else:
        return None
    if hh > 14 or mm > 59 or (kinds[k] == _DSEP and kinds[k + 1] == _NUM):
        return None
    minutes = hh * 60 + mm
    return (-minutes if sign == "-" else minutes), k


def _zone_at(toks, kinds, vals, sps, j):
    """A zone at ``j``: (minutes | _LOCAL, next index) or None."""
    k = kinds[j]
    if k == _ZONE_Z:
        return (0, j + 1) if not sps[j] else None
    if k == _ZONE:
        off = vals[j]
        r = _offset(toks, kinds, vals, sps, j + 1)
        if r is not None:
            return off + r[0], r[1]
        return off, j + 1
    if k == _TZWORD:
        if kinds[j + 1] == _ZONE:  # بتوقيت غرينتش+2
            return _zone_at(toks, kinds, vals, sps, j + 1)
        return _place_at(toks, j + 1)
    if k == _SIGN or toks[j] == "-":
        return _offset(toks, kinds, vals, sps, j)
    if toks[j] == "ت" and toks[j + 1] == "." and toks[j + 2] == "غ":  # ت.غ: توقيت غرينتش
        return 0, (j + 4 if toks[j + 3] == "." else j + 3)
    if toks[j] == "(":
        r = _zone_at(toks, kinds, vals, sps, j + 1) or _place_at(toks, j + 1)
        if r is not None:
            return r[0], (r[1] + 1 if toks[r[1]] == ")" else r[1])
    return None


def _place_at(toks, j):
    """A place naming a zone at ``j`` (two words first, ``مكة المكرمة``): (zone, next index) or None."""
    zone = _ZONE_PLACES.get(toks[j] + " " + toks[j + 1])
    if zone is not None:
        return zone, j + 2
    zone = _ZONE_PLACES.get(toks[j])
    if zone is not None:
        return zone, j + 1
    return None


def _time(toks, kinds, vals, sps, i):
    """``13:47``, ``01:47:00.5 م``, ``10 صباحا``, ``1:47 p.m.`` with a zone after: (end, record) or None."""
    if len(toks[i]) > 2:
        return None
    h = vals[i]
    if h > 24:
        return None
    j = i + 1
    mi = s = us = 0
    if kinds[j] == _COLON and kinds[j + 1] == _NUM and len(toks[j + 1]) == 2:
        mi = vals[j + 1]
        if mi > 59:
            return None
        j += 2
        if kinds[j] == _COLON and kinds[j + 1] == _NUM and len(toks[j + 1]) == 2:
            s = vals[j + 1]
            if s > 60:
                return None
            if s == 60:
                s = 59
            j += 2
            t = toks[j]
            if (t == "." or t == ",") and not sps[j] and kinds[j + 1] == _NUM and not sps[j + 1]:
                us = int(toks[j + 1][:6].ljust(6, "0"))
                j += 2
        minutes = True
    else:
        minutes = False
    k = kinds[j]
    ampm = None
    if k == _AM or k == _PM or k == _NIGHT or k == _MEEM or k == _NOON:
        ampm = _PM if k == _MEEM else k
        j += 1
    elif (toks[j] == "بعد" or toks[j] == "قبل") and toks[j + 1] in ("الظهر", "الظهيره"):
        ampm = _PM if toks[j] == "بعد" else _AM
        j += 2
    elif toks[j] in _MIDNIGHT_WORDS and toks[j + 1] in _NIGHT_NOUNS:  # 12:30 منتصف الليل
        ampm = _MIDNIGHT
        j += 2
    elif toks[j] == "بعد" and toks[j + 1] in _MIDNIGHT_WORDS and toks[j + 2] in _NIGHT_NOUNS:
        ampm = _MIDNIGHT  # 12:05 بعد منتصف الليل, 1:30 بعد منتصف الليل
        j += 3
    elif (toks[j] == "a" or toks[j] == "p") and toks[j + 1] == "." and toks[j + 2] == "m":
        ampm = _AM if toks[j] == "a" else _PM
        j += 3
        if toks[j] == ".":
            j += 1
    if not minutes:
        if ampm is None and not (i > 0 and kinds[i - 1] == _HOURW):
            return None
        if ampm is not None and h > 12:
            return None
    h = _hour24(h, ampm)
    if h is None or (h == 24 and (mi or s or us)):
        return None
    zone = None
    z = _zone_at(toks, kinds, vals, sps, j)
    if z is not None:
        zone, j = z
    return j, (h, mi, s, us, zone)


def _hour24(h, ampm):
    """A 12-hour clock's hour read with its AM/PM/noon/night word (None: none given), or None."""
    if ampm == _AM:
        if h == 12:
            return 0
    elif ampm == _PM:
        if h < 12:
            return h + 12
    elif ampm == _NIGHT:
        if h == 12:
            return 0
        if 6 <= h < 12:
            return h + 12
    elif ampm == _MIDNIGHT:
        if h == 12 or h == 0:
            return 0
        if h > 5:
            return None  # "9:00 بعد منتصف الليل": no such hour
    elif ampm == _NOON:
        if h <= 6:
            return h + 12
        if h < 11:
            return None  # "9 ظهرا": no such hour
    return h


def _word_time(toks, kinds, vals, sps, i):
    """``الساعة الثامنة مساء``, ``الساعة الحادية عشرة والنصف صباحا`` at ``i`` (the word الساعة): (end, record)
    or None. An hour in words without an AM/PM word (``الساعة الثامنة``) is ambiguous: None."""
    j = i + 1
    h = _HOUR_WORDS.get(toks[j] + " " + toks[j + 1])
    if h is not None:
        j += 2
    else:
        h = _HOUR_WORDS.get(toks[j])
        if h is None:
            return None
        j += 1
    mi = 0
    if toks[j] == "و" and toks[j + 1] in _MINUTE_WORDS:
        j += 1
    if toks[j] in _MINUTE_WORDS:
        mi = _MINUTE_WORDS[toks[j]]
        j += 1
    elif toks[j] in ("الا", "لا") and toks[j + 1] in _MINUTE_WORDS:  # الثامنة إلا ربعا: 7:45
        mi = -_MINUTE_WORDS[toks[j + 1]]
        j += 2
    k = kinds[j]
    if toks[j] == "بعد" and toks[j + 1] in ("الظهر", "الظهيره"):  # بعد الظهر: afternoon
        k, j = _PM, j + 1
    elif not (k == _AM or k == _PM or k == _NIGHT or k == _MEEM or k == _NOON):
        return None
    h = _hour24(h, _PM if k == _MEEM else k)
    if h is None:
        return None
    j += 1
    if mi < 0:
        h, mi = (h - 1) % 24, 60 + mi
    zone = None
    z = _zone_at(toks, kinds, vals, sps, j)
    if z is not None:
        zone, j = z
    return j, (h, mi, 0, 0, zone)


def _glued_and(toks, kinds, j):
    """The lexicon entry of a unit or number word with ``و`` written onto it (``وساعتين``), or None."""
    if kinds[j] != _UNK or not toks[j].startswith("و"):
        return None
    e = _LEX.get(toks[j][1:])
    return e if e is not None and (e[0] == _UNIT or e[0] == _NUMW) else None


def _rel_amount(toks, kinds, vals, j):
    """``5 دقائق``, ``ساعتين``, ``ساعة ونصف``, ``an hour``, ``ساعة و20 دقيقة``, ``يومين، 3 ساعات``,
    ``يوم وساعتين``: (parts, end) or None. Parts joined by ``و``/``and`` or a comma are all counted."""
    parts: list[tuple[str, float]] = []
    while kinds[j] == _ABOUT or (kinds[j] == _OF and kinds[j - 1] == _ABOUT):  # منذ حوالي / أكثر من
        j += 1
    end = j
    while True:
        k = kinds[j]
        count = None
        unit_entry = None
        glued = _glued_and(toks, kinds, j) if parts else None  # و written onto the next part
        if glued is not None:
            if glued[0] == _UNIT:
                unit_entry = glued[1]
            else:
                count = glued[1]
            j += 1
        elif k == _NUM and len(toks[j]) <= 4:
            count = vals[j]
            j += 1
        elif k == _NUMW or k == _FRAC:  # ثلاث ساعات, نصف ساعة
            count = vals[j]
            j += 1
        if unit_entry is None:
            if kinds[j] != _UNIT:
                break
            unit_entry = vals[j]
            j += 1
        unit, implied = unit_entry
        if count is None:
            count = BARE_PLURAL_COUNT if implied is None else implied
            if implied == 1 and kinds[j] == _NUMW and vals[j] == 1:  # ساعة واحدة
                j += 1
        parts.append((unit, count))
        if kinds[j] == _FRAC:
            parts.append((unit, vals[j]))
            j += 1
        elif kinds[j] == _AND and kinds[j + 1] == _FRAC:
            parts.append((unit, vals[j + 1]))
            j += 2
        end = j
        if kinds[j] == _COMMA and (kinds[j + 1] == _AND or _glued_and(toks, kinds, j + 1) is not None):
            j += 1  # "يومين، و3 ساعات"
        if (kinds[j] == _AND or kinds[j] == _COMMA) and kinds[j + 1] in (_NUM, _NUMW, _UNIT):
            j += 1
            continue
        if _glued_and(toks, kinds, j) is not None:
            continue
        break
    if not parts:
        return None
    if kinds[end] == _NUM and len(toks[end]) == 4:  # "منذ عام 2020": since the year 2020, not relative
        return None
    return parts, end


def _day_in_phrase(toks, kinds, i):
    """``اليوم`` (``أمس`` …) inside a phrase, naming some other day: ``اليوم السابق``, ``في اليوم التالي``,
    ``ذلك اليوم``, ``اليوم نفسه``, ``اليوم السابع`` (a newspaper)."""
    if i > 0 and toks[i - 1] in _NOT_TODAY_BEFORE:
        return True
    if kinds[i + 1] != _UNK:
        return False
    after = toks[i + 1]
    return after.startswith("ال") or after in _NOT_TODAY_AFTER or (i > 0 and toks[i - 1] == "في")


def _scan(toks, kinds, vals, sps):
    """One pass over the tokens: every date, time, zone and relative phrase found, in order."""
    n = len(toks) - _PAD
    dates: list[tuple] = []  # (start, end, calendar "g"/"h", year | None, month, day, form)
    times: list[tuple] = []  # (start, end, h, mi, s, us, zone)
    zone = None
    rel = None  # (start, end, kind, payload)
    loose_year = False  # a year standing apart from any date: a date without a year is then unsafe
    i = 0
    while i < n:
        k = kinds[i]
        if k == _NUM:
            r = _numeric_date(toks, kinds, vals, sps, i)
            if r is None:
                r = _day_month(toks, kinds, vals, sps, i)
            if r is not None:
                end, rec = r
                if rec is not None:
                    dates.append((i, end, *rec))
                i = max(end, i + 1)
                continue
            t = _time(toks, kinds, vals, sps, i)
            if t is not None:
                times.append((i, t[0], *t[1]))
                i = t[0]
                continue
            ra = _rel_amount(toks, kinds, vals, i)
            if ra is not None and kinds[ra[1]] == _REL_POST:
                if rel is None:
                    rel = (i, ra[1] + 1, "ago", ra[0])
                i = ra[1] + 1
                continue
            if len(toks[i]) == 8 and toks[i + 1] == "t":  # compact ISO 20231122T134700
                t8 = toks[i]
                y, m, d = int(t8[:4]), int(t8[4:6]), int(t8[6:])
                dates.append((i, i + 1, "g", y, m, d, "iso"))
            elif len(toks[i]) == 4 and MIN_YEAR <= vals[i] <= MAX_YEAR:
                loose_year = True
        elif k == _MON or k == _HMON or k == _HEAD:
            r = _month_first(toks, kinds, vals, sps, i)
            if r is not None:
                end, rec = r
                if rec is not None:
                    dates.append((i, end, *rec))
                i = max(end, i + 1)
                continue
        elif k == _REL_PRE:
            if toks[i] == "قبل" and kinds[i + 1] == _RELDAY and vals[i + 1] == -1:  # قبل أمس
                if rel is None:
                    rel = (i, i + 2, "day", -2)
                i += 2
                continue
            ra = _rel_amount(toks, kinds, vals, i + 1)
            if ra is not None:
                if rel is None:
                    rel = (i, ra[1], "ago", ra[0])
                i = ra[1]
                continue
        elif k == _NUMW or k == _UNIT:
            ra = _rel_amount(toks, kinds, vals, i)
            if ra is not None and kinds[ra[1]] == _REL_POST:
                if rel is None:
                    rel = (i, ra[1] + 1, "ago", ra[0])
                i = ra[1] + 1
                continue
        elif k == _RELDAY:
            days = vals[i]
            end = i + 1
            if days == -1 and kinds[end] == _FIRST:  # أمس الأول
                days, end = -2, end + 1
            if rel is None:
                rel = (i, end, "bad" if _day_in_phrase(toks, kinds, i) else "day", days)
            i = end
            continue
        elif k == _FIRST:
            j = i + 1
            if kinds[j] == _OF:
                j += 1
            if kinds[j] == _RELDAY and vals[j] == -1:  # أول أمس, أول من أمس
                if rel is None:
                    rel = (i, j + 1, "day", -2)
                i = j + 1
                continue
        elif k == _NOW:
            if rel is None:
                rel = (i, i + 1, "ago", [])
        elif k == _WDAY:
            if kinds[i + 1] == _LAST:
                if rel is None:
                    rel = (i, i + 2, "weekday", vals[i])
                i += 2
                continue
        elif k == _HOURW:
            t = _word_time(toks, kinds, vals, sps, i)
            if t is not None:
                times.append((i, t[0], *t[1]))
                i = t[0]
                continue
        elif k == _ZONE or k == _TZWORD:
            z = _zone_at(toks, kinds, vals, sps, i)
            if z is not None:
                if zone is None:
                    zone = z[0]
                i = z[1]
                continue
        i += 1
    return dates, times, zone, rel, loose_year


_WEEKDAY_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _weekday_before(kinds, vals, start):
    """The weekday named just before a date (``الأربعاء، 22 نوفمبر``), across a comma, dash or label."""
    j = start - 1
    while j >= 0 and start - j <= 3:
        k = kinds[j]
        if k == _WDAY:
            return vals[j]
        if k != _COMMA and k != _DSEP and k != _FILL:
            return None
        j -= 1
    return None


def _time_for(times, start, end, lo, hi):
    """The first time between ``end`` and ``hi``, else the last between ``lo`` and ``start``."""
    before = None
    for t in times:
        if t[0] >= end:
            return t if t[0] < hi else before
        if t[0] >= lo and t[1] <= start:
            before = t
    return before


def _local(y, m, d, h, mi, s, us, tz):
    """Wall time in ``tz``: fold=0 in a fold; moved forward by the gap in a gap (see module doc)."""
    # In a gap, fold=0 reads the wall time with the offset before the change; the round trip through
    # UTC turns it into the real wall time after it. Elsewhere, in folds included, it changes nothing.
    return datetime(y, m, d, h, mi, s, us, tzinfo=tz).astimezone(_UTC).astimezone(tz)


def _build(y, m, d, t, zone, tz):
    """Aware datetime in ``tz`` from a date, an optional time record and a zone; and its precision."""
    if t is None:  # a calendar date is that date wherever it was written: its zone is not applied
        h = mi = s = us = 0
        zone = None
    else:
        h, mi, s, us = t[2], t[3], t[4], t[5]
    extra = None
    if h == 24:
        h, extra = 0, timedelta(days=1)
    if zone is None or zone == _LOCAL:
        dt = _local(y, m, d, h, mi, s, us, tz)
        if extra is not None:
            dt = (dt + extra).astimezone(_UTC).astimezone(tz)
        return dt, (_DATE if t is None else _TIME)
    if isinstance(zone, str):  # a named place keeping summer time: its wall time, then tz
        zi = _zone(zone)
        dt = _local(y, m, d, h, mi, s, us, zi)
        if extra is not None:
            dt = (dt + extra).astimezone(_UTC).astimezone(zi)
        return dt.astimezone(tz), (_DATE if t is None else _OFFSET)
    dt = datetime(y, m, d, h, mi, s, us, tzinfo=_fixed(zone))
    if extra is not None:
        dt += extra
    return dt.astimezone(tz), (_DATE if t is None else _OFFSET)


def _now_local(now, tz):
    if now is None:
        return datetime.now(tz)
    if now.tzinfo is None or now.utcoffset() is None:
        return _local(now.year, now.month, now.day, now.hour, now.minute, now.second, now.microsecond, tz)
    return now.astimezone(tz)


def _add_months(dt: datetime, months: int) -> datetime:
    total = dt.year * 12 + dt.month - 1 + months
    y, m = divmod(total, 12)
    m += 1
    last = 28 if m == 2 and not _valid_day(y, 2, 29) else _DAYS_IN_MONTH[m]
    return dt.replace(year=y, month=m, day=min(dt.day, last))


def _relative(rel, times, now_local, tz):
    kind, payload = rel[2], rel[3]
    if kind == "ago":
        secs = 0.0
        months = 0
        for unit, count in payload:
            if unit in _UNIT_SECONDS:
                secs += _UNIT_SECONDS[unit] * count
            elif count == int(count):
                months += int(count) * (12 if unit == "years" else 1)
            else:
                secs += _MONTH_DAYS[unit] * 86400 * count
        if months > _MAX_BACK_MONTHS or secs > _MAX_BACK_MONTHS * 31 * 86400:
            return None
        value = now_local
        if months:
            naive = _add_months(now_local.replace(tzinfo=None), -months)
            value = _local(*naive.timetuple()[:6], naive.microsecond, tz)
        if secs:
            value = (value.astimezone(_UTC) - timedelta(seconds=secs)).astimezone(tz)
        return value
    if kind == "day":
        day = now_local.date() + timedelta(days=payload)
    else:  # weekday
        today = now_local.date()
        back = (today.weekday() - payload) % 7 or 7
        day = today - timedelta(days=back)
    t = _time_for(times, rel[0], rel[1], 0, 1 << 30)
    value, _ = _build(day.year, day.month, day.day, t, t[6] if t is not None else None, tz)
    return value


def _no_year(m, d, t, zone, now_local, tz):
    """The most recent (m, d) not after now's date."""
    today = now_local.date()
    y = today.year if (m, d) <= (today.month, today.day) else today.year - 1
    for _ in range(8):  # 29 February: back to the last leap year
        if _valid_day(y, m, d):
            return _build(y, m, d, t, zone, tz)
        y -= 1
    return None


def _iso(text: str, tz) -> tuple | None:
    """``datetime.fromisoformat`` for strict ISO 8601 text (``2023-11-22``, ``2023-11-22T13:47:00``,
    ``…+02:00``, ``…Z``); None sends the text to the general parser."""
    if text[-1] in "Zz":
        text = text[:-1] + "+00:00"
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    if not MIN_YEAR <= dt.year <= MAX_YEAR:
        return None
    date_only = len(text) == 10
    if dt.tzinfo is None:
        value = _local(dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond, tz)
        return (value, _DATE if date_only else _TIME, "iso", ())
    return (dt.astimezone(tz), _DATE if date_only else _OFFSET, "iso", ())


def _parse(text, now, tz) -> tuple | None:
    """(value, precision, form, warnings) or None; see :class:`ParsedDate`."""
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        else:
            return None
    if len(text) > MAX_CHARS:
        text = text.lstrip()[:MAX_CHARS]
    tzi = _zone(tz) if isinstance(tz, str) else tz
    if 10 <= len(text) <= 40 and text[4:5] == "-" and text[:4].isdigit() and text.isascii():
        iso = _iso(text, tzi)  # fast path for the most common machine form
        if iso is not None:
            return iso
    kinds, vals, toks, sps = _tokenize(text)
    dates, times, zone, rel, loose_year = _scan(toks, kinds, vals, sps)
    warnings: tuple[str, ...] = ()

    greg = hijri = weak = None
    for idx, rec in enumerate(dates):
        cal, y = rec[2], rec[3]
        if cal == "g":
            if y is None:
                if weak is None and _valid_day(2000, rec[4], rec[5]):
                    weak = idx
            elif greg is None and MIN_YEAR <= y <= MAX_YEAR and _valid_day(y, rec[4], rec[5]):
                greg = idx
        elif hijri is None and 1343 <= y <= 1500 and 1 <= rec[4] <= 12 and 1 <= rec[5] <= 30:
            try:
                g = Hijri(y, rec[4], rec[5]).to_gregorian()
            except (ValueError, OverflowError):  # a 30th in a 29-day month
                continue
            hijri = (idx, g.year, g.month, g.day)

    chosen = greg if greg is not None else hijri[0] if hijri is not None else weak
    if chosen is None and dates:
        return None  # only impossible dates (31/نوفمبر/2023): never today or a clock time instead
    if chosen is not None and chosen == weak and loose_year:
        return None  # "22 نوفمبر … 2020" in a layout not understood: the year is there, but whose?
    if chosen is not None:
        rec = dates[chosen]
        lo = dates[chosen - 1][1] if chosen > 0 else 0
        hi = dates[chosen + 1][0] if chosen + 1 < len(dates) else 1 << 30
        t = _time_for(times, rec[0], rec[1], lo, hi)
        z = t[6] if t is not None and t[6] is not None else zone
        if chosen == greg:
            y, m, d = rec[3], rec[4], rec[5]
            form = rec[6]
            if hijri is not None:
                gap = abs((date(y, m, d) - date(hijri[1], hijri[2], hijri[3])).days)
                if gap > 1:
                    h = dates[hijri[0]]
                    warnings = (
                        f"hijri_mismatch: {h[5]}/{h[4]}/{h[3]} AH is {hijri[1]:04d}-{hijri[2]:02d}-"
                        f"{hijri[3]:02d}, {gap} days from the Gregorian {y:04d}-{m:02d}-{d:02d}",
                    )
                    logger.warning("Hijri and Gregorian dates disagree in %r: %s", text[:200], warnings[0])
        elif hijri is not None and chosen == hijri[0]:
            y, m, d = hijri[1], hijri[2], hijri[3]
            form = "hijri"
        else:
            built = _no_year(rec[4], rec[5], t, z, _now_local(now, tzi), tzi)
            if built is None:
                return None
            return (built[0], built[1], "text" if rec[6] == "text_en" else rec[6], ())
        if form == "text_en":
            form = "rfc822" if z is not None and t is not None else "text"
        wday = _weekday_before(kinds, vals, rec[0])
        if wday is not None and wday != date(y, m, d).weekday():
            real = _WEEKDAY_EN[date(y, m, d).weekday()]
            warnings += (f"weekday_mismatch: {y:04d}-{m:02d}-{d:02d} is a {real}, the text names {_WEEKDAY_EN[wday]}",)
            logger.warning("Weekday and date disagree in %r: %s", text[:200], warnings[-1])
        value, precision = _build(y, m, d, t, z, tzi)
        return (value, precision, form, warnings)

    if rel is not None and rel[2] == "bad":
        return None  # اليوم in a phrase (اليوم التالي): some other day, unknown
    if rel is not None:
        value = _relative(rel, times, _now_local(now, tzi), tzi)
        if value is None or not MIN_YEAR <= value.year <= MAX_YEAR:
            return None
        return (value, _RELATIVE, "relative", ())

    if times and _WDAY in kinds:
        return None  # "الأربعاء 11:30 ص": which Wednesday is not said (a weekday is no date; see module doc)
    if times and not loose_year:  # a bare clock time: the most recent such time not after now
        t = times[0]
        z = t[6] if t[6] is not None else zone
        now_local = _now_local(now, tzi)
        if z is None or z == _LOCAL:
            ref = now_local
        else:
            ref = now_local.astimezone(_zone(z) if isinstance(z, str) else _fixed(z))
        value, _ = _build(ref.year, ref.month, ref.day, t, z, tzi)
        if value > now_local:
            prev = ref.date() - timedelta(days=1)
            value, _ = _build(prev.year, prev.month, prev.day, t, z, tzi)
        return (value, _RELATIVE, "relative", ())
    return None


def parse_date_detail(text: str, *, now: datetime | None = None, tz: str = "Africa/Cairo") -> ParsedDate | None:
    """Parse ``text`` into a :class:`ParsedDate` (value aware, in ``tz``), or None if it holds no date.

    ``now`` (default: the current time) resolves relative forms and day-month dates without a year; a
    naive ``now`` is local to ``tz``. Never raises.
    """
    try:
        found = _parse(text, now, tz)
    except Exception:  # a bug must not stop a crawl; normal failures return None without raising
        logger.debug("parse_date failed on %r", text[:200] if isinstance(text, str) else text, exc_info=True)
        return None
    if found is None:
        return None
    return ParsedDate(*found)


def parse_date(text: str, *, now: datetime | None = None, tz: str = "Africa/Cairo") -> datetime | None:
    """An aware datetime in ``tz`` read from ``text``, or None when it holds no date. Never raises."""
    try:
        found = _parse(text, now, tz)
    except Exception:  # as in parse_date_detail
        logger.debug("parse_date failed on %r", text[:200] if isinstance(text, str) else text, exc_info=True)
        return None
    return None if found is None else found[0]
