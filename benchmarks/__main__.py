"""Every newscrawl benchmark in one command: a table on standard output, the figures as JSON.

    python -m benchmarks                          # the full run (about 30 minutes on 2 cores)
    python -m benchmarks --quick                  # a few minutes: sizes 200,2000, one run each
    python -m benchmarks --sizes 2000,20000 --runs 3 --page-kb 19,100 --only crawl,extraction,dates --check
    python -m benchmarks --only crawl --sizes 2000 --page-kb 100 --concurrent-items 100,16,1

1. crawl: the full albawabh spider against a bare spider on generated copies of the site
   (``benchmarks.crawl``, ``benchmarks.site``), per page size (``--page-kb``: 19 is today's pages, more is
   padded with the live portal's chrome, ``benchmarks.chrome``) and article count: pages/s and their ratio,
   CPU per page, peak RSS of each; the parse's cost (lxml, lexbor, a head + article slice) on the served pages.
2. extraction: newscrawl against trafilatura and newspaper4k on the saved article pages and on the same
   padded to ``--padded-kb`` (``benchmarks.extraction``); ms/page, character F1 of the body, read-also leakage.
3. dates: parse_date against dateparser (``benchmarks.bench_dates``, run as its own command).
4. memory: peak RSS of the full crawl against the bare spider's, and its growth from the smallest to the
   largest size (what is alive inside the process: ``python -m benchmarks.memory``, its own command).

The table is Markdown (it goes into the README's "Performance" section as printed); the JSON goes to
``benchmarks/results/latest.json`` (``--out``). The exit code is 0 unless a benchmark failed to run, or
``--check`` is given and a target was missed.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DATES_RESULT = RESULTS / "dates.json"

#: The issue's targets.
CRAWL_RATIO_MIN, CRAWL_RATIO_AIM = 0.70, 0.80
TRAFILATURA_SPEEDUP_MIN = 10.0
DATES_RATIO_MIN, DATES_RATIO_AIM = 50.0, 100.0
MEMORY_GROWTH_MAX_MB = 50.0
MEMORY_OVER_BARE_MAX_MB = 60.0
EXTRACTION_OVER_PARSE_MAX_MS = 1.0

PACKAGES = ("scrapy", "twisted", "lxml", "parsel", "trafilatura", "newspaper4k", "nltk", "dateparser")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the machine ------------------------------------------------------------------------------------


def code_version() -> dict:
    """The commit measured, and the files under newscrawl/ that differ from it (others edit as it runs)."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "newscrawl_changes": git("status", "--porcelain", "--", "newscrawl").splitlines()}


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "packages": versions,
    }


# -- the benchmarks ---------------------------------------------------------------------------------


