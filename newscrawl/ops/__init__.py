"""Operations: what a finished run tells machines (metrics, alerts, a report file)."""

from __future__ import annotations


def after_run(crawler, outcome, spider_args: dict) -> None:
    """Called by the crawl command once the run's outcome is known; never raises."""
