"""What raw capture costs: the full crawl with WARC on and off, on the same generated site, in one run.

    python -m benchmarks.warc --articles 2000 --runs 3

One server (``benchmarks.site``) serves a generated copy of the site; the full crawl (as in
``benchmarks.crawl``: the project's settings, no politeness delay, 32 concurrent requests, no state,
listings only) runs with ``NEWSCRAWL_WARC_DIR`` unset and set in turn, off, on, off, on..., so a change of
load on the machine hits both sides. Per side the median pages/s (``response_received_count /
elapsed_time_seconds``) and CPU ms per page; the ratio on/off of each; the bytes archived per article
(all WARC files of a run, robots.txt, listings and request records included, over the articles emitted)
and per page. The issue's target: WARC on keeps at least 85 % of the throughput (costs under 15 %).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.crawl import CrawlRun, SiteProcess, median, run_crawl

TARGET_RATIO = 0.85


def run_side(warc: bool, site: SiteProcess, workdir: Path) -> tuple[CrawlRun, int, int]:
    """One full crawl; with ``warc``, into a fresh directory. Returns the run, bytes archived, WARC files."""
    warc_dir = Path(tempfile.mkdtemp(prefix="warc-", dir=workdir))
    saved = os.environ.get("NEWSCRAWL_WARC_DIR")
    if warc:
        os.environ["NEWSCRAWL_WARC_DIR"] = str(warc_dir)
    else:
        os.environ.pop("NEWSCRAWL_WARC_DIR", None)
    os.environ.pop("NEWSCRAWL_WARC_URI", None)
    try:
        run = run_crawl("full", site, workdir)
    finally:
        if saved is None:
            os.environ.pop("NEWSCRAWL_WARC_DIR", None)
        else:
            os.environ["NEWSCRAWL_WARC_DIR"] = saved
    files = list(warc_dir.glob("*.warc.gz"))
    size = sum(path.stat().st_size for path in files)
    shutil.rmtree(warc_dir, ignore_errors=True)
    return run, size, len(files)


def bench_warc(articles: int, runs: int, log=print) -> dict:
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-warc-") as tmp, SiteProcess(articles) as site:
        workdir = Path(tmp)
        log(f"warc: {articles} articles served at {site.base_url}")
        sides: dict[str, list[tuple[CrawlRun, int, int]]] = {"off": [], "on": []}
        for number in range(1, runs + 1):
            for side in ("off", "on"):
                started = time.perf_counter()
                run, size, files = run_side(side == "on", site, workdir)
                sides[side].append((run, size, files))
                log(f"  run {number}/{runs} WARC {side:<3} {run.pages} pages in {run.elapsed_s:.1f} s = "
                    f"{run.pages_per_s:.0f} pages/s, {run.items} items, CPU {run.cpu_s:.1f} s, "
                    f"{size / 1e6:.1f} MB in {files} file(s), exit {run.returncode} "
                    f"({time.perf_counter() - started:.0f} s with start-up)")
    off = [run for run, _, _ in sides["off"]]
    on = [run for run, _, _ in sides["on"]]
    result = {
        "articles": articles,
        "runs": runs,
        "off_pages_per_s": median([r.pages_per_s for r in off]),
        "on_pages_per_s": median([r.pages_per_s for r in on]),
        "off_cpu_ms_per_page": median([1000 * r.cpu_s / r.pages for r in off if r.pages]),
        "on_cpu_ms_per_page": median([1000 * r.cpu_s / r.pages for r in on if r.pages]),
        "bytes_per_article": round(median([size / run.items for run, size, _ in sides["on"] if run.items])),
        "bytes_per_page": round(median([size / run.pages for run, size, _ in sides["on"] if run.pages])),
        "pages": sorted({r.pages for r in off + on}),
        "items": {"off": sorted({r.items for r in off}), "on": sorted({r.items for r in on})},
        "exit_codes": {"off": sorted({r.returncode for r in off}), "on": sorted({r.returncode for r in on})},
    }
    result["ratio"] = round(result["on_pages_per_s"] / result["off_pages_per_s"], 3)
    result["cpu_ratio"] = round(result["off_cpu_ms_per_page"] / result["on_cpu_ms_per_page"], 3)
    result["cost_percent"] = round(100 * (1 - result["ratio"]), 1)
    result["target_met"] = result["ratio"] >= TARGET_RATIO
    return result


def table_row(result: dict) -> str:
    """The README performance table's row."""
    return (f"| WARC capture on vs off ({result['articles']} articles, median of {result['runs']}) | "
            f"{result['on_pages_per_s']:.0f} vs {result['off_pages_per_s']:.0f} pages/s = {result['ratio']:.2f} "
            f"(CPU {result['cpu_ratio']:.2f}); {result['bytes_per_article'] / 1000:.1f} KB archived per article | "
            f"≥ {TARGET_RATIO:.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Crawl throughput with WARC capture on and off.")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    result = bench_warc(args.articles, args.runs)
    print(json.dumps(result, indent=1))
    print(table_row(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
