"""Reading an aggregator's plain-text copy of an article (such as ``seed/aggregator-copy-*.txt``).

A copy is a sequence of lines::

    title
    تاريخ النشر: 22nd, November 2023 GMT        the aggregator's date line
    body lines …                                 possibly with inline read-also blocks
    المصدر: البوابة نيوز                          the publisher           } the footer
    كلمات دلالية: …                              the aggregator's tags   }
    إقرأ أيضاً:                                   a trailing read-also block …
    second title                                 … carrying whole articles: a title,
    تابع أحدث الأخبار عبر تطبيق                   the publisher's Google-News widget text,
    second body lines …                          and the body.

:func:`split_copy` returns the article, then one record per related article whose text the copy carries,
with the field names of :class:`newscrawl.items.Article`. The lines become ``Block(kind="line")`` objects
and go through :func:`newscrawl.text.related.split_related`, the same splitter as crawled pages, so label
matching and the title-line rule are shared. Pure: no Scrapy import.

Decisions:

- Every line is cleaned (:func:`~newscrawl.text.arabic.clean_text`) and Persian keyboard letters
  (ی, ک) are folded to Arabic (ي, ك) everywhere: they are the aggregator's artefacts, not the publisher's
  writing, and the output must carry none. Other letters, digits and diacritics are kept as written.
- Metadata lines (``تاريخ النشر:``, ``المصدر:``, ``كلمات دلالية:``) need their colon, are lifted out
  wherever they stand, and go to the article; a second line of a kind already seen goes to the related
  article whose text holds it.
- ``keywords``: split on explicit delimiters (``,`` ``،`` ``؛`` ``;`` ``|`` ``#``) when the line has any.
  Without delimiters (the seed: ``الكرملين معاهدة الأمن الجماعي …``) the phrase boundaries are unknown,
  so the whole line is kept as one keyword rather than cut into meaningless single words.
- A read-also label starts the *trailing* block (articles carried whole) when it stands after the footer,
  or when its title is followed by the widget line; any other label is inline (titles only).
- In the trailing block each article starts at the line before a widget line; without widget lines,
  the title lines after the label are titles and the last one carries the lines that follow.
- A header line before the title (SITE.md: a real arabkhabar copy opens with ``البوابة نيوز:``) is not the
  title: a short line (``HEADER_MAX_WORDS``) that ends with a colon and says nothing else is the
  publisher's name; it fills ``source`` when no ``المصدر:`` line does.
- ``YYYY-MM-DD@HH:MM:SS GMT`` (``STAMP``) is the aggregator's own stamp, months after the article on the one
  real page seen. ``published_raw`` is the ``تاريخ النشر:`` date in any other form when there is one; a
  stamp is the publication date only when a ``تاريخ النشر:`` line carries it and no other date exists.
  Otherwise the stamp goes to ``aggregator_stamp`` (raw, as printed), never to ``published_raw``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from newscrawl.dates import parse_date
from newscrawl.text.arabic import (
    LabelSet,
    boilerplate_kind,
    clean_text,
    fold_persian,
    match_key,
    normalize_metadata,
)
from newscrawl.text.blocks import Block
from newscrawl.text.related import LINE_KIND, is_title_line, match_label, split_related, text_label

#: Metadata line labels (a colon must follow) and the field each fills.
METADATA_LABELS = LabelSet(
    {
        "تاريخ النشر": "published_raw",
        "نشر بتاريخ": "published_raw",
        "المصدر": "source",
        "كلمات دلالية": "keywords",
        "الكلمات الدلالية": "keywords",
        "كلمات مفتاحية": "keywords",
        "الكلمات المفتاحية": "keywords",
        "الوسوم": "keywords",
    }
)

#: A metadata value longer than this many words is a sentence that happens to start like a label.
METADATA_MAX_WORDS = {"published_raw": 12, "source": 8, "keywords": 60}

#: Delimiters between keywords, when the aggregator writes any.
KEYWORD_DELIMITERS = re.compile(r"\s*[,،؛;|#]+\s*")

#: The Google-News widget text, glued to the end or the start of a line (a title run into it).
_WIDGET = r"تابع ?[أا]حدث ?ال[أا]خبار ?عبر ?تطبيق(?: ?(?:google ?news|جوجل ?نيوز))?"
WIDGET_AT_END = re.compile(_WIDGET + "$", re.IGNORECASE)
WIDGET_AT_START = re.compile("^" + _WIDGET, re.IGNORECASE)

WIDGET = "google_news_widget"

#: The fields of the first record, in output order.
ARTICLE_FIELDS = ("title", "published_raw", "published_at", "aggregator_stamp", "source", "keywords", "body",
                  "related")

#: The aggregator's own stamp, alone on a line or after a date label: ``2025-05-10@11:38:37 GMT``.
STAMP = re.compile(r"\d{4}-\d{1,2}-\d{1,2}\s*@\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:GMT|UTC)?", re.IGNORECASE)

#: A header line before the title (``البوابة نيوز:``) has at most this many words before its colon.
HEADER_MAX_WORDS = 4
HEADER = re.compile(r"^(?P<name>[^:：]+?)\s*[:：]$")


class UnreadableCopy(ValueError):
    """The text holds no article (empty, or only boilerplate)."""


@dataclass
class _Line:
    text: str
    #: ``"text"``, ``"meta"`` or the name of a boilerplate kind.
    kind: str = "text"
    field: str | None = None
    value: str | None = None

    @property
    def is_text(self) -> bool:
        return self.kind == "text"


def split_keywords(value: str | None) -> list[str]:
    """Keywords from a ``كلمات دلالية:`` value, normalized (see the module docstring)."""
    value = normalize_metadata(value)
    keywords: list[str] = []
    for part in KEYWORD_DELIMITERS.split(value):
        part = part.strip()
        if part and part not in keywords:
            keywords.append(part)
    return keywords


def parse_published(raw: str | None) -> str | None:
    """``published_raw`` as ISO 8601 via :func:`newscrawl.dates.parse_date`, or None."""
    if not raw:
        return None
    parsed = parse_date(raw)
    return parsed.isoformat() if parsed is not None else None


def _lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    for raw in text.splitlines():
        line = clean_text(fold_persian(raw))
        if not line:
            continue
        # A widget glued to the end or start of a line becomes a line of its own.
        if (end := WIDGET_AT_END.search(line)) and end.start() > 0:
            lines += [_classify(line[: end.start()].strip()), _Line(end.group(), WIDGET)]
        elif (start := WIDGET_AT_START.match(line)) and start.end() < len(line):
            lines += [_Line(start.group(), WIDGET), _classify(line[start.end() :].strip())]
        else:
            lines.append(_classify(line))
    return lines


def _classify(text: str) -> _Line:
    kind = boilerplate_kind(text)
    if kind:
        return _Line(text, kind)
    if STAMP.fullmatch(text):
        return _Line(text, "meta", "stamp", text)
    label = METADATA_LABELS.match(text)
    if label is not None and label.colon:  # with an empty value, still a metadata line
        if len(label.rest.split()) <= METADATA_MAX_WORDS[label.name]:
            return _Line(text, "meta", label.name, label.rest)
    return _Line(text, "text")


def _is_label_line(line: _Line):
    """The read-also label of a text line that is one (alone, or followed by a title), else None."""
    return text_label(line.text) if line.is_text else None


def _widget_follows_titles(lines: list[_Line], start: int, label) -> bool:
    """True if the label at ``start`` is followed by title lines and then the widget line."""
    j = start + 1
    while j < len(lines) and lines[j].is_text and is_title_line(lines[j].text) and not _is_label_line(lines[j]):
        j += 1
    has_title = j > start + 1 or not label.alone
    return has_title and j < len(lines) and lines[j].kind == WIDGET


def _trailing_start(lines: list[_Line]) -> int | None:
    """Where the trailing read-also block starts (see the module docstring), or None."""
    seen_text = footer = False
    for k, line in enumerate(lines):
        if line.kind == "meta" and line.field in ("source", "keywords") and seen_text:
            footer = True
            continue
        label = _is_label_line(line)
        if label is not None:
            if footer or _widget_follows_titles(lines, k, label):
                return k
        elif line.is_text:
            seen_text = True
    return None


def _body(lines: list[_Line]) -> tuple[str, list[dict]]:
    blocks = [Block(LINE_KIND, line.text) for line in lines if line.is_text]
    result = split_related(blocks)
    return "\n\n".join(block.text for block in result.body_blocks), result.related


def _trailing_articles(lines: list[_Line]) -> tuple[list[str], list[tuple[str, list[_Line]]]]:
    """Titles carried without text, and ``(title, lines)`` of the articles carried whole."""
    label = match_label(lines[0].text)
    region = ([_Line(label.rest)] if label is not None and label.rest else []) + lines[1:]
    starts = [
        j
        for j in range(len(region) - 1)
        if region[j].is_text and region[j + 1].kind == WIDGET and not _is_label_line(region[j])
    ]
    titles: list[str] = []
    articles: list[tuple[str, list[_Line]]] = []
    if starts:
        titles = [line.text for line in region[: starts[0]] if line.is_text and not _is_label_line(line)]
        for n, start in enumerate(starts):
            end = starts[n + 1] if n + 1 < len(starts) else len(region)
            articles.append((region[start].text, region[start + 1 : end]))
        return titles, articles
    texts = [j for j, line in enumerate(region) if line.is_text]
    if not texts:
        return titles, articles
    j = texts[0] + 1
    while j < len(region) and (not region[j].is_text or is_title_line(region[j].text)):
        if region[j].is_text and _is_label_line(region[j]):
            break
        j += 1
    run = [line.text for line in region[texts[0] : j] if line.is_text]
    rest = region[j:]
    if any(line.is_text for line in rest):
        titles, articles = run[:-1], [(run[-1], rest)]
    else:
        titles = run
    return titles, articles


def split_copy(text: str) -> list[dict]:
    """The records of an aggregator text copy: the article first, then each related article whose
    text the copy carries (``{"title", "body"}``, plus ``related`` and metadata when it has its own).

    Raises :class:`UnreadableCopy` when the text holds no title.
    """
    lines = _lines(text)
    first = next((k for k, line in enumerate(lines) if line.is_text), None)
    if first is None:
        raise UnreadableCopy("no title line: the text is empty or only boilerplate")
    article: dict = dict.fromkeys(ARTICLE_FIELDS)
    header = _header_name(lines, first)
    if header is not None:  # ``البوابة نيوز:`` above the title: the publisher, not the title
        first = next((k for k, line in enumerate(lines) if k > first and line.is_text), None)
        if first is None:
            raise UnreadableCopy("no title line after the header line")
    article["title"] = lines[first].text
    article["keywords"] = []
    body_lines = lines[first + 1 :]

    start = _trailing_start(body_lines)
    article["body"], related = _body(body_lines if start is None else body_lines[:start])

    records: list[dict] = []
    owners: dict[int, dict] = {}  # id(line) -> the related article whose text holds it
    if start is not None:
        titles, carried = _trailing_articles(body_lines[start:])
        related.extend({"title": title} for title in titles)
        for title, article_lines in carried:
            related.append({"title": title})
            record: dict = {"title": title}
            record["body"], record_related = _body(article_lines)
            if record_related:
                record["related"] = record_related
            owners.update((id(line), record) for line in article_lines)
            if record["body"]:
                records.append(record)

    claimed: set[str] = set()
    dates = [line for line in lines if line.kind == "meta" and line.field in DATE_FIELDS and line.value]
    article_dates = [line for line in dates if id(line) not in owners] or dates[:1]
    _set_dates(article, article_dates)
    used = {id(line) for line in article_dates}
    for line in lines:
        if line.kind != "meta" or not line.value:
            continue
        if line.field in DATE_FIELDS:
            if id(line) in owners and id(line) not in used and not STAMP.fullmatch(line.value):
                owners[id(line)].setdefault("published_raw", clean_text(line.value))
            continue
        if line.field not in claimed:  # the first line of each kind belongs to the article
            claimed.add(line.field)
            _set_field(article, line)
        elif (owner := owners.get(id(line))) is not None and line.field not in owner:
            _set_field(owner, line)
    if header is not None and not article["source"]:
        article["source"] = header
    article["related"] = _dedupe_titles(related)
    for record in (article, *records):
        if "published_raw" in record:
            record["published_at"] = parse_published(record["published_raw"])
    return [article, *records]


DATE_FIELDS = ("published_raw", "stamp")


def _header_name(lines: list[_Line], first: int) -> str | None:
    """The publisher named by a header line at ``first`` (``البوابة نيوز:``), if it is one."""
    match = HEADER.match(lines[first].text)
    if not match or len(match.group("name").split()) > HEADER_MAX_WORDS or _is_label_line(lines[first]):
        return None
    return normalize_metadata(match.group("name")) or None


def _set_dates(article: dict, lines: list[_Line]) -> None:
    """``published_raw`` from the article's date lines, preferring a date that is not the aggregator's stamp;
    the stamp (when not the publication date) in ``aggregator_stamp``."""
    printed = [line.value for line in lines if line.field == "published_raw" and not STAMP.fullmatch(line.value)]
    stamps = [line.value for line in lines if line.field == "stamp" or STAMP.fullmatch(line.value)]
    labelled_stamps = [line.value for line in lines if line.field == "published_raw" and STAMP.fullmatch(line.value)]
    if printed:
        article["published_raw"] = clean_text(printed[0])
    elif labelled_stamps:  # the only date the copy gives, under its own date label
        article["published_raw"] = clean_text(labelled_stamps[0])
    stamp = next((value for value in stamps if clean_text(value) != article["published_raw"]), None)
    if stamp is not None:
        article["aggregator_stamp"] = clean_text(stamp)


def _set_field(record: dict, line: _Line) -> None:
    if line.field == "keywords":
        record["keywords"] = split_keywords(line.value)
    elif line.field == "source":
        record["source"] = normalize_metadata(line.value)
    else:
        record[line.field] = clean_text(line.value)


def _dedupe_titles(related: list[dict]) -> list[dict]:
    seen: set[str] = set()
    unique: list[dict] = []
    for item in related:
        key = match_key(item["title"])
        if key and key not in seen:
            seen.add(key)
            unique.append(item)
    return unique
