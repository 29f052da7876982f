"""The benchmark's page-size axis: a generated site padded with the live portal's chrome (``--page-kb``).

What must hold for the padded pages to measure the same crawl on heavier pages: every byte of today's page
is still there, in order (the ``<head>``'s tags and the ``<article class="cont">`` element untouched);
extraction gives the same item, field by field, for each of the 23 hand-written templates; article pages
weigh what the live site's do (80-120 KB at ``--page-kb 100``); and no chrome link leads a crawl to a page
it would not fetch anyway, so both spiders fetch the same pages as on today's site.
"""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from benchmarks.site import FIRST_ID, build_site
from newscrawl.items import Article
from newscrawl.sites.albawabh import ArticlePage
from tests.site import content as C

TEMPLATES = len(C.ARTICLES)  # 23: a site of this many articles holds each template once
CRAWLED_AT = "2026-11-29T12:00:00+00:00"
EXTERNAL_OK = ("http://", "https://", "whatsapp:", "mailto:")


@pytest.fixture(scope="module")
def sites():
    return build_site(TEMPLATES), build_site(TEMPLATES, page_kb=100)


def html_pages(site):
    return {t: body.decode() for t, (ctype, body) in site.pages.items() if ctype.startswith("text/html")}


def test_every_html_page_is_padded_and_keeps_every_line_of_todays_page_in_order(sites):
    plain, padded = sites
    plain_pages, padded_pages = html_pages(plain), html_pages(padded)
    assert plain_pages.keys() == padded_pages.keys()
    assert len(plain_pages) == 1 + 9 + TEMPLATES  # home, one listing page per section, the articles
    for target, text in plain_pages.items():
        big = padded_pages[target]
        assert len(big.encode()) > len(text.encode()) + 60 * 1024, target
        lines = iter(big.split("\n"))
        missing = [line for line in text.split("\n") if line not in lines]
        assert not missing, (target, missing[:3])


def test_head_tags_and_article_element_are_byte_identical(sites):
    plain, padded = sites
    for article_id in plain.article_ids:
        text, big = html_pages(plain)[f"/{article_id}"], html_pages(padded)[f"/{article_id}"]
        head = text[: text.index("</head>")]
        assert big.startswith(head)  # the chrome's head tags come after every tag the page had
        article = text[text.index('<article class="cont"'): text.index("</article>") + len("</article>")]
        assert big.count(article) == 1
        assert big.count("<article") == 1 and big.count("</article>") == 1
        assert big.count("<h1") == text.count("<h1")


def test_padded_article_pages_weigh_what_the_live_sites_do(sites):
    _, padded = sites
    sizes = [len(padded.pages[f"/{i}"][1]) / 1024 for i in padded.article_ids]
    assert all(80 <= kb <= 120 for kb in sizes), sizes
    assert 95 <= sum(sizes) / len(sizes) <= 105


def test_chrome_is_mostly_markup_and_scripts_in_the_proportions_asked(sites):
    _, padded = sites
    text = html_pages(padded)[f"/{FIRST_ID}"]
    head_kb = len(text[: text.index("</head>")].encode()) / 1024
    tail_kb = len(text[text.rindex("</footer>"):].encode()) / 1024
    assert 25 <= head_kb <= 40, head_kb
    assert 12 <= tail_kb <= 30, tail_kb
    root = Selector(text=text)
    assert len(root.css("header a")) >= 2 * (9 + 60)  # two mastheads, each the sections and 60+ more links
    assert len(root.css("footer a")) >= 100
    assert len(root.css("div.ticker a")) == 10
    # the sidebar's extra lists sit in the aside, outside the article
    assert root.css("aside.col-side div.news-grid div.item-card")
    assert not root.css("article.cont aside, article.cont div.news-grid, article.cont div.ticker")
    ld_types = [re.search(r'"@type": "(\w+)"', block).group(1)
                for block in root.css("script[type='application/ld+json']::text").getall()]
    assert {"WebSite", "BreadcrumbList"} <= set(ld_types)


def item_fields(item: Article | None) -> dict:
    assert item is not None
    return {f.name: getattr(item, f.name) for f in dataclasses.fields(item)}


