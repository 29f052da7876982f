"""Arabic text normalization: cleaning body text, normalizing metadata, keys for label matching.

Three levels, from lightest to heaviest:

- :func:`clean_text` (body text): spaces normalized, invisible marks removed; every letter, digit and
  diacritic stays as the site wrote it.
- :func:`normalize_metadata` (tags, keywords, section): ``clean_text`` plus Persian letters folded to
  their Arabic forms and tatweel removed.
- :func:`match_key` (comparison only, never output): diacritics and tatweel removed, hamza forms of
  alef, alef maqsura and taa marbuta unified, punctuation at the ends stripped.

Pure functions, no Scrapy import. Every function is a single pass of ``str.translate`` or of a regex
without nested quantifiers, so linear in the length of its input.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Characters that render as nothing: direction marks and embeddings/isolates (LRM, RLM, ALM, LRE..RLO,
#: LRI..PDI), zero-width space/joiners, word joiner, BOM/ZWNBSP, soft hyphen. Removed from all text.
INVISIBLE_MARKS = frozenset(
    "\u200b\u200c\u200d"  # zero-width space, non-joiner, joiner
    "\u200e\u200f"  # left-to-right / right-to-left mark
    "\u202a\u202b\u202c\u202d\u202e"  # LRE, RLE, PDF, LRO, RLO
    "\u2066\u2067\u2068\u2069"  # LRI, RLI, FSI, PDI
    "\u061c"  # Arabic letter mark
    "\u2060"  # word joiner
    "\ufeff"  # byte-order mark / zero-width no-break space
    "\u00ad"  # soft hyphen
)

#: Control characters other than whitespace: never part of text, removed.
CONTROL_CHARS = frozenset(chr(c) for c in range(0x20) if chr(c) not in "\t\n\r\f\v") | {"\x7f"}

#: Lone UTF-16 surrogates (U+D800..U+DFFF). Not characters: a JSON ``"\\ud800"`` escape decodes to one,
#: and a string holding one cannot be written as UTF-8 (the feed export fails). Removed from all text.
SURROGATES = frozenset(chr(c) for c in range(0xD800, 0xE000))

#: Space characters that become a plain space: no-break, thin, en/em and the other Unicode spaces.
UNICODE_SPACES = frozenset(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\t\n\r\f\v"
)

#: Tatweel (kashida), the elongation stroke: typographic only.
TATWEEL = "\u0640"

#: Arabic diacritics: tanween, harakat, shadda, sukun, the extended marks up to U+065F, dagger alef.
DIACRITICS = frozenset(chr(c) for c in range(0x064B, 0x0660)) | {"\u0670"}

#: Letters of Persian/Urdu keyboards that stand for an Arabic letter (machine-made tag lists write
#: ``الجماعی فی`` for ``الجماعي في``). Folded in metadata and in aggregator copies.
PERSIAN_TO_ARABIC = {
    "\u06cc": "\u064a",  # ی Farsi yeh -> ي
    "\u06d0": "\u064a",  # ې -> ي
    "\u06cd": "\u064a",  # ۍ -> ي
    "\u06a9": "\u0643",  # ک keheh -> ك
    "\u06be": "\u0647",  # ھ heh doachashmee -> ه
    "\u06c1": "\u0647",  # ہ heh goal -> ه
    "\u06d5": "\u0647",  # ە ae -> ه
    "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
    "\u06c3": "\u0629",  # ۃ taa marbuta goal -> ة
}

#: Letter unification for match keys only: hamza forms of alef, alef maqsura, taa marbuta.
KEY_LETTERS = {
    "\u0623": "\u0627",  # أ
    "\u0625": "\u0627",  # إ
    "\u0622": "\u0627",  # آ
    "\u0671": "\u0627",  # ٱ
    "\u0649": "\u064a",  # ى -> ي
    "\u0629": "\u0647",  # ة -> ه
}

_CLEAN_TABLE = str.maketrans(
    {**{c: None for c in INVISIBLE_MARKS | CONTROL_CHARS | SURROGATES}, **{c: " " for c in UNICODE_SPACES}}
)
_METADATA_TABLE = str.maketrans({TATWEEL: None, **PERSIAN_TO_ARABIC})
_PERSIAN_TABLE = str.maketrans(PERSIAN_TO_ARABIC)
_KEY_TABLE = str.maketrans(
    {
        **{c: None for c in DIACRITICS},
        TATWEEL: None,
        **PERSIAN_TO_ARABIC,
        **KEY_LETTERS,
    }
)
_SPACES_RE = re.compile(r"\s+")
#: What clean_text removes, as one character class: searched first, so text without any (nearly all of
#: it) is not copied; ``str.translate`` with a dict table costs a dict look-up per character.
_REMOVED_RE = re.compile("[" + "".join(re.escape(c) for c in sorted(INVISIBLE_MARKS | CONTROL_CHARS))
                         + "\ud800-\udfff]")
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE_MARKS)) + "]")
_PERSIAN_RE = re.compile("[" + "".join(sorted(PERSIAN_TO_ARABIC)) + "]")
_METADATA_RE = re.compile("[" + TATWEEL + "".join(sorted(PERSIAN_TO_ARABIC)) + "]")

#: Punctuation stripped from the ends of a match key: colons (Latin, Arabic-context, full-width),
#: semicolons, dashes, dots, commas, bullets, arrows and guillemets.
KEY_EDGE_PUNCTUATION = " :：;؛,،.·•●▪■□◆►▶◀<>«»-–—_|/\\*#~()[]{}\"'“”‘’!?؟…"


def collapse_spaces(text: str) -> str:
    """Runs of whitespace as one space, the ends stripped: what ``re.sub(r"\\s+", " ", text).strip()`` gives
    (``str.split()`` splits on exactly what ``\\s`` matches, ``str.isspace()``; tests/test_extraction.py
    checks every code point), at a third of the cost."""
    return " ".join(text.split())


def clean_text(text: str | None) -> str:
    """Body-level cleaning: one line of text with normalized spaces and no invisible marks.

    Unicode spaces become plain spaces, runs of whitespace collapse to one space, the ends are
    stripped; direction marks, zero-width characters, BOMs, soft hyphens, control characters and lone
    surrogates are removed. Letters, digits (Arabic-Indic included) and diacritics are kept as written.
    """
    if not text:
        return ""
    if _REMOVED_RE.search(text) is not None:
        text = _REMOVED_RE.sub("", text)
    # Every char of UNICODE_SPACES is whitespace: collapsing turns them into single spaces too.
    return collapse_spaces(text)


def has_invisible_marks(text: str | None) -> bool:
    """True if ``text`` holds any of :data:`INVISIBLE_MARKS`."""
    return bool(text) and _INVISIBLE_RE.search(text) is not None


def has_persian_letters(text: str | None) -> bool:
    """True if ``text`` holds any letter of :data:`PERSIAN_TO_ARABIC`."""
    return bool(text) and _PERSIAN_RE.search(text) is not None


def fold_persian(text: str) -> str:
    """Persian/Urdu keyboard letters replaced by the Arabic letters they stand for (ی→ي, ک→ك)."""
    return text.translate(_PERSIAN_TABLE)


def normalize_metadata(text: str | None) -> str:
    """Metadata-level cleaning (tags, keywords, section): :func:`clean_text`, Persian letters folded,
    tatweel removed."""
    text = clean_text(text)
    if _METADATA_RE.search(text) is None:  # nothing to fold or remove: cleaning clean text changes nothing
        return text
    return clean_text(text.translate(_METADATA_TABLE))


def match_key(text: str | None) -> str:
    """A comparison key: equal for spellings that differ only in hamza, tanween, tatweel, diacritics,
    alef maqsura / taa marbuta, Persian letters, case, spacing or punctuation at the ends.

    ``match_key("إقرأ أيضـاً:") == match_key("اقرا ايضا") == "اقرا ايضا"``. Never shown to users.
    """
    key = clean_text(text).translate(_KEY_TABLE).lower()
    return _SPACES_RE.sub(" ", key).strip(KEY_EDGE_PUNCTUATION)


# -- boilerplate ------------------------------------------------------------------------------------

#: What a "follow us" line asks to follow: the news (``أحدث الأخبار``, ``آخر أخبار البوابة نيوز``) or the portal.
_NEWS = r"(?:احدث|اخر|اهم|كل) (?:ال)?اخبار(?: البوابه(?: نيوز)?)?"
_FOLLOWED = r"(?:" + _NEWS + r"|البوابه(?: نيوز)?)"
#: Whole-line boilerplate, matched against :func:`match_key` of the line (so without hamza and with
#: ``ة`` as ``ه``). The Google-News widget line (``تابع أحدث الأخبار عبر تطبيق``, with or without
#: ``google news`` / ``جوجل نيوز`` after it) and the editors' in-body forms of it (``تابعوا آخر أخبار البوابة
#: نيوز عبر Google News``, ``لمتابعة أحدث الأخبار تابع البوابة نيوز على جوجل نيوز``); ad-slot labels.
BOILERPLATE_PATTERNS = {
    "google_news_widget": re.compile(
        r"^(?:ل?متابعه " + _NEWS + r"[،,]? )?تابع(?:وا|ونا)? " + _FOLLOWED
        + r" (?:عبر|علي|من خلال|في) (?:(?:تطبيق|تطبيقات)(?: (?:google news|google|جوجل نيوز|جوجل))?"
        r"|google news|جوجل نيوز)$"
    ),
    "ad_label": re.compile(
        r"^(?:advertisements?|ads|advert|sponsored|اعلان|اعلانات|اعلان ممول|مساحه اعلانيه)$"
    ),
}


#: No boilerplate line has a longer key; the beginning of a text read first to tell a longer one.
BOILERPLATE_MAX_KEY = 80
BOILERPLATE_PROBE = 2 * BOILERPLATE_MAX_KEY
#: How every key that :data:`BOILERPLATE_PATTERNS` can match begins (keep the two in step).
BOILERPLATE_STARTS = ("تابع", "متابعه", "لمتابعه", "ads", "advert", "sponsored", "اعلان", "مساحه")
BOILERPLATE_FIRST_LETTERS = frozenset(start[0] for start in BOILERPLATE_STARTS)
_LONGEST_START = max(len(start) for start in BOILERPLATE_STARTS)
#: What :func:`match_key` drops before the first letter of a key: edge punctuation, spaces, diacritics.
_BEFORE_KEY = frozenset(KEY_EDGE_PUNCTUATION) | DIACRITICS | {TATWEEL}


_FIRST_KEY_CHAR = re.compile("[^" + "".join(re.escape(c) for c in sorted(_BEFORE_KEY)) + "]")


@lru_cache(maxsize=4096)
def _may_start_boilerplate(first: str) -> bool:
    return first.translate(_KEY_TABLE).lower()[:1] in BOILERPLATE_FIRST_LETTERS


def boilerplate_kind(text: str | None, *, cleaned: bool = False) -> str | None:
    """The name of the :data:`BOILERPLATE_PATTERNS` entry ``text`` is, as a whole line, or None.

    ``cleaned``: ``text`` is already :func:`clean_text`'s output (saves cleaning it twice)."""
    if not cleaned:
        text = clean_text(text)
    # A paragraph is not read further (match_key translates all of it) unless its key could start
    # with the first letter of a pattern: the key starts with the first character match_key keeps.
    first = _FIRST_KEY_CHAR.search(text) if text else None
    if first is None or not _may_start_boilerplate(first.group()):
        return None
    # Nor unless it begins as one (the key of a text's beginning is the beginning of its key).
    window = first.start() + 3 * _LONGEST_START
    if len(text) > window and len(head := match_key(text[:window])) >= _LONGEST_START and not head.startswith(
            BOILERPLATE_STARTS):
        return None
    # Nor is a long paragraph: the key of its beginning already runs past the longest boilerplate line (a
    # text's key is at least as long as the key of any beginning of it).
    if len(text) > BOILERPLATE_PROBE and len(match_key(text[:BOILERPLATE_PROBE])) > BOILERPLATE_MAX_KEY:
        return None
    key = match_key(text)
    if not key or len(key) > BOILERPLATE_MAX_KEY:
        return None
    for name, pattern in BOILERPLATE_PATTERNS.items():
        if pattern.match(key):
            return name
    return None


