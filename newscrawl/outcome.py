"""What a finished run amounts to: its exit code and the summary lines that close its log.

Pure functions over the crawl's stats. A run fails (exit 1) when

- a feed failed to store (``feedexport/failed_count/...``): the items are not where they should be (the
  local copy still holds them, and their state was not committed, so the next run emits them again); the
  reason names the cause (``newscrawl/feeds/failed_causes``: credentials, bucket, access...);
- no feed was stored at all (feed exports disabled by a configuration error);
- the state could not be committed (``newscrawl/state/commit_failed``);
- no listing or article page was reached (:func:`nothing_reached_reason` says which: the site did not
  answer, with the cause, e.g. "DNS lookup failed for nonexistent.invalid"; every listing asked for
  answered 404, a section that does not exist; or pages answered only errors), or listings answered but
  not one of them held an article link: the site's layout changed under us;
- the crawl stopped on a signal (SIGTERM, Ctrl-C) before it finished: whatever it wrote is consistent
  and committed, but the run is not complete;
- a pipeline raised on an article (``newscrawl/pipeline_errors``): that article is lost for this run;
- a health check failed (``newscrawl/health/failed_checks``, set by the health extension).

A run that finds nothing new is a success, and its summary says why and names ``NEWSCRAWL_STATE=off``.
A run that could not reach a listing, feed or sitemap (a 5xx that retries did not fix), or stopped at
``NEWSCRAWL_MAX_REQUESTS``, is a success but not *clean* (:func:`incomplete_reasons`): it confirms
nothing, so the next run pages past what it missed. Another run holding the state ends the run before it
starts, with exit code 3 (``LOCKED``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

OK, FAILED, BAD_ARGUMENT, LOCKED = 0, 1, 2, 3

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


def incomplete_reasons(stats: dict) -> list[str]:
    """Why a run did not reach everything it should have: what keeps it from confirming its records."""
    reasons = [f"{count} {kind} page(s) not reached" for kind in ("listings", "feeds", "sitemaps")
               if (count := stats.get(f"newscrawl/unreached/{kind}", 0))]
    if count := stats.get("newscrawl/listing/parse_error", 0):
        reasons.append(f"{count} listing page(s) could not be read")
    if count := stats.get("newscrawl/pipeline_errors", 0):
        reasons.append(f"{count} article(s) failed in a pipeline")
    if count := _sum(stats, "spider_exceptions/"):
        reasons.append(f"{count} callback error(s)")
    if stats.get("newscrawl/limits/requests_per_run"):
        reasons.append("the run stopped making requests at NEWSCRAWL_MAX_REQUESTS")
    return reasons


#: Scrapy's download exceptions (``downloader/exception_type_count/<class>``) -> what happened.
EXCEPTION_CAUSES = {
    "CannotResolveHostError": "DNS lookup failed", "DNSLookupError": "DNS lookup failed",
    "DownloadConnectionRefusedError": "connection refused", "ConnectionRefusedError": "connection refused",
    "DownloadTimeoutError": "no answer within the download timeout (NEWSCRAWL_DOWNLOAD_TIMEOUT)",
    "TimeoutError": "no answer within the download timeout (NEWSCRAWL_DOWNLOAD_TIMEOUT)",
    "TCPTimedOutError": "the connection timed out",
    "DownloadFailedError": "the connection failed", "ResponseNeverReceived": "the connection failed",
    "ResponseDataLossError": "the answer was cut short",
}


def download_cause(stats: dict) -> str:
    """What kept the site from answering: the first cause logged (``newscrawl.failures``), else the most
    frequent download exception's kind; empty when no download failed."""
    if cause := stats.get("newscrawl/failures/download"):
        return str(cause)
    counts = {key.rpartition(".")[2]: value for key, value in stats.items()
              if key.startswith("downloader/exception_type_count/") and not key.endswith(".IgnoreRequest")
              and isinstance(value, int)}
    if not counts:
        return ""
    name = max(counts, key=counts.get)
    return EXCEPTION_CAUSES.get(name, name)


def _http_statuses(stats: dict) -> str:
    """``http 503 x4, 403 x1`` over the site's pages (robots.txt left out)."""
    counts = {}
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/") and isinstance(value, int):
            status = key.rpartition("/")[2]
            counts[status] = value - stats.get(f"robotstxt/response_status_count/{status}", 0)
    return ", ".join(f"{status} x{count}" for status, count in sorted(counts.items()) if count > 0)


