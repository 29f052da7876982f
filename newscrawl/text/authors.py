"""Writers' names: a byline split into names, and an opinion column's writer read from its headline.

Pure: no Scrapy import. The rules a reader must not break:

- A headline names a writer only with the verb and a separator: ``<name> يكتب: …`` / ``<name> تكتب: …``
  (also ``يكتب :``, ``يكتب|``, ``يكتب -``, ``يكتب–``, ``يكتب..``, ``يكتب …``), optionally with where it is
  written for (``يكتب ل«البوابة نيوز»:``, ``يكتب لـ"البوابة نيوز":``), name and verb in quotes
  (``«محمد الباز يكتب»: …``) and a label first (``مقال| …``, ``رأي | …``, dropped). A headline with a colon and
  no verb (``الكرملين: …``) names no writer, nor does the verb inside a sentence (``محمد صلاح يكتب التاريخ``).
- The name is kept as printed, titles included and repeatable (``د. محمد الباز``, ``أ.د. محمد عثمان الخشت``,
  ``اللواء أ.ح محمد الغباري``, ``الكاتب الصحفي عبد الرحيم علي``: job titles are not stripped, a byline
  prints them so). It has two words or more besides the titles (``مصر تكتب: تاريخا جديدا`` names no writer).
- Not a person, so no writer: a phrase whose words all start with ``ال`` besides the titles
  (``الذكاء الاصطناعي``; ``عبد الرحيم علي`` passes), a collective first word (``جمهور الأهلي``,
  ``NOT_NAME_FIRST_WORDS``), a function word anywhere (``هذا ما يكتب:``, ``NOT_NAME_WORDS``). ``الرئيس`` is
  not a title: ``الرئيس السيسي يكتب: …`` reports what a public figure wrote (a reporter's story), not a column,
  so it gives None. ``السيد``/``الشيخ`` are titles, so ``السيد البدوي`` (one word left) gives None too.
- A byline is split on ``،`` ``,`` ``؛`` ``;`` ``/``, on a free-standing ``و`` and on a ``و`` glued to a name
  when both sides hold two words or more (``أحمد سمير ونهى محمود``); a first name that starts with و
  (``وليد``, ``وائل``) is never cut off (``WAW_NAMES``).
"""

from __future__ import annotations

import re

from newscrawl.text.arabic import clean_text, match_key

#: The desk's own signature (SITE.md: desk stories are signed البوابة نيوز), by match key.
DESK_NAMES = frozenset({match_key("البوابة نيوز"), match_key("البوابه نيوز"), "albawabhnews", "albawabh news"})
#: How a byline that is the desk's, or starts as it, begins: ``البوابة نيوز - وكالات``, ``بوابة نيوز``; the
#: site's domain anywhere (``www.albawabhnews.com``). Spaceless match keys.
_DESK_STARTS = tuple(sorted(
    {name.replace(" ", "") for name in DESK_NAMES} | {match_key("بوابة نيوز").replace(" ", "")}
))

#: Titles that may stand before a writer's name in a headline (kept in the name, repeatable:
#: ``أ.د.``, ``اللواء أ.ح``, ``الكاتب الصحفي``).
_TITLE = (
    r"(?:(?:أ\s?\.\s?ح\b\.?\s*|[دأام]\s?\.\s?|الدكتورة?\s+|دكتورة?\s+|المستشارة?\s+|اللواء\s+|السفيرة?\s+"
    r"|المهندسة?\s+|الأستاذة?\s+|الاستاذة?\s+|الشيخ\s+|السيدة?\s+|الكاتبة?\s+(?:الصحفية?\s+)?)\s*)"
)
#: One word of a name: Arabic letters (or Latin), no digits, no punctuation but an apostrophe (a dash is a separator).
_WORD = r"[^\W\d_][^\s\d:：|؛;،,.…!?؟«»\"“”()\-–—]*"
#: A label before the headline's name (``مقال| …``, ``رأي: …``): dropped.
_LABEL = r"(?:(?:مقال(?:\s+رأي)?|رأي|راي|وجهة\s+نظر|آراء|اراء)\s*[|:：]\s*)?"
#: Where the column is written for (``يكتب ل«البوابة نيوز»``, ``يكتب لـ"البوابة نيوز"``, ``يكتب للبوابة``).
_FOR = r"(?:\s*(?:لـ?\s*[«\"“][^«»\"“”]{1,40}[»\"”]|لل?بوابة(?:\s+نيوز)?|لـ?\s*البوابة(?:\s+نيوز)?))?"
#: What follows the verb: a colon, a bar, a dash (spaced or not), ``..`` or ``…``.
_SEPARATOR = r"(?:\s*[:：|]|\s*[-–—]|\s*\.{2,}|\s*…)"
HEADLINE_WRITER = re.compile(
    rf"^\s*{_LABEL}[«\"“]?\s*(?P<name>{_TITLE}*{_WORD}(?:\s+{_WORD}){{0,4}})\s+(?:يكتب|تكتب){_FOR}\s*[»\"”]?"
    rf"{_SEPARATOR}\s*(?P<rest>\S.*)$"
)
#: Words that start a headline clause, never in a name (``وزير الخارجية يكتب:`` is a writer; these are not).
#: Not ``على``: its match key is the name ``علي`` (``عبد الرحيم علي``).
NOT_NAME_WORDS = frozenset(
    match_key(word)
    for word in (
        *("من", "عن", "في", "الى", "الي", "ان", "لماذا", "كيف", "هل", "ماذا", "متى", "هذا", "هذه"),
        *("ما", "ذلك", "تلك", "هكذا", "هنا", "هناك", "عندما", "حين", "كل", "قد", "لا", "لم", "لن", "إذا"),
        *("اذا", "لو", "التي", "الذي", "الذين", "بعد", "قبل", "حتى", "ليس", "يا"),
    )
)
#: Collective nouns that start a figure of speech (``جمهور الأهلي يكتب: …``), never a writer's first word.
NOT_NAME_FIRST_WORDS = frozenset(
    match_key(word)
    for word in (
        *("جمهور", "جماهير", "شعب", "الشعب", "التاريخ", "العالم", "مصر", "جيل", "أهالي", "أبناء", "طلاب"),
        *("عشاق", "محبو", "محبي", "لاعبو", "لاعبي", "نجوم", "الجمهور", "الجماهير", "المصريون", "الزمن"),
    )
)
_TITLE_RE = re.compile(rf"^{_TITLE}*")


