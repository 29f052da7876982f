"""Freshness: scheduled crawls of a site that publishes and edits articles over simulated time, today's crawl
against the new one.

    python -m benchmarks.freshness                         # 2,000-article backlog, 8 runs (2 simulated hours)
    python -m benchmarks.freshness --articles 500 --runs 4 --json freshness.json
    python -m benchmarks.freshness --only after            # the working tree alone

The site (``benchmarks.freshness_site``, its own process) starts with a backlog; each run of the schedule
first moves its simulated clock by ``--interval`` minutes (about 12 new articles and 2-3 edits per 15 minutes),
then crawls it with

- **before**: today's crawl, commit ``30debe1`` (listings only, re-fetching articles to find edits), run
  from a ``git worktree`` of that commit with the same Python, removed at the end;
- **after**: the working tree, with ``-a discover=feeds,sitemaps,listings`` and ``-s NEWSCRAWL_NOW=<the
  simulated time>``.

Both are ``scrapy crawl albawabh -a base_url=...`` subprocesses with no politeness delay, their own state
file and feed directory. Run 0 is a full first crawl of the backlog and is not counted in the steady state.
The figures come from the site's own request log (diffed around each crawl) and from the feed files each run
wrote; see ``benchmarks/README.md`` for the definitions. A crawl that fails is reported with its exit code and
the last lines of its log; the benchmark goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.crawl import ServerProcess
from benchmarks.freshness_site import CAIRO

ROOT = Path(__file__).resolve().parent.parent
BASELINE_COMMIT = "30debe1"
SIDES = ("before", "after")
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON) if VENV_PYTHON.exists() else sys.executable
#: Settings both crawls run with, on top of the project's.
COMMON_SETTINGS = {
    "DOWNLOAD_DELAY": "0",
    "AUTOTHROTTLE_ENABLED": "False",
    "CONCURRENT_REQUESTS": "16",
    "CONCURRENT_REQUESTS_PER_DOMAIN": "16",
    "LOG_LEVEL": "INFO",
}
#: The new crawl's discovery sources (today's crawl does not know the argument and is not given it).
AFTER_DISCOVER = "feeds,sitemaps,listings"
#: Environment variables never passed on to a crawl: each would change what it does.
DROPPED_ENV = ("REDIS_URL", "SPLASH_URL", "PYTHONPATH", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
               "all_proxy", "ALL_PROXY")
LOG_TAIL_LINES = 15
#: Loopback only: no proxy from the environment for the parent's requests to the site.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))
REQUEST_KINDS = ("article", "listing", "feed", "sitemap", "robots", "other")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the site ------------------------------------------------------------------------------------------
class SiteProcess(ServerProcess):
    """``python -m benchmarks.freshness_site`` in its own process; its clock moved and read over HTTP."""

    def __init__(self, articles: int, epoch: datetime, *, per_hour: float, edits_per_hour: float, sidebar_new: int,
                 seed: int, timeout: float = 120):
        super().__init__("benchmarks.freshness_site", [
            "--articles", str(articles), "--epoch", epoch.isoformat(), "--per-hour", str(per_hour),
            "--edits-per-hour", str(edits_per_hour), "--sidebar-new", str(sidebar_new), "--seed", str(seed)],
            timeout, python=PYTHON)

    def _call(self, path: str, method: str = "GET", timeout: float = 60) -> dict:
        request = urllib.request.Request(self.base_url + path, data=b"" if method == "POST" else None, method=method)
        with OPENER.open(request, timeout=timeout) as answer:
            return json.loads(answer.read())

    def advance(self, minutes: float) -> dict:
        return self._call(f"/__advance?minutes={minutes:g}", "POST")

    def counts(self) -> dict[str, int]:
        return self._call("/__stats")["counts"]

    def truth(self) -> dict:
        return self._call("/__truth")



# -- the crawls ----------------------------------------------------------------------------------------
@dataclass
class Run:
    side: str
    number: int
    sim_time: str
    returncode: int | None
    elapsed_s: float
    requests: dict[str, int]
    statuses: dict[str, int]
    emitted: list[dict] = field(default_factory=list)
    log_tail: list[str] = field(default_factory=list)
    #: The crawl's own ``newscrawl/...`` counters, from the stats Scrapy dumps at the end of its log.
    crawl_stats: dict[str, int] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return self.returncode != 0


@dataclass
class Side:
    name: str
    cwd: Path
    workdir: Path
    extra_args: list[str] = field(default_factory=list)
    now_setting: bool = False
    extra_settings: dict[str, str] = field(default_factory=dict)

    def command(self, base_url: str, number: int, sim_now: datetime) -> list[str]:
        cmd = [PYTHON, "-m", "scrapy", "crawl", "albawabh", "-a", f"base_url={base_url}", *self.extra_args]
        settings = {**COMMON_SETTINGS, "NEWSCRAWL_STATE": str(self.workdir / "state.sqlite3"),
                    "NEWSCRAWL_FEED_DIR": str(self.feed_dir(number))}
        if self.now_setting:
            settings["NEWSCRAWL_NOW"] = sim_now.isoformat()
        settings.update(self.extra_settings)
        for name, value in settings.items():
            cmd += ["-s", f"{name}={value}"]
        return cmd

    def feed_dir(self, number: int) -> Path:
        return self.workdir / "feeds" / f"run-{number:02d}"


def crawl_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items()
            if name not in DROPPED_ENV and not name.startswith("NEWSCRAWL_")}


def diff_counts(before: dict[str, int], after: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """The site's counters over one crawl: requests by kind, and ``<status>/<kind>`` answers."""
    delta = {key: after.get(key, 0) - before.get(key, 0) for key in after}
    requests = {kind: delta.get(f"requests/{kind}", 0) for kind in REQUEST_KINDS}
    requests["total"] = delta.get("requests/total", 0)
    statuses = {key.removeprefix("status/"): n for key, n in sorted(delta.items()) if key.startswith("status/") and n}
    return requests, statuses


