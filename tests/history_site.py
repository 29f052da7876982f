"""A copy of the site for history crawls: a few hundred dated articles in one section, served on loopback.

Built with the offline copy's own templates (``tests/site/build.py``, a private copy of the module as
``benchmarks/site.py`` does): article *g* is hand-written article 4912345 under a new id, published
``SPACING`` after article *g-1*; ids rise with time by ``ID_STEP`` (the ids between answer 404, as
deleted or never-published ids do on the real site). One section (``SECTION``), newest first, 20 dated
cards a page with the site's pager; the "most read" sidebar lists the five newest (undated links); every
article's read-also links point at older and newer articles (``READ_ALSO``), some far away; the section
feed lists the newest 20, the news sitemap the newest 50.

The server (:func:`serve`) logs every request target with its time (``HistoryServer.log``) and may wait
``delay`` seconds before each answer, so that a test can stop a crawl part-way.
"""

from __future__ import annotations

import importlib.util
import re
import threading
import time
import types
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from tests.site import content as C

CAIRO = ZoneInfo("Africa/Cairo")
FIRST_ID = 7_000_000
ID_STEP = 2  # ids rise by 2: every other id answers 404
SECTION = 72
ARTICLES = 240
#: The first (oldest) article's publication; Egypt left summer time on 2023-10-27, inside the copy's span.
FIRST_PUBLISHED = datetime(2023, 10, 1, 9, 30, tzinfo=CAIRO)
SPACING = timedelta(hours=4)
CARDS_PER_PAGE = 20
#: Read-also links of article g, as offsets in articles: nearby both ways, and far back.
READ_ALSO = (-1, 2, -30)
TEMPLATE_ID = "4912345"

WEEKDAYS = ("الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد")
MONTHS = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")
HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
READ_ALSO_HREF = re.compile(r'(href="(?:https?://(?:www\.)?albawabhnews\.com)?/)(\d{6,})"')


def article_id(g: int) -> str:
    return str(FIRST_ID + g * ID_STEP)


def published(g: int) -> datetime:
    """Article g's publication instant, in Cairo time (the offset follows Egypt's summer time)."""
    return (FIRST_PUBLISHED.astimezone(ZoneInfo("UTC")) + g * SPACING).astimezone(CAIRO)


def date_text(moment: datetime) -> str:
    """The article page's printed date: ``الأربعاء 22/نوفمبر/2023 - 01:47 م``."""
    hour12 = moment.hour % 12 or 12
    suffix = "ص" if moment.hour < 12 else "م"
    return (
        f"{WEEKDAYS[moment.weekday()]} {moment.day:02d}/{MONTHS[moment.month - 1]}/{moment.year} - "
        f"{hour12:02d}:{moment.minute:02d} {suffix}"
    )


