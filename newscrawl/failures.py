"""Readable causes for the failures a run meets: one short sentence instead of a traceback.

:func:`describe` turns an exception (a download error, a feed storage error) into a sentence a user can
act on ("DNS lookup failed for nonexistent.invalid", "S3 credentials not found ..."), or None when it is
not one of the failures we know, which stays a bug and keeps its traceback.

:class:`ReadableFailures` is a logging filter put on the loggers that print these failures with a
traceback (Scrapy's robots.txt middleware, scraper and engine, the retry middleware's "Gave up retrying",
the feed exporter's "Error storing"). Below DEBUG it drops the traceback of a known failure and keeps the
line, naming the cause (a cause that fails the whole host alike, DNS, refused or TLS, is named once;
its repeats go to DEBUG); at DEBUG (``NEWSCRAWL_LOG_LEVEL=DEBUG``) the traceback stays. It also keeps the
first cause met while fetching (the crawler's stat ``newscrawl/failures/download``) for the run's summary.

No Scrapy import: exceptions are recognised by class name, so botocore need not be installed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

DNS = ("CannotResolveHostError", "DNSLookupError", "gaierror")
REFUSED = ("DownloadConnectionRefusedError", "ConnectionRefusedError")
TIMEOUT = ("DownloadTimeoutError", "TimeoutError", "TCPTimedOutError", "TimeoutError")
DENIED = ("AccessDenied", "AllAccessDisabled", "InvalidAccessKeyId", "SignatureDoesNotMatch", "Forbidden", "403")
#: Loggers that print a download or storage failure with its traceback.
FAILURE_LOGGERS = (
    "scrapy.core.scraper",
    "scrapy.core.engine",
    "scrapy.downloadermiddlewares.robotstxt",
    "scrapy.downloadermiddlewares.retry",
    "scrapy.extensions.feedexport",
    "scrapy.utils.signal",
    "newscrawl.feeds.exporter",
)
#: Causes that fail every request to the host alike: named once below DEBUG, repeats logged at DEBUG.
HOST_WIDE = ("DNS lookup failed", "connection refused", "TLS handshake")
SECONDS = re.compile(r"longer than ([\d.]+) seconds")


def chain(exc: BaseException) -> Iterator[BaseException]:
    """The exception, what caused it, and the reasons inside Twisted's ResponseFailed."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        todo.append(current.__cause__ or current.__context__)
        for reason in getattr(current, "reasons", None) or []:  # twisted.web's ResponseFailed
            todo.append(getattr(reason, "value", reason))


