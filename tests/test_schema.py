"""Item shapes: NEWSCRAWL_ITEM_SCHEMA=zyte writes zyte-common-items' ``Article``; CSV cells are JSON text.

Real crawls of the offline copy: one in the default shape (JSON Lines and CSV from the same run), one in
the zyte shape (JSON Lines and CSV). Every zyte line must pass ``zyte_common_items.Article.from_dict``
with the right component classes, and map back (``newscrawl.schema.zyte.from_zyte``) to the default
shape field for field. Expected values come from tests/fixtures/albawabh/expected.json.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import fields
from pathlib import Path

import pytest
from zyte_common_items import Article as ZyteArticle
from zyte_common_items import ArticleMetadata, Author, Breadcrumb, Image

from newscrawl.items import Article, Deletion
from newscrawl.schema.exporters import item_schema, json_cell
from newscrawl.schema.zyte import EXTRA_KEY, from_zyte, to_zyte
from tests.conftest import run_crawl
from tests.site import content_update as U


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


@pytest.fixture(scope="module")
def default_run(site, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("default")
    csv_path = tmp_path / "items.csv"
    result = run_crawl(tmp_path, "-O", str(csv_path), "-a", f"base_url={site.base_url}", env={"NEWSCRAWL_STATE": "off"})
    assert result.returncode == 0, result.log[-3000:]
    return result, csv_path


@pytest.fixture(scope="module")
def zyte_run(site, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("zyte")
    csv_path = tmp_path / "items.csv"
    result = run_crawl(
        tmp_path,
        "-O",
        str(csv_path),
        "-a",
        f"base_url={site.base_url}",
        env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_ITEM_SCHEMA": "zyte"},
    )
    assert result.returncode == 0, result.log[-3000:]
    return result, csv_path


# -- zyte ------------------------------------------------------------------------------------------------
@pytest.mark.crawl
def test_every_zyte_line_is_a_valid_zyte_article(zyte_run, expected):
    result, _ = zyte_run
    assert len(result.items) == len(expected["articles"])
    for line in result.items:
        article = ZyteArticle.from_dict(line)
        assert set(article._unknown_fields_dict) == {EXTRA_KEY}, line["url"]  # nothing else outside the schema
        assert all(isinstance(author, Author) for author in article.authors)
        assert all(isinstance(crumb, Breadcrumb) for crumb in article.breadcrumbs)
        if article.images:  # one article of the copy has no image: then neither field is written
            assert isinstance(article.mainImage, Image) and all(isinstance(i, Image) for i in article.images)
            assert article.mainImage == article.images[0]
        else:
            assert "mainImage" not in line and "images" not in line
        assert isinstance(article.metadata, ArticleMetadata) and article.metadata.dateDownloaded.endswith("Z")
        assert article.canonicalUrl == article.url
        assert "body_blocks" not in json.dumps(line)  # internal fields never reach a feed


@pytest.mark.crawl
def test_zyte_fields_hold_what_the_page_says(zyte_run, expected):
    result, _ = zyte_run
    by_id = {line[EXTRA_KEY]["article_id"]: line for line in result.items}
    for want in expected["articles"]:
        line = by_id[want["article_id"]]
        assert line["url"] == want["url"]
        assert line["headline"] == want["title"]
        assert line["breadcrumbs"][-1]["name"] == want["section"]
        assert want["author"] in [author["name"] for author in line["authors"]]
        # zyte: no publication date -> the modification date.
        assert line.get("datePublished") == (want["published_at"] or want["modified_at"])
        assert line.get("dateModified") == want["modified_at"]
        assert [image["url"] for image in line.get("images", [])] == want["images"]
        if want["images"]:
            assert line["mainImage"]["url"] == want["images"][0]
        assert line["articleBody"].startswith(want["body_first"])
        assert line["inLanguage"] == "ar"
        assert line[EXTRA_KEY]["tags"] == want["tags"]
        assert line[EXTRA_KEY]["keywords"] == want["keywords"]
        assert line[EXTRA_KEY]["related"] == want["related"]
        assert line[EXTRA_KEY]["is_update"] is False and line[EXTRA_KEY]["version"] == 1


@pytest.mark.crawl
def test_the_zyte_feed_maps_back_to_the_default_shape_field_for_field(zyte_run, default_run):
    zyte_result, _ = zyte_run
    default_result, _ = default_run
    defaults = default_result.by_id
    mapped_back = [from_zyte(line) for line in zyte_result.items]
    assert sorted(item["article_id"] for item in mapped_back) == sorted(defaults)
    for item in mapped_back:
        want = defaults[item["article_id"]]
        assert set(item) == set(want)
        for name in want:
            if name == "crawled_at":  # two runs, two clocks: the zyte line's own time, in the same form
                assert item[name] == item[name].replace("Z", "") and item[name].endswith("+00:00")
                continue
            assert item[name] == want[name], (item["article_id"], name)


@pytest.mark.crawl
def test_each_default_item_goes_to_zyte_and_back_unchanged(default_run):
    result, _ = default_run
    for item in result.items:
        article = Article(**item)
        assert from_zyte(json.loads(json.dumps(to_zyte(article), ensure_ascii=False))) == item


@pytest.mark.crawl
def test_a_zyte_csv_feed_holds_the_zyte_fields_with_json_cells(zyte_run):
    result, csv_path = zyte_run
    rows = read_csv(csv_path)
    assert list(rows[0])[: len(["headline"])] == ["headline"] and list(rows[0])[-1] == EXTRA_KEY
    by_url = {line["url"]: line for line in result.items}
    for row in rows:
        line = by_url[row["url"]]
        assert json.loads(row["authors"]) == line["authors"]
        assert json.loads(row[EXTRA_KEY]) == line[EXTRA_KEY]
        assert json.loads(row["metadata"]) == line["metadata"]


@pytest.mark.crawl
def test_a_deletion_record_is_an_empty_zyte_article(tmp_path):
    """The scenario of tests/test_freshness.py: the gone article's revisit answers 404 in the second run."""
    from tests.site.server import serve

    server, _, base_url = serve()
    env = {"NEWSCRAWL_STATE": str(tmp_path / "state.sqlite3"), "NEWSCRAWL_ITEM_SCHEMA": "zyte"}
    try:
        first = run_crawl(
            tmp_path / "1", "-a", f"base_url={base_url}", "-s", "NEWSCRAWL_NOW=2024-07-15T12:00:00+03:00", env=env
        )
        assert first.returncode == 0, first.log[-2000:]
        server.edition = "update"
        second = run_crawl(
            tmp_path / "2", "-a", f"base_url={base_url}", "-s", "NEWSCRAWL_NOW=2024-07-15T12:30:00+03:00", env=env
        )
    finally:
        server.shutdown()
        server.server_close()
    assert second.returncode == 0, second.log[-2000:]
    [line] = [line for line in second.items if line.get(EXTRA_KEY, {}).get("deleted")]
    article = ZyteArticle.from_dict(line)
    assert article.url == f"https://www.albawabhnews.com/{U.GONE}"
    assert article.headline is None and article.articleBody is None
    assert article.metadata.probability == 0.0
    assert article.metadata.dateDownloaded == "2024-07-15T09:30:00Z"
    assert from_zyte(line) == {
        "url": f"https://www.albawabhnews.com/{U.GONE}",
        "article_id": U.GONE,
        "version": 1,
        "http_status": 404,
        "detected_at": "2024-07-15T09:30:00+00:00",
        "deleted": True,
    }
    assert set(from_zyte(line)) == {f.name for f in fields(Deletion)}


