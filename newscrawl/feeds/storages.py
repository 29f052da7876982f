"""The feed storages (``FEED_STORAGES``): Scrapy's file and S3 storages, made safe to build a state on.

- :class:`FileFeedStorage` flushes and fsyncs the file, closes it and fsyncs its directory
  before ``store`` returns, so a line counted as delivered survives a power loss. With the feed option
  ``exclusive`` (the planned local copy) it creates a new file with ``O_EXCL``: when the name is taken it
  tries ``<stem>-2.<ext>``, ``-3``..., and :attr:`path` is the name it got.
- :meth:`discard` sets a failed file aside so that no consumer takes it for complete: a new or overwritten
  file is renamed ``<name>.failed`` (``FAILED_SUFFIX``); a file appended to (``-o``) is cut back to the
  length it had before this run. S3 discards its staging file: nothing is uploaded.

The class names are Scrapy's, so the stats stay ``feedexport/{success,failed}_count/FileFeedStorage``.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
from pathlib import Path
from typing import IO, Any

from scrapy.extensions import feedexport

logger = logging.getLogger(__name__)

FAILED_SUFFIX = ".failed"
MAX_SERIAL = 1000  # names tried for an exclusive file before giving up


def fsync_directory(directory: Path) -> None:
    """Make the directory entries (a new or renamed file) durable."""
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def serial_name(path: Path, serial: int) -> Path:
    """``dir/stem.ext`` for the first serial, then ``dir/stem-<serial>.ext`` (the stem ends at the first dot)."""
    if serial == 1:
        return path
    stem, dot, extension = path.name.partition(".")
    return path.with_name(f"{stem}-{serial}{dot}{extension}")


def close_quietly(file: IO[bytes] | None) -> None:
    if file is not None:
        with contextlib.suppress(Exception):  # a full disk fails the last flush again; the fd is closed anyway
            file.close()


class FileFeedStorage(feedexport.FileFeedStorage):
    def __init__(self, uri: str, *, feed_options: dict[str, Any] | None = None):
        super().__init__(uri, feed_options=feed_options)
        self.exclusive = bool((feed_options or {}).get("exclusive"))
        self._opened = False
        self._start_size = 0  # in append mode: the file's length before this run wrote to it

    def open(self, spider) -> IO[bytes]:
        path = Path(self.path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.exclusive:
            file = self._create_new(path)
        else:
            file = path.open(self.write_mode)
            self._start_size = file.tell() if self.write_mode == "ab" else 0
        self._opened = True
        return file

    def _create_new(self, path: Path) -> IO[bytes]:
        for serial in itertools.count(1):
            candidate = serial_name(path, serial)
            if candidate.with_name(candidate.name + FAILED_SUFFIX).exists():
                continue  # a failed run's name: not reused, so its .failed file stays its own
            try:
                file = candidate.open("xb")
            except FileExistsError:
                if serial >= MAX_SERIAL:
                    raise
                continue
            self.path = str(candidate)
            return file
        raise AssertionError("unreachable")

    def store(self, file: IO[bytes]) -> None:
        file.flush()
        os.fsync(file.fileno())
        file.close()
        fsync_directory(Path(self.path).resolve().parent)

    def discard(self, file: IO[bytes] | None) -> str | None:
        """Set a file that failed aside; return where its partial content now is (None: nowhere)."""
        close_quietly(file)
        if not self._opened:
            return None
        path = Path(self.path)
        if self.write_mode == "ab" and not self.exclusive:
            os.truncate(path, self._start_size)
            return None
        failed = path.with_name(path.name + FAILED_SUFFIX)
        os.replace(path, failed)
        return str(failed.resolve())


class S3FeedStorage(feedexport.S3FeedStorage):
    def discard(self, file: IO[bytes] | None) -> str | None:
        """Nothing is uploaded: the staging file is closed, which deletes it."""
        close_quietly(file)
        return None
