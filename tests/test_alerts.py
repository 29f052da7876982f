"""Alerts: one JSON POST to NEWSCRAWL_ALERT_URL from a failed run, none from a healthy one, no secret in it.

A real HTTP server on loopback (``http.server`` in a thread) receives the alerts; the crawls are the real
``scrapy crawl`` against the offline site, the drifted one served with ``mutate="layout-fallback"`` (the
article body moved to a class only the fallback selectors know: tests/test_layout_change.py).
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from newscrawl.ops.alerts import alert_body, should_alert
from newscrawl.ops.run import RunFacts, Scrubber, parse_check
from tests.conftest import run_crawl
from tests.servers import LOOPBACK, _process, free_port

ALERT_PATH = "/hooks/T0NEWS/B0CRAWL/alert-webhook-secret-5f1e"
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "AKIAFAKEOPSTEST00042",
    "AWS_SECRET_ACCESS_KEY": "fake-aws-secret-0p5-9c1d7e",
    "AWS_SESSION_TOKEN": "fake-session-token-0p5-77aa",
}
REDIS_PASSWORD = "redis-pass-0p5-b4e2"


class Receiver:
    """An HTTP server on loopback that records every request: (method, path, headers, body bytes)."""

    def __init__(self, status: int = 200):
        self.requests: list[tuple[str, str, dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _record(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                receiver.requests.append((self.command, self.path, dict(self.headers), body))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            do_POST = do_PUT = do_GET = _record

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.url = f"http://{LOOPBACK}:{self.server.server_address[1]}"

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()

    def posts(self) -> list[dict]:
        return [json.loads(body) for method, _, _, body in self.requests if method == "POST"]


@contextmanager
def drifted_site(mutation: str = "layout-fallback"):
    from tests.site.server import serve

    server, _, base_url = serve(mutate=mutation)
    try:
        yield base_url
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


# -- the real crawl ------------------------------------------------------------------------------------
@pytest.mark.crawl
def test_a_drifted_layout_sends_exactly_one_alert_naming_the_check_and_its_figures(receiver, tmp_path):
    with drifted_site() as base_url:
        result = run_crawl(
            tmp_path,
            "-a",
            f"base_url={base_url}",
            env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_ALERT_URL": receiver.url + ALERT_PATH},
        )
    assert result.returncode == 1, result.log[-2000:]
    posts = receiver.posts()
    assert len(posts) == 1, posts
    method, path, headers, _ = receiver.requests[0]
    assert (method, path) == ("POST", ALERT_PATH)
    assert headers["Content-Type"].startswith("application/json")
    alert = posts[0]
    assert alert["status"] == "failed" and alert["exit_code"] == 1 and alert["spider"] == "albawabh"
    assert alert["run_id"].startswith("albawabh/")
    # Every one of the copy's 23 articles was read through the fallback selector: 100% of 23 pages.
    check = next(c for c in alert["failed_checks"] if c["check"] == "fallback_body")
    assert check["figures"]["share"] == 1.0 and check["figures"]["count"] == 23 and check["figures"]["pages"] == 23
    assert "fallback" in alert["text"] and "exit code 1" in alert["text"]
    assert any("health check failed" in reason for reason in alert["reasons"])
    assert any(line.startswith("run failed: ") for line in alert["summary"])
    assert alert["figures"]["articles"]["new"] == 23


@pytest.mark.crawl
def test_a_healthy_run_sends_nothing_unless_asked_always(receiver, site, tmp_path):
    env = {"NEWSCRAWL_STATE": "off", "NEWSCRAWL_ALERT_URL": receiver.url + ALERT_PATH}
    result = run_crawl(tmp_path / "a", "-a", f"base_url={site.base_url}", env=env)
    assert result.returncode == 0, result.log[-2000:]
    assert receiver.requests == []
    result = run_crawl(tmp_path / "b", "-a", f"base_url={site.base_url}", env={**env, "NEWSCRAWL_ALERT_ON": "always"})
    assert result.returncode == 0
    assert [(alert["status"], alert["exit_code"]) for alert in receiver.posts()] == [("ok", 0)]


@pytest.mark.crawl
def test_an_alert_that_cannot_be_sent_is_one_warning_and_the_exit_code_stands(site, tmp_path):
    closed = f"http://{LOOPBACK}:{free_port()}/hook"
    result = run_crawl(
        tmp_path,
        "-a",
        f"base_url={site.base_url}",
        env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_ALERT_URL": closed, "NEWSCRAWL_ALERT_ON": "always"},
    )
    assert result.returncode == 0
    warnings = [line for line in result.log.splitlines() if "WARNING" in line and "alert" in line]
    assert len(warnings) == 1, warnings
    assert closed not in result.log


@contextmanager
def redis_with_password():
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (scripts/test.sh installs it from Debian)")
    port = free_port()

    def ready() -> bool:
        with socket.create_connection((LOOPBACK, port), timeout=1) as sock:
            sock.sendall(f"AUTH {REDIS_PASSWORD}\r\nPING\r\n".encode())
            return b"+PONG" in sock.recv(64)

    with _process(
        [
            executable,
            "--bind",
            LOOPBACK,
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--requirepass",
            REDIS_PASSWORD,
        ],
        ready,
    ):
        yield f"redis://:{REDIS_PASSWORD}@{LOOPBACK}:{port}/0"


@pytest.mark.crawl
def test_with_credentials_in_the_environment_no_output_carries_one(receiver, tmp_path):
    secrets = [*FAKE_AWS.values(), REDIS_PASSWORD, ALERT_PATH, "alert-webhook-secret"]
    with redis_with_password() as redis_url, drifted_site() as base_url:
        env = {
            **FAKE_AWS,
            "REDIS_URL": redis_url,
            "NEWSCRAWL_RUN_ID": "ops-secrets",
            "NEWSCRAWL_ALERT_URL": receiver.url + ALERT_PATH,
            "NEWSCRAWL_REPORT_FILE": str(tmp_path / "report.json"),
            "NEWSCRAWL_METRICS_FILE": str(tmp_path / "metrics.prom"),
        }
        result = run_crawl(tmp_path, "-a", f"base_url={base_url}", env=env)
    assert result.returncode == 1, result.log[-3000:]
    assert len(receiver.requests) == 1
    outputs = {
        "alert": receiver.requests[0][3].decode("utf-8"),
        "report": (tmp_path / "report.json").read_text(encoding="utf-8"),
        "metrics": (tmp_path / "metrics.prom").read_text(encoding="utf-8"),
    }
    for name, text in outputs.items():
        for secret in secrets:
            assert secret not in text, (name, secret)
    assert json.loads(outputs["alert"])["failed_checks"]


# -- the pure parts ------------------------------------------------------------------------------------
def facts(**overrides) -> RunFacts:
    from datetime import UTC, datetime

    values = dict(
        spider="albawabh",
        run_id="albawabh/2026-01-01T00-00-00Z",
        exit_code=0,
        reasons=[],
        started_at=datetime(2026, 1, 1, tzinfo=UTC),
        finished_at=datetime(2026, 1, 1, 0, 2, tzinfo=UTC),
        stats={},
        failed_checks=[],
        summary=["run ok"],
        arguments={},
        health_enabled=True,
        coverage_fields=["body", "title"],
    )
    return RunFacts(**{**values, **overrides})


@pytest.mark.parametrize(
    ("exit_code", "alert_on", "sent"),
    [
        (0, "failure", False),
        (1, "failure", True),
        (2, "failure", True),
        (0, "always", True),
        (1, "always", True),
        (0, " Always ", True),
    ],
)
def test_when_an_alert_is_sent(exit_code, alert_on, sent):
    assert should_alert(facts(exit_code=exit_code), alert_on) is sent


@pytest.mark.parametrize(
    ("message", "check", "figures"),
    [
        (
            "coverage of author 40% < 90% (4 of 10 articles)",
            "coverage_author",
            {"share": 0.4, "minimum": 0.9, "filled": 4, "articles": 10},
        ),
        (
            "HTTP error rate 25% (5 errors, 15 responses) > 10%",
            "http_errors",
            {"share": 0.25, "errors": 5, "responses": 15, "maximum": 0.1},
        ),
        (
            "7 articles held back (garbled 5, shrunk 2) > 3",
            "held_back",
            {"count": 7, "by_reason": {"garbled": 5, "shrunk": 2}, "maximum": 3},
        ),
        (
            "100% of article pages dropped (no_body 20) > 20%",
            "drops",
            {"share": 1.0, "by_reason": {"no_body": 20}, "maximum": 0.2},
        ),
        ("2 article(s) published after they were crawled", "future_dates", {"count": 2}),
        ("something new", "other", {}),
    ],
    ids=["coverage", "http", "held-back", "drops", "future", "unknown"],
)
def test_a_failed_check_is_read_into_its_figures(message, check, figures):
    assert parse_check(message) == {"check": check, "message": message, "figures": figures}


def test_urls_with_credentials_and_the_configured_secrets_are_scrubbed():
    scrub = Scrubber(["https://hooks.example/T1/secret-hook", "s3cr3t-pass"])
    body = alert_body(
        facts(
            exit_code=1,
            reasons=[
                "cannot reach redis://:s3cr3t-pass@10.0.0.5:6379/0",
                "feed https://user:pw@bucket.example/x?X-Amz-Signature=abc&a=1",
                "posted to https://hooks.example/T1/secret-hook",
            ],
        ),
        scrub,
    )
    text = json.dumps(body)
    for secret in ("s3cr3t-pass", "user:pw", "X-Amz-Signature=abc", "secret-hook"):
        assert secret not in text
    assert "10.0.0.5:6379" in text and "bucket.example/x" in text and "&a=1" in text


def test_a_crawler_that_never_started_still_alerts_and_reports(tmp_path):
    """``after_run(crawler, None, ...)``: no stats, no outcome; the run failed (exit code 1)."""
    from types import SimpleNamespace

    from scrapy.settings import Settings

    from newscrawl.ops import after_run

    with Receiver() as receiver:
        settings = Settings(
            {
                "NEWSCRAWL_ALERT_URL": receiver.url + ALERT_PATH,
                "NEWSCRAWL_REPORT_FILE": str(tmp_path / "report.json"),
                "NEWSCRAWL_METRICS_FILE": str(tmp_path / "metrics.prom"),
            }
        )
        crawler = SimpleNamespace(settings=settings, stats=None, spidercls=SimpleNamespace(name="albawabh"))
        after_run(crawler, None, {"base_url": "http://user:pw-123@127.0.0.1:1"})
    [alert] = receiver.posts()
    assert alert["exit_code"] == 1 and alert["status"] == "failed"
    assert alert["reasons"] == ["the crawler failed to start (see the errors above)"]
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["arguments"] == {"base_url": "http://***@127.0.0.1:1"}
    assert 'newscrawl_run_exit_code{spider="albawabh"} 1.0' in (tmp_path / "metrics.prom").read_text()


def test_after_run_never_raises():
    from types import SimpleNamespace

    from newscrawl.ops import after_run

    broken = SimpleNamespace(settings=None)  # anything at all goes wrong inside: one warning, no exception
    after_run(broken, None, {})


@contextmanager
def slow_receiver(every: float = 2.0, lines: int = 60):
    """A receiver that answers a request with a status line, then one header line every ``every`` seconds,
    and never ends the headers: urllib's per-read timeout never fires on it."""
    listener = socket.create_server((LOOPBACK, 0))
    stop = threading.Event()
    connections: list[socket.socket] = []

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            connections.append(connection)
            threading.Thread(target=drip, args=(connection,), daemon=True).start()

    def drip(connection: socket.socket) -> None:
        try:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            for n in range(lines):
                if stop.wait(every):
                    return
                connection.sendall(f"X-Slow-{n}: 1\r\n".encode())
        except OSError:
            return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://{LOOPBACK}:{listener.getsockname()[1]}"
    finally:
        stop.set()
        for connection in connections:
            connection.close()
        listener.close()


