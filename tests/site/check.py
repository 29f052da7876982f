"""Self-check of the offline copy: ``.venv/bin/python -m tests.site.check`` (exit 0 when all is well).

1. Every HTML page parses, is UTF-8 with ``<meta charset="utf-8">`` and ``<html lang="ar" dir="rtl">``.
2. Every ld+json block is valid JSON, except the ones ``content.py`` marks broken, which must not be.
3. A link walker started at ``/`` on a live server (``serve()``) follows every same-site link (relative,
   or absolute on www.albawabhnews.com / albawabhnews.com, http or https), skipping what robots.txt
   disallows; every link must answer 200 or be one of ``linked_404_paths`` in expected.json.
4. The articles the walk reaches are exactly expected.json's; orphans are linked only from article
   bodies; nothing the walk fetched was a robots-disallowed path.
5. expected.json agrees with the pages (titles, sections, bylines, tags, keywords, related links, the
   body strings), so a typo in the hand-written file shows up here rather than as a crawler failure;
   expected_update.json agrees the same way with the update edition (``pages-update/`` over ``pages/``).

This is a check of the copy and of the hand-written expectations, not a crawler: its body reading is
the simplest that fits these pages and is no reference for the real extractor.
"""

from __future__ import annotations

import json
import re
import sys
from collections import deque
from datetime import datetime
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.request import urlopen
from zoneinfo import ZoneInfo

from lxml import etree
from lxml import html as lxml_html

from tests.site import content as C
from tests.site import content_update as U
from tests.site.server import DELETED, PAGES, PAGES_UPDATE, serve

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "albawabh" / "expected.json"
EXPECTED_UPDATE = EXPECTED.with_name("expected_update.json")
SITE_HOSTS = {"www.albawabhnews.com", "albawabhnews.com"}
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u200e\u200f\ufeff"))
LABEL = re.compile(r"^\s*(?:[اإأ]قرأ\s+[اأ]يض[اًا]+|ذات\s+صلة|(?:ال)?موضوعات\s+(?:ال)?متعلقة)\s*:?")
ARTICLE_PATH = re.compile(r"^/(\d{6,})$")

problems: list[str] = []


def problem(message: str) -> None:
    problems.append(message)


def clean(text: str) -> str:
    return " ".join(text.translate(INVISIBLE).replace("\xa0", " ").split())


def normalise_keyword(text: str) -> str:
    return clean(text).replace("ی", "ي").replace("ک", "ك")


# -- 1 and 2: static checks --------------------------------------------------------------------------


def check_files() -> None:
    modes = {a["id"]: a["jsonld"] for a in C.ARTICLES}
    for path in sorted(PAGES.rglob("*.xml")) + sorted(PAGES_UPDATE.rglob("*.xml")):
        try:
            etree.fromstring(path.read_bytes())
        except etree.XMLSyntaxError as error:
            problem(f"{path}: XML does not parse: {error}")
    for path in sorted(PAGES.rglob("*.html")) + sorted(PAGES_UPDATE.rglob("*.html")):
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            problem(f"{path}: not UTF-8")
            continue
        if '<meta charset="utf-8">' not in text or '<html lang="ar" dir="rtl">' not in text:
            problem(f"{path}: charset meta or html lang/dir missing")
        lxml_html.document_fromstring(raw)
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
        broken_expected = path.parent.name == "articles" and modes.get(path.stem, "").startswith("broken")
        for index, block in enumerate(blocks):
            try:
                json.loads(block)
                valid = True
            except json.JSONDecodeError:
                valid = False
            # The article's own block comes first on article pages; the Organization block is valid.
            if broken_expected and index == 0:
                if valid:
                    problem(f"{path}: JSON-LD should be broken but parses")
            elif not valid:
                problem(f"{path}: JSON-LD block {index} does not parse")


# -- 3 and 4: the walk -------------------------------------------------------------------------------


