"""FEEDS for the run: always a local JSON Lines copy, plus the remote feed named by ``NEWSCRAWL_FEED_URI``.

- The local copy is ``<NEWSCRAWL_FEED_DIR>/<spider>/<start time>.jsonl``, written on every run, even an
  empty one. It is always a new file (feed option ``exclusive``, see ``newscrawl.feeds.storages``): when
  that name is taken (two runs started in the same second) the run writes ``<start time>-2.jsonl``, then
  ``-3``..., never appending to another run's file. With ``-o``/``-O`` naming a local file, that file is
  the local copy instead, appended to or overwritten as Scrapy does.
- ``NEWSCRAWL_FEED_URI`` (e.g. ``s3://bucket/prefix/%(name)s/%(time)s.jsonl``) adds a remote feed beside
  it, in the same format. A URI ending in ``.gz`` is gzipped by Scrapy's ``GzipPlugin``. A run that emits
  nothing uploads nothing (``store_empty`` is off for the remote feed).
- ``NEWSCRAWL_FEED_BATCH_ITEMS=N`` splits the *remote* feed into objects of N items (the feed's own
  ``batch_item_count``, not the global ``FEED_EXPORT_BATCH_ITEM_COUNT``, which would also split the local
  copy and, for a ``-O`` file without a batch placeholder, make Scrapy disable every feed). The URI then
  needs ``%(batch_id)d`` or ``%(batch_time)s``; when it has neither, ``-%(batch_id)05d`` is put before the
  extension (``.../2024-05-01T10-00-00+00-00-00001.jsonl``).
- Credentials, region and endpoint are not settings: boto3 reads the standard AWS variables
  (``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_SESSION_TOKEN``, ``AWS_DEFAULT_REGION``,
  ``AWS_ENDPOINT_URL``/``AWS_ENDPOINT_URL_S3``, ``AWS_PROFILE``, web identity...). Kept out of Scrapy's
  settings, a secret never appears in the "Overridden settings" log line. A URI carrying credentials
  (``s3://KEY:SECRET@bucket/...``) is refused for the same reason. botocore's DEBUG messages print each
  signed request, session token included, so its loggers are held at INFO even with ``LOG_LEVEL=DEBUG``.

Feeds are planned for ``scrapy crawl`` only: a debug command (``shell``, ``parse``, ``check``...) writes
none. Add-ons run after ``-s``, ``-o`` and ``-O`` are applied; the FEEDS setting is written back at the
priority it had, so a ``-O`` feed keeps the remote feed beside it. (Scrapy 2.19 merges ``-o``/``-O`` with
the project's FEEDS rather than replacing them, which is why settings.py leaves FEEDS empty and the local
copy is added here, only when no local file is named.)
"""

from __future__ import annotations

import logging
import re
from pathlib import PureWindowsPath
from typing import Any
from urllib.parse import urlsplit

GZIP_PLUGIN = "scrapy.extensions.postprocessing.GzipPlugin"
BATCH_PLACEHOLDER = re.compile(r"%\(batch_(?:id|time)\)")
LOCAL_FEED_NAME = "%(name)s/%(time)s.jsonl"
#: ``exclusive``: a new file, never another run's (``newscrawl.feeds.storages.FileFeedStorage``).
LOCAL_FEED_OPTIONS = {"format": "jsonlines", "encoding": "utf-8", "exclusive": True}
#: Loggers whose DEBUG output carries credentials (signed request headers, the session token).
CREDENTIAL_LOGGERS = ("botocore", "boto3", "s3transfer")


class FeedSettingsError(ValueError):
    """A feed variable that cannot work; the message never repeats a credential."""


def is_local_uri(uri: str) -> bool:
    return urlsplit(uri).scheme in ("", "file") or bool(PureWindowsPath(uri).drive)


