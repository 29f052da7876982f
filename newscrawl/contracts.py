"""Scrapy contracts for the albawabh spider's callbacks (``scrapy check albawabh``).

The callbacks' docstrings name pages of the real site (``@url https://www.albawabhnews.com/...``); the
``@url`` contract here fetches them from the crawl's ``base_url`` instead, so
``scrapy check albawabh -a base_url=http://127.0.0.1:8000`` checks the offline copy
(``./scripts/serve-site.sh``) and plain ``scrapy check albawabh`` the live site. Registered in
``SPIDER_CONTRACTS`` (settings.py): ``scrapy check`` reads contracts from the project's settings only,
never from a spider's ``custom_settings``.

- ``@url <url>``: the page to fetch, moved onto the spider's ``base_url``;
- ``@filled <field> ...``: every item has each field, not empty (``@scrapes`` accepts ``None``);
- ``@article <url>``: exactly one article, whose ``article_id`` is the id of the page fetched and whose
  ``url`` is the given canonical URL;
- ``@article_requests [min]``: every request stays on the crawl's host, and at least ``min`` (default 1)
  of them are article requests.
"""

from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter, is_item
from scrapy import Request
from scrapy.contracts import Contract
from scrapy.contracts.default import UrlContract
from scrapy.exceptions import ContractFail

from newscrawl.sites.urls import article_id_from_url


def _site(contract: Contract):
    spider = getattr(contract.method, "__self__", None)
    return getattr(spider, "site", None)


class SiteUrlContract(UrlContract):
    """``@url``, with the site's own URLs fetched from the crawl's ``base_url`` (replaces Scrapy's)."""

    name = "url"

    def __init__(self, method, *args: Any):
        super().__init__(method, *args)
        self.method = method

    def adjust_request_args(self, args: dict[str, Any]) -> dict[str, Any]:
        site = _site(self)
        url = self.args[0]
        if site is not None:
            url = site.crawl_url(url, f"{site.base_url}/") or url
        args["url"] = url
        return args


class FilledContract(Contract):
    """``@filled title body``: each item has these fields, none of them empty."""

    name = "filled"

    def post_process(self, output: list[Any]) -> None:
        for item in output:
            if is_item(item):
                adapter = ItemAdapter(item)
                empty = [field for field in self.args if field and not adapter.get(field)]
                if empty:
                    raise ContractFail(f"empty fields: {', '.join(empty)}")


class ArticleContract(Contract):
    """``@article https://www.albawabhnews.com/4912345``: one article, with that id and canonical URL."""

    name = "article"

    def post_process(self, output: list[Any]) -> None:
        items = [ItemAdapter(item) for item in output if is_item(item)]
        if len(items) != 1:
            raise ContractFail(f"expected one article, got {len(items)} items")
        expected_url = self.args[0]
        expected_id = article_id_from_url(expected_url)
        if items[0].get("article_id") != expected_id:
            raise ContractFail(f"article_id {items[0].get('article_id')!r}, expected {expected_id!r}")
        if items[0].get("url") != expected_url:
            raise ContractFail(f"url {items[0].get('url')!r}, expected {expected_url!r}")


class ArticleRequestsContract(Contract):
    """``@article_requests [min]``: requests stay on the crawl's host; at least ``min`` are for articles."""

    name = "article_requests"

    def __init__(self, method, *args: Any):
        super().__init__(method, *args)
        self.method = method
        given = [arg for arg in args if arg]  # a bare "@article_requests" gives one empty argument
        self.minimum = int(given[0]) if given else 1

    def post_process(self, output: list[Any]) -> None:
        site = _site(self)
        requests = [entry for entry in output if isinstance(entry, Request)]
        if site is not None:
            offsite = [r.url for r in requests if not r.url.startswith(f"{site.base_url}/")]
            if offsite:
                raise ContractFail(f"{len(offsite)} requests leave {site.base_url}, e.g. {offsite[0]}")
        articles = [r for r in requests if article_id_from_url(r.url)]
        if len(articles) < self.minimum:
            raise ContractFail(f"{len(articles)} article requests, expected at least {self.minimum}")
