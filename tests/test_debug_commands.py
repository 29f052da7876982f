"""Scrapy's debug commands on the offline copy: ``parse``, ``shell`` and ``check`` (the spider's contracts).

Each runs the real command in a subprocess against the copy served on loopback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_crawl

pytestmark = pytest.mark.crawl

CONTRACTS = ("SiteUrlContract", "FilledContract", "ArticleContract", "ArticleRequestsContract")


def scrapy(tmp_path: Path, *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    env = {**os.environ, "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
           "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")}
    return subprocess.run([sys.executable, "-m", "scrapy", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout, stdin=subprocess.DEVNULL)


def stat(output: str, key: str) -> int | None:
    match = re.search(rf"'{re.escape(key)}': (\d+)", output)
    return int(match.group(1)) if match else None


# -- parse ---------------------------------------------------------------------------------------------
def test_parse_reads_an_article_url_without_a_callback_and_fetches_nothing_else(site, tmp_path):
    proc = scrapy(tmp_path, "parse", "--spider", "albawabh", "-a", f"base_url={site.base_url}",
                  f"{site.base_url}/4912345")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "'article_id': '4912345'" in proc.stdout
    # robots.txt and the article: no sitemap from robots.txt, no read-also link followed
    assert stat(output, "downloader/request_count") == 2, output[-3000:]


def test_parse_reads_a_listing_url_as_a_listing(site, tmp_path):
    proc = scrapy(tmp_path, "parse", "--spider", "albawabh", "-a", f"base_url={site.base_url}",
                  f"{site.base_url}/category/97")
    assert proc.returncode == 0, proc.stderr[-3000:]
    requests = proc.stdout.split("# Requests", 1)[1]
    for article_id in ("4912533", "4911760", "4910990"):  # the cards of /category/97 (tests/site/content.py)
        assert f"/{article_id}>" in requests


def test_parse_with_pipelines_after_a_crawl_shows_the_article_without_an_asyncio_error(site, tmp_path):
    crawl = run_crawl(tmp_path, "-a", f"base_url={site.base_url}", "-a", "sections=97", "-a", "max_pages=1",
                      env={"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")})
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert "4912533" in crawl.by_id  # delivered: the state now knows it
    proc = scrapy(tmp_path, "parse", "--pipelines", "--spider", "albawabh", "-a", f"base_url={site.base_url}",
                  f"{site.base_url}/4912533")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert "Task exception was never retrieved" not in output
    assert "Traceback" not in output
    assert "'article_id': '4912533'" in proc.stdout
    assert "state: off for scrapy parse" in output


# -- shell ---------------------------------------------------------------------------------------------
def test_shell_keeps_no_state_and_logs_no_error(site, tmp_path):
    proc = scrapy(tmp_path, "shell", f"{site.base_url}/4912345", "-c", "response.status")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "200"
    assert "state: off for scrapy shell" in output
    assert " ERROR: " not in output and "Traceback" not in output
    assert not (tmp_path / "state.sqlite3").exists()


# -- check (contracts) ---------------------------------------------------------------------------------
def check(tmp_path: Path, base_url: str) -> tuple[subprocess.CompletedProcess, int]:
    proc = scrapy(tmp_path, "check", "albawabh", "-a", f"base_url={base_url}")
    ran = re.search(r"Ran (\d+) contracts?", proc.stderr)
    return proc, int(ran.group(1)) if ran else 0


def test_check_runs_the_spiders_contracts_on_the_copy(site, tmp_path):
    proc, ran = check(tmp_path, site.base_url)
    assert proc.returncode == 0, proc.stderr[-3000:]
    # parse_article 3, parse_listing 3, read_feed 3, read_sitemap 3 (the callbacks' docstrings)
    assert ran == 12
    assert proc.stderr.rstrip().endswith("OK")
    assert not (tmp_path / "state.sqlite3").exists()


def test_check_fails_on_a_broken_article_page(tmp_path):
    from tests.site.server import serve

    root = tmp_path / "pages"
    shutil.copytree(ROOT / "tests" / "site" / "pages", root)
    article = root / "articles" / "4912345.html"
    html = article.read_text(encoding="utf-8")
    article.write_text(html[:html.index("<body")] + "<body></body></html>", encoding="utf-8")  # head only
    server, _, base_url = serve(port=0, root=root)
    try:
        proc, ran = check(tmp_path, base_url)
    finally:
        server.shutdown()
        server.server_close()
    assert ran == 12
    assert proc.returncode == 1
    assert "FAILED (failures=" in proc.stderr
    failed = re.findall(r"^FAIL: \[albawabh\] (\w+)", proc.stderr, re.MULTILINE)
    assert set(failed) == {"parse_article"}, proc.stderr[-3000:]


def test_the_project_registers_the_contracts():
    """settings.py's SPIDER_CONTRACTS: scrapy check reads no spider custom_settings."""
    from scrapy.utils.project import get_project_settings

    registered = get_project_settings().getdict("SPIDER_CONTRACTS")
    assert {f"newscrawl.contracts.{name}" for name in CONTRACTS} <= set(registered)
