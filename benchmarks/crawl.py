"""Crawl throughput and memory: the full albawabh spider against the bare spider, on a generated site.

    python -m benchmarks.crawl --sizes 2000,20000 --runs 3

For each size, one server (``benchmarks.site``, its own process) serves a generated copy of the site;
the full crawl (``scrapy crawl albawabh``: extraction, every pipeline, the feed, the health checks) and
the bare spider (``benchmarks/bare_spider.py``) run against it in turn, full, bare, full, bare..., so a
change of load on the machine hits both. Both run with the project's settings and the same overrides:
no politeness delay, no AutoThrottle, 32 concurrent requests, robots.txt obeyed, no incremental state.

Per run: pages/s = ``response_received_count / elapsed_time_seconds`` from the crawl's own stats; peak
RSS as the crawl process saw it at the end (``VmHWM``) and its CPU time from the spider's opening to its
closing (see ``benchmarks.stats``); the server's CPU time over the crawl, to show the server was not the
limit. Each figure reported is the median over the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks.site import TODAY_KB

ROOT = Path(__file__).resolve().parent.parent
CONCURRENCY = 32
#: Settings both spiders run with, on top of the project's.
COMMON_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": str(CONCURRENCY),
    "CONCURRENT_REQUESTS_PER_DOMAIN": str(CONCURRENCY),
    "ROBOTSTXT_OBEY": "True",
    "LOG_LEVEL": "INFO",
    "STATS_CLASS": "benchmarks.stats.JsonStatsCollector",
    # The project caps a run at 20,000 requests (a safety net for scheduled runs): a 20,000-article site needs
    # more, and the bare spider has no cap.
    "NEWSCRAWL_MAX_REQUESTS": "10000000",
}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class CrawlRun:
    kind: str  # "full" or "bare"
    articles: int
    page_kb: float | None  # None: today's pages
    pages: int
    items: int
    elapsed_s: float
    pages_per_s: float
    peak_rss_mb: float
    cpu_s: float
    server_cpu_s: float
    returncode: int
    stats_class: str | None = None  # the crawl's own STATS_CLASS, under the benchmark's writer


class ServerProcess:
    """A site server (``python -m <module> ... --port 0``) in its own process, until ``close()``: started
    when its first line says ``serving <url>``."""

    def __init__(self, module: str, args: list[str], timeout: float = 300, python: str = sys.executable):
        self.proc = subprocess.Popen([python, "-m", module, *args, "--port", "0"], cwd=ROOT, stdout=subprocess.PIPE,
                                     text=True)
        line = self._first_line(timeout)
        if not line.startswith("serving "):
            self.close()
            raise RuntimeError(f"{module} did not start: {line!r}")
        self.base_url = line.split()[1]
        self.banner = line

    def _first_line(self, timeout: float) -> str:
        result: list[str] = []
        reader = threading.Thread(target=lambda: result.append(self.proc.stdout.readline()), daemon=True)
        reader.start()
        reader.join(timeout)
        return result[0].strip() if result else ""

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc.stdout is not None:
            self.proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SiteProcess(ServerProcess):
    """``python -m benchmarks.site`` in its own process, until ``close()``; ``page_kb`` as its ``--page-kb``
    (None or ``TODAY_KB``: today's pages)."""

    def __init__(self, articles: int, timeout: float = 300, page_kb: float | None = None):
        self.articles = articles
        self.page_kb = page_kb if page_kb and page_kb > TODAY_KB else None
        args = ["--articles", str(articles)]
        if self.page_kb:
            args += ["--page-kb", str(self.page_kb)]
        super().__init__("benchmarks.site", args, timeout)
        #: "serving <url> (<n> pages; article pages <mean> KB mean, <min>-<max>)"
        self.article_kb = float(self.banner.split("article pages ", 1)[1].split()[0]) if "article pages " in \
            self.banner else None

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime



def crawl_command(kind: str, base_url: str, stats_file: Path, settings: dict[str, str] | None = None) -> list[str]:
    """The command line of one crawl; ``settings`` (``-s NAME=VALUE``) go to either spider alike."""
    if kind == "full":
        # Listings only, like the bare spider: the same pages on both sides (freshness.py measures discovery).
        cmd = [sys.executable, "-m", "scrapy", "crawl", "albawabh", "-a", f"base_url={base_url}",
               "-a", "discover=listings"]
    elif kind in ("bare", "bare-scrapy"):
        spider = "bare_spider.py" if kind == "bare" else "bare_scrapy_spider.py"
        cmd = [sys.executable, "-m", "scrapy", "runspider", str(ROOT / "benchmarks" / spider),
               "-a", f"base_url={base_url}"]
    else:
        raise ValueError(kind)
    for name, value in {**COMMON_SETTINGS, **(settings or {}), "BENCH_STATS_FILE": str(stats_file)}.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def run_crawl(kind: str, site: SiteProcess, workdir: Path, timeout: float = 1800,
              settings: dict[str, str] | None = None) -> CrawlRun:
    """One crawl in a subprocess from the project root; its stats, peak RSS and the server's CPU time."""
    run_dir = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=workdir))
    stats_file = run_dir / "stats.json"
    env = {**os.environ, "NEWSCRAWL_STATE": "off", "NEWSCRAWL_FEED_DIR": str(run_dir / "feeds")}
    env.pop("REDIS_URL", None)
    env.pop("SPLASH_URL", None)
    env.pop("NEWSCRAWL_FEED_URI", None)
    server_before = site.cpu_seconds()
    with open(run_dir / "crawl.log", "wb") as log:
        proc = subprocess.Popen(crawl_command(kind, site.base_url, stats_file, settings), cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)  # the child's CPU time, if its stats lack it
        finally:
            watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
    server_cpu = site.cpu_seconds() - server_before
    if not stats_file.exists():
        raise RuntimeError(f"{kind} crawl wrote no stats (exit {proc.returncode}); see {run_dir / 'crawl.log'}")
    stats = json.loads(stats_file.read_text(encoding="utf-8"))
    pages = int(stats.get("response_received_count", 0))
    elapsed = float(stats["elapsed_time_seconds"])
    run = CrawlRun(
        kind=kind,
        articles=site.articles,
        page_kb=site.page_kb,
        pages=pages,
        items=int(stats.get("item_scraped_count", 0)),
        elapsed_s=round(elapsed, 3),
        pages_per_s=round(pages / elapsed, 1),
        # ru_maxrss (KiB) also counts what the child shared with this process right after the fork: the
        # crawl's own figure, from /proc when it could read it, is the one that means something.
        peak_rss_mb=round((stats.get("bench/peak_rss_kb") or usage.ru_maxrss) / 1024, 1),
        # The crawl's own CPU time (from the spider's opening to its closing) when it could measure it; else
        # the whole process's, start-up included.
        cpu_s=round(stats.get("bench/crawl_cpu_s") or usage.ru_utime + usage.ru_stime, 2),
        server_cpu_s=round(server_cpu, 2),
        returncode=proc.returncode,
        stats_class=stats.get("bench/stats_class"),
    )
    shutil.rmtree(run_dir / "feeds", ignore_errors=True)  # the feed of a 20,000-article run is ~60 MB
    return run


