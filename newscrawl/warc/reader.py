"""Reading WARC files back with warcio, past damage: each record read whole, errors reported with offsets.

:func:`scan` yields every record it can read as a :class:`Capture` (headers, and the raw HTTP payload when
``want_payload`` says so) and every failure as a :class:`ReadError`. After a failure (a flipped byte, a cut
file, a digest that does not match) it looks for the next gzip member from the failure's offset on and
goes on reading there, so one bad record costs that record, not the rest of the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

GZIP_MAGIC = b"\x1f\x8b\x08"
CHUNK = 1 << 20
MAX_MESSAGE = 160
WARC_VERSIONS = ("WARC/1.0", "WARC/1.1")


@dataclass
class Capture:
    path: Path
    offset: int
    rec_type: str
    url: str
    headers: dict[str, str]  # the WARC header fields (first value of each name)
    status: int | None = None
    http_headers: list[tuple[str, str]] | None = None
    payload: bytes | None = None  # the HTTP payload as stored (still content-encoded)


@dataclass
class ReadError:
    path: Path
    offset: int
    message: str
    fatal: bool = False  # the file is not a WARC: nothing after it is read

    def __str__(self) -> str:
        return f"{self.path}: offset {self.offset}: {self.message}"


def _status(record) -> int | None:
    if record.http_headers is None or record.rec_type != "response":
        return None
    try:
        return int(record.http_headers.get_statuscode())
    except (TypeError, ValueError):
        return None


def _next_member(file, start: int) -> int | None:
    """The offset of the next gzip member header at or after ``start``, None at the end of the file."""
    file.seek(start)
    carry = b""
    position = start
    while True:
        block = file.read(CHUNK)
        if not block:
            return None
        data = carry + block
        found = data.find(GZIP_MAGIC)
        if found >= 0:
            return position - len(carry) + found
        carry = data[-(len(GZIP_MAGIC) - 1) :]
        position += len(block)


def scan(
    path: Path | str, want_payload: Callable[[Capture], bool] = lambda capture: False, offsets: list[int] | None = None
) -> Iterator[Capture | ReadError]:
    """Every record of ``path`` (or only those starting at ``offsets``), then every error met."""
    path = Path(path)
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            yield ReadError(path, 0, "empty file: not a WARC", fatal=True)
            return
        if offsets is not None:
            for offset in offsets:
                yield from _read_from(file, path, offset, want_payload, limit=1)
            return
        start: int | None = 0
        while start is not None:
            error = None
            for result in _read_from(file, path, start, want_payload):
                if isinstance(result, ReadError):
                    error = result
                yield result
            if error is None or error.fatal:
                return
            start = _next_member(file, error.offset + 1)


def _read_from(file, path: Path, start: int, want_payload, limit: int | None = None):
    """Records from ``start`` until the end, an error (yielded last) or ``limit`` records."""
    file.seek(start)
    iterator = ArchiveIterator(file, check_digests=True)
    count = 0
    offset = start
    try:
        for record in iterator:
            offset = iterator.offset  # the record's start (get_record_offset() would read the record first)
            headers = record.rec_headers
            if record.format != "warc" or headers.protocol not in WARC_VERSIONS:
                # warcio reads what is not a WARC as ARC lines: text and random bytes would pass as records
                first = offset == 0 and count == 0
                what = "the file is not a WARC" if first else "not a WARC record"
                yield ReadError(path, offset, f"{what} (no WARC/1.0 or WARC/1.1 version line)", fatal=first)
                return
            capture = Capture(
                path=path,
                offset=offset,
                rec_type=record.rec_type,
                url=headers.get_header("WARC-Target-URI") or "",
                headers={name: value for name, value in reversed(headers.headers)},
                status=_status(record),
                http_headers=list(record.http_headers.headers) if record.http_headers else None,
            )
            wanted = want_payload(capture)
            payload = record.raw_stream.read()
            missing = getattr(record.raw_stream, "limit", 0)
            if missing:
                yield ReadError(path, offset, f"the record is cut short: {missing} of its bytes are missing")
                return
            if record.digest_checker.passed is False:
                yield ReadError(path, offset, "digest mismatch: " + "; ".join(record.digest_checker.problems))
                return
            if wanted:
                capture.payload = payload
            yield capture
            count += 1
            if limit is not None and count >= limit:
                return
    except Exception as exc:  # zlib, EOF, a header warcio cannot parse: all mean this record is lost
        where = iterator.offset if iterator.offset is not None else offset
        if where == 0 and count == 0 and "Unknown archive format" in str(exc):
            yield ReadError(path, 0, "the file is not a WARC (" + describe(exc) + ")", fatal=True)
            return
        yield ReadError(path, where, describe(exc))
        return
    size = os.fstat(file.fileno()).st_size
    if limit is None and iterator.offset is not None and iterator.offset < size:
        yield ReadError(
            path,
            iterator.offset,
            f"the file ends inside a record: its last {size - iterator.offset} "
            "bytes are not a complete record (a cut or still-open file)",
        )


def describe(exc: Exception) -> str:
    """One printable line: warcio quotes the bytes it could not parse, which may be binary."""
    text = f"{type(exc).__name__}: {exc}".strip()
    text = "".join(char if char.isascii() and char.isprintable() else "?" for char in text)
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 3] + "..."
