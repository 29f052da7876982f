"""The crawl-health checks, on tallies built from items as a crawl would emit them."""

from newscrawl.extensions.health import DEFAULT_COVERAGE, RunTally, Thresholds, health_checks
from newscrawl.items import Article

THRESHOLDS = Thresholds(coverage=DEFAULT_COVERAGE, min_items=5)


def article(n: int, **overrides) -> Article:
    fields = dict(url=f"https://www.albawabhnews.com/49100{n:02d}", article_id=f"49100{n:02d}", title="عنوان",
                  section="العالم", author="البوابة نيوز", body="نص",
                  published_at=f"2023-11-{n % 28 + 1:02d}T13:47:00+02:00", crawled_at="2026-11-29T12:00:00+00:00")
    fields.update(overrides)
    return Article(**fields)


def tally(items) -> RunTally:
    result = RunTally()
    for item in items:
        result.add(item, DEFAULT_COVERAGE)
    return result


def test_a_healthy_run_passes():
    assert health_checks(tally(article(n) for n in range(20)), {}, THRESHOLDS) == []


def test_a_missing_author_everywhere_fails_with_figures():
    failed = health_checks(tally(article(n, author=None) for n in range(20)), {}, THRESHOLDS)
    assert failed == ["coverage of author 0% < 90% (0 of 20 articles)"]


def test_published_at_may_miss_on_one_page_in_twenty_but_not_two():
    items = [article(n, published_at=None if n < 1 else article(n).published_at) for n in range(20)]
    assert health_checks(tally(items), {}, THRESHOLDS) == []
    items = [article(n, published_at=None if n < 2 else article(n).published_at) for n in range(20)]
    assert health_checks(tally(items), {}, THRESHOLDS) == ["coverage of published_at 90% < 95% (18 of 20 articles)"]


def test_dates_piled_on_january_first_at_midnight_fail():
    failed = health_checks(tally(article(n, published_at="2023-01-01T00:00:00+02:00") for n in range(10)), {},
                           THRESHOLDS)
    assert "100% of published dates at midnight (10 of 10) > 50%" in failed
    assert "100% of published dates on January 1 (10 of 10) > 20%" in failed


def test_future_dates_fail():
    failed = health_checks(tally([article(1, published_at="2027-01-05T10:00:00+02:00")] +
                                 [article(n) for n in range(2, 8)]), {}, THRESHOLDS)
    assert failed == ["1 article(s) published after they were crawled"]


def test_a_small_run_skips_item_checks():
    assert health_checks(tally([article(1, author=None, section=None)]), {}, THRESHOLDS) == []


def test_drop_and_error_rates():
    stats = {"newscrawl/pages/article": 20, "newscrawl/dropped/no_body": 5, "response_received_count": 30,
             "downloader/response_status_count/503": 6, "downloader/exception_count": 2}
    failed = health_checks(tally(article(n) for n in range(15)), stats, THRESHOLDS)
    assert failed == ["25% of article pages dropped (no_body 5) > 10%",
                      "HTTP error rate 25% (8 errors, 30 responses) > 10%"]


def test_bodies_found_by_fallback_selectors_mean_the_layout_changed():
    stats = {"newscrawl/pages/article": 20, "newscrawl/extract/body/dom_fallback": 20}
    failed = health_checks(tally(article(n) for n in range(20)), stats, THRESHOLDS)
    assert failed == ["body found only by fallback selectors on 100% of article pages (20 of 20) > 10%: "
                      "the article layout changed"]
    stats = {"newscrawl/pages/article": 20, "newscrawl/extract/body/dom_fallback": 2}
    assert health_checks(tally(article(n) for n in range(20)), stats, THRESHOLDS) == []


def test_failures_that_a_retry_recovered_are_not_http_errors():
    stats = {"response_received_count": 40, "downloader/response_status_count/503": 4,
             "retry/reason_count/503 Service Unavailable": 4, "downloader/exception_count": 3,
             "retry/reason_count/twisted.internet.error.TimeoutError": 2,
             "downloader/exception_type_count/scrapy.exceptions.IgnoreRequest": 1}
    assert health_checks(tally(article(n) for n in range(10)), stats, THRESHOLDS) == []
    stats["downloader/response_status_count/503"] = 10  # six 503s were never recovered
    assert health_checks(tally(article(n) for n in range(10)), stats, THRESHOLDS) == [
        "HTTP error rate 15% (6 errors, 40 responses) > 10%"]
