"""The crawl's exit code and closing summary: the rules (pure), then real crawls that must fail or not."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newscrawl.outcome import FAILED, OK, run_outcome, summary_lines
from tests.conftest import FAST, ROOT
from tests.servers import closed_port, without_aws_env

HEALTHY = {
    "finish_reason": "finished", "response_received_count": 40, "newscrawl/pages/listing": 8,
    "newscrawl/pages/article": 23, "newscrawl/listing/cards": 60, "item_scraped_count": 23,
    "feedexport/success_count/FileFeedStorage": 1, "feedexport/success_count/S3FeedStorage": 1,
}


# -- the rules ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("changes", "code", "reason"), [
    pytest.param({}, OK, None, id="healthy"),
    pytest.param({"item_scraped_count": 0, "newscrawl/state/skipped": 23}, OK, None, id="nothing-new"),
    pytest.param({"finish_reason": "closespider_itemcount"}, OK, None, id="closespider-limit"),
    pytest.param({"newscrawl/listing/cards": 0, "newscrawl/listing/sidebar_links": 5}, OK, None,
                 id="sidebar-links-only"),
    pytest.param({"newscrawl/listing/cards": 0, "newscrawl/listing/links_outside_cards": 5}, OK, None,
                 id="links-outside-cards-only"),
    pytest.param({"feedexport/failed_count/S3FeedStorage": 1}, FAILED, "1 feed file(s) failed to store",
                 id="upload-failed"),
    pytest.param({"feedexport/success_count/FileFeedStorage": 0, "feedexport/success_count/S3FeedStorage": 0},
                 FAILED, "no feed was stored (no feed is configured, or the feed settings were refused: see the errors"
                 " above)",
                 id="feed-exports-disabled"),
    pytest.param({"newscrawl/state/commit_failed": 23}, FAILED, "the state could not be committed",
                 id="commit-failed"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 0,
                  "downloader/exception_type_count/scrapy.exceptions.CannotResolveHostError": 4}, FAILED,
                 "the site did not answer: DNS lookup failed", id="site-down"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 0,
                  "newscrawl/failures/download": "connection refused by 127.0.0.1:9"}, FAILED,
                 "the site did not answer: connection refused by 127.0.0.1:9", id="site-refused"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 3, "robotstxt/response_count": 1,
                  "newscrawl/listings/not_found": 1, "newscrawl/feeds/not_found": 1}, FAILED,
                 "every listing, feed and sitemap asked for answered 404 or 410 (1 listing(s), 1 feed(s)); robots.txt"
                 " answered, so the site is up: check -a sections", id="sections-404"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/listing/cards": 0, "item_scraped_count": 0,
                  "newscrawl/listings/not_found": 1}, FAILED,
                 "every listing page asked for answered 404 or 410 (1 listing(s)): check -a sections",
                 id="section-404-articles-from-sitemaps"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 9, "robotstxt/response_count": 1,
                  "robotstxt/response_status_count/200": 1, "downloader/response_status_count/200": 1,
                  "downloader/response_status_count/503": 8, "newscrawl/unreached/listings": 2}, FAILED,
                 "robots.txt answered but no listing or article page was reached (http 503 x8)", id="all-503"),
    pytest.param({"feedexport/failed_count/S3FeedStorage": 1,
                  "newscrawl/feeds/failed_causes": ["S3 bucket news does not exist"]}, FAILED,
                 "1 feed file(s) failed to store (S3 bucket news does not exist)", id="upload-failed-cause"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "newscrawl/revisit/skipped": 23,
                  "newscrawl/discovery/feeds/documents": 1, "newscrawl/discovery/feeds/urls": 8,
                  "newscrawl/discovery/sitemaps/documents": 2, "newscrawl/discovery/sitemaps/urls": 15}, OK, None,
                 id="feeds-and-sitemaps-only-nothing-new"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "newscrawl/discovery/feeds/documents": 1,
                  "newscrawl/discovery/sitemaps/documents": 2}, FAILED,
                 "3 feed and sitemap document(s) answered but listed no article", id="feeds-and-sitemaps-empty"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 2, "robotstxt/response_count": 1,
                  "newscrawl/discovery/feeds/documents": 1, "newscrawl/discovery/feeds/failed": 1}, FAILED,
                 "robots.txt answered but no listing or article page was reached", id="feed-unreadable-only"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 1, "newscrawl/backfill/finished_before": 1},
                 OK, None, id="backfill-finished-before"),
    pytest.param({"newscrawl/pages/listing": 0, "newscrawl/pages/article": 0, "newscrawl/listing/cards": 0,
                  "item_scraped_count": 0, "response_received_count": 5, "newscrawl/backfill/missing": 4},
                 OK, None, id="id-range-all-missing"),
    pytest.param({"newscrawl/warc/write_errors": 2}, FAILED,
                 "2 WARC write error(s): capture stopped (see the errors above)", id="warc-write-errors"),
    pytest.param({"newscrawl/listing/cards": 0, "newscrawl/pages/article": 0, "item_scraped_count": 0},
                 FAILED, "8 listing page(s) answered but held no article link", id="layout-changed"),
    pytest.param({"finish_reason": "shutdown"}, FAILED,
                 "the crawl stopped early (shutdown): it was interrupted (SIGTERM or Ctrl-C)", id="sigterm"),
    pytest.param({"newscrawl/health/failed_checks": ["coverage of author 40% < 90%"]}, FAILED,
                 "health check failed: coverage of author 40% < 90%", id="health-check"),
])
def test_run_outcome(changes, code, reason):
    outcome = run_outcome({**HEALTHY, **changes})
    assert outcome.exit_code == code
    assert outcome.reasons == ([reason] if reason else [])


def test_summary_names_what_sections_and_windows_left_out():
    stats = {**HEALTHY, "item_scraped_count": 11, "newscrawl/filtered/other_section": 4,
             "newscrawl/filtered/sidebar": 15, "newscrawl/filtered/out_of_window": 2}
    dropped = next(line for line in summary_lines(stats, run_outcome(stats)) if "dropped" in line)
    assert dropped == "run summary: dropped none; filtered out other_section 4, out_of_window 2, sidebar 15"


def test_summary_names_pages_articles_drops_feeds_and_state():
    stats = {**HEALTHY, "item_scraped_count": 5, "newscrawl/state/new": 3, "newscrawl/state/updated": 2,
             "newscrawl/state/skipped": 18, "newscrawl/dropped/no_title": 2, "newscrawl/dropped/duplicate": 1,
             "downloader/response_status_count/404": 3, "robotstxt/response_status_count/404": 1,
             "downloader/response_status_count/503": 2, "feedexport/failed_count/S3FeedStorage": 1,
             "newscrawl/feeds/local": ["/data/feeds/albawabh/2024-05-01T10-00-00+00-00.jsonl"],
             "newscrawl/state/committed": 0, "newscrawl/state/not_committed": 5,
             "newscrawl/discovery/feeds/urls": 30, "newscrawl/discovery/sitemaps/urls": 7,
             "newscrawl/discovery/sitemaps/failed": 1, "newscrawl/discovery/listings/urls": 75,
             "newscrawl/fetch/new": 4, "newscrawl/fetch/changed": 1, "newscrawl/revisit/skipped": 90,
             "newscrawl/revisit/not_modified": 3, "newscrawl/held_back/garbled": 1}
    lines = summary_lines(stats, run_outcome(stats))
    assert lines == [
        "run summary: pages 40 (listings 8, articles 23), http 4xx 2, 5xx 2 (retried or not)",
        "run summary: article links found: feeds 30, sitemaps 7 (1 documents failed), listings 75; fetched: new 4,"
        " changed 1; not fetched (delivered, nothing due) 90; answered 304 3",
        "run summary: articles emitted 5 (new 3, updated 2, deleted 0), fetched but unchanged 18",
        "run summary: dropped duplicate 1, no_title 2; held back garbled 1",
        "run summary: feed files stored 2, failed 1; local copy /data/feeds/albawabh/2024-05-01T10-00-00+00-00.jsonl",
        "run summary: state committed 0, not committed 5 (emitted again next run)",
        "run failed: 1 feed file(s) failed to store",
    ]


def test_summary_without_state_counts_every_emitted_article_as_new():
    lines = summary_lines(HEALTHY, run_outcome(HEALTHY))
    assert lines[2] == "run summary: articles emitted 23 (new 23, updated 0, deleted 0), fetched but unchanged 0"
    assert lines[-1] == "run ok"


# -- real crawls ----------------------------------------------------------------------------------------
def crawl_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", "crawl", "albawabh", *FAST, *args]


def crawl_env(tmp_path: Path, **extra: str) -> dict:
    return {**without_aws_env(), "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
            "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), **extra}


def crawl(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(crawl_command(*args), cwd=ROOT, env=crawl_env(tmp_path, **env), capture_output=True,
                          text=True, timeout=300)


def feed_items(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def local_copies(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "feeds" / "albawabh").glob("*.jsonl"))


def state_ids(tmp_path: Path) -> set[str]:
    with sqlite3.connect(tmp_path / "state.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT article_id FROM articles WHERE version > 0")}  # delivered


def expected_ids(expected) -> list[str]:
    return sorted(a["article_id"] for a in expected["articles"])


@pytest.mark.crawl
def test_a_second_run_with_nothing_new_succeeds(site, expected, tmp_path):
    first = crawl(tmp_path, "-a", f"base_url={site.base_url}")
    assert first.returncode == 0, first.stderr
    second = crawl(tmp_path, "-a", f"base_url={site.base_url}")
    assert second.returncode == 0, second.stderr
    first_copy, second_copy = local_copies(tmp_path)
    assert sorted(item["article_id"] for item in feed_items(first_copy)) == expected_ids(expected)
    assert feed_items(second_copy) == []
    lines = second.stderr.strip().splitlines()
    assert any("run summary: articles emitted 0 (new 0, updated 0, deleted 0)" in line for line in lines)
    assert lines[-1].endswith("run ok")


@pytest.mark.crawl
def test_s3_down_keeps_the_complete_local_copy_and_fails(site, expected, tmp_path):
    port = closed_port()
    proc = crawl(tmp_path, "-a", f"base_url={site.base_url}",
                 NEWSCRAWL_FEED_URI="s3://news/feeds/%(name)s/%(time)s.jsonl",
                 AWS_ENDPOINT_URL=f"http://127.0.0.1:{port}", AWS_ACCESS_KEY_ID="AKIAEXAMPLE",
                 AWS_SECRET_ACCESS_KEY="example-secret-never-logged", AWS_DEFAULT_REGION="us-east-1")
    assert proc.returncode == 1
    [local] = local_copies(tmp_path)
    assert sorted(item["article_id"] for item in feed_items(local)) == expected_ids(expected)
    log = proc.stderr
    assert f"feed upload failed: 1 file(s) with {expected['article_count']} items not stored" in log
    assert f"the local copy is complete: {local.resolve()}" in log
    assert (f"run failed: 1 feed file(s) failed to store (the S3 endpoint did not answer (Could not connect to the"
            f' endpoint URL: "http://127.0.0.1:{port}/news/feeds/albawabh/') in log.strip().splitlines()[-1]
    assert "Traceback" not in log
    assert "example-secret-never-logged" not in log
    # Nothing was committed: the next run delivers every article again (at least once).
    assert state_ids(tmp_path) == set()
    again = crawl(tmp_path, "-a", f"base_url={site.base_url}")
    assert again.returncode == 0, again.stderr
    assert sorted(item["article_id"] for item in feed_items(local_copies(tmp_path)[-1])) == expected_ids(expected)


class NoCardsHandler(BaseHTTPRequestHandler):
    """A site whose pages answer but hold no article link: what a layout change looks like."""

    PAGE = ('<html lang="ar"><body><nav><a href="/category/72">العالم</a></nav><div class="cont">'
            '<div class="new-card-design"><h3>عنوان الخبر</h3></div></div></body></html>').encode()

    def do_GET(self):  # noqa: N802 (http.server's name)
        status, body = (404, b"") if self.path == "/robots.txt" else (200, self.PAGE)
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def no_cards_site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), NoCardsHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.crawl
def test_listings_without_article_links_fail_the_run(no_cards_site, tmp_path):
    proc = crawl(tmp_path, "-a", f"base_url={no_cards_site}")
    assert proc.returncode == 1
    assert "listing page(s) answered but held no article link" in proc.stderr.strip().splitlines()[-1]


@pytest.mark.crawl
def test_a_site_that_does_not_answer_fails_the_run(tmp_path):
    port = closed_port()
    proc = crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{port}", "-s", "RETRY_TIMES=0")
    assert proc.returncode == 1
    last = proc.stderr.strip().splitlines()[-1]
    assert last.endswith(f"run failed: the site did not answer: connection refused by 127.0.0.1:{port}")
    assert "Traceback" not in proc.stderr


@pytest.mark.crawl
def test_sigterm_stores_feeds_commits_state_and_fails(site, expected, tmp_path):
    def articles_fetched(before):
        return sum(count - before.get(path, 0) for path, count in site.hits().items() if path[1:].isdigit())

    before = site.hits()
    # A download delay keeps the crawl running long enough to be interrupted halfway; few concurrent
    # requests keep the graceful stop short (Scrapy finishes the requests already in the downloader).
    log_path = tmp_path / "crawl.log"
    with log_path.open("w") as log_file:  # a file, not a pipe: a pipe nobody reads would stall the crawl
        process = subprocess.Popen(
            crawl_command("-a", f"base_url={site.base_url}", "-s", "DOWNLOAD_DELAY=0.3", "-s", "CONCURRENT_REQUESTS=2"),
            cwd=ROOT, env=crawl_env(tmp_path), stdout=log_file, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 120
            while articles_fetched(before) < 3 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            assert process.poll() is None, "the crawl ended before it could be interrupted"
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    log = log_path.read_text()
    assert process.returncode == 1
    assert "Closing spider (shutdown)" in log
    assert "run failed: the crawl stopped early (shutdown)" in log.strip().splitlines()[-1]
    [local] = local_copies(tmp_path)
    first = [item["article_id"] for item in feed_items(local)]  # every line is whole, valid JSON
    assert 0 < len(first) < expected["article_count"]
    assert state_ids(tmp_path) == set(first)

    rerun = crawl(tmp_path, "-a", f"base_url={site.base_url}")
    assert rerun.returncode == 0, rerun.stderr
    second = [item["article_id"] for item in feed_items(local_copies(tmp_path)[-1])]
    assert not set(first) & set(second)  # nothing twice
    assert sorted(first + second) == expected_ids(expected)  # together, every article once
