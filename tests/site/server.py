"""Serve the offline copy of albawabhnews.com (``tests/site/pages/``) over HTTP on loopback.

Command line (serves until killed)::

    python -m tests.site.server --port 8000 [--host 127.0.0.1] [--verbose]

prints ``serving http://127.0.0.1:8000`` once the socket listens.

From Python (pytest fixtures)::

    server, thread, base_url = serve()          # port 0: a free port
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
``/__hits``                           test-only: the request counter as JSON (never linked, not
                                      counted itself)
anything else                         404 with the site's HTML error page
====================================  ===========================================================

Unknown query parameters are ignored (``/4912345?utm_source=x`` is the article). Requests in absolute
form (``GET http://127.0.0.1:8000/4912345``, as a proxy would send) are accepted. Pages contain links
to the canonical site (``https://www.albawabhnews.com/...``); mapping those onto the copy is the
crawler's job, not the server's.

Every request (GET or HEAD, any status) increments ``server.hits[target]``, where ``target`` is the
request path with its query string exactly as sent (``/category/72`` and ``/category/72?page=1`` are
two keys). ``/__hits`` itself is not counted.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import threading
from collections import Counter
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

PAGES = Path(__file__).resolve().parent / "pages"

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"

STATIC = {
    "/robots.txt": ("robots.txt", TEXT),
    "/rss.xml": ("rss.xml", "application/rss+xml; charset=utf-8"),
    "/sitemaps.xml": ("sitemaps.xml", XML),
    "/sitemap-news.xml": ("sitemap-news.xml", XML),
    "/page/about": ("static/about.html", HTML),
    "/contact-us": ("static/contact-us.html", HTML),
}
ARTICLE_PATH = re.compile(r"^/(\d{6,})$")
LISTING_PATH = re.compile(r"^/(category|tag)/(\d+)$")
DIGITS = re.compile(r"^\d+$")


class SiteServer(ThreadingHTTPServer):
    """A threaded HTTP server over ``pages/`` that counts the requests it answers.

    ``faults`` is the extension point for fault injection. Today it maps a request target (the same
    key as ``hits``, e.g. ``"/4912345"`` or ``"/category/72?page=2"``) to an HTTP status that the server
    answers instead of the page (e.g. ``{"/4911873": 503}``), every time. A later fault-injection mode
    is meant to grow here without touching the URL routing: a sequence per target (fail the first N
    requests, then serve the page: retries), delays (timeouts), truncated or mis-declared bodies
    (wrong charset, bad Content-Length), redirects (http -> https, no-www -> www) and connection
    resets. Keep every fault keyed by request target so tests can read ``hits`` against it.
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address, faults: Mapping[str, int] | None = None, verbose: bool = False):
        super().__init__(address, SiteHandler)
        self.faults = dict(faults or {})
        self.verbose = verbose
        self._hits: Counter[str] = Counter()
        self._hits_lock = threading.Lock()

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

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


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
        fault = self.server.faults.get(target)
        if fault is not None:
            self._send(HTTPStatus(fault), HTML, self._read("404.html"), send_body)
            return
        resolved = resolve(target)
        if resolved is None:
            self._send(HTTPStatus.NOT_FOUND, HTML, self._read("404.html"), send_body)
            return
        relpath, content_type = resolved
        self._send(HTTPStatus.OK, content_type, self._read(relpath), send_body)

    @staticmethod
    def _read(relpath: str) -> bytes:
        return (PAGES / relpath).read_bytes()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Powered-By", "ASP.NET")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _page_number(query: dict[str, list[str]]) -> int | None:
    values = query.get("page")
    if not values:
        return 1
    value = values[0]
    if not DIGITS.match(value) or int(value) < 1:
        return None
    return int(value)


def resolve(target: str) -> tuple[str, str] | None:
    """Map a request target to (file under pages/, Content-Type), or None for a 404."""
    parts = urlsplit(target)
    path = parts.path
    if len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    query = parse_qs(parts.query)

    if path in ("", "/"):
        return "home.html", HTML
    if path in STATIC:
        return STATIC[path]

    match = ARTICLE_PATH.match(path)
    if match:
        relpath = f"articles/{match.group(1)}.html"
        return (relpath, HTML) if (PAGES / relpath).is_file() else None

    if path.lower() == "/print.aspx":
        article_id = (query.get("id") or [""])[0]
        if not DIGITS.match(article_id):
            return None
        relpath = f"print/{article_id}.html"
        return (relpath, HTML) if (PAGES / relpath).is_file() else None

    match = LISTING_PATH.match(path)
    if match:
        page = _page_number(query)
        if page is None:
            return None
        relpath = f"{match.group(1)}/{match.group(2)}/page-{page}.html"
        return (relpath, HTML) if (PAGES / relpath).is_file() else None

    return None


def serve(port: int = 0, host: str = "127.0.0.1", faults: Mapping[str, int] | None = None, verbose: bool = False):
    """Start the server in a daemon thread: returns ``(server, thread, base_url)``.

    ``port=0`` picks a free port. Stop it with ``server.shutdown(); server.server_close()``. See
    :class:`SiteServer` for ``faults``.
    """
    server = SiteServer((host, port), faults=faults, verbose=verbose)
    thread = threading.Thread(target=server.serve_forever, name="albawabh-site", daemon=True)
    thread.start()
    return server, thread, server.base_url


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve the offline copy of albawabhnews.com.")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    args = parser.parse_args(argv)
    server = SiteServer((args.host, args.port), verbose=args.verbose)
    print(f"serving {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
