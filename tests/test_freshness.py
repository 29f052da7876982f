"""Scheduled runs on one state, through the real ``scrapy crawl``, against the offline copy as it changes.

The copy's "update" edition (tests/site/content_update.py) is the site some hours later: one new article
only in ``/rss.xml``, one only in the news sitemap, one only on ``/category/72`` page 1, one only in every
listing's "most read" sidebar, one old article edited (a new paragraph, ``article:modified_time``, a newer
sitemap ``lastmod``) and one deleted (404). Each test has its own server, so switching its edition
disturbs no other test.
"""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import run_crawl
from tests.site import content_update as U
from tests.site.server import serve


@pytest.fixture
def changing_site():
    server, _thread, base_url = serve(port=0)
    try:
        yield server, base_url
    finally:
        server.shutdown()
        server.server_close()


def delta(server, before: dict) -> dict[str, int]:
    return {path: count - before.get(path, 0) for path, count in server.hits.items() if count > before.get(path, 0)}


def article_fetches(hits: dict[str, int]) -> dict[str, int]:
    return {path.lstrip("/"): n for path, n in hits.items() if path.lstrip("/").isdigit()}


def deeper_listing_pages(hits: dict[str, int]) -> list[str]:
    return sorted(path for path in hits if "page=" in path)


def stat(log: str, key: str) -> int:
    found = re.search(rf"'{re.escape(key)}': (\d+)", log)
    return int(found.group(1)) if found else 0


@pytest.mark.crawl
def test_scheduled_runs_fetch_and_emit_only_what_is_new_or_changed(changing_site, expected, tmp_path):
    server, base_url = changing_site
    env = {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")}
    all_ids = sorted(a["article_id"] for a in expected["articles"])

    # 1. The first run reads the feeds and the news sitemap and emits every article once.
    before = dict(server.hits)
    first = run_crawl(tmp_path / "1", "-a", f"base_url={base_url}", env=env)
    hits = delta(server, before)
    assert first.returncode == 0, first.log
    assert sorted(first.by_id) == all_ids and len(first.items) == len(all_ids)
    for document in ("/rss.xml", "/sitemaps.xml", "/sitemap-news.xml"):
        assert hits.get(document) == 1, document
    assert stat(first.log, "newscrawl/discovery/feeds/urls") > 0
    assert stat(first.log, "newscrawl/discovery/sitemaps/urls") > 0
    assert all(item["version"] == 1 and item["changed_fields"] == [] for item in first.items)

    # 2. Right after, nothing new: no article page is fetched, no listing is paged.
    before = dict(server.hits)
    second = run_crawl(tmp_path / "2", "-a", f"base_url={base_url}", env=env)
    hits = delta(server, before)
    assert second.returncode == 0, second.log
    assert second.items == []
    assert article_fetches(hits) == {}, hits
    assert deeper_listing_pages(hits) == []

    # 3. Hours later: exactly the new articles and the edited one, each fetched once; still no deeper page,
    #    although every listing's sidebar shows a new article.
    server.edition = "update"
    before = dict(server.hits)
    third = run_crawl(tmp_path / "3", "-a", f"base_url={base_url}", env=env)
    hits = delta(server, before)
    assert third.returncode == 0, third.log
    new = {U.N_RSS, U.N_SITEMAP, U.N_LISTING, U.N_SIDEBAR}
    assert sorted(third.by_id) == sorted(new | {U.EDITED})
    assert article_fetches(hits) == {article_id: 1 for article_id in new | {U.EDITED}}, hits
    assert deeper_listing_pages(hits) == []
    edited = third.by_id[U.EDITED]
    assert edited["is_update"] is True and edited["version"] == 2 and edited["changed_fields"] == ["body"]
    assert edited["modified_at"] == U.EDITED_MODIFIED
    assert edited["body"].endswith("مع إبقائها في 12 مدينة أخرى حتى نهاية الأسبوع.")
    for article_id in new:
        assert third.by_id[article_id]["is_update"] is False and third.by_id[article_id]["version"] == 1

    # 4. And a run after that emits nothing and fetches no article page.
    before = dict(server.hits)
    fourth = run_crawl(tmp_path / "4", "-a", f"base_url={base_url}", env=env)
    hits = delta(server, before)
    assert fourth.returncode == 0, fourth.log
    assert fourth.items == [] and article_fetches(hits) == {}, hits


@pytest.mark.crawl
def test_a_deleted_article_is_reported_once_when_its_revisit_finds_it_gone(changing_site, tmp_path):
    """The deleted article (published 2024-07-15 11:20 Cairo) is due for its one-hour revisit in the second
    run: it answers 404, and a deletion record goes to the feed, once. The crawl's clock is injected."""
    server, base_url = changing_site
    env = {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3")}

    def crawl(name: str, now: str):
        return run_crawl(tmp_path / name, "-a", f"base_url={base_url}", "-s", f"NEWSCRAWL_NOW={now}", env=env)

    first = crawl("1", "2024-07-15T12:00:00+03:00")
    assert first.returncode == 0, first.log
    assert U.GONE in first.by_id

    server.edition = "update"
    second = crawl("2", "2024-07-15T12:30:00+03:00")
    assert second.returncode == 0, second.log
    [deletion] = [item for item in second.items if item.get("deleted")]
    assert deletion == {"url": f"https://www.albawabhnews.com/{U.GONE}", "article_id": U.GONE, "version": 1,
                        "http_status": 404, "detected_at": "2024-07-15T09:30:00+00:00", "deleted": True}
    feed_line = next(line for line in second.feed.read_text(encoding="utf-8").splitlines() if U.GONE in line)
    assert json.loads(feed_line)["deleted"] is True

    before = dict(server.hits)
    third = crawl("3", "2024-07-15T14:00:00+03:00")  # the 1-hour backoff is over: asked again, still gone
    assert third.returncode == 0, third.log
    assert not [item for item in third.items if item.get("deleted")]
    assert delta(server, before).get(f"/{U.GONE}") == 1