def nothing_reached_reason(stats: dict) -> str:
    """Why not one listing or article page answered: the site is unreachable, robots.txt alone answered
    and every page asked for was gone (404/410: a section that does not exist), or pages answered errors."""
    gone = {kind: count for kind in ("listings", "feeds", "sitemaps")
            if (count := stats.get(f"newscrawl/{kind}/not_found", 0))}
    unreached = _sum(stats, "newscrawl/unreached/")
    robots = stats.get("robotstxt/response_count", 0)
    if not stats.get("response_received_count", 0):
        cause = download_cause(stats)
        return "the site did not answer" + (f": {cause}" if cause else "")
    if gone and not unreached:
        what = ", ".join(f"{count} {kind[:-1]}(s)" for kind, count in gone.items())
        return (f"every listing, feed and sitemap asked for answered 404 or 410 ({what})"
                + ("; robots.txt answered, so the site is up: check -a sections" if robots else ""))
    statuses = _http_statuses(stats)
    cause = download_cause(stats)
    details = "; ".join(part for part in (f"http {statuses}" if statuses else "", cause) if part)
    where = "robots.txt answered but " if robots else ""
    return f"{where}no listing or article page was reached" + (f" ({details})" if details else "")


def nothing_new(stats: dict) -> int:
    """Article links found that lead to articles earlier runs delivered (a link seen in a feed and a listing
    counts twice), when the run emitted nothing (else 0)."""
    if stats.get("item_scraped_count", 0):
        return 0
    return (stats.get("newscrawl/revisit/skipped", 0) + stats.get("newscrawl/state/skipped", 0)
            + stats.get("newscrawl/revisit/not_modified", 0))


