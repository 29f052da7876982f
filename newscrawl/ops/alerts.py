"""One JSON POST to ``NEWSCRAWL_ALERT_URL`` when a run fails (or after every run with ``NEWSCRAWL_ALERT_ON=always``).

The body is a Slack/Mattermost incoming-webhook message (``text``) with the structured fields beside it
(``status``, ``spider``, ``run_id``, ``exit_code``, ``reasons``, ``failed_checks`` with their figures,
``summary``, ``figures``). One attempt, a total deadline of 5 s (not per read), never an exception: an
alert that cannot be sent is one WARNING line. Every string in it has passed :class:`newscrawl.ops.run.Scrubber`.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

from newscrawl.ops.deadline import within
from newscrawl.ops.run import RunFacts, Scrubber, figures, iso, parse_check

ALERT_TIMEOUT = 5.0  # seconds
ALERT_ON = ("failure", "always")


def should_alert(facts: RunFacts, alert_on: str) -> bool:
    return not facts.ok or alert_on.strip().lower() == "always"


def alert_body(facts: RunFacts, scrub: Scrubber) -> dict[str, Any]:
    status = "ok" if facts.ok else "failed"
    checks = [parse_check(message) for message in facts.failed_checks]
    headline = f"newscrawl {facts.spider}: run {status.upper()} (exit code {facts.exit_code}), run {facts.run_id}"
    lines = [headline]
    lines += [f"• {reason}" for reason in facts.reasons if not reason.startswith("health check failed: ")]
    lines += [f"• health check failed: {check['message']}" for check in checks]
    lines += [line for line in facts.summary if line.startswith("run summary: ")]
    body = {
        "text": "\n".join(lines),
        "status": status,
        "spider": facts.spider,
        "run_id": facts.run_id,
        "exit_code": facts.exit_code,
        "reasons": facts.reasons,
        "failed_checks": checks,
        "summary": facts.summary,
        "figures": figures(facts.stats),
        "started_at": iso(facts.started_at),
        "finished_at": iso(facts.finished_at),
        "duration_seconds": facts.duration_seconds,
    }
    return scrub(body)


def send(url: str, body: dict[str, Any], *, timeout: float = ALERT_TIMEOUT) -> int:
    """POST ``body`` as JSON; the HTTP status, or raise (``OSError``, ``urllib.error.URLError``...)."""
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "newscrawl-alert"},
    )

    def post() -> int:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (the operator's URL)
            response.read()
            return response.status

    # ``timeout`` is a total deadline: urllib's own is per socket read (see newscrawl.ops.deadline).
    return within(timeout, post, what="the alert POST")
