"""Shared fixtures: the offline copy of the site on loopback, and the real ``scrapy crawl`` against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"

# Loopback crawls need no politeness delay; everything else is the project's settings as they ship.
FAST = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO")


@pytest.fixture(scope="session")
def site():
    """The offline copy of albawabhnews.com, served over HTTP on a free loopback port."""
    from tests.site.server import serve

    server, thread, base_url = serve(port=0)
    try:
        yield SiteServer(server, base_url)
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class SiteServer:
    server: object
    base_url: str

    def hits(self) -> dict[str, int]:
        return dict(self.server.hits)


@pytest.fixture(scope="session")
def expected() -> dict:
    return json.loads((FIXTURES / "albawabh" / "expected.json").read_text(encoding="utf-8"))


@dataclass
class CrawlResult:
    returncode: int
    items: list[dict]
    log: str
    feed: Path

    @property
    def by_id(self) -> dict[str, dict]:
        return {item["article_id"]: item for item in self.items}


def run_crawl(tmp_path: Path, *args: str, env: dict | None = None, timeout: float = 300) -> CrawlResult:
    """Run ``scrapy crawl albawabh`` in a subprocess from the project root; read its ``-O`` feed."""
    feed = tmp_path / "items.jsonl"
    cmd = [sys.executable, "-m", "scrapy", "crawl", "albawabh", "-O", str(feed), *FAST, *args]
    full_env = {**os.environ, "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
                "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), **(env or {})}
    proc = subprocess.run(cmd, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=timeout)
    items = []
    if feed.exists():
        items = [json.loads(line) for line in feed.read_text(encoding="utf-8").splitlines() if line.strip()]
    return CrawlResult(proc.returncode, items, proc.stderr + proc.stdout, feed)


def normalize_space(text: str) -> str:
    return " ".join(text.split())
