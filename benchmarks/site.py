"""A large generated copy of albawabhnews.com, in the offline copy's markup, served fast on loopback.

    python -m benchmarks.site --articles 2000 [--port 8001]

prints ``serving http://127.0.0.1:<port> (<n> pages)`` once every page is rendered and the socket
listens, then serves until killed.

The pages are made by the offline copy's own templates (``tests/site/build.py``), so the markup is the
one the tests use: article *i* is a copy of hand-written article ``i mod 23`` of ``tests/site/content.py``
(same title, dates, JSON-LD variant, body) under a new id, with its read-also links pointing to the
generated copies of the articles they named. The articles are spread over the nine sections of the menu,
newest (highest id) first, 20 cards per listing page with the site's pager; the home page, the "most
read" sidebar and the "more from" boxes list generated articles too. Nothing links outside the generated
set, so a crawl fetches: ``/robots.txt``, ``/``, every listing page and every article, once.

The server must never be what limits a crawl: every response (status line, headers and body) is rendered
to bytes before the socket opens, and an asyncio protocol answers each request with one dictionary
look-up and one write (HTTP/1.1 keep-alive). It runs in its own process, on the other core.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import random
import re
import sys
import types
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from tests.site import content as C

#: Ids of generated articles start here: 7 digits, clear of the hand-written ones (4648213..5201153).
FIRST_ID = 6_000_000
CARDS_PER_PAGE = 20
#: Every this-many-th card is written with an absolute canonical href, as some of the site's cards are.
ABSOLUTE_EVERY = 17
READ_ALSO_HREF = re.compile(r'(href="(?:https?://(?:www\.)?albawabhnews\.com)?/)(\d{6,})"')

#: The weight of today's generated pages, in KB: ``--page-kb`` at or below it means no padding.
TODAY_KB = 19
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"


def _private_build_module() -> types.ModuleType:
    """A private copy of ``tests/site/build.py``: its templates read the module globals ``C`` and
    ``ARTICLES``, which the generator replaces here without touching the shared module."""
    from tests.site import build

    spec = importlib.util.spec_from_file_location("benchmarks._site_build", build.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class GeneratedSite:
    """``n`` generated articles and the listings that link them; ``pages`` maps request targets to
    ``(content type, body bytes)``."""

    n: int
    pages: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    not_found: bytes = b""
    page_kb: float | None = None  # None: today's pages, unpadded

    @property
    def article_ids(self) -> list[str]:
        return [str(FIRST_ID + i) for i in range(self.n)]

    @property
    def listing_targets(self) -> list[str]:
        return [t for t in self.pages if t == "/" or t.startswith("/category/")]


def generated_articles(n: int) -> list[dict]:
    """The ``n`` article dicts, in ``content.ARTICLES``'s format (see the comment above it)."""
    templates = C.ARTICLES
    index_of = {article["id"]: i for i, article in enumerate(templates)}
    sections = list(C.SECTIONS)
    articles = []
    for g in range(n):
        template = templates[g % len(templates)]
        block = g - g % len(templates)

        def target(match: re.Match, block: int = block) -> str:
            t = index_of.get(match.group(2))
            if t is None:  # a link to an article the copy does not have: leave it as written
                return match.group(0)
            new = block + t if block + t < n else t % n
            return f'{match.group(1)}{FIRST_ID + new}"'

        article = dict(template)
        article.update(
            id=str(FIRST_ID + g),
            section=sections[g % len(sections)],
            body=READ_ALSO_HREF.sub(target, template["body"]),
            orphan=False,
            print=False,  # print views are not generated
        )
        articles.append(article)
    return articles


