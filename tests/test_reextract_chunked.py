"""Re-extraction of WARC files written by other tools (warcio's WARCWriter here) that keep
``Transfer-Encoding: chunked`` in the stored HTTP headers with the chunked payload as it came off the wire.
Expected values come from tests/fixtures/albawabh/expected.json, written by hand from the pages."""

from __future__ import annotations

import gzip
import io

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tests.test_reextract import BASE, EXPECTED, items, page, reextract

ARTICLE = "4648213"
# warcio's writer leaves its digest spool file to the garbage collector
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


def chunked(data: bytes, size: int = 1000) -> bytes:
    """HTTP/1.1 chunked transfer coding, hex sizes as servers write them."""
    parts = [b"%x\r\n%s\r\n" % (len(data[i : i + size]), data[i : i + size]) for i in range(0, len(data), size)]
    return b"".join(parts) + b"0\r\n\r\n"


def other_tool_warc(path, payload: bytes, headers: list[tuple[str, str]]) -> None:
    with path.open("wb") as file:
        writer = WARCWriter(file, gzip=True)
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            f"{BASE}/{ARTICLE}",
            "response",
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_headers_dict={"WARC-Date": "2026-12-05T10:00:00Z"},
        )
        writer.write_record(record)


def assert_the_article(path):
    got = items(path)
    assert list(got) == [ARTICLE]
    item, expected = got[ARTICLE], EXPECTED[ARTICLE]
    for name in ("title", "section", "author", "published_at", "tags", "images"):
        assert item[name] == expected[name], name
    assert item["body"].startswith(expected["body_first"])
    assert "\r\n3e8\r\n" not in item["body"] and "3e8" not in item["body"][:20]
    assert item["crawled_at"] == "2026-12-05T10:00:00+00:00"


HTML = ("Content-Type", "text/html; charset=utf-8")
CHUNKED = ("Transfer-Encoding", "chunked")


@pytest.mark.parametrize(
    ("payload", "headers"),
    [
        (chunked(page(ARTICLE)), [HTML, CHUNKED]),
        (chunked(gzip.compress(page(ARTICLE))), [HTML, ("Content-Encoding", "gzip"), CHUNKED]),
        # the header kept but the body stored de-chunked (some tools do): read as it is
        (page(ARTICLE), [HTML, CHUNKED]),
        (gzip.compress(page(ARTICLE)), [HTML, ("Content-Encoding", "gzip"), CHUNKED]),
    ],
    ids=["chunked", "gzip+chunked", "header-only", "gzip+header-only"],
)
def test_a_chunked_payload_is_dechunked(tmp_path, payload, headers):
    warc = tmp_path / "other.warc.gz"
    other_tool_warc(warc, payload, headers)
    proc = reextract(warc, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert "1 items emitted" in proc.stderr, proc.stderr
    assert_the_article(tmp_path / "out.jsonl")