def is_boilerplate(text: str | None) -> bool:
    """True if the whole of ``text`` is boilerplate: the Google-News widget line or an ad label.

    A sentence that merely contains these words is not boilerplate.
    """
    return boilerplate_kind(text) is not None


# -- leading labels ---------------------------------------------------------------------------------

#: Separators allowed between a leading label and what follows it.
LABEL_SEPARATORS = " :：;؛-–—|»«>.,،"

_SKIPPED_IN_KEY = DIACRITICS | {TATWEEL} | INVISIBLE_MARKS
#: A label key's characters from text not yet cleaned: the key table, less every space, what the key skips
#: and what clean_text removes.
_RAW_HEAD_TABLE = str.maketrans({
    **_KEY_TABLE,
    **{ord(c): None for c in _SKIPPED_IN_KEY | CONTROL_CHARS | SURROGATES | UNICODE_SPACES},
    **{point: None for point in range(0x3000 + 1) if chr(point).isspace()},
})
#: The first character :meth:`LabelSet.match` would look at, found in the raw text: what clean_text removes
#: (marks, controls, surrogates) and what becomes a space are passed over like edge punctuation.
_LABEL_FIRST_CHAR = re.compile(
    "[^\\s"
    + "".join(re.escape(c) for c in sorted(set(KEY_EDGE_PUNCTUATION) | _SKIPPED_IN_KEY | CONTROL_CHARS))
    + "\ud800-\udfff]"
)


