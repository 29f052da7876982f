"""The run's figures as Prometheus metrics: a textfile for node-exporter and/or a Pushgateway push.

Built with prometheus-client on a registry of its own (never the process's default one). Counts of the
run are counters (``newscrawl_..._total``): each run starts them from zero and Prometheus sees the next run
as a counter reset (``increase()`` over a day sums the runs; a run that counts exactly what the one before
counted is invisible to it, the known limit of counters from batch jobs). ``_created`` series are off.
State of the run is gauges (``_seconds``, ``_timestamp_seconds``, ``_ratio``, exit code). Every series has
the ``spider`` label.

The push is a PUT (``push_to_gateway``): it replaces the spider's whole group, so a series this run has
no figure for (coverage when no article was emitted, duration when the crawler never started) disappears
instead of showing the previous run's value as if it were current. Drops and hold-backs are counted by
reason with an explicit 0 for every reason the project knows (:data:`DROP_REASONS`, :data:`HELD_BACK_REASONS`).

``newscrawl_last_success_timestamp_seconds`` survives failed runs: on a failure it is read back from the
previous textfile, else from the Pushgateway's own copy of the group (``GET /metrics``), and carried in
the PUT. If the gateway cannot be read, the failed run's push falls back to a POST (``pushadd``), which
replaces only the metric names it sends and so leaves the last success already there alone.
Both requests have a total deadline (:data:`PUSH_TIMEOUT`, :mod:`newscrawl.ops.deadline`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    disable_created_metrics,
    push_to_gateway,
    pushadd_to_gateway,
    write_to_textfile,
)
from prometheus_client.exposition import basic_auth_handler, default_handler
from prometheus_client.parser import text_string_to_metric_families

from newscrawl.ops.deadline import within
from newscrawl.ops.run import RunFacts, figures, known_checks, parse_check

logger = logging.getLogger(__name__)

JOB = "newscrawl"
PUSH_TIMEOUT = 5.0  # seconds
LAST_SUCCESS = "newscrawl_last_success_timestamp_seconds"
# Reasons counted by the spider, the validator, the state and the backfill window: always a series, 0 or more.
DROP_REASONS = (
    "duplicate",
    "error_page",
    "extract_error",
    "no_body",
    "no_title",
    "not_article",
    "not_html",
    "partial_body",
)
HELD_BACK_REASONS = ("garbled", "shrunk")


def build_registry(facts: RunFacts, previous_success: float | None = None) -> CollectorRegistry:
    # One run, one process: the counters' ``_created`` series would only repeat the run's start time
    # (newscrawl_run_start_timestamp_seconds), doubling what node-exporter and the Pushgateway hold.
    disable_created_metrics()
    registry = CollectorRegistry()
    spider = facts.spider
    numbers = figures(facts.stats)

    def counter(name: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        return Counter(name, doc, ("spider", *labels), registry=registry)

    def gauge(name: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        return Gauge(name, doc, ("spider", *labels), registry=registry)

    articles = counter("newscrawl_articles", "Items emitted by the run, by kind (new, updated, deleted).", ("kind",))
    for kind, value in numbers["articles"].items():
        articles.labels(spider, kind).inc(value)
    dropped = counter("newscrawl_items_dropped", "Article pages dropped, by reason.", ("reason",))
    for reason, value in ({r: 0 for r in DROP_REASONS} | numbers["dropped"]).items():
        dropped.labels(spider, reason).inc(value)
    held = counter("newscrawl_items_held_back", "Articles held back (garbled, shrunk), by reason.", ("reason",))
    for reason, value in ({r: 0 for r in HELD_BACK_REASONS} | numbers["held_back"]).items():
        held.labels(spider, reason).inc(value)
    pages = counter("newscrawl_pages", "Pages parsed, by kind (listing, article, feed, sitemap).", ("kind",))
    for kind, value in numbers["pages"].items():
        pages.labels(spider, kind).inc(value)
    counter("newscrawl_requests", "HTTP requests made (every attempt, retries and robots.txt included).").labels(
        spider
    ).inc(numbers["requests"])
    counter("newscrawl_requests_retried", "Requests retried.").labels(spider).inc(numbers["requests_retried"])
    fetches = counter(
        "newscrawl_article_requests", "Article pages requested, by why (new, changed, revisit, retry).", ("reason",)
    )
    for reason, value in numbers["article_fetches"].items():
        fetches.labels(spider, reason).inc(value)
    links = counter(
        "newscrawl_article_links", "Article links found, by source (feeds, sitemaps, listings).", ("source",)
    )
    for source, value in numbers["links_found"].items():
        links.labels(spider, source).inc(value)
    responses = counter("newscrawl_http_responses", "HTTP responses, by status class (2xx ... 5xx).", ("status_class",))
    for status_class in ("2xx", "3xx", "4xx", "5xx"):
        responses.labels(spider, status_class).inc(numbers["http_responses"].get(status_class, 0))
    failed = counter(
        "newscrawl_requests_failed",
        "Requests that failed for good (retries did not fix them), by "
        "kind (status: a 5xx; exception: a download error).",
        ("kind",),
    )
    for kind, value in numbers["requests_failed"].items():
        failed.labels(spider, kind).inc(value)
    feeds = counter("newscrawl_feed_files", "Feed files closed, by result (stored, failed).", ("result",))
    # A stored file that was then removed as empty (a failed run, see remove_empty_local_files) is not stored.
    stored = sum(facts.feeds.get("stored_by_storage", {}).values()) - facts.feeds.get("removed_empty", 0)
    feeds.labels(spider, "stored").inc(max(stored, 0))
    feeds.labels(spider, "failed").inc(facts.feeds.get("files_failed", 0))

    coverage = gauge("newscrawl_field_coverage_ratio", "Share of the run's articles with the field filled.", ("field",))
    if numbers["articles"]["new"] + numbers["articles"]["updated"]:  # no article: no share to speak of
        for name, value in numbers["coverage"].items():
            coverage.labels(spider, name).set(value)
    checks = gauge("newscrawl_health_check_failed", "1 when the health check failed in this run, else 0.", ("check",))
    failed_ids = {parse_check(message)["check"] for message in facts.failed_checks}
    for check in sorted(set(known_checks(facts)) | failed_ids):
        checks.labels(spider, check).set(1 if check in failed_ids else 0)

    if (duration := facts.duration_seconds) is not None:
        gauge("newscrawl_run_duration_seconds", "Wall-clock duration of the run.").labels(spider).set(duration)
    if facts.started_at is not None:
        gauge("newscrawl_run_start_timestamp_seconds", "When the run started, Unix time.").labels(spider).set(
            facts.started_at.timestamp()
        )
    gauge("newscrawl_run_finish_timestamp_seconds", "When the run finished, Unix time.").labels(spider).set(
        facts.finished_at.timestamp()
    )
    gauge("newscrawl_run_exit_code", "Exit code of the run (0 ok, 1 failed, 2 bad argument, 3 locked).").labels(
        spider
    ).set(facts.exit_code)
    gauge("newscrawl_run_success", "1 when the run succeeded (exit code 0), else 0.").labels(spider).set(
        1 if facts.ok else 0
    )
    last_success = facts.finished_at.timestamp() if facts.ok else previous_success
    if last_success is not None:
        gauge(LAST_SUCCESS, "When a run of this spider last succeeded, Unix time.").labels(spider).set(last_success)
    return registry


def previous_success(path: str | Path, spider: str) -> float | None:
    """``newscrawl_last_success_timestamp_seconds`` for ``spider`` in an earlier textfile, if readable."""
    try:
        text = Path(path).read_text(encoding="utf-8")
        for family in text_string_to_metric_families(text):
            if family.name != LAST_SUCCESS:
                continue
            for sample in family.samples:
                if sample.labels.get("spider") == spider:
                    return float(sample.value)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        if not isinstance(exc, FileNotFoundError):
            logger.warning("metrics: cannot read the last success time from %s: %s", path, exc)
    return None


def write_textfile(path: str | Path, registry: CollectorRegistry) -> None:
    """Atomic: prometheus-client writes a temporary file beside it and renames it over the old one."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    write_to_textfile(str(path), registry)


