"""Rebuild a feed from WARC files: ``python -m newscrawl.reextract WARC... -o FILE``.

The archived article responses (``WARC-Type: response``, status 200, an article URL by
``newscrawl.sites.urls``, not ``WARC-Truncated``) go through what the crawl ran on them: Scrapy's
decompression and the charset check (the downloader middlewares below the archive), the spider's
``parse_article`` and the item pipelines, minus the incremental state. No network. ``crawled_at`` is the
record's ``WARC-Date``. An article archived several times (retries, revisits, several runs) is read from
its latest capture only (WARC-Date, then file and offset order); the earlier ones are counted
``superseded``. A damaged file is read past its damage; each error is printed with its offset and the exit
code is 1, the items read so far still written. Items are written by the crawl's JSON Lines exporter
(NEWSCRAWL_ITEM_SCHEMA applies). Other tools' chunked payloads are de-chunked; a file that is not a WARC
(or is empty) is a read error; a directory stands for its WARC files; ``.open`` files are read with a warning.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.outcome import BAD_ARGUMENT, FAILED, OK
from newscrawl.warc.reader import Capture, ReadError, scan
from newscrawl.warc.records import LISTING_DATE_HEADER

logger = logging.getLogger("newscrawl.reextract")

STATE_PIPELINE = "newscrawl.state.pipeline.StatePipeline"
#: The downloader middlewares between the archive (950) and the spider that change what a response reads
#: as, in the order a response meets them.
DECODERS = (
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware",
    "newscrawl.http.charset.CharsetMiddleware",
)


@dataclass
class Chosen:
    date: str
    order: tuple[int, int]  # (file index, offset)
    path: Path
    offset: int


def article_id(url: str) -> str | None:
    from newscrawl.sites.urls import article_id_from_url

    return article_id_from_url(url)


def dechunk(payload: bytes) -> bytes:
    """Undo ``Transfer-Encoding: chunked`` as other tools store it (the content coding, gzip, is left to
    Scrapy's decompression as in the crawl). A payload that does not parse as chunks is returned as it is:
    some tools keep the header but store the body de-chunked."""
    import io

    from warcio.bufferedreaders import ChunkedDataReader

    reader = ChunkedDataReader(io.BytesIO(payload))
    data = reader.read()
    return data if not reader.not_chunked else payload


def crawled_at(warc_date: str) -> str:
    """``2026-12-05T04:32:37.977236Z`` -> ``2026-12-05T04:32:37+00:00`` (the crawl's form)."""
    moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00")).astimezone(UTC)
    return moment.replace(microsecond=0).isoformat()


class Extractor:
    """The project's spider, decoders and pipelines on a Crawler that never crawls."""

    def __init__(self):
        from scrapy.crawler import Crawler
        from scrapy.exceptions import NotConfigured
        from scrapy.utils.misc import build_from_crawler, load_object
        from scrapy.utils.project import get_project_settings

        from newscrawl.spiders.albawabh import AlbawabhSpider

        os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")  # run from outside the project too
        settings = get_project_settings().copy()
        pipelines = {
            path: order for path, order in settings.getdict("ITEM_PIPELINES").items() if path != STATE_PIPELINE
        }
        settings.set("ITEM_PIPELINES", pipelines, priority="cmdline")
        settings.set("NEWSCRAWL_STATE", "off", priority="cmdline")
        settings.set("ADDONS", {}, priority="cmdline")
        settings.set("EXTENSIONS", {}, priority="cmdline")
        settings.set("TWISTED_REACTOR_ENABLED", False, priority="cmdline")
        self.crawler = Crawler(AlbawabhSpider, settings)
        self.crawler._apply_settings()
        self.stats = self.crawler.stats
        self._spiders: dict[str, object] = {}
        self.decoders = [build_from_crawler(load_object(path), self.crawler) for path in DECODERS]
        ordered = sorted(pipelines.items(), key=lambda entry: entry[1])
        self.pipelines = []
        for path, _ in ordered:
            try:
                self.pipelines.append(build_from_crawler(load_object(path), self.crawler))
            except NotConfigured:  # switched off for this use, as Scrapy's own manager skips it (the date window)
                continue

    def spider(self, url: str):
        parts = urlsplit(url)
        base_url = f"{parts.scheme}://{parts.netloc}"
        if base_url not in self._spiders:
            spider = self.crawler.spidercls.from_crawler(self.crawler, base_url=base_url)
            self.crawler.spider = self.crawler.spider or spider
            self._spiders[base_url] = spider
        return self._spiders[base_url]

    def response(self, capture: Capture, spider):
        import scrapy
        from scrapy.http import Headers
        from scrapy.responsetypes import responsetypes

        headers = Headers()
        chunked = False
        for name, value in capture.http_headers or []:
            if name.lower() == "transfer-encoding":
                chunked = chunked or "chunked" in value.lower()
                continue  # a transfer coding is undone here; the crawl's responses never carry one
            headers.appendlist(name, value.encode("latin-1", "replace"))
        body = dechunk(capture.payload or b"") if chunked else capture.payload
        meta = {"article_id": article_id(capture.url)}
        if listing_date := capture.headers.get(LISTING_DATE_HEADER):
            meta["listing_date"] = listing_date
        request = scrapy.Request(capture.url, meta=meta, callback=spider.parse_article)
        cls = responsetypes.from_args(headers=headers, url=capture.url, body=body)
        response = cls(url=capture.url, status=capture.status, headers=headers, body=body, request=request)
        for decoder in self.decoders:
            response = decoder.process_response(request, response)
        return response

    def items(self, capture: Capture) -> tuple[list[dict], Counter[str]]:
        """The exported items of one archived article response, and what happened to it."""
        from newscrawl.items import Article

        events: Counter[str] = Counter()
        spider = self.spider(capture.url)
        response = self.response(capture, spider)
        items = []
        for result in spider.parse_article(response) or ():
            if not isinstance(result, Article):
                continue  # requests for linked articles: not followed
            result.crawled_at = crawled_at(capture.headers.get("WARC-Date", ""))
            try:
                for pipeline in self.pipelines:
                    result = pipeline.process_item(result)
            except DropItem as exc:
                events["dropped"] += 1
                logger.warning("dropped %s: %s", capture.url, exc)
                continue
            items.append(ItemAdapter(result).asdict())
        if not items and not events:
            events["dropped"] += 1
            logger.warning("dropped %s: the spider made no article of it", capture.url)
        return items, events


def is_article_response(capture: Capture) -> bool:
    return capture.rec_type == "response" and article_id(capture.url) is not None


def index(paths: list[Path], counts: Counter[str], errors: list[ReadError]) -> list[Chosen]:
    """Pass 1: the latest complete 200 capture of each article, in archive order."""
    chosen: dict[str, Chosen] = {}
    for number, path in enumerate(paths):
        for result in scan(path):
            if isinstance(result, ReadError):
                errors.append(result)
                print(f"reextract: error: {result}", file=sys.stderr)
                continue
            counts["records"] += 1
            if not is_article_response(result):
                continue
            counts["article_responses"] += 1
            if result.status != 200:
                counts["skipped_status"] += 1
                continue
            if result.headers.get("WARC-Truncated"):
                counts["skipped_truncated"] += 1
                continue
            key = article_id(result.url)
            candidate = Chosen(result.headers.get("WARC-Date", ""), (number, result.offset), path, result.offset)
            previous = chosen.get(key)
            if previous is None or (candidate.date, candidate.order) >= (previous.date, previous.order):
                if previous is not None:
                    counts["superseded"] += 1
                chosen[key] = candidate
            else:
                counts["superseded"] += 1
    return sorted(chosen.values(), key=lambda entry: entry.order)


def exporter_for(extractor: Extractor, output):
    """The crawl's JSON Lines exporter (NEWSCRAWL_ITEM_SCHEMA, FEED_EXPORT_FIELDS and encoding), as its feeds
    build it, so a rebuilt feed has the shape of the crawl's."""
    from scrapy.utils.misc import build_from_crawler, load_object

    settings = extractor.crawler.settings
    exporters = {**settings.getdict("FEED_EXPORTERS_BASE"), **settings.getdict("FEED_EXPORTERS")}
    return build_from_crawler(
        load_object(exporters["jsonlines"]),
        extractor.crawler,
        output,
        fields_to_export=settings.getlist("FEED_EXPORT_FIELDS") or None,
        encoding=settings.get("FEED_EXPORT_ENCODING") or "utf-8",
    )


def write_items(chosen: list[Chosen], output, counts: Counter[str], errors: list[ReadError]) -> None:
    """Pass 2: extract each chosen capture and write its items through the crawl's exporter."""
    extractor = Extractor()
    exporter = exporter_for(extractor, output)
    exporter.start_exporting()
    by_path: dict[Path, list[int]] = {}
    for entry in chosen:
        by_path.setdefault(entry.path, []).append(entry.offset)
    for path, offsets in by_path.items():
        for result in scan(path, want_payload=lambda capture: True, offsets=offsets):
            if isinstance(result, ReadError):
                errors.append(result)
                continue
            counts["read"] += 1
            try:
                items, events = extractor.items(result)
            except Exception:  # one page that breaks extraction must not stop the others
                counts["errors"] += 1
                logger.exception("extraction failed on %s (%s offset %d)", result.url, path, result.offset)
                continue
            counts.update(events)
            for item in items:
                exporter.export_item(item)
                counts["emitted"] += 1
    exporter.finish_exporting()


def schema_problem() -> str | None:
    """Why NEWSCRAWL_ITEM_SCHEMA cannot be written, checked before any file is read."""
    from scrapy.utils.project import get_project_settings

    from newscrawl.schema.exporters import ItemSchemaError, item_schema

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "newscrawl.settings")
    try:
        item_schema(get_project_settings())
    except ItemSchemaError as exc:
        return str(exc)
    return None


OPEN_WARNING = "the crawl that wrote it was killed; its last record may be cut"
SUFFIXES = (".warc.gz", ".warc", ".warc.gz.open")


def expand(paths: list[Path]) -> list[Path]:
    """Files as given; a directory stands for its WARC files (and still-open ones), sorted by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(SUFFIXES)))
        else:
            files.append(path)
    return files


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m newscrawl.reextract",
        description="Rebuild the items of a crawl from its WARC files: the archived article responses go "
        "through the spider's extraction and the item pipelines (no state, no network); "
        "crawled_at is each record's WARC-Date. An article archived several times is read "
        "from its latest capture.",
        epilog="Exit 0 when every file was read whole, 1 when a file was damaged or a page failed "
        "(the items that could be read are still written), 2 on bad arguments.",
    )
    parser.add_argument(
        "warcs",
        nargs="+",
        metavar="WARC",
        type=Path,
        help="WARC files (.warc.gz, .warc) or directories of them to read",
    )
    parser.add_argument(
        "-o",
        "--output",
        required=True,
        type=Path,
        help="JSON Lines file to write (replaced if it exists; '-' for stdout)",
    )
    parser.add_argument("--log-level", default="WARNING", help="logging level (default WARNING)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    missing = [str(path) for path in args.warcs if not path.exists()]
    if missing:
        print(f"reextract: error: no such file: {', '.join(missing)}", file=sys.stderr)
        return BAD_ARGUMENT
    empty = [str(path) for path in args.warcs if path.is_dir() and not expand([path])]
    if empty:
        print(f"reextract: error: no WARC files (*.warc.gz, *.warc) in: {', '.join(empty)}", file=sys.stderr)
        return BAD_ARGUMENT
    if (problem := schema_problem()) is not None:
        print(f"reextract: error: {problem}", file=sys.stderr)
        return BAD_ARGUMENT
    args.warcs = expand(args.warcs)
    for path in args.warcs:
        if path.name.endswith(".open"):
            print(f"reextract: warning: {path} was not closed: {OPEN_WARNING}", file=sys.stderr)
    counts: Counter[str] = Counter()
    errors: list[ReadError] = []
    chosen = index(args.warcs, counts, errors)
    if str(args.output) == "-":
        write_items(chosen, sys.stdout.buffer, counts, errors)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        with args.output.open("wb") as output:
            write_items(chosen, output, counts, errors)
    print(
        f"reextract: {counts['records']} records read from {len(args.warcs)} file(s), "
        f"{counts['article_responses']} article responses ({counts['superseded']} superseded by a later "
        f"capture, {counts['skipped_status']} not 200, {counts['skipped_truncated']} truncated); "
        f"{counts['read']} extracted, {counts['emitted']} items emitted, {counts['dropped']} dropped, "
        f"{counts['errors']} extraction errors, {len(errors)} read errors",
        file=sys.stderr,
    )
    return FAILED if errors or counts["errors"] else OK


if __name__ == "__main__":
    sys.exit(main())
