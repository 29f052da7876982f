"""Profile one full crawl of a generated site with py-spy and summarize where the time goes.

    python -m benchmarks.profile [--articles 2000] [--page-kb 100] [--rate 250]

Serves a generated site (``benchmarks.site``), runs ``scrapy crawl albawabh`` against it under
``py-spy record`` (sampling, so the crawl runs at nearly full speed), and prints the share of samples
spent in each newscrawl function (inclusive) and in each file (self time). The raw samples go to
``benchmarks/results/profile.raw`` (collapsed stacks, the input of flamegraph tools), the summary to
``benchmarks/results/profile.txt``. py-spy is a benchmark-only dependency (requirements-bench.txt).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

from benchmarks.crawl import ROOT, SiteProcess, crawl_command

RESULTS = ROOT / "benchmarks" / "results"
FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?)(?::\d+)?\)$")
#: Frames worth a line of their own in the summary, besides newscrawl's.
LIBRARY_FRAMES = (
    "create_root_node",  # the HTML parse (lxml, through parsel)
    "FeedExporter.item_scraped",
    "ItemPipelineManager.process_item_async",
    "SignalManager.send_catch_log",
    "StatsCollector.__getattribute__",
    "fingerprint",
    "Downloader._download",
    "Selector.xpath",
)


def short_path(path: str) -> str:
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    root = str(ROOT) + "/"
    return path[len(root):] if path.startswith(root) else path


def summarize(raw: Path, top: int = 45) -> str:
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit() or "run_forever" not in stack:  # the crawl itself: no start-up, no idle threads
            continue
        samples = int(count)
        total += samples
        names = []
        for frame in stack.split(";"):
            match = FRAME.match(frame)
            names.append((match["function"], short_path(match["path"])) if match else (frame, ""))
        for function, path in set(names):
            inclusive[f"{function}  {path}"] += samples
        function, path = names[-1]
        own[path] += samples
    if not total:
        return "no samples"
    lines = [f"{total} samples in the reactor loop (start-up and idle threads left out)", "",
             "inclusive share, newscrawl and selected library frames:"]
    shown = [(key, n) for key, n in inclusive.most_common()
             if "newscrawl/" in key.split("  ")[-1] or key.split("  ")[0] in LIBRARY_FRAMES]
    lines += [f"{100 * n / total:6.1f}%  {key}" for key, n in shown[:top]]
    lines += ["", "self share by file:"]
    lines += [f"{100 * n / total:6.1f}%  {path}" for path, n in own.most_common(25)]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="py-spy profile of one full crawl of a generated site.")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--page-kb", type=float, default=None,
                        help="pad the generated pages to about this many KB (default: today's pages)")
    parser.add_argument("--rate", type=int, default=250, help="samples per second")
    args = parser.parse_args(argv)
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(py_spy).exists():
        print("py-spy is not installed: pip install -r requirements-bench.txt", file=sys.stderr)
        return 2
    RESULTS.mkdir(parents=True, exist_ok=True)
    raw = RESULTS / "profile.raw"
    with SiteProcess(args.articles, page_kb=args.page_kb) as site, tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "NEWSCRAWL_STATE": "off", "NEWSCRAWL_FEED_DIR": str(Path(tmp) / "feeds")}
        cmd = [py_spy, "record", "--rate", str(args.rate), "--format", "raw", "--output", str(raw), "--",
               *crawl_command("full", site.base_url, Path(tmp) / "stats.json")]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if proc.returncode != 0 or not raw.exists():
            print(proc.stderr[-2000:], file=sys.stderr)
            return 1
    summary = summarize(raw)
    (RESULTS / "profile.txt").write_text(summary + "\n", encoding="utf-8")
    print(summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
