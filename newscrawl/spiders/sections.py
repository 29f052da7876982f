"""``-a sections=``: a filter on what the spider emits, not only where it starts.

With sections, an article is emitted only when it belongs to one of them:

- its page names its section (the breadcrumb's ``/category/<n>`` link, else the section name the page
  gives, looked up among the page's own ``/category/<n>`` menu links): emitted if that id is wanted;
- its page names no section we can map to an id: emitted only if it was found where its section is
  known before fetching, i.e. among the own cards of a wanted section's listing or in a wanted section's
  feed (``/rss/section/<n>``); found anywhere else (sidebar, read-also, sitemap), it is not emitted.

Everything not emitted is counted (``newscrawl/filtered/other_section``, ``.../unknown_section``).
"""

from __future__ import annotations

import re

from parsel import Selector

from newscrawl.sites.albawabh import BREADCRUMB_CLASS
from newscrawl.sites.page import Document, NeedsWholePage
from newscrawl.sites.urls import section_id_from_url

SECTION_FEED = re.compile(r"/rss/section/(\d+)/?$")

#: Verdicts of :func:`verdict`.
EMIT = "emit"
OTHER_SECTION = "other_section"
UNKNOWN_SECTION = "unknown_section"


def section_id_of(selector: Selector, section_name: str | None, document: Document | None = None) -> str | None:
    """The id of the section an article page says it belongs to, or None. On a page parsed as a slice
    (``document``), a breadcrumb outside the article or a look-up in the menu needs the whole page."""
    partial = document is not None and document.partial
    if partial and document.elsewhere(b"breadcrumb", BREADCRUMB_CLASS):
        raise NeedsWholePage("section_breadcrumb")
    crumbs = [section_id_from_url(href) for href in selector.css(
        ".breadcrumb a::attr(href), [class*='breadcrumb'] a::attr(href)").getall()]
    crumbs = [crumb for crumb in crumbs if crumb]
    if crumbs:
        return crumbs[-1]
    if partial and section_name:
        raise NeedsWholePage("section_menu")
    if not section_name:
        return None
    wanted = " ".join(section_name.split())
    ids = {section_id_from_url(anchor.attrib.get("href", "")) for anchor in selector.css("a[href*='/category/']")
           if " ".join(" ".join(anchor.css("::text").getall()).split()) == wanted}
    ids.discard(None)
    return ids.pop() if len(ids) == 1 else None


def feed_section(url: str) -> str | None:
    """The section of a section feed URL (``/rss/section/72``), else None."""
    match = SECTION_FEED.search(url.split("?", 1)[0])
    return match.group(1) if match else None


def verdict(sections: tuple[str, ...], page_section: str | None, hint: str | None) -> str:
    """Whether an article is emitted under ``-a sections`` (:data:`EMIT`), or why not."""
    if not sections:
        return EMIT
    if page_section is not None:
        return EMIT if page_section in sections else OTHER_SECTION
    return EMIT if hint in sections else UNKNOWN_SECTION
