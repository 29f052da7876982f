"""An article page parsed once, and only as much of it as extraction reads.

Real article pages weigh ~100 KB, most of it the portal's chrome: inline scripts, two mastheads with the
menu, the "most read" lists, the footer. Extraction reads the ``<head>`` and the article element (SITE.md:
``<article class="cont">`` holds breadcrumb, title, byline, date, images, body and tags). So the page is cut
into a *slice*, the ``<html>`` start tag, the head, the ``<meta>``/``<link>``/JSON-LD elements found
elsewhere (in page order) and the article element's bytes, and only that is parsed: a tenth to a sixth of a
live page's bytes, a sixth of its nodes (the head's inline scripts and styles go in without their text, which
nothing reads). A question the slice cannot answer (a breadcrumb outside the article, the menu's active
section...) has extraction parse the whole page there and read on from it (``Document.whole``;
:class:`NeedsWholePage` when the question is asked outside extraction): the answer is the whole page's.

The slice is taken only where its tree is the whole page's tree for everything extraction reads (nothing
above the article element: what broken chrome leaves open around it, an ``<a>`` say, is not read); anything
else parses the whole page, counted by reason (``newscrawl/extract/parse/whole_page/<reason>``):

- no ``<head>``, no article element, or no end tag matching it (nested articles counted);
- an end tag inside the article that would close an element opened outside it (more ``</div>`` than
  ``<div``, and the same for the other containers a page is laid out with): the whole page's parser then
  ends the article early, which extraction knows how to read (``_spilled_blocks``);
- a tag looked for that may be text inside another tag's quoted attribute value
  (``<div data-tpl="<article ...>">``): the tag before it unclosed, or its quotes unpaired;
- a body that is not UTF-8 text in the response's own encoding is decoded as Scrapy decodes it first.

Markup inside scripts, styles and comments is not markup: a ``<article`` in a script's string is skipped.
No library does this: lxml's and lexbor's parsers read the whole document, and a streaming parser
(``lxml.etree.iterparse``/``HTMLPullParser``) still tokenizes every byte in Python-visible events.
"""

from __future__ import annotations

import codecs
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree
from parsel import Selector

