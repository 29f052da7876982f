"""``python -m benchmarks.warc`` on a tiny generated site: both sides crawl every article, the WARC side
archives them, and the table row is printed."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.crawl


def test_bench_warc_small_site():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.warc", "--articles", "30", "--runs", "1"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    *json_lines, row = proc.stdout.strip().splitlines()
    result = json.loads("\n".join(line for line in json_lines if not line.startswith(("warc:", "  run "))))
    assert result["items"] == {"off": [30], "on": [30]}
    assert result["exit_codes"] == {"off": [0], "on": [0]}
    assert len(result["pages"]) == 1  # the same pages on both sides
    # A generated article page is a few KB of HTML: compressed, with its request record, well under 50 KB.
    assert 1000 < result["bytes_per_article"] < 50_000
    assert row.startswith("| WARC capture on vs off (30 articles, median of 1) |")
