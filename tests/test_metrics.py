"""Metrics: the run's figures in a Prometheus textfile and on a Pushgateway, read back with prometheus-client's parser.

The Pushgateway is Debian's ``prometheus-pushgateway`` (scripts/test.sh installs it) on a free loopback
port; without it, a loopback stand-in records what is pushed. Expected figures come from the offline site
(its 23 articles, the requests its server counted), never from the code's own output.
"""

from __future__ import annotations

import base64
import shutil
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from prometheus_client.parser import text_string_to_metric_families

from newscrawl.ops.metrics import build_registry, push
from tests.conftest import run_crawl
from tests.servers import LOOPBACK, _process, free_port
from tests.test_alerts import Receiver, drifted_site, facts

ARTICLES = 23  # the offline copy's articles (tests/fixtures/albawabh/expected.json, article_count)


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of ``newscrawl_*`` families: (name, labels without job/instance) -> value."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name.startswith("newscrawl_"):
                labels = {k: v for k, v in sample.labels.items() if k not in ("job", "instance")}
                found[(sample.name, frozenset(labels.items()))] = sample.value
    return found


def value(found: dict, name: str, **labels) -> float:
    return found[(name, frozenset({"spider": "albawabh", **labels}.items()))]


def families(text: str) -> dict[str, tuple[str, set[str]]]:
    """Family name -> (type, names of its samples)."""
    return {f.name: (f.type, {s.name for s in f.samples}) for f in text_string_to_metric_families(text)}


@dataclass
class Pushgateway:
    url: str
    real: bool
    receiver: Receiver | None = None

    def metrics(self) -> str:
        """What the gateway now exposes (the stand-in: the last body pushed)."""
        if self.real:
            with urllib.request.urlopen(f"{self.url}/metrics", timeout=5) as response:  # noqa: S310 (loopback)
                return response.read().decode("utf-8")
        bodies = [body for method, _, _, body in self.receiver.requests if method in ("PUT", "POST")]
        return bodies[-1].decode("utf-8") if bodies else ""


@contextmanager
def start_pushgateway() -> Iterator[Pushgateway]:
    executable = shutil.which("prometheus-pushgateway")
    if executable is None:  # a stand-in that records the push
        with Receiver() as receiver:
            yield Pushgateway(receiver.url, real=False, receiver=receiver)
        return
    port = free_port()
    url = f"http://{LOOPBACK}:{port}"

    def ready() -> bool:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200

    with _process([executable, f"--web.listen-address={LOOPBACK}:{port}", "--persistence.file="], ready):
        yield Pushgateway(url, real=True)


@pytest.fixture
def pushgateway() -> Iterator[Pushgateway]:
    with start_pushgateway() as gateway:
        yield gateway


@pytest.mark.crawl
def test_a_healthy_run_writes_its_figures_to_the_textfile_and_the_pushgateway(pushgateway, tmp_path):
    from tests.site.server import serve

    server, _, base_url = serve()
    metrics_file = tmp_path / "node" / "newscrawl.prom"
    before = time.time()
    try:
        result = run_crawl(
            tmp_path,
            "-a",
            f"base_url={base_url}",
            env={
                "NEWSCRAWL_STATE": "off",
                "NEWSCRAWL_METRICS_FILE": str(metrics_file),
                "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url,
            },
        )
        requests_served = sum(server.hits.values())
    finally:
        server.shutdown()
        server.server_close()
    after = time.time()
    assert result.returncode == 0, result.log[-2000:]
    text = metrics_file.read_text(encoding="utf-8")
    found = samples(text)
    assert value(found, "newscrawl_articles_total", kind="new") == ARTICLES == len(result.items)
    assert value(found, "newscrawl_articles_total", kind="updated") == 0
    assert value(found, "newscrawl_articles_total", kind="deleted") == 0
    assert value(found, "newscrawl_pages_total", kind="article") == ARTICLES
    assert value(found, "newscrawl_requests_total") == requests_served
    responses = sum(
        value(found, "newscrawl_http_responses_total", status_class=c) for c in ("2xx", "3xx", "4xx", "5xx")
    )
    assert responses == requests_served  # no download error on loopback: every request was answered
    assert value(found, "newscrawl_http_responses_total", status_class="4xx") > 0  # the copy links 404 pages
    assert value(found, "newscrawl_field_coverage_ratio", field="title") == 1.0
    assert value(found, "newscrawl_health_check_failed", check="fallback_body") == 0
    assert value(found, "newscrawl_run_exit_code") == 0 and value(found, "newscrawl_run_success") == 1
    last_success = value(found, "newscrawl_last_success_timestamp_seconds")
    assert before <= last_success <= after
    assert 0 < value(found, "newscrawl_run_duration_seconds") <= after - before
    assert all(dict(labels)["spider"] == "albawabh" for _, labels in found)
    kinds = families(text)
    assert all(name.endswith("_total") for kind, names in kinds.values() if kind == "counter" for name in names)
    assert kinds["newscrawl_articles"][0] == "counter" and kinds["newscrawl_run_duration_seconds"][0] == "gauge"
    assert not any(name.endswith("_created") for name, _ in found)
    # The Pushgateway holds the same figures.
    pushed = samples(pushgateway.metrics())
    assert {key: v for key, v in pushed.items() if key in found} == found
    assert set(found) <= set(pushed)


