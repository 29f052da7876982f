"""A copy of albawabhnews.com that publishes and edits articles over simulated time, for the freshness benchmark.

    python -m benchmarks.freshness_site --articles 2000 --epoch 2026-11-24T19:00:00+02:00 [--port 0]

prints ``serving http://127.0.0.1:<port>`` once it listens. The simulated clock starts at ``--epoch`` (the
benchmark uses real now minus 10 days, so that every date stays in the past) and moves only when the parent
asks: ``POST /__advance?minutes=15``. ``GET /__stats`` gives the request counts, ``GET /__truth`` every
article with its publication time, the surfaces it is on and its edits. None of the ``/__`` paths is linked.

The site (all rendered per request by the offline copy's templates, ``tests/site/build.py``, as
``benchmarks.site`` does, cached until the clock moves):

- a backlog of ``--articles`` articles, published ``--per-hour`` an hour up to the epoch; after it, the
  same rate of new articles, and ``--edits-per-hour`` edits of articles 20 min to 24 h old (an edit appends a
  paragraph ``(تحديث رقم N)``, sets ``article:modified_time``, JSON-LD ``dateModified`` and the sitemap's
  ``lastmod``, and changes the ``ETag``/``Last-Modified`` headers; conditional requests that match get 304);
- one article in ten is on the feeds and the news sitemap only (no listing, no sidebar, no read-also link
  reaches it), one in ten on the listings only (on no feed and no sitemap), the rest on both;
- surfaces: the home page, ``/category/<n>`` (newest first, 20 cards a page, the site's pager), a "most read"
  sidebar on every page (``--sidebar-new`` slots for articles of the last 15 minutes, the rest from the last
  12 hours), read-also links to older articles inside bodies, ``/rss.xml`` (latest 30), ``/rss/section/<n>``
  (latest 20 of the section), ``/sitemaps.xml`` -> ``/sitemap-news.xml`` (the last 48 h, 1,000 URLs a file,
  then ``sitemap-news-2.xml``...),
  robots.txt with its ``Sitemap:`` line. Feeds and sitemaps name articles by their canonical URL, as the real
  site's do.

Everything is decided by ``--seed``: two runs of the same command serve the same site at the same clock.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import re
import sys
import types
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from benchmarks.site import FIRST_ID, HTML, TEXT, _private_build_module
from tests.site import content as C

CAIRO = ZoneInfo("Africa/Cairo")
XML = "application/xml; charset=utf-8"
RSS = "application/rss+xml; charset=utf-8"
JSON = "application/json"
CARDS_PER_PAGE = 20
RSS_ITEMS = 30
SECTION_RSS_ITEMS = 20
NEWS_SITEMAP_HOURS = 48
NEWS_SITEMAP_MAX = 1000  # URLs per news sitemap file (Google's limit); more go to sitemap-news-2.xml, ...
SIDEBAR_SIZE = 5
#: Edits go to articles at least this old and at most EDIT_MAX_AGE old.
EDIT_MIN_AGE = timedelta(minutes=20)
EDIT_MAX_AGE = timedelta(hours=24)
#: Every tenth article: position 4 is on the feeds and the sitemap only, position 9 on the listings only.
FEED_ONLY, LISTING_ONLY, BOTH = "feed_only", "listing_only", "both"
READ_ALSO_HREF = re.compile(r'(href="(?:https?://(?:www\.)?albawabhnews\.com)?/)(\d{6,})"')
WEEKDAYS = ("الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر",
          "ديسمبر")


def kind_of(index: int) -> str:
    position = index % 10
    return FEED_ONLY if position == 4 else LISTING_ONLY if position == 9 else BOTH


def iso(moment: datetime) -> str:
    return moment.astimezone(CAIRO).replace(microsecond=0).isoformat()


def article_date_text(moment: datetime) -> str:
    """``الأربعاء 22/نوفمبر/2023 - 01:47 م``: the article page's date line, Cairo time."""
    local = moment.astimezone(CAIRO)
    hour12 = local.hour % 12 or 12
    suffix = "ص" if local.hour < 12 else "م"
    return (f"{WEEKDAYS[local.weekday()]} {local.day:02d}/{MONTHS[local.month - 1]}/{local.year} - "
            f"{hour12:02d}:{local.minute:02d} {suffix}")