def _address(url: str) -> tuple[str, str | None, str | None]:
    parts = urlsplit(url)
    address = urlunsplit((parts.scheme, parts.netloc.rsplit("@", 1)[-1], parts.path, parts.query, ""))
    return address, parts.username, parts.password


def gateway_success(url: str, spider: str, *, timeout: float = PUSH_TIMEOUT) -> float | None:
    """The last success the Pushgateway holds for ``spider`` (job ``newscrawl``), None if it holds none.

    Raises when the gateway cannot be read (the caller then keeps the old series with a POST).
    """
    import base64
    import urllib.request

    address, username, password = _address(url)
    if "://" not in address:
        address = "http://" + address
    request = urllib.request.Request(address.rstrip("/") + "/metrics")
    if username is not None or password is not None:
        token = base64.b64encode(f"{username or ''}:{password or ''}".encode()).decode("ascii")
        request.add_header("Authorization", f"Basic {token}")

    def get() -> str:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the operator's URL)
            return response.read().decode("utf-8")

    text = within(timeout, get, what="reading the Pushgateway")
    for family in text_string_to_metric_families(text):
        if family.name != LAST_SUCCESS:
            continue
        for sample in family.samples:
            if sample.labels.get("spider") == spider and sample.labels.get("job") == JOB:
                return float(sample.value)
    return None


def push(
    url: str, registry: CollectorRegistry, spider: str, *, replace: bool = True, timeout: float = PUSH_TIMEOUT
) -> None:
    """Send the registry to the Pushgateway at ``url`` (job ``newscrawl``, grouped by spider).

    ``replace``: a PUT replacing the whole group (the default); else a POST replacing only the metric
    names sent. A user and password in the URL (``https://user:pass@host``) become HTTP basic auth; they
    never reach a message. The whole request has a deadline of ``timeout`` seconds.
    """
    address, username, password = _address(url)

    def handler(url, method, timeout, headers, data):
        if username is not None or password is not None:
            return basic_auth_handler(url, method, timeout, headers, data, username or "", password or "")
        return default_handler(url, method, timeout, headers, data)

    send = push_to_gateway if replace else pushadd_to_gateway
    within(
        timeout,
        lambda: send(
            address, job=JOB, registry=registry, grouping_key={"spider": spider}, timeout=timeout, handler=handler
        ),
        what="the Pushgateway push",
    )
