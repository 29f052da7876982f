"""History crawls through the real ``scrapy crawl`` on the history copy of the site (``tests/history_site.py``).

- A date window on one section emits exactly the window's articles, once each, fetches at most two article
  pages outside it, and pages the listing down to the page where its cards pass ``since``, no further.
- An id range, SIGKILLed part-way and run again with the same arguments and state, delivers every id of
  the range exactly once across the two runs' feeds and fetches fewer than a dozen pages twice; a third
  run says it is finished and fetches nothing.
- Crawl-delay from robots.txt spaces a backfill's requests.

Figures are printed (``-s`` shows them): requests per article, pages fetched twice after the kill.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest

from tests.conftest import FAST, ROOT
from tests.history_site import CARDS_PER_PAGE, SECTION, build_site, serve

pytestmark = pytest.mark.crawl

CAIRO_SINCE = "2023-10-20"
CAIRO_UNTIL = "2023-10-29"
WAIT = 180


@pytest.fixture(scope="module")
def history():
    return build_site()


@pytest.fixture
def server(history):
    server = serve(history)
    yield server
    server.shutdown()
    server.server_close()


def command(base_url: str, *arguments: str) -> list[str]:
    args = [item for argument in arguments for item in ("-a", argument)]
    return [sys.executable, "-m", "scrapy", "crawl", "albawabh", *FAST, "-a", f"base_url={base_url}", *args]


def environment(root: Path, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "NEWSCRAWL_STATE": str(root / "state.sqlite3"),
        "NEWSCRAWL_FEED_DIR": str(root / "feeds"),
        **extra,
    }


def feed_files(root: Path) -> list[Path]:
    return sorted((root / "feeds").rglob("*.jsonl"))


def complete_lines(path: Path) -> list[dict]:
    """The feed's complete lines (a line cut short by a kill is not an item)."""
    data = path.read_bytes()
    return [json.loads(line) for line in data.split(b"\n")[:-1] if line.strip()]


