"""Raw capture end to end: the real ``scrapy crawl albawabh`` with NEWSCRAWL_WARC_DIR against the offline copy,
its WARC files read back with warcio, and ``python -m newscrawl.reextract`` run on them with the site stopped.

The crawl gets its own server (not the session's), so that the re-extraction test can stop it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from newscrawl.items import exported_fields
from tests.conftest import FIXTURES, ROOT, run_crawl

EXPECTED = json.loads((FIXTURES / "albawabh" / "expected.json").read_text(encoding="utf-8"))
ARTICLE_IDS = sorted(article["article_id"] for article in EXPECTED["articles"])
FILE_NAME = re.compile(r"^albawabh-\d{8}T\d{6}Z-(\d{5})\.warc\.gz$")
ARTICLE_PATH = re.compile(r"^/\d{6,}$")

pytestmark = pytest.mark.crawl


def read_records(path: Path) -> list[dict]:
    """Every record of a WARC file, read with warcio with its digests checked."""
    records = []
    with path.open("rb") as file:
        for record in ArchiveIterator(file, check_digests=True):
            payload = record.raw_stream.read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            records.append({
                "type": record.rec_type,
                "url": record.rec_headers.get_header("WARC-Target-URI"),
                "headers": record.rec_headers,
                "http": record.http_headers,
                "payload": payload,
            })
    return records


def warc_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.warc.gz"))


class Crawl:
    def __init__(self, tmp: Path, faults=None, args=(), env=None):
        from tests.site.server import serve

        self.server, _, self.base_url = serve(port=0, faults=faults)
        self.warc_dir = tmp / "warc"
        self.result = run_crawl(tmp, "-a", f"base_url={self.base_url}", *args,
                                env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_WARC_DIR": str(self.warc_dir), **(env or {})})
        self.hits = dict(self.server.hits)
        self.records = [record for path in warc_files(self.warc_dir) for record in read_records(path)]

    def path(self, url: str) -> str:
        return url[len(self.base_url):] or "/"

    def responses(self) -> list[dict]:
        return [record for record in self.records if record["type"] == "response"]

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    crawl = Crawl(tmp_path_factory.mktemp("warc"))
    yield crawl
    crawl.stop()


def test_the_crawl_succeeds(crawl):
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    assert sorted(item["article_id"] for item in crawl.result.items) == ARTICLE_IDS


def test_files_are_named_and_closed(crawl):
    names = [path.name for path in crawl.warc_dir.iterdir()]
    assert names, "no WARC file written"
    assert all(FILE_NAME.match(name) for name in names), names  # no .open file left behind
    assert [FILE_NAME.match(name).group(1) for name in sorted(names)] == [f"{n:05d}" for n in range(len(names))]


def test_warcinfo_names_the_crawler_and_run(crawl):
    [path] = warc_files(crawl.warc_dir)
    first = read_records(path)[0]
    assert first["type"] == "warcinfo"
    assert first["headers"].get_header("WARC-Filename") == path.name
    fields = dict(line.split(": ", 1) for line in first["payload"].decode().splitlines())
    assert fields["spider"] == "albawabh"
    assert fields["base-url"] == crawl.base_url
    assert fields["robots"] == "obey"
    assert re.match(r"newscrawl/\S+ Scrapy/2\.19\.\d+ warcio/1\.8\.\d+$", fields["software"])
    assert path.name.startswith("albawabh-" + fields["run-start"].replace("-", "").replace(":", ""))


def test_every_download_is_archived_once(crawl):
    """As many response records per URL as the server answered requests for it: robots.txt, feeds,
    sitemaps, listings, articles and the 404s."""
    archived: dict[str, int] = {}
    for record in crawl.responses():
        archived[crawl.path(record["url"])] = archived.get(crawl.path(record["url"]), 0) + 1
    assert archived == crawl.hits
    assert "/robots.txt" in archived and "/rss.xml" in archived and "/sitemaps.xml" in archived
    statuses = {int(record["http"].get_statuscode()) for record in crawl.responses()}
    assert {200, 404} <= statuses


def test_each_response_has_its_request(crawl):
    requests = {record["headers"].get_header("WARC-Concurrent-To"): record for record in crawl.records
                if record["type"] == "request"}
    for response in crawl.responses():
        request = requests[response["headers"].get_header("WARC-Record-ID")]
        assert request["url"] == response["url"]
        assert request["http"].protocol == "GET"
        assert request["http"].get_header("User-Agent").startswith("newscrawl/")


def test_article_payloads_are_the_bytes_the_server_sends(crawl):
    articles = [record for record in crawl.responses() if ARTICLE_PATH.match(crawl.path(record["url"]))
                and record["http"].get_statuscode() == "200"]
    assert len(articles) == len(ARTICLE_IDS)
    for record in articles:
        with urllib.request.urlopen(record["url"], timeout=10) as answer:  # noqa: S310 (loopback)
            sent = answer.read()
        assert record["payload"] == sent, record["url"]
        assert record["http"].get_header("Content-Length") == str(len(sent))


def test_reextraction_with_the_site_stopped_writes_the_crawls_items(crawl, tmp_path):
    crawl.stop()
    output = tmp_path / "rebuilt.jsonl"
    proc = subprocess.run([sys.executable, "-m", "newscrawl.reextract", *map(str, warc_files(crawl.warc_dir)),
                           "-o", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert f"{len(ARTICLE_IDS)} items emitted" in proc.stderr
    rebuilt = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    crawled = {item["article_id"]: item for item in crawl.result.items}
    assert sorted(item["article_id"] for item in rebuilt) == ARTICLE_IDS
    dates = {record["url"]: record["headers"].get_header("WARC-Date") for record in crawl.responses()}
    for item in rebuilt:
        original = crawled[item["article_id"]]
        assert list(item) == list(original) == [name for name in exported_fields() if name in item]
        for name in item:
            if name != "crawled_at":
                assert item[name] == original[name], (item["article_id"], name)
        url = f"{crawl.base_url}/{item['article_id']}"
        warc_date = datetime.fromisoformat(dates[url].replace("Z", "+00:00"))
        assert item["crawled_at"] == warc_date.astimezone(UTC).replace(microsecond=0).isoformat()
    assert "البوابة نيوز".encode() in output.read_bytes()  # Arabic unescaped


def test_rotation_keeps_every_file_under_the_limit(tmp_path):
    limit = 60_000
    crawl = Crawl(tmp_path, env={"NEWSCRAWL_WARC_MAX_BYTES": str(limit)})
    crawl.stop()
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    files = warc_files(crawl.warc_dir)
    assert len(files) >= 3  # the crawl archives ~200 KB
    assert [FILE_NAME.match(path.name).group(1) for path in files] == [f"{n:05d}" for n in range(len(files))]
    for path in files:
        records = read_records(path)
        assert records[0]["type"] == "warcinfo"
        assert records[0]["headers"].get_header("WARC-Filename") == path.name
        downloads = sum(record["type"] == "response" for record in records)
        assert path.stat().st_size <= limit or downloads == 1, path
    archived: dict[str, int] = {}
    for record in crawl.responses():
        archived[crawl.path(record["url"])] = archived.get(crawl.path(record["url"]), 0) + 1
    assert archived == crawl.hits


def test_responses_cut_short_are_never_archived_as_complete(tmp_path):
    """A body cut short with a Content-Length (data loss) fails in the downloader and is not archived; one
    ended by the server closing without a Content-Length is archived with WARC-Truncated. Both are
    retried and archived complete."""
    crawl = Crawl(tmp_path, faults=["truncate:/4911955", "truncate_chunked:/4911502", "truncate_unsized:/4912010"])
    page = {article_id: (ROOT / "tests/site/pages/articles" / f"{article_id}.html").read_bytes()
            for article_id in ("4911955", "4911502", "4912010")}
    crawl.stop()
    assert crawl.result.returncode == 0, crawl.result.log[-3000:]
    for article_id in ("4911955", "4911502"):
        [record] = [r for r in crawl.responses() if crawl.path(r["url"]) == f"/{article_id}"]
        assert crawl.hits[f"/{article_id}"] == 2
        assert record["headers"].get_header("WARC-Truncated") is None
        assert record["payload"] == page[article_id]
    cut, whole = [r for r in crawl.responses() if crawl.path(r["url"]) == "/4912010"]
    assert cut["headers"].get_header("WARC-Truncated") == "disconnect"
    assert len(cut["payload"]) < len(page["4912010"])
    assert whole["headers"].get_header("WARC-Truncated") is None
    assert whole["payload"] == page["4912010"]
    output = tmp_path / "rebuilt.jsonl"
    proc = subprocess.run([sys.executable, "-m", "newscrawl.reextract", *map(str, warc_files(crawl.warc_dir)),
                           "-o", str(output)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "1 truncated" in proc.stderr
    rebuilt = {json.loads(line)["article_id"]: json.loads(line) for line in output.read_text().splitlines()}
    crawled = {item["article_id"]: item for item in crawl.result.items}
    assert rebuilt["4912010"]["body"] == crawled["4912010"]["body"]


def test_a_file_is_open_under_another_name_until_closed(tmp_path):
    from newscrawl.warc.files import WarcFiles

    files = WarcFiles(tmp_path, "albawabh", "20261205T100000Z", 10**9, lambda: {"spider": "albawabh"})
    files.write(b"")  # any bytes: the file is opened with its warcinfo record
    assert [path.name for path in tmp_path.iterdir()] == ["albawabh-20261205T100000Z-00000.warc.gz.open"]
    closed = files.close()
    assert [path.name for path in tmp_path.iterdir()] == ["albawabh-20261205T100000Z-00000.warc.gz"] == [closed.name]
    assert read_records(closed)[0]["type"] == "warcinfo"
    assert files.close() is None


def test_a_taken_name_is_not_overwritten(tmp_path):
    from newscrawl.warc.files import WarcFiles

    taken = tmp_path / "albawabh-20261205T100000Z-00000.warc.gz"
    taken.write_bytes(b"another worker's file")
    files = WarcFiles(tmp_path, "albawabh", "20261205T100000Z", 10**9, lambda: {})
    files.write(b"")
    assert files.close().name == "albawabh-20261205T100000Z-00001.warc.gz"
    assert taken.read_bytes() == b"another worker's file"