def test_name_raw_is_the_text_the_name_came_from_never_a_copy():
    url = "https://www.albawabhnews.com/5000001"
    byline = "أحمد سمير ونهى محمود"
    two = to_zyte(Article(url=url, article_id="5000001", author=byline, authors=["أحمد سمير", "نهى محمود"]))
    assert two["authors"] == [{"name": "أحمد سمير", "nameRaw": byline}, {"name": "نهى محمود", "nameRaw": byline}]
    headline = "د. محمد الباز يكتب: عن الصحافة"
    column = to_zyte(
        Article(url=url, article_id="5000001", title=headline, author="د. محمد الباز", authors=["د. محمد الباز"])
    )
    assert column["authors"] == [{"name": "د. محمد الباز", "nameRaw": headline}]
    older = to_zyte(Article(url=url, article_id="5000001", authors=["أحمد سمير"]))  # no byline text kept
    assert older["authors"] == [{"name": "أحمد سمير"}]
    for item in (two, column):
        assert from_zyte(item)["authors"] == [a["name"] for a in item["authors"]]


def test_date_published_falls_back_to_the_modification_date_and_maps_back_empty():
    item = Article(
        url="https://www.albawabhnews.com/5000002",
        article_id="5000002",
        modified_at="2024-07-15T12:00:00+03:00",
        modified_raw="15/07/2024 12:00",
    )
    line = to_zyte(item)
    assert line["datePublished"] == "2024-07-15T12:00:00+03:00"
    assert "datePublishedRaw" not in line
    back = from_zyte(json.loads(json.dumps(line, ensure_ascii=False)))
    assert back["published_at"] is None and back["modified_at"] == "2024-07-15T12:00:00+03:00"
    dated = to_zyte(
        Article(
            url=item.url,
            article_id="5000002",
            published_at="2024-07-14T09:00:00+03:00",
            modified_at="2024-07-15T12:00:00+03:00",
        )
    )
    assert dated["datePublished"] == "2024-07-14T09:00:00+03:00"
    assert "published_at" not in dated[EXTRA_KEY]