def _label_key(label: str) -> str:
    """The spaceless match key of a label (``"إقرأ أيضاً"`` → ``"اقراايضا"``)."""
    return match_key(label).replace(" ", "")


class LeadingLabel:
    """The result of :func:`match_leading_label`: which label, what follows it, how it was attached."""

    __slots__ = ("name", "rest", "separated", "colon")

    def __init__(self, name: str, rest: str, separated: bool, colon: bool = False):
        #: The name the matched label maps to (e.g. ``"read_also"``).
        self.name = name
        #: The cleaned text after the label and its separators (``""`` for a label alone).
        self.rest = rest
        #: False when the label is glued to the next word (``اقرأ أيضاًالجارديان``).
        self.separated = separated
        #: True when a colon follows the label (``اقرأ أيضا: …``).
        self.colon = colon

    @property
    def alone(self) -> bool:
        return not self.rest

    def __repr__(self) -> str:
        return f"LeadingLabel({self.name!r}, {self.rest!r}, separated={self.separated}, colon={self.colon})"


class LabelSet:
    """Labels matched at the start of a text, insensitive to hamza, tanween and other diacritics,
    tatweel, alef maqsura / taa marbuta, Persian letters, inner spacing and a trailing colon.

    ``labels`` maps each spelling to a name; spellings reducing to the same key are one label.
    Matching reads at most the length of the longest label, so it is cheap on long paragraphs.
    """

    def __init__(self, labels: dict[str, str]):
        keyed = {_label_key(spelling): name for spelling, name in labels.items()}
        #: Longest first, so ``مواضيع ذات صلة`` wins over ``ذات صلة``.
        self._keys = sorted(keyed.items(), key=lambda kv: -len(kv[0]))
        self._key_tuple = tuple(key for key, _ in self._keys)
        self._longest = max((len(k) for k in keyed), default=0)
        self._first_chars = frozenset(key[0] for key in keyed)
        self._may_start = lru_cache(maxsize=4096)(self._starts_a_key)

    def _starts_a_key(self, first: str) -> bool:
        return first.translate(_KEY_TABLE).lower()[:1] in self._first_chars

    def match(self, text: str | None) -> LeadingLabel | None:
        """The label ``text`` starts with (after leading punctuation and bullets), or None."""
        # Most paragraphs start with a letter no label starts with: told before the text is cleaned.
        first = _LABEL_FIRST_CHAR.search(text) if text else None
        if first is None or not self._may_start(first.group()):
            return None
        # The head told from the text as it is, before the paragraph is cleaned: the same head (what cleaning
        # removes, the head's table drops), so a paragraph that starts no label is not cleaned at all.
        window_end = first.start() + 2 * self._longest
        head = text[first.start():window_end].translate(_RAW_HEAD_TABLE).lower()
        if (len(head) >= self._longest or window_end >= len(text)) and not head.startswith(self._key_tuple):
            return None
        text = clean_text(text)
        if not text:
            return None
        chars: list[str] = []
        ends: list[int] = []
        start = 0
        while start < len(text) and (text[start] in KEY_EDGE_PUNCTUATION or text[start] in _SKIPPED_IN_KEY):
            start += 1
        # Only a text that may start a label gets here: its head, character by character, with where each
        # character ends in the text (the label's end).
        for index in range(start, len(text)):
            ch = text[index]
            if ch.isspace() or ch in _SKIPPED_IN_KEY:
                continue
            mapped = ch.translate(_KEY_TABLE).lower()
            for m in mapped:
                chars.append(m)
                ends.append(index + 1)
            if len(chars) >= self._longest:
                break
        head = "".join(chars)
        for key, name in self._keys:
            if head.startswith(key):
                end = ends[len(key) - 1]
                while end < len(text) and text[end] in _SKIPPED_IN_KEY:  # trailing tanween: أيضاً
                    end += 1
                tail = text[end:]
                rest = tail.lstrip(LABEL_SEPARATORS)
                separator = tail[: len(tail) - len(rest)]
                colon = ":" in separator or "：" in separator
                return LeadingLabel(name, rest.strip(), separated=not rest or bool(separator), colon=colon)
        return None
