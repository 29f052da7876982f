"""Test-only feed storages on a disk that is full for a window of writes.

``DISK`` counts every ``write`` made to a file opened by these storages in this process (the exporter
writes one line per call). Writes numbered in ``DISK.failing`` write half their bytes, as a full disk
leaves a cut line, then raise ``OSError(ENOSPC)``. In a crawl, ``-s FEEDFAULTS_ENOSPC_WRITES=6-8`` sets
the window (inclusive) and ``-s FEED_STORAGES='{"": "tests.feedfaults.FaultyFileFeedStorage"}'`` (or
``"s3": "tests.feedfaults.FaultyS3FeedStorage"``, whose staging file in ``FEED_TEMPDIR`` fails) uses them.
"""

from __future__ import annotations

import errno
import os
from typing import IO, Any

from newscrawl.feeds.storages import FileFeedStorage, S3FeedStorage


class Disk:
    def __init__(self, failing: range = range(0)):
        self.failing = failing
        self.writes = 0

    def write(self, file: IO[bytes], data: bytes) -> int:
        self.writes += 1
        if self.writes in self.failing:
            file.write(bytes(data)[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return file.write(data)


DISK = Disk()


def configure_from(settings) -> None:
    window = str(settings.get("FEEDFAULTS_ENOSPC_WRITES") or "")
    if window:
        first, _, last = window.partition("-")
        DISK.failing = range(int(first), int(last or first) + 1)


class FaultyFile:
    """A binary file whose writes go through ``DISK``; everything else is the real file's."""

    def __init__(self, file: IO[bytes], disk: Disk):
        self._file = file
        self._disk = disk

    def write(self, data: bytes) -> int:
        return self._disk.write(self._file, data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class FaultyFileFeedStorage(FileFeedStorage):
    @classmethod
    def from_crawler(cls, crawler, uri: str, *, feed_options=None):
        configure_from(crawler.settings)
        return cls(uri, feed_options=feed_options)

    def open(self, spider) -> IO[bytes]:
        return FaultyFile(super().open(spider), DISK)  # type: ignore[return-value]


class FaultyS3FeedStorage(S3FeedStorage):
    @classmethod
    def from_crawler(cls, crawler, uri: str, *, feed_options=None):
        configure_from(crawler.settings)
        return super().from_crawler(crawler, uri, feed_options=feed_options)

    def open(self, spider) -> IO[bytes]:
        return FaultyFile(super().open(spider), DISK)  # type: ignore[return-value]
