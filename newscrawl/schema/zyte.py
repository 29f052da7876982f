"""This project's items as zyte-common-items' ``Article`` (NEWSCRAWL_ITEM_SCHEMA=zyte), and back.

:func:`to_zyte` builds a ``zyte_common_items.Article`` (its attrs classes: ``Author``, ``Breadcrumb``,
``Image``, ``ArticleMetadata``) and serializes it; :func:`from_zyte` is the inverse, so a zyte feed maps
back to the default shape field for field. The fields the ``Article`` has no place for (``article_id``,
``tags``, ``keywords``, ``related``, ``is_update``, ``version``, ``changed_fields``, ``source``...) go under
one extra top-level key, ``"newscrawl"``: zyte-common-items keeps unknown keys of an item as they are
(``Article.from_dict`` accepts and re-serializes them), and only this one is ever added.

A deletion record (:class:`newscrawl.items.Deletion`) becomes the "empty" ``Article`` zyte-common-items
describes for a page that holds no article: ``url``, ``metadata`` with ``probability`` 0 and
``dateDownloaded`` the time the 404/410 was seen, and ``newscrawl`` with ``deleted: true`` and the record's
other fields. See docs/item-shapes.md.

Where zyte's field definitions ask for more than a copy:

- ``Author.nameRaw`` is the text the name was extracted from: the byline as printed (``author``), or the
  headline for an opinion column whose writer it names (``<name> يكتب: …``); an item with neither (an older
  item with ``authors`` only) has no ``nameRaw`` rather than a copy of ``name``.
- ``datePublished`` falls back to ``dateModified`` when the page gives no publication date (zyte's
  definition); ``newscrawl.published_at`` is then ``null`` so that the way back keeps ours empty.
- ``breadcrumbs`` is ``[{"name": section}]``: the page names only its section (no trail, no section URL
  we could vouch for), so the trail is that one entry.
"""

from __future__ import annotations

from collections import deque
from dataclasses import MISSING, fields
from typing import Any

from itemadapter import ItemAdapter
from zyte_common_items import Article as ZyteArticle
from zyte_common_items import ArticleMetadata, Author, Breadcrumb, Image
from zyte_common_items.adapter import ZyteItemAdapter

from newscrawl.items import Article, Deletion, exported_fields
from newscrawl.text.authors import split_names, writer_from_headline

EXTRA_KEY = "newscrawl"


class ZyteAdapter(ItemAdapter):
    """itemadapter with zyte-common-items' adapter first (unknown keys kept, empty fields left out)."""

    ADAPTER_CLASSES = deque([ZyteItemAdapter, *ItemAdapter.ADAPTER_CLASSES])


# Default-shape field -> zyte Article field, for the fields with a one-to-one home.
DIRECT = {
    "title": "headline",
    "published_at": "datePublished",
    "published_raw": "datePublishedRaw",
    "modified_at": "dateModified",
    "modified_raw": "dateModifiedRaw",
    "body": "articleBody",
    "description": "description",
    "language": "inLanguage",
}
# Default-shape fields mapped by code below (not one-to-one): never copied under EXTRA_KEY.
MAPPED = {"url", "section", "author", "authors", "images", "crawled_at", *DIRECT}


def _utc_z(moment: str | None) -> str | None:
    """``2023-11-22T11:47:03+00:00`` -> ``2023-11-22T11:47:03Z`` (zyte's ``dateDownloaded`` form)."""
    if moment and moment.endswith("+00:00"):
        return moment.removesuffix("+00:00") + "Z"
    return moment


def _from_utc_z(moment: str | None) -> str | None:
    if moment and moment.endswith("Z"):
        return moment.removesuffix("Z") + "+00:00"
    return moment


def _author_names(item: dict) -> list[str]:
    names = item.get("authors")
    if names is None:  # an item from before ``authors`` existed
        names = [item["author"]] if item.get("author") else []
    return [name for name in names if name]


def _author(name: str, data: dict) -> Author:
    """``name`` with the text it was extracted from as ``nameRaw`` (see the module docstring)."""
    byline, headline = data.get("author"), data.get("title")
    if headline and writer_from_headline(headline) == name and byline == name:
        return Author(name=name, nameRaw=headline)  # a column's writer, named by its headline
    if byline and (byline == name or name in split_names(byline) or name in byline):
        return Author(name=name, nameRaw=byline)
    return Author(name=name)


def zyte_article(item: Any) -> ZyteArticle:
    """The zyte-common-items ``Article`` for one of our items (an ``Article`` or a ``Deletion``)."""
    data = ItemAdapter(item).asdict()
    exported = set(exported_fields())
    data = {key: value for key, value in data.items() if key in exported}  # internal fields never leave
    if isinstance(item, Deletion) or data.get("deleted") is True:
        extra = {key: value for key, value in data.items() if key != "url"}
        article = ZyteArticle(
            url=data["url"], metadata=ArticleMetadata(dateDownloaded=_utc_z(data.get("detected_at")), probability=0.0)
        )
        article._unknown_fields_dict[EXTRA_KEY] = extra
        return article
    names = _author_names(data)
    images = [Image(url=url) for url in data.get("images") or []]
    article = ZyteArticle(
        url=data["url"],
        canonicalUrl=data["url"],
        authors=[_author(name, data) for name in names] or None,
        breadcrumbs=[Breadcrumb(name=data["section"])] if data.get("section") else None,
        mainImage=images[0] if images else None,
        images=images or None,
        metadata=ArticleMetadata(dateDownloaded=_utc_z(data.get("crawled_at")), probability=1.0),
        **{zyte: data.get(ours) for ours, zyte in DIRECT.items()},
    )
    extra = {key: value for key, value in data.items() if key not in MAPPED}
    if not data.get("published_at") and data.get("modified_at"):
        article.datePublished = data["modified_at"]  # zyte: "if no publication date, the modification date"
        extra["published_at"] = data.get("published_at")  # ours stays empty on the way back
    if data.get("author") != (names[0] if names else None):
        extra["author"] = data.get("author")  # a byline that is not the first author's name: kept as is
    article._unknown_fields_dict[EXTRA_KEY] = extra
    return article


def to_zyte(item: Any) -> dict:
    """The zyte ``Article`` of ``item`` as a JSON-ready dict (empty fields left out, as zyte-common-items does)."""
    return ZyteAdapter(zyte_article(item)).asdict()


def from_zyte(data: dict) -> dict:
    """The inverse of :func:`to_zyte`: the default-shape dict (every exported field of ours) of a zyte line."""
    article = ZyteArticle.from_dict(data)
    extra = dict(data.get(EXTRA_KEY) or {})
    if extra.get("deleted") is True:
        record = {"url": article.url, **extra}
        return {f.name: record.get(f.name, _default(f)) for f in fields(Deletion)}
    names = [author.name for author in article.authors or [] if author.name]
    values: dict[str, Any] = {ours: getattr(article, zyte) for ours, zyte in DIRECT.items()}
    values.update(
        url=article.url,
        section=article.breadcrumbs[-1].name if article.breadcrumbs else None,
        authors=names,
        author=extra.pop("author") if "author" in extra else (names[0] if names else None),
        images=[image.url for image in article.images or []],
        crawled_at=_from_utc_z(article.metadata.dateDownloaded if article.metadata else None),
    )
    values.update(extra)
    return {
        name: values.get(name, _default(f))
        for f in fields(Article)
        if not f.metadata.get("internal")
        for name in [f.name]
    }


def _default(f) -> Any:
    if f.default is not MISSING:
        return f.default
    if f.default_factory is not MISSING:
        return f.default_factory()
    return None