def local_target(href: str, page_url: str, base: str) -> str | None:
    """The same-site request target for a link, or None for another site / scheme."""
    href = href.strip()
    if not href or href.startswith(("#", "javascript:", "mailto:", "whatsapp:", "tel:")):
        return None
    absolute = urljoin(page_url, href)
    parts = urlsplit(absolute)
    if parts.scheme not in ("http", "https"):
        return None
    if parts.netloc not in SITE_HOSTS and f"{parts.scheme}://{parts.netloc}" != base:
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def walk(base: str, expected: dict):
    disallowed = tuple(expected["robots_disallowed_prefixes"])
    seen = {"/"}
    queue = deque(["/"])
    status: dict[str, int] = {}
    linked_from: dict[str, set[str]] = {}
    while queue:
        target = queue.popleft()
        try:
            with urlopen(base + target) as response:
                status[target] = response.status
                body = response.read()
                ctype = response.headers.get("Content-Type", "")
        except HTTPError as error:
            status[target] = error.code
            continue
        if "html" not in ctype:
            continue
        tree = lxml_html.document_fromstring(body)
        for anchor in tree.xpath("//a[@href]"):
            link = local_target(anchor.get("href"), base + target, base)
            if link is None:
                continue
            in_body = bool(anchor.xpath("ancestor::div[@class='paragraph-list']")) and ARTICLE_PATH.match(urlsplit(target).path)
            linked_from.setdefault(link, set()).add(f"{target}{' (body)' if in_body else ''}")
            if link.startswith(disallowed) or link in seen:
                continue
            seen.add(link)
            queue.append(link)
    return status, linked_from


def check_walk(base: str, expected: dict, server) -> None:
    status, linked_from = walk(base, expected)
    allowed_404 = set(expected["linked_404_paths"])
    for target, code in sorted(status.items()):
        if code != 200 and target not in allowed_404:
            problem(f"walk: {target} answered {code}")
    for target in sorted(allowed_404):
        if status.get(target) != 404:
            problem(f"walk: listed 404 {target} answered {status.get(target)}")
    reached = {m.group(1) for t, c in status.items() if c == 200 and (m := ARTICLE_PATH.match(urlsplit(t).path))}
    wanted = {a["article_id"] for a in expected["articles"]}
    if reached != wanted:
        problem(f"walk: reached {sorted(reached - wanted)} unexpectedly, missed {sorted(wanted - reached)}")
    files = {p.stem for p in (PAGES / "articles").glob("*.html")}
    if sorted(files - reached) != expected["unreachable_ids"]:
        problem(f"walk: unreachable article files {sorted(files - reached)}")
    for orphan in expected["orphan_ids"]:
        sources = linked_from.get(f"/{orphan}", set())
        if not sources or any(not s.endswith("(body)") for s in sources):
            problem(f"orphan {orphan} linked from {sorted(sources)}")
    listings = [t for t, c in status.items() if c == 200 and urlsplit(t).path.startswith(("/category/", "/tag/"))]
    for path in expected["listings"]:
        if path != "/" and path not in status and not (path.endswith("?page=1")):
            problem(f"walk: listing {path} never reached")
    disallowed = tuple(expected["robots_disallowed_prefixes"])
    for target in server.hits:
        if target.startswith(disallowed):
            problem(f"walk fetched disallowed {target}")
    print(f"walk: {len(status)} targets, {len(reached)} articles, {len(listings)} listing pages, "
          f"{sum(1 for c in status.values() if c == 404)} answered 404")


# -- 5: expected.json against the pages --------------------------------------------------------------