def run(root: Path, base_url: str, *arguments: str, **extra: str) -> tuple[int, str]:
    proc = subprocess.run(
        command(base_url, *arguments),
        cwd=ROOT,
        env=environment(root, **extra),
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    return proc.returncode, proc.stderr + proc.stdout


def test_window_emits_exactly_its_articles(tmp_path, server, history):
    since = datetime.fromisoformat(CAIRO_SINCE + "T00:00:00+03:00")  # Egypt was on summer time (UTC+3)
    until = datetime.fromisoformat(CAIRO_UNTIL + "T23:59:59.999999+02:00")  # and off it since Oct 27
    expected = history.ids_between(since, until)
    assert 40 < len(expected) < 70  # the window covers a few listing pages, and crosses the DST change

    code, log = run(tmp_path, server.base_url, f"sections={SECTION}", f"since={CAIRO_SINCE}", f"until={CAIRO_UNTIL}")
    assert code == 0, log[-3000:]
    assert "is complete" in log  # until is in the past: nothing can enter the window any more
    items = [item for path in feed_files(tmp_path) for item in complete_lines(path)]
    emitted = Counter(item["article_id"] for item in items)
    assert set(emitted) == expected
    assert max(emitted.values()) == 1

    fetched = server.article_fetches()
    outside = [i for i in fetched if i not in expected]
    assert len(outside) <= 2, outside
    assert len(fetched) == len(set(fetched))  # no page twice

    # Paged down to the page whose last card is older than since, no further.
    newest_first = sorted(history.ids, key=int, reverse=True)
    published = history.published_at()
    last_page = next(n for n in range(1, 100) if published[newest_first[n * CARDS_PER_PAGE - 1]] < since)
    pages = {t for t in server.targets() if t.startswith(f"/category/{SECTION}")}
    assert f"/category/{SECTION}?page={last_page}" in pages
    assert f"/category/{SECTION}?page={last_page + 1}" not in pages
    requests = len(server.targets())
    print(
        f"\nwindow: {len(expected)} articles, {requests} requests ({requests / len(expected):.2f} per article), "
        f"{len(outside)} article pages outside the window"
    )


def test_id_range_killed_and_resumed(tmp_path, history):
    ids = sorted(history.ids, key=int)
    start, end = ids[40], ids[199]  # 160 articles over 319 ids: every other id answers 404
    in_range = {i for i in ids if int(start) <= int(i) <= int(end)}
    slow = serve(history, delay=0.03)
    try:
        env = environment(tmp_path, NEWSCRAWL_PROGRESS_INTERVAL="0.5")
        with (tmp_path / "run1.log").open("wb") as log_file:
            process = subprocess.Popen(
                command(slow.base_url, f"ids={start}-{end}"),
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline and process.poll() is None:
            lines = sum(len(complete_lines(path)) for path in feed_files(tmp_path))
            if lines >= 40:
                break
            time.sleep(0.05)
        assert process.poll() is None, "the first run ended before it could be killed"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        first = [item["article_id"] for path in feed_files(tmp_path) for item in complete_lines(path)]
        fetched_first = len(slow.article_fetches())
        assert 40 <= len(first) < len(in_range)
        with sqlite3.connect(tmp_path / "state.sqlite3") as db:  # the checkpoints committed articles to the state
            known = {row[0] for row in db.execute("SELECT article_id FROM articles WHERE version > 0")}
        assert known and known <= set(first)

        code, log = run(tmp_path, slow.base_url, f"ids={start}-{end}")
        assert code == 0, log[-3000:]
        delivered = Counter(item["article_id"] for path in feed_files(tmp_path) for item in complete_lines(path))
        assert set(delivered) == in_range
        assert max(delivered.values()) == 1, [i for i, n in delivered.items() if n > 1]

        fetched = Counter(slow.article_fetches())
        twice = [i for i, n in fetched.items() if n > 1]
        assert len(twice) < 12, twice
        assert set(fetched) == {str(i) for i in range(int(start), int(end) + 1)}  # exactly the range
        others = [t for t in slow.targets() if not t.lstrip("/").isdigit()]
        assert set(others) == {"/robots.txt"}  # no listing, feed or sitemap
        assert "newscrawl/backfill/missing" in log
        assert "progress: " in (tmp_path / "run1.log").read_text(encoding="utf-8")
        requests = len(slow.targets())
        print(
            f"\nid range: {len(in_range)} articles over {int(end) - int(start) + 1} ids; {requests} requests in "
            f"two runs ({requests / len(in_range):.2f} per article); killed after {len(first)} items in the feed "
            f"and {fetched_first} article requests; {len(twice)} pages fetched twice"
        )

        before = len(slow.targets())
        code, log = run(tmp_path, slow.base_url, f"ids={start}-{end}")
        assert "finished on" in log and "nothing to do" in log
        assert len(slow.targets()) == before  # not even robots.txt
    finally:
        slow.shutdown()
        slow.server_close()


def test_a_finished_backfill_exits_0(tmp_path, server, history):
    ids = sorted(history.ids, key=int)
    code, log = run(tmp_path, server.base_url, f"ids={ids[0]}-{ids[3]}")
    assert code == 0 and "is complete" in log, log[-2000:]
    code, log = run(tmp_path, server.base_url, f"ids={ids[0]}-{ids[3]}")
    assert "finished on" in log
    assert code == 0, log[-1500:]


def test_other_arguments_start_another_backfill(tmp_path, server, history):
    ids = sorted(history.ids, key=int)
    code, log = run(tmp_path, server.base_url, f"ids={ids[0]}-{ids[9]}")
    assert code == 0, log[-2000:]
    assert "is complete" in log
    code, log = run(tmp_path, server.base_url, f"ids={ids[0]}-{ids[11]}")
    assert code == 0, log[-2000:]
    assert "finished on" not in log
    delivered = [item["article_id"] for path in feed_files(tmp_path) for item in complete_lines(path)]
    # The second range is another backfill, but the state knows what the first delivered: only the new ones.
    assert Counter(delivered) == Counter(ids[:12])


def test_crawl_delay_spaces_a_backfill(tmp_path, history):
    robots = "User-agent: *\nCrawl-delay: 0.4\nDisallow: /search/\n"
    polite = serve(history, robots=robots)
    try:
        ids = sorted(history.ids, key=int)
        code, log = run(tmp_path, polite.base_url, f"ids={ids[0]}-{ids[4]}")
        assert code == 0, log[-2000:]
        assert "Crawl-delay" in log
        times = [moment for moment, target in polite.log if target != "/robots.txt"]
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert len(times) == 9 and min(gaps) >= 0.35, gaps
    finally:
        polite.shutdown()
        polite.server_close()


def test_request_cap_applies_per_run_and_the_next_run_goes_on(tmp_path, server, history):
    ids = sorted(history.ids, key=int)[:10]  # 10 articles over 19 ids
    arguments = f"ids={ids[0]}-{ids[-1]}"
    code, log = run(tmp_path, server.base_url, arguments, NEWSCRAWL_MAX_REQUESTS="12")
    assert code == 0, log[-2000:]
    assert "not complete" in log
    first = len(server.article_fetches())
    assert first == 12
    code, log = run(tmp_path, server.base_url, arguments, NEWSCRAWL_MAX_REQUESTS="12")
    assert code == 0 and "is complete" in log, log[-2000:]
    fetched = Counter(server.article_fetches())
    assert len(fetched) == 19 and max(fetched.values()) == 1  # the second run took the 7 ids left, nothing twice
    delivered = Counter(item["article_id"] for path in feed_files(tmp_path) for item in complete_lines(path))
    assert delivered == Counter(ids)
