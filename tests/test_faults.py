"""The real ``scrapy crawl albawabh`` against fault-injecting copies of the site (tests/site/server.py).

Three crawls, each run once per module:

- ``standard``: one of each fault of the issue -- 503s that recover after two tries, a stall past the
  download timeout, a body cut short of its Content-Length, a 200 CMS error page, a redirect loop, a 10 MB
  response -- plus a redirect to another host. Every real article must come out once and whole, the error
  page must be dropped with a counted reason, nothing else is emitted, and the run finishes.
- ``all``: the same plus their variants (a flaky listing page, a reset connection, a cut chunked body,
  the site's own error page, a two-step redirect cycle, an unsized 10 MB body, robots-disallowed links).
- ``gaps``: faults that take more than Scrapy's defaults: a CMS error page that recovers on retry, an
  error rendered inside the article template, a close-delimited body cut short (the spider retries the
  first and last and drops them as ``error_page``/``partial_body`` once retries ran out).

The stall lasts 3 s and the crawl runs with ``DOWNLOAD_TIMEOUT=2``.
"""

from __future__ import annotations

import itertools
import re

import pytest

from tests.article_checks import CHECKED_FIELDS, check_field
from tests.conftest import run_crawl

pytestmark = pytest.mark.crawl

TIMEOUT_ARGS = ("-s", "DOWNLOAD_TIMEOUT=2")
STALL_SECONDS = 3.0
REDIRECT_MAX_TIMES = 5  # newscrawl.settings
RETRY_TIMES = 3  # newscrawl.settings
LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d ")
STAT_LINE = re.compile(r"^[{ ]'([^']+)': (-?\d+(?:\.\d+)?)[,}]?$", re.MULTILINE)


def crawl_stats(log: str) -> dict[str, object]:
    """The numeric stats of Scrapy's end-of-run dump ("Dumping Scrapy stats:") in a crawl's log."""
    lines = log.split("Dumping Scrapy stats:", 1)[-1].splitlines()[1:]
    block = "\n".join(line for line in itertools.takewhile(lambda line: not LOG_LINE.match(line), lines))
    return {key: float(value) if "." in value else int(value)
            for key, value in STAT_LINE.findall(block)}


def fault_targets(server, kind: str) -> list[str]:
    return [fault.target for fault in server.fault_list if fault.kind == kind]


@pytest.fixture(scope="module")
def offsite():
    """Another host on loopback (127.0.0.2): the target of offsite links and redirects. None if unbindable."""
    from tests.site.server import serve

    try:
        server, _, _ = serve(host="127.0.0.2")
    except OSError:
        yield None
        return
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _crawl(preset, tmp_path_factory, offsite):
    from tests.site.server import serve

    server, _, base_url = serve(faults=preset, stall_seconds=STALL_SECONDS,
                                offsite_base=offsite.base_url if offsite else None)
    try:
        result = run_crawl(tmp_path_factory.mktemp("faults"), "-a", f"base_url={base_url}", *TIMEOUT_ARGS,
                           env={"NEWSCRAWL_STATE": "off"})
        result.server = server
        result.hits = server.hits
        result.stats = crawl_stats(result.log)
        result.offsite_hits = offsite.hits if offsite else None
        return result
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def standard(tmp_path_factory, offsite):
    return _crawl("standard", tmp_path_factory, offsite)


@pytest.fixture(scope="module")
def every_fault(tmp_path_factory, offsite):
    return _crawl("all", tmp_path_factory, offsite)


@pytest.fixture(scope="module")
def gaps(tmp_path_factory, offsite):
    return _crawl("cms_error_once:/4912588,cms_error_template:/4999012,truncate_unsized:/4912345",
                  tmp_path_factory, offsite)


def dropped(result) -> dict[str, int]:
    """Drop reason -> count, from the crawl's ``newscrawl/dropped/<reason>`` stats."""
    return {key.removeprefix("newscrawl/dropped/"): n for key, n in result.stats.items()
            if key.startswith("newscrawl/dropped/")}


# -- standard: the faults of the issue -----------------------------------------------------------------
def test_the_crawl_finishes(standard):
    assert "Spider closed (finished)" in standard.log, standard.log[-3000:]
    assert "run summary: articles emitted" in standard.log


def test_every_article_exactly_once_and_nothing_else(standard, expected):
    ids = [item["article_id"] for item in standard.items]
    assert sorted(ids) == sorted(a["article_id"] for a in expected["articles"])


def test_the_run_succeeds_when_every_real_article_was_emitted(standard):
    assert standard.returncode == 0, [line for line in standard.log.splitlines() if "health check failed" in line]


@pytest.mark.parametrize(("kind", "requests", "retry_reason"), [
    pytest.param("flaky", 3, "503 Service Unavailable", id="503-twice"),
    pytest.param("stall", 2, "scrapy.exceptions.DownloadTimeoutError", id="stall"),
    pytest.param("truncate", 2, "scrapy.exceptions.ResponseDataLossError", id="truncated"),
])
def test_transient_faults_are_retried(standard, kind, requests, retry_reason):
    (target,) = fault_targets(standard.server, kind)
    assert standard.hits.get(target) == requests
    assert standard.stats.get(f"retry/reason_count/{retry_reason}", 0) >= requests - 1
    assert standard.stats.get("retry/max_reached", 0) == 0


