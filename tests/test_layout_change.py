"""A copy of the site whose article layout changed must fail the run, naming the failing figures.

The offline site is served with ``mutate=`` (tests/site/server.py): every article page has its body
class renamed and all its JSON-LD removed, as a redesign would. Two renames:

- ``layout``: ``paragraph-list`` -> ``article-text``, a class none of the extractor's body selectors
  knows: no body is found, every article is dropped.
- ``layout-fallback``: ``paragraph-list`` -> ``article-body``, a class the extractor knows as a fallback:
  every article still comes out, but only through the fallback, which is the first sign of a redesign.

Either way the run must exit 1 with a ``health check failed:`` line that names the body and gives its
figures (a share and the counts behind it). With JSON-LD removed alone, layered extraction must absorb
the change: every article comes out complete and the run succeeds.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import run_crawl

pytestmark = pytest.mark.crawl

# "health check failed: <what> ... <n>% ... (<counts>)": a share and the figures behind it.
FAILED_CHECK = re.compile(r"health check failed: (?P<check>.*\d+%.*\(.*\d+.*\).*)$", re.MULTILINE)


def crawl_mutated(mutation: str, tmp_path):
    from tests.site.server import serve

    server, _, base_url = serve(mutate=mutation)
    try:
        return run_crawl(tmp_path, "-a", f"base_url={base_url}", env={"NEWSCRAWL_STATE": "off"})
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("mutation", ["layout", "layout-fallback"])
def test_a_changed_article_layout_fails_the_run_naming_the_figures(mutation, tmp_path):
    result = crawl_mutated(mutation, tmp_path)
    checks = [m.group("check") for m in FAILED_CHECK.finditer(result.log)]
    assert result.returncode == 1, result.log[-3000:]
    assert any("body" in check for check in checks), checks
    summary = next(line for line in result.log.splitlines() if "run failed: " in line)
    assert "health check failed" in summary and "body" in summary, summary


def test_json_ld_removed_alone_is_absorbed_by_the_other_layers(tmp_path, expected):
    result = crawl_mutated("no-jsonld", tmp_path)
    assert result.returncode == 0, [line for line in result.log.splitlines() if "health check failed" in line]
    assert sorted(result.by_id) == sorted(a["article_id"] for a in expected["articles"])
    for item in result.items:
        for field in ("title", "body", "published_at", "author", "section"):
            assert item[field], (item["article_id"], field)
