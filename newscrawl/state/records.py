"""What the state remembers of one article, and the pure rules over it (no store, no Scrapy).

A record exists for every article id the crawl delivered, for ids that answered 404/410 before they
were ever delivered (``MISSING``, so that a dead link is not asked again on every run), and for ids found
but not requested because the run reached its request limit (``PENDING``: the next run starts with them,
since the page that linked them may never be fetched again). ``version`` counts
the versions delivered (0: never delivered); ``known_date`` is the newest date known for the article at
its last fetch (its own dates and the dates feeds, sitemaps and listings gave for it): a discovery source
showing a later one is the reason to fetch it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

#: The fields whose change makes an article an update. Not the dates (``modified_at`` is compared on its
#: own; ``published_at`` may come from a relative date and drift between runs), not ``crawled_at``.
CONTENT_FIELDS = ("title", "section", "author", "body", "images", "tags", "keywords", "related")

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"
DELIVERED, GONE, MISSING, PENDING = "delivered", "gone", "missing", "pending"

#: A date from a discovery source counts as newer only past this margin (sitemaps round to the minute).
DATE_MARGIN = timedelta(minutes=1)

#: Fields kept in a record's ``details`` (SQLite column, Redis JSON): everything but the indexed columns.
DETAIL_FIELDS = ("published_at", "known_date", "fetched_at", "etag", "last_modified", "body_length",
                 "field_hashes", "http_status", "failures")


@dataclass(frozen=True, slots=True)
class StateRecord:
    article_id: str
    content_hash: str = ""
    modified_at: str | None = None
    first_emitted_at: str = ""
    last_emitted_at: str = ""
    #: Delivered or met again by a clean run: may stop a listing's paging (see ``newscrawl.state``).
    confirmed: bool = False
    #: Versions delivered: 1 after the first delivery, 2 after the first update; 0 for a MISSING id.
    version: int = 1
    status: str = DELIVERED
    #: GONE/MISSING: when to ask the page again (ISO 8601); None: at the next sighting.
    retry_at: str | None = None
    published_at: str | None = None
    known_date: str | None = None
    fetched_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    body_length: int = 0
    field_hashes: Mapping[str, str] = field(default_factory=dict)
    http_status: int | None = None
    #: Consecutive 404/410 answers (the retry backoff's exponent).
    failures: int = 0

    @property
    def delivered(self) -> bool:
        """An earlier run delivered some version of the article (it may since have gone)."""
        return self.version > 0

    def details_json(self) -> str:
        data = asdict(self)
        return json.dumps({name: data[name] for name in DETAIL_FIELDS if data[name] not in (None, 0, {}, "")},
                          ensure_ascii=False, separators=(",", ":"), sort_keys=True)

    def to_json(self) -> str:
        """The whole record as one JSON object (the Redis store's value)."""
        data = json.loads(self.details_json())
        data.update({"hash": self.content_hash, "modified_at": self.modified_at, "first": self.first_emitted_at,
                     "last": self.last_emitted_at, "confirmed": self.confirmed, "version": self.version,
                     "status": self.status, "retry_at": self.retry_at})
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, article_id: str, raw: str | bytes) -> StateRecord:
        """A record from :meth:`to_json` output, or from the state of earlier releases (no version: 1).
        Raises ValueError on anything else."""
        data = json.loads(raw)
        if not isinstance(data, dict) or not isinstance(data.get("hash", ""), str):
            raise ValueError("not a state record")
        details = {name: data[name] for name in DETAIL_FIELDS if name in data}
        return cls(article_id, data.get("hash", ""), data.get("modified_at"), data.get("first", ""),
                   data.get("last", ""), bool(data.get("confirmed")), int(data.get("version", 1)),
                   str(data.get("status", DELIVERED)), data.get("retry_at"), **_checked_details(details))

    @classmethod
    def from_row(cls, article_id: str, content_hash: str, modified_at, first, last, confirmed, version, status,
                 retry_at, details: str | None) -> StateRecord:
        extra = _checked_details(json.loads(details)) if details else {}
        return cls(article_id, content_hash, modified_at, first, last, bool(confirmed), int(version),
                   status, retry_at, **extra)


def _checked_details(details: dict) -> dict:
    if not isinstance(details, dict):
        raise ValueError("record details are not an object")
    out = {name: details[name] for name in DETAIL_FIELDS if name in details}
    if not isinstance(out.get("field_hashes", {}), dict):
        raise ValueError("field_hashes is not an object")
    for name in ("body_length", "failures"):
        out[name] = int(out.get(name) or 0)
    return out


# -- the rules ------------------------------------------------------------------------------------------
def _canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def content_hash(item: Mapping) -> str:
    """SHA-256 of the article's ``CONTENT_FIELDS``, stable across runs and key order."""
    content = {name: item.get(name) for name in CONTENT_FIELDS}
    return hashlib.sha256(_canonical(content).encode("utf-8")).hexdigest()


def field_hashes(item: Mapping) -> dict[str, str]:
    """A short hash per content field: enough to name the fields an update changed."""
    return {name: hashlib.sha256(_canonical(item.get(name)).encode("utf-8")).hexdigest()[:16]
            for name in CONTENT_FIELDS}


def changed_fields(previous: Mapping[str, str], current: Mapping[str, str]) -> list[str]:
    """The content fields whose hash differs (all of them when the earlier version kept no hashes)."""
    if not previous:
        return [name for name in CONTENT_FIELDS if name in current]
    return [name for name in CONTENT_FIELDS if previous.get(name) != current.get(name)]


def instant(value: str | None) -> datetime | None:
    """An aware datetime from an ISO 8601 string, None when missing, unreadable or naive."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except (ValueError, TypeError, AttributeError):
        return None
    return parsed if parsed.tzinfo is not None else None


def is_newer(modified_at: str | None, previous: str | None) -> bool:
    """Whether ``modified_at`` is later than ``previous`` (ISO 8601 strings; a date that appears is newer)."""
    if not modified_at:
        return False
    if not previous:
        return True
    new, old = instant(modified_at), instant(previous)
    if new is None or old is None:  # unreadable or naive: a different string is a change
        return modified_at != previous
    return new > old


def latest(*values: str | None) -> str | None:
    """The latest of some ISO 8601 strings (unreadable ones ignored), as given."""
    best, best_at = None, None
    for value in values:
        at = instant(value)
        if at is not None and (best_at is None or at > best_at):
            best, best_at = value, at
    return best


def classify(previous: StateRecord | None, digest: str, modified_at: str | None) -> str:
    """``NEW`` (never delivered), ``UPDATED`` (content hash differs, modified date newer, or the article
    came back after it was gone) or ``UNCHANGED``."""
    if previous is None or not previous.delivered:
        return NEW
    if previous.status == GONE or digest != previous.content_hash or is_newer(modified_at, previous.modified_at):
        return UPDATED
    return UNCHANGED
