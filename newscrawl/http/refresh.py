"""Scrapy's meta-refresh redirects, reading only the start of the page.

Scrapy's ``MetaRefreshMiddleware`` looks for ``<meta http-equiv="refresh">`` in the first 4,096 characters
of ``response.text``; ``response.text`` decodes the whole body and keeps the text on the response (about
200 KB for a 100 KB Arabic page: two bytes a character), for every HTML response of the crawl, while the
response waits in the scraper. This middleware decodes only the bytes those 4,096 characters can come from
and hands them to the same w3lib functions, so the redirects are Scrapy's and the text is never kept.
"""

from __future__ import annotations

import codecs

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.http import HtmlResponse
from scrapy.utils.httpobj import urlparse_cached
from w3lib import html

#: Scrapy reads this many characters of the page (``scrapy.utils.response.get_meta_refresh``).
CHARACTERS = 4096
#: ... which come from at most this many bytes (UTF-8 spends up to 4 bytes on a character; UTF-16/32's
#: BOM-led pages, which Scrapy decodes by their BOM, are rare enough to pay the whole decode).
BYTES = 4 * CHARACTERS


class HeadMetaRefreshMiddleware(MetaRefreshMiddleware):
    """``METAREFRESH_*`` settings as Scrapy's; replaces it at the same place (580)."""

    def process_response(self, request, response, spider=None):
        if (request.meta.get("dont_redirect", False) or request.method == "HEAD"
                or not isinstance(response, HtmlResponse)
                or urlparse_cached(request).scheme not in {"http", "https"}):
            return response
        text = head_text(response)
        base_url = html.get_base_url(text, response.url, response.encoding)
        interval, url = html.get_meta_refresh(text, base_url, response.encoding, ignore_tags=self._ignore_tags)
        if not url:
            return response
        redirected = self._redirect_request_using_get(request, response, url)
        if urlparse_cached(redirected).scheme not in {"http", "https"}:
            return response
        if interval < self._maxdelay:
            return self._redirect(redirected, request, "meta refresh")
        return response


def head_text(response: HtmlResponse) -> str:
    """The first 4,096 characters of ``response.text``, decoding no more of the body than they need."""
    body = response.body
    if len(body) <= BYTES or body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
                                              codecs.BOM_UTF32_BE)):
        return response.text[:CHARACTERS]
    start = len(codecs.BOM_UTF8) if body.startswith(codecs.BOM_UTF8) else 0
    try:
        return body[start:start + BYTES].decode(response.encoding, "replace")[:CHARACTERS]
    except LookupError:  # an encoding name Python does not know: as Scrapy reads it
        return response.text[:CHARACTERS]