def read_feed(directory: Path) -> list[dict]:
    """Every item the run wrote to its local feed files (JSON Lines); unreadable lines are skipped."""
    items = []
    for path in sorted(directory.rglob("*.jsonl")) if directory.exists() else ():
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                item = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(item, dict):
                items.append(item)
    return items


def emitted_record(item: dict) -> dict:
    body = item.get("body") or ""
    versions = [n for n in range(2, 50) if f"تحديث رقم {n}" in body]
    return {"article_id": str(item.get("article_id") or ""), "is_update": bool(item.get("is_update")),
            "deleted": bool(item.get("deleted")), "version": item.get("version"),
            "edits_in_body": max(versions) - 1 if versions else 0}


STAT_LINE = re.compile(r"^\s*'(newscrawl/[^']+)': (\d+),?$", re.M)


def crawl_stats(log_text: str) -> dict[str, int]:
    """The integer ``newscrawl/...`` stats of the last stats dump in a crawl's log."""
    dump = log_text.rsplit("Dumping Scrapy stats:", 1)
    return {name: int(value) for name, value in STAT_LINE.findall(dump[1])} if len(dump) == 2 else {}


def run_crawl(side: Side, site: SiteProcess, number: int, sim_now: datetime, timeout: float) -> Run:
    """One crawl of ``side`` at simulated time ``sim_now``: a subprocess, bounded by ``timeout`` seconds."""
    log_path = side.workdir / "logs" / f"run-{number:02d}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    counts_before = site.counts()
    started = time.perf_counter()
    with open(log_path, "wb") as log_file:
        try:
            proc = subprocess.Popen(side.command(site.base_url, number, sim_now), cwd=side.cwd, env=crawl_env(),
                                    stdout=log_file, stderr=subprocess.STDOUT)
        except OSError as exc:
            log_file.write(f"could not start the crawl: {exc!r}\n".encode())
            proc = None
        try:
            returncode = proc.wait(timeout) if proc else -1
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            returncode = None  # killed: reported as a timeout
            log_file.write(f"\nkilled by the benchmark after {timeout:g} s\n".encode())
    elapsed = time.perf_counter() - started
    requests, statuses = diff_counts(counts_before, site.counts())
    run = Run(side.name, number, sim_now.isoformat(), returncode, round(elapsed, 1), requests, statuses,
              [emitted_record(item) for item in read_feed(side.feed_dir(number))])
    log_text = log_path.read_text(encoding="utf-8", errors="replace")
    run.crawl_stats = crawl_stats(log_text)
    if run.failed:
        run.log_tail = log_text.splitlines()[-LOG_TAIL_LINES:]
    return run