START_TAG_END = re.compile(rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>")
CLASS_ATTR = re.compile(rb"""\sclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""")
NAME_END = frozenset(b" \t\n\r\f>/")  # what may follow a tag's name
# Containers a page is laid out with: an end tag of one of these inside the article, with no start tag
# there to match it, closes an element outside the article in the whole page.
CONTAINERS = re.compile(rb"<(/?)(div|section|main|form|table|tbody|thead|tfoot|tr|td|th|center|font|ul|ol|dl)"
                        rb"(?=[\s>/])")
# Left open inside the article, these keep libxml2 from closing it at its </article>: their end priority
# is above an ordinary element's (libxml2's htmlEndPriority), so the article swallows what follows.
HIGH_END_PRIORITY = frozenset({b"div", b"table", b"tbody", b"thead", b"tfoot", b"tr", b"td", b"th"})
# Elements copied from outside the slice where they are (extraction reads them page-wide): metadata.
OUTSIDE_TAG = re.compile(rb"<(?:meta|link)(?=[\s/>])")
JSON_LD_TYPE = b"application/ld+json"
# A live page has a few dozen raw-text places and a handful of metadata tags outside its head. Far more (a
# page padded with thousands of comments or <meta> tags) costs the slicer a Python step each, more than the
# whole page's parse costs libxml2: such a page is parsed whole.
MAX_RAW_PLACES = 5_000
MAX_OUTSIDE_ELEMENTS = 2_000
# Where the HTML parser reads text, not markup (libxml2 2.14 tokenizes as HTML5 does), and how each such place
# ends: comments, raw text and escapable raw text elements; <plaintext> runs to the end of the page. Not
# <title>: pages hold dozens (every SVG icon has one), and no markup in a title is looked for.
RAW_TEXT_START = re.compile(rb"<!--|<(script|style|textarea|xmp|iframe|noembed|noframes|plaintext)(?=[\s>/])")


class NeedsWholePage(Exception):  # noqa: N818 (a signal, not an error)
    """Extraction asked something of the page that only the whole page answers; ``reason`` names it."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Document:
    """A parsed page: ``selector`` over the slice (``partial``) or over the whole page.

    ``how`` names it for the stats (``slice``, ``whole_page/<reason>``). A slice keeps the page's UTF-8
    ``source`` (the response's own bytes when it is UTF-8: no copy) for :meth:`whole`, and the page
    lowered (``lowered``) with the ranges the slice left out (``outside``, the last one after the article)
    for :meth:`elsewhere`.
    """

    selector: Selector
    partial: bool
    how: str
    url: str | None = None
    source: bytes = b""
    lowered: bytes = b""
    outside: tuple[tuple[int, int], ...] = ()
    raw: _RawText | None = None
    text: Callable[[], str] | None = None  # the page's text as Scrapy decodes it (a slice's, for whole())

    def elsewhere(self, marker: bytes, confirm: re.Pattern | None = None, after_only: bool = False) -> bool:
        """Whether the page's markup outside the slice (``after_only``: after the article; never inside a
        script or a comment) holds ``marker`` (lowercase), where ``confirm`` (a pattern over lowered markup,
        e.g. :func:`class_token`) finds it too."""
        if not self.partial:
            return False
        low = self.lowered
        for start, end in self.outside[-1:] if after_only else self.outside:
            position = start
            for place_start, place_end in [*self.raw.within(start, end), (end, end)]:
                if place_start > position and low.find(marker, position, place_start) >= 0 and (
                        confirm is None or confirm.search(low, position, place_start)):
                    return True
                position = max(position, place_end)
        return False

    def has_tag(self, name: bytes) -> bool:
        """Whether ``<name`` occurs anywhere outside the slice (scripts and comments included: a cheap,
        cautious answer for a question asked rarely)."""
        return self.partial and any(self.lowered.find(b"<" + name, start, end) >= 0 for start, end in self.outside)

    def element_elsewhere(self, name: bytes) -> bool:
        """Whether the markup outside the slice certainly holds a ``<name>`` element: a start tag outside
        scripts, comments, titles (libxml2 reads a title's content as text) and attribute values. Cautious,
        so False is no answer."""
        if not self.partial:
            return False
        low, tag = self.lowered, b"<" + name
        for start, end in self.outside:
            position = start
            while (at := low.find(tag, position, end)) >= 0:
                position = at + 1
                after = at + len(tag)
                if (after < len(low) and low[after] in NAME_END and at not in self.raw
                        and not _in_attribute(low, at, self.raw) and not _in_title(low, at)):
                    return True
        return False

    def whole(self, reason: str) -> Document:
        """The whole page, parsed (a slice could not answer: ``reason``)."""
        return _whole(self.source, self.url, f"whole_page/{reason}", self.text)


def class_token(name: str) -> re.Pattern:
    """A class attribute holding the token ``name`` (lowercase), in lowered markup."""
    token = re.escape(name.encode())
    return re.compile(rb"""class\s*=\s*(?:"(?:[^"]*\s)?""" + token + rb"""[\s"]|'(?:[^']*\s)?""" + token
                      + rb"""[\s']|""" + token + rb"""[\s>])""")


def attribute_value(attribute: str, value: str, whole: bool = True) -> re.Pattern:
    """An ``attribute`` whose value is ``value`` (or, not ``whole``, holds it), in lowered markup."""
    name, text = re.escape(attribute.encode()), re.escape(value.encode())
    if whole:
        return re.compile(name + rb"""\s*=\s*["']?""" + text + rb"""(?:["'\s>]|/>)""")
    return re.compile(name + rb"""\s*=\s*["']?[^"'>]*""" + text)


def parse_html(body: bytes, url: str | None = None) -> Selector:
    """The page as parsel's ``Selector(text=..., type="html")`` builds it (libxml2's HTML parser, the same
    options), from UTF-8 bytes. lxml's plain elements, not ``lxml.html``'s: the tree is the same, and
    each element read from it costs a quarter (``lxml.html`` looks up a Python class per element)."""
    body = body.replace(b"\x00", b"").strip() or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8", huge_tree=True)
    root = etree.fromstring(body, parser=parser, base_url=url)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=url)
    return Selector(root=root, type="html")


