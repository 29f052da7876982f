"""The crawl benchmark's second peer: the bare spider with Scrapy's own defaults where newscrawl tunes Scrapy
(CONCURRENT_ITEMS, the stats collector, the meta-refresh middleware, the per-response callback check, the log
formatter, its own set of links requested), beside
the bare spider that shares every project setting."""

from __future__ import annotations

import json
import re
from pathlib import Path

from benchmarks.crawl import SiteProcess, crawl_table, run_crawl


def test_the_scrapy_defaults_peer_runs_with_scrapys_defaults(tmp_path: Path):
    with SiteProcess(40, page_kb=100) as site:
        runs = {kind: run_crawl(kind, site, tmp_path) for kind in ("bare", "bare-scrapy")}
    for kind, run in runs.items():
        assert (run.returncode, run.items, run.pages) == (0, 40, runs["bare"].pages), kind
        run_dir = next(d for d in tmp_path.glob(f"{kind}-*")  # "bare-*" also matches "bare-scrapy-*"
                       if kind == "bare-scrapy" or not d.name.startswith("bare-scrapy-"))
        stats = json.loads((run_dir / "stats.json").read_text(encoding="utf-8"))
        log = (run_dir / "crawl.log").read_text(encoding="utf-8")
        if kind == "bare":
            assert stats["bench/stats_class"] == "newscrawl.extensions.stats.FastStatsCollector"
            assert "'CONCURRENT_ITEMS': 16" in log and "HeadMetaRefreshMiddleware" in log
            assert "'WARN_ON_GENERATOR_RETURN_VALUE': False" in log
            assert "'LOG_FORMATTER': 'newscrawl.logformatter.NewscrawlLogFormatter'" in log
            assert "dupefilter/filtered" not in stats  # each link requested once, as newscrawl does
        else:
            assert stats["bench/stats_class"] == "scrapy.statscollectors.MemoryStatsCollector"
            assert not re.search(r"'CONCURRENT_ITEMS'", log)  # Scrapy's 100: not among the overridden settings
            assert "WARN_ON_GENERATOR_RETURN_VALUE" not in log  # Scrapy's True
            assert "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware" in log
            assert "HeadMetaRefreshMiddleware" not in log
            assert "'LOG_FORMATTER'" not in log  # Scrapy's own
            assert stats["dupefilter/filtered"] > 0  # repeats left to Scrapy's dupefilter


def test_the_table_shows_both_peers():
    summary = {"article_page_kb": 100, "page_kb": 100, "articles": 2000, "pages": [2110], "full_pages_per_s": 280,
               "bare_pages_per_s": 390, "ratio": 0.72, "cpu_ratio": 0.71, "full_cpu_ms_per_page": 3.6,
               "bare_cpu_ms_per_page": 2.55, "full_peak_rss_mb": 104, "bare_peak_rss_mb": 126,
               "server_busy_during_bare": 0.02, "complete": True, "bare_scrapy_pages_per_s": 266,
               "ratio_scrapy": 1.05, "cpu_ratio_scrapy": 1.04, "bare_scrapy_cpu_ms_per_page": 3.74}
    table = crawl_table({"sizes": [summary]})
    assert "Scrapy-defaults bare pages/s" in table.splitlines()[0]
    assert table.splitlines()[2].endswith("| 266 | 105% | 104% | 3.74 |")
