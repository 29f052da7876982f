import pytest

from newscrawl.sites.urls import (
    Site,
    article_id_from_url,
    listing_url,
    page_number,
    section_id_from_url,
)

COPY = Site.from_base_url("http://127.0.0.1:8000")
LIVE = Site()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        pytest.param("https://www.albawabhnews.com/4400261", "4400261", id="https-www"),
        pytest.param("http://albawabhnews.com/5201153", "5201153", id="http-no-www"),
        pytest.param("/4912345", "4912345", id="relative"),
        pytest.param("/4912345/", "4912345", id="trailing-slash"),
        pytest.param("https://www.albawabhnews.com/print.aspx?id=4912345", "4912345", id="print-view"),
        pytest.param("/Print.aspx?ID=4912345", "4912345", id="print-view-case"),
        pytest.param("/12345", None, id="five-digits-is-not-an-article"),
        pytest.param("/category/72", None, id="section"),
        pytest.param("/tag/1234", None, id="tag"),
        pytest.param("/4912345/some-slug", None, id="slug-is-not-this-site"),
        pytest.param("/search/term?w=4912345", None, id="search"),
        pytest.param("/print.aspx?id=abc", None, id="print-bad-id"),
        pytest.param("http://[::1", None, id="unparseable"),
    ],
)
def test_article_id_from_url(url, expected):
    assert article_id_from_url(url) == expected


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        pytest.param("/4912345", "http://127.0.0.1:8000/4912345", id="relative"),
        pytest.param("https://www.albawabhnews.com/4912345", "http://127.0.0.1:8000/4912345", id="live-link-mapped"),
        pytest.param("http://albawabhnews.com/category/72?page=2", "http://127.0.0.1:8000/category/72?page=2",
                     id="no-www-mapped"),
        pytest.param("https://www.facebook.com/albawabhnews", None, id="social"),
        pytest.param("https://www.youm7.com/4912345", None, id="other-news-site"),
        pytest.param("mailto:info@albawabhnews.com", None, id="mailto"),
        pytest.param("javascript:void(0)", None, id="javascript"),
        pytest.param("/4912345#comments", "http://127.0.0.1:8000/4912345", id="fragment-dropped"),
    ],
)
def test_crawl_url_maps_the_site_onto_the_copy(href, expected):
    assert COPY.crawl_url(href, "http://127.0.0.1:8000/category/72") == expected


def test_absolute_urls_point_at_the_real_site():
    assert COPY.absolute("/Upload/libfiles/1/2/3.jpg", "http://127.0.0.1:8000/4912345") == (
        "https://www.albawabhnews.com/Upload/libfiles/1/2/3.jpg"
    )
    assert COPY.absolute("https://example.org/x.jpg", "http://127.0.0.1:8000/4912345") == "https://example.org/x.jpg"


def test_allowed_domains_follow_the_base_url():
    assert LIVE.allowed_domains == ["albawabhnews.com"]
    assert COPY.allowed_domains == ["127.0.0.1"]


@pytest.mark.parametrize("bad", ["ftp://x", "albawabhnews.com", "http://", "http://h/path", "http://h:port"])
def test_bad_base_urls_are_refused(bad):
    with pytest.raises(ValueError):
        Site.from_base_url(bad)


def test_listing_helpers():
    assert section_id_from_url("http://h/category/72") == "72"
    assert section_id_from_url("http://h/tag/72") is None
    assert page_number("http://h/category/72?page=3") == 3
    assert page_number("http://h/category/72") == 1
    assert page_number("http://h/category/72?page=x") == 1
    assert listing_url("http://h/category/72?page=1") == "http://h/category/72"
    assert listing_url("http://h/category/72?page=2#top") == "http://h/category/72?page=2"


def test_absurdly_long_ids_are_not_articles():
    assert article_id_from_url("/" + "1" * 11) is None
    assert article_id_from_url("/print.aspx?id=" + "1" * 11) is None
    assert article_id_from_url("/1234567890") == "1234567890"