def article_document(body: bytes, encoding: str, url: str, text: Callable[[], str] | None = None) -> Document:
    """The page's slice (see the module's docstring), or the whole page when the slice cannot stand for it.

    ``body`` and ``encoding`` are the response's. ``text`` gives the response's decoded text; it is read
    only when the bytes parsed are not valid UTF-8 (then decoded as Scrapy decodes them).
    """

    data, decoded = _utf8(body, encoding, text)
    cut = slice_page(data)
    if isinstance(cut, str):
        return _whole(data, url, f"whole_page/{cut}", decoded)
    sliced, lowered, outside, raw = cut
    if not _valid_utf8(sliced):  # bad bytes: Scrapy's replacement characters are part of the text read
        return _whole(data, url, "whole_page/not_utf8", decoded)
    return Document(
        parse_html(sliced, url),
        partial=True,
        how="slice",
        url=url,
        source=data,
        lowered=lowered,
        outside=outside,
        raw=raw,
        text=decoded,
    )


def whole_page(body: bytes, encoding: str, url: str, text: Callable[[], str] | None = None) -> Selector:
    """The whole page (a listing), parsed as :func:`article_document` parses a page it cannot slice."""
    data, decoded = _utf8(body, encoding, text)
    return _whole(data, url, "whole_page", decoded).selector


def _utf8(body: bytes, encoding: str, text: Callable[[], str] | None) -> tuple[bytes, Callable[[], str]]:
    """The page's bytes in UTF-8 (a page in windows-1256 or the like is decoded and encoded again), and how
    to get its text as Scrapy decodes it."""
    def decoded() -> str:
        return text() if text is not None else body.decode(encoding or "utf-8", "replace")

    if not is_utf8(encoding):
        return decoded().encode("utf-8"), decoded
    return (body[3:] if body.startswith(codecs.BOM_UTF8) else body), decoded


def _whole(data: bytes, url: str, how: str, decoded: Callable[[], str]) -> Document:
    if _valid_utf8(data):
        return Document(parse_html(data, url), partial=False, how=how, url=url)
    return Document(Selector(text=decoded(), type="html", base_url=url), partial=False, how=how, url=url)


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def slice_page(page: bytes) -> tuple[bytes, bytes, tuple[tuple[int, int], ...], _RawText] | str:
    """``(slice, the page lowered, the ranges left out, its raw-text places)`` of a UTF-8 page (the last
    range: after the article), or the reason the whole page must be parsed."""
    low = page.lower()
    raw = _RawText(low)
    if raw.unsliceable:
        return raw.unsliceable
    try:
        return _slice(page, low, raw)
    except _Unsliceable as cannot:
        return cannot.reason


def _slice(page: bytes, low: bytes, raw: _RawText) -> tuple[bytes, bytes, tuple[tuple[int, int], ...], _RawText] | str:
    head = _find_tag(low, b"<head", 0, raw)
    if head < 0:
        return "no_head"
    head_end = _find_tag(low, b"</head", head, raw)
    close = low.find(b">", head_end) if head_end >= 0 else -1
    if close < 0:
        return "no_head"
    head_end = close + 1
    found = _article_span(low, head_end, raw)
    if isinstance(found, str):
        return found
    start, end = found
    if _closes_outside(low, start, end, raw):
        return "unbalanced_article"
    html = _find_tag(low, b"<html", 0, raw, head)
    html_end = START_TAG_END.match(low, html + len(b"<html")) if html >= 0 else None
    parts = [page[html : html_end.end()] if html_end else b"<html>"]
    parts += _outside_elements(page, low, 0, head, raw)  # before <head>: the parser puts them in it
    parts += _head(page, low, head, head_end, raw)
    parts.append(b"<body>")
    parts += _outside_elements(page, low, head_end, start, raw)
    parts.append(page[start:end])
    parts += _outside_elements(page, low, end, len(page), raw)
    parts.append(b"</body></html>")
    return b"".join(parts), low, ((0, head), (head_end, start), (end, len(low))), raw