class Baseline:
    """A ``git worktree`` of the baseline commit in a temporary directory, removed on exit."""

    def __init__(self, commit: str, parent: Path):
        self.path = parent / f"baseline-{commit}"
        self.commit = commit
        self.created = False

    def __enter__(self) -> Path:
        proc = subprocess.run(["git", "worktree", "add", "--detach", str(self.path), self.commit], cwd=ROOT,
                              capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"git worktree add {self.commit} failed: {proc.stderr.strip()}")
        self.created = True
        return self.path

    def __exit__(self, *exc) -> None:
        if self.created:
            subprocess.run(["git", "worktree", "remove", "--force", str(self.path)], cwd=ROOT, capture_output=True,
                           text=True, timeout=120)


# -- the figures ---------------------------------------------------------------------------------------
def _instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def _minutes(delta: timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _spread(values: list[float]) -> dict:
    if not values:
        return {"median": None, "max": None}
    return {"median": round(statistics.median(values), 1), "max": round(max(values), 1)}


def summarize(runs: list[Run], truth: dict) -> dict:
    """One side's figures: the steady state (runs 1..n) against the site's truth."""
    if not runs:
        return {"runs": 0}
    times = {run.number: _instant(run.sim_time) for run in runs}
    t0 = times.get(0, _instant(truth["epoch"]))
    end = max(times.values())
    steady = [run for run in runs if run.number >= 1]
    articles = {a["id"]: a for a in truth["articles"]}

    emissions: dict[str, list[tuple[datetime, int, dict]]] = {}
    for run in sorted(runs, key=lambda r: r.number):
        for record in run.emitted:
            if record["deleted"] or not record["article_id"]:
                continue
            emissions.setdefault(record["article_id"], []).append((times[run.number], run.number, record))

    # New articles: published after the first crawl, by the last run's clock.
    new = [a for a in articles.values() if t0 < _instant(a["published"]) <= end]
    by_kind: dict[str, dict] = {}
    new_delays = []
    for kind in ("both", "feed_only", "listing_only"):
        of_kind = [a for a in new if a["kind"] == kind]
        found = [a for a in of_kind if a["id"] in emissions]
        by_kind[kind] = {"published": len(of_kind), "emitted": len(found), "share": _share(len(found), len(of_kind))}
    for a in new:
        if a["id"] in emissions:
            new_delays.append(_minutes(emissions[a["id"]][0][0] - _instant(a["published"])))
    missed = sorted(a["id"] for a in new if a["id"] not in emissions)

    # Edits after the first crawl: caught by the first emission at or after the edit, when it is an update or
    # the article's first emission (which carries the edit already).
    edits = [(a["id"], _instant(t)) for a in articles.values() for t in a["edits"] if t0 < _instant(t) <= end]
    edit_delays, uncaught = [], []
    for article_id, when in edits:
        history = emissions.get(article_id, [])
        later = [(i, e) for i, e in enumerate(history) if e[0] >= when]
        if later and (later[0][1][2]["is_update"] or later[0][0] == 0):
            edit_delays.append(_minutes(later[0][1][0] - when))
        else:
            uncaught.append(article_id)

    # Emissions that were not needed: an update with no edit since the article's previous emission, or an
    # article emitted as new a second time.
    spurious_updates = duplicate_new = stale = 0
    for article_id, history in emissions.items():
        edit_times = [_instant(t) for t in articles.get(article_id, {}).get("edits", [])]
        for i, (when, _, record) in enumerate(history):
            edits_by_then = sum(t <= when for t in edit_times)
            if record["edits_in_body"] < edits_by_then:
                stale += 1
            if i == 0:
                continue
            if not record["is_update"]:
                duplicate_new += 1
            elif not any(history[i - 1][0] < t <= when for t in edit_times):
                spurious_updates += 1

    totals = {kind: sum(run.requests.get(kind, 0) for run in steady) for kind in (*REQUEST_KINDS, "total")}
    stats_steady: dict[str, int] = {}
    for run in steady:
        for name, value in run.crawl_stats.items():
            stats_steady[name] = stats_steady.get(name, 0) + value
    article_304 = sum(run.statuses.get("304/article", 0) for run in steady)
    changed = len(new) + len(edits)
    initial = next((run for run in runs if run.number == 0), None)
    backlog = [a for a in articles.values() if _instant(a["published"]) <= t0]
    return {
        "runs": len(steady),
        "failed_runs": [{"run": run.number, "exit_code": run.returncode, "log_tail": run.log_tail}
                        for run in runs if run.failed],
        "initial": {
            "requests": initial.requests if initial else None,
            "backlog": len(backlog),
            "backlog_emitted": sum(1 for a in backlog if a["id"] in emissions),
            "elapsed_s": initial.elapsed_s if initial else None,
        },
        "requests_per_run": {kind: round(n / len(steady), 1) for kind, n in totals.items()} if steady else {},
        "requests_steady": totals,
        "new_articles": len(new),
        "edits": len(edits),
        "article_requests_per_change": round(totals["article"] / changed, 2) if changed else None,
        "article_304": article_304,
        "article_fetches_200_per_change": round((totals["article"] - article_304) / changed, 2) if changed else None,
        "new_emitted": len(new) - len(missed),
        "new_emitted_share": _share(len(new) - len(missed), len(new)),
        "new_missed": missed,
        "new_by_kind": by_kind,
        "new_delay_min": _spread(new_delays),
        "edits_caught": len(edit_delays),
        "edits_caught_share": _share(len(edit_delays), len(edits)),
        "edit_delay_min": _spread(edit_delays),
        "edits_uncaught": sorted(set(uncaught)),
        "spurious_updates": spurious_updates,
        "duplicate_new": duplicate_new,
        "stale_emissions": stale,
        "crawl_stats_steady": dict(sorted(stats_steady.items())),
        "elapsed_s_per_run": round(statistics.mean(run.elapsed_s for run in steady), 1) if steady else None,
        "run_list": [{key: value for key, value in asdict(run).items()
                      if key not in ("emitted", "log_tail", "crawl_stats")}
                     | {"emitted_new": sum(not r["is_update"] for r in run.emitted if not r["deleted"]),
                        "emitted_updates": sum(r["is_update"] for r in run.emitted if not r["deleted"])}
                     for run in runs],
    }


# -- the table -----------------------------------------------------------------------------------------
def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _num(value) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.2f}".rstrip("0")
    return f"{value:,.0f}"


