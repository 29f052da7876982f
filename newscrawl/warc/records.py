"""One download as WARC records: a ``request`` and a ``response`` record, gzip per record, built by warcio.

The response record holds the body exactly as the downloader got it, before HttpCompressionMiddleware: still
compressed when ``Content-Encoding`` says so. Scrapy's HTTP/1.1 handler has already undone the chunked
transfer coding, so ``Transfer-Encoding`` is left out of the stored headers (the record's length bounds the
payload). Header names are as Scrapy normalizes them (``Etag`` for ``ETag``), their order is the order
Scrapy keeps; a header value that is not ASCII is %-encoded by warcio.
"""

from __future__ import annotations

import zlib
from http import HTTPStatus
from io import BytesIO
from urllib.parse import urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: Hop-by-hop codings the handler removed from the body before the middleware saw it.
UNDONE_HEADERS = frozenset({"transfer-encoding"})
#: The listing date a card gave the article (request meta ``listing_date``): the spider reads it as a date
#: candidate, so re-extraction needs it. Not a WARC-defined field (those start with ``WARC-``).
LISTING_DATE_HEADER = "Newscrawl-Listing-Date"
#: WARC-Truncated reason for a body that ended when the server closed the connection without a
#: Content-Length or a last chunk (Scrapy's ``partial`` flag, or ``dataloss`` when data loss is allowed).
TRUNCATED_FLAGS = {"dataloss": "disconnect", "partial": "disconnect"}
GZIP_LEVEL = 6


def _text(value: bytes) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value.decode("latin-1")


def header_pairs(headers, skip: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """Scrapy ``Headers`` as (name, value) pairs, one per value."""
    pairs = []
    for name in headers:
        text_name = _text(name)
        if text_name.lower() in skip:
            continue
        pairs.extend((text_name, _text(value)) for value in headers.getlist(name))
    return pairs


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def request_head(request) -> StatusAndHeaders:
    parts = urlsplit(request.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    pairs = header_pairs(request.headers)
    if not any(name.lower() == "host" for name, _ in pairs):
        pairs.insert(0, ("Host", parts.netloc))  # the handler adds it on the wire
    # With is_http_request, warcio splits the method off the line itself (protocol=method).
    return StatusAndHeaders(f"{request.method} {target} HTTP/1.1", pairs, is_http_request=True)


def response_head(response) -> StatusAndHeaders:
    pairs = header_pairs(response.headers, skip=UNDONE_HEADERS)
    protocol = getattr(response, "protocol", None) or "HTTP/1.1"
    return StatusAndHeaders(status_line(response.status), pairs, protocol=protocol)


def truncation(response) -> str | None:
    """The WARC-Truncated value for a response Scrapy flagged as possibly cut short, else None."""
    for flag in response.flags:
        if flag in TRUNCATED_FLAGS:
            return TRUNCATED_FLAGS[flag]
    return None


def download_records(request, response, warc_date: str) -> bytes:
    """The request and response records of one download, each a gzip member, ready to append to a file."""
    writer = WARCWriter(BytesIO(), gzip=False, warc_version="1.1")
    body = response.body
    extra = {"WARC-Date": warc_date}
    if listing_date := request.meta.get("listing_date"):
        extra[LISTING_DATE_HEADER] = str(listing_date)
    if reason := truncation(response):
        extra["WARC-Truncated"] = reason
    if ip := getattr(response, "ip_address", None):
        extra["WARC-IP-Address"] = str(ip)
    response_record = writer.create_warc_record(
        response.url,
        "response",
        payload=BytesIO(body),
        length=len(body),
        warc_headers_dict=extra,
        http_headers=response_head(response),
    )
    request_body = request.body or b""
    request_record = writer.create_warc_record(
        request.url,
        "request",
        payload=BytesIO(request_body),
        length=len(request_body),
        warc_headers_dict={
            "WARC-Date": warc_date,
            "WARC-Concurrent-To": response_record.rec_headers.get_header("WARC-Record-ID"),
        },
        http_headers=request_head(request),
    )
    return gzip_member(writer, request_record) + gzip_member(writer, response_record)


def warcinfo_record(filename: str, info: dict[str, str]) -> bytes:
    writer = WARCWriter(BytesIO(), gzip=False, warc_version="1.1")
    return gzip_member(writer, writer.create_warcinfo_record(filename, info))


def gzip_member(writer: WARCWriter, record) -> bytes:
    """One record serialized by warcio, as one gzip member (what ``WARCWriter(gzip=True)`` writes, at
    compression level 6 instead of warcio's fixed 9: half the CPU for about 1 % more bytes)."""
    out = BytesIO()
    writer.out = out
    writer.write_record(record)
    compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
    return compressor.compress(out.getvalue()) + compressor.flush()
