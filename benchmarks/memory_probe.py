"""A Scrapy extension for the memory benchmark only: what is alive in the crawl process, during and after.

Loaded by ``python -m benchmarks.memory`` through ``-s EXTENSIONS=...`` (the project's extensions plus this
one), never by the project. Every ``BENCH_MEMORY_INTERVAL`` seconds (default 1) of the crawl it samples:

- the process's resident set (``VmRSS``) and, with ``BENCH_MEMORY_TRACEMALLOC`` on (default), the bytes
  Python's allocator holds (``tracemalloc``: Python objects only; libxml2's trees, allocated by lxml in C,
  are not seen by it, so RSS and the object counts below are the witnesses for them);
- the number of live objects of the types that hold a page (``WATCHED``: Scrapy responses and requests,
  parsel selectors, lxml element proxies, newscrawl's items, blocks, links and page objects), counted over
  ``gc.get_objects()``.

At the sample with the most traced bytes (the peak) it keeps the largest allocation sites
(``tracemalloc`` statistics by line, ``BENCH_MEMORY_TOP`` of them); at ``spider_closed``, after a full
``gc.collect()``, the same again ("at close"). It writes all of it as JSON to ``BENCH_MEMORY_FILE``.
Sampling costs CPU (a walk over every tracked object, a tracemalloc snapshot at each new peak): the crawl
runs slower under it, and its throughput means nothing; only what is alive is measured.
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections import Counter

from scrapy import signals
from scrapy.exceptions import NotConfigured

from benchmarks.stats import status_kb

#: Type names counted (by ``type(obj).__name__``): what a page leaves behind if anything outlives it.
WATCHED = (
    "Response", "TextResponse", "HtmlResponse", "XmlResponse", "Request",
    "Selector", "SelectorList",
    "HtmlElement", "_Element", "_ElementTree", "HtmlComment", "_ElementUnicodeResult",
    "LexborHTMLParser", "HTMLParser",
    "Article", "Block", "Link", "ArticlePage", "ListingPage",
    "Deferred", "Task", "Future",
)


def rss_kb() -> int | None:
    return status_kb("VmRSS")


def count_watched() -> dict[str, int]:
    counts: Counter[str] = Counter()
    for obj in gc.get_objects():
        name = type(obj).__name__
        if name in WATCHED:
            counts[name] += 1
    return {name: counts.get(name, 0) for name in WATCHED}


def top_allocations(snapshot: tracemalloc.Snapshot, limit: int, frames: int = 1) -> list[dict]:
    """The largest allocation sites: by line (one frame), or by call stack (``frames`` > 1, innermost first)."""
    stats = snapshot.filter_traces((
        tracemalloc.Filter(False, tracemalloc.__file__),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap>"),
        tracemalloc.Filter(False, "<frozen importlib._bootstrap_external>"),
    )).statistics("lineno" if frames <= 1 else "traceback")
    found = []
    for stat in stats[:limit]:
        frames_in = list(reversed(stat.traceback))  # a Traceback runs from the oldest frame to the newest
        found.append({"where": f"{frames_in[0].filename}:{frames_in[0].lineno}", "kb": round(stat.size / 1024, 1),
                      "blocks": stat.count, "stack": [f"{f.filename}:{f.lineno}" for f in frames_in[1:]]})
    return found


class MemoryProbe:
    def __init__(self, crawler, path: str, interval: float, top: int, trace: bool, frames: int):
        self.crawler = crawler
        self.path = path
        self.interval = interval
        self.top = top
        self.trace = trace
        self.frames = frames
        self.samples: list[dict] = []
        self.peak: dict | None = None
        self.task = None
        self.responses = 0

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        path = settings.get("BENCH_MEMORY_FILE")
        if not path:
            raise NotConfigured("BENCH_MEMORY_FILE is not set")
        probe = cls(crawler, path, settings.getfloat("BENCH_MEMORY_INTERVAL", 1.0),
                    settings.getint("BENCH_MEMORY_TOP", 15), settings.getbool("BENCH_MEMORY_TRACEMALLOC", True),
                    settings.getint("BENCH_MEMORY_FRAMES", 1))
        crawler.signals.connect(probe.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(probe.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(probe.response_received, signal=signals.response_received)
        return probe

    def response_received(self, *args, **kwargs) -> None:
        self.responses += 1

    def spider_opened(self, spider) -> None:
        from twisted.internet import task

        if self.trace and not tracemalloc.is_tracing():
            tracemalloc.start(self.frames)
        self.started = time.monotonic()
        self.task = task.LoopingCall(self.sample)
        self.task.start(self.interval, now=True)

    def sample(self) -> None:
        traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else None
        entry = {"t": round(time.monotonic() - self.started, 2), "responses": self.responses, "rss_kb": rss_kb(),
                 "traced_kb": round(traced / 1024) if traced is not None else None, "objects": count_watched()}
        self.samples.append(entry)
        if traced is not None and (self.peak is None or traced > self.peak["traced_kb"] * 1024):
            self.peak = {**entry, "top": top_allocations(tracemalloc.take_snapshot(), self.top, self.frames)}

    def spider_closed(self, spider, reason) -> None:
        if self.task is not None and self.task.running:
            self.task.stop()
        self.sample()
        during = self.samples[-1]
        gc.collect()
        traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else None
        close = {"responses": self.responses, "rss_kb": rss_kb(),
                 "traced_kb": round(traced / 1024) if traced is not None else None, "objects": count_watched(),
                 "top": top_allocations(tracemalloc.take_snapshot(), self.top, self.frames)
                 if tracemalloc.is_tracing() else []}
        most = {name: max(s["objects"][name] for s in self.samples) for name in WATCHED}
        report = {"reason": reason, "interval_s": self.interval, "samples": self.samples, "peak": self.peak,
                  "before_close_gc": during, "close": close, "max_objects_during_crawl": most}
        with open(self.path, "w", encoding="utf-8") as out:
            json.dump(report, out, ensure_ascii=False, indent=1)
