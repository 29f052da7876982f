"""An id range (``-a ids=START-END``): the article pages START..END, asked for newest (highest id) first."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: An article id on this site: 6 digits or more (SITE.md).
MIN_DIGITS = 6


class IdRangeError(ValueError):
    """Not an id range; the message says what is expected."""


@dataclass(frozen=True)
class IdRange:
    start: int
    end: int

    @classmethod
    def parse(cls, raw: object) -> IdRange:
        match = re.fullmatch(r"\s*([0-9]+)\s*-\s*([0-9]+)\s*", str(raw))
        if not match:
            raise IdRangeError("expected START-END, two article ids, e.g. 4900000-4900500")
        start, end = int(match.group(1)), int(match.group(2))
        if len(str(start)) < MIN_DIGITS or len(str(end)) < MIN_DIGITS:
            raise IdRangeError(f"article ids have {MIN_DIGITS} digits or more")
        if start > end:
            raise IdRangeError("START must not be above END")
        return cls(start, end)

    def __len__(self) -> int:
        return self.end - self.start + 1

    def __contains__(self, article_id: object) -> bool:
        try:
            return self.start <= int(str(article_id)) <= self.end
        except ValueError:
            return False

    def newest_first(self) -> Iterator[str]:
        return (str(i) for i in range(self.end, self.start - 1, -1))

    def __str__(self) -> str:
        return f"{self.start}-{self.end}"
