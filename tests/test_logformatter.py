"""The log formatter: per-page DEBUG lines are made only when Scrapy's handler would let them through."""

from __future__ import annotations

import logging

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from newscrawl.logformatter import NewscrawlLogFormatter, configured_level

URL = "http://127.0.0.1/4909940"


def formatter(**settings) -> NewscrawlLogFormatter:
    return NewscrawlLogFormatter.from_crawler(get_crawler(settings_dict=settings))


def lines(fmt: NewscrawlLogFormatter) -> tuple:
    response = HtmlResponse(URL, body=b"<html></html>", request=Request(URL))
    return fmt.crawled(response.request, response, None), fmt.scraped({"url": URL}, response, None)


@pytest.mark.parametrize("level", ["INFO", "info", "WARNING", logging.INFO, "ERROR"])
def test_above_debug_the_per_page_lines_are_not_made(level):
    assert lines(formatter(LOG_LEVEL=level)) == (None, None)


@pytest.mark.parametrize("settings", [{"LOG_LEVEL": "DEBUG"}, {"LOG_LEVEL": logging.DEBUG},
                                      {"LOG_LEVEL": "INFO", "LOG_ENABLED": False}, {"LOG_LEVEL": "NO-SUCH-LEVEL"}])
def test_at_debug_or_without_scrapy_s_handler_they_are(settings):
    crawled, scraped = lines(formatter(**settings))
    assert crawled["level"] == logging.DEBUG and "Crawled (200)" in crawled["msg"] % crawled["args"]
    assert scraped["level"] == logging.DEBUG and scraped["msg"].startswith("Scraped from")


def test_warnings_are_still_made_above_debug():
    assert configured_level(get_crawler(settings_dict={"LOG_LEVEL": " info "}).settings) == logging.INFO
    from scrapy import Spider
    from scrapy.exceptions import DropItem

    crawler = get_crawler(settings_dict={"LOG_LEVEL": "INFO"})
    fmt = NewscrawlLogFormatter.from_crawler(crawler)
    response = HtmlResponse(URL, body=b"", request=Request(URL))
    dropped = fmt.dropped({"url": URL}, DropItem("no title"), response, Spider.from_crawler(crawler, name="t"))
    assert dropped["level"] == logging.WARNING and dropped["msg"] % dropped["args"] == "Dropped: no title"
