"""The contracts of ``newscrawl.contracts``, one by one (``scrapy check`` itself: test_debug_commands.py)."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import ContractFail
from scrapy.utils.test import get_crawler

from newscrawl.contracts import ArticleContract, ArticleRequestsContract, FilledContract, SiteUrlContract
from newscrawl.items import Article
from newscrawl.spiders.albawabh import AlbawabhSpider

BASE = "http://127.0.0.1:8000"


def spider(base_url: str = BASE) -> AlbawabhSpider:
    crawler = get_crawler(AlbawabhSpider)
    return crawler._create_spider(base_url=base_url)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("https://www.albawabhnews.com/category/72", f"{BASE}/category/72"),
        ("http://albawabhnews.com/4912345", f"{BASE}/4912345"),
        ("/rss/section/72", f"{BASE}/rss/section/72"),
        ("https://example.org/other", "https://example.org/other"),  # not the site: left alone
    ],
)
def test_url_follows_the_spiders_base_url(given, expected):
    contract = SiteUrlContract(spider().parse_listing, given)
    assert contract.adjust_request_args({})["url"] == expected


def test_url_on_the_live_site_is_unchanged():
    contract = SiteUrlContract(spider("https://www.albawabhnews.com").parse_listing,
                               "https://www.albawabhnews.com/category/72")
    assert contract.adjust_request_args({})["url"] == "https://www.albawabhnews.com/category/72"


def article(**fields) -> Article:
    values = {"url": "https://www.albawabhnews.com/4912345", "article_id": "4912345", "title": "عنوان",
              "body": "نص"}
    return Article(**{**values, **fields})


def test_filled_fails_on_an_empty_field():
    contract = FilledContract(spider().parse_article, "title", "body")
    contract.post_process([article()])
    with pytest.raises(ContractFail, match="empty fields: body"):
        contract.post_process([article(body="")])


def test_article_checks_the_id_and_the_canonical_url():
    contract = ArticleContract(spider().parse_article, "https://www.albawabhnews.com/4912345")
    contract.post_process([article(), Request(f"{BASE}/4910876")])
    with pytest.raises(ContractFail, match="article_id"):
        contract.post_process([article(article_id="4900000")])
    with pytest.raises(ContractFail, match="one article"):
        contract.post_process([])


def test_article_requests_stay_on_the_crawled_host():
    contract = ArticleRequestsContract(spider().parse_listing, "2")
    contract.post_process([Request(f"{BASE}/4912345"), Request(f"{BASE}/4912010"), Request(f"{BASE}/category/1")])
    with pytest.raises(ContractFail, match="leave"):
        contract.post_process([Request(f"{BASE}/4912345"), Request("https://www.albawabhnews.com/4912010")])
    with pytest.raises(ContractFail, match="at least 2"):
        contract.post_process([Request(f"{BASE}/4912345")])
