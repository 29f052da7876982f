"""Whether a text is readable in its language: a guard against mojibake and text that is not Arabic.

Pure and fast (it runs on every body): one scan for mojibake pairs (non-ASCII text only; one per legacy codec
when there are some), one more for ``ar`` (Arabic letters, counted by removing runs: one match per word), and a
count of all letters only for a text that may not be mostly Arabic. No Scrapy here.
"""

from __future__ import annotations

import re

#: An ``ar`` text is "mostly Arabic" when at least this share of its letters are Arabic letters...
MIN_ARABIC_SHARE = 0.60
#: ...judged only on texts with at least this many letters (a short title may be a foreign name).
MIN_LETTERS = 20
#: UTF-8 read as a single-byte codec turns each non-ASCII character into a two-character pair (lead +
#: continuation byte). Mojibake when such pairs make up this share of the non-ASCII characters (real text
#: has next to none: Arabic letters are not followed by cp1256's continuation-byte characters)...
MIN_MOJIBAKE_SHARE = 0.5
#: ...and there are at least this many of them.
MIN_MOJIBAKE_PAIRS = 4

LETTER = re.compile(r"[^\W\d_]")
ARABIC_LETTER = re.compile(
    "[\u0621-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufdfb\ufe70-\ufefc]"
)
#: Runs of each, for counting: removing runs makes one match per word instead of one per character, and
#: the characters removed are exactly those the single-character class matches.
_LETTER_RUN = re.compile(LETTER.pattern + "+")
_ARABIC_LETTER_RUN = re.compile(ARABIC_LETTER.pattern + "+")


def _pair_chars(codec: str, leads: range) -> tuple[str, str]:
    """The characters UTF-8 lead bytes in ``leads`` and continuation bytes 0x80-0xBF become when the bytes are
    decoded as ``codec``; bytes the codec leaves undefined are left out."""
    return (bytes(leads).decode(codec, errors="ignore"),
            bytes(range(0x80, 0xC0)).decode(codec, errors="ignore"))


def _pair_pattern(lead: str, continuation: str) -> re.Pattern[str]:
    """A lead character followed by a continuation character."""
    return re.compile(f"[{re.escape(lead)}][{re.escape(continuation)}]")


#: The codecs UTF-8 is misread as, and the lead bytes worth looking for: in windows-1256 only those of the
#: Arabic block (D8-DB, read as ط ظ ع غ), since the other leads are common Arabic letters; in latin-1 and
#: windows-1252 every two-byte lead (C2-DF, read as Â..ß).
_PAIR_CHARS = {
    "windows-1256": _pair_chars("cp1256", range(0xD8, 0xDC)),
    "windows-1252": _pair_chars("cp1252", range(0xC2, 0xE0)),
    "latin-1": _pair_chars("latin-1", range(0xC2, 0xE0)),
}
MOJIBAKE = {name: _pair_pattern(*chars) for name, chars in _PAIR_CHARS.items()}
#: Any codec's lead followed by any codec's continuation: a superset of every codec's pairs, in one scan.
ANY_MOJIBAKE = _pair_pattern("".join(lead for lead, _ in _PAIR_CHARS.values()),
                             "".join(continuation for _, continuation in _PAIR_CHARS.values()))


def mojibake_codec(text: str) -> str | None:
    """The codec that UTF-8 ``text`` was misread as (``"windows-1256"``, ``"windows-1252"``, ``"latin-1"``),
    when its characters are mostly such pairs; None otherwise."""
    if text.isascii():
        return None
    # One scan for a superset of every codec's pairs: it counts at least as many as any codec's own scan (the
    # leftmost non-overlapping pairs are the most there can be), so below the minimum none can reach it.
    if len(ANY_MOJIBAKE.findall(text)) < MIN_MOJIBAKE_PAIRS:
        return None
    pairs, codec = 0, None
    for name, pattern in MOJIBAKE.items():  # the most pairs wins; a tie goes to the first codec listed
        if (found := len(pattern.findall(text))) > pairs:
            pairs, codec = found, name
    if pairs < MIN_MOJIBAKE_PAIRS:
        return None
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return codec if 2 * pairs >= MIN_MOJIBAKE_SHARE * non_ascii else None


def arabic_share(text: str) -> tuple[float, int]:
    """The share of ``text``'s letters that are Arabic letters, and how many letters it has."""
    length = len(text)
    letters = length - len(_LETTER_RUN.sub("", text))
    if not letters:
        return 0.0, 0
    return (length - len(_ARABIC_LETTER_RUN.sub("", text))) / letters, letters


def garbled_reason(text: str, language: str) -> str | None:
    """Why ``text`` is not readable text in ``language``, or None when nothing is wrong with it.

    Any language: UTF-8 misread as a single-byte codec ("UTF-8 read as windows-1256 (mojibake)"). For
    ``ar``, also a text of at least ``MIN_LETTERS`` letters of which fewer than ``MIN_ARABIC_SHARE`` are
    Arabic ("not mostly Arabic letters (12 %)"). Empty text is not judged here.
    """
    if not text:
        return None
    if codec := mojibake_codec(text):
        return f"UTF-8 read as {codec} (mojibake)"
    if language == "ar":
        # Letters are never more than the characters that are not spaces or line breaks: with enough Arabic
        # letters against that bound (a margin above the minimum share), the text passes without its letters
        # being counted. Only a text that may fail is counted exactly.
        bound = len(text) - text.count(" ") - text.count("\n")
        if len(text) - len(_ARABIC_LETTER_RUN.sub("", text)) >= (MIN_ARABIC_SHARE + 0.01) * bound:
            return None
        share, letters = arabic_share(text)
        if letters >= MIN_LETTERS and share < MIN_ARABIC_SHARE:
            return f"not mostly Arabic letters ({share * 100:.0f} %)"
    return None
