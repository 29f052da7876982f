"""Writers' names: a byline split into names, and an opinion column's writer read from its headline.

Pure: no Scrapy import. The rules a reader must not break:

- A headline names a writer only with the verb and a separator: ``<name> يكتب: …`` / ``<name> تكتب: …``
  (also ``يكتب :``, ``يكتب|``, ``يكتب -``). A headline with a colon and no verb (``الكرملين: …``) names no
  writer, nor does the verb inside a sentence (``محمد صلاح يكتب التاريخ``).
- The name is kept as printed, titles included (``د. محمد الباز``, ``الدكتور …``): a byline prints it so.
  It has two words or more besides the title (``مصر تكتب: تاريخا جديدا`` names no writer).
- A byline is split on ``،`` ``,`` ``؛`` ``;`` ``/``, on a free-standing ``و`` and on a ``و`` glued to a name
  when both sides hold two words or more (``أحمد سمير ونهى محمود``); a first name that starts with و
  (``وليد``, ``وائل``) is never cut off (``WAW_NAMES``).
"""

from __future__ import annotations

import re

from newscrawl.text.arabic import clean_text, match_key

#: The desk's own signature (SITE.md: desk stories are signed البوابة نيوز), by match key.
DESK_NAMES = frozenset({match_key("البوابة نيوز"), match_key("البوابه نيوز"), "albawabhnews", "albawabh news"})

#: Titles that may stand before a writer's name in a headline (kept in the name).
_TITLE = (
    r"(?:(?:[دأا]\s?\.\s?|الدكتورة?\s+|دكتورة?\s+|المستشارة?\s+|اللواء\s+|السفيرة?\s+|المهندسة?\s+"
    r"|الأستاذة?\s+)\s*)"
)
#: One word of a name: Arabic letters (or Latin), no digits, no punctuation but a hyphen or an apostrophe.
_WORD = r"[^\W\d_][^\s\d:：|؛;،,.!?؟«»\"“”()]*"
HEADLINE_WRITER = re.compile(
    rf"^\s*(?P<name>{_TITLE}?{_WORD}(?:\s+{_WORD}){{0,4}})\s+(?:يكتب|تكتب)\s*(?:[:：|]|\s[-–—]\s)\s*(?P<rest>\S.*)$"
)
#: Words that start a headline clause, never a name (``وزير الخارجية يكتب:`` is a writer; these are not).
NOT_NAME_WORDS = frozenset({"من", "عن", "في", "على", "الى", "الي", "ان", "لماذا", "كيف", "هل", "ماذا", "متى"})

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
    if len(re.sub(rf"^{_TITLE}", "", name).split()) < 2:  # ``مصر تكتب: …`` is a figure of speech, not a writer
        return None
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