def test_a_receiver_that_never_finishes_is_cut_off_at_the_total_deadline(tmp_path, caplog):
    """The alert POST and the Pushgateway push each have a 5 s deadline in all, not per read."""
    import logging
    import time
    from types import SimpleNamespace

    from scrapy.settings import Settings

    from newscrawl.ops import after_run

    def timed_after_run(values: dict) -> float:
        """Seconds after_run takes for a failed run with these settings."""
        crawler = SimpleNamespace(settings=Settings(values), stats=None, spidercls=SimpleNamespace(name="albawabh"))
        with caplog.at_level(logging.WARNING, logger="newscrawl.ops"):
            started = time.monotonic()
            after_run(crawler, None, {})
            return time.monotonic() - started

    with slow_receiver() as url:
        took = timed_after_run({"NEWSCRAWL_ALERT_URL": url + ALERT_PATH})
        assert 4.5 <= took < 6.5, took
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1 and "alert could not be sent" in warnings[0].getMessage()
        assert url not in warnings[0].getMessage()  # the receiver's URL is a secret

        caplog.clear()
        took = timed_after_run({"NEWSCRAWL_PUSHGATEWAY_URL": url})
        # A failed run reads the gateway's last success first, within the same 5 s as the push.
        assert 4.5 <= took < 6.5, took
        warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
        assert len(warnings) == 1, [r.getMessage() for r in warnings]
        assert "Pushgateway" in warnings[-1].getMessage() and "5 s" in warnings[-1].getMessage()
