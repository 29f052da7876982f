"""What a run says at its end: nothing new and how to crawl everything again, the -O warning, a section
that answers 404, and the debug commands that write no feed file."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newscrawl.extensions.health import DEFAULT_COVERAGE, RunTally, Thresholds, checks_run
from tests.conftest import ROOT
from tests.servers import LOOPBACK, without_aws_env
from tests.test_failures import crawl, last_line


def emitted(path: Path) -> list[str]:
    return sorted(json.loads(line)["article_id"] for line in path.read_text(encoding="utf-8").splitlines() if line)


def expected_ids(expected) -> list[str]:
    return sorted(a["article_id"] for a in expected["articles"])


@pytest.mark.crawl
def test_a_second_run_says_nothing_new_and_how_to_crawl_everything_again(site, expected, tmp_path):
    first = crawl(tmp_path, "-a", f"base_url={site.base_url}")
    assert first.returncode == 0, first.stderr
    assert "nothing new" not in first.stderr
    second = crawl(tmp_path, "-a", f"base_url={site.base_url}")
    assert second.returncode == 0, second.stderr
    [line] = [line for line in second.stderr.splitlines() if "run summary: nothing new" in line]
    state = tmp_path / "state.sqlite3"
    found = re.search(r"run summary: nothing new: the (\d+) article link\(s\) found lead to articles earlier runs "
                      r"delivered \(state (.+)\); to crawl everything again, run with NEWSCRAWL_STATE=off or a fresh "
                      r"NEWSCRAWL_STATE path$", line)
    assert found, line
    assert int(found.group(1)) >= expected["article_count"]  # every article is linked at least once
    assert found.group(2) == str(state)
    assert last_line(second).endswith("run ok")
    # What the line says works: with the state off, every article is emitted again.
    again = crawl(tmp_path, "-a", f"base_url={site.base_url}", "-O", str(tmp_path / "all.jsonl"),
                  NEWSCRAWL_STATE="off")
    assert again.returncode == 0, again.stderr
    assert emitted(tmp_path / "all.jsonl") == expected_ids(expected)
    assert "nothing new" not in again.stderr


@pytest.mark.crawl
@pytest.mark.parametrize("option", ["-O", "-o"])
def test_a_named_feed_file_with_the_state_on_warns_once_at_start(site, tmp_path, option):
    out = tmp_path / "items.jsonl"
    proc = crawl(tmp_path, "-a", f"base_url={site.base_url}", option, str(out), "-s", "CLOSESPIDER_ITEMCOUNT=2")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    warnings = [n for n, line in enumerate(lines) if "gets only new or changed articles" in line]
    assert len(warnings) == 1
    assert " WARNING: " in lines[warnings[0]] and str(out) in lines[warnings[0]]
    assert "NEWSCRAWL_STATE=off" in lines[warnings[0]]
    assert warnings[0] < next(n for n, line in enumerate(lines) if "Closing spider" in line)


@pytest.mark.crawl
def test_no_warning_without_state_or_without_a_named_file(site, tmp_path):
    off = crawl(tmp_path, "-a", f"base_url={site.base_url}", "-O", str(tmp_path / "x.jsonl"),
                "-s", "CLOSESPIDER_ITEMCOUNT=2", NEWSCRAWL_STATE="off")
    plain = crawl(tmp_path, "-a", f"base_url={site.base_url}", "-s", "CLOSESPIDER_ITEMCOUNT=2")
    for proc in (off, plain):
        assert proc.returncode == 0, proc.stderr
        assert "gets only new or changed articles" not in proc.stderr


class RobotsOnly(BaseHTTPRequestHandler):
    """A site that is up (robots.txt answers) where every other page answers 404, as a section that does
    not exist does."""

    def do_GET(self):  # noqa: N802 (http.server's name)
        status, body = (200, b"User-agent: *\nAllow: /\n") if self.path == "/robots.txt" else (404, b"not found")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def robots_only_site():
    server = ThreadingHTTPServer((LOOPBACK, 0), RobotsOnly)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOOPBACK}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.crawl
def test_a_section_that_answers_404_is_named_not_an_unreachable_site(robots_only_site, tmp_path):
    proc = crawl(tmp_path, "-a", f"base_url={robots_only_site}", "-a", "sections=999")
    assert proc.returncode == 1
    last = last_line(proc)
    assert "no page of the site answered" not in proc.stderr
    assert "did not answer" not in last
    assert "run failed: every listing, feed and sitemap asked for answered 404 or 410 (1 listing(s)" in last
    assert last.endswith("; robots.txt answered, so the site is up: check -a sections")


@pytest.mark.crawl
def test_a_section_that_answers_404_on_the_offline_copy(site, tmp_path):
    """/category/999 answers 404 on the offline copy; articles may still come from the sitemaps."""
    proc = crawl(tmp_path, "-a", f"base_url={site.base_url}", "-a", "sections=999")
    assert proc.returncode == 1
    assert "run failed: every listing page asked for answered 404 or 410 (1 listing(s)): check -a sections" \
        in last_line(proc)


# -- debug commands write no feed file ------------------------------------------------------------------
def scrapy(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**without_aws_env(), "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
           "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)


@pytest.mark.crawl
@pytest.mark.parametrize("command", [
    pytest.param(("parse", "--spider", "albawabh", "-c", "parse_article", "{base}/4909940"), id="parse"),
    pytest.param(("fetch", "--spider", "albawabh", "--nolog", "{base}/4909940"), id="fetch"),
    pytest.param(("shell", "{base}/4909940", "-c", "response.status"), id="shell"),
    pytest.param(("check", "albawabh"), id="check"),
])
def test_debug_commands_leave_no_feed_file(site, tmp_path, command):
    scrapy(tmp_path, *(part.format(base=site.base_url) for part in command))
    assert not (tmp_path / "feeds").exists() or not any((tmp_path / "feeds").rglob("*")), \
        sorted((tmp_path / "feeds").rglob("*"))


# -- health: nothing checked is not "passed" -----------------------------------------------------------
def test_with_nothing_to_judge_only_the_held_back_count_is_checked():
    thresholds = Thresholds(coverage=DEFAULT_COVERAGE, min_items=5)
    assert checks_run(RunTally(), {}, thresholds) == ["held back"]
    busy = {"newscrawl/pages/article": 20, "response_received_count": 30}
    assert checks_run(RunTally(items=20), busy, thresholds) == ["coverage", "dates", "drops", "layout", "held back",
                                                               "http errors"]
