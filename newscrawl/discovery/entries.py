"""What the discovery parsers return, and the hardened, bounded XML reader they share.

Pure: no Scrapy import. The one rule: every byte string becomes a :class:`ParseResult`; nothing raises.
The reader never expands an entity, never reads a DTD, file or network resource, never holds more than
one record's subtree, and stops at ``max_bytes`` of XML (after gunzipping, which is bounded the same way).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from lxml import etree

MAX_URL_LENGTH = 2048
SLICE = 64 * 1024
GZIP_MAGIC = b"\x1f\x8b"
_POSITION = re.compile(r",? line \d+, column \d+.*$")
# Characters a URL never holds as written: C0 controls, space, DEL.
_BAD_URL_CHARS = frozenset(map(chr, [*range(0x21), 0x7F]))


@dataclass(frozen=True, slots=True)
class Entry:
    """One URL a feed or sitemap lists, with its dates and title as the document writes them."""

    url: str  # absolute http(s) URL as the document gives it (not mapped onto another host)
    source: str  # "feeds" or "sitemaps"
    published: str | None  # raw date text: RSS pubDate, Atom published, news:publication_date
    modified: str | None  # raw date text: Atom updated, sitemap <lastmod>
    title: str | None  # RSS/Atom title, news:title (whitespace-collapsed)


@dataclass
class ParseResult:
    """Everything read from one document; ``error`` says why it was not read (or only partly)."""

    entries: list[Entry]  # article URLs (urlset <url>, feed items)
    sitemaps: list[Entry]  # child sitemaps of a <sitemapindex> (url, modified=lastmod), else []
    invalid: int = 0  # records skipped: no loc/link, not http(s), over 2048 chars, control chars or spaces
    truncated: bool = False  # a limit was hit (URL count, bytes); records up to the limit are kept
    error: str | None = None  # one short sentence; None if the document was read whole


def clean_url(raw: str | None, base: str | None = None) -> str | None:
    """The absolute http(s) URL ``raw`` names (resolved against ``base``), or None if it is not one."""
    if raw is None:
        return None
    raw = raw.strip()
    if not raw or len(raw) > MAX_URL_LENGTH or not _BAD_URL_CHARS.isdisjoint(raw):
        return None
    try:
        url = urljoin(base, raw) if base else raw
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # a bad IPv6 literal or port
        return None
    if parts.scheme not in ("http", "https") or not hostname or len(url) > MAX_URL_LENGTH:
        return None
    if not _BAD_URL_CHARS.isdisjoint(url):
        return None
    return url


def collapse(text: str | None) -> str | None:
    """``text`` with runs of whitespace made one space and the ends trimmed; None if nothing is left."""
    if text is None:
        return None
    return " ".join(text.split()) or None


def localname(element) -> str:
    """The tag without its namespace; "" for entity references, comments and other non-elements."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def text_of(element, limit: int = 4 * MAX_URL_LENGTH) -> str | None:
    """All text inside ``element``, cut at ``limit`` characters; None if it holds an unexpanded entity.

    An entity reference is never expanded, so text around one is not what the author meant: unknown.
    """
    if not len(element):  # the common case: text only, no child nodes
        return (element.text or "")[:limit]
    parts: list[str] = []
    size = 0
    for node in element.iter():
        if node.tag is etree.Entity:
            return None
        for piece in (node.text if isinstance(node.tag, str) else None, node.tail if node is not element else None):
            if piece and size < limit:
                parts.append(piece[: limit - size])
                size += len(parts[-1])
    return "".join(parts)


def children(element) -> Iterator[tuple[str, object]]:
    """(local name, child) for each child element of ``element``, skipping comments and entity references."""
    for child in element:
        name = localname(child)
        if name:
            yield name, child


@dataclass
class Reading:
    """The state of one bounded read: the first error, and whether a limit stopped it."""

    max_bytes: int
    error: str | None = None
    truncated: bool = False
    read: int = 0

    def fail(self, message: str, *, truncated: bool = False) -> None:
        """Keep the first error only: later ones follow from it."""
        if self.error is None:
            self.error = message
        self.truncated = self.truncated or truncated


def read_document(read, body: bytes, url: str, limit: int, max_bytes: int, kind: str) -> ParseResult:
    """``read(body, url, limit, reading, result)`` under the one rule: any failure becomes the result's
    ``error`` (``unreadable <kind>: <exception>``), never an exception; what was read before it is kept."""
    result = ParseResult(entries=[], sitemaps=[])
    reading = Reading(max_bytes=max_bytes)
    try:
        read(body, url, limit, reading, result)
    except Exception as exc:  # any failure is reported, never raised
        reading.fail(f"unreadable {kind}: {type(exc).__name__}")
    result.truncated, result.error = reading.truncated, reading.error
    return result


