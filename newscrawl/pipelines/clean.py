"""Text cleaning: spaces, invisible marks, empty and boilerplate blocks; metadata normalized.

A thin pipeline around :mod:`newscrawl.text.arabic`. Body text keeps its letters and digits as the site
wrote them; section, tags and keywords are normalized further (Persian ی/ک folded, tatweel removed).

Stats: ``newscrawl/clean/boilerplate_removed`` and ``newscrawl/clean/empty_blocks_removed`` (blocks),
``newscrawl/clean/invisible_marks_removed`` and ``newscrawl/clean/persian_letters_folded`` (items
affected), ``newscrawl/clean/errors`` (items passed on unchanged after a failure).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence

from itemadapter import ItemAdapter

from newscrawl.items import Deletion
from newscrawl.text.arabic import (
    boilerplate_kind,
    clean_text,
    has_invisible_marks,
    has_persian_letters,
    normalize_metadata,
)
from newscrawl.text.blocks import Block, Link

logger = logging.getLogger(__name__)

STATS_PREFIX = "newscrawl/clean/"


def normalize_list(values: Iterable[str] | None) -> list[str]:
    """Each value normalized as metadata; empties dropped, duplicates dropped (first kept).

    Linear in the number of values: a page may carry tens of thousands of keywords."""
    return list(dict.fromkeys(
        normalized for value in values or () if isinstance(value, str) and (normalized := normalize_metadata(value))
    ))


def clean_blocks(blocks: Sequence[Block]) -> tuple[list[Block], Counter]:
    """Blocks with cleaned text and link titles; empty and boilerplate blocks dropped.

    Returns the blocks and a counter of what was dropped (``empty_blocks_removed``,
    ``boilerplate_removed``). Unchanged blocks are returned as the same objects.
    """
    kept: list[Block] = []
    dropped: Counter = Counter()
    for block in blocks:
        text = clean_text(block.text)
        if not text:
            dropped["empty_blocks_removed"] += 1
            continue
        if boilerplate_kind(text, cleaned=True):
            dropped["boilerplate_removed"] += 1
            continue
        if not block.links:
            kept.append(block if text == block.text else Block(block.kind, text, ()))
            continue
        links = tuple(_clean_link(link) for link in block.links)
        if text == block.text and all(new is old for new, old in zip(links, block.links, strict=True)):
            kept.append(block)
        else:
            kept.append(Block(block.kind, text, links))
    return kept, dropped


def can_set(adapter: ItemAdapter, name: str) -> bool:
    """True if the item has a field ``name`` (a dict item takes any key)."""
    return isinstance(adapter.item, dict) or name in adapter.field_names()


def _clean_link(link: Link) -> Link:
    title = clean_text(link.title)
    return link if title == link.title else Link(title, link.url, link.article_id)


def _texts(values: dict) -> Iterable[str]:
    for name in ("title", "description", "author", "section"):
        if isinstance(values[name], str):
            yield values[name]
    for name in ("authors", "tags", "keywords"):
        yield from (value for value in values[name] or () if isinstance(value, str))
    for block in values["body_blocks"] or ():
        yield block.text
        yield from (link.title for link in block.links)


#: Every field the pipeline reads.
READ_FIELDS = ("title", "description", "author", "section", "authors", "tags", "keywords", "body_blocks")


class CleanTextPipeline:
    def __init__(self, stats):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.stats)

    def process_item(self, item):
        if isinstance(item, Deletion):  # a deletion record carries no article to clean or check
            return item
        adapter = ItemAdapter(item)
        try:
            changes, counts = self.cleaned(adapter)
        except Exception:
            logger.exception("Text cleaning failed for %s; the item passes on uncleaned", adapter.get("url"))
            self.stats.inc_value(STATS_PREFIX + "errors")
            return item
        settable = None if isinstance(item, dict) else adapter.field_names()  # a dict item takes any key
        for name, value in changes.items():
            if settable is None or name in settable:
                adapter[name] = value
        for name, count in counts.items():
            if count:
                self.stats.inc_value(STATS_PREFIX + name, count)
        return item

    def cleaned(self, adapter: ItemAdapter) -> tuple[dict, Counter]:
        """The new field values and the counts, computed without touching the item."""
        values = {name: adapter.get(name) for name in READ_FIELDS}  # one look-up each
        counts: Counter = Counter()
        # One search over all the texts joined (by a character that is no invisible mark), not one per text.
        joined = "\n".join(text for text in _texts(values) if isinstance(text, str))
        counts["invisible_marks_removed"] = int(has_invisible_marks(joined))
        changes: dict = {}
        for name in ("title", "description", "author"):
            if isinstance(values[name], str):
                changes[name] = clean_text(values[name]) or None
        if isinstance(values["authors"], list):
            names = (clean_text(name) for name in values["authors"] if isinstance(name, str))
            changes["authors"] = list(dict.fromkeys(name for name in names if name))
        metadata = []
        if isinstance(values["section"], str):
            metadata.append(values["section"])
            changes["section"] = normalize_metadata(values["section"]) or None
        for name in ("tags", "keywords"):
            if values[name] is not None:
                texts = [value for value in values[name] if isinstance(value, str)]
                metadata.extend(texts)
                changes[name] = normalize_list(texts)
        counts["persian_letters_folded"] = int(has_persian_letters("\n".join(metadata)))
        if values["body_blocks"] and "body_blocks" in adapter:
            blocks, dropped = clean_blocks(values["body_blocks"])
            counts.update(dropped)
            changes["body_blocks"] = blocks
            changes["body"] = "\n\n".join(block.text for block in blocks) or None
        return changes, counts
