"""The memory benchmark's probe and the parse-cost helpers of the crawl benchmark.

The probe runs inside a real crawl (``python -m benchmarks.memory`` on a 60-article padded site) and must
report what is alive: responses and items during the crawl, none of them at the close. The parse helpers
are checked on hand-written pages: the slice is the head and the article element, nothing else.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from benchmarks.crawl import floor_ratios, parse_concurrent_items, parse_page_kbs
from benchmarks.parse_cost import head_and_article, lxml_slice, measure_item_path, measure_parsers, sample_ids
from tests.conftest import ROOT

PAGE = (b'<!DOCTYPE html><html lang="ar"><head><title>t</title><meta property="og:title" content="x"></head>'
        b'<body><nav><a href="/category/1">menu</a></nav><article class="cont" id="a"><h1>h</h1><p>one</p>'
        b"</article><aside>side</aside><footer>f</footer></body></html>")


def test_the_slice_is_the_head_and_the_article_element():
    sliced = head_and_article(PAGE)
    assert sliced == (b'<!DOCTYPE html><html lang="ar"><head><title>t</title><meta property="og:title" content="x">'
                      b'</head><body><article class="cont" id="a"><h1>h</h1><p>one</p></article></body></html>')
    selector = lxml_slice(PAGE)
    assert selector.css("title::text").get() == "t"
    assert selector.css("article p::text").get() == "one"
    assert not selector.css("nav, aside, footer")


def test_a_page_without_an_article_element_is_parsed_whole():
    page = PAGE.replace(b"<article", b"<div").replace(b"</article>", b"</div>")
    assert head_and_article(page) == page


def test_parse_costs_name_each_parser():
    costs = measure_parsers([PAGE] * 3, rounds=1)
    assert {"lxml whole page", "lxml head + article slice", "newscrawl slice"} <= costs.keys()
    assert all(ms >= 0 for ms in costs.values())


def test_the_item_path_runs_the_pipelines_and_writes_the_feed_lines():
    """Three saved article pages, each given twice: three lines written, the repeats dropped by the validate
    pipeline as duplicates, as in a crawl."""
    paths = sorted((ROOT / "tests" / "site" / "pages" / "articles").glob("*.html"))[:3]
    pages, ids = [path.read_bytes() for path in paths] * 2, [path.stem for path in paths] * 2
    path = measure_item_path(pages, "http://127.0.0.1:8000", ids, rounds=1)
    assert (path["lines"], path["dropped"]) == (3, 3)
    assert path["ms"] > 0


def test_the_floor_spreads_article_costs_over_every_page():
    # 2,000 of 2,110 pages are articles: (0.6 + 0.4) ms an article is 0.948 ms a page; 1.8 / 2.748 = 0.655.
    assert floor_ratios(1.8, {"lexbor whole page": 0.6}, 0.4, 2000, 2110) == {"lexbor whole page": 0.655}
    assert floor_ratios(1.8, {"x": 0.6}, 0.4, 0, 0) == {}


def test_the_sample_spreads_over_the_ids():
    assert sample_ids([str(i) for i in range(10)], 3) == ["0", "3", "6"]
    assert sample_ids(["1", "2"], 100) == ["1", "2"]


def test_option_lists():
    assert parse_page_kbs("19,100") == [None, 100.0]
    assert parse_page_kbs("12") == [None]
    assert parse_concurrent_items("100,16,1") == [100, 16, 1]
    assert parse_concurrent_items(None) == [None]
    with pytest.raises(ValueError):
        parse_concurrent_items("0")


@pytest.mark.crawl
def test_memory_mode_reports_pages_alive_during_the_crawl_and_none_at_close(tmp_path):
    out = tmp_path / "memory.json"
    proc = subprocess.run([sys.executable, "-m", "benchmarks.memory", "--articles", "60", "--page-kb", "100",
                           "--interval", "0.05", "--json", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["items"] == 60 and result["pages"] > 60
    assert len(result["samples"]) >= 2
    assert result["max_objects_during_crawl"]["HtmlResponse"] >= 1  # it saw pages in flight
    close = result["close"]["objects"]
    for name in ("HtmlResponse", "Selector", "HtmlElement", "Article", "Block"):
        assert close[name] == 0, (name, close[name])
    assert result["peak"]["top"] and result["peak"]["traced_kb"] > result["close"]["traced_kb"]
    assert "| objects alive |" in proc.stdout and "| HtmlResponse |" in proc.stdout
