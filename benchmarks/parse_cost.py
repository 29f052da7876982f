"""What parsing an article page costs, three ways, measured in this process on pages given as bytes.

- ``lxml whole page``: what the crawl does with a response today: ``parsel.Selector(text=...)`` on the
  decoded page (Scrapy's ``response.selector``: the text encoded back to UTF-8 and parsed by
  ``lxml.html.HTMLParser``);
- ``lexbor whole page``: ``selectolax.lexbor.LexborHTMLParser`` on the same bytes (selectolax is a
  benchmark-only dependency; the row is left out without it);
- ``lxml head + article slice``: the same parsel parse of a byte slice, the ``<head>`` and the first
  ``<article ...>...</article>`` element (found with ``bytes.find``; the finding is counted in), wrapped
  in ``<body>``; the whole page when either marker is missing: the idea's cost, without its safeguards;
- ``newscrawl slice``: what the crawl pays, ``newscrawl.sites.page.article_document`` (its slicer, which
  skips scripts and comments and checks the article's balance, then lxml's parse of the slice).

Each figure is CPU time (``time.process_time``), the median over rounds of the mean over the pages; the
three alternate within a round so a change of load hits all of them.

Beside the parses, :func:`measure_item_path` times what newscrawl does with an article once it is extracted:
its item pipelines and the feed line. A parse plus that path is what a crawl keeping newscrawl's output would
cost if extraction itself cost nothing: the floor any extraction design stands on.
"""

from __future__ import annotations

import io
import statistics
import time
import urllib.request
from collections.abc import Callable

from parsel import Selector


def lxml_whole(body: bytes) -> object:
    return Selector(text=body.decode("utf-8"))


def head_and_article(body: bytes) -> bytes:
    """``<head>`` and the first ``<article>`` element of ``body``, as one small document; else ``body``."""
    head_end = body.find(b"</head>")
    start = body.find(b"<article", head_end if head_end >= 0 else 0)
    end = body.find(b"</article>", start)
    if head_end < 0 or start < 0 or end < 0:
        return body
    return body[: head_end + 7] + b"<body>" + body[start: end + 10] + b"</body></html>"


def lxml_slice(body: bytes) -> object:
    return Selector(text=head_and_article(body).decode("utf-8"))


def lexbor_parser() -> Callable[[bytes], object] | None:
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        return None
    return LexborHTMLParser


def parsers() -> dict[str, Callable[[bytes], object]]:
    found: dict[str, Callable[[bytes], object]] = {"lxml whole page": lxml_whole}
    if (lexbor := lexbor_parser()) is not None:
        found["lexbor whole page"] = lexbor
    found["lxml head + article slice"] = lxml_slice
    found["newscrawl slice"] = newscrawl_slice
    return found


def newscrawl_slice(body: bytes) -> object:
    from newscrawl.sites.page import article_document

    return article_document(body, "utf-8", "http://127.0.0.1/")


def measure_parsers(pages: list[bytes], rounds: int = 5) -> dict[str, float]:
    """CPU ms per page of each parser on ``pages`` (median over ``rounds`` of the mean over the pages)."""
    chosen = parsers()
    for parse in chosen.values():  # warm-up
        for body in pages[:5]:
            parse(body)
    per_round: dict[str, list[float]] = {name: [] for name in chosen}
    for _ in range(rounds):
        for name, parse in chosen.items():
            start = time.process_time()
            for body in pages:
                parse(body)
            per_round[name].append(1000 * (time.process_time() - start) / len(pages))
    return {name: round(statistics.median(values), 3) for name, values in per_round.items()}


class NullStats:  # what the pipelines ask of Scrapy's stats collector
    def inc_value(self, key, count=1, start=0):
        pass

    def set_value(self, key, value):
        pass

    def get_value(self, key, default=None):
        return default


def measure_item_path(pages: list[bytes], base_url: str, article_ids: list[str], rounds: int = 5) -> dict:
    """CPU ms per page of newscrawl's item path on the articles of ``pages`` (``article_ids`` at ``base_url``,
    as :func:`fetch_sample` fetched them): the item
    pipelines the benchmark's crawl runs (clean, read-also, dates, validate; the window and the state do
    nothing there) and the feed line, with the crawl's feed fields. The extraction that makes the items is
    done before each round and not counted. ``{"ms": CPU ms per page, "lines": feed lines written a round,
    "dropped": items the pipelines dropped a round}``."""
    from scrapy.exceptions import DropItem

    from newscrawl.items import exported_fields
    from newscrawl.pipelines.clean import CleanTextPipeline
    from newscrawl.pipelines.dates import DatesPipeline
    from newscrawl.pipelines.related import RelatedPipeline
    from newscrawl.pipelines.validate import ValidatePipeline
    from newscrawl.schema.exporters import JsonLinesItemExporter
    from newscrawl.sites.albawabh import extract_article
    from newscrawl.sites.urls import Site

    site, fields = Site.from_base_url(base_url), exported_fields()
    urls = [f"{site.base_url}/{article_id}" for article_id in article_ids]
    per_round, lines, dropped = [], 0, 0
    for _ in range(rounds + 1):  # the first round warms up
        items = [item for body, url in zip(pages, urls, strict=True)
                 if (item := extract_article(body, "utf-8", url, "2026-01-01T00:00:00+00:00", site=site).item)]
        pipelines = [CleanTextPipeline(NullStats()), RelatedPipeline(NullStats()), DatesPipeline(NullStats()),
                     ValidatePipeline(NullStats())]
        feed = io.BytesIO()
        exporter = JsonLinesItemExporter(feed, encoding="utf-8", fields_to_export=fields)
        lines = dropped = 0
        start = time.process_time()
        for item in items:
            try:
                for pipeline in pipelines:
                    item = pipeline.process_item(item)
            except DropItem:  # as in the crawl: dropped, not written
                dropped += 1
                continue
            exporter.export_item(item)
        per_round.append(1000 * (time.process_time() - start) / len(pages))
        lines = feed.getvalue().count(b"\n")
    return {"ms": round(statistics.median(per_round[1:]), 3), "lines": lines, "dropped": dropped}


def sample_ids(article_ids: list[str], count: int = 100) -> list[str]:
    """``count`` of ``article_ids``, spread evenly over them."""
    return article_ids[::max(1, len(article_ids) // count)][:count]


def fetch_sample(base_url: str, article_ids: list[str], count: int = 100) -> list[bytes]:
    """The pages of :func:`sample_ids`, as the server sends them."""
    pages = []
    for article_id in sample_ids(article_ids, count):
        with urllib.request.urlopen(f"{base_url}/{article_id}", timeout=30) as response:
            pages.append(response.read())
    return pages