@pytest.mark.crawl
def test_the_last_success_survives_a_failed_run(pushgateway, tmp_path):
    from tests.site.server import serve

    metrics_file = tmp_path / "newscrawl.prom"
    server, _, base_url = serve()
    try:
        ok = run_crawl(
            tmp_path / "ok",
            "-a",
            f"base_url={base_url}",
            env={
                "NEWSCRAWL_STATE": "off",
                "NEWSCRAWL_METRICS_FILE": str(metrics_file),
                "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url,
            },
        )
    finally:
        server.shutdown()
        server.server_close()
    assert ok.returncode == 0
    success = value(samples(metrics_file.read_text()), "newscrawl_last_success_timestamp_seconds")

    with drifted_site() as base_url:
        failed = run_crawl(
            tmp_path / "failed",
            "-a",
            f"base_url={base_url}",
            env={
                "NEWSCRAWL_STATE": "off",
                "NEWSCRAWL_METRICS_FILE": str(metrics_file),
                "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url,
            },
        )
        assert failed.returncode == 1
        found = samples(metrics_file.read_text())
        assert value(found, "newscrawl_run_exit_code") == 1 and value(found, "newscrawl_run_success") == 0
        assert value(found, "newscrawl_health_check_failed", check="fallback_body") == 1
        assert value(found, "newscrawl_last_success_timestamp_seconds") == success  # read back from the file
        assert value(samples(pushgateway.metrics()), "newscrawl_last_success_timestamp_seconds") == success

        if not pushgateway.real:
            return  # the stand-in keeps no state: what follows is the real gateway's POST semantics
        # Pushgateway only, no textfile to read back: the POST leaves the last success that is there.
        again = run_crawl(
            tmp_path / "again",
            "-a",
            f"base_url={base_url}",
            env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url},
        )
    assert again.returncode == 1
    pushed = samples(pushgateway.metrics())
    assert value(pushed, "newscrawl_last_success_timestamp_seconds") == success
    assert value(pushed, "newscrawl_run_exit_code") == 1


@pytest.mark.crawl
def test_a_push_that_fails_is_one_warning_and_the_run_stands(site, tmp_path):
    metrics_file = tmp_path / "newscrawl.prom"
    result = run_crawl(
        tmp_path,
        "-a",
        f"base_url={site.base_url}",
        env={
            "NEWSCRAWL_STATE": "off",
            "NEWSCRAWL_METRICS_FILE": str(metrics_file),
            "NEWSCRAWL_PUSHGATEWAY_URL": f"http://{LOOPBACK}:{free_port()}",
        },
    )
    assert result.returncode == 0
    warnings = [line for line in result.log.splitlines() if "WARNING" in line and "Pushgateway" in line]
    assert len(warnings) == 1, warnings
    assert value(samples(metrics_file.read_text()), "newscrawl_articles_total", kind="new") == ARTICLES


def test_the_push_is_a_put_to_the_spiders_group_with_basic_auth_from_the_url():
    run = facts(
        stats={"item_scraped_count": 3, "newscrawl/state/updated": 1, "newscrawl/dropped/no_body": 2},
        finished_at=datetime(2026, 1, 1, 0, 2, tzinfo=UTC),
    )
    with Receiver() as receiver:
        host = receiver.url.removeprefix("http://")
        push(f"http://ops:gw-pass-77@{host}", build_registry(run), "albawabh")
        push(f"http://{host}", build_registry(run), "albawabh", replace=False)
    ((method, path, headers, body), (post, _, post_headers, _)) = receiver.requests
    assert (method, path) == ("PUT", "/metrics/job/newscrawl/spider/albawabh")
    assert post == "POST" and "Authorization" not in post_headers
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"ops:gw-pass-77").decode()
    found = samples(body.decode())
    assert value(found, "newscrawl_articles_total", kind="new") == 2
    assert value(found, "newscrawl_articles_total", kind="updated") == 1
    assert value(found, "newscrawl_items_dropped_total", reason="no_body") == 2
    # Reasons the project counts have an explicit 0 series, so the PUT leaves no stale count behind.
    assert value(found, "newscrawl_items_dropped_total", reason="duplicate") == 0
    assert value(found, "newscrawl_items_held_back_total", reason="shrunk") == 0
    assert (
        value(found, "newscrawl_last_success_timestamp_seconds") == datetime(2026, 1, 1, 0, 2, tzinfo=UTC).timestamp()
    )
    # No article: no coverage share is exported (a run that finds nothing new is not a 0% run).
    assert not any(name == "newscrawl_field_coverage_ratio" for name, _ in found)


