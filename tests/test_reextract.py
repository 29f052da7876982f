"""``python -m newscrawl.reextract`` on WARC files written by the capture's own record builder (no crawl, no
network: the archived URLs point at a loopback port nothing listens on). Expected values come from
tests/fixtures/albawabh/expected.json, written by hand from the pages."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from newscrawl.warc.files import WarcFiles
from newscrawl.warc.reader import ReadError, scan
from newscrawl.warc.records import download_records
from tests.conftest import FIXTURES, ROOT
from tests.servers import closed_port

EXPECTED = {a["article_id"]: a for a in json.loads((FIXTURES / "albawabh" / "expected.json").read_text())["articles"]}
PAGES = ROOT / "tests" / "site" / "pages" / "articles"
BASE = f"http://127.0.0.1:{closed_port()}"
IDS = ["4648213", "4912345", "4911207", "4912010"]


def page(article_id: str) -> bytes:
    return (PAGES / f"{article_id}.html").read_bytes()


def records(url: str, body: bytes, *, status: int = 200, date: str = "2026-12-05T10:00:00.000000Z",
            encoding: str | None = None, flags=None) -> bytes:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    if encoding:
        headers["Content-Encoding"] = encoding
    headers["Content-Length"] = str(len(body))
    request = Request(url)
    cls = HtmlResponse if not encoding else Response
    response = cls(url=url, status=status, headers=headers, body=body, request=request, flags=flags or [])
    return download_records(request, response, date)


def write_warc(directory: Path, downloads: list[bytes], max_bytes: int = 10**9) -> list[Path]:
    files = WarcFiles(directory, "albawabh", "20261205T100000Z", max_bytes, lambda: {"spider": "albawabh"})
    closed = [path for data in downloads if (path := files.write(data))]
    return [*closed, files.close()]


def reextract(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newscrawl.reextract", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def items(path: Path) -> dict[str, dict]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {item["article_id"]: item for item in map(json.loads, lines)}


def test_help():
    proc = reextract("--help")
    assert proc.returncode == 0
    assert "WARC" in proc.stdout and "-o" in proc.stdout and "WARC-Date" in proc.stdout


def test_a_missing_file_is_a_bad_argument(tmp_path):
    proc = reextract(tmp_path / "nothing.warc.gz", "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 2
    assert "no such file" in proc.stderr


def test_articles_only_each_field_from_the_page(tmp_path):
    downloads = [records(f"{BASE}/robots.txt", b"User-agent: *\nDisallow: /admin/\n"),
                 records(f"{BASE}/category/72", b"<html><body><div class='cont'></div></body></html>"),
                 records(f"{BASE}/4999999", b"<html>not here</html>", status=404),
                 *(records(f"{BASE}/{article_id}", page(article_id)) for article_id in IDS)]
    [warc] = write_warc(tmp_path, downloads)
    proc = reextract(warc, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert f"{len(IDS)} items emitted, 0 dropped" in proc.stderr
    assert "1 not 200" in proc.stderr
    got = items(tmp_path / "out.jsonl")
    assert sorted(got) == sorted(IDS)
    for article_id in IDS:
        item, expected = got[article_id], EXPECTED[article_id]
        assert item["url"] == f"https://www.albawabhnews.com/{article_id}"
        for name in ("title", "section", "author", "published_at", "tags", "images"):
            assert item[name] == expected[name], (article_id, name)
        assert item["crawled_at"] == "2026-12-05T10:00:00+00:00"
        assert item["is_update"] is False and item["version"] == 1


def test_a_gzip_encoded_page_is_archived_compressed_and_read_decompressed(tmp_path):
    compressed = gzip.compress(page("4648213"))
    [warc] = write_warc(tmp_path, [records(f"{BASE}/4648213", compressed, encoding="gzip")])
    [capture] = [c for c in scan(warc, want_payload=lambda c: True) if c.rec_type == "response"]
    assert capture.payload == compressed
    assert ("Content-Encoding", "gzip") in capture.http_headers
    proc = reextract(warc, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    item = items(tmp_path / "out.jsonl")["4648213"]
    assert item["title"] == EXPECTED["4648213"]["title"]
    assert item["body"].startswith(EXPECTED["4648213"]["body_first"])


def test_the_latest_capture_of_an_article_wins(tmp_path):
    original = page("4648213")
    title = EXPECTED["4648213"]["title"].encode()
    edited = original.replace(title, "عنوان معدل بعد التحديث".encode())
    assert edited != original
    # The later capture comes first in the file: WARC-Date decides, not the order.
    [warc] = write_warc(tmp_path, [records(f"{BASE}/4648213", edited, date="2026-12-06T08:00:00.000000Z"),
                                   records(f"{BASE}/4648213", original, date="2026-12-05T08:00:00.000000Z")])
    proc = reextract(warc, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert "1 superseded" in proc.stderr
    got = items(tmp_path / "out.jsonl")
    assert list(got) == ["4648213"]
    assert got["4648213"]["title"] == "عنوان معدل بعد التحديث"
    assert got["4648213"]["crawled_at"] == "2026-12-06T08:00:00+00:00"


def test_a_truncated_capture_is_not_read(tmp_path):
    body = page("4648213")
    [warc] = write_warc(tmp_path, [records(f"{BASE}/4648213", body[: len(body) // 2], flags=["partial"])])
    proc = reextract(warc, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert "1 truncated" in proc.stderr and "0 items emitted" in proc.stderr


@pytest.fixture
def archive(tmp_path) -> Path:
    """Four articles, one WARC file; returns the file and the offsets of its records."""
    [warc] = write_warc(tmp_path, [records(f"{BASE}/{article_id}", page(article_id)) for article_id in IDS])
    return warc


def offsets(warc: Path) -> list[tuple[int, str, str]]:
    return [(c.offset, c.rec_type, c.url) for c in scan(warc)]


def test_a_flipped_byte_costs_one_record_and_fails_the_run(archive, tmp_path):
    found = offsets(archive)
    assert not any(isinstance(c, ReadError) for c in scan(archive))
    # The response record of the second article: damage its compressed bytes.
    start, _, url = [entry for entry in found if entry[1] == "response"][1]
    end = next(offset for offset, _, _ in found if offset > start)
    data = bytearray(archive.read_bytes())
    for position in range(start + 200, start + 240):
        data[position] ^= 0x5A
    damaged = tmp_path / "damaged.warc.gz"
    damaged.write_bytes(bytes(data))
    assert end > start + 240
    proc = reextract(damaged, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 1
    [error] = [line for line in proc.stderr.splitlines() if line.startswith("reextract: error:")]
    assert f"offset {start}" in error and str(damaged) in error
    got = items(tmp_path / "out.jsonl")
    lost = url.rsplit("/", 1)[1]
    assert sorted(got) == sorted(set(IDS) - {lost})  # the records after the damage are still read


def test_a_cut_file_is_read_up_to_the_cut(archive, tmp_path):
    found = offsets(archive)
    last_response = [entry for entry in found if entry[1] == "response"][-1][0]
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(archive.read_bytes()[: last_response + 3000])
    proc = reextract(cut, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 1
    assert f"offset {last_response}: the record is cut short" in proc.stderr
    assert sorted(items(tmp_path / "out.jsonl")) == sorted(IDS[:-1])
