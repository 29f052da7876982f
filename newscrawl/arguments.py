"""The albawabh spider's arguments (``-a name=value``), read and checked in one place.

A bad value raises :class:`SpiderArgumentError` naming the argument; the project's ``crawl`` command
checks the arguments before the crawl starts and prints that one line instead of a traceback.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from newscrawl.backfill.ids import IdRange, IdRangeError
from newscrawl.backfill.window import BoundError, parse_bound
from newscrawl.sites.urls import DEFAULT_BASE_URL, Site, redact_url

CAIRO = ZoneInfo("Africa/Cairo")
UNLIMITED_PAGES = 10**9


class SpiderArgumentError(ValueError):
    def __init__(self, name: str, value: object, expected: str, *, message: str | None = None):
        super().__init__(message or f"invalid spider argument {name}={value!r}: {expected}")
        self.name = name


def unknown_argument(name: str, known: tuple[str, ...]) -> SpiderArgumentError:
    """The error for an argument this spider does not take, suggesting the closest known name."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return SpiderArgumentError(name, None, "", message=f"unknown spider argument {name!r}{hint}; known: "
                               + ", ".join(known))


@dataclass(frozen=True)
class SpiderArguments:
    base_url: str = DEFAULT_BASE_URL
    #: Category ids to crawl (``-a sections=72,1``); empty means every section of the menu.
    sections: tuple[str, ...] = ()
    #: Pages per listing, counting the first.
    max_pages: int = UNLIMITED_PAGES
    #: The date window (``-a since=2023-11-01 -a until=2023-11-30``, inclusive; Cairo time unless an offset
    #: is given; a date alone is the whole day): articles published outside it are not emitted, links dated
    #: outside it are not fetched, a listing is paged down to ``since`` and no further (newscrawl.backfill).
    since: datetime | None = None
    until: datetime | None = None
    #: An id range (``-a ids=4900000-4900500``): exactly those article pages, newest first, nothing else.
    ids: IdRange | None = None

    #: Page kinds to render through Splash (``-a render=listings,articles``); needs SPLASH_URL.
    render: frozenset[str] = frozenset()
    #: Where article URLs are found (``-a discover=feeds,sitemaps``): the RSS feeds, the sitemaps (robots.txt's
    #: and ``/sitemaps.xml``) and the listings (sections, pagination, read-also links). Default: all three.
    discover: frozenset[str] = frozenset({"feeds", "sitemaps", "listings"})

    #: Every argument the spider takes: the one list to extend when an argument is added. Keys that start
    #: with ``_`` are left to the caller (scrapyd passes ``_job``, ``_version``) and never refused.
    NAMES = ("base_url", "sections", "max_pages", "since", "until", "ids", "render", "discover")
    RENDER_KINDS = frozenset({"listings", "articles"})
    SOURCES = frozenset({"feeds", "sitemaps", "listings"})

    @classmethod
    def parse(cls, kwargs: dict) -> SpiderArguments:
        """Take this spider's arguments out of ``kwargs`` (popped) and check them; a name that is not in
        :attr:`NAMES` (nor ``_``-prefixed) is refused, naming the closest known one."""
        for name in kwargs:
            if name not in cls.NAMES and not str(name).startswith("_"):
                raise unknown_argument(str(name), cls.NAMES)
        values = {}
        if (raw := kwargs.pop("base_url", None)) is not None:
            try:
                values["base_url"] = Site.from_base_url(str(raw)).base_url
            except ValueError as exc:
                raise SpiderArgumentError("base_url", redact_url(str(raw)), str(exc)) from None
        if (raw := kwargs.pop("sections", None)) is not None:
            ids = tuple(part.strip() for part in str(raw).split(",") if part.strip())
            if not ids or not all(part.isascii() and part.isdigit() for part in ids):
                raise SpiderArgumentError("sections", raw, "expected comma-separated category ids, e.g. 72,1")
            values["sections"] = tuple(dict.fromkeys(ids))
        if (raw := kwargs.pop("max_pages", None)) is not None:
            if not re.fullmatch(r"\s*[0-9]+\s*", str(raw)) or int(raw) < 1:
                raise SpiderArgumentError("max_pages", raw, "expected a whole number of pages, 1 or more")
            values["max_pages"] = int(raw)
        if (raw := kwargs.pop("since", None)) is not None:
            values["since"] = parse_since(raw)
        if (raw := kwargs.pop("until", None)) is not None:
            values["until"] = parse_until(raw)
        if values.get("since") and values.get("until") and values["since"] > values["until"]:
            raise SpiderArgumentError("until", raw, f"it is before since={values['since'].isoformat()}")
        if (raw := kwargs.pop("ids", None)) is not None:
            try:
                values["ids"] = IdRange.parse(raw)
            except IdRangeError as exc:
                raise SpiderArgumentError("ids", raw, str(exc)) from None
        if (raw := kwargs.pop("render", None)) is not None:
            kinds = frozenset(part.strip() for part in str(raw).split(",") if part.strip())
            if not kinds <= cls.RENDER_KINDS:
                raise SpiderArgumentError("render", raw, "expected listings, articles or both, comma-separated")
            values["render"] = kinds
        if (raw := kwargs.pop("discover", None)) is not None:
            sources = frozenset(part.strip() for part in str(raw).split(",") if part.strip())
            if not sources or not sources <= cls.SOURCES:
                raise SpiderArgumentError("discover", raw, "expected feeds, sitemaps, listings or several of them, "
                                          "comma-separated")
            values["discover"] = sources
        return cls(**values)

    def with_render(self, raw: str) -> SpiderArguments:
        """These arguments with ``render`` read from ``raw`` (the NEWSCRAWL_RENDER setting)."""
        from dataclasses import replace

        return replace(self, render=SpiderArguments.parse({"render": raw}).render)


def parse_since(raw: object) -> datetime:
    """``2023-11-22``, ``2023-11-22T10:00`` or with an offset; dates without a zone are Cairo time; a date
    alone starts at its first instant."""
    try:
        return parse_bound(raw)
    except BoundError as exc:
        raise SpiderArgumentError("since", raw, str(exc)) from None


def parse_until(raw: object) -> datetime:
    """Like :func:`parse_since`, but a date alone ends at its last instant (``until`` is inclusive)."""
    try:
        return parse_bound(raw, end=True)
    except BoundError as exc:
        raise SpiderArgumentError("until", raw, str(exc)) from None