def http_date(moment: datetime) -> str:
    return format_datetime(moment.astimezone(UTC).replace(microsecond=0), usegmt=True)


@dataclass
class SimArticle:
    index: int
    id: str
    section: int
    template: int
    published: datetime
    kind: str
    edits: list[datetime] = field(default_factory=list)

    @property
    def listed(self) -> bool:
        return self.kind != FEED_ONLY

    @property
    def on_feeds(self) -> bool:
        return self.kind != LISTING_ONLY

    @property
    def last_modified(self) -> datetime:
        return self.edits[-1] if self.edits else self.published

    @property
    def etag(self) -> str:
        return f'"{self.id}-v{len(self.edits) + 1}"'


class Simulation:
    """The articles and the clock; what every surface shows at the current simulated time."""

    def __init__(self, backlog: int, epoch: datetime, *, per_hour: float = 50, edits_per_hour: float = 10,
                 sidebar_new: int = 1, seed: int = 1):
        if backlog < 1:
            raise ValueError("the site needs a backlog of at least one article")
        self.epoch = epoch.astimezone(CAIRO)
        self.now = self.epoch
        self.publish_every = timedelta(hours=1) / per_hour
        self.edit_every = timedelta(hours=1) / edits_per_hour if edits_per_hour > 0 else None
        self.sidebar_new = max(0, min(sidebar_new, SIDEBAR_SIZE))
        self.seed = seed
        self.rng = random.Random(seed)
        self.sections = list(C.SECTIONS)
        self.articles: list[SimArticle] = []
        self.edit_log: list[tuple[datetime, str, int]] = []  # (when, article id, version)
        for index in range(backlog):
            self._add(self.epoch - (backlog - 1 - index) * self.publish_every)
        self.backlog = backlog
        self.next_publish = self.epoch + self.publish_every
        self.next_edit = self.epoch + self.edit_every / 2 if self.edit_every else None
        self.refresh()

    def _add(self, published: datetime) -> SimArticle:
        index = len(self.articles)
        article = SimArticle(index, str(FIRST_ID + index), self.rng.choice(self.sections),
                             index % len(C.ARTICLES), published, kind_of(index))
        self.articles.append(article)
        return article

    # -- the clock --------------------------------------------------------------------------------------
    def advance(self, minutes: float) -> dict:
        """Move the clock; publish and edit what falls due, in time order. Returns what happened."""
        target = self.now + timedelta(minutes=minutes)
        published, edited = [], []
        while True:
            due = [t for t in (self.next_publish, self.next_edit) if t is not None and t <= target]
            if not due:
                break
            if self.next_publish <= target and (self.next_edit is None or self.next_publish <= self.next_edit):
                published.append(self._add(self.next_publish).id)
                self.next_publish += self.publish_every
            else:
                if (article := self._edit(self.next_edit)) is not None:
                    edited.append(article.id)
                self.next_edit += self.edit_every
        self.now = target
        self.refresh()
        return {"now": iso(self.now), "published": published, "edited": edited}

    def _edit(self, when: datetime) -> SimArticle | None:
        candidates = [a for a in self.articles
                      if a.kind == BOTH and when - EDIT_MAX_AGE <= a.published <= when - EDIT_MIN_AGE]
        if not candidates:
            return None
        article = self.rng.choice(candidates)
        article.edits.append(when)
        self.edit_log.append((when, article.id, len(article.edits) + 1))
        return article

    # -- what the surfaces show -------------------------------------------------------------------------
    def refresh(self) -> None:
        """Recompute the lists every surface shows (after the clock moved)."""
        newest = list(reversed(self.articles))
        self.by_id = {a.id: a for a in self.articles}
        self.listed = [a.id for a in newest if a.listed]
        self.fed = [a.id for a in newest if a.on_feeds]
        self.section_lists = {sid: [] for sid in self.sections}
        self.section_feeds = {sid: [] for sid in self.sections}
        for article in newest:
            if article.listed:
                self.section_lists[article.section].append(article.id)
            if article.on_feeds:
                self.section_feeds[article.section].append(article.id)
        horizon = self.now - timedelta(hours=NEWS_SITEMAP_HOURS)
        recent = [i for i in self.fed if self.by_id[i].published >= horizon]
        self.news_sitemaps = [recent[i: i + NEWS_SITEMAP_MAX] for i in range(0, len(recent), NEWS_SITEMAP_MAX)]
        self.most_read = self._most_read()

    def _most_read(self) -> list[str]:
        """``sidebar_new`` of the articles of the last 15 minutes, then articles of the last 12 hours picked
        by an hourly "popularity" draw."""
        listed = [i for i in self.listed if C.ARTICLES[self.by_id[i].template]["lead"]]  # the box shows images
        fresh = [i for i in listed if self.by_id[i].published > self.now - timedelta(minutes=15)]
        chosen = fresh[: self.sidebar_new]
        pool = [i for i in listed
                if self.now - timedelta(hours=12) <= self.by_id[i].published <= self.now - timedelta(hours=1)
                and i not in chosen]
        hour = int((self.now - self.epoch).total_seconds() // 3600)
        draw = random.Random(f"{self.seed}/{hour}")
        chosen += draw.sample(pool, min(len(pool), SIDEBAR_SIZE - len(chosen)))
        if len(chosen) < SIDEBAR_SIZE:  # a young site: the newest that are not there yet
            chosen += [i for i in listed if i not in chosen][: SIDEBAR_SIZE - len(chosen)]
        return chosen

    def truth(self) -> dict:
        return {
            "epoch": iso(self.epoch),
            "now": iso(self.now),
            "backlog": self.backlog,
            "articles": [{"id": a.id, "published": iso(a.published), "kind": a.kind, "section": a.section,
                          "edits": [iso(t) for t in a.edits]} for a in self.articles],
        }


class Renderer:
    """Pages of the simulation through the offline copy's templates; cached until the clock moves."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.b = _private_build_module()
        self.dicts: dict[str, dict] = {}
        self.cache: dict[str, tuple[str, bytes, dict]] = {}

    def invalidate(self) -> None:
        self.cache.clear()
        sim = self.sim
        for article in sim.articles:
            if article.id not in self.dicts or len(article.edits) != self.dicts[article.id]["_version"] - 1:
                self.dicts[article.id] = self._article_dict(article)
        self.b.ARTICLES = self.dicts
        content = {name: getattr(C, name) for name in dir(C) if name.isupper()}
        pages = {sid: [ids[i: i + CARDS_PER_PAGE] for i in range(0, len(ids), CARDS_PER_PAGE)] or [[]]
                 for sid, ids in sim.section_lists.items()}
        home = [("أهم الأخبار", None, sim.listed[:3])]
        home += [(C.SECTIONS[sid], sid, sim.section_lists[sid][:3]) for sid in sim.sections[:3]
                 if sim.section_lists[sid]]
        now = sim.now
        content.update(
            ARTICLES=list(self.dicts.values()),
            SECTION_PAGES=pages,
            ABSOLUTE_CARDS=set(),
            MOST_READ=sim.most_read,
            HOME_BLOCKS=home,
            BREAKING=sim.listed[:1],
            TOP_BAR_DATE=f"{WEEKDAYS[now.weekday()]} {now.day} {MONTHS[now.month - 1]} {now.year}",
        )
        self.b.C = types.SimpleNamespace(**content)
        self.section_pages = pages

    def _article_dict(self, article: SimArticle) -> dict:
        template = C.ARTICLES[article.template]
        sim = self.sim
        older = [a for a in sim.articles[: article.index] if a.listed] or [article]
        picks = random.Random(f"{sim.seed}/links/{article.index}")

        def read_also(match: re.Match) -> str:
            target = older[-1 - min(len(older) - 1, int(picks.expovariate(1 / 40)))]
            return f'{match.group(1)}{target.id}"'

        published = iso(article.published)
        local = article.published.astimezone(CAIRO).replace(microsecond=0)
        time_attr = template.get("time_attr")
        if time_attr:
            time_attr = published if re.search(r"[+-]\d\d:\d\d$|Z$", time_attr) else local.strftime("%Y-%m-%dT%H:%M:%S")
        body = READ_ALSO_HREF.sub(read_also, template["body"])
        for version, when in enumerate(article.edits, 2):
            body += (f"\n<p>وفي تحديث لاحق، أفادت مصادر مطلعة بأن التطورات ما زالت متواصلة، وأن مزيدا من التفاصيل "
                     f"سيُعلن في وقت لاحق من اليوم (تحديث رقم {version} - {article_date_text(when)}).</p>\n")
        data = dict(template)
        data.update(
            id=article.id,
            section=article.section,
            title=f"{template['title']} ({article.index})",
            published=published,
            date_text=article_date_text(article.published),
            time_attr=time_attr,
            meta_published=published if template.get("meta_published") else None,
            ld_published=published,
            ld_modified=iso(article.edits[-1]) if article.edits else None,
            meta_modified=iso(article.edits[-1]) if article.edits else None,
            body=body,
            orphan=False,
            print=False,
            _version=len(article.edits) + 1,
        )
        return data

    # -- pages ------------------------------------------------------------------------------------------
    def page(self, path: str, page: int) -> tuple[str, bytes, dict] | None:
        key = f"{path}?{page}"
        if (hit := self.cache.get(key)) is None:
            hit = self._render(path, page)
            if hit is not None:
                self.cache[key] = hit
        return hit

    def _render(self, path: str, page: int) -> tuple[str, bytes, dict] | None:
        b, sim = self.b, self.sim
        if path == "/robots.txt":
            return TEXT, b.robots().encode(), {}
        if path == "/":
            return HTML, b.home_page().encode(), {}
        if (match := re.fullmatch(r"/category/(\d+)", path)) and int(match.group(1)) in self.section_pages:
            sid = int(match.group(1))
            pages = self.section_pages[sid]
            if not 1 <= page <= len(pages):
                return None
            name, base = C.SECTIONS[sid], f"/category/{sid}"
            html = b.listing_page(name, name, b.breadcrumb(name, base), base, f"category/{sid}/{page}",
                                  pages[page - 1], page, len(pages), sid)
            return HTML, html.encode(), {}
        if re.fullmatch(r"/\d{6,}", path) and (article := sim.by_id.get(path[1:])) is not None:
            html = b.article_page(self.dicts[article.id])
            if article.edits and 'property="article:modified_time"' not in html:  # templates without meta_modified
                meta = f'<meta property="article:modified_time" content="{iso(article.edits[-1])}">\n'
                html = html.replace("</head>", meta + "</head>", 1)
            return HTML, html.encode(), {"ETag": article.etag, "Last-Modified": http_date(article.last_modified)}
        if path == "/rss.xml":
            return self._feed(sim.fed[:RSS_ITEMS])
        if (match := re.fullmatch(r"/rss/(?:section/)?(\d+)", path)) and int(match.group(1)) in sim.section_feeds:
            return self._feed(sim.section_feeds[int(match.group(1))][:SECTION_RSS_ITEMS])
        if path == "/sitemaps.xml" and sim.news_sitemaps:
            return self._xml(self._sitemap_index(), [i for ids in sim.news_sitemaps for i in ids])
        if (match := re.fullmatch(r"/sitemap-news(?:-(\d+))?\.xml", path)) and match.group(1) != "1":
            number = int(match.group(1) or 1)
            if number > len(sim.news_sitemaps):
                return None
            b.C.NEWS_SITEMAP_IDS = sim.news_sitemaps[number - 1]
            return self._xml(b.sitemap_news(), sim.news_sitemaps[number - 1])
        return None

    def _sitemap_index(self) -> str:
        """The index: one news sitemap per 1,000 articles of the last 48 h, newest first."""
        entries = []
        for number, ids in enumerate(self.sim.news_sitemaps, 1):
            name = "sitemap-news.xml" if number == 1 else f"sitemap-news-{number}.xml"
            newest = max(self.sim.by_id[i].last_modified for i in ids)
            entries.append(f"<sitemap>\n  <loc>{C.CANONICAL}/{name}</loc>\n  <lastmod>{iso(newest)}</lastmod>\n"
                           "</sitemap>")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + "\n".join(entries) + "\n</sitemapindex>\n")

    def _feed(self, ids: list[str]) -> tuple[str, bytes, dict] | None:
        if not ids:
            return None
        self.b.C.RSS_IDS = ids
        return self._xml(self.b.rss(), ids, RSS)

    def _xml(self, text: str, ids: list[str], content_type: str = XML) -> tuple[str, bytes, dict] | None:
        if not text:
            return None
        body = text.encode()
        newest = max(self.sim.by_id[i].last_modified for i in ids)
        return content_type, body, {"ETag": f'"{hashlib.sha1(body).hexdigest()[:16]}"',
                                    "Last-Modified": http_date(newest)}

    def not_found(self) -> bytes:
        return self.b.not_found_page().encode()


# -- the server ----------------------------------------------------------------------------------------
def request_kind(path: str) -> str:
    if path == "/robots.txt":
        return "robots"
    if path.startswith("/rss"):
        return "feed"
    if path.startswith("/sitemap"):
        return "sitemap"
    if path == "/" or path.startswith(("/category/", "/tag/", "/search/")):
        return "listing"
    if re.fullmatch(r"/\d{6,}", path) or path.startswith("/print.aspx"):
        return "article"
    return "other"


def not_modified(request_headers: dict[str, str], headers: dict) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since."""
    if (inm := request_headers.get("if-none-match")) is not None:
        etag = headers.get("ETag")
        return bool(etag) and (inm.strip() == "*" or etag in [t.strip().removeprefix("W/") for t in inm.split(",")])
    if (ims := request_headers.get("if-modified-since")) and (last := headers.get("Last-Modified")):
        try:
            return parsedate_to_datetime(last) <= parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
    return False


class Site:
    """The simulation, its renderer and the request counters."""

    def __init__(self, sim: Simulation):
        self.sim = sim
        self.renderer = Renderer(sim)
        self.renderer.invalidate()
        self.counts: dict[str, int] = {}

    def _count(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1

    def handle(self, method: str, target: str, headers: dict[str, str]) -> bytes:
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = dict(parse_qsl(parts.query))
        if path.startswith("/__"):
            return self.control(method, path, query)
        kind = request_kind(path)
        self._count(f"requests/{kind}")
        self._count("requests/total")
        try:
            page = int(query.get("page", "1"))
        except ValueError:
            page = 0
        found = self.renderer.page(path, page)
        if found is None:
            self._count(f"status/404/{kind}")
            return response("404 Not Found", HTML, self.renderer.not_found())
        content_type, body, extra = found
        if extra and not_modified(headers, extra):
            self._count(f"status/304/{kind}")
            return response("304 Not Modified", None, b"", extra)
        self._count(f"status/200/{kind}")
        return response("200 OK", content_type, body, extra)

    def control(self, method: str, path: str, query: dict[str, str]) -> bytes:
        if path == "/__advance" and method == "POST":
            try:
                minutes = float(query.get("minutes", "15"))
            except ValueError:
                return response("400 Bad Request", TEXT, b"minutes must be a number")
            if not 0 <= minutes <= 24 * 60:
                return response("400 Bad Request", TEXT, b"minutes out of range")
            result = self.sim.advance(minutes)
            self.renderer.invalidate()
            return response("200 OK", JSON, json.dumps(result).encode())
        if path == "/__stats":
            return response("200 OK", JSON, json.dumps({"now": iso(self.sim.now), "counts": self.counts}).encode())
        if path == "/__truth":
            return response("200 OK", JSON, json.dumps(self.sim.truth(), ensure_ascii=False).encode())
        return response("404 Not Found", TEXT, b"unknown control endpoint")


def response(status: str, content_type: str | None, body: bytes, headers: dict | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status}", "Server: Microsoft-IIS/10.0"]
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    lines += [f"Content-Length: {len(body)}", "X-Powered-By: ASP.NET"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class HttpProtocol(asyncio.Protocol):
    """HTTP/1.1 for a crawler and the parent: GET/HEAD/POST, keep-alive, request bodies skipped."""

    MAX_HEAD = 64 * 1024

    def __init__(self, site: Site):
        self.site = site
        self.buffer = b""
        self.skip = 0
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.skip:
                taken = min(self.skip, len(self.buffer))
                self.buffer, self.skip = self.buffer[taken:], self.skip - taken
                if self.skip:
                    return
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > self.MAX_HEAD:
                    self.transport.close()
                return
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            line, *header_lines = head.decode("latin-1").split("\r\n")
            try:
                method, target, version = line.split(" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for header in header_lines:
                name, _, value = header.partition(":")
                headers[name.strip().lower()] = value.strip()
            try:
                self.skip = max(0, int(headers.get("content-length", "0")))
            except ValueError:
                self.transport.close()
                return
            try:
                answer = self.site.handle(method, target, headers)
            except Exception as exc:  # a bug here must show, not hang the crawl
                print(f"error serving {target}: {exc!r}", file=sys.stderr, flush=True)
                answer = response("500 Internal Server Error", TEXT, b"server error")
            if method == "HEAD":
                answer = answer[: answer.index(b"\r\n\r\n") + 4]
            self.transport.write(answer)
            if version == "HTTP/1.0" or headers.get("connection", "").lower() == "close":
                self.transport.close()
                return


async def _serve(site: Site, host: str, port: int) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: HttpProtocol(site), host, port, backlog=1024)
    bound = server.sockets[0].getsockname()[1]
    print(f"serving http://{host}:{bound} ({len(site.sim.articles)} articles, clock {iso(site.sim.now)})", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a copy of albawabhnews.com that changes over simulated time.")
    parser.add_argument("--articles", type=int, default=2000, help="backlog at the epoch")
    parser.add_argument("--epoch", default=None, help="the simulated clock's start, ISO 8601 with offset "
                        "(default: real now minus 10 days)")
    parser.add_argument("--per-hour", type=float, default=50, help="new articles per simulated hour")
    parser.add_argument("--edits-per-hour", type=float, default=10, help="edits per simulated hour")
    parser.add_argument("--sidebar-new", type=int, default=1, help="'most read' slots for articles of the last 15 min")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--port", type=int, default=0, help="0: a free port (printed)")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    if args.epoch:
        epoch = datetime.fromisoformat(args.epoch)
        if epoch.tzinfo is None:
            epoch = epoch.replace(tzinfo=CAIRO)
    else:
        epoch = (datetime.now(UTC) - timedelta(days=10)).replace(second=0, microsecond=0)
    sim = Simulation(args.articles, epoch, per_hour=args.per_hour, edits_per_hour=args.edits_per_hour,
                     sidebar_new=args.sidebar_new, seed=args.seed)
    try:
        asyncio.run(_serve(Site(sim), args.host, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
