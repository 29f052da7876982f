"""What one finished run amounts to, gathered once for the metrics, the alert and the report.

:func:`run_facts` reads the crawler's stats, the outcome and the feed delivery; every string that leaves
through :mod:`newscrawl.ops` passes :func:`scrub` first. The rule a reader must not break: nothing here
reads the environment, and no value goes out unscrubbed (credentials in URLs, the alert and Pushgateway
URLs themselves, the Redis password).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from newscrawl.outcome import FAILED, Outcome, feeds_failed, summary_lines
from newscrawl.sites.urls import redact_url

REDACTED = "[redacted]"
# A URL with a user or password in it (scheme://user:pass@host); redact_url rewrites it.
URL_WITH_USERINFO = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://[^\s/@\"']*@[^\s\"']*")
# Query parameters that carry a secret (presigned S3 URLs, tokens in webhooks).
SECRET_QUERY = re.compile(
    r"(?i)([?&](?:x-amz-[a-z-]*|token|access_token|key|secret|password|signature|sig)=)[^&\s\"']*"
)


@dataclass
class RunFacts:
    spider: str
    run_id: str
    exit_code: int
    reasons: list[str]
    started_at: datetime | None
    finished_at: datetime
    stats: dict[str, Any]
    failed_checks: list[str]
    summary: list[str]
    arguments: dict[str, str]
    health_enabled: bool
    coverage_fields: list[str]
    health_min_items: int = 5
    feeds: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at is None:
            return None
        return max((self.finished_at - self.started_at).total_seconds(), 0.0)


class Scrubber:
    """Removes secrets from text: URL credentials, secret query values, and known secret strings."""

    def __init__(self, secrets: list[str]):
        # Longest first, so that a URL is removed whole before a part of it.
        self.secrets = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)

    @classmethod
    def from_settings(cls, settings) -> Scrubber:
        secrets: list[str] = []
        for name in (
            "NEWSCRAWL_ALERT_URL",
            "NEWSCRAWL_PUSHGATEWAY_URL",
            "REDIS_URL",
            "NEWSCRAWL_FEED_URI",
            "NEWSCRAWL_WARC_URI",
            "SPLASH_URL",
        ):
            value = str(settings.get(name) or "")
            if not value:
                continue
            if name in ("NEWSCRAWL_ALERT_URL", "NEWSCRAWL_PUSHGATEWAY_URL"):
                secrets.append(value)  # a webhook's URL is its secret
            try:
                parts = urlsplit(value)
                secrets.append(parts.password or "")  # not the user name: "default" is a word too
            except ValueError:
                pass
        return cls(secrets)

    def text(self, value: str) -> str:
        value = URL_WITH_USERINFO.sub(lambda m: redact_url(m.group(0)), value)
        value = SECRET_QUERY.sub(lambda m: m.group(1) + REDACTED, value)
        for secret in self.secrets:
            value = value.replace(secret, REDACTED)
        return value

    def __call__(self, value: Any) -> Any:
        """``value`` with every string in it scrubbed; datetimes become ISO 8601 strings."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, datetime):
            return iso(value)
        if isinstance(value, dict):
            return {self.text(str(k)): self(v) for k, v in value.items()}
        if isinstance(value, (list, tuple, set, frozenset)):
            return [self(v) for v in value]
        if value is None or isinstance(value, (bool, int, float)):
            return value
        return self.text(str(value))


def iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def run_facts(crawler, outcome: Outcome | None, spider_args: dict, *, now: datetime | None = None) -> RunFacts:
    stats = dict(crawler.stats.get_stats()) if getattr(crawler, "stats", None) is not None else {}
    settings = crawler.settings
    spider = getattr(getattr(crawler, "spidercls", None), "name", None) or "unknown"
    finished = stats.get("finish_time") or now or datetime.now(UTC)
    started = stats.get("start_time")
    if outcome is None:
        outcome = Outcome(FAILED, ["the crawler failed to start (see the errors above)"])
        summary = ["run failed: " + "; ".join(outcome.reasons)]
    else:
        summary = summary_lines(stats, outcome)
    stamp = (started or finished).astimezone(UTC).strftime("%Y-%m-%dT%H-%M-%SZ")
    return RunFacts(
        spider=spider,
        run_id=f"{spider}/{stamp}",
        exit_code=outcome.exit_code,
        reasons=list(outcome.reasons),
        started_at=started,
        finished_at=finished,
        stats=stats,
        failed_checks=list(stats.get("newscrawl/health/failed_checks") or []),
        summary=summary,
        arguments={str(k): str(v) for k, v in (spider_args or {}).items()},
        health_enabled=settings.getbool("NEWSCRAWL_HEALTH_ENABLED", True),
        coverage_fields=sorted(settings.getdict("NEWSCRAWL_HEALTH_COVERAGE") or {}),
        health_min_items=settings.getint("NEWSCRAWL_HEALTH_MIN_ITEMS", 5),
        feeds=feed_facts(crawler, stats),
    )