def build_site(n: int, page_kb: float | None = None, seed: int = 0) -> GeneratedSite:
    """Render every page of a site of ``n`` articles (about 0.6 ms a page). With ``page_kb`` above today's
    pages' weight (``TODAY_KB``), every HTML page is padded with the live portal's chrome (``benchmarks.chrome``)
    so that an article page weighs about ``page_kb`` KB."""
    if n < 1:
        raise ValueError("a site needs at least one article")
    b = _private_build_module()
    articles = generated_articles(n)
    by_section: dict[int, list[str]] = {sid: [] for sid in C.SECTIONS}
    for article in reversed(articles):  # newest (highest id) first
        by_section[article["section"]].append(article["id"])
    section_pages = {
        sid: [ids[i : i + CARDS_PER_PAGE] for i in range(0, len(ids), CARDS_PER_PAGE)] or [[]]
        for sid, ids in by_section.items()
    }
    newest = [a["id"] for a in reversed(articles)]
    absolute = {
        (f"category/{sid}/{number}", article_id)
        for sid, pages in section_pages.items()
        for number, ids in enumerate(pages, 1)
        for article_id in ids
        if int(article_id) % ABSOLUTE_EVERY == 0
    }
    home_blocks = [("أهم الأخبار", None, newest[:3])]
    home_blocks += [(C.SECTIONS[sid], sid, by_section[sid][:3]) for sid in list(C.SECTIONS)[:3] if by_section[sid]]
    b.ARTICLES = {a["id"]: a for a in articles}
    content = {name: getattr(C, name) for name in dir(C) if name.isupper()}
    content.update(
        ARTICLES=articles,
        SECTION_PAGES=section_pages,
        ABSOLUTE_CARDS=absolute,
        MOST_READ=[i for i in newest if b.ARTICLES[i]["lead"]][:5],  # the sidebar shows each one's image
        HOME_BLOCKS=home_blocks,
        BREAKING=newest[:1],
    )
    b.C = types.SimpleNamespace(**content)

    site = GeneratedSite(n)
    site.pages["/robots.txt"] = (TEXT, b.robots().encode())
    site.pages["/"] = (HTML, b.home_page().encode())
    for sid, pages in section_pages.items():
        name = C.SECTIONS[sid]
        base = f"/category/{sid}"
        for number, ids in enumerate(pages, 1):
            html = b.listing_page(name, name, b.breadcrumb(name, base), base, f"category/{sid}/{number}", ids,
                                  number, len(pages), sid)
            site.pages[base if number == 1 else f"{base}?page={number}"] = (HTML, html.encode())
    for article in articles:
        site.pages[f"/{article['id']}"] = (HTML, b.article_page(article).encode())
    site.not_found = b.not_found_page().encode()
    if page_kb is not None and page_kb > TODAY_KB:
        _pad_site(site, b, articles, by_section, newest, page_kb, seed)
    site.page_kb = page_kb if page_kb is not None and page_kb > TODAY_KB else None
    return site


def _pad_site(site: GeneratedSite, b: types.ModuleType, articles: list[dict], by_section: dict[int, list[str]],
              newest: list[str], page_kb: float, seed: int) -> None:
    """Every HTML page of ``site`` (home, listings, articles) padded with the chrome of its kind and section:
    each chrome rendered once, then spliced (``benchmarks.chrome.pad_page``)."""
    from benchmarks import chrome

    by_id = {a["id"]: a for a in articles}

    def teaser(article_id: str) -> chrome.Teaser:
        a = by_id[article_id]
        return chrome.Teaser(article_id, a["title"], a["section"], a["lead"], b.card_date(a["published"]))

    teasers = [teaser(i) for i in newest]
    rng = random.Random(seed)
    ticker = teasers[:10]
    most_viewed = [teasers[i] for i in sorted(rng.sample(range(len(teasers)), min(10, len(teasers))))]
    article_sizes = [len(site.pages[f"/{a['id']}"][1]) for a in articles]
    budget = int(page_kb * 1024 - sum(article_sizes) / len(article_sizes))
    cache: dict[tuple, chrome.Chrome] = {}

    def chrome_for(kind: str, section: int | None, jsonld: bool = True) -> chrome.Chrome:
        key = (kind, section, jsonld)
        if key not in cache:
            related = [teaser(i) for i in by_section[section][:6]] if section else teasers[3:9]
            cache[key] = chrome.render_chrome(kind, section, teasers, ticker, most_viewed, related, budget,
                                              jsonld=jsonld, seed=seed)
        return cache[key]

    for target, (ctype, body) in list(site.pages.items()):
        if ctype != HTML:
            continue
        if target == "/":
            padded = chrome.pad_page(body.decode(), chrome_for("home", None))
        elif target.startswith("/category/"):
            padded = chrome.pad_page(body.decode(), chrome_for("listing", int(target.split("/")[2].split("?")[0])))
        else:
            a = by_id[target[1:]]
            padded = chrome.pad_page(body.decode(), chrome_for("article", a["section"], a["jsonld"] != "nothing"))
        site.pages[target] = (ctype, padded.encode())


