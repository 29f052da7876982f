"""The revisit policy: whether an article page is worth a request in this run, and why.

An article not in the state is fetched. One that an earlier run delivered is fetched again only when
there is a reason:

- ``changed``: a feed, sitemap or listing gives it a date (``lastmod``, ``updated``, a card's date)
  later than the newest date known for it at its last fetch;
- ``revisit``: an age of ``NEWSCRAWL_REVISIT`` (default ``1h,6h,1d,3d`` after publication) has passed
  since the last fetch; each age at most once, and an article older than the last age is left alone;
- ``retry``: the page answered 404/410 and its backoff (1 h, doubling up to 7 days) ran out.

A reason persists until the fetch's outcome is committed, so a run that fails to deliver an update is
followed by one that fetches it again. The clock is injected (``NEWSCRAWL_NOW``) for tests and benchmarks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from newscrawl.state.records import DATE_MARGIN, GONE, MISSING, StateRecord, instant

DEFAULT_SCHEDULE = "1h,6h,1d,3d"
UNITS = {"m": timedelta(minutes=1), "h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
AGE = re.compile(r"([0-9]{1,5})([mhdw])")
RETRY_FIRST = timedelta(hours=1)
RETRY_MAX = timedelta(days=7)
#: Dates more than this far ahead of the crawl's clock are not signals (a sitemap that says 2099).
FUTURE_SLACK = timedelta(days=1)

NEW_ARTICLE, CHANGED, REVISIT, RETRY = "new", "changed", "revisit", "retry"


class RevisitScheduleError(ValueError):
    pass


def parse_schedule(text: str) -> tuple[timedelta, ...]:
    """``"1h,6h,1d,3d"`` -> ages, ascending; ``""``/``off`` -> none. Raises :class:`RevisitScheduleError`."""
    text = (text or "").strip().lower()
    if text in ("", "off", "none", "0"):
        return ()
    ages = []
    for part in text.split(","):
        match = AGE.fullmatch(part.strip())
        if not match:
            raise RevisitScheduleError(f"NEWSCRAWL_REVISIT={text!r}: expected ages such as 1h,6h,1d,3d (m, h, d, w)")
        ages.append(int(match.group(1)) * UNITS[match.group(2)])
    return tuple(sorted(set(ages)))


def crawl_now(settings) -> datetime:
    """The crawl's clock: ``NEWSCRAWL_NOW`` (ISO 8601 with offset) when set, else the real time (UTC)."""
    raw = str(settings.get("NEWSCRAWL_NOW") or "").strip()
    if raw:
        value = instant(raw)
        if value is None:
            raise ValueError(f"NEWSCRAWL_NOW={raw!r} is not an ISO 8601 time with an offset")
        return value
    return datetime.now(UTC)


def iso(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def retry_delay(failures: int) -> timedelta:
    """Backoff before asking a 404/410 page again: 1 h after the first answer, doubling, at most 7 days."""
    return min(RETRY_FIRST * (2 ** max(failures - 1, 0)), RETRY_MAX) if failures < 20 else RETRY_MAX


@dataclass(frozen=True)
class RevisitPolicy:
    schedule: tuple[timedelta, ...]

    @classmethod
    def from_settings(cls, settings) -> RevisitPolicy:
        return cls(parse_schedule(str(settings.get("NEWSCRAWL_REVISIT", DEFAULT_SCHEDULE))))

    def reason(self, record: StateRecord | None, hint: datetime | None, now: datetime) -> str | None:
        """Why to fetch the article now (``new``, ``changed``, ``revisit``, ``retry``), or None."""
        if record is None:
            return NEW_ARTICLE
        if record.status in (GONE, MISSING):
            retry_at = instant(record.retry_at)
            return RETRY if retry_at is None or retry_at <= now else None
        if not record.delivered:
            return NEW_ARTICLE
        if hint is not None and self.is_news(hint, record, now):
            return CHANGED
        if self.revisit_due(record, now):
            return REVISIT
        return None

    @staticmethod
    def is_news(hint: datetime, record: StateRecord, now: datetime) -> bool:
        """A discovery date later than anything known at the last fetch (and not absurdly in the future)."""
        if hint > now + FUTURE_SLACK:
            return False
        known = instant(record.known_date) or instant(record.modified_at) or instant(record.published_at)
        return known is None or hint > known + DATE_MARGIN

    def revisit_due(self, record: StateRecord, now: datetime) -> bool:
        published = instant(record.published_at)
        last = instant(record.fetched_at) or instant(record.last_emitted_at)
        if published is None or last is None:
            return False
        return any(last < published + age <= now for age in self.schedule)
