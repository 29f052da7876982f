"""A stats collector that also writes the crawl's final stats as JSON, for the benchmark runner.

    scrapy crawl albawabh -s STATS_CLASS=benchmarks.stats.JsonStatsCollector -s BENCH_STATS_FILE=stats.json

Scrapy persists the stats after ``spider_closed``, so ``elapsed_time_seconds`` is in the file. So is
``bench/peak_rss_kb``, the process's peak resident set (``VmHWM``) since it started the crawler: the
kernel's ``ru_maxrss`` of a child process also counts the pages it shared with its parent right after
the fork, so a parent larger than the crawl would hide the crawl's own peak. And ``bench/crawl_cpu_s``,
the CPU time the process spent from the spider's opening to its closing, without the start-up (imports)
that the kernel's figure for the whole process includes.
"""

from __future__ import annotations

import json
import time
from datetime import datetime

from scrapy.statscollectors import MemoryStatsCollector


def _plain(value):
    return value.isoformat() if isinstance(value, datetime) else value


def peak_rss_kb() -> int | None:
    """This process's peak resident set size in KiB, from /proc (Linux), or None."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


class JsonStatsCollector(MemoryStatsCollector):
    _cpu_at_open: float | None = None

    def open_spider(self, *args, **kwargs) -> None:
        super().open_spider(*args, **kwargs)
        self._cpu_at_open = time.process_time()

    def _persist_stats(self, stats) -> None:
        super()._persist_stats(stats)
        path = self._crawler.settings.get("BENCH_STATS_FILE")
        if path:
            cpu = time.process_time() - self._cpu_at_open if self._cpu_at_open is not None else None
            stats = {**stats, "bench/peak_rss_kb": peak_rss_kb(), "bench/crawl_cpu_s": cpu}
            with open(path, "w", encoding="utf-8") as out:
                json.dump({key: _plain(value) for key, value in stats.items()}, out, ensure_ascii=False,
                          indent=1, sort_keys=True, default=str)