def _host(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return parts.netloc or parts.path


def _tls_reason(exc: BaseException) -> str:
    """'wrong version number' out of OpenSSL's [('SSL routines', '', 'wrong version number')]."""
    for arg in exc.args:
        if isinstance(arg, list) and arg and isinstance(arg[0], tuple):
            return "; ".join(str(part[-1]) for part in arg if part and part[-1])
    return str(exc)


def describe(exc: BaseException, url: str | None = None) -> str | None:
    """A readable cause for ``exc`` met on ``url`` (a page or a feed URI); None: not a known failure."""
    links = list(chain(exc))
    names = [type(link).__name__ for link in links]
    modules = [type(link).__module__ for link in links]
    host = _host(url)
    at = f" {host}" if host else ""
    for link, name, module in zip(links, names, modules, strict=True):
        if module.startswith("OpenSSL") or name.startswith("SSL") or "certificate" in str(link).lower():
            return f"TLS handshake with{at or ' the server'} failed ({_tls_reason(link)})"
    if "NoCredentialsError" in names or "PartialCredentialsError" in names:
        return ("S3 credentials not found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, "
                "or a role)")
    for link, name in zip(links, names, strict=True):
        if name == "ClientError" or hasattr(link, "response") and isinstance(link.response, dict):
            error = (getattr(link, "response", None) or {}).get("Error", {})
            code = str(error.get("Code", ""))
            bucket = error.get("BucketName") or (host if url and url.startswith("s3:") else "")
            if code == "NoSuchBucket":
                return f"S3 bucket {bucket} does not exist" if bucket else "the S3 bucket does not exist"
            if code in DENIED:
                where = f" to s3://{bucket}" if bucket else ""
                return f"access denied{where} ({code}: {error.get('Message') or 'no message'})"
            if code:
                return f"S3 refused the request ({code}: {error.get('Message') or 'no message'})"
        if name in ("EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError"):
            return f"the S3 endpoint did not answer ({link})"
    if url and urlsplit(url).scheme in ("s3", "gs"):  # the bucket is not the host the connection went to
        host, at = "", " the storage endpoint"
    if any(name in DNS for name in names):
        if not host:
            host = str(exc).rstrip(".").rpartition(": ")[2]
        return f"DNS lookup failed for {host}" if host else "DNS lookup failed"
    if any(name in REFUSED for name in names):
        return f"connection refused by{at or ' the server'}"
    if any(name in TIMEOUT for name in names):
        seconds = next((m.group(1) for link in links if (m := SECONDS.search(str(link)))), None)
        within = f" within {float(seconds):g} s (NEWSCRAWL_DOWNLOAD_TIMEOUT)" if seconds else ""
        return f"no answer from{at or ' the server'}{within}"
    for link, name in zip(links, names, strict=True):
        if name in ("DownloadFailedError", "ResponseFailed", "ResponseNeverReceived", "ResponseDataLossError",
                    "ConnectionLost", "ConnectionDone"):
            return f"the connection to{at or ' the server'} failed ({link})"
        if isinstance(link, PermissionError):
            return f"permission denied: {link.filename or link}"
        if isinstance(link, OSError) and link.strerror:
            return f"{link.strerror}: {link.filename}" if link.filename else link.strerror
    return None


def _record_url(record: logging.LogRecord) -> str | None:
    args = record.args if isinstance(record.args, dict) else {}
    request = args.get("request")
    return getattr(request, "url", None)


def _record_exception(record: logging.LogRecord) -> BaseException | None:
    if record.exc_info and record.exc_info[1] is not None:
        return record.exc_info[1]
    args = record.args if isinstance(record.args, dict) else {}
    for key in ("reason", "f_exception", "exception"):
        if isinstance(args.get(key), BaseException):
            return args[key]
    return None


class ReadableFailures(logging.Filter):
    """Known failures logged without their traceback (kept at DEBUG), the cause named in the line."""

    def __init__(self, *, keep_tracebacks: bool, crawler=None):
        super().__init__()
        self.keep_tracebacks = keep_tracebacks
        self.crawler = crawler  # its stats keep the first download failure's cause
        self.named: set[str] = set()  # host-wide causes already logged

    def filter(self, record: logging.LogRecord) -> bool:
        exc = _record_exception(record)
        if exc is None:
            return True
        url = _record_url(record)
        cause = describe(exc, url)
        if cause is None:
            return True  # a bug: its traceback stays
        stats = getattr(self.crawler, "stats", None)
        if url and stats is not None and not stats.get_value("newscrawl/failures/download"):
            stats.set_value("newscrawl/failures/download", cause)
        if isinstance(record.args, dict):
            for key in ("reason", "f_exception"):
                if isinstance(record.args.get(key), BaseException):
                    record.args = {**record.args, key: cause}
        if not self.keep_tracebacks:
            record.exc_info = None
            record.exc_text = None
            if cause.startswith(HOST_WIDE) and record.levelno >= logging.WARNING:
                if cause in self.named:  # the whole host fails alike: once is enough, the rest at DEBUG
                    record.levelno, record.levelname = logging.DEBUG, "DEBUG"
                self.named.add(cause)
        return True


def install(settings, crawler=None) -> ReadableFailures:
    """Put a :class:`ReadableFailures` on :data:`FAILURE_LOGGERS` (replacing one put there before)."""
    level = settings.get("LOG_LEVEL", "DEBUG")
    numeric = logging.getLevelName(str(level).upper()) if isinstance(level, str) else level
    keep = not isinstance(numeric, int) or numeric <= logging.DEBUG
    readable = ReadableFailures(keep_tracebacks=keep, crawler=crawler)
    for name in FAILURE_LOGGERS:
        logger = logging.getLogger(name)
        for old in [f for f in logger.filters if isinstance(f, ReadableFailures)]:
            logger.removeFilter(old)
        logger.addFilter(readable)
    return readable
