"""Operations: what a finished run tells machines (metrics, alerts, a report file).

Each output is switched on by its own setting and off while it is empty:

- ``NEWSCRAWL_METRICS_FILE``: Prometheus textfile for node-exporter's textfile collector (atomic);
- ``NEWSCRAWL_PUSHGATEWAY_URL``: the same metrics pushed to a Pushgateway (job ``newscrawl``);
- ``NEWSCRAWL_ALERT_URL``: one JSON POST when the run fails (``NEWSCRAWL_ALERT_ON=always``: every run);
- ``NEWSCRAWL_REPORT_FILE``: a JSON report of the run (atomic).

The rule a reader must not break: :func:`after_run` never raises and never changes the run's exit code;
an output that fails is one WARNING line. See docs/operations.md.
"""

from __future__ import annotations

import logging

logger = logging.getLogger("newscrawl.ops")


def after_run(crawler, outcome, spider_args: dict) -> None:
    """Called by the crawl command once the run's outcome is known; never raises."""
    try:
        _after_run(crawler, outcome, spider_args)
    except Exception as exc:  # noqa: BLE001 (the run's result stands whatever happens here)
        logger.warning("ops: the run's metrics, report or alert could not be made: %s", exc, exc_info=True)


def _after_run(crawler, outcome, spider_args: dict) -> None:
    settings = crawler.settings
    metrics_file = str(settings.get("NEWSCRAWL_METRICS_FILE") or "")
    pushgateway = str(settings.get("NEWSCRAWL_PUSHGATEWAY_URL") or "")
    alert_url = str(settings.get("NEWSCRAWL_ALERT_URL") or "")
    report_file = str(settings.get("NEWSCRAWL_REPORT_FILE") or "")
    if not (metrics_file or pushgateway or alert_url or report_file):
        return

    from newscrawl.ops.run import Scrubber, run_facts

    facts = run_facts(crawler, outcome, spider_args)
    scrub = Scrubber.from_settings(settings)
    if metrics_file or pushgateway:
        _metrics(facts, metrics_file, pushgateway, scrub)
    if report_file:
        from newscrawl.ops.report import report_document, write_report

        try:
            write_report(report_file, report_document(facts, scrub))
            logger.info("ops: run report written to %s", report_file)
        except Exception as exc:  # noqa: BLE001
            logger.warning("ops: the run report could not be written to %s: %s", report_file, scrub.text(str(exc)))
    if alert_url:
        from newscrawl.ops.alerts import ALERT_ON, alert_body, send, should_alert

        alert_on = str(settings.get("NEWSCRAWL_ALERT_ON") or "failure").strip().lower()
        if alert_on not in ALERT_ON:
            logger.warning(
                "ops: NEWSCRAWL_ALERT_ON=%r is not one of %s; alerting on failure only", alert_on, ", ".join(ALERT_ON)
            )
            alert_on = "failure"
        if should_alert(facts, alert_on):
            try:
                status = send(alert_url, alert_body(facts, scrub))
                logger.info("ops: alert sent (HTTP %s)", status)
            except Exception as exc:  # noqa: BLE001
                logger.warning("ops: the alert could not be sent: %s", scrub.text(str(exc)))


def _metrics(facts, metrics_file: str, pushgateway: str, scrub) -> None:
    import time

    from newscrawl.ops.metrics import (
        PUSH_TIMEOUT,
        build_registry,
        gateway_success,
        previous_success,
        push,
        write_textfile,
    )

    last = previous_success(metrics_file, facts.spider) if metrics_file and not facts.ok else None
    replace = True  # PUT: the group holds this run's series only (see newscrawl.ops.metrics)
    deadline = time.monotonic() + PUSH_TIMEOUT  # one budget for reading the gateway and pushing to it
    read_error = None
    if pushgateway and not facts.ok and last is None:
        try:
            last = gateway_success(pushgateway, facts.spider, timeout=PUSH_TIMEOUT)
        except Exception as exc:  # noqa: BLE001
            replace = False  # POST: keeps the gateway's last success, at the price of older series
            read_error = exc
    registry = build_registry(facts, last)
    if metrics_file:
        try:
            write_textfile(metrics_file, registry)
            logger.info("ops: metrics written to %s", metrics_file)
        except Exception as exc:  # noqa: BLE001
            logger.warning("ops: the metrics file %s could not be written: %s", metrics_file, scrub.text(str(exc)))
    if pushgateway:
        remaining = deadline - time.monotonic()
        if remaining < 0.5:
            logger.warning(
                "ops: the metrics could not be pushed to the Pushgateway: %s",
                scrub.text(str(read_error or TimeoutError(f"no time left of {PUSH_TIMEOUT:g} s"))),
            )
            return
        try:
            push(pushgateway, registry, facts.spider, replace=replace, timeout=remaining)
            how = "PUT" if replace else f"POST, its last success unreadable: {scrub.text(str(read_error))}"
            logger.info("ops: metrics pushed to the Pushgateway (%s)", how)
        except Exception as exc:  # noqa: BLE001
            logger.warning("ops: the metrics could not be pushed to the Pushgateway: %s", scrub.text(str(exc)))
