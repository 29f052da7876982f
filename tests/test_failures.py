"""A failed run ends with one readable cause and no traceback at INFO; the traceback stays at DEBUG.

Real ``scrapy crawl`` runs against what fails: a name that does not resolve (``.invalid`` fails at once,
no network needed), a loopback port nobody listens on, a server that accepts and never answers, HTTPS
spoken to a plain HTTP server, moto's S3 server without credentials or without the bucket, and a stand-in
S3 endpoint that answers 403 AccessDenied. Plus the pure :func:`newscrawl.failures.describe`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newscrawl.failures import describe
from tests.conftest import ROOT
from tests.servers import LOOPBACK, closed_port, moto_s3, without_aws_env  # noqa: F401 (fixture)

QUICK = ("-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False")


def crawl(tmp_path: Path, *args: str, level: str = "INFO", **env: str) -> subprocess.CompletedProcess:
    """``scrapy crawl albawabh`` as a user runs it, at the log level of NEWSCRAWL_LOG_LEVEL."""
    full_env = {**without_aws_env(), "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"),
                "NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), "NEWSCRAWL_LOG_LEVEL": level,
                "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true", **env}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", *QUICK, *args], cwd=ROOT,
                          env=full_env, capture_output=True, text=True, timeout=300)


def last_line(proc: subprocess.CompletedProcess) -> str:
    return proc.stderr.strip().splitlines()[-1]


def problem_lines(proc: subprocess.CompletedProcess) -> list[str]:
    """ERROR lines, and WARNING lines other than the disabled-WARC notice every run prints."""
    return [line for line in proc.stderr.splitlines()
            if " ERROR: " in line or (" WARNING: " in line and "WarcMiddleware" not in line)]


def feed_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "feeds").rglob("*.jsonl*"))


# -- the site does not answer -----------------------------------------------------------------------------
@pytest.fixture
def silent_port():
    """A loopback server that accepts connections and never answers."""
    server = socket.socket()
    server.bind((LOOPBACK, 0))
    server.listen(50)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=5)
    for conn in accepted:
        conn.close()
    server.close()


@pytest.mark.crawl
def test_unknown_host_fails_in_one_line_without_traceback(tmp_path):
    proc = crawl(tmp_path, "-a", "base_url=http://nonexistent.invalid/", "-s", "RETRY_TIMES=0")
    assert proc.returncode == 1
    assert last_line(proc).endswith("run failed: the site did not answer: DNS lookup failed for nonexistent.invalid")
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if " ERROR: " in line]
    assert len(errors) == 1 and errors[0].endswith("DNS lookup failed for nonexistent.invalid"), errors
    # Nothing was checked and nothing was reached: no line may say otherwise.
    assert "health checks passed" not in proc.stderr
    assert "health checks: too little to judge" in proc.stderr
    assert " a clean run" not in proc.stderr.replace("not a clean run", "")
    # The failed run wrote nothing: no empty feed file is left, and the summary says so.
    assert feed_files(tmp_path) == []
    assert "no file was kept" in proc.stderr


@pytest.mark.crawl
def test_the_traceback_stays_available_at_debug(tmp_path):
    proc = crawl(tmp_path, "-a", "base_url=http://nonexistent.invalid/", "-s", "RETRY_TIMES=0", level="DEBUG")
    assert proc.returncode == 1
    assert "Traceback (most recent call last)" in proc.stderr
    assert "twisted.internet.error.DNSLookupError" in proc.stderr
    assert last_line(proc).endswith("run failed: the site did not answer: DNS lookup failed for nonexistent.invalid")


@pytest.mark.crawl
def test_connection_refused_names_host_and_port(tmp_path):
    port = closed_port()
    proc = crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{port}/", "-s", "RETRY_TIMES=0")
    assert proc.returncode == 1
    assert last_line(proc).endswith(f"run failed: the site did not answer: connection refused by 127.0.0.1:{port}")
    assert "Traceback" not in proc.stderr
    assert feed_files(tmp_path) == []


@pytest.mark.crawl
def test_a_site_that_never_answers_names_the_timeout(tmp_path, silent_port):
    proc = crawl(tmp_path, "-a", f"base_url=http://127.0.0.1:{silent_port}/", "-s", "RETRY_TIMES=0",
                 NEWSCRAWL_DOWNLOAD_TIMEOUT="1")
    assert proc.returncode == 1
    assert last_line(proc).endswith(f"run failed: the site did not answer: no answer from 127.0.0.1:{silent_port} "
                                    "within 1 s (NEWSCRAWL_DOWNLOAD_TIMEOUT)")
    assert "Traceback" not in proc.stderr


@pytest.mark.crawl
def test_https_to_a_plain_http_server_names_the_tls_failure(site, tmp_path):
    port = site.base_url.rpartition(":")[2]
    proc = crawl(tmp_path, "-a", f"base_url=https://127.0.0.1:{port}/", "-s", "RETRY_TIMES=0")
    assert proc.returncode == 1
    assert f"run failed: the site did not answer: TLS handshake with 127.0.0.1:{port} failed (" in last_line(proc)
    assert "Traceback" not in proc.stderr


# -- the feed cannot be stored in S3 --------------------------------------------------------------------------
S3_ARGS = ("-s", "CLOSESPIDER_ITEMCOUNT=3")


@pytest.mark.crawl
def test_s3_without_credentials(site, tmp_path, moto_s3):  # noqa: F811
    proc = crawl(tmp_path, "-a", f"base_url={site.base_url}", *S3_ARGS, AWS_ENDPOINT_URL=moto_s3.endpoint_url,
                 AWS_DEFAULT_REGION="us-east-1", NEWSCRAWL_FEED_URI="s3://news/feeds/%(name)s/%(time)s.jsonl")
    assert proc.returncode == 1
    assert "run failed: 1 feed file(s) failed to store (S3 credentials not found: set AWS_ACCESS_KEY_ID and " \
           "AWS_SECRET_ACCESS_KEY" in last_line(proc)
    assert "Traceback" not in proc.stderr
    assert "NoCredentialsError" not in proc.stderr
    assert [line for line in problem_lines(proc) if "not stored (S3 credentials not found" in line]


@pytest.mark.crawl
def test_s3_bucket_missing(site, tmp_path, moto_s3):  # noqa: F811
    proc = crawl(tmp_path, "-a", f"base_url={site.base_url}", *S3_ARGS, **moto_s3.env(),
                 NEWSCRAWL_FEED_URI="s3://no-such-bucket-here/feeds/%(name)s/%(time)s.jsonl")
    assert proc.returncode == 1
    assert last_line(proc).endswith(
        "run failed: 1 feed file(s) failed to store (S3 bucket no-such-bucket-here does not exist)")
    assert "Traceback" not in proc.stderr


class DenyingS3(BaseHTTPRequestHandler):
    """An S3 endpoint that refuses every request as S3 does for a key without rights to the bucket."""

    BODY = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied'
            b"</Message><RequestId>1</RequestId></Error>")

    def _deny(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(self.BODY)))
        self.end_headers()
        self.wfile.write(self.BODY)

    do_PUT = do_POST = do_GET = do_HEAD = _deny  # noqa: N815 (http.server's names)

    def log_message(self, *args):
        pass


@pytest.fixture
def denying_s3():
    server = ThreadingHTTPServer((LOOPBACK, 0), DenyingS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://{LOOPBACK}:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.crawl
def test_s3_access_denied(site, tmp_path, denying_s3):
    proc = crawl(tmp_path, "-a", f"base_url={site.base_url}", *S3_ARGS, AWS_ENDPOINT_URL=denying_s3,
                 AWS_ACCESS_KEY_ID="AKIAEXAMPLE", AWS_SECRET_ACCESS_KEY="example-secret",
                 AWS_DEFAULT_REGION="us-east-1", AWS_MAX_ATTEMPTS="1", NEWSCRAWL_FEED_URI="s3://news/feeds/%(name)s/%(time)s.jsonl")
    assert proc.returncode == 1
    assert last_line(proc).endswith(
        "run failed: 1 feed file(s) failed to store (access denied to s3://news (AccessDenied: Access Denied))")
    assert "Traceback" not in proc.stderr


# -- a bad environment variable ---------------------------------------------------------------------------
def crawl_with(tmp_path, *args: str, **variables: str) -> subprocess.CompletedProcess:
    """``scrapy crawl albawabh ARGS`` with these environment variables and a feed directory of its own."""
    env = {**os.environ, "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"), **variables}
    return subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("name", "value", "kind"),
    [
        ("NEWSCRAWL_CONCURRENCY", "abc", "is not a whole number"),
        ("NEWSCRAWL_DOWNLOAD_DELAY", "fast", "is not a number"),
        ("NEWSCRAWL_STOP_ON_SEEN", "maybe", "is not true or false"),
        ("NEWSCRAWL_LOG_LEVEL", "LOUD", "is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        ("NEWSCRAWL_TIMEZONE", "Mars/Olympus", "is not a time zone"),
        ("NEWSCRAWL_RENDER", "maybe", "is not a comma list of listings, articles"),
        ("NEWSCRAWL_DATE_FLOOR", "xx", "is not a date (YYYY-MM-DD)"),
        ("REDIS_URL", "notaurl", "is not a redis://, rediss:// or unix:// URL"),
        ("NEWSCRAWL_CONCURRENCY", "0", "is less than 1"),
        ("NEWSCRAWL_MAX_REQUESTS", "0", "is less than 1"),
        ("NEWSCRAWL_MAX_LINKS_PER_PAGE", "0", "is less than 1"),
        ("NEWSCRAWL_MAX_RELATED", "-1", "is less than 0"),
        ("NEWSCRAWL_MAX_SITEMAPS", "-1", "is less than 0"),
        ("NEWSCRAWL_DOWNLOAD_TIMEOUT", "0", "is less than 1"),
        ("NEWSCRAWL_ALERT_ON", "bogus", "is not one of failure, always"),
        ("NEWSCRAWL_HEALTH_MAX_DROP_RATE", "1.5", "is not between 0 and 1"),
        ("NEWSCRAWL_HEALTH_MAX_ERROR_RATE", "-0.1", "is not between 0 and 1"),
        ("NEWSCRAWL_HEALTH_MAX_FALLBACK_BODY", "2", "is not between 0 and 1"),
        ("NEWSCRAWL_MIN_BODY_SHARE", "1.01", "is not between 0 and 1"),
        ("NEWSCRAWL_PROGRESS_INTERVAL", "0", "is not more than 0"),
        ("NEWSCRAWL_CHECKPOINT_ITEMS", "0", "is less than 1"),
        ("NEWSCRAWL_CHECKPOINT_INTERVAL", "-5", "is not more than 0"),
    ],
)
def test_a_bad_environment_variable_exits_2_in_one_line(tmp_path, name, value, kind):
    proc = crawl_with(tmp_path, **{name: value})
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [f"newscrawl: error: environment variable {name}={value!r} {kind}"]
    assert proc.stdout == ""


def test_a_bad_redis_url_is_refused_without_its_password(tmp_path):
    proc = crawl_with(tmp_path, REDIS_URL="http://user:s3cret@cache:6379/0")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "newscrawl: error: environment variable REDIS_URL='http://***@cache:6379/0' is not a redis://, rediss:// or "
        "unix:// URL"
    ]
    assert "s3cret" not in proc.stderr + proc.stdout


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NEWSCRAWL_LOG_LEVEL", "debug"),
        ("NEWSCRAWL_ALERT_ON", "Always"),
        ("NEWSCRAWL_RENDER", "listings, articles"),
        ("NEWSCRAWL_TIMEZONE", "UTC"),
        ("NEWSCRAWL_MAX_RELATED", "0"),
        ("NEWSCRAWL_MIN_BODY_SHARE", "1.0"),
        ("REDIS_URL", "rediss://:pw@cache:6380/1"),
    ],
)
def test_good_environment_values_are_read(monkeypatch, name, value):
    import importlib

    import newscrawl.settings

    monkeypatch.setenv(name, value)
    try:
        module = importlib.reload(newscrawl.settings)
        got = {"NEWSCRAWL_LOG_LEVEL": "LOG_LEVEL"}.get(name, name)
        assert str(getattr(module, got)).lower() == value.lower()
    finally:
        monkeypatch.delenv(name)
        importlib.reload(newscrawl.settings)


@pytest.mark.parametrize(("variables", "message"), [
    ({"NEWSCRAWL_ITEM_SCHEMA": "schema.org"}, "NEWSCRAWL_ITEM_SCHEMA='schema.org': expected one of"),
    ({"NEWSCRAWL_WARC_URI": "s3://bucket/warc/"}, "NEWSCRAWL_WARC_URI needs NEWSCRAWL_WARC_DIR"),
    ({"NEWSCRAWL_WARC_DIR": "warc", "NEWSCRAWL_WARC_MAX_BYTES": "0"}, "NEWSCRAWL_WARC_MAX_BYTES must be a positive"),
])
def test_settings_that_cannot_work_exit_2_before_the_crawl(tmp_path, variables, message):
    proc = crawl_with(tmp_path, "-a", "base_url=http://127.0.0.1:9/", **variables)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("scrapy crawl: error: ") and message in lines[0], lines
    assert not (tmp_path / "feeds").exists()


# -- the causes, pure -------------------------------------------------------------------------------------
class ClientError(Exception):
    """botocore's ClientError as far as describe() reads it: the parsed error response."""

    def __init__(self, code: str, message: str, **extra):
        super().__init__(message)
        self.response = {"Error": {"Code": code, "Message": message, **extra}}