def median(values: list[float]) -> float:
    return round(statistics.median(values), 1) if values else float("nan")


def bench_size(articles: int, runs: int, workdir: Path, log=print, page_kb: float | None = None,
               concurrent_items: list[int | None] = (None,), parse_sample: int = 100,
               scrapy_peer: bool = False) -> list[dict]:
    """``runs`` interleaved rounds of crawls of a site of ``articles`` articles, its pages padded to ``page_kb``
    (None: today's pages): in each round, for each ``CONCURRENT_ITEMS`` value (None: Scrapy's default), the
    full crawl then the bare spider, so a change of load hits every variant. Then the parse costs on a
    sample of the served article pages (``benchmarks.parse_cost``). One summary per variant. ``scrapy_peer``:
    also the bare spider with Scrapy's defaults (``benchmarks/bare_scrapy_spider.py``) in each round."""
    from benchmarks.parse_cost import fetch_sample, measure_item_path, measure_parsers, sample_ids
    from benchmarks.site import FIRST_ID

    results: dict[tuple, list[CrawlRun]] = {}
    with SiteProcess(articles, page_kb=page_kb) as site:
        log(f"crawl: {articles} articles served at {site.base_url}: {site.banner.split('(', 1)[-1].rstrip(')')}")
        for number in range(1, runs + 1):
            for items in concurrent_items:
                settings = {"CONCURRENT_ITEMS": str(items)} if items else None
                for kind in ("full", "bare", "bare-scrapy") if scrapy_peer else ("full", "bare"):
                    started = time.perf_counter()
                    run = run_crawl(kind, site, workdir, settings=settings)
                    results.setdefault((items, kind), []).append(run)
                    log(f"  run {number}/{runs} {kind:<11}" + (f" CONCURRENT_ITEMS={items}" if items else "")
                        + f" {run.pages} pages in {run.elapsed_s:.1f} s = "
                        f"{run.pages_per_s:.0f} pages/s, {run.items} items, peak RSS {run.peak_rss_mb:.0f} MB, "
                        f"CPU {1000 * run.cpu_s / max(1, run.pages):.2f} ms/page, server CPU {run.server_cpu_s:.1f} s, "
                        f"exit {run.returncode} ({time.perf_counter() - started:.0f} s with start-up)")
        article_ids = [str(FIRST_ID + i) for i in range(articles)]
        sample = fetch_sample(site.base_url, article_ids, parse_sample)
        base_url = site.base_url
    parse_ms = measure_parsers(sample)
    item_ms = measure_item_path(sample, base_url, sample_ids(article_ids, parse_sample))["ms"]
    sample_kb = round(statistics.fmean(len(body) for body in sample) / 1024, 1)
    log(f"  parse, {len(sample)} served article pages of {sample_kb} KB: "
        + ", ".join(f"{name} {ms:.2f} ms" for name, ms in parse_ms.items())
        + f"; newscrawl's item path (pipelines and feed line) {item_ms:.2f} ms")
    summaries = []
    for items in concurrent_items:
        full, bare = results[(items, "full")], results[(items, "bare")]
        summary = {
            "articles": articles,
            "page_kb": site.page_kb or TODAY_KB,
            "article_page_kb": site.article_kb,
            "concurrent_items": items,
            "runs": runs,
            "full_pages_per_s": median([r.pages_per_s for r in full]),
            "bare_pages_per_s": median([r.pages_per_s for r in bare]),
            "full_peak_rss_mb": median([r.peak_rss_mb for r in full]),
            "bare_peak_rss_mb": median([r.peak_rss_mb for r in bare]),
            "full_cpu_ms_per_page": median2([1000 * r.cpu_s / r.pages for r in full if r.pages]),
            "bare_cpu_ms_per_page": median2([1000 * r.cpu_s / r.pages for r in bare if r.pages]),
            "server_busy_during_bare": round(statistics.median(r.server_cpu_s / r.elapsed_s for r in bare), 3),
            "pages": sorted({r.pages for r in full + bare}),
            "items": {"full": sorted({r.items for r in full}), "bare": sorted({r.items for r in bare})},
            "exit_codes": {"full": sorted({r.returncode for r in full}), "bare": sorted({r.returncode for r in bare})},
            "run_list": [asdict(r) for r in full + bare],
            "parse_sample": {"pages": len(sample), "mean_kb": sample_kb},
            "parse_ms_per_article_page": parse_ms,
            "item_path_ms_per_article_page": item_ms,
        }
        summary["ratio"] = round(summary["full_pages_per_s"] / summary["bare_pages_per_s"], 3)
        # The same comparison in CPU time per page: what the ratio would be on an idle machine, less sensitive
        # to other load on the machine than wall time.
        summary["cpu_ratio"] = round(summary["bare_cpu_ms_per_page"] / summary["full_cpu_ms_per_page"], 3)
        # The parse's part: its CPU per crawled page (articles only are parsed by the extraction), as a share of
        # the full crawl's CPU per page, and the CPU ratio a bare spider doing nothing but that parse would reach.
        pages = summary["pages"][0] if summary["pages"] else 0
        per_page = {name: ms * articles / pages for name, ms in parse_ms.items()} if pages else {}
        summary["parse_share_of_full_cpu"] = {name: round(ms / summary["full_cpu_ms_per_page"], 3)
                                              for name, ms in per_page.items()}
        summary["bare_plus_parse_cpu_ratio"] = {
            name: round(summary["bare_cpu_ms_per_page"] / (summary["bare_cpu_ms_per_page"] + ms), 3)
            for name, ms in per_page.items()}
        summary["floor_cpu_ratio"] = floor_ratios(summary["bare_cpu_ms_per_page"], parse_ms, item_ms, articles, pages)
        if peer := results.get((items, "bare-scrapy")):
            summary["bare_scrapy_pages_per_s"] = median([r.pages_per_s for r in peer])
            summary["bare_scrapy_cpu_ms_per_page"] = median2([1000 * r.cpu_s / r.pages for r in peer if r.pages])
            summary["bare_scrapy_peak_rss_mb"] = median([r.peak_rss_mb for r in peer])
            summary["ratio_scrapy"] = round(summary["full_pages_per_s"] / summary["bare_scrapy_pages_per_s"], 3)
            summary["cpu_ratio_scrapy"] = round(summary["bare_scrapy_cpu_ms_per_page"]
                                                / summary["full_cpu_ms_per_page"], 3)
            summary["run_list"] += [asdict(r) for r in peer]
        summary["complete"] = (summary["items"] == {"full": [articles], "bare": [articles]}
                               and summary["exit_codes"] == {"full": [0], "bare": [0]}
                               and len(summary["pages"]) == 1)
        summaries.append(summary)
    return summaries


