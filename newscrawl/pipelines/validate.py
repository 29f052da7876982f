"""Before the state: an article without a title or body, or emitted twice in a run, never reaches a feed,
and one whose title or body is not readable text in its language (mojibake, not mostly Arabic letters on
an ``ar`` article) is held back rather than emitted or let overwrite a good version.

Each drop is counted as ``newscrawl/dropped/<reason>``, each hold-back as ``newscrawl/held_back/garbled``
(the health check fails a run that holds back more than a few), and logged with the article's URL.

The gate before the feed stage: it empties the page's bulk (``body_blocks``, ``date_candidates``), which no
later pipeline or extension reads, so that items waiting for the feeds do not keep it alive.
"""

from __future__ import annotations

import logging

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem

from newscrawl.items import PAGE_BULK_FIELDS, Deletion, item_values, release
from newscrawl.text.quality import garbled_reason

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
        # Past this gate an item carries only what the state and the feeds read: the page's bulk is let go.
        release(item, *PAGE_BULK_FIELDS)
        values = item_values(item, ("url", "title", "body", "language", "article_id"))
        missing = [name for name in REQUIRED_FIELDS if not (values[name] or "").strip()]
        if missing:
            reason = f"no_{missing[0]}"
            self.stats.inc_value(f"newscrawl/dropped/{reason}")
            raise DropItem(f"{reason}: {values['url']} has no {' and no '.join(missing)}")
        language = values["language"] or "ar"
        # A title may be mostly a foreign name: only mojibake holds it back; the body is judged in its language.
        for name, judged_as in (("title", ""), ("body", language)):
            if why := garbled_reason(values[name] or "", judged_as):
                self.stats.inc_value("newscrawl/held_back/garbled")
                logger.warning("held back %s: its %s is %s; not emitted", values["url"], name, why)
                raise DropItem(f"garbled: {values['url']} {name} {why}", log_level="DEBUG")
        article_id = values["article_id"]
        if article_id in self.emitted:
            self.stats.inc_value("newscrawl/dropped/duplicate")
            raise DropItem(f"duplicate: article {article_id} was already emitted in this run")
        self.emitted.add(article_id)
        self.stats.inc_value("newscrawl/items/emitted")
        return item
