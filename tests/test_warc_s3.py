"""WARC files copied to S3 (NEWSCRAWL_WARC_URI) on moto's S3 API server, and what a failed upload does."""

from __future__ import annotations

import uuid

import pytest

from newscrawl.warc.upload import S3Target, WarcSettingsError
from tests.conftest import run_crawl
from tests.servers import moto_s3, without_aws_env  # noqa: F401 (fixture)

pytestmark = pytest.mark.crawl


@pytest.mark.parametrize(("uri", "bucket", "prefix"), [
    ("s3://archive/warc/", "archive", "warc/"),
    ("s3://archive/warc", "archive", "warc/"),
    ("s3://archive", "archive", ""),
    ("s3://archive/a/b/", "archive", "a/b/"),
])
def test_target(uri, bucket, prefix):
    assert S3Target.parse(uri) == S3Target(bucket, prefix)


@pytest.mark.parametrize(("uri", "message"), [
    ("s3://AKIAEXAMPLE:wJalrXUtnFEMI@archive/warc/", "must not hold credentials"),
    ("gs://archive/warc/", "must be s3://"),
    ("warc/", "must be s3://"),
    ("s3:///warc/", "must be s3://"),
])
def test_unusable_uris(uri, message):
    with pytest.raises(WarcSettingsError, match=message) as raised:
        S3Target.parse(uri)
    assert "wJalrXUtnFEMI" not in str(raised.value)


def crawl(site, tmp_path, env):
    return run_crawl(tmp_path, "-a", f"base_url={site.base_url}",
                     env={**without_aws_env(), "NEWSCRAWL_STATE": "off",
                          "NEWSCRAWL_WARC_DIR": str(tmp_path / "warc"), **env})


def test_every_finished_file_is_uploaded(site, tmp_path, moto_s3):  # noqa: F811
    bucket = f"warc-{uuid.uuid4().hex[:8]}"
    moto_s3.create_bucket(bucket)
    # Small files: some are uploaded at rotation, during the crawl, the last one when the spider closes.
    result = crawl(site, tmp_path, {**moto_s3.env(), "NEWSCRAWL_WARC_URI": f"s3://{bucket}/archive/",
                                    "NEWSCRAWL_WARC_MAX_BYTES": "80000"})
    assert result.returncode == 0, result.log[-3000:]
    local = {path.name: path.read_bytes() for path in (tmp_path / "warc").iterdir()}
    assert len(local) >= 2
    objects = moto_s3.objects(bucket)
    assert objects == {f"archive/{name}": data for name, data in local.items()}
    assert result.log.count("WARC file uploaded: s3://") == len(local)


def test_a_failed_upload_fails_the_run_and_keeps_the_file(site, tmp_path, moto_s3):  # noqa: F811
    missing = f"missing-{uuid.uuid4().hex[:8]}"  # never created
    result = crawl(site, tmp_path, {**moto_s3.env(), "NEWSCRAWL_WARC_URI": f"s3://{missing}/archive/"})
    assert result.returncode == 1, result.log[-3000:]
    [path] = (tmp_path / "warc").iterdir()
    assert path.stat().st_size > 100_000  # the whole crawl, kept
    [line] = [line for line in result.log.splitlines()
              if "[newscrawl.warc.middleware]" in line and "failed to upload" in line]
    assert str(path) in line and f"s3://{missing}/archive/{path.name}" in line
    assert "1 WARC file(s) failed to upload (kept locally)" in result.log
    assert result.items, "the feed is still written"


@pytest.mark.parametrize(("values", "message"), [
    ({"NEWSCRAWL_WARC_URI": "s3://archive/warc/"}, "needs NEWSCRAWL_WARC_DIR"),
    ({"NEWSCRAWL_WARC_DIR": "warc", "NEWSCRAWL_WARC_MAX_BYTES": 0}, "must be a positive number"),
    ({"NEWSCRAWL_WARC_DIR": "warc", "NEWSCRAWL_WARC_URI": "https://archive/warc/"}, "must be s3://"),
])
def test_unusable_settings(values, message):
    from scrapy.settings import Settings

    from newscrawl.warc.upload import check_warc_settings

    with pytest.raises(WarcSettingsError, match=message):
        check_warc_settings(Settings(values))


@pytest.mark.parametrize("values", [{}, {"NEWSCRAWL_WARC_DIR": "warc"},
                                    {"NEWSCRAWL_WARC_DIR": "warc", "NEWSCRAWL_WARC_URI": "s3://archive/warc/"}])
def test_usable_settings(values):
    from scrapy.settings import Settings

    from newscrawl.warc.upload import check_warc_settings

    check_warc_settings(Settings(values))