# -- CSV in the default shape ----------------------------------------------------------------------------
@pytest.mark.crawl
def test_csv_list_and_dict_cells_are_json_text_that_reads_back(default_run):
    result, csv_path = default_run
    raw = csv_path.read_text(encoding="utf-8")
    assert "\\u06" not in raw and "البوابة نيوز" in raw  # Arabic unescaped
    rows = {row["article_id"]: row for row in read_csv(csv_path)}
    assert sorted(rows) == sorted(result.by_id)
    with_related = 0
    for article_id, item in result.by_id.items():
        row = rows[article_id]
        for name in ("images", "tags", "keywords", "related", "changed_fields"):
            assert json.loads(row[name]) == item[name], (article_id, name)
        assert json.loads(row["is_update"]) is item["is_update"]
        assert row["title"] == item["title"] and row["body"] == item["body"]
        assert row["modified_at"] == (item["modified_at"] or "")
        with_related += bool(item["related"])
    assert with_related  # the copy has read-also blocks: dicts in a list went through


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (["الكرملين", "روسيا"], '["الكرملين", "روسيا"]'),
        (
            [{"title": "عنوان", "url": "https://www.albawabhnews.com/4912001"}],
            '[{"title": "عنوان", "url": "https://www.albawabhnews.com/4912001"}]',
        ),
        ([], "[]"),
        (True, "true"),
        ("نص, بفاصلة", "نص, بفاصلة"),
        (3, 3),
        (None, None),
    ],
    ids=["list", "related", "empty", "bool", "text", "int", "none"],
)
def test_json_cell(value, cell):
    assert json_cell(value) == cell


@pytest.mark.parametrize(("raw", "schema"), [("", "default"), ("default", "default"), (" Zyte ", "zyte")])
def test_item_schema_names(raw, schema):
    assert item_schema({"NEWSCRAWL_ITEM_SCHEMA": raw}) == schema


def test_an_unknown_item_schema_is_refused_by_name():
    with pytest.raises(ValueError, match="NEWSCRAWL_ITEM_SCHEMA='schema.org'"):
        item_schema({"NEWSCRAWL_ITEM_SCHEMA": "schema.org"})