# -- the server ----------------------------------------------------------------------------------------


def _response(status: str, content_type: str, body: bytes) -> bytes:
    head = (f"HTTP/1.1 {status}\r\nServer: Microsoft-IIS/10.0\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {len(body)}\r\nX-Powered-By: ASP.NET\r\n\r\n")
    return head.encode("ascii") + body


class Responses:
    """Every response as bytes, by request target; ``?page=1`` and unknown parameters are tolerated."""

    def __init__(self, site: GeneratedSite):
        self.by_target = {target: _response("200 OK", ctype, body) for target, (ctype, body) in site.pages.items()}
        self.not_found = _response("404 Not Found", HTML, site.not_found)
        self.requests = 0

    def lookup(self, target: str) -> bytes:
        self.requests += 1
        found = self.by_target.get(target)
        if found is not None:
            return found
        if target.startswith(("http://", "https://")):
            parts = urlsplit(target)
            target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        page = next((v for k, v in parse_qsl(parts.query) if k == "page"), "1")
        key = path if page == "1" else f"{path}?page={page}"
        return self.by_target.get(key, self.not_found)


class HttpProtocol(asyncio.Protocol):
    """Just enough HTTP/1.1 for a crawler: GET/HEAD, keep-alive, pipelining; no request bodies."""

    def __init__(self, responses: Responses):
        self.responses = responses
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (end := self.buffer.find(b"\r\n\r\n")) >= 0:
            head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
            line, _, headers = head.partition(b"\r\n")
            try:
                method, target, version = line.decode("latin-1").split(" ", 2)
            except ValueError:
                self.transport.close()
                return
            response = self.responses.lookup(target)
            if method == "HEAD":
                response = response[: response.index(b"\r\n\r\n") + 4]
            self.transport.write(response)
            if version == "HTTP/1.0" or b"connection: close" in headers.lower():
                self.transport.close()
                return


async def _serve(site: GeneratedSite, host: str, port: int) -> None:
    responses = Responses(site)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: HttpProtocol(responses), host, port, backlog=1024)
    bound = server.sockets[0].getsockname()[1]
    sizes = [len(site.pages[f"/{i}"][1]) for i in site.article_ids]
    mean_kb = sum(sizes) / len(sizes) / 1024
    print(f"serving http://{host}:{bound} ({len(site.pages)} pages; article pages {mean_kb:.1f} KB mean, "
          f"{min(sizes) / 1024:.1f}-{max(sizes) / 1024:.1f})", flush=True)
    async with server:
        await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve a generated copy of albawabhnews.com on loopback.")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--page-kb", type=float, default=None,
                        help=f"pad every page with the live portal's chrome so that an article page weighs about "
                             f"this many KB (80-120 on the live site); {TODAY_KB} or less, or absent: today's pages")
    parser.add_argument("--port", type=int, default=0, help="0: a free port (printed)")
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args(argv)
    site = build_site(args.articles, args.page_kb)
    try:
        asyncio.run(_serve(site, args.host, args.port))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
