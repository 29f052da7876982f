"""Downloader middleware that archives each download as WARC records (switched on by NEWSCRAWL_WARC_DIR).

At 950, next to the downloader, ``process_response`` sees every download once: robots.txt, each redirect
hop, each retry, 4xx and 5xx, with the body as the site sent it (before decompression). A download that
failed (timeout, reset, data loss, size cap) has no response and is not archived (counted
``newscrawl/warc/not_archived``). A body Scrapy flags as possibly cut short is archived with
``WARC-Truncated``. Records are written synchronously (the cost is in benchmarks/warc.py); uploads run in
a thread. A failed upload keeps the local file, logs one line naming it and counts
``newscrawl/warc/failed_uploads``, which fails the run (newscrawl.outcome).
"""

from __future__ import annotations

import logging
import tomllib
from datetime import UTC, datetime
from pathlib import Path

import scrapy
import warcio
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.defer import DeferredList
from twisted.internet.threads import deferToThread

from newscrawl.warc.files import WarcFiles
from newscrawl.warc.records import download_records, truncation
from newscrawl.warc.upload import S3Target, S3Uploader, check_warc_settings

logger = logging.getLogger(__name__)

STATS = "newscrawl/warc/"


def newscrawl_version() -> str:
    try:
        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
    except (OSError, KeyError, ValueError):
        return "unknown"


def warc_date(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class WarcMiddleware:
    def __init__(self, crawler, directory: str, max_bytes: int, uploader: S3Uploader | None):
        self.crawler = crawler
        self.stats = crawler.stats
        self.run_start = datetime.now(UTC).replace(microsecond=0)
        self.directory = directory
        self.max_bytes = max_bytes
        self.uploader = uploader
        self.files: WarcFiles | None = None
        self.pending: list = []  # uploads in flight
        self.write_failed = False

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        directory = settings.get("NEWSCRAWL_WARC_DIR")
        if not directory:
            raise NotConfigured  # NEWSCRAWL_WARC_DIR is not set (no message: Scrapy would log one as a WARNING)
        check_warc_settings(settings)  # the crawl command checked them already (exit 2)
        max_bytes = settings.getint("NEWSCRAWL_WARC_MAX_BYTES", 1_000_000_000)
        uri = settings.get("NEWSCRAWL_WARC_URI")
        uploader = S3Uploader(S3Target.parse(uri)) if uri else None
        middleware = cls(crawler, directory, max_bytes, uploader)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # -- the run's description -------------------------------------------------------------------------
    def info(self) -> dict[str, str]:
        settings = self.crawler.settings
        spider = self.crawler.spider
        site = getattr(spider, "site", None)
        return {
            "software": f"newscrawl/{newscrawl_version()} Scrapy/{scrapy.__version__} warcio/{_warcio_version()}",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "isPartOf": settings.get("NEWSCRAWL_RUN_ID") or "",
            "run-start": self.run_start.isoformat().replace("+00:00", "Z"),
            "spider": spider.name if spider else "",
            "base-url": getattr(site, "base_url", ""),
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT") or "",
        }

    def _files(self, spider) -> WarcFiles:
        if self.files is None:
            self.files = WarcFiles(
                self.directory, spider.name, self.run_start.strftime("%Y%m%dT%H%M%SZ"), self.max_bytes, self.info
            )
        return self.files

    # -- downloads -------------------------------------------------------------------------------------
    def process_response(self, request, response):
        if "cached" in response.flags or self.write_failed:
            self.stats.inc_value(f"{STATS}not_archived")
            return response
        try:
            data = download_records(request, response, warc_date(datetime.now(UTC)))
            closed = self._files(self.crawler.spider).write(data)
        except OSError as exc:  # a full disk: the crawl goes on, the archive stops, the run is failed
            self.write_failed = True
            self.stats.inc_value(f"{STATS}write_errors")
            logger.error("WARC capture stopped: cannot write to %s (%s)", self.directory, exc)
            return response
        self.stats.inc_value(f"{STATS}responses")
        self.stats.inc_value(f"{STATS}bytes", len(data))
        if truncation(response):
            self.stats.inc_value(f"{STATS}truncated")
        if closed is not None:
            self._finished(closed)
        return response

    def process_exception(self, request, exception):
        self.stats.inc_value(f"{STATS}not_archived")

    # -- files -------------------------------------------------------------------------------------------
    def _finished(self, path: Path) -> None:
        self.stats.inc_value(f"{STATS}files")
        logger.info("WARC file written: %s", path)
        if self.uploader is None:
            return
        deferred = deferToThread(self.uploader.upload, path)
        deferred.addCallbacks(self._uploaded, self._upload_failed, errbackArgs=(path,))
        self.pending.append(deferred)

    def _uploaded(self, uri: str) -> None:
        self.stats.inc_value(f"{STATS}uploaded")
        logger.info("WARC file uploaded: %s", uri)

    def _upload_failed(self, failure, path: Path) -> None:
        self.stats.inc_value(f"{STATS}failed_uploads")
        logger.error(
            "WARC file %s failed to upload to %s (kept locally): %s",
            path,
            self.uploader.target.uri(path),
            failure.getErrorMessage(),
        )

    def spider_closed(self):
        if self.files is not None and not self.write_failed:
            try:
                closed = self.files.close()
            except OSError as exc:
                self.stats.inc_value(f"{STATS}write_errors")
                logger.error("WARC file could not be closed in %s: %s", self.directory, exc)
            else:
                if closed is not None:
                    self._finished(closed)
        if self.pending:
            return DeferredList(self.pending)
        return None


def _warcio_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("warcio")
    except PackageNotFoundError:
        return getattr(warcio, "__version__", "unknown")
