"""Sitemaps (protocol 0.9, with Google News' ``news:news``) and the ``Sitemap:`` lines of robots.txt.

Pure: no Scrapy import. Not ``scrapy.utils.sitemap.Sitemap``: it drops nested elements, so
``news:publication_date`` and ``news:title`` come back empty. Read with the streaming, hardened reader of
:mod:`newscrawl.discovery.entries`; element names are matched without their namespace, as real sitemaps
get the namespace wrong. Dates stay raw text.
"""

from __future__ import annotations

from protego import Protego

from newscrawl.discovery.entries import (
    Entry,
    ParseResult,
    Reading,
    children,
    clean_url,
    collapse,
    read_document,
    text_of,
    xml_records,
)

SOURCE = "sitemaps"
ROOTS = {"urlset": "url", "sitemapindex": "sitemap"}  # root element -> its record element


def parse_sitemap(body: bytes, url: str, *, max_urls: int = 50_000, max_bytes: int = 50 * 1024 * 1024) -> ParseResult:
    """The URLs of a urlset, or the child sitemaps of a sitemapindex; gzip is detected by its magic bytes.

    Limits: ``max_bytes`` of XML after gunzipping and ``max_urls`` URLs; past either, what came before is
    kept with ``truncated`` and ``error`` set. On malformed XML, the records read before the error are kept.
    """
    return read_document(_read, body, url, max_urls, max_bytes, "sitemap")


def _read(body: bytes, url: str, max_urls: int, reading: Reading, result: ParseResult) -> None:
    record_name = None
    target = result.entries
    for kind, element in xml_records(bytes(body), url, frozenset(ROOTS.values()), reading):
        name = element.tag.rpartition("}")[2]
        if kind == "root":
            record_name = ROOTS.get(name)
            if record_name is None:
                reading.fail(f"not a sitemap: the root element is <{name}>")
                return
            target = result.entries if name == "urlset" else result.sitemaps
            continue
        if name != record_name:
            continue
        entry = _entry(element)
        if entry is None:
            result.invalid += 1
        elif len(target) >= max_urls:
            reading.fail(f"more than {max_urls} URLs: kept the first {max_urls}", truncated=True)
            return
        else:
            target.append(entry)


def _entry(record) -> Entry | None:
    """One <url> or <sitemap>: its loc (absolute, as the protocol requires), lastmod, news date and title."""
    loc = lastmod = published = title = None
    for name, child in children(record):
        if name == "loc" and loc is None:
            loc = clean_url(text_of(child))
        elif name == "lastmod" and lastmod is None:
            lastmod = collapse(text_of(child))
        elif name == "news":
            for news_name, news_child in children(child):
                if news_name == "publication_date" and published is None:
                    published = collapse(text_of(news_child))
                elif news_name == "title" and title is None:
                    title = collapse(text_of(news_child))
    if loc is None:
        return None
    return Entry(url=loc, source=SOURCE, published=published, modified=lastmod, title=title)


def sitemaps_from_robots(body: bytes | str) -> list[str]:
    """The absolute http(s) URLs of robots.txt's ``Sitemap:`` lines, in order, once each (read by protego)."""
    try:
        text = body.decode("utf-8", errors="replace") if isinstance(body, bytes | bytearray) else str(body)
        found = Protego.parse(text.lstrip("\ufeff")).sitemaps
        urls = (clean_url(line) for line in found)
        return list(dict.fromkeys(url for url in urls if url))
    except Exception:  # a robots.txt that protego cannot read names no sitemap
        return []
