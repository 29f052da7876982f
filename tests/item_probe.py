"""A test-only extension: what items carry when they reach the feed stage, and what outlives the pages.

Enabled by the crawl in tests/test_perf_items.py (``NEWSCRAWL_TEST_PROBE_FILE`` names the JSON it writes):

- for each item at ``item_scraped``: whether it still holds ``body_blocks`` / ``date_candidates``, and any
  value that is not plain data (a ``str`` subclass such as lxml's smart strings keeps its whole tree alive);
- at ``spider_closed``, after a garbage collection: the responses, selectors and lxml trees still alive,
  and any stat value that is not plain data.
"""

from __future__ import annotations

import dataclasses
import gc
import json
from datetime import datetime

from scrapy import signals

PLAIN = (str, int, float, bool, type(None), datetime)


def foreign_values(value, path: str = "") -> list[str]:
    """Where ``value`` holds something other than plain data (exact str/int/float/bool/None, lists, dicts)."""
    if type(value) in PLAIN:
        return []
    if type(value) in (list, tuple):
        return [found for i, v in enumerate(value) for found in foreign_values(v, f"{path}[{i}]")]
    if type(value) is dict:
        return [found for k, v in value.items() for found in foreign_values(k, f"{path}<key>")
                + foreign_values(v, f"{path}.{k}")]
    return [f"{path}: {type(value).__module__}.{type(value).__qualname__}"]


class ItemProbe:
    def __init__(self, path: str):
        self.path = path
        self.items: list[dict] = []

    @classmethod
    def from_crawler(cls, crawler):
        probe = cls(crawler.settings.get("NEWSCRAWL_TEST_PROBE_FILE"))
        probe.stats = crawler.stats
        crawler.signals.connect(probe.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(probe.spider_closed, signal=signals.spider_closed)
        return probe

    def item_scraped(self, item, **kwargs) -> None:
        fields = dataclasses.asdict(item) if dataclasses.is_dataclass(item) else dict(item)
        self.items.append({
            "article_id": fields.get("article_id"),
            "body_blocks": len(fields.get("body_blocks") or ()),
            "date_candidates": len(fields.get("date_candidates") or ()),
            "foreign": foreign_values(fields),
        })

    def spider_closed(self, **kwargs) -> None:
        from lxml import etree
        from parsel import Selector
        from scrapy.http import Response

        gc.collect()
        alive = {"responses": 0, "selectors": 0, "lxml": 0}
        for obj in gc.get_objects():
            if isinstance(obj, Response):
                alive["responses"] += 1
            elif isinstance(obj, Selector):
                alive["selectors"] += 1
            elif isinstance(obj, (etree._Element, etree._ElementTree)):
                alive["lxml"] += 1
        stats = {key: foreign_values(value) for key, value in self.stats.get_stats().items()}
        with open(self.path, "w", encoding="utf-8") as file:
            json.dump({"items": self.items, "alive": alive, "stats": {k: v for k, v in stats.items() if v}}, file)