def floor_ratios(bare_ms: float, parse_ms: dict[str, float], item_ms: float, articles: int,
                 pages: int) -> dict[str, float]:
    """Per parser, the CPU ratio to the bare spider (``bare_ms`` a page) of a crawl that parsed each article page
    (``parse_ms``) and ran newscrawl's item path on it (``item_ms``) with extraction itself free: the floor of
    any extraction design that keeps newscrawl's output, the most the full crawl can reach on that parser.
    Article-page costs are spread over all ``pages`` crawled (listings are ``pages - articles``)."""
    if not pages:
        return {}
    share = articles / pages
    return {name: round(bare_ms / (bare_ms + (ms + item_ms) * share), 3) for name, ms in parse_ms.items()}


def median2(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else float("nan")


def parse_page_kbs(text: str) -> list[float | None]:
    """``"19,100"`` -> ``[None, 100.0]``: ``TODAY_KB`` (19) or less means today's pages, unpadded."""
    values = []
    for part in text.split(","):
        if part.strip():
            value = float(part)
            if value <= 0:
                raise ValueError(f"page size must be positive: {part!r}")
            values.append(None if value <= TODAY_KB else value)
    return values


def parse_concurrent_items(text: str | None) -> list[int | None]:
    """``"100,16,1"`` -> ``[100, 16, 1]``; None or empty: ``[None]`` (the project's setting, not passed)."""
    if not text:
        return [None]
    values = [int(part) for part in text.split(",") if part.strip()]
    if any(value < 1 for value in values):
        raise ValueError(f"CONCURRENT_ITEMS must be at least 1: {text!r}")
    return values or [None]


def bench_crawl(sizes: list[int], runs: int, log=print, page_kbs: list[float | None] = (None,),
                concurrent_items: list[int | None] | int | None = None, scrapy_peer: bool = False) -> dict:
    """Every article count of ``sizes`` at every page size of ``page_kbs`` (a site each, ``runs`` interleaved
    rounds each); ``concurrent_items``: the ``CONCURRENT_ITEMS`` values to compare on each site, given to both
    spiders (None: the project's setting, 16, not passed)."""
    if not isinstance(concurrent_items, list | tuple):
        concurrent_items = [concurrent_items]
    by_size = []
    with tempfile.TemporaryDirectory(prefix="newscrawl-bench-") as workdir:
        for page_kb in page_kbs:
            for n in sizes:
                by_size += bench_size(n, runs, Path(workdir), log, page_kb=page_kb,
                                      concurrent_items=list(concurrent_items), scrapy_peer=scrapy_peer)
    result: dict = {"concurrency": CONCURRENCY, "concurrent_items": list(concurrent_items), "sizes": by_size,
                    "memory_by_page_kb": []}
    for key in dict.fromkeys((s["page_kb"], s["concurrent_items"]) for s in by_size):
        same = [s for s in by_size if (s["page_kb"], s["concurrent_items"]) == key]
        if len(same) >= 2:
            small, large = same[0], same[-1]
            result["memory_by_page_kb"].append({
                "page_kb": key[0],
                "concurrent_items": key[1],
                "small_articles": small["articles"],
                "large_articles": large["articles"],
                "small_peak_rss_mb": small["full_peak_rss_mb"],
                "large_peak_rss_mb": large["full_peak_rss_mb"],
                "growth_mb": round(large["full_peak_rss_mb"] - small["full_peak_rss_mb"], 1),
                "bare_growth_mb": round(large["bare_peak_rss_mb"] - small["bare_peak_rss_mb"], 1),
                "full_minus_bare_mb": [round(s["full_peak_rss_mb"] - s["bare_peak_rss_mb"], 1) for s in same],
            })
    if result["memory_by_page_kb"]:
        result["memory"] = result["memory_by_page_kb"][0]  # today's pages first, as before
    return result


def crawl_table(result: dict) -> str:
    """The crawl's figures as Markdown: one row per page size, article count and CONCURRENT_ITEMS; then the
    parse costs per site."""
    variants = any(s.get("concurrent_items") for s in result["sizes"])
    peer = any("ratio_scrapy" in s for s in result["sizes"])
    lines = ["| page KB | articles |" + (" CONCURRENT_ITEMS |" if variants else "")
             + " pages | full pages/s | bare pages/s | full / bare | CPU ratio | "
             "full CPU ms/page | bare CPU ms/page | full peak RSS | bare peak RSS | server busy | complete |"
             + (" Scrapy-defaults bare pages/s | full / it | CPU ratio to it | its CPU ms/page |" if peer else ""),
             "|---:|---:|" + ("---:|" if variants else "") + "---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
             + ("---:|---:|---:|---:|" if peer else "")]
    for s in result["sizes"]:
        kb = f"{s['article_page_kb']:.0f}" if s.get("article_page_kb") else f"{s['page_kb']:.0f}"
        lines.append(
            f"| {kb} | {s['articles']:,} |" + (f" {s.get('concurrent_items') or '100 (default)'} |" if variants else "")
            + f" {','.join(f'{p:,}' for p in s['pages'])} | {s['full_pages_per_s']:.0f} | "
            f"{s['bare_pages_per_s']:.0f} | {s['ratio']:.0%} | {s['cpu_ratio']:.0%} | "
            f"{s['full_cpu_ms_per_page']:.2f} | {s['bare_cpu_ms_per_page']:.2f} | {s['full_peak_rss_mb']:.0f} MB | "
            f"{s['bare_peak_rss_mb']:.0f} MB | {s['server_busy_during_bare']:.0%} | "
            f"{'yes' if s['complete'] else '**no**'} |"
            + (f" {s['bare_scrapy_pages_per_s']:.0f} | {s['ratio_scrapy']:.0%} | {s['cpu_ratio_scrapy']:.0%} | "
               f"{s['bare_scrapy_cpu_ms_per_page']:.2f} |" if "ratio_scrapy" in s else (" | | | |" if peer else "")))
    sites = {}
    for s in result["sizes"]:
        sites.setdefault((s["page_kb"], s["articles"]), s)
    if any(s.get("parse_ms_per_article_page") for s in sites.values()):
        lines += ["", "Parse of one article page, CPU ms (in-process, a sample of the served pages); its share of "
                  "the full crawl's CPU per page; the CPU ratio of a bare spider that did that parse and nothing else; "
                  "and of one that also ran newscrawl's item path (its pipelines and feed line: ms in the last column) "
                  "with extraction free, the floor of any extraction built on that parser.",
                  "", "| page KB | articles | parser | ms / article page | share of full CPU | bare + parse ratio | "
                  "+ item path ratio | item path ms |",
                  "|---:|---:|---|---:|---:|---:|---:|---:|"]
        for s in sites.values():
            item_ms = s.get("item_path_ms_per_article_page")
            for name, ms in s.get("parse_ms_per_article_page", {}).items():
                floor = s.get("floor_cpu_ratio", {}).get(name)
                lines.append(f"| {s['parse_sample']['mean_kb']:.0f} | {s['articles']:,} | {name} | {ms:.2f} | "
                             f"{s['parse_share_of_full_cpu'][name]:.0%} | {s['bare_plus_parse_cpu_ratio'][name]:.0%} | "
                             + (f"{floor:.0%} | {item_ms:.2f} |" if floor is not None else " | |"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Full crawl against the bare spider on a generated site.")
    parser.add_argument("--sizes", default="2000,20000", help="articles per site, comma-separated")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page-kb", default=str(TODAY_KB),
                        help=f"article page weights to measure, comma-separated, e.g. {TODAY_KB},100 ({TODAY_KB}: "
                             "today's pages; more: padded with the live portal's chrome, see benchmarks/chrome.py)")
    parser.add_argument("--concurrent-items", default=None,
                        help="CONCURRENT_ITEMS for both spiders; a comma-separated list compares them on the same "
                             "site, interleaved (e.g. 100,16,1; default: the project's, 16, not passed)")
    parser.add_argument("--scrapy-peer", action="store_true",
                        help="also run the bare spider with Scrapy's defaults (benchmarks/bare_scrapy_spider.py)")
    parser.add_argument("--json", type=Path, default=None, help="also write every figure to this file")
    args = parser.parse_args(argv)
    try:
        page_kbs = parse_page_kbs(args.page_kb)
        concurrent_items = parse_concurrent_items(args.concurrent_items)
    except ValueError as error:
        parser.error(str(error))
    result = bench_crawl([int(s) for s in args.sizes.split(",")], args.runs, page_kbs=page_kbs,
                         concurrent_items=concurrent_items, scrapy_peer=args.scrapy_peer)
    print(crawl_table(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