def test_a_failed_run_without_a_previous_success_exports_none():
    found = samples(_exposition(build_registry(facts(exit_code=1), previous_success=None)))
    assert not any(name == "newscrawl_last_success_timestamp_seconds" for name, _ in found)
    found = samples(_exposition(build_registry(facts(exit_code=1), previous_success=1700000000.0)))
    assert value(found, "newscrawl_last_success_timestamp_seconds") == 1700000000.0


def _exposition(registry) -> str:
    from prometheus_client import generate_latest

    return generate_latest(registry).decode()


def test_a_check_with_too_little_to_judge_has_no_series():
    """Two articles, three article pages, four responses: under NEWSCRAWL_HEALTH_MIN_ITEMS (5) for every
    check but the held-back count, which needs no minimum."""
    stats = {"item_scraped_count": 2, "newscrawl/pages/article": 3, "response_received_count": 4}
    found = samples(_exposition(build_registry(facts(stats=stats))))
    judged = {dict(labels)["check"] for name, labels in found if name == "newscrawl_health_check_failed"}
    assert judged == {"held_back"}
    stats = {"item_scraped_count": 6, "newscrawl/pages/article": 6, "response_received_count": 9}
    found = samples(_exposition(build_registry(facts(stats=stats, coverage_fields=["title"]))))
    judged = {dict(labels)["check"] for name, labels in found if name == "newscrawl_health_check_failed"}
    assert judged == {
        "coverage_title",
        "future_dates",
        "midnight_dates",
        "jan1_dates",
        "drops",
        "fallback_body",
        "held_back",
        "http_errors",
    }


@pytest.mark.crawl
def test_the_gateway_shows_each_runs_own_figures_and_no_stale_series(pushgateway, tmp_path):
    """A healthy run, a run whose layout drifted (every article dropped), then a run with nothing new:
    after each, the gateway holds that run's figures only (a PUT replaces the group)."""
    from tests.site.server import serve

    if not pushgateway.real:
        pytest.skip("the stand-in keeps no state; needs prometheus-pushgateway")
    state = str(tmp_path / "state.sqlite3")
    server, _, base_url = serve()
    try:
        healthy = run_crawl(
            tmp_path / "healthy",
            "-a",
            f"base_url={base_url}",
            env={"NEWSCRAWL_STATE": state, "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url},
        )
        assert healthy.returncode == 0, healthy.log[-2000:]
        first = samples(pushgateway.metrics())
        assert value(first, "newscrawl_articles_total", kind="new") == ARTICLES
        assert value(first, "newscrawl_field_coverage_ratio", field="title") == 1.0
        assert value(first, "newscrawl_health_check_failed", check="drops") == 0
        success = value(first, "newscrawl_last_success_timestamp_seconds")

        with drifted_site("layout") as drifted_url:  # a body class no selector knows: every page dropped
            drifted = run_crawl(
                tmp_path / "drifted",
                "-a",
                f"base_url={drifted_url}",
                env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url},
            )
        assert drifted.returncode == 1
        second = samples(pushgateway.metrics())
        assert value(second, "newscrawl_articles_total", kind="new") == 0
        assert 0 < value(second, "newscrawl_items_dropped_total", reason="no_body") <= ARTICLES
        assert value(second, "newscrawl_health_check_failed", check="drops") == 1
        assert not any(name == "newscrawl_field_coverage_ratio" for name, _ in second)  # not run 1's
        assert value(second, "newscrawl_last_success_timestamp_seconds") == success  # carried over
        assert value(second, "newscrawl_run_exit_code") == 1

        nothing_new = run_crawl(
            tmp_path / "nothing-new",
            "-a",
            f"base_url={base_url}",
            env={"NEWSCRAWL_STATE": state, "NEWSCRAWL_PUSHGATEWAY_URL": pushgateway.url},
        )
    finally:
        server.shutdown()
        server.server_close()
    assert nothing_new.returncode == 0, nothing_new.log[-2000:]
    third = samples(pushgateway.metrics())
    assert value(third, "newscrawl_articles_total", kind="new") == 0
    assert value(third, "newscrawl_items_dropped_total", reason="no_body") == 0  # not run 2's
    assert not any(name == "newscrawl_field_coverage_ratio" for name, _ in third)
    assert ("newscrawl_health_check_failed", frozenset({"spider": "albawabh", "check": "drops"}.items())) not in third
    assert value(third, "newscrawl_run_exit_code") == 0
    assert value(third, "newscrawl_last_success_timestamp_seconds") > success
