"""The run's WARC files: named, rotated, made durable, and only then given their final name.

``<spider>-<run start UTC YYYYmmddTHHMMSSZ>-<serial 00000>.warc.gz``, each opening with a ``warcinfo``
record. A file is written as ``<name>.open`` and renamed once flushed, fsynced and closed, so a reader
never takes an open file for a complete one. A file is closed before a download's records would take it
past ``max_bytes`` (a download larger than that gets a file of its own).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from newscrawl.feeds.storages import fsync_directory
from newscrawl.warc.records import warcinfo_record

OPEN_SUFFIX = ".open"
EXTENSION = ".warc.gz"


def warc_name(spider: str, run_start: str, serial: int) -> str:
    return f"{spider}-{run_start}-{serial:05d}{EXTENSION}"


class WarcFiles:
    def __init__(
        self, directory: Path | str, spider: str, run_start: str, max_bytes: int, info: Callable[[], dict[str, str]]
    ):
        self.directory = Path(directory)
        self.spider = spider
        self.run_start = run_start
        self.max_bytes = max_bytes
        self.info = info
        self.serial = 0
        self.path: Path | None = None  # the final name of the open file
        self.file: BinaryIO | None = None
        self.size = 0
        self.records_in_file = 0

    def _open(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        while True:
            name = warc_name(self.spider, self.run_start, self.serial)
            self.serial += 1
            final = self.directory / name
            if final.exists():
                continue  # another worker of the same second took the name
            try:
                self.file = (self.directory / (name + OPEN_SUFFIX)).open("xb")
            except FileExistsError:
                continue
            break
        self.path = final
        header = warcinfo_record(name, self.info())
        self.file.write(header)
        self.size = len(header)
        self.records_in_file = 0

    def write(self, data: bytes) -> Path | None:
        """Append one download's records; return the file closed to make room for them, if any."""
        closed = None
        if self.file is not None and self.records_in_file and self.size + len(data) > self.max_bytes:
            closed = self.close()
        if self.file is None:
            self._open()
        self.file.write(data)
        self.size += len(data)
        self.records_in_file += 1
        return closed

    def close(self) -> Path | None:
        """Close the open file (flush, fsync, rename to its final name); return its path, None if none."""
        if self.file is None:
            return None
        file, final = self.file, self.path
        self.file = None
        self.path = None
        try:
            file.flush()
            os.fsync(file.fileno())
        finally:
            file.close()
        os.replace(final.with_name(final.name + OPEN_SUFFIX), final)
        fsync_directory(final.parent)
        return final