def run_dates(rounds: int) -> dict:
    """``python -m benchmarks.bench_dates`` as its own process; its figures from its JSON file."""
    started = time.time()
    proc = subprocess.run([sys.executable, "-m", "benchmarks.bench_dates", "--rounds", str(rounds)], cwd=ROOT,
                          capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        log(f"dates: {line}")
    if not DATES_RESULT.exists() or DATES_RESULT.stat().st_mtime < started:
        reason = (proc.stderr.strip().splitlines() or [f"exit {proc.returncode}"])[-1]
        log(f"dates: not measured: {reason}")
        return {"error": reason}
    return json.loads(DATES_RESULT.read_text(encoding="utf-8"))


def run_all(args) -> dict:
    from benchmarks.crawl import bench_crawl
    from benchmarks.extraction import bench_extraction

    result: dict = {
        "when": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": "python -m benchmarks " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "code": code_version(),
    }
    if "extraction" in args.only:
        log("== extraction")
        result["extraction"] = bench_extraction(args.rounds, log=log, padded_kb=args.padded_kb)
    if "dates" in args.only:
        log("== dates")
        result["dates"] = run_dates(args.date_rounds)
    if "crawl" in args.only:
        log("== crawl")
        result["crawl"] = bench_crawl(args.sizes, args.runs, log=log, page_kbs=args.page_kbs,
                                      concurrent_items=args.concurrent_items)
    result["targets"] = targets(result)
    return result


# -- targets and the table --------------------------------------------------------------------------


def targets(result: dict) -> list[dict]:
    """One row per target of the issue: what was measured, the target, and whether it is met."""
    rows = []
    crawl = result.get("crawl")
    if crawl:
        for size in crawl["sizes"]:
            label = (f"{size['articles']:,} articles"
                     + (f", {size['article_page_kb']:.0f} KB pages" if size.get("article_page_kb") else "")
                     + (f", CONCURRENT_ITEMS={size['concurrent_items']}" if size.get("concurrent_items") else ""))
            rows.append({
                "target": f"memory vs bare, {label}",
                "measured": f"peak RSS full {size['full_peak_rss_mb']:.0f} MB, bare {size['bare_peak_rss_mb']:.0f} MB: "
                            f"+{size['full_peak_rss_mb'] - size['bare_peak_rss_mb']:.0f} MB",
                "wanted": f"<= +{MEMORY_OVER_BARE_MAX_MB:.0f} MB",
                "met": size["full_peak_rss_mb"] - size["bare_peak_rss_mb"] <= MEMORY_OVER_BARE_MAX_MB,
            })
            rows.append({
                "target": f"crawl throughput, {label}",
                "measured": f"full {size['full_pages_per_s']:.0f} pages/s, bare {size['bare_pages_per_s']:.0f} "
                            f"pages/s: {size['ratio']:.0%} of bare (in CPU time per page: {size['cpu_ratio']:.0%})",
                "wanted": f">= {CRAWL_RATIO_MIN:.0%} of bare (aim {CRAWL_RATIO_AIM:.0%})",
                "met": size["ratio"] >= CRAWL_RATIO_MIN and size["complete"],
            })
        for memory in crawl.get("memory_by_page_kb", []):
            rows.append({
                "target": f"memory, {memory['small_articles']:,} -> {memory['large_articles']:,} articles, "
                          f"{memory['page_kb']:.0f} KB pages",
                "measured": f"peak RSS {memory['small_peak_rss_mb']:.0f} -> {memory['large_peak_rss_mb']:.0f} MB: "
                            f"+{memory['growth_mb']:.0f} MB",
                "wanted": f"growth <= {MEMORY_GROWTH_MAX_MB:.0f} MB",
                "met": memory["growth_mb"] <= MEMORY_GROWTH_MAX_MB,
            })
    extraction = result.get("extraction")
    if extraction:
        tools = extraction["tools"]
        ours = tools.get("newscrawl")
        default, fast = tools.get("trafilatura"), tools.get("trafilatura fast")
        padded = (extraction.get("padded") or {}).get("tools", {})

        def on_padded(peer: str) -> str:
            if "newscrawl" not in padded or peer not in padded:
                return ""
            mine, theirs = padded["newscrawl"]["ms_per_page"], padded[peer]["ms_per_page"]
            return (f" (pages padded to {extraction['padded']['kb']:g} KB: {mine:.2f} vs {theirs:.2f} ms/page, "
                    f"{theirs / mine:.1f}x)")

        padded_kb = (extraction.get("padded") or {}).get("kb", 0)
        for label, figures in (("saved pages", tools), (f"pages padded to {padded_kb:g} KB", padded)):
            only, parse = figures.get("newscrawl extraction only"), figures.get("lxml parse only")
            if only and parse:
                over = only["ms_per_page"] - parse["ms_per_page"]
                rows.append({
                    "target": f"extraction cost over the parse, {label}",
                    "measured": f"{only['ms_per_page']:.2f} ms/page, the lxml parse {parse['ms_per_page']:.2f}: "
                                f"+{over:.2f} ms",
                    "wanted": f"<= parse + {EXTRACTION_OVER_PARSE_MAX_MS:.0f} ms",
                    "met": over <= EXTRACTION_OVER_PARSE_MAX_MS,
                })

        if ours and default:
            speedup = default["ms_per_page"] / ours["ms_per_page"]
            rows.append({
                "target": "extraction cost vs trafilatura (default)",
                "measured": f"{ours['ms_per_page']:.2f} vs {default['ms_per_page']:.2f} ms/page: {speedup:.1f}x cheaper"
                            + on_padded("trafilatura"),
                "wanted": f">= {TRAFILATURA_SPEEDUP_MIN:.0f}x cheaper (on the saved pages)",
                "met": speedup >= TRAFILATURA_SPEEDUP_MIN,
            })
        if ours and fast:
            rows.append({
                "target": "extraction cost vs trafilatura (favor_precision, fast)",
                "measured": f"{ours['ms_per_page']:.2f} vs {fast['ms_per_page']:.2f} ms/page: "
                            f"{fast['ms_per_page'] / ours['ms_per_page']:.1f}x" + on_padded("trafilatura fast"),
                "wanted": "cheaper",
                "met": ours["ms_per_page"] < fast["ms_per_page"],
            })
        peers = {name: tools[name] for name in ("trafilatura", "trafilatura fast", "newspaper4k") if name in tools}
        if ours and peers:
            best = max(peers.values(), key=lambda t: t["char_f1_mean"])
            rows.append({
                "target": "body accuracy vs the peers",
                "measured": f"char F1 {ours['char_f1_mean']:.3f} vs best peer {best['char_f1_mean']:.3f}; read-also "
                            f"leaked on {ours['pages_leaking_read_also']} vs "
                            + ", ".join(f"{t['pages_leaking_read_also']}" for t in peers.values())
                            + f" of {extraction['pages_with_read_also']} pages with read-also",
                "wanted": "more accurate than every peer",
                "met": all(ours["char_f1_mean"] > t["char_f1_mean"]
                           and ours["pages_leaking_read_also"] <= t["pages_leaking_read_also"] for t in peers.values()),
            })
    dates = result.get("dates")
    if dates and "ratio" in dates:
        regressions = len(dates.get("dateparser_right_parse_date_wrong", []))
        rows.append({
            "target": "date parsing vs dateparser",
            "measured": f"{dates['ratio']:.0f}x faster; {regressions} rows dateparser gets right and parse_date wrong "
                        f"(accuracy {dates['parse_date_accuracy']:.1%} vs {dates['dateparser_accuracy']:.1%})",
            "wanted": f">= {DATES_RATIO_MIN:.0f}x (aim {DATES_RATIO_AIM:.0f}x), 0 such rows",
            "met": dates["ratio"] >= DATES_RATIO_MIN and regressions == 0,
        })
    return rows


def table(result: dict) -> str:
    """The results as Markdown: the targets, then the figures behind them."""
    m = result["machine"]
    lines = [
        f"Run {result['when']} on {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB RAM, {m['os']}, "
        f"Python {m['python']}, Scrapy {m['packages'].get('scrapy')}; load average (1, 5, 15 min) "
        f"{'/'.join(map(str, m['load_average_at_start']))} at the start, "
        f"{'/'.join(map(str, m.get('load_average_at_end', [])))} at the end; {result.get('duration_s', 0) // 60} min; "
        f"commit {result['code']['commit']}"
        + (f" with {len(result['code']['newscrawl_changes'])} changed file(s) under newscrawl/"
           if result["code"]["newscrawl_changes"] else "") + ".",
        "",
        "| target | measured | wanted | met |",
        "|---|---|---|---|",
    ]
    lines += [f"| {r['target']} | {r['measured']} | {r['wanted']} | {'yes' if r['met'] else '**no**'} |"
              for r in result["targets"]]
    crawl = result.get("crawl")
    if crawl:
        from benchmarks.crawl import crawl_table

        lines += ["", f"Crawl: median of {crawl['sizes'][0]['runs']} interleaved runs each, {crawl['concurrency']} "
                  "concurrent requests, no delay, robots.txt obeyed"
                  + "; pages/s = responses / elapsed_time_seconds; page KB = mean article page served.", "",
                  crawl_table(crawl)]
    extraction = result.get("extraction")
    if extraction:
        lines += ["", f"Extraction: {extraction['pages']} saved article pages (mean {extraction['mean_page_kb']} KB), "
                  f"CPU time, median of {extraction['rounds']} rounds; accuracy on {extraction['scored_pages']} pages, "
                  f"{extraction['pages_with_read_also']} of them with read-also links.", "",
                  "| extractor | ms/page | char F1 mean | char F1 min | pages leaking read-also |",
                  "|---|---:|---:|---:|---:|"]
        for name, t in extraction["tools"].items():
            if "char_f1_mean" in t:
                lines.append(f"| {name} | {t['ms_per_page']:.2f} | {t['char_f1_mean']:.3f} | {t['char_f1_min']:.3f} | "
                             f"{t['pages_leaking_read_also']} |")
            else:
                lines.append(f"| {name} | {t['ms_per_page']:.2f} | | | |")
        for name, reason in extraction["missing"].items():
            lines.append(f"| {name} | not run: {reason} | | | |")
        padded = extraction.get("padded")
        if padded and padded["tools"]:
            lines += ["", f"The same pages padded to {padded['kb']:g} KB (mean {padded['mean_page_kb']} KB) with the "
                      "live portal's chrome (benchmarks/chrome.py: head metas, scripts and JSON-LD, menus, ticker, "
                      "sidebar lists, footer; the article element unchanged), the weight of a live article page; "
                      f"median of {padded['rounds']} rounds.", "",
                      "| extractor | ms/page | char F1 mean | pages leaking read-also |", "|---|---:|---:|---:|"]
            for name, t in padded["tools"].items():
                if "char_f1_mean" in t:
                    lines.append(f"| {name} | {t['ms_per_page']:.2f} | {t['char_f1_mean']:.3f} | "
                                 f"{t['pages_leaking_read_also']} |")
                else:
                    lines.append(f"| {name} | {t['ms_per_page']:.2f} | | |")
    dates = result.get("dates")
    if dates:
        if "ratio" in dates:
            lines += ["", f"Dates: {dates['strings']} strings, median of {dates['rounds']} rounds, CPU time.", "",
                      "| parser | strings/s | accuracy |", "|---|---:|---:|",
                      f"| parse_date | {dates['parse_date_strings_per_s']:,} | {dates['parse_date_accuracy']:.1%} |",
                      f"| dateparser {dates.get('dateparser_version') or ''} | {dates['dateparser_strings_per_s']:,} | "
                      f"{dates['dateparser_accuracy']:.1%} |"]
        else:
            lines += ["", f"Dates: not measured ({dates.get('error')})."]
    return "\n".join(lines)


# -- the command ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=None, help="articles per generated site, comma-separated "
                        "(default 2000,20000; --quick: 200,2000)")
    parser.add_argument("--runs", type=int, default=None, help="crawls of each spider per size (default 3; --quick: 1)")
    parser.add_argument("--rounds", type=int, default=None, help="extraction rounds (default 7; --quick: 3)")
    parser.add_argument("--date-rounds", type=int, default=None, help="bench_dates rounds (default 5; --quick: 2)")
    parser.add_argument("--padded-kb", type=float, default=100, help="also measure extraction on the saved pages "
                        "padded to this many KB with the live portal's chrome (benchmarks/chrome.py; 0: not)")
    parser.add_argument("--only", default="extraction,dates,crawl",
                        help="which benchmarks, comma-separated: extraction, dates, crawl")
    parser.add_argument("--page-kb", default="19,100", help="crawl: article page weights, comma-separated (19: "
                        "today's pages; more: padded with the live portal's chrome, benchmarks/chrome.py)")
    parser.add_argument("--concurrent-items", default=None,
                        help="crawl: CONCURRENT_ITEMS for both spiders; a list (100,16,1) compares them on the same "
                             "site (default: Scrapy's, 100)")
    parser.add_argument("--quick", action="store_true", help="smaller sizes and fewer runs, for a look")
    parser.add_argument("--out", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    quick = args.quick
    args.sizes = [int(s) for s in (args.sizes or ("200,2000" if quick else "2000,20000")).split(",") if s.strip()]
    args.runs = args.runs or (1 if quick else 3)
    args.rounds = args.rounds or (3 if quick else 7)
    args.date_rounds = args.date_rounds or (2 if quick else 5)
    args.only = {name.strip() for name in args.only.split(",") if name.strip()}
    from benchmarks.crawl import parse_concurrent_items, parse_page_kbs

    try:
        args.page_kbs = parse_page_kbs(args.page_kb)
        args.concurrent_items = parse_concurrent_items(args.concurrent_items)
    except ValueError as error:
        parser.error(str(error))
    unknown = args.only - {"extraction", "dates", "crawl"}
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    result = run_all(args)
    result["duration_s"] = round(time.perf_counter() - started)
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    print(table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    log(f"written {args.out} ({result['duration_s']} s)")
    failed = [size["articles"] for size in result.get("crawl", {}).get("sizes", []) if not size["complete"]]
    if failed:
        log(f"incomplete crawl at {failed} articles: a spider did not fetch or emit every article")
        return 2
    if args.check and not all(row["met"] for row in result["targets"]):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