CAIRO = ZoneInfo("Africa/Cairo")
ARABIC_INDIC = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
MONTHS = {"يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يوليو": 7,
          "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10, "نوفمبر": 11, "ديسمبر": 12}
DATE_TEXT = re.compile(r"^\S+ (\d+)/(\S+)/(\d{4}) - (\d\d):(\d\d) (ص|م|صباحاً|مساءً)$")


def cairo_iso(value: str) -> str:
    """An ISO date as written on a page (offset, Z or none = Cairo wall time) -> ISO with Cairo offset."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CAIRO)
    return moment.astimezone(CAIRO).isoformat()


def date_text_iso(text: str) -> str:
    match = DATE_TEXT.match(text.translate(ARABIC_INDIC))
    day, month, year, hour, minute, half = match.groups()
    hour = int(hour) % 12 + (12 if half in ("م", "مساءً") else 0)
    moment = datetime(int(year), MONTHS[month], int(day), hour, int(minute), tzinfo=CAIRO)
    return moment.isoformat()


def news_article_ld(tree) -> dict | None:
    for block in tree.xpath("//script[@type='application/ld+json']/text()"):
        try:
            data = json.loads(block)
        except json.JSONDecodeError:
            continue
        nodes = data if isinstance(data, list) else data.get("@graph", [data])
        for node in nodes:
            if node.get("@type") == "NewsArticle":
                return node
    return None


def check_dates(where: str, item: dict, tree) -> None:
    published = item["published_at"]
    sources = {"text": date_text_iso(clean(tree.xpath("//div[@class='publish']/time")[0].text_content()))}
    attr = tree.xpath("//div[@class='publish']/time/@datetime")
    if attr:
        sources["time_attr"] = cairo_iso(attr[0])
    meta = tree.xpath("//meta[@property='article:published_time']/@content")
    if meta:
        sources["meta"] = cairo_iso(meta[0])
    node = news_article_ld(tree)
    if node:
        sources["jsonld"] = cairo_iso(node["datePublished"])
    for name, value in sources.items():
        # The text has minute precision only.
        if value != published and not (name == "text" and value[:16] == published[:16]):
            problem(f"{where}: {name} date {value} vs published_at {published}")
    modified = cairo_iso(node["dateModified"]) if node and node.get("dateModified") else None
    if modified != item["modified_at"]:
        problem(f"{where}: modified_at {item['modified_at']} vs JSON-LD {modified}")


def related_links(container) -> list[dict]:
    """Read-also links in page order: label paragraphs, link-only runs after a label, div.related boxes."""
    found = []
    after_label = False

    def add(anchor):
        target = local_target(anchor.get("href"), "https://www.albawabhnews.com/", "")
        match = ARTICLE_PATH.match(urlsplit(target).path) if target else None
        if match:
            found.append({"title": clean(anchor.text_content()), "url": f"{C.CANONICAL}/{match.group(1)}"})

    for element in container:
        if element.tag == "div" and "related" in (element.get("class") or ""):
            for anchor in element.xpath(".//a[@href]"):
                add(anchor)
            after_label = False
            continue
        if element.tag != "p":
            after_label = False
            continue
        text = clean(element.text_content())
        links = element.xpath(".//a[@href]")
        if LABEL.match(text):
            for anchor in links:
                add(anchor)
            after_label = not links
        elif after_label and links and clean(" ".join(a.text_content() for a in links)) == text:
            for anchor in links:
                add(anchor)
        elif text:
            after_label = False
    return found


def body_blocks(container) -> list[str]:
    blocks = []
    after_label = False
    for element in container:
        if element.tag not in ("p", "h2"):
            after_label = False
            continue
        text = clean(element.text_content())
        if not text:
            continue
        links = element.xpath(".//a")
        link_text = clean(" ".join(a.text_content() for a in links))
        if element.tag == "p" and LABEL.match(text):
            after_label = not links
            continue
        if after_label and links and link_text == text:
            continue
        after_label = False
        blocks.append(text)
    return blocks


def base_page(article_id: str) -> str:
    return (PAGES / "articles" / f"{article_id}.html").read_text(encoding="utf-8")


def update_page(article_id: str) -> str:
    overlay = PAGES_UPDATE / "articles" / f"{article_id}.html"
    return overlay.read_text(encoding="utf-8") if overlay.is_file() else base_page(article_id)


def check_expected(expected: dict, common: list[str], articles: list[dict] = C.ARTICLES, page=base_page,
                   label: str = "expected") -> None:
    for item in expected["articles"]:
        aid = item["article_id"]
        where = f"{label} {aid}"
        article = next(a for a in articles if a["id"] == aid)
        raw = page(aid)
        tree = lxml_html.document_fromstring(raw)
        page_text = clean(tree.text_content())

        if item["url"] != f"{C.CANONICAL}/{aid}":
            problem(f"{where}: url")
        if item["title"] != clean(tree.xpath("//article//h1")[0].text_content()):
            problem(f"{where}: title")
        if item["section"] != clean(tree.xpath("//div[@class='breadcrumb']/a")[-1].text_content()):
            problem(f"{where}: section")
        writer = tree.xpath("//div[@class='writer']")
        if writer:
            author = clean(writer[0].text_content())
        else:  # an opinion column: the headline names the writer (SITE.md, "Seen since")
            headline = clean(tree.xpath("//article//h1")[0].text_content())
            author = re.split(r" (?:يكتب|تكتب): ", headline, maxsplit=1)[0] if re.search(" (?:يكتب|تكتب): ", headline) else None
            if not article.get("column") or C.SECTIONS[article["section"]] != "آراء حرة":
                problem(f"{where}: no byline, and not a column of آراء حرة")
        if item["author"] != author:
            problem(f"{where}: author {author}")
        if item["authors"] != ([author] if author else []):
            problem(f"{where}: authors {item['authors']}")
        descriptions = {clean(value) for value in tree.xpath(
            "//meta[@property='og:description']/@content | //meta[@name='description']/@content")}
        node = news_article_ld(tree)
        if node and node.get("description"):
            descriptions.add(clean(node["description"]))
        if descriptions != {item["description"]}:
            problem(f"{where}: description {item['description']!r} vs the page's {descriptions}")
        if item["published_at"] != article["published"]:
            problem(f"{where}: published_at {item['published_at']} vs content {article['published']}")
        tags = [clean(a.text_content()) for a in tree.xpath("//div[@class='tags']/a")]
        if item["tags"] != tags:
            problem(f"{where}: tags {tags}")
        meta = tree.xpath("//meta[@name='keywords']/@content")
        keywords = [normalise_keyword(k) for k in meta[0].split(",") if k.strip()] if meta else []
        if item["keywords"] != keywords:
            problem(f"{where}: keywords {keywords}")
        for image in item["images"]:
            tail = image.split("/Upload/libfiles/")[1].rsplit(".", 1)[0]
            a, b, c = tail.split("/")
            if f"/{a}/{b}/" not in raw or f"/{c}.jpg" not in raw:
                problem(f"{where}: image {image} not on the page")
        if len(set(item["images"])) != len(item["images"]):
            problem(f"{where}: duplicate images")

        check_dates(where, item, tree)
        container = tree.xpath("//div[@class='paragraph-list']")[0]
        related = related_links(container)
        if related != item["related"]:
            problem(f"{where}: related {related}")
        blocks = body_blocks(container)
        body = "\n".join(blocks)
        if not blocks or blocks[0] != item["body_first"]:
            problem(f"{where}: body_first vs {blocks[:1]}")
        if not blocks or blocks[-1] != item["body_last"]:
            problem(f"{where}: body_last vs {blocks[-1:]}")
        if len(blocks) != item["body_block_count"]:
            problem(f"{where}: body_block_count {len(blocks)}: {blocks}")
        for needle in item["body_must_contain"]:
            if needle not in body:
                problem(f"{where}: must_contain {needle!r} not in body")
        for needle in item["body_must_not_contain"]:
            if needle in body:
                problem(f"{where}: must_not_contain {needle!r} is in body")
            if needle not in page_text:
                problem(f"{where}: must_not_contain {needle!r} is nowhere on the page (vacuous)")
        for needle in common:
            if needle in body:
                problem(f"{where}: common must_not_contain {needle!r} is in body")


def check_update(expected: dict, update: dict) -> None:
    """expected_update.json against the update edition: the same field checks, and the roles' ids."""
    articles = [U.edited_article(next(a for a in C.ARTICLES if a["id"] == U.EDITED)), *U.NEW_ARTICLES]
    check_expected(update, expected["body_must_not_contain_all"], articles, update_page, "expected_update")
    roles = {item["role"]: item["article_id"] for item in update["articles"]}
    wanted = {"N_rss": U.N_RSS, "N_sitemap": U.N_SITEMAP, "N_listing": U.N_LISTING, "N_sidebar": U.N_SIDEBAR,
              "E": U.EDITED}
    if roles != wanted:
        problem(f"expected_update: roles {roles} vs content_update {wanted}")
    gone = [item["article_id"] for item in update["deleted"]]
    deleted = (PAGES_UPDATE / DELETED).read_text(encoding="utf-8").split()
    if gone != [U.GONE] or deleted != [f"articles/{U.GONE}.html"]:
        problem(f"expected_update: deleted {gone}, deleted.txt {deleted}, content_update {U.GONE}")
    newest_base = max(datetime.fromisoformat(a["published"]) for a in C.ARTICLES)
    top_id = max(int(a["id"]) for a in C.ARTICLES)
    for article in U.NEW_ARTICLES:
        if datetime.fromisoformat(article["published"]) <= newest_base or int(article["id"]) <= top_id:
            problem(f"update: new article {article['id']} is not newer than every base article")


def main() -> int:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    check_files()
    check_expected(expected, expected["body_must_not_contain_all"])
    check_update(expected, json.loads(EXPECTED_UPDATE.read_text(encoding="utf-8")))
    server, thread, base = serve()
    try:
        check_walk(base, expected, server)
        twice = {t: n for t, n in server.hits.items() if n > 1}
        if twice:
            problem(f"walk fetched twice: {twice}")
    finally:
        server.shutdown()
        server.server_close()
    for message in problems:
        print("PROBLEM:", message)
    print("ok" if not problems else f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
