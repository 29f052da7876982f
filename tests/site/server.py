"""Serve the offline copy of albawabhnews.com (``tests/site/pages/``, and its "update" edition) over HTTP
on loopback.

Command line (serves until killed)::

    python -m tests.site.server --port 8000 [--host 127.0.0.1] [--verbose]
    python -m tests.site.server --faults standard [--faults flaky:/4911318] [--stall-seconds 35]
    python -m tests.site.server --mutate layout [--delay 0.2]
    python -m tests.site.server --edition update [--root DIR] [--update-root DIR] [--no-conditional]

prints ``serving http://127.0.0.1:8000`` once the socket listens (and, with faults, one line per fault).

From Python (pytest fixtures)::

    server, thread, base_url = serve()          # port 0: a free port
    server, thread, base_url = serve(faults="standard", offsite_base="http://127.0.0.2:8001")
    server, thread, base_url = serve(faults=["flaky:/4912702", "stall:/4911955"], stall_seconds=3)
    server, thread, base_url = serve(mutate="layout")     # a copy whose article layout changed
    server, thread, base_url = serve(delay=0.2)           # every answer 0.2 s late (stop/resume tests)
    server, thread, base_url = serve(root=tmp / "copy")   # another pages directory (overlay: tmp / "copy-update")
    server.edition = "update"                    # same port: pages-update/ over pages/ (back: "base")
    ...
    server.hits                                  # {"/4912345": 1, "/category/72?page=2": 1, ...}
    server.shutdown(); server.server_close()

URL space (see README.md for the full map):

====================================  ===========================================================
``/``                                 home
``/<id>`` (6+ digits)                 article, ``pages/articles/<id>.html``; 404 if no such file
``/print.aspx?id=<id>``               print view, ``pages/print/<id>.html``; 404 otherwise
``/category/<n>[?page=N]``            section listing, ``pages/category/<n>/page-N.html``; no
                                      ``page`` parameter means page 1; 404 for unbuilt sections and
                                      for pages past the last
``/tag/<n>[?page=N]``                 tag listing, ``pages/tag/<n>/page-N.html``; same rules
``/page/about``, ``/contact-us``      static pages
``/robots.txt``, ``/rss.xml``,        text/plain and XML
``/sitemaps.xml``,
``/sitemap-news.xml``
``/rss/section/<n>``, ``/rss/<n>``     RSS, ``pages/rss/section/<n>.xml``, ``pages/rss/<n>.xml``; 404 otherwise
``/__hits``                           test-only: the request counter as JSON (never linked, not
                                      counted itself)
anything else                         404 with the site's HTML error page
====================================  ===========================================================

Unknown query parameters are ignored (``/4912345?utm_source=x`` is the article). Requests in absolute
form (``GET http://127.0.0.1:8000/4912345``, as a proxy would send) are accepted. Pages contain links
to the canonical site (``https://www.albawabhnews.com/...``); mapping those onto the copy is the
crawler's job, not the server's.

Every request (GET or HEAD, any status, faults included) increments ``server.hits[target]``, where
``target`` is the request path with its query string exactly as sent (``/category/72`` and
``/category/72?page=1`` are two keys). ``/__hits`` itself is not counted.

Editions: ``server.edition`` is "base" (``pages/``) or "update" (``pages-update/`` over ``pages/``, minus
the paths in its ``deleted.txt``), switchable while the server runs. Conditional GET (``conditional=True``,
the default): articles, feeds and sitemaps carry a strong ``ETag`` over the bytes as served and the
``Last-Modified`` of ``last-modified.json``; matching ``If-None-Match``/``If-Modified-Since`` get a 304
without body, counted in ``hits``.

Faults (``faults=``), mutations (``mutate=``) and the per-request ``delay`` are described in
README.md ("Fault injection", "Layout mutations", "Editions"); :data:`FAULT_KINDS` and :data:`PRESETS`
are the reference. Without them, in the base edition, the server answers exactly the pages under
``pages/``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import socket
import struct
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).resolve().parent / "pages"
#: The "update" edition's overlay over PAGES (see content_update.py): the files that differ or are new,
#: plus DELETED, the base files that edition no longer has.
PAGES_UPDATE = Path(__file__).resolve().parent / "pages-update"
LAST_MODIFIED = "last-modified.json"
DELETED = "deleted.txt"
EDITIONS = ("base", "update")

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

RSS = "application/rss+xml; charset=utf-8"
STATIC = {
    "/robots.txt": ("robots.txt", TEXT),
    "/rss.xml": ("rss.xml", RSS),
    "/sitemaps.xml": ("sitemaps.xml", XML),
    "/sitemap-news.xml": ("sitemap-news.xml", XML),
    "/page/about": ("static/about.html", HTML),
    "/contact-us": ("static/contact-us.html", HTML),
}
ARTICLE_PATH = re.compile(r"^/(\d{6,})$")
LISTING_PATH = re.compile(r"^/(category|tag)/(\d+)$")
FEED_PATH = re.compile(r"^/rss/(?:(section)/)?(\d+)$")
#: Files answered with validators (ETag, and Last-Modified when LAST_MODIFIED has a date for them).
VALIDATED = re.compile(r"^(?:articles/|rss|sitemap)")
DIGITS = re.compile(r"^\d+$")

# -- fault injection --------------------------------------------------------------------------------

#: Every fault kind, what the server does, and on which requests. ``<path>`` is a request target as
#: in ``hits`` (``/4912702``, ``/category/72?page=2``); a rule whose target has no query string also
#: matches that path with any query string (``/4999003?loop=2``).
FAULT_KINDS = {
    "flaky": "503 Service Unavailable on the first 2 requests, then the page",
    "stall": "the first request sleeps `stall_seconds` (longer than the crawl's DOWNLOAD_TIMEOUT) before "
             "answering, later ones get the page at once",
    "truncate": "the first request gets the whole page's Content-Length but the page only up to the middle "
                "of its article body, then the connection closes; later ones get the page",
    "truncate_chunked": "the first request gets a chunked body cut in the middle of the article body, without "
                        "its last chunk (the connection closes); later ones get the page",
    "truncate_unsized": "the first request gets the page without Content-Length (HTTP/1.0-style, ended by "
                        "closing the connection), cut in the middle of the article body; later ones get the page",
    "reset": "the first request: the connection closes before any answer; later ones get the page",
    "cms_error": "always 200 with an ASP.NET-style CMS error page (`Server Error in '/' Application.`, "
                 "`عذراً، حدث خطأ`), no article markup",
    "cms_error_once": "the first request gets the `cms_error` page with status 200 (a transient CMS failure), "
                      "later ones get the page",
    "error_page": "always 200 with the site's own chrome around an error message (a soft error page)",
    "cms_error_template": "always 200 with the article template holding an error message in its body "
                          "(no date, no JSON-LD): an error the template rendered",
    "redirect_loop": "always 302 to the same path with `?loop=N+1`: an endless chain of new URLs",
    "redirect_cycle": "302 A -> A?via=b -> A: a two-step cycle back to the first URL",
    "huge": "always 200 with `Content-Length` 10 MiB and a 10 MiB body",
    "huge_unsized": "always 200 with a 10 MiB body and no `Content-Length` (read until the server closes)",
    "offsite_redirect": "always 302 to the same path on `offsite_base` (another host)",
    "disallowed_redirect": "always 302 to `/admin/login?next=<path>` (robots.txt disallows /admin/)",
    "robots_disallowed": "robots.txt disallows the path; the path itself answers a stub article page",
    "status": "`status=NNN:<path>`: always that HTTP status with the site's error page",
    "charset_lie": "always the page's UTF-8 bytes labelled windows-1256: `Content-Type: text/html; "
                   "charset=windows-1256` and `<meta charset=\"windows-1256\">`",
    "stray_close": "always the page with a stray `</div>` after the 2nd `</p>` inside `div.paragraph-list` "
                   "(a parser closes the body container there)",
    "unclosed_div": "always the page without the `</div>` that closes `div.paragraph-list` (a parser lets "
                    "the body container swallow the tags, keywords, comments and more-news blocks)",
}
#: Fault kinds that rewrite the page's bytes (every request) and answer 200 as the page would.
CONTENT_FAULTS = frozenset({"charset_lie", "stray_close", "unclosed_div"})
FIRST_ONLY = frozenset({"stall", "truncate", "truncate_chunked", "truncate_unsized", "reset", "cms_error_once"})
FLAKY_FAILURES = 2
HUGE_BYTES = 10 * 1024 * 1024
DEFAULT_STALL_SECONDS = 5.0
DEFAULT_OFFSITE_BASE = "http://offsite.invalid"  # .invalid never resolves (RFC 2606)

#: Named presets. "standard": one of each fault of the issue, on real articles where the crawl must
#: still emit the article, on new ids (49990xx, not on the copy) where it must emit nothing. "security":
#: what must never be fetched or must be cut off. "all": both, plus the variants. A fault on a path the
#: copy does not have is linked from a card on the home page, so a crawl meets it.
PRESETS: dict[str, tuple[str, ...]] = {
    "standard": (
        "flaky:/4912702",            # real article: retried, emitted
        "stall:/4911955",            # real article: timed out once, retried, emitted
        "truncate:/4912010",         # real article: data loss once, retried, emitted
        "cms_error:/4999001",        # new id: a 200 error page, dropped with a counted reason
        "redirect_loop:/4999003",    # new id: ends at REDIRECT_MAX_TIMES, no item
        "huge:/4999005",             # new id: cut off at DOWNLOAD_MAXSIZE, no item
        "offsite_redirect:/4999007",  # new id: the redirect to another host is never followed
    ),
    "security": (
        "offsite_redirect:/4999007",
        "disallowed_redirect:/4999008",   # a redirect into /admin/ (robots-disallowed) is never followed
        "robots_disallowed:/4999009",     # an article link that robots.txt disallows is never fetched
        "robots_disallowed:/category/555",  # a section link that robots.txt disallows is never fetched
        "huge:/4999005",
        "huge_unsized:/4999006",
    ),
}
PRESETS["all"] = tuple(dict.fromkeys((
    *PRESETS["standard"],
    *PRESETS["security"],
    "flaky:/category/72?page=2",   # a listing page: retried, its cards still reached
    "reset:/4910990",              # real article: connection lost once, retried, emitted
    "truncate_chunked:/4911502",   # real article: chunked body cut once, retried, emitted
    "error_page:/4999002",         # new id: the site's chrome around an error message
    "redirect_cycle:/4999004",     # new id: A -> B -> A
)))

#: Titles of the cards injected on the home page for new ids (what a reader would click).
INJECTED_TITLES = {
    "cms_error": "عاجل: تفاصيل جديدة في قضية الساعة",
    "error_page": "بالفيديو.. لحظة وصول الوفد المصري",
    "cms_error_template": "ننشر نص القرار الوزاري الجديد",
    "redirect_loop": "تعرف على أسعار الذهب اليوم",
    "redirect_cycle": "أسعار العملات مقابل الجنيه",
    "huge": "ألبوم صور: مهرجان القاهرة السينمائي",
    "huge_unsized": "ملف خاص: حصاد العام",
    "offsite_redirect": "اقرأ الخبر كاملاً على موقع شريك",
    "disallowed_redirect": "خدمة المشتركين",
    "robots_disallowed": "خبر محجوب عن محركات البحث",
}


class FaultSpecError(ValueError):
    """A fault specification that names no known kind or preset."""


@dataclass(frozen=True, slots=True)
class Fault:
    kind: str
    target: str
    status: int | None = None  # for kind "status"

    def __str__(self) -> str:
        return f"status={self.status}:{self.target}" if self.kind == "status" else f"{self.kind}:{self.target}"

    @property
    def path(self) -> str:
        return urlsplit(self.target).path


def parse_faults(spec: str | Mapping[str, int | str] | Iterable[str] | None) -> list[Fault]:
    """Faults from a preset name (``"standard"``), ``"kind:/path"`` strings (comma-separated or a list),
    or a mapping ``{target: status}`` / ``{target: kind}``. Raises :class:`FaultSpecError`."""
    if spec is None:
        return []
    if isinstance(spec, Mapping):
        faults = []
        for target, value in spec.items():
            if isinstance(value, int):
                faults.append(Fault("status", target, int(value)))
            else:
                faults.extend(parse_faults(f"{value}:{target}"))
        return faults
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    faults: list[Fault] = []
    for raw in items:
        raw = raw.strip()
        if not raw:
            continue
        if raw in PRESETS:
            faults.extend(parse_faults(list(PRESETS[raw])))
            continue
        kind, sep, target = raw.partition(":")
        status = None
        if kind.startswith("status="):
            kind, status = "status", kind.removeprefix("status=")
            if not status.isdigit():
                raise FaultSpecError(f"fault {raw!r}: status=NNN:/path needs a numeric status")
            status = int(status)
        if not sep or kind not in FAULT_KINDS or not target.startswith("/"):
            raise FaultSpecError(f"fault {raw!r}: expected a preset ({', '.join(PRESETS)}) or kind:/path with a "
                                 f"kind among {', '.join(FAULT_KINDS)}")
        faults.append(Fault(kind, target, status))
    return list(dict.fromkeys(faults))


#: Layout mutations of article pages (and print views): the class renamed on the body container, and
#: whether every JSON-LD block is removed.
MUTATIONS: dict[str, tuple[str | None, bool]] = {
    "layout": ("article-text", True),             # a class none of the crawler's selectors knows
    "layout-fallback": ("article-body", True),    # a class the crawler knows only as a fallback
    "no-jsonld": (None, True),                    # JSON-LD removed, the body class kept
}
JSONLD_BLOCK = re.compile(r"<script type=\"application/ld\+json\">.*?</script>\s*", re.DOTALL)


class SiteServer(ThreadingHTTPServer):
    """A threaded HTTP server over ``pages/`` that counts the requests it answers.

    ``faults``: see :func:`parse_faults` and :data:`FAULT_KINDS`; every fault is keyed by request target,
    like ``hits``, so tests can read ``hits`` against it. ``delay``: seconds to wait before every answer.
    ``mutate``: a key of :data:`MUTATIONS`, applied to article pages as they are served.
    ``stall_seconds``: how long a ``stall`` fault holds its first answer. ``offsite_base``: where
    ``offsite_redirect`` points and where the links to "another domain" injected with faults go.
    ``root``: the pages directory (default ``pages/``); ``update_root``: the overlay of the "update"
    edition (default ``pages-update/`` for the default root, ``<root>-update`` beside another root).
    ``edition``: "base" or "update", also settable on the running server (``server.edition = "update"``).
    ``conditional``: send ``ETag``/``Last-Modified`` on articles, feeds and sitemaps and answer matching
    ``If-None-Match``/``If-Modified-Since`` with 304 (default on; off = no validators, never 304).
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, faults=None, verbose: bool = False, *, delay: float = 0.0,
                 mutate: str | None = None, stall_seconds: float = DEFAULT_STALL_SECONDS,
                 offsite_base: str | None = None, root: Path | str | None = None,
                 update_root: Path | str | None = None, edition: str = "base", conditional: bool = True):
        if mutate is not None and mutate not in MUTATIONS:
            raise ValueError(f"mutate={mutate!r}: expected one of {', '.join(MUTATIONS)}")
        self.fault_list = parse_faults(faults)
        super().__init__(address, SiteHandler)
        self.faults = {fault.target: fault for fault in self.fault_list}
        self.verbose = verbose
        self.delay = float(delay)
        self.mutate = mutate
        self.stall_seconds = float(stall_seconds)
        self.offsite_base = (offsite_base or DEFAULT_OFFSITE_BASE).rstrip("/")
        self._hits: Counter[str] = Counter()
        self._fault_hits: Counter[str] = Counter()
        self._hits_lock = threading.Lock()
        self.root = Path(root) if root is not None else PAGES
        if update_root is not None:
            self.update_root = Path(update_root)
        elif root is None:
            self.update_root = PAGES_UPDATE
        else:
            self.update_root = self.root.with_name(self.root.name + "-update")
        self.edition = edition
        self.conditional = bool(conditional)

    # -- editions ------------------------------------------------------------------------------------
    @property
    def edition(self) -> str:
        """ "base" (``root`` as it is) or "update" (``update_root`` over ``root``); switch it at any time."""
        return self._edition

    @edition.setter
    def edition(self, value: str) -> None:
        if value not in EDITIONS:
            raise ValueError(f"edition={value!r}: expected one of {', '.join(EDITIONS)}")
        if value == "update" and not self.update_root.is_dir():
            raise ValueError(f"edition 'update': no overlay directory {self.update_root}")
        self._edition = value

    def locate(self, relpath: str) -> Path | None:
        """The file that serves ``relpath`` in the current edition, or None (no such page, or deleted)."""
        if self._edition == "update":
            if relpath in self._deleted():
                return None
            path = self.update_root / relpath
            if path.is_file():
                return path
        path = self.root / relpath
        return path if path.is_file() else None

    def _deleted(self) -> frozenset[str]:
        path = self.update_root / DELETED
        return frozenset(path.read_text(encoding="utf-8").split()) if path.is_file() else frozenset()

    def read(self, relpath: str) -> bytes:
        path = self.locate(relpath)
        if path is None:
            raise FileNotFoundError(relpath)
        return path.read_bytes()

    def last_modified(self, relpath: str) -> str | None:
        """The ``Last-Modified`` date build.py recorded for ``relpath`` in this edition, or None."""
        path = self.locate(LAST_MODIFIED)
        if path is None:
            return None
        return json.loads(path.read_text(encoding="utf-8")).get(relpath)

    def resolve(self, target: str) -> tuple[str, str] | None:
        return resolve(target, exists=lambda relpath: self.locate(relpath) is not None)

    @property
    def hits(self) -> dict[str, int]:
        """A snapshot of the request counter: request target -> number of requests."""
        with self._hits_lock:
            return dict(self._hits)

    def count(self, target: str) -> None:
        with self._hits_lock:
            self._hits[target] += 1

    def reset_hits(self) -> None:
        with self._hits_lock:
            self._hits.clear()
            self._fault_hits.clear()

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    # -- faults ------------------------------------------------------------------------------------
    def fault_for(self, target: str) -> tuple[Fault, int] | None:
        """The fault that applies to ``target`` and how many requests it has met, this one included."""
        fault = self.faults.get(target) or self.faults.get(urlsplit(target).path)
        if fault is None:
            return None
        with self._hits_lock:
            self._fault_hits[fault.target] += 1
            return fault, self._fault_hits[fault.target]

    def new_pages(self) -> list[Fault]:
        """Faults on paths the copy does not have: linked from the home page so a crawl meets them."""
        return [f for f in self.fault_list if f.kind != "status" and self.resolve(f.target) is None]

    def handle_error(self, request, client_address) -> None:
        # A client that gave up (timeout, size cap) leaves a broken pipe behind: expected with faults.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError, ConnectionAbortedError)):
            return
        super().handle_error(request, client_address)


