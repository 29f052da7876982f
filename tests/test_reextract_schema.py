"""``NEWSCRAWL_ITEM_SCHEMA`` applies to re-extraction as to the crawl: the real ``scrapy crawl albawabh`` with
NEWSCRAWL_WARC_DIR and the zyte shape against the offline copy, then ``python -m newscrawl.reextract`` on its
WARC files with the site stopped; the rebuilt lines equal the crawl's, but for when they were downloaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from zyte_common_items import Article

from tests.conftest import ROOT
from tests.test_warc import ARTICLE_IDS, Crawl, warc_files

pytestmark = pytest.mark.crawl


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    crawl = Crawl(tmp_path_factory.mktemp("zyte"), env={"NEWSCRAWL_ITEM_SCHEMA": "zyte"})
    crawl.stop()
    yield crawl


def reextract(crawl, output, schema):
    env = {**os.environ, "NEWSCRAWL_ITEM_SCHEMA": schema}
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.reextract", str(crawl.warc_dir), "-o", str(output)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_zyte_lines_equal_the_crawls_but_for_the_download_date(crawl, tmp_path):
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    assert warc_files(crawl.warc_dir)
    output = tmp_path / "rebuilt.jsonl"
    proc = reextract(crawl, output, "zyte")
    assert proc.returncode == 0, proc.stderr
    rebuilt = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    crawled = {line["url"]: line for line in crawl.result.items}
    assert len(crawled) == len(ARTICLE_IDS) and "article_id" not in next(iter(crawled.values()))
    assert sorted(line["url"] for line in rebuilt) == sorted(crawled)
    for line in rebuilt:
        Article.from_dict(line)  # a valid zyte Article
        original = crawled[line["url"]]
        assert list(line) == list(original)
        for name in line:
            if name == "metadata":
                ours = {k: v for k, v in line[name].items() if k != "dateDownloaded"}
                assert ours == {k: v for k, v in original[name].items() if k != "dateDownloaded"}
                assert line[name]["dateDownloaded"].endswith("Z")
            else:
                assert line[name] == original[name], (line["url"], name)
    assert "البوابة نيوز".encode() in output.read_bytes()  # Arabic unescaped


def test_the_default_shape_when_unset(crawl, tmp_path):
    output = tmp_path / "rebuilt.jsonl"
    proc = reextract(crawl, output, "default")
    assert proc.returncode == 0, proc.stderr
    rebuilt = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert sorted(line["article_id"] for line in rebuilt) == ARTICLE_IDS


def test_an_unknown_schema_fails(crawl, tmp_path):
    proc = reextract(crawl, tmp_path / "rebuilt.jsonl", "rss")
    assert proc.returncode == 2  # bad configuration, before any file is read
    assert "NEWSCRAWL_ITEM_SCHEMA='rss'" in proc.stderr and "Traceback" not in proc.stderr