def feed_facts(crawler, stats: dict) -> dict[str, Any]:
    """Where the run's items went: the configured feeds, the files stored and those that failed."""
    configured = []
    try:
        for uri, options in (crawler.settings.getdict("FEEDS") or {}).items():
            configured.append({"uri": str(uri), "format": (options or {}).get("format")})
    except (TypeError, ValueError):
        pass
    delivery = None
    try:
        from newscrawl.feeds.exporter import delivery_of

        delivery = delivery_of(crawler)
    except Exception:  # noqa: BLE001 (a report must not fail on a feed exporter that is not ours)
        delivery = None
    stored = {
        key.removeprefix("feedexport/success_count/"): value
        for key, value in sorted(stats.items())
        if key.startswith("feedexport/success_count/")
    }
    failed = {
        key.removeprefix("feedexport/failed_count/"): value
        for key, value in sorted(stats.items())
        if key.startswith("feedexport/failed_count/")
    }
    # An empty list is an answer (remove_empty_local_files removed every file): only None falls back.
    local_files = stats.get("newscrawl/feeds/local")
    if local_files is None:
        local_files = delivery.local_files if delivery else []
    failed_files = stats.get("newscrawl/feeds/failed")
    if failed_files is None:
        failed_files = delivery.failed if delivery else []
    return {
        "configured": configured,
        "stored_by_storage": stored,
        "failed_by_storage": failed,
        "files_failed": feeds_failed(stats),
        "local_files": list(local_files),
        "failed_files": list(failed_files),
        "items_durable": len(delivery.durable) if delivery else stats.get("newscrawl/feeds/durable"),
        "write_errors": stats.get("newscrawl/feeds/write_errors", 0),
        "removed_empty": stats.get("newscrawl/feeds/removed_empty", 0),
    }


def figures(stats: dict) -> dict[str, Any]:
    """The run's main figures, named as in the metrics (without the ``newscrawl_`` prefix)."""
    from newscrawl.extensions.health import failed_requests

    def prefixed(prefix: str) -> dict[str, int]:
        return {
            key.removeprefix(prefix): value
            for key, value in sorted(stats.items())
            if key.startswith(prefix) and isinstance(value, int) and not isinstance(value, bool)
        }

    emitted = stats.get("item_scraped_count", 0)
    updated = stats.get("newscrawl/state/updated", 0)
    deleted = stats.get("newscrawl/state/deleted", 0)
    new = stats.get("newscrawl/state/new", max(emitted - updated - deleted, 0))
    status_classes: dict[str, int] = {}
    for status, count in prefixed("downloader/response_status_count/").items():
        if status[:1].isdigit():
            status_classes[f"{status[0]}xx"] = status_classes.get(f"{status[0]}xx", 0) + count
    status_errors, exceptions = failed_requests(stats)
    return {
        "articles": {"new": new, "updated": updated, "deleted": deleted},
        "items_emitted": emitted,
        "dropped": prefixed("newscrawl/dropped/"),
        "held_back": prefixed("newscrawl/held_back/"),
        "pages": {
            "listing": stats.get("newscrawl/pages/listing", 0),
            "article": stats.get("newscrawl/pages/article", 0),
            "feed": stats.get("newscrawl/discovery/feeds/documents", 0),
            "sitemap": stats.get("newscrawl/discovery/sitemaps/documents", 0),
        },
        "requests": stats.get("downloader/request_count", 0),
        "requests_retried": stats.get("retry/count", 0),
        "article_fetches": prefixed("newscrawl/fetch/"),
        "http_responses": dict(sorted(status_classes.items())),
        "requests_failed": {"status": status_errors, "exception": exceptions},
        "coverage": {
            key.removeprefix("newscrawl/health/coverage/"): value
            for key, value in sorted(stats.items())
            if key.startswith("newscrawl/health/coverage/")
        },
        "links_found": {
            source: stats.get(f"newscrawl/discovery/{source}/urls", 0) for source in ("feeds", "sitemaps", "listings")
        },
    }