#: Byline separators that always separate names.
NAME_SEPARATORS = re.compile(r"\s*(?:[،,؛;/]|\s+و\s+|\s+and\s+|\s*&\s*)\s*", re.IGNORECASE)
#: A و glued to the next word: the conjunction, when the names on both sides hold two words or more.
GLUED_WAW = re.compile(r"\s+و(?=\S)")
#: First names that begin with و: a glued و before them is the conjunction only if doubled (``ووليد``).
WAW_NAMES = frozenset(
    match_key(name)
    for name in (
        "وليد",
        "وائل",
        "وفاء",
        "وسام",
        "وجيه",
        "وحيد",
        "وديع",
        "وداد",
        "وهبة",
        "وجدي",
        "ولاء",
        "وئام",
        "وردة",
        "ورد",
        "وصفي",
        "وفيق",
        "وهيب",
        "وجدان",
        "وسيم",
        "وافي",
        "وحيدة",
        "ودود",
        "وضاح",
        "وعد",
        "وصال",
        "ولید",
    )
)


def is_desk_name(name: str | None) -> bool:
    """True for the desk's own signature (``البوابة نيوز``), which is not a person's name."""
    return bool(name) and match_key(name) in DESK_NAMES


#: No byline of people's names is longer: a "writer box" beyond it holds something else.
MAX_BYLINE = 200


def looks_like_url(value: str | None) -> bool:
    """True for a link rather than a name (a profile URL in ``article:author``), with a scheme or not."""
    return bool(value) and value.strip().lower().startswith(("http://", "https://", "//", "www."))


def may_be_a_person(name: str | None) -> bool:
    """False for a byline that cannot be one person's name: the desk's signature or one that starts with it
    (``البوابة نيوز - وكالات``), the site's domain or another link, one holding digits (``البوابة نيوز
    22/11/2023``), or one longer than :data:`MAX_BYLINE`. A page naming the portal in every head (``<meta
    name="author">``) leaves the writer box's name to be found."""
    if not name or len(name) > MAX_BYLINE or looks_like_url(name) or any(ch.isdigit() for ch in name):
        return False
    key = match_key(name).replace(" ", "")
    return bool(key) and not key.startswith(_DESK_STARTS) and "albawabhnews" not in key


def writer_from_headline(headline: str | None) -> str | None:
    """The writer an opinion column's headline names (``د. أحمد سمير يكتب: …`` -> ``د. أحمد سمير``), or None."""
    text = clean_text(headline or "")
    match = HEADLINE_WRITER.match(text)
    if not match:
        return None
    name = " ".join(match.group("name").split())
    words = [match_key(word) for word in name.split()]
    if any(word in NOT_NAME_WORDS for word in words) or is_desk_name(name):
        return None
    bare = [match_key(word) for word in _TITLE_RE.sub("", name).split()]
    if len(bare) < 2:  # ``مصر تكتب: …`` is a figure of speech, not a writer
        return None
    if bare[0] in NOT_NAME_FIRST_WORDS:  # ``جمهور الأهلي يكتب: …``
        return None
    if all(word.startswith("ال") for word in bare):  # ``عبد الرحيم علي`` has a word without ال
        return None  # ``الذكاء الاصطناعي يكتب: …``: a noun phrase, not a person
    return name


def split_names(byline: str | None) -> list[str]:
    """The names of a byline (see the module docstring), cleaned, duplicates dropped, page order."""
    names: list[str] = []
    for part in NAME_SEPARATORS.split(clean_text(byline or "")):
        for name in _split_glued_waw(part.strip()):
            if name and name not in names:
                names.append(name)
    return names


def _split_glued_waw(part: str) -> list[str]:
    """``أحمد سمير ونهى محمود`` -> two names; ``محمد وليد`` and ``أحمد سمير وليد`` stay one."""
    for match in GLUED_WAW.finditer(part):
        left, right = part[: match.start()].strip(), part[match.end() :].strip()
        if match_key("و" + right.split()[0]) in WAW_NAMES:
            continue  # a name that starts with و (``وليد``), not the conjunction; ``ووليد`` is both
        if len(left.split()) >= 2 and len(right.split()) >= 2:
            return [left, *_split_glued_waw(right)]
    return [part] if part else []
