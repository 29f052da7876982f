"""Fill ``published_at`` and ``modified_at`` from the date strings the spider found.

The spider leaves, per kind, a list of ``(source, raw)`` candidates in ``date_candidates``, most trusted
source first (``jsonld``, ``meta``, ``time_attr``, ``time_text``, ``listing``). Every candidate is parsed
with :func:`newscrawl.dates.parse_date_detail`, relative ones against the fetch time (``crawled_at``);
the most precise parse wins (an explicit offset over a local time over a date over a relative phrase),
ties going to the more trusted source. The winner becomes ``<kind>_at`` (ISO 8601, seconds, with the
Cairo offset in force) and its string ``<kind>_raw``.

A value more than ``NEWSCRAWL_DATE_MAX_FUTURE`` hours after the fetch, or before ``NEWSCRAWL_DATE_FLOOR``,
is rejected and the next best candidate tried; if every parsed candidate is rejected, ``<kind>_at`` stays
``None`` and ``<kind>_raw`` keeps the best rejected string. When nothing parses, ``<kind>_raw`` keeps the
first candidate's string. With no candidates at all, a ``<kind>_raw`` set by the spider is parsed
(source ``raw``).

``date_candidates`` is emptied once read: no later pipeline needs the page's date strings.

A ``modified_at`` earlier than ``published_at`` is dropped (``modified_raw`` kept): a page cannot be
updated before it is published, so one of the two is wrong, and the publication date is the one the
crawl is judged on.

Stats, per kind (``published``/``modified``), all under ``newscrawl/dates/<kind>/``:
``source/<source>`` and ``form/<form>`` for each value set; ``missing`` (no candidates), ``unparsed``
(none parsed), ``rejected/future`` and ``rejected/floor`` (every parse out of bounds; the reason of the
best one), ``skipped/future`` and ``skipped/floor`` (candidates passed over for a later one),
``hijri_mismatch`` and ``weekday_mismatch`` (the date is kept), ``rejected/before_published``
(modified only) and ``error`` (a bug, logged).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from itemadapter import ItemAdapter

from newscrawl.dates import ParsedDate, parse_date_detail
from newscrawl.items import Article, Deletion, release

logger = logging.getLogger(__name__)

KINDS = ("published", "modified")
DEFAULT_TIMEZONE = "Africa/Cairo"
DEFAULT_FLOOR = "2010-01-01"
DEFAULT_MAX_FUTURE_HOURS = 24.0
STATS_PREFIX = "newscrawl/dates"

Ranked = tuple[ParsedDate, str, str]


def rank_dates(candidates: Iterable, now: datetime | None, tz: str) -> list[Ranked]:
    """Every candidate that parses, as ``(parsed, source, raw)``, best first: higher precision first,
    then candidate order (the more trusted source)."""
    parsed: list[tuple[int, int, Ranked]] = []
    for order, candidate in enumerate(candidates or ()):
        try:
            source, raw = candidate
        except (TypeError, ValueError):
            continue
        if not isinstance(raw, str):
            continue
        detail = parse_date_detail(raw, now=now, tz=tz)
        if detail is not None:
            parsed.append((-detail.precision, order, (detail, str(source), raw)))
    parsed.sort(key=lambda entry: entry[:2])
    return [entry[2] for entry in parsed]


def choose_date(
    candidates: Iterable, now: datetime | None, tz: str
) -> tuple[ParsedDate | None, str | None, str | None]:
    """The most precise parse among ``(source, raw)`` candidates (ties: the earlier, more trusted one),
    as ``(parsed, source, raw)``, or ``(None, None, None)`` when none parses."""
    ranked = rank_dates(candidates, now, tz)
    return ranked[0] if ranked else (None, None, None)


def _parse_floor(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int):
        return date(value, 1, 1)
    text = str(value).strip()
    return date(int(text), 1, 1) if text.isdigit() else date.fromisoformat(text)


def _parse_crawled_at(value) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class DatesPipeline:
    """Thin Scrapy wrapper around :func:`rank_dates`; see the module docstring."""

    def __init__(
        self,
        stats=None,
        *,
        tz: str = DEFAULT_TIMEZONE,
        floor: str | date = DEFAULT_FLOOR,
        max_future: timedelta = timedelta(hours=DEFAULT_MAX_FUTURE_HOURS),
    ):
        self.stats = stats
        self.tz = tz
        self.zone: tzinfo = ZoneInfo(tz)  # fails at start-up on a bad NEWSCRAWL_TIMEZONE
        floor_date = _parse_floor(floor)
        self.floor = datetime(floor_date.year, floor_date.month, floor_date.day, tzinfo=self.zone).astimezone(UTC)
        self.max_future = max_future

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        pipeline = cls(
            stats=crawler.stats,
            tz=settings.get("NEWSCRAWL_TIMEZONE") or DEFAULT_TIMEZONE,
            floor=settings.get("NEWSCRAWL_DATE_FLOOR") or DEFAULT_FLOOR,
            max_future=timedelta(hours=settings.getfloat("NEWSCRAWL_DATE_MAX_FUTURE", DEFAULT_MAX_FUTURE_HOURS)),
        )
        pipeline.crawler = crawler
        return pipeline

    def _inc(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"{STATS_PREFIX}/{key}")

    def process_item(self, item):
        if isinstance(item, Deletion):  # a deletion record carries no article to clean or check
            return item
        adapter = ItemAdapter(item)
        if type(item) is not Article:  # an Article has both fields
            fields = adapter.field_names()
            if "date_candidates" not in fields and "published_raw" not in fields:
                return item
        url = adapter.get("url")
        crawled_at = _parse_crawled_at(adapter.get("crawled_at"))
        if crawled_at is None and adapter.get("crawled_at"):
            logger.warning("Unreadable crawled_at %r on %s", adapter.get("crawled_at"), url)
        values: dict[str, datetime | None] = {}
        for kind in KINDS:
            try:
                values[kind] = self._fill(adapter, kind, crawled_at, url)
            except Exception:  # never let a date take an item down
                logger.exception("Date normalization failed for %s on %s", kind, url)
                self._inc(f"{kind}/error")
                values[kind] = None
        release(item, "date_candidates")  # read by no one after this pipeline
        published, modified = values["published"], values["modified"]
        # Compared in UTC: within one zone Python compares wall times, blind to the DST fold.
        if published is not None and modified is not None and modified.astimezone(UTC) < published.astimezone(UTC):
            logger.info(
                "Dropping modified_at %s, before published_at %s, on %s",
                adapter.get("modified_at"),
                adapter.get("published_at"),
                url,
            )
            adapter["modified_at"] = None
            self._inc("modified/rejected/before_published")
        return item

    def _fill(self, adapter: ItemAdapter, kind: str, crawled_at: datetime | None, url) -> datetime | None:
        at_field, raw_field = f"{kind}_at", f"{kind}_raw"
        candidates = list((adapter.get("date_candidates") or {}).get(kind) or ())
        if not candidates:
            spider_raw = adapter.get(raw_field)
            if not spider_raw:
                self._inc(f"{kind}/missing")
                return None
            candidates = [("raw", spider_raw)]
        ranked = rank_dates(candidates, crawled_at, self.tz)
        if not ranked:
            first_raw = next((c[1] for c in candidates if isinstance(c, (tuple, list)) and len(c) == 2), None)
            adapter[at_field] = None
            adapter[raw_field] = first_raw
            self._inc(f"{kind}/unparsed")
            logger.info("No parsable %s date on %s among %r", kind, url, candidates)
            return None
        now = crawled_at or datetime.now(UTC)
        latest = now.astimezone(UTC) + self.max_future
        chosen = None
        rejected: list[tuple[str, str, datetime]] = []
        for detail, source, raw in ranked:
            value = detail.value.astimezone(UTC)
            reason = "future" if value > latest else "floor" if value < self.floor else None
            if reason is None:
                chosen = detail, source, raw
                break
            rejected.append((reason, raw, detail.value))
        if chosen is None:
            reason, best_raw, value = rejected[0]
            adapter[at_field] = None
            adapter[raw_field] = best_raw
            self._inc(f"{kind}/rejected/{reason}")
            logger.warning("Rejected %s date %r (%s: %s) on %s", kind, best_raw, reason, value.isoformat(), url)
            return None
        for reason, raw, value in rejected:
            self._inc(f"{kind}/skipped/{reason}")
            logger.info("Skipped %s date %r (%s: %s) on %s", kind, raw, reason, value.isoformat(), url)
        detail, source, raw = chosen
        adapter[at_field] = detail.value.isoformat(timespec="seconds")
        adapter[raw_field] = raw
        self._inc(f"{kind}/source/{source}")
        self._inc(f"{kind}/form/{detail.form}")
        # The date is kept: a Hijri date or a weekday beside it that disagrees is counted and logged.
        mismatches = {w.split(":", 1)[0] for w in detail.warnings} & {"hijri_mismatch", "weekday_mismatch"}
        for mismatch in sorted(mismatches):
            self._inc(f"{kind}/{mismatch}")
        if mismatches:
            logger.warning("%s date on %s: %s", kind, url, "; ".join(detail.warnings))
        return detail.value
