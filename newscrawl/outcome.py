"""What a finished run amounts to: its exit code and the summary lines that close its log.

Pure functions over the crawl's stats. A run fails (exit 1) when

- a feed failed to store (``feedexport/failed_count/...``): the items are not where they should be (the
  local copy still holds them, and their state was not committed, so the next run emits them again);
- no feed was stored at all (feed exports disabled by a configuration error);
- the state could not be committed (``newscrawl/state/commit_failed``);
- no page of the site answered (it is down or blocks us), or listings answered but not one of them held
  an article link: the site's layout changed under us;
- the crawl stopped on a signal (SIGTERM, Ctrl-C) before it finished: whatever it wrote is consistent
  and committed, but the run is not complete;
- a health check failed (``newscrawl/health/failed_checks``, set by the health extension).

A run that finds nothing new is a success.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, FAILED = 0, 1

COMPLETE_REASONS = ("finished", "closespider_itemcount", "closespider_pagecount", "closespider_timeout",
                    "closespider_errorcount")


@dataclass
class Outcome:
    exit_code: int = OK
    reasons: list[str] = field(default_factory=list)


def _sum(stats: dict, prefix: str) -> int:
    return sum(value for key, value in stats.items() if key.startswith(prefix) and isinstance(value, int))


def feeds_failed(stats: dict) -> int:
    """Feed files that failed to store in this run (Scrapy's ``feedexport/failed_count/<storage>``)."""
    return _sum(stats, "feedexport/failed_count/")


def run_outcome(stats: dict, settings=None) -> Outcome:
    outcome = Outcome()
    if failed := feeds_failed(stats):
        outcome.reasons.append(f"{failed} feed file(s) failed to store")
    elif not _sum(stats, "feedexport/success_count/"):
        outcome.reasons.append("no feed was stored (feed exports are disabled: see the errors above)")
    if stats.get("newscrawl/state/commit_failed"):
        outcome.reasons.append("the state could not be committed")
    listings = stats.get("newscrawl/pages/listing", 0)
    # A distributed worker that joins when the run's pages are all taken fetches nothing, and is fine.
    other_workers_crawled = stats.get("newscrawl/distributed/run_seen", 0) > 0
    if not listings and not stats.get("newscrawl/pages/article", 0) and not other_workers_crawled:
        outcome.reasons.append("no page of the site answered")
    elif listings and not (stats.get("newscrawl/listing/cards", 0) or stats.get("newscrawl/listing/sidebar_links", 0)
                           or _sum(stats, "newscrawl/listing/links_outside")):
        outcome.reasons.append(f"{listings} listing page(s) answered but held no article link")
    reason = stats.get("finish_reason")
    if reason and reason not in COMPLETE_REASONS:
        outcome.reasons.append(f"the crawl stopped early ({reason})")
    for check in stats.get("newscrawl/health/failed_checks", []) or []:
        outcome.reasons.append(f"health check failed: {check}")
    if outcome.reasons:
        outcome.exit_code = FAILED
    return outcome


def summary_lines(stats: dict, outcome: Outcome) -> list[str]:
    drops = {key.removeprefix("newscrawl/dropped/"): value for key, value in sorted(stats.items())
             if key.startswith("newscrawl/dropped/")}
    emitted = stats.get("item_scraped_count", 0)
    updated = stats.get("newscrawl/state/updated", 0)
    new = stats.get("newscrawl/state/new", emitted - updated)
    skipped = stats.get("newscrawl/state/skipped", 0)
    not_found, server_errors = (_sum(stats, f"downloader/response_status_count/{digit}")
                                - _sum(stats, f"robotstxt/response_status_count/{digit}") for digit in "45")
    listings, articles = stats.get("newscrawl/pages/listing", 0), stats.get("newscrawl/pages/article", 0)
    stored, failed = _sum(stats, "feedexport/success_count/"), feeds_failed(stats)
    local = ", ".join(stats.get("newscrawl/feeds/local") or []) or "none"
    lines = [
        f"run summary: pages {stats.get('response_received_count', 0)} (listings {listings}, articles {articles}),"
        f" http 4xx {not_found}, 5xx {server_errors} (retried or not)",
        f"run summary: articles emitted {emitted} (new {new}, updated {updated}),"
        f" skipped as already delivered {skipped}",
        "run summary: dropped " + (", ".join(f"{k} {v}" for k, v in drops.items()) or "none"),
        f"run summary: feed files stored {stored}, failed {failed}; local copy {local}",
    ]
    if "newscrawl/state/committed" in stats:
        waiting = stats.get("newscrawl/state/not_committed", 0)
        lines.append(f"run summary: state committed {stats['newscrawl/state/committed']}"
                     + (f", not committed {waiting} (emitted again next run)" if waiting else ""))
    if outcome.exit_code:
        lines.append("run failed: " + "; ".join(outcome.reasons))
    else:
        lines.append("run ok")
    return lines
