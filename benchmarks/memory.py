"""What is alive in the crawl process, at its peak and at its close: checked, not guessed.

    python -m benchmarks.memory [--articles 2000] [--page-kb 100] [--kind full|bare] [--concurrent-items N]
                                [--no-tracemalloc] [--json FILE]

Serves a generated site (``benchmarks.site``) and runs one crawl of it (``benchmarks.crawl``'s command,
the same settings) with ``benchmarks.memory_probe.MemoryProbe`` added to the project's extensions (``-s
EXTENSIONS=...``: the project's own, the bare spider's switches, and the probe). Prints, for the types
that hold a page (responses, selectors, lxml elements, items, blocks...), how many were alive at most during
the crawl, at the sample where Python's traced memory peaked, and at the close after a full garbage
collection; the largest allocation sites at the peak and at the close; and the process's RSS.

"Nothing big outlives its page" holds when the counts at the close are ~0 for responses, selectors,
elements, items and blocks, and the counts during the crawl stay near the number of pages in flight
(``CONCURRENT_REQUESTS`` plus what waits in the scraper), not near the number of pages crawled.

tracemalloc slows the crawl (about 2x); ``--no-tracemalloc`` keeps only the counts and RSS. libxml2's trees
are allocated in C, outside tracemalloc: a tree's Python proxies (``HtmlElement``) and the ``Selector``
holding its root are what shows one alive.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from benchmarks.crawl import ROOT, SiteProcess, run_crawl
from benchmarks.memory_probe import WATCHED

PROBE = "benchmarks.memory_probe.MemoryProbe"


def extensions(kind: str) -> dict[str, int | None]:
    """The extensions the crawl of ``kind`` runs with, plus the probe: ``-s EXTENSIONS`` replaces the
    project's dict (and the bare spider's ``custom_settings``), so both are merged in."""
    os.chdir(ROOT)
    from scrapy.utils.project import get_project_settings

    found = dict(get_project_settings().getdict("EXTENSIONS"))
    if kind == "bare":
        from benchmarks.bare_spider import BareSpider

        found.update(BareSpider.custom_settings["EXTENSIONS"])
    found[PROBE] = 990
    return found


def run(articles: int, page_kb: float | None, kind: str, concurrent_items: int | None, trace: bool,
        interval: float, log=print, frames: int = 1) -> dict:
    with tempfile.TemporaryDirectory(prefix="newscrawl-memory-") as workdir, \
            SiteProcess(articles, page_kb=page_kb) as site:
        report_file = Path(workdir) / "memory.json"
        settings = {
            "EXTENSIONS": json.dumps(extensions(kind)),
            "BENCH_MEMORY_FILE": str(report_file),
            "BENCH_MEMORY_TRACEMALLOC": str(trace),
            "BENCH_MEMORY_INTERVAL": str(interval),
            "BENCH_MEMORY_FRAMES": str(frames),
        }
        if concurrent_items:
            settings["CONCURRENT_ITEMS"] = str(concurrent_items)
        log(f"memory: {kind} crawl of {articles} articles ({site.article_kb} KB article pages) at {site.base_url}")
        crawl = run_crawl(kind, site, Path(workdir), settings=settings)
        if not report_file.exists():
            raise RuntimeError(f"the probe wrote nothing (exit {crawl.returncode})")
        report = json.loads(report_file.read_text(encoding="utf-8"))
    report.pop("samples_full", None)
    return {"articles": articles, "page_kb": site.page_kb, "article_page_kb": site.article_kb, "kind": kind,
            "concurrent_items": concurrent_items, "tracemalloc": trace, "pages": crawl.pages, "items": crawl.items,
            "returncode": crawl.returncode, "peak_rss_mb": crawl.peak_rss_mb, **report}


def table(result: dict) -> str:
    peak, close, most = result["peak"] or {}, result["close"], result["max_objects_during_crawl"]
    lines = [f"{result['kind']} crawl, {result['articles']:,} articles, {result['article_page_kb']} KB article pages"
             + (f", CONCURRENT_ITEMS={result['concurrent_items']}" if result["concurrent_items"] else "")
             + f": {result['pages']:,} pages, {result['items']:,} items, exit {result['returncode']}; peak RSS "
             f"{result['peak_rss_mb']:.0f} MB (VmHWM), RSS at close {close['rss_kb'] / 1024:.0f} MB; "
             + (f"Python's traced memory peak {peak['traced_kb'] / 1024:.1f} MB (at {peak['responses']:,} "
                f"responses), at close {close['traced_kb'] / 1024:.1f} MB" if peak.get("traced_kb") is not None
                else "no tracemalloc")
             + ".", "",
             "| objects alive | most during the crawl | at the traced peak | at close (after gc) |",
             "|---|---:|---:|---:|"]
    for name in WATCHED:
        values = (most.get(name, 0), (peak.get("objects") or {}).get(name, 0), close["objects"].get(name, 0))
        if any(values):
            lines.append(f"| {name} | {values[0]:,} | {values[1]:,} | {values[2]:,} |")
    for label, top in (("at the traced peak", peak.get("top") or []), ("at close", close.get("top") or [])):
        if top:
            lines += ["", f"Largest allocation sites {label} (tracemalloc; with --frames, each site's callers after "
                      "'<'):", "", "| KB | blocks | where |",
                      "|---:|---:|---|"]
            lines += [f"| {t['kb']:,.1f} | {t['blocks']:,} | `{short(t['where'])}`"
                      + "".join(f" < `{short(f)}`" for f in t.get("stack", [])) + " |" for t in top]
    return "\n".join(lines)


def short(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    root = str(ROOT) + "/"
    return path[len(root):] if path.startswith(root) else path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="What is alive in the crawl process at its peak and close.")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--page-kb", type=float, default=100, help="19: today's pages; more: padded (default 100)")
    parser.add_argument("--kind", choices=("full", "bare"), default="full")
    parser.add_argument("--concurrent-items", type=int, default=None)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--frames", type=int, default=1,
                        help="tracemalloc frames per allocation: more than 1 shows each site's callers (slower)")
    parser.add_argument("--no-tracemalloc", action="store_true", help="object counts and RSS only (faster)")
    parser.add_argument("--json", type=Path, default=None, help="also write every sample to this file")
    args = parser.parse_args(argv)
    result = run(args.articles, args.page_kb if args.page_kb > 19 else None, args.kind, args.concurrent_items,
                 not args.no_tracemalloc, args.interval, log=lambda m: print(m, file=sys.stderr), frames=args.frames)
    print(table(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0 if result["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