def xml_slices(body: bytes, reading: Reading) -> Iterator[bytes]:
    """The document in slices of at most :data:`SLICE` bytes, gunzipped if it starts with gzip's magic.

    Stops after ``reading.max_bytes`` bytes of XML, so a gzip bomb never inflates past the bound.
    """
    if body[:2] == GZIP_MAGIC:
        yield from _gunzip(body, reading)
        return
    for start in range(0, len(body), SLICE):
        data = body[start : start + SLICE]
        if not _admit(len(data), reading):
            return
        yield data


def _admit(size: int, reading: Reading) -> bool:
    """Count ``size`` more bytes of XML; False (and truncated) once the bound is passed."""
    reading.read += size
    if reading.read > reading.max_bytes:
        reading.fail(f"document larger than {reading.max_bytes} bytes: read the first {reading.max_bytes}",
                     truncated=True)
        return False
    return True


def _gunzip(body: bytes, reading: Reading) -> Iterator[bytes]:
    """Inflate gzip members one bounded slice at a time (zlib's ``max_length``)."""
    pending = body
    while pending[:2] == GZIP_MAGIC:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        data = pending
        try:
            while not inflater.eof:
                out = inflater.decompress(data, SLICE)  # never more than SLICE bytes at once
                data = inflater.unconsumed_tail
                if not out:  # input used up and nothing left inside zlib
                    break
                if not _admit(len(out), reading):
                    return
                yield out
        except zlib.error as exc:
            reading.fail(f"bad gzip data: {exc}")
            return
        if not inflater.eof:
            reading.fail("gzip data ends early")
            return
        pending = inflater.unused_data


def _parser(base_url: str) -> etree.XMLPullParser:
    """A pull parser that resolves no entity, loads no DTD, touches no network and keeps libxml2's limits."""
    return etree.XMLPullParser(events=("start", "end"), base_url=base_url, resolve_entities=False,
                               no_network=True, load_dtd=False, dtd_validation=False, huge_tree=False,
                               remove_comments=True, remove_pis=True)


def xml_records(body: bytes, base_url: str, records: frozenset[str], reading: Reading) -> Iterator[tuple[str, object]]:
    """Stream ("root", element) once, then ("record", element) for each element named in ``records``.

    A record's subtree is complete when yielded and cleared right after; everything outside records is
    cleared as it ends, so memory holds one record at a time. After an XML error, lxml closes the open
    elements itself: a record whose end is in that final run of closings is dropped, as nothing tells a
    real closing tag from one lxml added.
    """
    if not body[:SLICE].strip() and not body.strip():  # strip() copies: only on a blank start
        reading.fail("empty document")
        return
    parser = _parser(base_url)
    walk = _Walk(records)
    try:
        for data in xml_slices(body, reading):
            parser.feed(data)
            yield from walk.events(parser.read_events())
        if reading.truncated:
            return
        parser.close()
        yield from walk.events(parser.read_events())
    except etree.XMLSyntaxError as exc:
        events = _leftovers(parser)
        last_start = max((i for i, (kind, _) in enumerate(events) if kind == "start"), default=-1)
        yield from walk.events(events, trust_until=last_start)  # a wrong root is the better reason: first
        if walk.root is not None and not exc.position[0]:  # lxml's "no element found" after an entity error
            reading.fail("malformed XML: parsing stopped inside the document (an undeclared entity such as &nbsp;?)")
        reading.fail(_message(exc))
    if walk.root is None:
        reading.fail("no XML element found")


class _Walk:
    """Turns pull-parser events into root and record elements, clearing what has been read."""

    def __init__(self, records: frozenset[str]):
        self.records = records
        self.root = None
        self.depth = 0
        self.record_depth = 0  # depth of the open record; 0 outside one

    def events(self, events, trust_until: int | None = None) -> Iterator[tuple[str, object]]:
        """Yield root and records; a record ending after index ``trust_until`` is dropped."""
        for index, (kind, element) in enumerate(events):
            if kind == "start":
                self.depth += 1
                if self.root is None:
                    self.root = element
                    yield "root", element
                elif not self.record_depth and localname(element) in self.records:
                    self.record_depth = self.depth
                continue
            if self.record_depth == self.depth:
                self.record_depth = 0
                if trust_until is None or index < trust_until:
                    yield "record", element
                _clear(element)
            elif not self.record_depth and self.depth > 1:
                _clear(element)
            self.depth -= 1


def _leftovers(parser) -> list:
    """Events the parser still holds after an error; none if it cannot give them."""
    try:
        return list(parser.read_events())
    except Exception:  # a broken parser gives nothing more
        return []


def _clear(element) -> None:
    """Free an element that has been read, and the emptied siblings before it (lxml's iterparse idiom)."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


def _message(exc: etree.XMLSyntaxError) -> str:
    """"malformed XML at line N: <libxml2's first message line>", cut short."""
    text = (str(exc.msg or exc).splitlines() or [""])[0]
    text = _POSITION.sub("", text).strip()[:160] or type(exc).__name__
    line = (exc.position or (0, 0))[0]
    return f"malformed XML at line {line}: {text}" if line else f"malformed XML: {text}"