class _RawText:
    """The places of a (lowered) page where the parser reads text, not markup: comments, scripts, styles,
    textareas. Found once, front to back, as the parser meets them; the places that are JSON-LD scripts
    (``jsonld``) are noted on the way."""

    def __init__(self, low: bytes):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.jsonld: list[int] = []  # indexes of the places that are JSON-LD <script> elements
        self.unsliceable: str | None = None  # why the page cannot be sliced, when the scan tells
        position = 0
        while (match := RAW_TEXT_START.search(low, position)) is not None:  # from the end of the last one
            at = match.start()
            name = match.group(1)
            if _in_attribute(low, at, self):
                self.unsliceable = "markup_in_attribute"  # a place's start may be text in an attribute value
                return
            if len(self.starts) >= MAX_RAW_PLACES:
                self.unsliceable = "many_raw_places"
                return
            if name is None:
                position = _comment_end(low, match.end())
            else:
                closer = b"</" + name
                end = -1 if name == b"plaintext" else low.find(closer, match.end())
                position = len(low) if end < 0 else end + len(closer)
            if name == b"script" and (tag_end := START_TAG_END.match(low, match.end())) is not None and low.find(
                    JSON_LD_TYPE, at, tag_end.end()) >= 0:
                self.jsonld.append(len(self.starts))
            self.starts.append(at)
            self.ends.append(position)

    def within(self, start: int, end: int) -> list[tuple[int, int]]:
        """The places that begin before ``end`` and end after ``start``, in order."""
        index = max(bisect_right(self.starts, start) - 1, 0)
        return [(s, e) for s, e in zip(self.starts[index:], self.ends[index:], strict=True) if s < end and e > start]

    def __contains__(self, position: int) -> bool:
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and self.starts[index] < position < self.ends[index]

    def holds(self, position: int) -> bool:
        """Whether ``position`` is in a place, its first ``<`` included."""
        index = bisect_right(self.starts, position) - 1
        return index >= 0 and position < self.ends[index]


def _comment_end(low: bytes, position: int) -> int:
    """Where a comment whose ``<!--`` ends at ``position`` ends, as HTML5 says: ``<!-->`` and ``<!--->`` are
    empty comments; otherwise at the first ``-->`` or ``--!>``; unclosed, at the end of the page."""
    if low.startswith(b">", position):
        return position + 1
    if low.startswith(b"->", position):
        return position + 2
    end = low.find(b"-->", position)
    bang = low.find(b"--!>", position, len(low) if end < 0 else end)  # only before the first "-->"
    if bang >= 0:
        return bang + 4
    return len(low) if end < 0 else end + 3


def _find_tag(low: bytes, name: bytes, start: int, raw: _RawText, end: int | None = None) -> int:
    """The position of the first tag ``name`` (``b"<head"``, ``b"</head"``) from ``start`` that is markup."""
    end = len(low) if end is None else end
    while (at := low.find(name, start, end)) >= 0:
        after = at + len(name)
        if (after >= len(low) or low[after] in NAME_END) and at not in raw:
            if _in_attribute(low, at, raw):
                raise _Unsliceable("markup_in_attribute")
            return at
        start = at + 1
    return -1


