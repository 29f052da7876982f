"""The last pipeline: an article without a title or body, or emitted twice in a run, never reaches a feed.

Each drop is counted as ``newscrawl/dropped/<reason>`` and logged with the article's URL.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.items import Deletion

logger = logging.getLogger(__name__)

REQUIRED_FIELDS = ("title", "body")


def missing_fields(adapter: ItemAdapter) -> list[str]:
    return [name for name in REQUIRED_FIELDS if not (adapter.get(name) or "").strip()]


class ValidatePipeline:
    def __init__(self, stats):
        self.stats = stats
        self.emitted: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if isinstance(item, Deletion):  # a deletion record carries no article to clean or check
            return item
        adapter = ItemAdapter(item)
        missing = missing_fields(adapter)
        if missing:
            reason = f"no_{missing[0]}"
            self.stats.inc_value(f"newscrawl/dropped/{reason}")
            raise DropItem(f"{reason}: {adapter.get('url')} has no {' and no '.join(missing)}")
        article_id = adapter.get("article_id")
        if article_id in self.emitted:
            self.stats.inc_value("newscrawl/dropped/duplicate")
            raise DropItem(f"duplicate: article {article_id} was already emitted in this run")
        self.emitted.add(article_id)
        self.stats.inc_value("newscrawl/items/emitted")
        return item
