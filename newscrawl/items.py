"""The items newscrawl emits.

``Article`` is a dataclass handled through itemadapter. Exported fields are those without
``metadata={"internal": True}``; internal fields carry what pipelines need (the body's blocks, the date
candidates) and never reach a feed (``FEED_EXPORT_FIELDS`` in settings lists the exported ones).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

SOURCE_NAME = "البوابة نيوز"


def _internal(default_factory):
    return field(default_factory=default_factory, metadata={"internal": True}, repr=False)


@dataclass
class Article:
    #: Canonical URL, always ``https://www.albawabhnews.com/<id>``, whichever copy was crawled.
    url: str
    #: The numeric article id, as a string.
    article_id: str
    #: The headline, as the page prints it (an opinion column's ``<name> يكتب: …`` prefix included).
    title: str | None = None
    #: The page's own summary: JSON-LD ``description``, else ``og:description``, else
    #: ``<meta name="description">`` (then ``twitter:description``), whitespace-normalized; None when the page
    #: gives none. Never made up from the body.
    description: str | None = None
    #: The section's name in Arabic (e.g. ``العالم``), from JSON-LD, the breadcrumb or the page.
    section: str | None = None
    #: The byline as the page gives it; desk stories are signed ``البوابة نيوز``. Several JSON-LD authors are
    #: joined with ``، ``. An opinion column without a byline (or signed only with the desk name) takes the
    #: writer its headline names (``<name> يكتب: …`` / ``تكتب:``). Kept for compatibility: see ``authors``.
    author: str | None = None
    #: ``author`` as a list of names: JSON-LD authors one by one, a byline split on ``،``, ``,`` and the
    #: conjunction ``و`` (``أحمد سمير ونهى محمود`` -> two names). Empty when ``author`` is None.
    authors: list[str] = field(default_factory=list)
    #: The publication date string as found on the page (the one ``published_at`` was read from).
    published_raw: str | None = None
    #: The last-modified date string as found, if the page gives one.
    modified_raw: str | None = None
    #: ``published_raw`` normalized: ISO 8601 with the Cairo offset in force at that instant.
    published_at: str | None = None
    #: ``modified_raw`` normalized, ISO 8601 with offset.
    modified_at: str | None = None
    #: The article's paragraphs and sub-headings in order, joined by blank lines, without read-also
    #: blocks, widgets, ads or empty paragraphs.
    body: str | None = None
    #: Absolute full-size image URLs, lead image first, without duplicates.
    images: list[str] = field(default_factory=list)
    #: Tag names from the page's tag links, normalized (Arabic letters, no tatweel).
    tags: list[str] = field(default_factory=list)
    #: ``<meta name="keywords">`` split on commas, normalized like tags.
    keywords: list[str] = field(default_factory=list)
    #: Read-also / related articles split out of the body: ``[{"title": ..., "url": ...}]``, page order.
    related: list[dict] = field(default_factory=list)
    #: The publisher's name.
    source: str = SOURCE_NAME
    #: ISO 639-1 language code of the text.
    language: str = "ar"
    #: When the page was fetched, UTC ISO 8601 (``2023-11-22T11:47:03+00:00``). Relative dates on the
    #: page are resolved against it.
    crawled_at: str | None = None
    #: True when an earlier run already emitted this article and it changed since (a newer modified
    #: date or different content); False for an article emitted for the first time.
    is_update: bool = False
    #: 1 for an article's first delivery, then 2, 3, ... for each update delivered.
    version: int = 1
    #: On an update, the content fields that differ from the version delivered before (``title``, ``body``,
    #: ``section``, ``author``, ``images``, ``tags``, ``keywords``, ``related``); empty otherwise.
    changed_fields: list[str] = field(default_factory=list)

    # -- internal, never exported ------------------------------------------------------------------
    #: The body as :class:`newscrawl.text.blocks.Block` objects, before read-also splitting.
    body_blocks: list = _internal(list)
    #: Date strings found, per kind, most trusted source first:
    #: ``{"published": [("jsonld", "2023-11-22T13:47:00+02:00"), ("time_text", "...")], "modified": [...]}``.
    #: Sources: ``jsonld``, ``meta``, ``time_attr``, ``time_text``, ``listing``.
    date_candidates: dict = _internal(dict)
    #: How the page was fetched, for the state: ``fetched_at`` (the crawl's clock), ``etag``,
    #: ``last_modified`` (response validators), ``hint_date`` (the newest date discovery gave for it),
    #: ``reason`` (why it was fetched: new, changed, revisit, retry).
    fetch_info: dict = _internal(dict)

    @classmethod
    def exported_fields(cls) -> list[str]:
        return [f.name for f in fields(cls) if not f.metadata.get("internal")]


@dataclass
class Deletion:
    """An article an earlier run delivered that now answers 404 or 410: emitted once, in the same feed."""

    #: Canonical URL, as in the article's own item.
    url: str
    article_id: str
    #: The HTTP status that said the article is gone (404 or 410).
    http_status: int
    #: When the crawl saw it gone, UTC ISO 8601.
    detected_at: str
    deleted: bool = True
    #: The last version delivered before the deletion.
    version: int = 1


def exported_fields() -> list[str]:
    """Every field a feed may carry: the article's, then the deletion record's own."""
    names = Article.exported_fields()
    return names + [f.name for f in fields(Deletion) if f.name not in names]


ARTICLE_FIELDS = frozenset(f.name for f in fields(Article))
#: Internal fields that hold a page's bulk (its body blocks, its date strings): released (emptied) by the
#: pipeline after the last one that reads them, so that no item carries them to the feed stage.
PAGE_BULK_FIELDS = ("body_blocks", "date_candidates")


def item_values(item, names) -> dict:
    """``{name: value}`` like ``ItemAdapter(item).get(name)`` (None for a field the item does not have), read
    straight off an :class:`Article`, without an adapter."""
    if type(item) is Article:
        return {name: getattr(item, name) if name in ARTICLE_FIELDS else None for name in names}
    from itemadapter import ItemAdapter

    adapter = ItemAdapter(item)
    return {name: adapter.get(name) for name in names}


def release(item, *names: str) -> None:
    """Empty the internal fields ``names`` (``body_blocks`` becomes ``[]``, ``date_candidates`` ``{}``) of an
    :class:`Article` or of a dict item that has them: the item no longer keeps what they referenced alive."""
    for name in names:
        empty = _EMPTY.get(name, _none)()
        if isinstance(item, Article):
            setattr(item, name, empty)
        elif isinstance(item, dict) and name in item:
            item[name] = empty


def _none() -> None:
    return None


_EMPTY = {"body_blocks": list, "date_candidates": dict}