def _private_build_module() -> types.ModuleType:
    from tests.site import build

    spec = importlib.util.spec_from_file_location("tests._history_build", build.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def generated_articles(n: int = ARTICLES) -> list[dict]:
    template = next(a for a in C.ARTICLES if a["id"] == TEMPLATE_ID)
    links = iter(())
    articles = []
    for g in range(n):
        targets = [article_id(t) for t in (g + offset for offset in READ_ALSO) if 0 <= t < n]
        links = iter(targets)

        def target(match: re.Match, links=links) -> str:
            new = next(links, None)
            return f'{match.group(1)}{new}"' if new else match.group(0)

        moment = published(g).replace(microsecond=0)
        iso = moment.isoformat()
        article = dict(template)
        article.update(
            id=article_id(g),
            section=SECTION,
            published=iso,
            date_text=date_text(moment),
            time_attr=moment.replace(tzinfo=None).isoformat(),
            meta_published=iso,
            ld_published=iso,
            ld_modified=None,
            meta_modified=None,
            body=READ_ALSO_HREF.sub(target, template["body"]),
            orphan=False,
            print=False,
            tags=[],
            title=f"{template['title']} ({g})",
        )
        articles.append(article)
    return articles


@dataclass
class HistorySite:
    articles: list[dict]
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    not_found: bytes = b""

    @property
    def ids(self) -> list[str]:
        return [a["id"] for a in self.articles]

    def published_at(self) -> dict[str, datetime]:
        return {a["id"]: datetime.fromisoformat(a["published"]) for a in self.articles}

    def ids_between(self, since: datetime, until: datetime) -> set[str]:
        return {i for i, moment in self.published_at().items() if since <= moment <= until}


def build_site(n: int = ARTICLES) -> HistorySite:
    b = _private_build_module()
    articles = generated_articles(n)
    newest = [a["id"] for a in reversed(articles)]
    pages = [newest[i : i + CARDS_PER_PAGE] for i in range(0, len(newest), CARDS_PER_PAGE)]
    b.ARTICLES = {a["id"]: a for a in articles}
    content = {name: getattr(C, name) for name in dir(C) if name.isupper()}
    content.update(
        ARTICLES=articles,
        SECTION_PAGES={SECTION: pages},
        ABSOLUTE_CARDS=set(),
        MOST_READ=newest[:5],
        HOME_BLOCKS=[("أهم الأخبار", None, newest[:3])],
        BREAKING=newest[:1],
    )
    b.C = types.SimpleNamespace(**content)
    site = HistorySite(articles)
    site.pages["/robots.txt"] = (TEXT, b.robots().encode())
    site.pages["/"] = (HTML, b.home_page().encode())
    name = C.SECTIONS[SECTION]
    base = f"/category/{SECTION}"
    for number, ids in enumerate(pages, 1):
        html = b.listing_page(
            name, name, b.breadcrumb(name, base), base, f"category/{SECTION}/{number}", ids, number, len(pages), SECTION
        )
        site.pages[base if number == 1 else f"{base}?page={number}"] = (HTML, html.encode())
    site.pages[f"/rss/section/{SECTION}"] = (XML, b.feed(newest[:20], name, f"/rss/section/{SECTION}").encode())
    site.pages["/sitemaps.xml"] = (XML, b.sitemap_index(newest[:50]).encode())
    site.pages["/sitemap-news.xml"] = (XML, b.sitemap_news(newest[:50]).encode())
    for article in articles:
        site.pages[f"/{article['id']}"] = (HTML, b.article_page(article).encode())
    site.not_found = b.not_found_page().encode()
    return site


class HistoryServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: HistorySite, delay: float = 0.0, robots: str | None = None):
        super().__init__(("127.0.0.1", 0), HistoryHandler)
        self.site = site
        self.delay = delay
        self.robots = robots
        self.log: list[tuple[float, str]] = []
        self.lock = threading.Lock()

    def handle_error(self, request, client_address) -> None:
        """A crawler killed mid-request leaves broken connections: nothing to report."""

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def targets(self) -> list[str]:
        with self.lock:
            return [target for _, target in self.log]

    def article_fetches(self) -> list[str]:
        """Article ids requested, once per request (repeats kept)."""
        return [target.lstrip("/") for target in self.targets() if re.fullmatch(r"/\d{6,}", target)]

    def lookup(self, target: str) -> tuple[int, str, bytes]:
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        if path == "/robots.txt" and self.robots is not None:
            return 200, TEXT, self.robots.encode()
        page = next((v for k, v in parse_qsl(parts.query) if k == "page"), "1")
        key = path if page == "1" else f"{path}?page={page}"
        found = self.site.pages.get(key)
        return (200, *found) if found else (404, HTML, self.site.not_found)


class HistoryHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HistoryServer

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        with self.server.lock:
            self.server.log.append((time.monotonic(), self.path))
        if self.server.delay:
            time.sleep(self.server.delay)
        status, ctype, body = self.server.lookup(self.path)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args) -> None:  # noqa: A002 (http.server's signature)
        pass


def serve(site: HistorySite | None = None, *, delay: float = 0.0, robots: str | None = None) -> HistoryServer:
    """Serve ``site`` (default: :func:`build_site`) on a free loopback port in a thread; ``shutdown()`` stops it."""
    server = HistoryServer(site or build_site(), delay, robots)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
