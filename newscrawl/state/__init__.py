"""Incremental state: what earlier runs delivered, so that a run fetches and emits only what is new or changed.

- ``records``: one record per article id (content hash, version, dates, validators, 404 backoff) and the
  pure rules (``classify``, ``content_hash``, ``changed_fields``).
- ``revisit``: whether a known article is worth a request in this run (``RevisitPolicy``).
- ``store``: SQLite (default, ``NEWSCRAWL_STATE``) or Redis (``REDIS_URL``); ``NEWSCRAWL_STATE=off`` keeps none.
- ``lock``: one run at a time per state.
- ``extension``: commits, after the feeds are stored, only what they are proven to hold (at-least-once:
  a feed may hold an article twice after a failure, never miss one).
- ``pipeline``: new articles pass, changed ones pass as updates (``version``, ``changed_fields``),
  unchanged ones are dropped, and suspicious updates (a body that shrank sharply) are held back.

Only a *clean* run (finished, every feed stored, nothing unreached) confirms records, and only confirmed
records stop a later run's paging: a run cut short never hides what it did not reach.
"""

from __future__ import annotations


def state_extension(crawler):
    """The run's :class:`~newscrawl.state.extension.StateExtension`, or None."""
    from newscrawl.state.extension import StateExtension

    manager = getattr(crawler, "_extensions", None)  # None before the crawler built its extensions
    for extension in manager.middlewares if manager is not None else ():
        if isinstance(extension, StateExtension):
            return extension
    return None


def state_of(crawler):
    """The run's state store, or None when the crawl keeps no state."""
    extension = state_extension(crawler)
    return extension.store if extension is not None else None
