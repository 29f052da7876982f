"""The benchmark runner still works: ``python -m benchmarks`` on a small generated site, one run.

Nothing here asserts a timing; the figures of a 50-article site mean nothing. What is checked is that the
generated site links every article, that both spiders fetch the same pages and the full crawl emits every
article, and that the runner prints its table and writes its JSON. The peers (trafilatura, newspaper4k)
are benchmark-only dependencies: without them the extraction benchmark runs newscrawl alone.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

ARTICLES = 50


def test_generated_site_links_every_article_and_nothing_else():
    from benchmarks.site import build_site

    site = build_site(ARTICLES)
    listed = set()
    for target in site.listing_targets:
        listed |= set(re.findall(r'<div class="item-card">\s*<a href="(?:https://www\.albawabhnews\.com)?/(\d+)"',
                                 site.pages[target][1].decode()))
    assert listed == set(site.article_ids)
    for article_id in site.article_ids:
        html = site.pages[f"/{article_id}"][1].decode()
        body = html.split('<div class="paragraph-list">', 1)[1].split("</article>", 1)[0]
        linked = re.findall(r'href="(?:https?://(?:www\.)?albawabhnews\.com)?/(\d{6,})"', body)
        assert set(linked) <= set(site.article_ids)


@pytest.mark.crawl
def test_runner_on_a_small_site(tmp_path):
    out = tmp_path / "latest.json"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--sizes", str(ARTICLES), "--runs", "1", "--rounds", "1",
         "--padded-kb", "100", "--page-kb", "19,100", "--only", "crawl,extraction", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))

    today, padded = result["crawl"]["sizes"]
    assert (today["page_kb"], padded["page_kb"]) == (19, 100)
    assert 95 <= padded["article_page_kb"] <= 105 and today["article_page_kb"] < 25
    for size in (today, padded):
        assert size["articles"] == ARTICLES
        assert size["items"] == {"full": [ARTICLES], "bare": [ARTICLES]}
        assert len(size["pages"]) == 1 and size["pages"][0] > ARTICLES  # the same pages, listings included
        assert size["complete"]
    assert padded["pages"] == today["pages"]  # the chrome sends no crawl anywhere new
    # Both spiders run with the project's own stats collector (the benchmark only adds its writer to it).
    from newscrawl import settings

    assert {run["stats_class"] for size in (today, padded) for run in size["run_list"]} == {settings.STATS_CLASS}

    tools = result["extraction"]["tools"]
    assert result["extraction"]["scored_pages"] == result["extraction"]["pages"]
    assert tools["newscrawl"]["pages_leaking_read_also"] == 0
    assert tools["newscrawl"]["char_f1_min"] > 0.99
    assert 95 <= result["extraction"]["padded"]["mean_page_kb"] <= 105
    padded_tools = result["extraction"]["padded"]["tools"]
    assert padded_tools["newscrawl"]["char_f1_min"] > 0.99  # the chrome changes nothing the crawl extracts
    assert {"lxml parse only", "newscrawl extraction only"} <= padded_tools.keys()

    assert "| target | measured | wanted | met |" in proc.stdout
    crawl_rows = [row["target"] for row in result["targets"] if row["target"].startswith("crawl throughput")]
    assert len(crawl_rows) == 2 and all(f"{ARTICLES} articles" in row for row in crawl_rows)
    assert "| page KB | articles |" in proc.stdout
