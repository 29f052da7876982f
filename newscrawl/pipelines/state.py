"""After validation: emit an article only if earlier runs did not deliver it, or it changed since.

New articles pass (``newscrawl/state/new``); changed ones pass with ``is_update`` set
(``newscrawl/state/updated``); unchanged ones are dropped at DEBUG level (``newscrawl/state/skipped``),
which is what a scheduled run mostly sees. The record of each article that passes waits in the state
extension until the feeds are stored (see ``newscrawl.state``). Off when the crawl keeps no state.
"""

from __future__ import annotations

from datetime import UTC, datetime

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.state import UNCHANGED, UPDATED, StateRecord, classify, content_hash


class StatePipeline:
    def __init__(self, extension, stats):
        self.extension = extension
        self.store = extension.store
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        from newscrawl.extensions.state import StateExtension

        extension = next((ext for ext in crawler.extensions.middlewares if isinstance(ext, StateExtension)), None)
        if extension is None or extension.store is None:
            raise NotConfigured("the crawl keeps no state")
        return cls(extension, crawler.stats)

    def process_item(self, item):
        adapter = ItemAdapter(item)
        article_id = adapter["article_id"]
        digest = content_hash(adapter)
        modified_at = adapter.get("modified_at")
        previous = self.store.get(article_id)
        verdict = classify(previous, digest, modified_at)
        if verdict == UNCHANGED:
            if not previous.confirmed:  # delivered by a run cut short: a clean run confirms it
                self.extension.met_again(previous)
            self.stats.inc_value("newscrawl/state/skipped")
            raise DropItem(f"seen: article {article_id} was delivered by an earlier run and has not changed",
                           log_level="DEBUG")
        now = adapter.get("crawled_at") or datetime.now(UTC).replace(microsecond=0).isoformat()
        self.extension.stage(StateRecord(
            article_id=article_id,
            content_hash=digest,
            modified_at=modified_at,
            first_emitted_at=previous.first_emitted_at if previous else now,
            last_emitted_at=now,
            confirmed=previous.confirmed if previous else False,
        ))
        adapter["is_update"] = verdict == UPDATED
        self.stats.inc_value(f"newscrawl/state/{verdict}")  # new or updated
        return item