def run_outcome(stats: dict, settings=None) -> Outcome:
    outcome = Outcome()
    if failed := feeds_failed(stats):
        causes = list(dict.fromkeys(stats.get("newscrawl/feeds/failed_causes") or []))
        outcome.reasons.append(f"{failed} feed file(s) failed to store" + (f" ({'; '.join(causes)})" if causes else ""))
    elif not _sum(stats, "feedexport/success_count/"):
        outcome.reasons.append("no feed was stored (no feed is configured, or the feed settings were refused: see "
                               "the errors above)")
    if count := stats.get("newscrawl/feeds/write_errors"):
        outcome.reasons.append(f"{count} feed write(s) failed")
    if count := stats.get("newscrawl/pipeline_errors"):
        outcome.reasons.append(f"{count} article(s) failed in a pipeline (see the errors above)")
    if count := stats.get("newscrawl/warc/failed_uploads"):
        outcome.reasons.append(f"{count} WARC file(s) failed to upload (kept locally)")
    if count := stats.get("newscrawl/warc/write_errors"):
        outcome.reasons.append(f"{count} WARC write error(s): capture stopped (see the errors above)")
    if stats.get("newscrawl/state/commit_failed"):
        outcome.reasons.append("the state could not be committed")
    listings = stats.get("newscrawl/pages/listing", 0)
    # A distributed worker that joins when the run's pages are all taken fetches nothing, and is fine.
    other_workers_crawled = stats.get("newscrawl/distributed/run_seen", 0) > 0
    # A backfill that an earlier run finished asks nothing; an id range whose pages all answered 404 was reached.
    backfill_answered = bool(stats.get("newscrawl/backfill/finished_before") or stats.get("newscrawl/backfill/missing"))
    # Feeds and sitemaps that were read answer for the site as well as listings do (-a discover=feeds,sitemaps).
    documents = sum(stats.get(f"newscrawl/discovery/{source}/documents", 0)
                    - stats.get(f"newscrawl/discovery/{source}/failed", 0) for source in ("feeds", "sitemaps"))
    listed = sum(stats.get(f"newscrawl/discovery/{source}/urls", 0) for source in ("feeds", "sitemaps"))
    if (not listings and not stats.get("newscrawl/pages/article", 0) and not other_workers_crawled
            and not backfill_answered):
        if not documents:
            outcome.reasons.append(nothing_reached_reason(stats))
        elif not listed:
            outcome.reasons.append(f"{documents} feed and sitemap document(s) answered but listed no article")
    elif not listings and (gone := stats.get("newscrawl/listings/not_found", 0)) and not stats.get(
            "newscrawl/unreached/listings", 0):
        outcome.reasons.append(f"every listing page asked for answered 404 or 410 ({gone} listing(s)): check -a "
                               "sections")
    elif listings and not (stats.get("newscrawl/listing/cards", 0) or stats.get("newscrawl/listing/sidebar_links", 0)
                           or _sum(stats, "newscrawl/listing/links_outside")):
        outcome.reasons.append(f"{listings} listing page(s) answered but held no article link")
    reason = stats.get("finish_reason")
    if reason == "shutdown":
        outcome.reasons.append("the crawl stopped early (shutdown): it was interrupted (SIGTERM or Ctrl-C)")
    elif reason and reason not in COMPLETE_REASONS:
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
    if removed := stats.get("newscrawl/feeds/removed_empty"):
        local += f" (the run failed with nothing written: {removed} empty file(s) removed, no file was kept)"
    deleted = stats.get("newscrawl/state/deleted", 0)
    sources = ", ".join(f"{source} {stats.get(f'newscrawl/discovery/{source}/urls', 0)}"
                        + (f" ({n} documents failed)" if (n := stats.get(f"newscrawl/discovery/{source}/failed"))
                           else "")
                        for source in ("feeds", "sitemaps", "listings"))
    fetched = ", ".join(f"{reason} {count}" for reason in ("new", "changed", "revisit", "retry")
                        if (count := stats.get(f"newscrawl/fetch/{reason}", 0))) or "none"
    held = {key.removeprefix("newscrawl/held_back/"): value for key, value in sorted(stats.items())
            if key.startswith("newscrawl/held_back/")}
    # Left out on purpose by -a sections or a date window (newscrawl/filtered/...), not lost.
    filtered = {key.removeprefix("newscrawl/filtered/"): value for key, value in sorted(stats.items())
                if key.startswith("newscrawl/filtered/") and isinstance(value, int)}
    lines = [
        f"run summary: pages {stats.get('response_received_count', 0)} (listings {listings}, articles {articles}),"
        f" http 4xx {not_found}, 5xx {server_errors} (retried or not)",
        f"run summary: article links found: {sources}; fetched: {fetched}; not fetched (delivered, nothing due)"
        f" {stats.get('newscrawl/revisit/skipped', 0)}; answered 304 {stats.get('newscrawl/revisit/not_modified', 0)}",
        f"run summary: articles emitted {emitted} (new {new}, updated {updated}, deleted {deleted}),"
        f" fetched but unchanged {skipped}",
        "run summary: dropped " + (", ".join(f"{k} {v}" for k, v in drops.items()) or "none")
        + ("; held back " + ", ".join(f"{k} {v}" for k, v in held.items()) if held else "")
        + ("; filtered out " + ", ".join(f"{k} {v}" for k, v in filtered.items()) if filtered else ""),
        f"run summary: feed files stored {stored}, failed {failed}; local copy {local}",
    ]
    if incomplete := incomplete_reasons(stats):
        unreached = stats.get("newscrawl/unreached/urls") or []
        lines.append("run summary: not everything was reached (" + "; ".join(incomplete) + ")"
                     + (": " + ", ".join(unreached[:5]) if unreached else "")
                     + "; the next run pages past it")
    if delivered := nothing_new(stats):
        lines.append(f"run summary: nothing new: the {delivered} article link(s) found lead to articles earlier runs"
                     f" delivered (state {stats.get('newscrawl/state/where') or 'on'}); to crawl everything again, run"
                     " with NEWSCRAWL_STATE=off or a fresh NEWSCRAWL_STATE path")
    if "newscrawl/state/committed" in stats:
        waiting = stats.get("newscrawl/state/not_committed", 0)
        lines.append(f"run summary: state committed {stats['newscrawl/state/committed']}"
                     + (f", not committed {waiting} (emitted again next run)" if waiting else ""))
    if outcome.exit_code:
        lines.append("run failed: " + "; ".join(outcome.reasons))
    else:
        lines.append("run ok")
    return lines
