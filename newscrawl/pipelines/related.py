"""Read-also splitting: read-also blocks leave the body and become ``related`` items.

A thin pipeline around :func:`newscrawl.text.related.split_related`; runs after
:class:`~newscrawl.pipelines.clean.CleanTextPipeline`. Sets ``body`` (the remaining blocks' text joined by
blank lines: paragraphs, sub-headings, list items, quotes and boxes that are not read-also boxes),
``related`` (``[{"title", "url"}]`` in page order, without duplicates, after any related items the
item already had) and ``body_blocks`` (the remaining blocks).

Stats: ``newscrawl/related/blocks/<form>`` (``inline``, ``label_run``, ``box``, ``label_only``: read-also
blocks removed), ``newscrawl/related/links`` (related items added), ``newscrawl/related/items_with_related``,
``newscrawl/related/errors`` (items passed on unchanged after a failure), ``newscrawl/limits/related``
(items whose related list was cut to ``NEWSCRAWL_MAX_RELATED``).
"""

from __future__ import annotations

import logging
from collections import Counter

from itemadapter import ItemAdapter

from newscrawl.items import Deletion
from newscrawl.text.related import split_related

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/related/"


def merge_related(existing: list[dict] | None, found: list[dict]) -> list[dict]:
    """``existing`` then ``found``, without duplicates (by URL, or by title for items without one)."""
    merged: list[dict] = []
    seen: set[str] = set()
    for entry in [*(existing or ()), *found]:
        key = entry.get("url") or "title:" + (entry.get("title") or "")
        if key not in seen:
            seen.add(key)
            merged.append(entry)
    return merged


class RelatedPipeline:
    def __init__(self, stats, max_related: int = 50):
        self.stats = stats
        self.max_related = max_related

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats, crawler.settings.getint("NEWSCRAWL_MAX_RELATED", 50))

    def process_item(self, item):
        if isinstance(item, Deletion):  # a deletion record carries no article to clean or check
            return item
        adapter = ItemAdapter(item)
        blocks = adapter.get("body_blocks")
        if not blocks:
            return item
        existing = adapter.get("related")
        try:
            result = split_related(blocks)
            related = merge_related(existing, result.related)
            if len(related) > self.max_related:  # a page that links thousands of articles is flagged, not obeyed
                logger.warning("%s holds %d related articles: %d kept (NEWSCRAWL_MAX_RELATED)", adapter.get("url"),
                               len(related), self.max_related)
                self.stats.inc_value("newscrawl/limits/related")
                related = related[:self.max_related]
            added = max(len(related) - len(existing or ()), 0)
            changes = {
                "body_blocks": result.body_blocks,
                "body": "\n\n".join(block.text for block in result.body_blocks if block.text) or None,
                "related": related,
            }
        except Exception:
            logger.exception("Read-also splitting failed for %s; the item passes on unsplit", adapter.get("url"))
            self.stats.inc_value(STATS_PREFIX + "errors")
            return item
        settable = None if isinstance(item, dict) else adapter.field_names()  # a dict item takes any key
        for name, value in changes.items():
            if settable is None or name in settable:
                adapter[name] = value
        for form, count in Counter(result.forms).items():
            self.stats.inc_value(f"{STATS_PREFIX}blocks/{form}", count)
        if added:
            self.stats.inc_value(STATS_PREFIX + "links", added)
        if related:
            self.stats.inc_value(STATS_PREFIX + "items_with_related")
        return item