class _Unsliceable(Exception):  # noqa: N818 (a signal, not an error)
    """The slicer cannot stand for the page (``reason``, e.g. a tag it looks for may be text inside another
    tag's attribute value)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _in_attribute(low: bytes, at: int, raw: _RawText) -> bool:
    """Whether the ``<`` at ``at`` may sit inside another tag's quoted attribute value
    (``<div data-tpl="<article ...>">``, ``<a title="<!-- note">``), where the parser reads it as text: the
    tag before it is not closed, or that tag's quotes do not pair up (a ``>`` inside a quoted value).
    Cautious: a ``<`` or an odd quote in the text just before it answers yes too (the whole page is then
    parsed). One tag back, not a tokenizer: markup nested two tags deep inside a value is not seen."""
    lt = low.rfind(b"<", 0, at)
    gt = low.rfind(b">", 0, at)
    if lt > gt:
        return lt not in raw  # a "<" in a script or comment just before is not a tag
    if gt < 0:
        return False
    start = low.rfind(b"<", 0, gt)
    if start < 0 or raw.holds(start):  # the ">" ends a comment or a script's end tag
        return False
    return low.count(b'"', start, gt) % 2 == 1 or low.count(b"'", start, gt) % 2 == 1


def _in_title(low: bytes, at: int) -> bool:
    """Whether ``at`` may be inside a ``<title>`` element (an unclosed one included)."""
    title = low.rfind(b"<title", 0, at)
    return title >= 0 and low.find(b"</title", title, at) < 0


def _head(page: bytes, low: bytes, head: int, head_end: int, raw: _RawText) -> list[bytes]:
    """The head's bytes, its inline scripts and styles without their text: extraction reads no script but
    JSON-LD (kept whole), and a live page's head carries ~20 KB of inline code that would cost its parse
    two thirds of the time (libxml2 copies each script's text into the tree)."""
    parts: list[bytes] = []
    position = head
    jsonld = set(raw.jsonld)
    for index in range(bisect_right(raw.starts, head), bisect_right(raw.starts, head_end)):
        start, end = raw.starts[index], raw.ends[index]
        closer = b"</script" if low.startswith(b"<script", start) else b"</style" if low.startswith(
            b"<style", start) else None
        if closer is None or index in jsonld or not low.startswith(closer, end - len(closer)):
            continue  # a comment, another raw-text element, JSON-LD, or one the page does not close
        tag_end = START_TAG_END.match(low, start)
        if tag_end is None or tag_end.end() > end - len(closer):
            continue
        parts.append(page[position:tag_end.end()])
        position = end - len(closer)
    parts.append(page[position:head_end])
    return parts


def _article_span(low: bytes, offset: int, raw: _RawText) -> tuple[int, int] | str:
    """Start and end of the article element (``article.cont``, else the first ``article``) after ``offset``."""
    first = chosen = None
    position = offset
    while (at := _find_tag(low, b"<article", position, raw)) >= 0:
        tag_end = START_TAG_END.match(low, at + len(b"<article"))
        if tag_end is None:
            return "no_article"
        if first is None:
            first = at
        if _has_class(low[at : tag_end.end()], b"cont"):
            chosen = at
            break
        position = tag_end.end()
    start = chosen if chosen is not None else first
    if start is None:
        return "no_article"
    depth, position = 0, start
    while True:
        closing = _find_tag(low, b"</article", position, raw)
        if closing < 0:
            return "no_article_end"
        opening = _find_tag(low, b"<article", position, raw, closing)  # looked for up to the end tag only
        if opening >= 0:  # a nested article
            depth += 1
            position = opening + 1
            continue
        depth -= 1
        position = closing + 1
        if depth == 0:
            close = low.find(b">", closing)
            return (start, close + 1) if close >= 0 else "no_article_end"


def _has_class(tag: bytes, name: bytes) -> bool:
    found = CLASS_ATTR.search(tag)
    return bool(found) and name in (found.group(1) or found.group(2) or found.group(3) or b"").split()


def _closes_outside(low: bytes, start: int, end: int, raw: _RawText) -> bool:
    """Whether the article holds an end tag of a layout container before any start tag that it closes, or
    leaves open an element that keeps its ``</article>`` from closing it (HIGH_END_PRIORITY). Tags inside
    the article's scripts and comments are not markup and are skipped."""
    balance: Counter[bytes] = Counter()
    spans = raw.within(start, end)
    span = 0
    for match in CONTAINERS.finditer(low, start, end):
        at = match.start()
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if span < len(spans) and spans[span][0] < at:
            continue
        closing, name = match.groups()
        balance[name] += -1 if closing else 1
        if balance[name] < 0:
            return True
    return any(balance[name] > 0 for name in HIGH_END_PRIORITY)


def _outside_elements(page: bytes, low: bytes, start: int, end: int, raw: _RawText) -> list[bytes]:
    """The ``<meta>``, ``<link>`` and JSON-LD ``<script>`` elements between ``start`` and ``end``, in order
    (a script whose start tag names ``application/ld+json``: extraction reads its ``type`` exactly)."""
    found: list[tuple[int, bytes]] = []
    for match in OUTSIDE_TAG.finditer(low, start, end):  # one scan for both names: cheaper than two finds
        at = match.start()
        if at in raw:
            continue
        if _in_attribute(low, at, raw):
            raise _Unsliceable("markup_in_attribute")
        tag_end = START_TAG_END.match(low, match.end())
        if tag_end is not None:
            found.append((at, page[at:tag_end.end()]))
            if len(found) > MAX_OUTSIDE_ELEMENTS:
                raise _Unsliceable("many_outside_elements")
    for index in raw.jsonld:
        at, place_end = raw.starts[index], raw.ends[index]
        if start <= at < end and (close := low.find(b">", place_end - 1)) >= 0:
            found.append((at, page[at:close + 1]))
    return [element for _, element in sorted(found)] if found else []


def is_utf8(encoding: str | None) -> bool:
    """Whether ``encoding`` (a codec name or alias, as Scrapy resolved it) is UTF-8; unknown names are not."""
    try:
        return codecs.lookup(encoding or "utf-8").name in ("utf-8", "utf-8-sig")
    except LookupError:
        return False
