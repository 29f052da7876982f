"""What a finished run amounts to: its exit code and the summary lines that close its log.

Pure functions over the crawl's stats. A run fails (exit 1) when

- a feed failed to store (``feedexport/failed_count/...``): the items are not where they should be;
- listings answered but not one of them held an article link: the site's layout changed under us;
- the crawl stopped on a signal (SIGTERM, Ctrl-C) before it finished: whatever it wrote is consistent,
  but the run is not complete;
- a health check failed (``newscrawl/health/failed``, set by the health extension).

A run that finds nothing new is a success.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, FAILED = 0, 1


@dataclass
class Outcome:
    exit_code: int = OK
    reasons: list[str] = field(default_factory=list)


def _sum(stats: dict, prefix: str) -> int:
    return sum(value for key, value in stats.items() if key.startswith(prefix) and isinstance(value, int))


def run_outcome(stats: dict, settings=None) -> Outcome:
    outcome = Outcome()
    if failed := _sum(stats, "feedexport/failed_count/"):
        outcome.reasons.append(f"{failed} feed(s) failed to store")
    listings = stats.get("newscrawl/pages/listing", 0)
    if listings and not stats.get("newscrawl/listing/cards", 0) and not _sum(stats, "newscrawl/listing/links_outside"):
        if not stats.get("newscrawl/listing/sidebar_links", 0):
            outcome.reasons.append(f"{listings} listing page(s) answered but held no article link")
    reason = stats.get("finish_reason")
    if reason and reason not in ("finished", "closespider_itemcount", "closespider_pagecount",
                                 "closespider_timeout", "closespider_errorcount"):
        outcome.reasons.append(f"the crawl stopped early ({reason})")
    for check in stats.get("newscrawl/health/failed_checks", []) or []:
        outcome.reasons.append(f"health check failed: {check}")
    if outcome.reasons:
        outcome.exit_code = FAILED
    return outcome


def summary_lines(stats: dict, outcome: Outcome) -> list[str]:
    drops = {key.removeprefix("newscrawl/dropped/"): value for key, value in sorted(stats.items())
             if key.startswith("newscrawl/dropped/")}
    feeds = _sum(stats, "feedexport/success_count/")
    lines = [
        "run summary: pages %d (listings %d, articles %d), http errors %d"
        % (stats.get("response_received_count", 0), stats.get("newscrawl/pages/listing", 0),
           stats.get("newscrawl/pages/article", 0), _sum(stats, "downloader/response_status_count/4")
           + _sum(stats, "downloader/response_status_count/5")),
        "run summary: articles emitted %d (new %d, updated %d, skipped as seen %d)"
        % (stats.get("newscrawl/items/emitted", 0), stats.get("newscrawl/state/new", stats.get("newscrawl/items/emitted", 0)),
           stats.get("newscrawl/state/updated", 0), stats.get("newscrawl/state/skipped", 0)),
        "run summary: dropped %s" % (", ".join(f"{k} {v}" for k, v in drops.items()) or "none"),
        "run summary: feeds stored %d, failed %d" % (feeds, _sum(stats, "feedexport/failed_count/")),
    ]
    if outcome.exit_code:
        lines.append("run failed: " + "; ".join(outcome.reasons))
    else:
        lines.append("run ok")
    return lines
