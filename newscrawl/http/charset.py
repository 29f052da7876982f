"""A response's charset decided from its bytes when its label is contradicted by them.

A page whose ``Content-Type`` (or ``<meta charset>``) says ``windows-1256`` but whose bytes are UTF-8 reads
as mojibake in every field. Valid UTF-8 holding multi-byte sequences is UTF-8: a legacy single-byte page
is almost never valid UTF-8 by accident, because each byte >= 0x80 would have to fall into lead/continuation
byte patterns (Arabic cp1256 text, e.g. ``ال`` = C7 E1, breaks them at its first letters).

Such a response is handed on re-labelled as UTF-8 (counted ``newscrawl/charset/corrected``, logged once per
host). Runs after HttpCompressionMiddleware has decompressed the body (see settings.DOWNLOADER_MIDDLEWARES).
"""

from __future__ import annotations

import logging

from scrapy.http import Response, TextResponse

from newscrawl.sites.page import is_utf8

__all__ = ["STAT", "CharsetMiddleware", "is_utf8", "utf8_contradicts"]

logger = logging.getLogger(__name__)

STAT = "newscrawl/charset/corrected"


def utf8_contradicts(body: bytes) -> bool:
    """True when ``body`` is valid UTF-8 and holds at least one multi-byte sequence (not plain ASCII)."""
    if body.isascii():
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class CharsetMiddleware:
    def __init__(self, stats=None):
        self.stats = stats
        self._hosts_logged: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_response(self, request, response: Response) -> Response:
        if not isinstance(response, TextResponse):
            return response
        declared = response.encoding
        if is_utf8(declared) or not utf8_contradicts(response.body):
            return response
        if self.stats is not None:
            self.stats.inc_value(STAT)
        host = response.url.split("/", 3)[2] if "://" in response.url else response.url
        if host not in self._hosts_logged:
            self._hosts_logged.add(host)
            logger.info("%s declares its pages %s but sends UTF-8: read as UTF-8 (first: %s)",
                        host, declared, response.url)
        return response.replace(encoding="utf-8")
