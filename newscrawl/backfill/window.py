"""The crawl's date window (``-a since``/``-a until``): the bounds, the id-to-date relation, the pipeline.

- :func:`parse_bound` reads an ISO date or date-time (Cairo time unless an offset is given); a bare date
  means the start of that day for ``since`` and its end for ``until`` (both inclusive).
- :class:`Window` says whether an instant lies before, inside or after the window.
- :class:`IdDates` learns, from the dated cards and articles seen in the run, how ids map to dates (ids rise
  with time on this site) and refuses an undated link only when its id is *certainly* outside the window:
  a bound is taken from a known id on the far side, and a bound learned from another id must clear the
  window by :data:`ID_DATE_MARGIN` (articles scheduled or re-dated after their id was given).
- :class:`WindowPipeline` drops articles published outside the window (``newscrawl/filtered/out_of_window``)
  and, in a window crawl, undated ones (``newscrawl/filtered/undated``): a window crawl promises dated,
  in-window articles only.
"""

from __future__ import annotations

import bisect
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

CAIRO = ZoneInfo("Africa/Cairo")
#: How far a date learned from *another* id must clear the window before an undated id is refused.
ID_DATE_MARGIN = timedelta(hours=1)
BEFORE, INSIDE, AFTER = "before", "inside", "after"

logger = logging.getLogger(__name__)


class BoundError(ValueError):
    """A bound that is not an ISO date; the message says what is expected."""


def parse_bound(raw: object, *, end: bool = False) -> datetime:
    """``2023-11-22``, ``2023-11-22T10:00`` or with an offset; without a zone, Cairo time. A bare date is the
    first instant of that day, or with ``end`` its last (an inclusive ``until``)."""
    text = str(raw).strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise BoundError("expected an ISO date such as 2023-11-22 or 2023-11-22T10:00") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=CAIRO)
    if _DATE_ONLY.fullmatch(text):  # a date alone (2023-11-22 or 20231122): the whole day, in Cairo
        day = datetime.combine(value.date(), time(), CAIRO)
        if end:
            # The next day's first instant less 1 µs, in absolute time: on the night summer time ends, the day
            # has 25 hours, and wall-clock arithmetic would cut the repeated hour off both days.
            following = datetime.combine(value.date() + timedelta(days=1), time(), CAIRO)
            return (following.astimezone(UTC) - timedelta(microseconds=1)).astimezone(CAIRO)
        return day
    return value


_DATE_ONLY = re.compile(r"[0-9]{4}-?[0-9]{2}-?[0-9]{2}")


@dataclass(frozen=True)
class Window:
    since: datetime | None = None
    until: datetime | None = None

    def __bool__(self) -> bool:
        return self.since is not None or self.until is not None

    def where(self, moment: datetime) -> str:
        # Compared in UTC: two datetimes in the same zone compare by wall clock, which the repeated hour of
        # the night summer time ends makes ambiguous.
        moment = moment.astimezone(UTC)
        if self.since is not None and moment < self.since.astimezone(UTC):
            return BEFORE
        if self.until is not None and moment > self.until.astimezone(UTC):
            return AFTER
        return INSIDE

    def contains(self, moment: datetime) -> bool:
        return self.where(moment) == INSIDE

    def describe(self) -> str:
        return f"{self.since.isoformat() if self.since else '…'} to {self.until.isoformat() if self.until else '…'}"


class IdDates:
    """Dates known for ids in this run; :meth:`where` places an undated id when it certainly can."""

    def __init__(self, window: Window, margin: timedelta = ID_DATE_MARGIN):
        self.window = window
        self.margin = margin
        self._ids: list[int] = []  # sorted
        self._dates: dict[int, datetime] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def learn(self, article_id: str | int, moment: datetime | None) -> None:
        if moment is None:
            return
        key = int(article_id)
        if key not in self._dates:
            bisect.insort(self._ids, key)
        self._dates[key] = moment

    def date_of(self, article_id: str | int) -> datetime | None:
        return self._dates.get(int(article_id))

    def where(self, article_id: str | int) -> str | None:
        """BEFORE or AFTER when ``article_id`` is certainly outside the window; INSIDE when its date is known
        to be inside; None when it cannot be told (fetch it, or wait until more is known)."""
        key = int(article_id)
        if (own := self._dates.get(key)) is not None:
            return self.window.where(own)
        position = bisect.bisect_left(self._ids, key)
        since, until = self.window.since, self.window.until
        # Ids above this one were given later: the smallest date among them bounds this id's date from above.
        if since is not None and position < len(self._ids):
            upper = min(self._dates[i] for i in self._ids[position : position + 50])
            if upper < since - self.margin:
                return BEFORE
        if until is not None and position > 0:
            lower = max(self._dates[i] for i in self._ids[max(0, position - 50) : position])
            if lower > until + self.margin:
                return AFTER
        return None


class WindowPipeline:
    """Articles published outside the window are not emitted; in a window crawl, undated ones neither."""

    def __init__(self, window: Window, stats, backfill=None):
        self.window = window
        self.stats = stats
        self.backfill = backfill

    @classmethod
    def from_crawler(cls, crawler):
        spider = getattr(crawler, "spider", None)
        args = getattr(spider, "args", None)
        window = Window(getattr(args, "since", None), getattr(args, "until", None))
        if not window:
            raise NotConfigured  # no date window (no message: Scrapy would log one as a WARNING)
        return cls(window, crawler.stats, getattr(spider, "backfill", None))

    def process_item(self, item):
        adapter = ItemAdapter(item)
        if "published_at" not in adapter.field_names():  # a deletion record: not an article to place
            return item
        article_id = adapter.get("article_id")
        raw = adapter.get("published_at")
        moment = _instant(raw)
        if self.backfill is not None and article_id:
            self.backfill.learn(article_id, moment)
        if moment is None:
            self._drop(article_id, "undated", "has no publication date")
        where = self.window.where(moment)
        if where != INSIDE:
            self._drop(article_id, "out_of_window", f"was published {raw}, {where} the window")
        return item

    def _drop(self, article_id, reason: str, why: str):
        self.stats.inc_value(f"newscrawl/filtered/{reason}")
        if self.backfill is not None and article_id:
            self.backfill.settled(str(article_id))
        raise DropItem(f"article {article_id} {why} ({self.window.describe()})", log_level="DEBUG")


def _instant(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=CAIRO)
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=CAIRO)
