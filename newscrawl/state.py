"""Incremental state across runs (issue 5): not built yet, so every article counts as new."""

from __future__ import annotations


def state_of(crawler):
    """The run's state store, or None when the crawl keeps no state."""
    return None
