"""A stats collector that also writes the crawl's final stats as JSON, for the benchmark runner.

    scrapy crawl albawabh -s STATS_CLASS=benchmarks.stats.JsonStatsCollector -s BENCH_STATS_FILE=stats.json

It is the project's own collector (its settings module's ``STATS_CLASS``, e.g. newscrawl's
``FastStatsCollector``) with the writing mixed in, so the crawl measured is the crawl that ships.

Scrapy persists the stats after ``spider_closed``, so ``elapsed_time_seconds`` is in the file. So is
``bench/peak_rss_kb``, the process's peak resident set (``VmHWM``) since it started the crawler: the
kernel's ``ru_maxrss`` of a child process also counts the pages it shared with its parent right after
the fork, so a parent larger than the crawl would hide the crawl's own peak. And ``bench/crawl_cpu_s``,
the CPU time the process spent from the spider's opening to its closing, without the start-up (imports)
that the kernel's figure for the whole process includes.
"""

from __future__ import annotations

import importlib
import json
import os
import time
from datetime import datetime

from scrapy.utils.misc import load_object


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def status_kb(field: str) -> int | None:
    """A KiB figure of this process's /proc status (Linux: ``VmHWM``, ``VmRSS``), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(f"{field}:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def peak_rss_kb() -> int | None:
    """This process's peak resident set size in KiB, from /proc (Linux), or None."""
    return status_kb("VmHWM")


class _JsonStats:
    """Mixed into the project's own stats collector: writes the final stats (and the two figures above)."""

    _cpu_at_open: float | None = None

    def open_spider(self, *args, **kwargs) -> None:
        super().open_spider(*args, **kwargs)
        self._cpu_at_open = time.process_time()

    def _persist_stats(self, stats) -> None:
        super()._persist_stats(stats)
        path = self._crawler.settings.get("BENCH_STATS_FILE")
        if path:
            cpu = time.process_time() - self._cpu_at_open if self._cpu_at_open is not None else None
            base = type(self).__mro__[2]  # (the built class, _JsonStats, the project's collector, ...)
            stats = {**stats, "bench/peak_rss_kb": peak_rss_kb(), "bench/crawl_cpu_s": cpu,
                     "bench/stats_class": f"{base.__module__}.{base.__qualname__}"}
            with open(path, "w", encoding="utf-8") as out:
                json.dump({key: _plain(value) for key, value in stats.items()}, out, ensure_ascii=False,
                          indent=1, sort_keys=True, default=str)


def project_stats_class() -> str:
    """The ``STATS_CLASS`` of the project's settings module (``-s STATS_CLASS`` hides it from the crawler's
    settings): the crawl must be measured with the collector it ships with."""
    module = os.environ.get("SCRAPY_SETTINGS_MODULE")
    if module:
        try:
            return getattr(importlib.import_module(module), "STATS_CLASS", DEFAULT_STATS_CLASS)
        except ImportError:
            pass
    return DEFAULT_STATS_CLASS


DEFAULT_STATS_CLASS = "scrapy.statscollectors.MemoryStatsCollector"
_CLASSES: dict[type, type] = {}


def JsonStatsCollector(crawler):  # noqa: N802 (STATS_CLASS names a class; this builds one)
    """``STATS_CLASS`` for the benchmarks: the project's own collector (``BENCH_STATS_BASE`` to name
    another) with :class:`_JsonStats` mixed in."""
    base = load_object(crawler.settings.get("BENCH_STATS_BASE") or project_stats_class())
    if base not in _CLASSES:
        _CLASSES[base] = type(f"Json{base.__name__}", (_JsonStats, base), {})
    return _CLASSES[base](crawler)