def table(result: dict) -> str:
    sides = [name for name in SIDES if name in result["sides"]]
    labels = {"before": f"before ({result['config']['baseline_commit']}: listings only)",
              "after": "after (working tree)"}
    s = {name: result["sides"][name] for name in sides}
    c = result["config"]

    def row(label: str, render) -> str:
        cells = []
        for name in sides:
            side = s[name]
            try:
                cells.append(render(side) if side.get("runs") else "not run")
            except (KeyError, TypeError):
                cells.append("n/a")
        return f"| {label} | " + " | ".join(cells) + " |"

    def kind_share(kind: str):
        return lambda x: (f"{x['new_by_kind'][kind]['emitted']}/{x['new_by_kind'][kind]['published']} "
                          f"({_pct(x['new_by_kind'][kind]['share'])})")

    def per_run(kind: str):
        return lambda x: _num(x["requests_per_run"][kind])

    lines = [
        f"Simulated site: {c['articles']:,}-article backlog, {c['per_hour']:g} new and {c['edits_per_hour']:g} "
        f"edited articles per simulated hour (1 in 10 on feeds and sitemap only, 1 in 10 on listings only), "
        f"{c['sidebar_new']} brand-new article(s) in the \"most read\" sidebar; one full first crawl, then "
        f"{c['runs']} runs every {c['interval_min']:g} simulated minutes. Run {result['when']}, "
        f"{result['duration_s']} s; working tree on {result['code'].get('commit')} with "
        f"{len(result['code'].get('newscrawl_changes', []))} changed file(s) under newscrawl/.",
        "",
        "| steady state, per scheduled run | " + " | ".join(labels[name] for name in sides) + " |",
        "|---|" + "---:|" * len(sides),
        row("requests per run", per_run("total")),
        row("... article pages", per_run("article")),
        row("... listing pages", per_run("listing")),
        row("... feeds / sitemaps / robots.txt",
            lambda x: " / ".join(_num(x["requests_per_run"][k]) for k in ("feed", "sitemap", "robots"))),
        row("article requests per new or changed article", lambda x: _num(x["article_requests_per_change"])),
        row("... of which answered 304", lambda x: _num(x["article_304"])),
        row("full article fetches (200) per new or changed article",
            lambda x: _num(x["article_fetches_200_per_change"])),
        row("new articles emitted",
            lambda x: f"{x['new_emitted']}/{x['new_articles']} ({_pct(x['new_emitted_share'])})"),
        row("... on feeds and listings", kind_share("both")),
        row("... on feeds and sitemap only", kind_share("feed_only")),
        row("... on listings only", kind_share("listing_only")),
        row("new articles missed", lambda x: str(len(x["new_missed"]))),
        row("delay to emit a new article, median / max (sim. min)",
            lambda x: f"{_num(x['new_delay_min']['median'])} / {_num(x['new_delay_min']['max'])}"),
        row("edits caught (emitted as update)",
            lambda x: f"{x['edits_caught']}/{x['edits']} ({_pct(x['edits_caught_share'])})"),
        row("delay to catch an edit, median / max (sim. min)",
            lambda x: f"{_num(x['edit_delay_min']['median'])} / {_num(x['edit_delay_min']['max'])}"),
        row("updates with no edit / articles emitted as new twice",
            lambda x: f"{x['spurious_updates']} / {x['duplicate_new']}"),
        row("first full crawl: requests / backlog emitted",
            lambda x: f"{_num(x['initial']['requests']['total'])} / {x['initial']['backlog_emitted']:,} of "
                      f"{x['initial']['backlog']:,}"),
        row("wall time per scheduled run (s)", lambda x: _num(x["elapsed_s_per_run"])),
        row("failed runs", lambda x: ", ".join(f"run {f['run']}: exit {f['exit_code']}" for f in x["failed_runs"])
            or "none"),
    ]
    return "\n".join(lines)


