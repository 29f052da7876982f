"""What ``python -m newscrawl.reextract`` accepts as input: only WARC files (not text, random bytes or an empty
file, which warcio would read as ARC), directories of them, and still-open ``.open`` files with a warning."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.test_reextract import BASE, IDS, items, page, records, reextract, write_warc

OPEN_WARNING = "was not closed: the crawl that wrote it was killed; its last record may be cut"


@pytest.mark.parametrize(
    "content",
    [
        b"Lorem ipsum dolor sit amet\nthis is a plain text file\nnot an archive\n",
        os.urandom(4096).replace(b"\x1f\x8b", b"\x00\x00"),
        "<html><body>نص عربي</body></html>\n".encode(),
    ],
    ids=["text", "random", "html"],
)
def test_a_file_that_is_not_a_warc_is_a_read_error(tmp_path, content):
    path = tmp_path / "notes.warc.gz"
    path.write_bytes(content)
    proc = reextract(path, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 1, proc.stderr
    [error] = [line for line in proc.stderr.splitlines() if line.startswith("reextract: error:")]
    assert str(path) in error and "not a WARC" in error
    assert "0 records read" in proc.stderr
    assert (tmp_path / "out.jsonl").read_text() == ""


def test_an_empty_file_is_a_read_error(tmp_path):
    path = tmp_path / "empty.warc.gz"
    path.write_bytes(b"")
    proc = reextract(path, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 1
    [error] = [line for line in proc.stderr.splitlines() if line.startswith("reextract: error:")]
    assert str(path) in error and "empty file" in error


def test_a_non_warc_file_does_not_spoil_a_good_one(tmp_path):
    [good] = write_warc(tmp_path / "good", [records(f"{BASE}/{IDS[0]}", page(IDS[0]))])
    bad = tmp_path / "bad.warc"
    bad.write_text("not a warc\n")
    proc = reextract(bad, good, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 1
    assert list(items(tmp_path / "out.jsonl")) == [IDS[0]]


def test_a_directory_reads_its_warc_files_and_warns_on_open_ones(tmp_path):
    source = tmp_path / "crawl"
    [first] = write_warc(tmp_path / "a", [records(f"{BASE}/{IDS[0]}", page(IDS[0]))])
    [second] = write_warc(tmp_path / "b", [records(f"{BASE}/{IDS[1]}", page(IDS[1]))])
    [third] = write_warc(tmp_path / "c", [records(f"{BASE}/{IDS[2]}", page(IDS[2]))])
    source.mkdir()
    shutil.copy(first, source / "run-00000.warc.gz")
    (source / "run-00001.warc").write_bytes(__import__("gzip").decompress(second.read_bytes()))
    shutil.copy(third, source / "run-00002.warc.gz.open")
    (source / "notes.txt").write_text("not read\n")
    (source / "run.warc.gz.bak").write_text("not read\n")
    proc = reextract(source, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert "from 3 file(s)" in proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if OPEN_WARNING in line]
    assert len(warnings) == 1 and "run-00002.warc.gz.open" in warnings[0]
    assert sorted(items(tmp_path / "out.jsonl")) == sorted(IDS[:3])


def test_an_open_file_given_by_name_is_read_with_the_warning(tmp_path):
    [warc] = write_warc(tmp_path / "a", [records(f"{BASE}/{IDS[0]}", page(IDS[0]))])
    opened = tmp_path / "run-00000.warc.gz.open"
    shutil.copy(warc, opened)
    proc = reextract(opened, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 0, proc.stderr
    assert f"{opened} {OPEN_WARNING}" in proc.stderr
    assert list(items(tmp_path / "out.jsonl")) == [IDS[0]]


def test_a_directory_without_warc_files_is_a_bad_argument(tmp_path):
    (tmp_path / "notes.txt").write_text("not read\n")
    proc = reextract(tmp_path, "-o", tmp_path / "out.jsonl")
    assert proc.returncode == 2
    assert "no WARC files" in proc.stderr and str(tmp_path) in proc.stderr