class NoCredentialsError(Exception):
    pass


class DNSLookupError(Exception):
    pass


class CannotResolveHostError(Exception):
    pass


def chained(outer: BaseException, inner: BaseException) -> BaseException:
    outer.__cause__ = inner
    return outer


@pytest.mark.parametrize(("exc", "url", "cause"), [
    pytest.param(chained(CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x.invalid."),
                         DNSLookupError("x")), "http://x.invalid/robots.txt", "DNS lookup failed for x.invalid",
                 id="dns"),
    pytest.param(CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x.invalid."), None,
                 "DNS lookup failed for x.invalid", id="dns-host-from-message"),
    pytest.param(ConnectionRefusedError(111, "Connection refused"), "http://127.0.0.1:9/",
                 "connection refused by 127.0.0.1:9", id="refused"),
    pytest.param(TimeoutError("Getting http://h/ took longer than 2.5 seconds."), "http://h/",
                 "no answer from h within 2.5 s (NEWSCRAWL_DOWNLOAD_TIMEOUT)", id="timeout"),
    pytest.param(NoCredentialsError("Unable to locate credentials"), "s3://b/k",
                 "S3 credentials not found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE, "
                 "or a role)",
                 id="no-credentials"),
    pytest.param(ClientError("NoSuchBucket", "The specified bucket does not exist", BucketName="news"), None,
                 "S3 bucket news does not exist", id="no-bucket"),
    pytest.param(ClientError("AccessDenied", "Access Denied"), "s3://news/feeds/x.jsonl",
                 "access denied to s3://news (AccessDenied: Access Denied)", id="access-denied"),
    pytest.param(PermissionError(13, "Permission denied", "/data/feeds"), None, "permission denied: /data/feeds",
                 id="permission"),
    pytest.param(ValueError("a bug"), "http://h/", None, id="a-bug-keeps-its-traceback"),
])
def test_describe(exc, url, cause):
    assert describe(exc, url) == cause


def test_a_download_error_line_names_its_cause():
    from scrapy import Request
    from scrapy.exceptions import CannotResolveHostError
    from twisted.python.failure import Failure

    from newscrawl.logformatter import NewscrawlLogFormatter

    failure = Failure(CannotResolveHostError("DNS lookup failed: no results for hostname lookup: x.invalid."))
    line = NewscrawlLogFormatter().download_error(failure, Request("http://x.invalid/4909940"), None)
    expected = "Error downloading <GET http://x.invalid/4909940>: DNS lookup failed for x.invalid"
    assert line["msg"] % line["args"] == expected