@pytest.mark.parametrize("index", range(TEMPLATES), ids=[a["id"] for a in C.ARTICLES])
def test_extraction_is_the_same_on_the_padded_page(sites, index):
    plain, padded = sites
    article_id = plain.article_ids[index]
    url = f"https://www.albawabhnews.com/{article_id}"
    before = ArticlePage(Selector(text=html_pages(plain)[f"/{article_id}"]), url)
    after = ArticlePage(Selector(text=html_pages(padded)[f"/{article_id}"]), url)
    assert after.is_error_page() == before.is_error_page() is False
    expected, got = item_fields(before.to_item(CRAWLED_AT)), item_fields(after.to_item(CRAWLED_AT))
    for name, value in expected.items():
        assert got[name] == value, name
    assert expected["body"] and expected["title"]  # the comparison compared something


def test_every_chrome_link_stays_on_the_site_or_leaves_it(sites):
    """A local link goes to a page the site serves, to /search/ (robots.txt disallows it, as the copy's own
    trending links do), or to a target the unpadded page already linked; article links only to generated
    articles. So the crawl fetches the same pages."""
    plain, padded = sites
    articles = set(plain.article_ids)
    for target, text in html_pages(padded).items():
        before = set(Selector(text=html_pages(plain)[target]).css("a::attr(href)").getall())
        for href in set(Selector(text=text).css("a::attr(href)").getall()) - before:
            if href.startswith(("#", "javascript:")):
                continue
            parts = urlsplit(href)
            if href.startswith(EXTERNAL_OK) and parts.hostname and "albawabhnews" not in parts.hostname:
                continue
            assert not parts.scheme and not parts.netloc, (target, href)
            path = parts.path
            if re.fullmatch(r"/\d+", path):
                assert path[1:] in articles, (target, href)
            elif path.startswith("/search/"):
                assert "Disallow: /search/" in plain.pages["/robots.txt"][1].decode()
            else:
                assert path in padded.pages or path in {"/page/about", "/contact-us", "/rss.xml"}, (target, href)
                if path.startswith("/category/"):
                    assert not parts.query and path in padded.pages, (target, href)


def test_padding_is_deterministic_and_listing_links_name_only_generated_articles():
    first, second = build_site(60, page_kb=100), build_site(60, page_kb=100)
    assert first.pages == second.pages
    articles = set(first.article_ids)
    for target in first.listing_targets:
        linked = re.findall(r'href="(?:https://www\.albawabhnews\.com)?/(\d{6,})"', first.pages[target][1].decode())
        assert set(linked) <= articles, target


def test_page_kb_at_or_below_todays_weight_is_todays_site():
    assert build_site(30, page_kb=19).pages == build_site(30).pages


@pytest.mark.crawl
def test_both_spiders_fetch_the_same_pages_on_the_padded_site(tmp_path):
    from benchmarks.crawl import SiteProcess, run_crawl

    n = 60
    plain = build_site(n)
    expected_pages = 1 + len(plain.listing_targets) + n  # robots.txt, every listing page, every article once
    with SiteProcess(n, page_kb=100) as site:
        assert 95 <= site.article_kb <= 105
        runs = [run_crawl(kind, site, tmp_path) for kind in ("full", "bare")]
    for run in runs:
        assert run.returncode == 0, run
        assert run.pages == expected_pages, run
        assert run.items == n, run
        assert run.page_kb == 100


@pytest.mark.parametrize("index", range(TEMPLATES), ids=[a["id"] for a in C.ARTICLES])
def test_the_crawls_extraction_is_the_same_on_the_padded_page(sites, index):
    """``extract_article`` (what the spider calls: a slice of the page, the whole page when the slice cannot
    answer) gives the same item on the padded page as on today's."""
    from newscrawl.sites.albawabh import extract_article

    plain, padded = sites
    article_id = plain.article_ids[index]
    url = f"https://www.albawabhnews.com/{article_id}"
    results = []
    for site in (plain, padded):
        body = site.pages[f"/{article_id}"][1]
        results.append(extract_article(body, "utf-8", url, CRAWLED_AT, text=body.decode))
    before, after = results
    assert after.error_page == before.error_page is False
    expected, got = item_fields(before.item), item_fields(after.item)
    for name, value in expected.items():
        assert got[name] == value, name