def failures(result: dict) -> str:
    out = []
    for name, side in result["sides"].items():
        for failure in side.get("failed_runs", []):
            out.append(f"{name} run {failure['run']} exit {failure['exit_code']}:")
            out += [f"    {line}" for line in failure["log_tail"]]
        if error := side.get("error"):
            out.append(f"{name}: {error}")
    return "\n".join(out)


# -- the command ---------------------------------------------------------------------------------------
def code_version() -> dict:
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"commit": git("rev-parse", "--short", "HEAD") or None,
            "newscrawl_changes": git("status", "--porcelain", "--", "newscrawl").splitlines()}


def run_benchmark(args: argparse.Namespace) -> dict:
    started = time.perf_counter()
    epoch = (datetime.now(UTC) - timedelta(days=10)).replace(second=0, microsecond=0).astimezone(CAIRO)
    result: dict = {
        "when": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": "python -m benchmarks.freshness " + " ".join(sys.argv[1:]),
        "code": code_version(),
        "config": {"articles": args.articles, "runs": args.runs, "interval_min": args.interval,
                   "per_hour": args.per_hour, "edits_per_hour": args.edits_per_hour, "sidebar_new": args.sidebar_new,
                   "seed": args.seed, "baseline_commit": args.baseline, "sides": list(args.only),
                   "common_settings": COMMON_SETTINGS, "after_arguments": [f"discover={AFTER_DISCOVER}"],
                   "after_settings": ["NEWSCRAWL_NOW=<simulated time>",
                                      *(f"{name}={value}" for name, value in args.after_setting)],
                   "epoch": epoch.isoformat()},
        "sides": {},
    }
    workdir = Path(tempfile.mkdtemp(prefix="newscrawl-freshness-"))
    runs: dict[str, list[Run]] = {name: [] for name in args.only}
    truth = None
    try:
        with SiteProcess(args.articles, epoch, per_hour=args.per_hour, edits_per_hour=args.edits_per_hour,
                         sidebar_new=args.sidebar_new, seed=args.seed) as site:
            log(f"freshness: {args.articles} articles served at {site.base_url}, clock {epoch.isoformat()}")
            baseline = Baseline(args.baseline, workdir)
            try:
                sides = prepare_sides(args, baseline, workdir, result)
                try:
                    schedule(args, site, sides, runs, result, started + args.deadline)
                    truth = site.truth()
                except (OSError, ValueError) as exc:  # the site died or answered garbage: report what was run
                    result["error"] = f"the simulated site failed: {exc!r}"
                    log(f"freshness: {result['error']}")
            finally:
                baseline.__exit__(None, None, None)
    finally:
        if args.keep:
            log(f"freshness: kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    for name in args.only:
        if name not in result["sides"]:
            result["sides"][name] = summarize(runs[name], truth) if truth else {"runs": 0, "error": result["error"]}
    result["duration_s"] = round(time.perf_counter() - started)
    return result


def prepare_sides(args: argparse.Namespace, baseline: Baseline, workdir: Path, result: dict) -> dict[str, Side]:
    sides: dict[str, Side] = {}
    if "before" in args.only:
        try:
            sides["before"] = Side("before", baseline.__enter__(), workdir / "before")
        except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
            result["sides"]["before"] = {"runs": 0, "error": str(exc)}
            log(f"freshness: before side not run: {exc}")
    if "after" in args.only:
        sides["after"] = Side("after", ROOT, workdir / "after", ["-a", f"discover={AFTER_DISCOVER}"], now_setting=True,
                              extra_settings=dict(args.after_setting))
    return sides


def schedule(args: argparse.Namespace, site: SiteProcess, sides: dict[str, Side], runs: dict[str, list[Run]],
             result: dict, deadline: float) -> None:
    """Run 0 at the epoch, then ``args.runs`` times: move the clock, crawl with each side in turn."""
    sim_now = datetime.fromisoformat(result["config"]["epoch"])
    for number in range(args.runs + 1):
        if number:
            if time.perf_counter() > deadline:
                log(f"freshness: deadline of {args.deadline:.0f} s reached after {number - 1} runs")
                result["stopped_at_deadline"] = number - 1
                return
            happened = site.advance(args.interval)
            sim_now = datetime.fromisoformat(happened["now"])
            log(f"run {number}/{args.runs} at {happened['now']}: {len(happened['published'])} new, "
                f"{len(happened['edited'])} edited")
        for name, side in sides.items():
            run = run_crawl(side, site, number, sim_now, args.run_timeout)
            runs[name].append(run)
            log(f"  {name:<6} {run.requests['total']:>5} requests ({run.requests['article']} article, "
                f"{run.requests['listing']} listing), {len(run.emitted)} emitted, {run.elapsed_s:.0f} s, "
                f"exit {run.returncode}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.freshness", description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=2000, help="the site's backlog at the first crawl")
    parser.add_argument("--runs", type=int, default=8, help="scheduled runs after the first full crawl")
    parser.add_argument("--interval", type=float, default=15, help="simulated minutes between runs")
    parser.add_argument("--per-hour", type=float, default=50, help="new articles per simulated hour")
    parser.add_argument("--edits-per-hour", type=float, default=10, help="edits per simulated hour")
    parser.add_argument("--sidebar-new", type=int, default=1,
                        help="'most read' slots showing an article of the last 15 simulated minutes (0-5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="before,after", help="sides to run, comma-separated: before, after")
    parser.add_argument("--json", type=Path, default=None, help="write every figure to this file")
    parser.add_argument("--run-timeout", type=float, default=300, help="seconds one crawl may take before it is killed")
    parser.add_argument("--baseline", default=BASELINE_COMMIT, help="the commit of today's crawl (the before side)")
    parser.add_argument("--deadline", type=float, default=540,
                        help="seconds after which no further run is started (the figures cover the runs done)")
    parser.add_argument("--after-setting", action="append", default=[], metavar="NAME=VALUE",
                        help="one more -s setting for the new crawl (repeatable), e.g. NEWSCRAWL_REVISIT=1h,6h")
    parser.add_argument("--keep", action="store_true", help="keep the working directory (logs, feeds, state)")
    args = parser.parse_args(argv)
    args.only = [name for name in SIDES if name in {part.strip() for part in args.only.split(",")}]
    unknown = {part.strip() for part in parser.parse_args(argv).only.split(",") if part.strip()} - set(SIDES)
    if unknown or not args.only:
        parser.error(f"--only takes before, after or both, not {','.join(sorted(unknown)) or 'nothing'}")
    if not all("=" in setting for setting in args.after_setting):
        parser.error("--after-setting takes NAME=VALUE")
    args.after_setting = [tuple(setting.split("=", 1)) for setting in args.after_setting]
    if args.articles < 1 or args.runs < 1 or args.interval <= 0:
        parser.error("--articles, --runs and --interval must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        result = run_benchmark(args)
    except RuntimeError as exc:  # the simulated site did not start
        log(f"freshness: {exc}")
        return 2
    print(table(result))
    if text := failures(result):
        log(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        log(f"written {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