def split_remote_uri(uri: str, variable: str, error: type[ValueError]):
    """``urlsplit(uri)`` of a remote destination named by ``variable``; ``error`` when it is no URI or holds
    credentials (they belong in the AWS_* variables, where no log or message repeats them)."""
    try:
        parts = urlsplit(uri)
        has_credentials = parts.username is not None or parts.password is not None
    except ValueError:
        raise error(f"{variable} is not a URI") from None
    if has_credentials:
        raise error(f"{variable} must not hold credentials: give them in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
    return parts


def check_remote_uri(uri: str, schemes: set[str]) -> None:
    """Raise :class:`FeedSettingsError` when ``uri`` cannot be a remote feed."""
    parts = split_remote_uri(uri, "NEWSCRAWL_FEED_URI", FeedSettingsError)
    if parts.scheme not in schemes or not parts.scheme:
        raise FeedSettingsError(f"NEWSCRAWL_FEED_URI has an unsupported scheme {parts.scheme!r}: expected "
                                "s3://bucket/prefix/%(name)s/%(time)s.jsonl")
    if parts.scheme in ("s3", "gs") and (not parts.hostname or not parts.path.strip("/")):
        raise FeedSettingsError(f"NEWSCRAWL_FEED_URI needs a bucket and an object name: {parts.scheme}://bucket/"
                                "prefix/%(name)s/%(time)s.jsonl")


def with_batch_placeholder(uri: str) -> str:
    """``uri`` with ``-%(batch_id)05d`` before its extension, unless it already names the batch."""
    if BATCH_PLACEHOLDER.search(uri):
        return uri
    head, _, name = uri.rpartition("/")
    stem, dot, extension = name.partition(".")
    return f"{head}/{stem}-%(batch_id)05d{dot}{extension}" if head else f"{stem}-%(batch_id)05d{dot}{extension}"


def remote_feed_options(uri: str, batch_items: int) -> dict[str, Any]:
    options: dict[str, Any] = {"format": "jsonlines", "encoding": "utf-8", "overwrite": True, "store_empty": False}
    if urlsplit(uri).path.endswith(".gz"):
        options["postprocessing"] = [GZIP_PLUGIN]
    if batch_items:
        options["batch_item_count"] = batch_items
    return options


def plan_feeds(feeds: dict, *, feed_dir: str, remote_uri: str = "", batch_items: int = 0,
               schemes: frozenset[str] | set[str] = frozenset({"s3", "file"})) -> dict:
    """FEEDS for the run: ``feeds`` as given, a local copy unless one is there, the remote feed if any."""
    if batch_items < 0:
        raise FeedSettingsError("NEWSCRAWL_FEED_BATCH_ITEMS must be 0 (one object per run) or more")
    planned = {str(uri): dict(options or {}) for uri, options in feeds.items()}
    if not any(is_local_uri(uri) for uri in planned):
        planned[f"{feed_dir.rstrip('/') or '.'}/{LOCAL_FEED_NAME}"] = dict(LOCAL_FEED_OPTIONS)
    if remote_uri:
        check_remote_uri(remote_uri, set(schemes))
        uri = with_batch_placeholder(remote_uri) if batch_items else remote_uri
        planned.setdefault(uri, remote_feed_options(uri, batch_items))
    return planned


def planned_feeds(settings) -> dict:
    """:func:`plan_feeds` for these settings (raises :class:`FeedSettingsError`)."""
    try:
        batch_items = settings.getint("NEWSCRAWL_FEED_BATCH_ITEMS", 0)
    except ValueError:
        raise FeedSettingsError("NEWSCRAWL_FEED_BATCH_ITEMS must be a whole number") from None
    return plan_feeds(
        settings.getdict("FEEDS"),
        feed_dir=str(settings.get("NEWSCRAWL_FEED_DIR") or "feeds"),
        remote_uri=str(settings.get("NEWSCRAWL_FEED_URI") or "").strip(),
        batch_items=batch_items,
        schemes={scheme for scheme, path in settings.getwithbase("FEED_STORAGES").items() if path and scheme},
    )


def quiet_credential_loggers() -> None:
    for name in CREDENTIAL_LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(max(logger.level, logging.INFO))


class FeedsAddon:
    """Plans the feeds of ``scrapy crawl`` only (the crawl command sets ``NEWSCRAWL_COMMAND``): ``shell``,
    ``parse``, ``fetch``, ``view`` and ``check`` write no feed file."""

    def update_settings(self, settings) -> None:
        quiet_credential_loggers()
        if settings.get("NEWSCRAWL_COMMAND") != "crawl":
            return
        settings.set("FEEDS", planned_feeds(settings), priority=settings.getpriority("FEEDS") or "project")