class SiteHandler(BaseHTTPRequestHandler):
    server: SiteServer
    protocol_version = "HTTP/1.1"

    def version_string(self) -> str:
        return "Microsoft-IIS/10.0"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def log_message(self, format: str, *args) -> None:  # noqa: A002
        if self.server.verbose:
            super().log_message(format, *args)

    # -- routing -------------------------------------------------------------------------------------

    def _target(self) -> str:
        """The request target as path[?query], also when the request line carries an absolute URL."""
        target = self.path
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return target

    def _answer(self, send_body: bool) -> None:
        target = self._target()
        if urlsplit(target).path == "/__hits":
            body = json.dumps(self.server.hits, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
            self._send(HTTPStatus.OK, "application/json; charset=utf-8", body, send_body)
            return
        self.server.count(target)
        if self.server.delay:
            time.sleep(self.server.delay)
        found = self.server.fault_for(target)
        if found is not None and self._inject(*found, target=target, send_body=send_body):
            return
        resolved = self.server.resolve(target)
        if resolved is None:
            self._send(HTTPStatus.NOT_FOUND, HTML, self._read("404.html"), send_body)
            return
        relpath, content_type = resolved
        self._send_page(relpath, content_type, self._page(relpath), send_body)

    def _send_page(self, relpath: str, content_type: str, body: bytes, send_body: bool) -> None:
        """A 200 with ``body``, or a 304 when the request's validators match it (``conditional`` on)."""
        validators: dict[str, str] = {}
        if self.server.conditional and VALIDATED.match(relpath):
            validators["ETag"] = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            last_modified = self.server.last_modified(relpath)
            if last_modified:
                validators["Last-Modified"] = last_modified
            if not_modified(self.headers, validators):
                self.send_response(HTTPStatus.NOT_MODIFIED)  # no body, no Content-Length, no Content-Type
                for name, value in validators.items():
                    self.send_header(name, value)
                self.send_header("X-Powered-By", "ASP.NET")
                self.end_headers()
                return
        self._send(HTTPStatus.OK, content_type, body, send_body, headers=validators)

    def _page(self, relpath: str) -> bytes:
        """A page as served: with the fault mode's extra links, robots rules, or the layout mutation."""
        body = self._read(relpath)
        server = self.server
        if relpath == "home.html" and any(fault.kind != "status" for fault in server.fault_list):
            body = body.replace(b'<div class="col-main">', b'<div class="col-main">\n' + self._injected_block(), 1)
        elif relpath == "robots.txt":
            extra = "".join(f"Disallow: {f.target}\n" for f in server.fault_list if f.kind == "robots_disallowed")
            body = body.replace(b"Disallow: /admin/\n", b"Disallow: /admin/\n" + extra.encode(), 1)
        elif server.mutate and relpath.startswith(("articles/", "print/")):
            body = mutate_article(body, server.mutate)
        return body

    def _injected_block(self) -> bytes:
        """Cards for the fault pages, and links that must never be followed: another domain, robots."""
        cards = [(f.target, INJECTED_TITLES.get(f.kind, f.kind)) for f in self.server.new_pages()]
        offsite = self.server.offsite_base
        cards += [(f"{offsite}/4999010", "خبر على موقع آخر"), (f"{offsite}/category/72", "قسم على موقع آخر")]
        html = ['<section class="home-block"><div class="block-title"><h2>ملفات خاصة</h2></div><div class="cont">']
        for href, title in cards:
            html.append(f'<div class="item-card"><a href="{href}"><div class="txt-cont"><h3>{title}</h3>'
                        '<span class="date">23/11/2023 10:00 ص</span></div></a></div>')
        html.append("</div>")
        links = [(f"{offsite}/", "موقع شريك"), ("/admin/", "لوحة التحكم"), ("/search/term?w=مصر", "بحث"),
                 (f"{offsite}/rss.xml", "RSS")]
        html.append('<div class="partners">' + " ".join(f'<a href="{h}">{t}</a>' for h, t in links) + "</div>")
        html.append("</section>\n")
        return "".join(html).encode("utf-8")

    # -- faults ----------------------------------------------------------------------------------------
    def _inject(self, fault: Fault, nth: int, *, target: str, send_body: bool) -> bool:
        """Answer ``target`` with ``fault`` (its ``nth`` request): True when answered, False to serve the page."""
        kind, path = fault.kind, urlsplit(target).path
        if kind == "status":
            self._send(HTTPStatus(fault.status), HTML, self._read("404.html"), send_body)
        elif kind == "flaky":
            if nth > FLAKY_FAILURES:
                return False
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, HTML, SERVICE_UNAVAILABLE_PAGE, send_body)
        elif kind in FIRST_ONLY and nth > 1:
            return False
        elif kind == "stall":
            time.sleep(self.server.stall_seconds)
            self.close_connection = True
            return False  # the page, long after the client gave up
        elif kind == "truncate":
            body = self._page_or_stub(target)
            self._send_head(HTTPStatus.OK, HTML, {"Content-Length": str(len(body))})
            if send_body:
                self._write(body[: cut_point(body)])
            self._drop_connection()
        elif kind == "truncate_chunked":
            body = self._page_or_stub(target)
            self._send_head(HTTPStatus.OK, HTML, {"Transfer-Encoding": "chunked"})
            if send_body:
                part = body[: cut_point(body)]
                self._write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self._drop_connection()
        elif kind == "truncate_unsized":
            body = self._page_or_stub(target)
            self._send_head(HTTPStatus.OK, HTML, {"Connection": "close"})
            if send_body:
                self._write(body[: cut_point(body)])
            self._drop_connection()
        elif kind == "reset":
            self._drop_connection(reset=True)
        elif kind in ("cms_error", "cms_error_once"):
            self._send(HTTPStatus.OK, HTML, CMS_ERROR_PAGE, send_body)
        elif kind == "error_page":
            self._send(HTTPStatus.OK, HTML, soft_error_page(self._read("404.html")), send_body)
        elif kind == "cms_error_template":
            template = self._read("articles/4912188.html")
            self._send(HTTPStatus.OK, HTML, error_in_template_page(path, template), send_body)
        elif kind == "redirect_loop":
            hop = parse_qs(urlsplit(target).query).get("loop", ["0"])[0]
            hop = int(hop) if hop.isdigit() else 0
            self._redirect(f"{path}?loop={hop + 1}", send_body)
        elif kind == "redirect_cycle":
            self._redirect(path if "via=b" in urlsplit(target).query else f"{path}?via=b", send_body)
        elif kind in ("huge", "huge_unsized"):
            self._send_huge(sized=kind == "huge", send_body=send_body)
        elif kind == "offsite_redirect":
            self._redirect(f"{self.server.offsite_base}{target}", send_body)
        elif kind == "disallowed_redirect":
            self._redirect(f"/admin/login?next={path}", send_body)
        elif kind == "robots_disallowed":
            if ARTICLE_PATH.match(path):
                self._send(HTTPStatus.OK, HTML, stub_article_page(path.strip("/")), send_body)
            else:
                return False
        elif kind in CONTENT_FAULTS:
            resolved = self.server.resolve(target)
            if resolved is None:
                return False  # no page to rewrite: the 404 as usual
            relpath, content_type = resolved
            body = self._page(relpath)
            if kind == "charset_lie":
                body = body.replace(b'<meta charset="utf-8">', b'<meta charset="windows-1256">', 1)
                content_type = CHARSET_LIE_TYPE
            elif kind == "stray_close":
                body = insert_stray_close(body)
            else:
                body = remove_body_close(body)
            self._send_page(relpath, content_type, body, send_body)
        else:  # pragma: no cover - FAULT_KINDS and this method list the same kinds
            raise AssertionError(kind)
        return True

    def _page_or_stub(self, target: str) -> bytes:
        resolved = self.server.resolve(target)
        if resolved is not None:
            return self._page(resolved[0])
        return stub_article_page(urlsplit(target).path.strip("/"))

    def _redirect(self, location: str, send_body: bool) -> None:
        body = f'<html><body>Object moved to <a href="{location}">here</a>.</body></html>'.encode()
        self._send(HTTPStatus.FOUND, HTML, body, send_body, headers={"Location": location})

    def _send_huge(self, *, sized: bool, send_body: bool) -> None:
        headers = {"Content-Length": str(HUGE_BYTES)} if sized else {"Connection": "close"}
        self._send_head(HTTPStatus.OK, HTML, headers)
        if not sized:
            self.close_connection = True
        if not send_body:
            return
        head = b"<!DOCTYPE html><html lang=\"ar\"><head><title>album</title></head><body><div class=\"gallery\">"
        chunk = (b"<p>" + "صورة ".encode() * 200 + b"</p>\n")
        sent = self._write(head)
        while sent < HUGE_BYTES:
            piece = chunk[: HUGE_BYTES - sent]
            if not self._write(piece):
                self.close_connection = True
                return
            sent += len(piece)

    def _drop_connection(self, reset: bool = False) -> None:
        """Close the connection now (after whatever was written); ``reset``: with a TCP RST."""
        self.close_connection = True
        try:
            self.wfile.flush()
            if reset:
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _write(self, data: bytes) -> int:
        """Write ``data``; 0 when the client has gone (a timeout or a size cap on its side)."""
        try:
            self.wfile.write(data)
            return len(data)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
            return 0

    def _read(self, relpath: str) -> bytes:
        return self.server.read(relpath)

    def _send_head(self, status: HTTPStatus, content_type: str, headers: Mapping[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("X-Powered-By", "ASP.NET")
        self.end_headers()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool,
              headers: Mapping[str, str] | None = None) -> None:
        try:
            self._send_head(status, content_type, {"Content-Length": str(len(body)), **(headers or {})})
            if send_body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True  # the client gave up waiting (a stall fault)


# -- pages the faults serve -----------------------------------------------------------------------------

SERVICE_UNAVAILABLE_PAGE = (
    b"<!DOCTYPE html><html><head><title>Service Unavailable</title></head><body>"
    b"<h2>Service Unavailable</h2><hr><p>HTTP Error 503. The service is unavailable.</p></body></html>"
)

#: What the site's ASP.NET CMS shows on an unhandled exception when custom errors are half-configured:
#: served with status 200, no article markup at all.
CMS_ERROR_PAGE = """<!DOCTYPE html>
<html dir="rtl" lang="ar">
<head>
<meta charset="utf-8">
<title>عذراً، حدث خطأ - Runtime Error</title>
<style>body{font-family:Verdana;background:#fff} .err{background:#ffffcc;border:1px solid #ccc;padding:8px}</style>
</head>
<body>
<h1>عذراً، حدث خطأ</h1>
<p>حدث خطأ أثناء معالجة طلبك. برجاء المحاولة مرة أخرى لاحقاً.</p>
<div class="err" dir="ltr">
<span><h2>Server Error in '/' Application.</h2><h3><i>Runtime Error</i></h3></span>
<b>Description:</b> An application error occurred on the server. The current custom error settings for this
application prevent the details of the application error from being viewed remotely (for security reasons).
<br><br>
<b>Details:</b> To enable the details of this specific error message to be viewable on remote machines, please
create a &lt;customErrors&gt; tag within a "web.config" configuration file.
<pre>System.Data.SqlClient.SqlException (0x80131904): Timeout expired.
   at Bawaba.Cms.NewsRepository.GetById(Int32 id)
   at Bawaba.Web.NewsDetails.Page_Load(Object sender, EventArgs e)</pre>
<hr><b>Version Information:</b> Microsoft .NET Framework Version:4.0.30319; ASP.NET Version:4.8.4645.0
</div>
</body>
</html>
""".encode()

ERROR_TITLE = "عذراً، حدث خطأ"
ERROR_TEXT = "حدث خطأ أثناء تحميل الصفحة، برجاء المحاولة مرة أخرى لاحقاً."
#: The head tags that describe an article (an error page has none of them).
ARTICLE_HEAD_TAGS = re.compile(
    r'<(?:meta (?:name|property)="(?:description|keywords|og:(?:title|description|url|image)|'
    r'twitter:(?:title|description|image)|article:[a-z_]+)"|link rel="canonical")[^>]*>\n?')
#: The NewsArticle JSON-LD block of an article page (the site-wide Organization block stays).
JSONLD_NEWS = re.compile(r"<script type=\"application/ld\+json\">(?:(?!</script>).)*NewsArticle.*?</script>\s*",
                         re.DOTALL)


def cut_point(body: bytes) -> int:
    """Where a truncated transfer stops: inside the article body when the page has one, else halfway."""
    start, end = body.find(b'<div class="paragraph-list">'), body.find(b"</article>")
    if 0 <= start < end:
        return (start + end) // 2
    return len(body) // 2


def soft_error_page(not_found: bytes) -> bytes:
    """The site's 404 page turned into a generic error message (its chrome, sidebar and menus kept)."""
    page = not_found.decode("utf-8")
    page = page.replace("<title>الصفحة غير موجودة - البوابة نيوز</title>",
                        f"<title>{ERROR_TITLE} - البوابة نيوز</title>")
    page = page.replace("<h1>404</h1>", f"<h1>{ERROR_TITLE}</h1>")
    page = page.replace("عفوًا، الصفحة التي تبحث عنها غير موجودة أو ربما تم حذفها.", ERROR_TEXT)
    return page.encode("utf-8")


def error_in_template_page(path: str, template: bytes) -> bytes:
    """An article page (``template``) whose template rendered an error instead of the story: h1 and body
    hold the error, no date, no byline, no JSON-LD NewsArticle."""
    page = template.decode("utf-8")
    start, end = page.index('<article class="cont"'), page.index("</article>") + len("</article>")
    article = (f'<article class="cont" id="article-{path.strip("/")}">\n<h1>{ERROR_TITLE}</h1>\n'
               f'<div class="paragraph-list">\n<p>{ERROR_TEXT}</p>\n'
               "<p dir=\"ltr\">Server Error in '/' Application. Object reference not set to an instance of an "
               "object.</p>\n</div>\n</article>")
    page = page[:start] + article + page[end:]
    page = re.sub(r"<title>.*?</title>", f"<title>{ERROR_TITLE} - البوابة نيوز</title>", page, count=1)
    page = ARTICLE_HEAD_TAGS.sub("", page)
    return JSONLD_NEWS.sub("", page).encode("utf-8")



def stub_article_page(article_id: str) -> bytes:
    """A small, complete article page for an id the copy does not have (served only by faults)."""
    return f"""<!DOCTYPE html>
<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>خبر رقم {article_id} - البوابة نيوز</title></head>
<body><article class="cont"><h1>خبر رقم {article_id}</h1><div class="writer">البوابة نيوز</div>
<div class="publish"><time datetime="2023-11-23T10:00:00">الخميس 23/نوفمبر/2023 - 10:00 ص</time></div>
<div class="paragraph-list"><p>هذه صفحة لا ينبغي أن يجلبها الزاحف.</p></div></article></body></html>
""".encode()


CHARSET_LIE_TYPE = "text/html; charset=windows-1256"
BODY_OPEN = b'<div class="paragraph-list">'
DIV_TAG = re.compile(rb"<(/?)div\b[^>]*>", re.IGNORECASE)


def body_close(body: bytes) -> tuple[int, int] | None:
    """Start and end of the ``</div>`` that closes ``div.paragraph-list`` (divs counted), or None."""
    start = body.find(BODY_OPEN)
    if start < 0:
        return None
    depth = 0
    for match in DIV_TAG.finditer(body, start):
        depth += -1 if match.group(1) else 1
        if depth == 0:
            return match.start(), match.end()
    return None


def insert_stray_close(body: bytes) -> bytes:
    """``stray_close``: a ``</div>`` nobody opened, right after the body's 2nd ``</p>``."""
    start, end = body.find(BODY_OPEN), (body_close(body) or (len(body),))[0]
    position = start
    for _ in range(2):
        position = body.find(b"</p>", position, end)
        if start < 0 or position < 0:
            return body
        position += len(b"</p>")
    return body[:position] + b"</div>" + body[position:]


def remove_body_close(body: bytes) -> bytes:
    """``unclosed_div``: the page without the ``</div>`` that closes ``div.paragraph-list``."""
    found = body_close(body)
    return body if found is None else body[: found[0]] + body[found[1]:]


def not_modified(headers, validators: Mapping[str, str]) -> bool:
    """RFC 9110 section 13.1: ``If-None-Match`` (weak comparison, ``*``) decides when present, else
    ``If-Modified-Since`` against ``Last-Modified`` (whole seconds)."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        etag = validators.get("ETag")
        if etag is None:
            return False
        tags = [t.strip().removeprefix("W/") for t in if_none_match.split(",")]
        return "*" in tags or etag in tags
    since, last = headers.get("If-Modified-Since"), validators.get("Last-Modified")
    if since is None or last is None:
        return False
    try:
        return parsedate_to_datetime(last) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


def mutate_article(body: bytes, mutation: str) -> bytes:
    """An article page after a layout change: the body class renamed and/or JSON-LD removed."""
    body_class, drop_jsonld = MUTATIONS[mutation]
    page = body.decode("utf-8")
    if body_class:
        page = page.replace("paragraph-list", body_class)
    if drop_jsonld:
        page = JSONLD_BLOCK.sub("", page)
    return page.encode("utf-8")


def _page_number(query: dict[str, list[str]]) -> int | None:
    values = query.get("page")
    if not values:
        return 1
    value = values[0]
    if not DIGITS.match(value) or int(value) < 1:
        return None
    return int(value)


def resolve(target: str, exists=None) -> tuple[str, str] | None:
    """Map a request target to (file under pages/, Content-Type), or None for a 404. ``exists(relpath)``
    says whether a file is there (default: under PAGES; the server asks its own edition)."""
    if exists is None:
        def exists(relpath: str) -> bool:
            return (PAGES / relpath).is_file()
    parts = urlsplit(target)
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    query = parse_qs(parts.query)

    if path in ("", "/"):
        return "home.html", HTML
    if path in STATIC:
        return STATIC[path]

    match = FEED_PATH.match(path)
    if match:
        relpath = f"rss/section/{match.group(2)}.xml" if match.group(1) else f"rss/{match.group(2)}.xml"
        return (relpath, RSS) if exists(relpath) else None

    match = ARTICLE_PATH.match(path)
    if match:
        relpath = f"articles/{match.group(1)}.html"
        return (relpath, HTML) if exists(relpath) else None

    if path.lower() == "/print.aspx":
        article_id = (query.get("id") or [""])[0]
        if not DIGITS.match(article_id):
            return None
        relpath = f"print/{article_id}.html"
        return (relpath, HTML) if exists(relpath) else None

    match = LISTING_PATH.match(path)
    if match:
        page = _page_number(query)
        if page is None:
            return None
        relpath = f"{match.group(1)}/{match.group(2)}/page-{page}.html"
        return (relpath, HTML) if exists(relpath) else None

    return None


def serve(port: int = 0, host: str = "127.0.0.1", faults=None, verbose: bool = False, *, delay: float = 0.0,
          mutate: str | None = None, stall_seconds: float = DEFAULT_STALL_SECONDS, offsite_base: str | None = None,
          root: Path | str | None = None, update_root: Path | str | None = None, edition: str = "base",
          conditional: bool = True):
    """Start the server in a daemon thread: returns ``(server, thread, base_url)``.

    ``port=0`` picks a free port. Stop it with ``server.shutdown(); server.server_close()``. See
    :class:`SiteServer` for ``faults``, ``delay``, ``mutate``, ``stall_seconds``, ``offsite_base``,
    ``root``, ``update_root``, ``edition`` and ``conditional``.
    """
    server = SiteServer((host, port), faults=faults, verbose=verbose, delay=delay, mutate=mutate,
                        stall_seconds=stall_seconds, offsite_base=offsite_base, root=root,
                        update_root=update_root, edition=edition, conditional=conditional)
    thread = threading.Thread(target=server.serve_forever, name="albawabh-site", daemon=True)
    thread.start()
    return server, thread, server.base_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the offline copy of albawabhnews.com.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--faults", action="append", metavar="SPEC",
                        help=f"a preset ({', '.join(PRESETS)}) or kind:/path, comma-separated, repeatable; "
                             f"kinds: {', '.join(FAULT_KINDS)}")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds to wait before every answer")
    parser.add_argument("--mutate", choices=sorted(MUTATIONS), help="serve article pages with a changed layout")
    parser.add_argument("--stall-seconds", type=float, default=DEFAULT_STALL_SECONDS,
                        help="how long a stall fault holds its first answer (set it above DOWNLOAD_TIMEOUT)")
    parser.add_argument("--offsite-base", help=f"where offsite links and redirects point (default "
                                               f"{DEFAULT_OFFSITE_BASE})")
    parser.add_argument("--root", type=Path, help="serve this pages directory instead of tests/site/pages")
    parser.add_argument("--update-root", type=Path, help="the update edition's overlay (default: pages-update, "
                                                         "or <root>-update beside --root)")
    parser.add_argument("--edition", choices=EDITIONS, default="base", help="which edition to serve")
    parser.add_argument("--no-conditional", action="store_true",
                        help="send no ETag/Last-Modified and never answer 304")
    args = parser.parse_args(argv)
    try:
        server = SiteServer((args.host, args.port), faults=",".join(args.faults or []) or None, verbose=args.verbose,
                            delay=args.delay, mutate=args.mutate, stall_seconds=args.stall_seconds,
                            offsite_base=args.offsite_base, root=args.root, update_root=args.update_root,
                            edition=args.edition, conditional=not args.no_conditional)
    except (FaultSpecError, ValueError) as exc:
        parser.error(str(exc))
    print(f"serving {server.base_url}" + (" (edition update)" if server.edition == "update" else ""), flush=True)
    for fault in server.fault_list:
        print(f"fault {fault}: {FAULT_KINDS[fault.kind]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
