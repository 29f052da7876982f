"""The freshness benchmark still runs: ``python -m benchmarks.freshness`` at a tiny size, the new crawl only.

No target figure is asserted (a 60-article site in two runs means nothing); what is checked is that the
simulated site publishes, edits and answers conditional requests, and that the runner prints its table and
writes a JSON with every field, in sane ranges.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime

import pytest

from tests.conftest import ROOT

EPOCH = datetime.fromisoformat("2026-11-20T12:00:00+02:00")


def test_simulated_site_publishes_edits_and_answers_304():
    from benchmarks.freshness_site import FEED_ONLY, LISTING_ONLY, Simulation, Site

    site = Site(Simulation(60, EPOCH))
    happened = site.sim.advance(60)
    site.renderer.invalidate()
    assert len(happened["published"]) == 50 and len(happened["edited"]) == 10
    edited = site.sim.by_id[happened["edited"][0]]
    page = site.handle("GET", f"/{edited.id}", {}).decode()
    assert "تحديث رقم 2" in page and 'property="article:modified_time"' in page
    assert f"ETag: {edited.etag}" in page
    assert site.handle("GET", f"/{edited.id}", {"if-none-match": edited.etag}).startswith(b"HTTP/1.1 304")
    assert site.handle("GET", f"/{edited.id}", {"if-none-match": '"stale"'}).startswith(b"HTTP/1.1 200")

    feed_only = next(a for a in site.sim.articles if a.kind == FEED_ONLY)
    listing_only = next(a for a in site.sim.articles if a.kind == LISTING_ONLY)
    listings = b"".join(site.handle("GET", target, {}) for target in
                        ["/", *(f"/category/{sid}" for sid in site.sim.sections)]).decode()
    feeds = b"".join(site.handle("GET", target, {}) for target in
                     ["/rss.xml", "/sitemap-news.xml", *(f"/rss/section/{sid}" for sid in site.sim.sections)]).decode()
    assert f"/{feed_only.id}\"" not in listings and f"/{feed_only.id}<" in feeds
    assert f"/{listing_only.id}\"" in listings and f"/{listing_only.id}<" not in feeds
    assert site.counts["requests/article"] == 3 and site.counts["status/304/article"] == 1


@pytest.mark.crawl
def test_runner_on_a_tiny_site(tmp_path):
    out = tmp_path / "freshness.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.freshness", "--articles", "60", "--runs", "2", "--only", "after",
         "--json", str(out), "--run-timeout", "50"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "| requests per run |" in proc.stdout
    result = json.loads(out.read_text(encoding="utf-8"))
    assert set(result["sides"]) == {"after"}
    after = result["sides"]["after"]
    for key in ("requests_per_run", "article_requests_per_change", "article_fetches_200_per_change",
                "new_emitted_share", "new_by_kind", "new_missed", "edits_caught_share", "edit_delay_min",
                "failed_runs", "initial", "run_list"):
        assert key in after, key
    assert after["runs"] == 2 and len(after["run_list"]) == 3
    assert after["initial"]["backlog"] == 60
    assert after["new_articles"] == 25 and after["edits"] == 5  # 50 and 10 an hour, over 30 simulated minutes
    assert all(run["requests"]["total"] > 0 for run in after["run_list"]), after["failed_runs"]
    assert 0 <= after["new_emitted_share"] <= 1
    assert set(after["new_by_kind"]) == {"both", "feed_only", "listing_only"}
