"""Raw capture of pages sent gzip-compressed and chunked: the offline copy served by a handler that answers
every 200 with ``Content-Encoding: gzip`` and ``Transfer-Encoding: chunked`` when the client accepts gzip.

The archive must hold the compressed bytes the server sent (not Scrapy's decompressed body), without the
``Transfer-Encoding`` header (Scrapy has undone the chunking), and re-extraction must decompress them.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading

import pytest

from tests.conftest import ROOT, run_crawl
from tests.site.server import SiteHandler, SiteServer
from tests.test_warc import ARTICLE_IDS, read_records, warc_files

pytestmark = pytest.mark.crawl
CHUNK = 1000


class GzipChunkedHandler(SiteHandler):
    def _send(self, status, content_type, body, send_body, headers=None):
        if status != 200 or "gzip" not in self.headers.get("Accept-Encoding", ""):
            return super()._send(status, content_type, body, send_body, headers)
        compressed = gzip.compress(body, mtime=0)
        self.server.sent[self._target()] = compressed
        self._send_head(status, content_type, {**(headers or {}), "Content-Encoding": "gzip",
                                               "Transfer-Encoding": "chunked"})
        if send_body:
            for start in range(0, len(compressed), CHUNK):
                piece = compressed[start:start + CHUNK]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        return None


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("encoded")
    server = SiteServer(("127.0.0.1", 0))
    server.RequestHandlerClass = GzipChunkedHandler
    server.sent = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        result = run_crawl(tmp, "-a", f"base_url={server.base_url}",
                           env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_WARC_DIR": str(tmp / "warc")})
    finally:
        server.shutdown()
        server.server_close()
    result.server = server
    result.warc_dir = tmp / "warc"
    return result


def test_the_crawl_reads_the_compressed_pages(crawl):
    assert crawl.returncode == 0, crawl.log[-3000:]
    assert sorted(item["article_id"] for item in crawl.items) == ARTICLE_IDS


def test_the_archive_holds_the_compressed_bytes_sent(crawl):
    base = crawl.server.base_url
    responses = [r for path in warc_files(crawl.warc_dir) for r in read_records(path) if r["type"] == "response"]
    encoded = [r for r in responses if r["http"].get_header("Content-Encoding") == "gzip"]
    assert len(encoded) == len(crawl.server.sent)  # every compressed answer archived
    for record in encoded:
        target = record["url"][len(base):] or "/"
        assert record["payload"] == crawl.server.sent[target], target
        assert record["http"].get_header("Transfer-Encoding") is None
    articles = {r["url"][len(base) + 1:] for r in encoded}
    assert set(ARTICLE_IDS) <= articles


def test_reextraction_decompresses(crawl, tmp_path):
    output = tmp_path / "rebuilt.jsonl"
    proc = subprocess.run([sys.executable, "-m", "newscrawl.reextract", *map(str, warc_files(crawl.warc_dir)),
                           "-o", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    rebuilt = {item["article_id"]: item for item in map(json.loads, output.read_text().splitlines())}
    for item in crawl.items:
        again = rebuilt[item["article_id"]]
        assert {k: v for k, v in again.items() if k != "crawled_at"} == {
            k: v for k, v in item.items() if k != "crawled_at"}