@pytest.mark.parametrize("kind", ["flaky", "stall", "truncate"])
def test_articles_behind_transient_faults_are_emitted_whole(standard, expected, kind):
    (target,) = fault_targets(standard.server, kind)
    article = next(a for a in expected["articles"] if a["article_id"] == target.strip("/"))
    item = next(i for i in standard.items if i["article_id"] == article["article_id"])
    for field in CHECKED_FIELDS:
        check_field(item, article, field, expected)


def test_the_cms_error_page_is_dropped_with_a_counted_reason(standard):
    (target,) = fault_targets(standard.server, "cms_error")
    assert 1 <= standard.hits.get(target, 0) <= 1 + RETRY_TIMES  # retrying an error page is fine, a loop is not
    assert target.strip("/") not in {item["article_id"] for item in standard.items}
    # Every real article was emitted and the other fault pages never reach the spider: the one drop is it.
    (reason,) = dropped(standard)
    assert dropped(standard) == {reason: 1}
    assert f"run summary: dropped {reason} 1" in standard.log


def test_the_redirect_loop_ends_at_redirect_max_times(standard):
    (target,) = fault_targets(standard.server, "redirect_loop")
    loop = {path: n for path, n in standard.hits.items() if path.split("?")[0] == target}
    assert sum(loop.values()) == 1 + REDIRECT_MAX_TIMES
    assert all(n == 1 for n in loop.values())
    assert target.strip("/") not in {item["article_id"] for item in standard.items}


def test_the_10_mb_response_is_cut_off_once_and_logged(standard):
    (target,) = fault_targets(standard.server, "huge")
    assert standard.hits.get(target) == 1  # a size cap is final: never retried
    assert standard.stats.get("downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError") == 1
    assert "larger than download max size (8388608)" in standard.log
    assert target.strip("/") not in {item["article_id"] for item in standard.items}


def test_a_redirect_to_another_host_is_never_followed(standard, offsite):
    (target,) = fault_targets(standard.server, "offsite_redirect")
    assert standard.hits.get(target) == 1
    assert standard.stats.get("offsite/filtered", 0) >= 1
    if offsite is None:
        pytest.skip("127.0.0.2 cannot be bound here: no second host to count requests at")
    assert standard.offsite_hits == {}


# -- all: the variants ---------------------------------------------------------------------------------
def test_every_article_exactly_once_under_every_fault(every_fault, expected):
    ids = [item["article_id"] for item in every_fault.items]
    assert sorted(ids) == sorted(a["article_id"] for a in expected["articles"])
    assert "Spider closed (finished)" in every_fault.log


@pytest.mark.parametrize("kind", ["reset", "truncate_chunked"])
def test_articles_behind_connection_faults_are_retried_and_whole(every_fault, expected, kind):
    (target,) = fault_targets(every_fault.server, kind)
    assert every_fault.hits.get(target) == 2
    article = next(a for a in expected["articles"] if a["article_id"] == target.strip("/"))
    item = next(i for i in every_fault.items if i["article_id"] == article["article_id"])
    for field in CHECKED_FIELDS:
        check_field(item, article, field, expected)


def test_a_flaky_listing_page_is_retried(every_fault):
    assert every_fault.hits.get("/category/72?page=2") == 3
    assert every_fault.hits.get("/category/72?page=3") == 1  # its pager link was followed


def test_both_error_pages_are_dropped_with_counted_reasons(every_fault):
    error_ids = {t.strip("/") for kind in ("cms_error", "error_page") for t in fault_targets(every_fault.server, kind)}
    assert not error_ids & {item["article_id"] for item in every_fault.items}
    assert sum(dropped(every_fault).values()) == len(error_ids)


def test_the_redirect_cycle_ends_without_an_item(every_fault):
    (target,) = fault_targets(every_fault.server, "redirect_cycle")
    assert every_fault.hits.get(target) == 1
    assert every_fault.hits.get(f"{target}?via=b") == 1
    assert target.strip("/") not in {item["article_id"] for item in every_fault.items}


def test_both_10_mb_responses_are_cut_off(every_fault):
    for target in fault_targets(every_fault.server, "huge") + fault_targets(every_fault.server, "huge_unsized"):
        assert every_fault.hits.get(target) == 1, target
    assert every_fault.stats.get("downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError") == 2


def test_nothing_is_retried_to_exhaustion(every_fault):
    assert every_fault.stats.get("retry/max_reached", 0) == 0


# -- gaps: faults the crawler does not handle yet ------------------------------------------------------
def test_an_article_behind_a_transient_cms_error_is_emitted(gaps):
    assert "4912588" in {item["article_id"] for item in gaps.items}
    assert gaps.hits.get("/4912588") == 2


def test_an_error_inside_the_article_template_is_not_an_article(gaps):
    assert "4999012" not in {item["article_id"] for item in gaps.items}
    assert dropped(gaps).get("error_page") == 1


def test_a_close_delimited_body_cut_short_is_retried(gaps, expected):
    article = next(a for a in expected["articles"] if a["article_id"] == "4912345")
    item = next(i for i in gaps.items if i["article_id"] == "4912345")
    assert gaps.hits.get("/4912345") == 2
    for field in ("body_last", "body_block_count", "tags"):
        check_field(item, article, field, expected)
