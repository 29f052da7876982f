"""The last pipeline: emit an article only if earlier runs did not deliver it, or it changed since.

New articles pass (``version`` 1); changed ones pass with ``is_update``, the next ``version`` and the
``changed_fields``; unchanged ones are dropped at DEBUG level (``newscrawl/state/skipped``) and their fetch
recorded. An update whose body shrank below ``NEWSCRAWL_MAX_SHRINK`` of the delivered one is held back
(``newscrawl/held_back/shrunk``): a cut-short or mis-parsed page must not overwrite a good version. A
deletion record marks the article gone. Every record waits in the state extension until the feeds are
stored. Off when the crawl keeps no state.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from newscrawl.items import Deletion, item_values
from newscrawl.state import state_extension
from newscrawl.state.records import (
    CONTENT_FIELDS,
    DELIVERED,
    GONE,
    UNCHANGED,
    UPDATED,
    StateRecord,
    changed_fields,
    classify,
    content_hash,
    field_hashes,
    instant,
    latest,
)
from newscrawl.state.revisit import iso, retry_delay

logger = logging.getLogger(__name__)


class StatePipeline:
    def __init__(self, extension, stats, min_body_share: float = 0.5):
        self.extension = extension
        self.store = extension.store
        self.stats = stats
        self.min_body_share = min_body_share

    @classmethod
    def from_crawler(cls, crawler):
        extension = state_extension(crawler)
        if extension is None or extension.store is None:
            raise NotConfigured  # the crawl keeps no state (no message: Scrapy would log one as a WARNING)
        return cls(extension, crawler.stats, crawler.settings.getfloat("NEWSCRAWL_MIN_BODY_SHARE", 0.5))

    def process_item(self, item):
        if isinstance(item, Deletion):
            return self._deletion(item)
        adapter = ItemAdapter(item)
        article_id = adapter["article_id"]
        # Read once: the hashes look every content field up, and a plain dict is cheaper than the adapter.
        values = item_values(item, (*CONTENT_FIELDS, "modified_at", "fetch_info", "crawled_at", "published_at", "url"))
        digest = content_hash(values)
        hashes = field_hashes(values)
        modified_at = values["modified_at"]
        previous = self.store.get(article_id)
        verdict = classify(previous, digest, modified_at)
        fetch = values["fetch_info"] or {}
        fetched_at = fetch.get("fetched_at") or values["crawled_at"] or ""
        body = values["body"] or ""
        seen = {
            "fetched_at": fetched_at, "etag": fetch.get("etag"), "last_modified": fetch.get("last_modified"),
            "known_date": latest(fetch.get("hint_date"), modified_at, values["published_at"],
                                 previous.known_date if previous else None),
        }
        if verdict == UNCHANGED:
            self.extension.check(replace(previous, **seen, published_at=values["published_at"]
                                         or previous.published_at))
            self.stats.inc_value("newscrawl/state/skipped")
            raise DropItem(f"seen: article {article_id} was delivered by an earlier run and has not changed",
                           log_level="DEBUG")
        if (verdict == UPDATED and previous.status != GONE and previous.body_length
                and len(body) < self.min_body_share * previous.body_length):
            self.stats.inc_value("newscrawl/held_back/shrunk")
            logger.warning("held back the update of %s: its body shrank from %d to %d characters (a page cut short "
                           "or a layout change?); the delivered version stands", values["url"],
                           previous.body_length, len(body))
            raise DropItem(f"held back: article {article_id} shrank", log_level="DEBUG")
        version = previous.version + 1 if verdict == UPDATED else 1
        self.extension.stage(StateRecord(
            article_id=article_id, content_hash=digest, modified_at=modified_at,
            first_emitted_at=previous.first_emitted_at if previous and previous.delivered else fetched_at,
            last_emitted_at=fetched_at, confirmed=previous.confirmed if previous else False, version=version,
            status=DELIVERED, published_at=values["published_at"], body_length=len(body),
            field_hashes=hashes, **seen,
        ))
        adapter["is_update"] = verdict == UPDATED
        adapter["version"] = version
        adapter["changed_fields"] = changed_fields(previous.field_hashes, hashes) if verdict == UPDATED else []
        self.stats.inc_value(f"newscrawl/state/{verdict}")  # new or updated
        return item

    def _deletion(self, item: Deletion):
        previous = self.store.get(item.article_id)
        if previous is None or not previous.delivered or previous.status == GONE:
            raise DropItem(f"deletion of {item.article_id}: nothing delivered to delete", log_level="DEBUG")
        item.version = previous.version
        self.extension.stage(replace(
            previous, status=GONE, http_status=item.http_status, fetched_at=item.detected_at, failures=1,
            retry_at=_later(item.detected_at, 1)))
        self.stats.inc_value("newscrawl/state/deleted")
        return item


def _later(at: str, failures: int) -> str:
    moment = instant(at)
    return iso(moment + retry_delay(failures)) if moment else at