# Failed health checks as (id, pattern with the figures named): see newscrawl.extensions.health.
CHECK_FORMS: list[tuple[str, re.Pattern]] = [
    (
        "coverage",
        re.compile(
            r"coverage of (?P<field>\w+) (?P<share>\d+)% < (?P<minimum>\d+)% "
            r"\((?P<filled>\d+) of (?P<articles>\d+) articles\)"
        ),
    ),
    ("future_dates", re.compile(r"(?P<count>\d+) article\(s\) published after they were crawled")),
    (
        "midnight_dates",
        re.compile(
            r"(?P<share>\d+)% of published dates at midnight \((?P<count>\d+) of "
            r"(?P<dated>\d+)\) > (?P<maximum>\d+)%"
        ),
    ),
    (
        "jan1_dates",
        re.compile(
            r"(?P<share>\d+)% of published dates on January 1 \((?P<count>\d+) of "
            r"(?P<dated>\d+)\) > (?P<maximum>\d+)%"
        ),
    ),
    ("drops", re.compile(r"(?P<share>\d+)% of article pages dropped \((?P<by_reason>.*)\) > (?P<maximum>\d+)%")),
    (
        "fallback_body",
        re.compile(
            r"body found only by fallback selectors on (?P<share>\d+)% of article pages "
            r"\((?P<count>\d+) of (?P<pages>\d+)\) > (?P<maximum>\d+)%"
        ),
    ),
    ("held_back", re.compile(r"(?P<count>\d+) articles held back \((?P<by_reason>.*)\) > (?P<maximum>\d+)")),
    (
        "http_errors",
        re.compile(
            r"HTTP error rate (?P<share>\d+)% \((?P<errors>\d+) errors, (?P<responses>\d+) "
            r"responses\) > (?P<maximum>\d+)%"
        ),
    ),
]
CHECK_IDS = [name for name, _ in CHECK_FORMS if name != "coverage"]


def parse_check(message: str) -> dict[str, Any]:
    """A failed check's message as ``{"check": id, "message": ..., "figures": {...}}``.

    Shares and thresholds are given as fractions (``0.95``), counts as integers, ``by_reason`` as a dict
    of reason -> count; a message of an unknown form is ``check: "other"`` with no figures.
    """
    for name, form in CHECK_FORMS:
        if match := form.search(message):
            values: dict[str, Any] = {}
            for key, raw in match.groupdict().items():
                if key == "by_reason":  # "no_body 20, duplicate 1" -> {"no_body": 20, "duplicate": 1}
                    values[key] = _by_reason(raw)
                elif key in ("share", "minimum", "maximum") and not (name == "held_back" and key == "maximum"):
                    values[key] = int(raw) / 100
                elif raw.isdigit():
                    values[key] = int(raw)
                else:
                    values[key] = raw
            check = f"coverage_{values.pop('field')}" if name == "coverage" else name
            return {"check": check, "message": message, "figures": values}
    return {"check": "other", "message": message, "figures": {}}


def _by_reason(text: str) -> dict[str, int] | str:
    counts: dict[str, int] = {}
    for part in text.split(","):
        reason, _, count = part.strip().rpartition(" ")
        if not reason or not count.isdigit():
            return text  # not the health extension's form: kept as written
        counts[reason] = int(count)
    return counts


def known_checks(facts: RunFacts) -> list[str]:
    """The checks the health extension could judge in this run, by id (empty when it is switched off).

    As in ``newscrawl.extensions.health``: article checks need ``NEWSCRAWL_HEALTH_MIN_ITEMS`` articles,
    page checks as many article pages, the HTTP check as many responses; a check with too little to go on
    is neither passed nor failed, so it is left out.
    """
    if not facts.health_enabled:
        return []
    from newscrawl.extensions.health import failed_requests

    stats, minimum = facts.stats, facts.health_min_items
    articles = max(stats.get("item_scraped_count", 0) - stats.get("newscrawl/state/deleted", 0), 0)
    checks: list[str] = []
    if articles >= minimum:
        checks += [f"coverage_{name}" for name in facts.coverage_fields]
        checks += ["future_dates", "midnight_dates", "jan1_dates"]
    if stats.get("newscrawl/pages/article", 0) >= minimum:
        checks += ["drops", "fallback_body"]
    checks.append("held_back")
    if stats.get("response_received_count", 0) + failed_requests(stats)[1] >= minimum:
        checks.append("http_errors")
    return checks
