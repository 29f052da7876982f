"""Split an aggregator's text copy of an article into JSON Lines records.

Usage: ``python -m newscrawl.split FILE`` (or ``-`` for standard input). Prints the article, then one
record per related article whose text the copy carries (see :mod:`newscrawl.text.aggregator`), as UTF-8
JSON Lines with Arabic unescaped, whatever the locale. Unreadable input (missing, empty, binary, not
UTF-8) prints one line ``newscrawl.split: error: …`` on standard error and exits with status 2.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence

from newscrawl.text.aggregator import UnreadableCopy, split_copy

PROG = "newscrawl.split"
EXIT_UNREADABLE = 2

#: Share of control characters (besides tab, newlines, form feed) above which decoded text is binary.
MAX_CONTROL_SHARE = 0.01


class InputError(Exception):
    """Input that is not a readable text copy; the message is shown to the user."""


def read_input(path: str) -> str:
    """The text of ``path`` (``-``: standard input), checked to be non-empty UTF-8 text."""
    try:
        if path == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(path, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return decode_text(data, "standard input" if path == "-" else path)


def decode_text(data: bytes, name: str) -> str:
    """``data`` decoded as UTF-8 (a BOM is allowed), or :class:`InputError` saying why it is not text."""
    if not data.strip():
        raise InputError(f"{name} is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name} is UTF-16 text; convert it to UTF-8")
    if b"\x00" in data:
        raise InputError(f"{name} is binary (it holds NUL bytes), not a text copy")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{name} is not valid UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start})") from None
    controls = sum(1 for ch in text if (ch < " " and ch not in "\t\n\r\f\v") or ch == "\x7f")
    if controls > MAX_CONTROL_SHARE * len(text):
        raise InputError(f"{name} is binary ({controls} control characters), not a text copy")
    return text


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Split an aggregator's text copy of an article into JSON Lines: the article, then each "
        "related article whose text the copy carries.",
    )
    parser.add_argument("file", metavar="FILE", help="the text copy, UTF-8; - reads standard input")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        records = split_copy(read_input(args.file))
    except (InputError, UnreadableCopy) as exc:
        sys.stderr.write(f"{PROG}: error: {exc}\n")
        return EXIT_UNREADABLE
    out = sys.stdout.buffer
    try:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False).encode("utf-8") + b"\n")
        out.flush()
    except BrokenPipeError:  # `… | head -1`: the reader has gone; silence the flush at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
