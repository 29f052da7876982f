"""Every selector for albawabhnews.com, one small method per field.

Extraction is layered (SITE.md, "Layered extraction"): structured data first (JSON-LD, then ``<meta>``),
then the DOM. Each layer may be missing or broken on a given page and costs no field: the next one is
tried. Every method records which layer gave the value (or that none did) in ``self.events``, which the
spider adds to the crawl's stats as ``newscrawl/extract/<field>/<layer>``.

Nothing here imports Scrapy: a page is a ``parsel.Selector`` and the URL it came from, so the tests can
load saved pages directly.
"""

from __future__ import annotations

import html
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

from lxml import etree
from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from newscrawl.items import SOURCE_NAME, Article
from newscrawl.sites.page import Document, NeedsWholePage, article_document, attribute_value, class_token
from newscrawl.sites.urls import Site, article_id_from_url, canonical_article_url, page_number
from newscrawl.text.arabic import boilerplate_kind, clean_text, collapse_spaces, match_key
from newscrawl.text.authors import is_desk_name, looks_like_url, may_be_a_person, split_names, writer_from_headline
from newscrawl.text.blocks import Block, Link
from newscrawl.text.related import is_link_only, match_label

logger = logging.getLogger(__name__)

ARTICLE_TYPES = frozenset(
    {"NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "BlogPosting", "OpinionNewsArticle"}
)
TITLE_SUFFIX = re.compile(r"\s*[-|–—]\s*(?:البوابة نيوز|البوابه نيوز|albawabhnews)\s*$", re.IGNORECASE)
SKIPPED_TEXT_TAGS = frozenset({"script", "style", "noscript", "template"})
#: A box's text when it holds an image: the caption (a figcaption, or an element whose class names a caption:
#: ``span.caption``, ``p.img-caption``) is not body text; a quote inside the figure is.
CAPTION_CLASS = re.compile(r"(?:^|\s)(?:(?:img|image|photo|pic|figure|wp)-?)?caption(?:-?text)?(?:\s|$)", re.IGNORECASE)
#: A caption is a line under the image: longer, or holding paragraphs or headings, the element is a text box.
MAX_CAPTION = 200
SPACED_TAGS = frozenset({"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr",
                         "figure", "figcaption", "blockquote", "section", "article", "aside", "table", "img", "hr"})

# The body inside the article container (ArticlePage.article: article.cont, any article, main, body), most
# specific first. The first entry is SITE.md's (verified); the others are what the CMS family and common
# article markup use, so a renamed class still yields a body, counted as a fallback.
BODY_SELECTORS = (
    "div.paragraph-list",
    "[itemprop='articleBody']",
    "div.article-body",
    "div.article-content",
    "div.news-text",
    "div.details",
    "div#NewsStory",
)
# What each body selector needs in the page's (lowered) markup to match anything: on a page parsed as a
# slice (newscrawl.sites.page), a body container that is not in the article but is elsewhere on the page
# makes extraction ask for the whole page. (marker to look for first, pattern that confirms it)
BODY_MARKERS = (
    (b"paragraph-list", class_token("paragraph-list")),
    (b"articlebody", attribute_value("itemprop", "articlebody")),
    (b"article-body", class_token("article-body")),
    (b"article-content", class_token("article-content")),
    (b"news-text", class_token("news-text")),
    (b"details", class_token("details")),
    (b"newsstory", attribute_value("id", "newsstory")),
)
BREADCRUMB_CLASS = attribute_value("class", "breadcrumb", whole=False)  # .breadcrumb, [class*='breadcrumb']
TAGS_CLASS = class_token("tags")
ACTIVE_CLASS = class_token("active")  # the menu's active item (li.active, a.active)
# A page the CMS answered with status 200 instead of the article: ASP.NET's error screen or the site's own
# error message, matched on the match key (no hamza, tanween or case) of the title and the first headings.
# A page with a NewsArticle JSON-LD or a publication date is an article, whatever its headline says.
ERROR_PAGE_TEXT = re.compile(r"server error in '/' application|\bruntime error\b|^(?:عذرا|عفوا)\W*حدث خطا")
# "كتب: فلان" / "بقلم: فلان": the byline's label is not the author's name.
_BYLINE_LABEL = r"^(?:كتب|كتبت|بقلم|إعداد|اعداد|كتبه)\s*[:：\-–]?"
BYLINE_LABEL = re.compile(_BYLINE_LABEL + r"\s+")
BYLINE_LABEL_ALONE = re.compile(_BYLINE_LABEL + r"\s*$")  # "كتب:" with no name after it
LISTING_CARD_LINKS = "div.item-card a[href]"
SIDEBAR_LINKS = "div.news-list div.item-li a[href]"

# Inside the body: elements that are never text (SITE.md: ad slots, the Google-News widget, embeds).
SKIP_CLASSES = re.compile(r"\b(?:ads?|advert\w*|gnews|google-?news|social|share\w*|banner)\b", re.IGNORECASE)
EMBED_CLASSES = re.compile(r"\b(?:twitter-tweet|instagram-media|tiktok-embed|fb-post|embed\w*)\b", re.IGNORECASE)
NEVER_TEXT_TAGS = frozenset({"script", "style", "noscript", "iframe", "object", "embed", "video", "audio", "svg",
                             "form", "button", "input", "select", "img", "picture", "source", "figure", "template"})
MAX_WRAPPER_DEPTH = 8

# The page around the article, never its body. SITE.md puts these after div.paragraph-list; markup with an
# unclosed <div> makes the HTML parser nest them inside the body container instead, so they are known by what
# they are, not by where they sit, and the body ends at the first of them (once it has begun). Each class
# token of an element is matched whole (``fullmatch``):
BODY_END_CLASS = re.compile(
    r"(?:[a-z]+-)?(?:tags|tag-list|keywords)(?:-[a-z]+)?"  # the tag links and keywords under the article
    r"|(?:[a-z]+-)?comments?(?:-[a-z]+)?|disqus\w*"  # the comments box (its heading التعليقات, fb-comments)
    r"|more-news|more-from\w*|more-articles"  # the "المزيد من <section>" box of another articles' cards
    r"|col-side|side-?bar|news-list",  # the sidebar and its "most read" list (SITE.md news-list), if swallowed
    re.IGNORECASE,
)
# The same boxes known by their heading (a renamed class): the heading's match_key, whole.
BODY_END_HEADING = re.compile(
    r"(?:ال)?تعليقات(?: القراء)?|اضف تعليق\w*|اترك تعليقا"  # the comments box
    r"|المزيد من(?: \S+){1,4}"  # "المزيد من العالم": the more-from box of the section
    r"|الاكثر (?:قراءه|مشاهده|تداولا)"  # the sidebar's most-read list
    r"|(?:ال)?كلمات (?:ال)?(?:مفتاحيه|داله)"  # the keywords box's title
)
# A grid of listing cards (SITE.md: div.item-card > a, title in h3) is another box's list of articles: it ends
# the body, unless it sits inside a read-also box (whose cards are related links, not the page's furniture).
CARD_CLASS = "item-card"
MIN_GRID_CARDS = 2
RELATED_BOX_CLASS = re.compile(r"\b(?:related|read-?also|read-?more)\b", re.IGNORECASE)
HEADING_TAGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
#: Inline elements: among a body's bare text they are part of it, joined as written (``<font color>`` is an
#: old editor's colour, as ``<span style>`` is a new one's).
INLINE_TAGS = frozenset({"a", "strong", "b", "em", "i", "u", "span", "font", "sup", "sub", "mark", "abbr", "q",
                         "bdi", "bdo"})
PARAGRAPH_TAGS = frozenset({"p", "blockquote", "li", "pre"})
BOX_TAGS = frozenset({"div", "section", "aside", "ul", "ol", "table", "center", "span", "font"})


@lru_cache(maxsize=256)
def _css_query(css: str) -> etree.XPath:
    """``css`` compiled once to the XPath that ``Selector.css(css)`` evaluates, for lxml elements (strings
    as plain ``str``: no reference back to the tree)."""
    return etree.XPath(HTMLTranslator().css_to_xpath(css), smart_strings=False)


def select(root, css: str) -> list:
    """What ``Selector(root=root).css(css)`` selects, as lxml elements (or strings for ``::text`` and
    ``::attr()``), with the query compiled once: an article page asks some forty questions, and parsel
    builds a Selector object per result and per call."""
    return _css_query(css)(root)


def has_class(element, token: str) -> bool:
    """CSS's ``.token``: the class attribute holds ``token`` among its space-separated names."""
    value = element.get("class")
    return value is not None and token in CLASS_SEPARATORS.split(value)


def _image_place(img, article) -> tuple[bool, str | None]:
    """Where an image of ``article`` sits: whether in one of its image boxes (CSS's ``div.mainImg img, figure
    img, div.paragraph-list img, .gallery img`` from ``article``: an ancestor inside the article, or the
    article itself, is one), and the ``href`` of the outermost link around it inside the article (a link
    outside it, a chrome ``<a>`` left open by broken markup before the article, makes no thumbnail)."""
    in_box, href = False, None
    for box in img.iterancestors():
        if not in_box and (box.tag == "figure" or has_class(box, "gallery")
                           or box.tag == "div" and (has_class(box, "mainImg") or has_class(box, "paragraph-list"))):
            in_box = True
        if box.tag == "a" and (value := box.get("href")) is not None:
            href = value
        if box is article:
            break
    return in_box, href


def first(root, css: str):
    """The first of :func:`select`, or None."""
    found = _css_query(css)(root)
    return found[0] if found else None


HTML_LANG = etree.XPath("/html/@lang", smart_strings=False)
CLASS_SEPARATORS = re.compile(r"[ \t\r\n]+")  # XPath's normalize-space, as parsel's CSS translation uses it
CHILD_NODES = etree.XPath("./node()", smart_strings=False)
FOLLOWING_NODES = etree.XPath("following-sibling::node()", smart_strings=False)
BOX_PARAGRAPHS = etree.XPath(".//p|.//li")
BLOCKS_INSIDE = _css_query("p, div")
HEADINGS_INSIDE = _css_query("h1, h2, h3, h4, h5, h6")
EMBEDS = _css_query("iframe, blockquote.twitter-tweet, .instagram-media")
PARAGRAPHS = _css_query("p")
# A box holding an image (a figure, or an <img> beside its caption: div.img-box > img + span.caption), whose
# caption is a caption: a figcaption holding paragraphs is markup left open around the body's text (an unclosed
# <figcaption>), read as text.
IMAGE_BOX = etree.XPath("boolean(.//figure | .//img) and not(.//figcaption//p)")
LINKS = _css_query("a[href]")
WRAPPED_BLOCKS = etree.XPath("./p|./h2|./h3|./h4|./div[p]")
TAGS_AFTER_ARTICLE = etree.XPath(
    "(following::div[contains(concat(' ', normalize-space(@class), ' '), ' tags ')]"
    "[not(ancestor::aside or ancestor::footer)])[1]//a")
BOX_HEADING = etree.XPath("(./*[1]/descendant-or-self::*[self::h2 or self::h3 or self::h4])[1]")

PLACEHOLDER_IMAGE = re.compile(r"(?:placeholder|blank|loading|spacer|lazy|/images/|logo|icon|\.svg$|\.gif$)", re.I)
IMAGE_SIZE_SEGMENT = re.compile(r"/\d+x\d+o?/")


def element_text(root) -> str:
    """Visible text of an lxml element (or a text node), as a reader sees it: inline elements joined as
    written (``"<b>x</b>"`` stays ``"x"``), block elements and ``<br>`` separated by a space, script/style
    left out, whitespace collapsed."""
    if isinstance(root, str):
        return collapse_spaces(root)
    if not len(root) and isinstance(root.tag, str) and root.tag.lower() not in SKIPPED_TEXT_TAGS:
        return collapse_spaces(root.text) if root.text else ""  # no child: its own text
    return walked_text(root)


def walked_text(root, captions: bool = False) -> str:
    """:func:`element_text` by walking the element: every element's spacing rule applied; with ``captions``,
    the captions inside it (:func:`_is_caption`) left out."""
    parts: list[str] = []
    _collect_text(root, parts, captions)
    return collapse_spaces("".join(parts))


def _collect_text(element, parts: list[str], captions: bool = False) -> None:
    stack = [(element, False)]
    while stack:  # iterative: a deeply nested page must not exhaust the recursion limit
        node, closing = stack.pop()
        tag = node.tag.lower() if isinstance(node.tag, str) else ""
        if closing:
            if tag in SPACED_TAGS:
                parts.append(" ")
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if not tag or tag in SKIPPED_TEXT_TAGS or captions and node is not element and _is_caption(node, tag):
            if node is not element and node.tail:
                parts.append(node.tail)
            continue
        if tag in SPACED_TAGS:
            parts.append(" ")
        if node.text:
            parts.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))


def _is_caption(node, tag: str) -> bool:
    """An element of an image box that is its caption: a ``<figcaption>``, or an element whose class says so (a
    whole class name, ``caption``, ``img-caption``, ``wp-caption-text``) and that is a short line, not a box of
    text (``div.caption`` holding a heading and a paragraph, as Bootstrap's thumbnails have)."""
    if tag == "figcaption":
        return True
    if not CAPTION_CLASS.search(node.get("class") or ""):
        return False
    return not (len(node) and BLOCKS_INSIDE(node) or HEADINGS_INSIDE(node)) and len(walked_text(node)) <= MAX_CAPTION


def clean(value: object) -> str | None:
    """A string field's value with spaces normalized and invisible marks and lone surrogates removed
    (a JSON-LD ``"\\ud800"`` cannot be written to a UTF-8 feed); None when nothing visible is left, so a
    headline of direction marks alone falls through to the next layer."""
    if not isinstance(value, str):
        return None
    if "&" in value:  # JSON-LD strings often carry HTML entities (&quot;); the parser decoded the rest
        value = html.unescape(value)
    return clean_text(value) or None


def full_size_image(url: str) -> str:
    """``/UploadCache/libfiles/a/b/600x338o/c.jpg`` -> ``/Upload/libfiles/a/b/c.jpg`` (SITE.md, images)."""
    parts = urlsplit(url)
    path = parts.path
    if "/UploadCache/" in path:
        path = path.replace("/UploadCache/", "/Upload/", 1)
        path = IMAGE_SIZE_SEGMENT.sub("/", path, count=1)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def largest_from_srcset(srcset: str) -> str | None:
    """The candidate with the largest width descriptor of a (possibly multi-line) ``srcset``."""
    best, best_width = None, -1.0
    for candidate in srcset.split(","):
        bits = candidate.split()
        if not bits:
            continue
        width = 0.0
        if len(bits) > 1 and bits[1][:-1].replace(".", "", 1).isdigit():
            width = float(bits[1][:-1])
        if width > best_width:
            best, best_width = bits[0], width
    return best


class ArticlePage:
    """One article page: ``ArticlePage(selector, url, site).to_item(crawled_at)``.

    ``document``: the page as ``newscrawl.sites.page`` parsed it. When that is a slice (the head and the
    article element), the first question only the whole page answers has the whole page parsed
    (:meth:`read_whole_page`), and every later question is read from it.
    """

    def __init__(self, selector: Selector, url: str, site: Site | None = None, document: Document | None = None,
                 events: Counter[str] | None = None):
        self.root = selector.root
        self.url = url
        self.site = site or Site()
        self.doc = document
        self.partial = document is not None and document.partial
        self.events: Counter[str] = events if events is not None else Counter()
        self._jsonld: dict | None = None
        self._jsonld_read = False
        self._authors: list[str] = []

    # -- bookkeeping ---------------------------------------------------------------------------------
    def _whole_page_if(self, marker: bytes, confirm, reason: str, after_only: bool = False) -> None:
        """On a slice: go on from the whole page when ``marker`` occurs, as ``confirm`` finds it, in what the
        slice left out (:meth:`newscrawl.sites.page.Document.elsewhere`)."""
        if self.partial and self.doc.elsewhere(marker, confirm, after_only):
            self.read_whole_page(reason)

    def _whole_page(self, reason: str) -> None:
        """On a slice: go on from the whole page (the answer may be anywhere on it)."""
        if self.partial:
            self.read_whole_page(reason)

    def read_whole_page(self, reason: str) -> None:
        """Parse the whole page (counted as ``whole_page/<reason>``) and read on from it. What the slice
        answered so far is not read again: the slice is taken only where each of its answers is the whole
        page's (``newscrawl.sites.page``), and each question that the slice cannot answer says so before
        reading. The JSON-LD and meta found stay (the slice holds every one of the page's, in page order)."""
        self.doc = self.doc.whole(reason)
        self.root = self.doc.selector.root
        self.partial = False
        self.__dict__.pop("article", None)  # an element of the slice's tree

    def _note(self, field: str, layer: str) -> None:
        self.events[f"newscrawl/extract/{field}/{layer}"] += 1

    def _first(self, field: str, layers: Iterable[tuple[str, object]]) -> str | None:
        """The first non-empty value among ``(layer, value-or-callable)`` pairs, noted in events."""
        for layer, value in layers:
            if callable(value):
                value = value()
            value = clean(value)
            if value:
                self._note(field, layer)
                return value
        self._note(field, "missing")
        return None

    # -- structured data -----------------------------------------------------------------------------
    @property
    def jsonld(self) -> dict:
        """The page's NewsArticle JSON-LD object, or {} when absent or broken (a broken block is noted)."""
        if not self._jsonld_read:
            self._jsonld_read = True
            self._jsonld = self._read_jsonld()
        return self._jsonld or {}

    def _read_jsonld(self) -> dict | None:
        for script in self.root.iter("script"):  # script[type='application/ld+json']::text, without XPath
            raw = script.text
            if raw is None or script.get("type") != "application/ld+json":
                continue
            try:
                data = json.loads(raw, strict=False)  # raw newlines/tabs inside strings are common
            except (ValueError, RecursionError):  # RecursionError: nested thousands deep
                self.events["newscrawl/extract/jsonld/broken"] += 1
                logger.info("broken JSON-LD block on %s", self.url)
                continue
            for obj in _walk_jsonld(data):
                types = obj.get("@type")
                types = types if isinstance(types, list) else [types]
                if any(t in ARTICLE_TYPES for t in types if isinstance(t, str)):
                    self.events["newscrawl/extract/jsonld/found"] += 1
                    return obj
        self.events["newscrawl/extract/jsonld/absent"] += 1
        return None

    @cached_property
    def _meta_index(self) -> dict[str, str]:
        """Each ``<meta>`` content by its property and by its name, the first in page order for each:
        one pass over the page instead of one per name looked up."""
        index: dict[str, str] = {}
        for node in self.root.iter("meta"):  # //meta[@content], in page order
            get = node.get
            if (content := get("content")) is None:
                continue
            if (key := get("property")) is not None and key not in index:
                index[key] = content
            if (key := get("name")) is not None and key not in index:
                index[key] = content
        return index

    def meta(self, *names: str) -> str | None:
        for name in names:
            value = self._meta_index.get(name)
            if clean(value):
                return value
        return None

    @cached_property
    def article(self):
        """The article container's element, most specific first: ``article.cont`` (SITE.md, verified), any
        ``article``, ``main``, ``body``, else the page's root; found by walking the tree (no XPath)."""
        articles = list(self.root.iter("article"))
        for element in articles:
            if has_class(element, "cont"):
                return element
        if articles:
            return articles[0]
        for tag in ("main", "body"):
            if (found := next(self.root.iter(tag), None)) is not None:
                return found
        return self.root

    # -- identity ------------------------------------------------------------------------------------
    def article_id(self) -> str | None:
        """From the URL fetched (or its print view); the canonical link when the URL has none."""
        found = article_id_from_url(self.url)
        if found:
            return found
        for href in (first(self.root, "link[rel='canonical']::attr(href)"), self.meta("og:url"),
                     _jsonld_url(self.jsonld)):
            if href and (found := article_id_from_url(href)):
                return found
        return None

    # -- fields --------------------------------------------------------------------------------------
    def title(self) -> str | None:
        title = self._first("title", (
            ("jsonld", self.jsonld.get("headline")),
            ("meta", lambda: self.meta("og:title", "twitter:title")),
            ("dom", lambda: element_text(h1) if (h1 := first(self.article, "h1")) is not None else None),
            ("html_title", self._html_title),
        ))
        return TITLE_SUFFIX.sub("", title) or None if title else None

    def section(self) -> str | None:
        return self._first("section", (
            ("jsonld", _first_str(self.jsonld.get("articleSection"))),
            ("meta", lambda: self.meta("article:section")),
            ("dom", self._breadcrumb_section),
            ("dom_link", self._section_link),
            ("nav_active", self._nav_active),
        ))

    def _html_title(self) -> str | None:
        if first(self.root, "head title") is None and self.partial and self.doc.has_tag(b"title"):
            self.read_whole_page("title")
        return first(self.root, "title::text")

    def _nav_active(self) -> str | None:
        """The menu's active section link: the menu is outside the article (a page with no active item
        outside the slice answers from the slice)."""
        self._whole_page_if(b"active", ACTIVE_CLASS, "nav_active")
        return next((t for a in select(self.root, "li.active > a[href*='/category/'], a.active[href*='/category/']")
                     if (t := element_text(a))), None)

    def _breadcrumb_section(self) -> str | None:
        self._whole_page_if(b"breadcrumb", BREADCRUMB_CLASS, "breadcrumb")
        crumbs = [element_text(a) for a in select(self.root, "[class*='breadcrumb'] a")]  # .breadcrumb: included
        crumbs = [c for c in crumbs if c and c not in ("الرئيسية", "الرئيسيه", "Home")]
        return crumbs[-1] if crumbs else None

    def _section_link(self) -> str | None:
        """The first section link inside the article (SITE.md: the section name stands above the title)."""
        for anchor in select(self.article, "a[href*='/category/']"):
            if text := element_text(anchor):
                return text
        return None

    def description(self) -> str | None:
        """The page's own summary: JSON-LD, then ``og:description``, then ``<meta name="description">``.
        None when the page has none: the body's first paragraph is never taken for it."""
        return self._first("description", (
            ("jsonld", self.jsonld.get("description")),
            ("meta", lambda: self.meta("og:description")),
            ("meta_name", lambda: self.meta("description", "twitter:description")),
        ))

    def author(self, title: str | None = None) -> str | None:
        """The byline: JSON-LD, meta, then the page's writer box, the first that names a person, else the desk's
        signature ``البوابة نيوز`` that one of them gives. An opinion column names its writer only in its
        headline (SITE.md, "Seen since"): when no layer gives a name, or only the desk's signature, the writer
        the headline names is the author (``newscrawl/extract/author/headline`` and
        ``newscrawl/fields/author_from_headline``). :meth:`authors` then holds the names one by one."""
        found, layer, names = None, "missing", []
        for name, value in (
            ("jsonld", lambda: _author_name(self.jsonld.get("author"))),
            ("meta", lambda: _not_url(self.meta("author"))),
            ("meta", lambda: _not_url(self.meta("article:author"))),
            ("dom", lambda: element_text(box) if (box := first(
                self.article, ".writer, .author, [rel='author']")) is not None else None),
        ):
            if value := clean(value()):
                value = _unlabelled(value)
                if BYLINE_LABEL_ALONE.match(value):
                    continue
                if found is None:
                    found, layer = value, name
                # A portal often names itself in every page's meta or JSON-LD author: a layer after it that
                # names a person (the writer box) is the byline.
                if may_be_a_person(value):
                    found, layer = value, name
                    break
        if layer == "jsonld":
            names = [n for entry in _author_names(self.jsonld.get("author")) for n in split_names(entry)]
        elif found:
            names = split_names(found)
        if not found or is_desk_name(found):
            h1 = first(self.article, "h1")
            writer = writer_from_headline(title) or (writer_from_headline(element_text(h1)) if h1 is not None else None)
            if writer:
                found, layer, names = writer, "headline", [writer]
                self.events["newscrawl/fields/author_from_headline"] += 1
        self._note("author", layer)
        self._authors = names if found else []
        return found

    def authors(self) -> list[str]:
        """The names of the author :meth:`author` found, one by one (call it first)."""
        return list(self._authors)

    def date_candidates(self) -> dict[str, list[tuple[str, str]]]:
        """Every date string the page gives, per kind, most trusted source first."""
        published: list[tuple[str, str]] = []
        modified: list[tuple[str, str]] = []
        for key, out in (("datePublished", published), ("dateModified", modified)):
            if value := clean(self.jsonld.get(key)):
                out.append(("jsonld", value))
        if value := clean(self.meta("article:published_time", "og:published_time", "pubdate")):
            published.append(("meta", value))
        if value := clean(self.meta("article:modified_time", "og:updated_time")):
            modified.append(("meta", value))
        node = first(self.article, "div.publish time")
        if node is None:
            node = first(self.article, "time")
        if node is not None:
            if value := clean(node.get("datetime")):
                published.append(("time_attr", value))
            if value := clean(element_text(node)):
                published.append(("time_text", value))
        elif (publish := first(self.article, "div.publish, .publish, .date, .post-date")) is not None:
            if value := clean(element_text(publish)):
                published.append(("time_text", value))
        for kind, found in (("published", published), ("modified", modified)):
            self._note(f"{kind}_date", found[0][0] if found else "missing")
        return {"published": published, "modified": modified}

    def body_blocks(self) -> list[Block]:
        """The body as blocks: the first body container (``BODY_SELECTORS``, most specific first) that
        holds any text, else JSON-LD ``articleBody``. The body is read from the tree as the parser repaired
        it: it ends at the page's own boxes (``BODY_END_CLASS``) wherever they sit, and continues past a
        container that a stray end tag closed early (:meth:`_spilled_blocks`)."""
        for layer, css in enumerate(BODY_SELECTORS):
            nodes = select(self.article, css)
            if not nodes:
                self._whole_page_if(*BODY_MARKERS[layer], "body_outside_article")
                nodes = select(self.root, css)
            for node in nodes:
                walk = _BodyWalk()
                if blocks := list(self._blocks(node, walk=walk)):
                    self._note("body", "dom" if layer == 0 else "dom_fallback")
                    if walk.ended:
                        self.events["newscrawl/extract/body/ended_inside"] += 1
                    else:
                        blocks.extend(self._spilled_blocks(node))
                    return blocks
        text = self.jsonld.get("articleBody")
        if isinstance(text, str) and text.strip():
            self._note("body", "jsonld")
            return [Block("p", line.strip()) for line in text.splitlines() if line.strip()]
        self._note("body", "missing")
        return []

    def _spilled_blocks(self, container) -> list[Block]:
        """The body's paragraphs that a stray ``</div>`` left after the container it closed early.

        The parser closes the body container at the stray end tag; the paragraphs after it become following
        siblings of the container (or of its wrappers) inside the article container. They are read, up to
        the first of the page's own boxes, when that run holds a paragraph (``<p>``) or bare text: on a
        well-formed page the body container is followed by the tags and comments only, so nothing is added.
        """
        article = self.article
        if article is self.root or getattr(article, "tag", None) in ("html", "body"):
            return []  # no article container: the siblings would be the whole page
        run: list = []
        current = container
        while current is not article:
            for sibling in FOLLOWING_NODES(current):
                if not isinstance(sibling, str) and isinstance(getattr(sibling, "tag", None), str) and self._ends_body(
                        sibling, sibling.tag.lower(), sibling.get("class") or "", in_related=False):
                    break
                run.append(sibling)
            else:
                parent = current.getparent()
                if parent is None:
                    return []  # the container is not inside the article container
                current = parent
                continue
            break
        spilled = any(isinstance(node, str) and node.strip()
                      or getattr(node, "tag", None) == "p" and element_text(node) for node in run)
        if not spilled:
            return []
        walk = _BodyWalk()
        walk.started = True  # the body has begun: the page's boxes end it
        blocks = list(self._walk(run, 0, walk, in_related=False))
        if blocks:
            self.events["newscrawl/extract/body/spilled_blocks"] += len(blocks)
        return blocks

    def _ends_body(self, root, tag: str, classes: str, in_related: bool) -> bool:
        """Whether an element is one of the page's own boxes (tags, keywords, comments, more-from, sidebar)."""
        if classes and any(BODY_END_CLASS.fullmatch(token) for token in classes.split()):
            return True
        if tag in HEADING_TAGS:
            return bool(BODY_END_HEADING.fullmatch(match_key(element_text(root))))
        if tag not in BOX_TAGS or not len(root):
            return False
        for heading in BOX_HEADING(root):
            if BODY_END_HEADING.fullmatch(match_key(element_text(heading))):
                return True
        if not in_related:
            cards = [child for child in root if isinstance(child.tag, str)]
            return len(cards) >= MIN_GRID_CARDS and all(
                CARD_CLASS in (child.get("class") or "").split() for child in cards)
        return False

    def _blocks(self, container, depth: int = 0, walk: _BodyWalk | None = None,
                in_related: bool = False) -> Iterator[Block]:
        """The body's children as blocks, in order: paragraphs, sub-headings and boxes. Wrappers are
        entered ``MAX_WRAPPER_DEPTH`` deep at most; deeper, a wrapper is one block."""
        yield from self._walk(CHILD_NODES(container), depth, walk or _BodyWalk(), in_related)

    def _walk(self, nodes: Iterable, depth: int, walk: _BodyWalk, in_related: bool) -> Iterator[Block]:
        """``nodes``: lxml elements and text nodes (strings), in order."""
        loose: list[str] = []
        loose_links: list[Link] = []
        for root in nodes:
            if isinstance(root, str):  # a bare text node between elements, its spaces kept (they separate words)
                loose.append(root)
                continue
            tag = getattr(root, "tag", None)
            if not isinstance(tag, str):  # comments, processing instructions
                continue
            tag = tag.lower()
            if tag == "br":
                if loose:  # links are gathered only with loose text: none without it
                    yield from walk.note(_loose_block(loose, loose_links))
                continue
            # An element without children holds no other element: the queries below over its descendants are
            # answered without being run (most paragraphs are text alone).
            if tag in INLINE_TAGS and not (len(root) and BLOCKS_INSIDE(root)):
                _collect_text(root, loose)  # inline element among bare text: joined to it as written
                loose_links.extend(self._links(root))
                continue
            if loose:
                yield from walk.note(_loose_block(loose, loose_links))
            classes = root.get("class") or ""
            if self._ends_body(root, tag, classes, in_related):
                self.events["newscrawl/extract/body/skipped_boilerplate"] += 1
                if walk.started:  # the page's own boxes come after the body: nothing after them is body
                    walk.ended = True
                    return
                continue
            if tag in NEVER_TEXT_TAGS or SKIP_CLASSES.search(classes):
                self.events["newscrawl/extract/body/skipped_widget"] += 1
                continue
            if EMBED_CLASSES.search(classes) or len(root) and EMBEDS(root):  # alone, it is the class
                if not PARAGRAPHS(root) or EMBED_CLASSES.search(classes):
                    self.events["newscrawl/extract/body/skipped_embed"] += 1
                    continue
            if tag == "p" and root.find("br") is not None:
                yield from walk.note(self._lines(root))
            elif tag in HEADING_TAGS or tag in PARAGRAPH_TAGS:
                yield walk.block(Block(tag, element_text(root), self._links(root)))
            elif tag in BOX_TAGS:
                if (depth < MAX_WRAPPER_DEPTH and len(root) and WRAPPED_BLOCKS(root)
                        and not self._is_link_box(root)):  # a wrapper around paragraphs
                    yield from self._blocks(root, depth + 1, walk,
                                            in_related or bool(RELATED_BOX_CLASS.search(classes)))
                    if walk.ended:
                        return
                elif len(root) and IMAGE_BOX(root):  # an image box: its caption is the image's, not the body's
                    links = self._links(root)
                    if text := walked_text(root, captions=True):
                        yield walk.block(Block("div", text, links))
                    elif any(link.article_id for link in links):  # a card: its caption is its title
                        yield walk.block(Block("div", element_text(root), links))
                    else:
                        self.events["newscrawl/extract/body/skipped_figure"] += 1
                else:
                    yield walk.block(Block("div", element_text(root), self._links(root)))
        if loose:
            yield from walk.note(_loose_block(loose, loose_links))

    def _lines(self, paragraph) -> Iterator[Block]:
        """A paragraph whose lines a ``<br>`` separates, as blocks. Editors end paragraphs with a line break
        inside one ``<p>`` (shift-enter), and glue a read-also line to a paragraph after one, which the read-also
        split needs as a block of its own; but a verse, an address or a hard-wrapped sentence is one paragraph.
        So a ``<br>`` ends a block only where :func:`_ends_line_block` says; elsewhere the lines are joined."""
        lines: list[_Line | None] = []  # None: an empty line (``<br><br>``)
        parts: list[str] = [paragraph.text or ""]
        links: list[Link] = []
        for child in paragraph:
            if isinstance(child.tag, str) and child.tag.lower() == "br":
                lines.append(_line(parts, links))
                parts, links = [], []
            elif isinstance(child.tag, str):
                _collect_text(child, parts)
                links.extend(self._links(child))
            parts.append(child.tail or "")
        lines.append(_line(parts, links))
        texts, found, previous, run = [], [], None, False  # the block being gathered: its lines' texts, links
        for line in lines:
            if line is None or previous is not None and _ends_line_block(previous, line, run):
                yield from _loose_block(texts, found, " ")
            if line is None:  # an empty line ends a paragraph
                previous, run = None, False
                continue
            run = _continues_read_also(previous, line, run)
            texts.append(line.text)
            found += line.links
            previous = line
        yield from _loose_block(texts, found, " ")

    def _is_link_box(self, node) -> bool:
        """A box whose every paragraph is a link to an article (a boxed read-also list)."""
        paragraphs = BOX_PARAGRAPHS(node)
        return bool(paragraphs) and all(LINKS(p) and len(element_text(p)) <= len(
            " ".join(element_text(a) for a in select(p, "a"))) + 3 for p in paragraphs)

    def _links(self, node) -> tuple[Link, ...]:
        if not len(node) and node.tag != "a":  # no child: no link inside
            return ()
        links = []
        for anchor in LINKS(node):
            url = self.site.absolute(anchor.get("href") or "", self.url)
            if not url:
                continue
            article_id = article_id_from_url(url) if self.site.is_site_host(urlsplit(url).hostname) else None
            if article_id:
                url = canonical_article_url(article_id)
            links.append(Link(element_text(anchor), url, article_id))
        return tuple(links)

    def images(self) -> list[str]:
        """Full-size absolute URLs: JSON-LD and og:image, the lead image, then images in the body."""
        found: list[str] = []
        for value in _image_urls(self.jsonld.get("image")):
            found.append(value)
        if value := self.meta("og:image", "twitter:image"):
            found.append(value)
        article = self.article
        for img in article.iter("img"):
            in_box, link = _image_place(img, article)
            if not in_box:
                continue
            if link is not None and article_id_from_url(link.strip()):  # a thumbnail of another article
                continue
            src = img.get("data-src") or img.get("data-original") or img.get("data-lazy-src")
            if not src and (srcset := img.get("srcset") or img.get("data-srcset")):
                src = largest_from_srcset(srcset)
            if not src:
                src = img.get("src")
            if src:
                found.append(src)
        images: list[str] = []
        for src in found:
            src = clean(src) or ""
            if not src or src.startswith("data:") or PLACEHOLDER_IMAGE.search(src):
                continue
            url = self.site.absolute(src, self.url)
            if url and (url := full_size_image(url)) not in images:
                images.append(url)
        self._note("images", "found" if images else "missing")
        return images

    def tags(self) -> list[str]:
        """The tag links under the article; when the article container holds none, those of the first
        ``div.tags`` after it outside a sidebar or footer (a stray ``</div>`` in the body closes the container
        before its tags)."""
        layer = "dom"
        tags = [element_text(a) for a in select(self.article, ".tags a")]  # div.tags a: included
        if not tags:
            tags = [element_text(a) for a in select(self.article, "a[href*='/tag/']")]
        if not tags and self.article is not self.root:
            self._whole_page_if(b"tags", TAGS_CLASS, "tags_after_article", after_only=True)
            tags = [element_text(a) for a in TAGS_AFTER_ARTICLE(self.article)]
            layer = "dom_after_article"
        tags = [t for t in tags if t]
        self._note("tags", layer if tags else "missing")
        return tags

    def keywords(self) -> list[str]:
        raw = self.meta("keywords", "news_keywords") or ""
        if not raw:
            value = self.jsonld.get("keywords")
            if isinstance(value, list):
                raw = ",".join(v for v in value if isinstance(v, str))
            elif isinstance(value, str):
                raw = value
        words = [w.strip() for w in re.split(r"[,،]", raw) if w.strip()]
        return words

    def is_error_page(self) -> bool:
        """The CMS's error page, served with status 200 where the article should be (ERROR_PAGE_TEXT)."""
        if self.jsonld or first(self.root, "time, meta[property='article:published_time']") is not None:
            return False
        if self.partial and self.doc.element_elsewhere(b"time"):  # the whole page has one: not an error page
            return False
        self._whole_page("error_check")
        texts = [first(self.root, "title::text") or "", *(element_text(h) for h in select(self.root, "h1, h2")[:3])]
        return any(ERROR_PAGE_TEXT.search(match_key(text)) for text in texts)

    # -- the item ------------------------------------------------------------------------------------
    def to_item(self, crawled_at: str, listing_dates: Iterable[str] = ()) -> Article | None:
        """The article, or None when the page has no article id (not an article page)."""
        article_id = self.article_id()
        if not article_id:
            self.events["newscrawl/extract/no_article_id"] += 1
            return None
        title = self.title()
        blocks = self.body_blocks()
        dates = self.date_candidates()
        dates["published"].extend(("listing", value) for value in listing_dates if clean(value))
        return Article(
            url=canonical_article_url(article_id),
            article_id=article_id,
            title=title,
            description=self.description(),
            section=self.section(),
            author=self.author(title),
            authors=self.authors(),
            published_raw=dates["published"][0][1] if dates["published"] else None,
            modified_raw=dates["modified"][0][1] if dates["modified"] else None,
            body="\n\n".join(block.text for block in blocks if block.text) or None,
            images=self.images(),
            tags=self.tags(),
            keywords=self.keywords(),
            source=SOURCE_NAME,
            language=(next(iter(HTML_LANG(self.root)), None) or "ar").split("-")[0].lower() or "ar",
            crawled_at=crawled_at,
            body_blocks=blocks,
            date_candidates=dates,
        )


@dataclass(slots=True)
class ArticleExtraction:
    """What :func:`extract_article` read from an article page."""

    item: Article | None  # None: an error page, or no article id
    error_page: bool
    section_id: str | None  # the section the page names (breadcrumb or menu), when asked for


def extract_article(body: bytes, encoding: str, url: str, crawled_at: str, *, site: Site | None = None,
                    listing_dates: Iterable[str] = (), text: Callable[[], str] | None = None,
                    section_id: Callable[[Selector, str | None, Document], str | None] | None = None,
                    events: Counter[str] | None = None) -> ArticleExtraction:
    """An article page's item, read from one parse (``newscrawl.sites.page``: the head and the article
    element; the whole page, parsed then, from the first question the slice cannot answer).
    ``section_id(selector, section, document)``, when given, names the page's section id
    (``newscrawl.spiders.sections.section_id_of``). ``events`` receives the extraction's counters, those of a
    page that raised included; the tree is not kept."""
    events = events if events is not None else Counter()
    document = article_document(body, encoding, url, text)
    page = ArticlePage(document.selector, url, site, document, events)
    try:
        if page.is_error_page():
            return ArticleExtraction(None, True, None)
        item = page.to_item(crawled_at, listing_dates)
        found = None
        if section_id and item is not None:
            try:
                found = section_id(page.doc.selector, item.section, page.doc)
            except NeedsWholePage as need:
                page.read_whole_page(need.reason)
                found = section_id(page.doc.selector, item.section, page.doc)
        return ArticleExtraction(item, False, found)
    finally:
        events[f"newscrawl/extract/parse/{page.doc.how}"] += 1


class ListingPage:
    """A listing page (home, section, tag, search): its cards, sections and pager."""

    def __init__(self, selector: Selector, url: str, site: Site | None = None):
        self.root = selector.root
        self.url = url
        self.site = site or Site()
        self.events: Counter[str] = Counter()

    def cards(self) -> list[tuple[str, str | None]]:
        """``(href, date text or None)`` for each article card, in page order.

        The cards of SITE.md first (``div.item-card a``, the "most read" sidebar); then any other link to
        an article on the page, so a renamed card class still yields links (counted as a fallback).
        """
        cards: list[tuple[str, str | None]] = []
        for anchor in select(self.root, LISTING_CARD_LINKS):
            date = first(anchor, "span.date")
            cards.append((anchor.get("href") or "", clean(element_text(date)) if date is not None else None))
        self.events["newscrawl/listing/cards"] += len(cards)
        sidebar = [(a.get("href") or "", None) for a in select(self.root, SIDEBAR_LINKS)]
        self.events["newscrawl/listing/sidebar_links"] += len(sidebar)
        known = {href for href, _ in cards + sidebar}
        others = [(href, None) for href in select(self.root, "a::attr(href)")
                  if href not in known and article_id_from_url(href.strip())]
        if others:
            self.events["newscrawl/listing/links_outside_cards"] += len(others)
        return cards + sidebar + others

    def section_links(self) -> list[str]:
        return select(self.root, "a[href*='/category/']::attr(href)")

    def next_page(self) -> str | None:
        """The pager's own next link (``rel="next"``, else the link to the following page number)."""
        href = first(self.root, "ul.pagination a[rel~='next']::attr(href), a[rel~='next']::attr(href)")
        if href:
            return href
        current = page_number(self.url)
        path = urlsplit(self.url).path
        for candidate in select(self.root, "a[href*='page=']::attr(href)"):
            absolute = self.site.crawl_url(candidate, self.url)
            if absolute and urlsplit(absolute).path == path and page_number(absolute) == current + 1:
                self.events["newscrawl/listing/pager_fallback"] += 1
                return candidate
        return None


class _BodyWalk:
    """The state of one walk through a body: whether a block with text was read, and whether it ended."""

    __slots__ = ("ended", "started")

    def __init__(self) -> None:
        self.started = False
        self.ended = False

    def block(self, block: Block) -> Block:
        if block.text:
            self.started = True
        return block

    def note(self, blocks: Iterator[Block]) -> Iterator[Block]:
        for block in blocks:
            yield self.block(block)


#: A line that ends a sentence (closing quotes and brackets after the mark): the paragraph may end there.
SENTENCE_END = re.compile(r"[.!?؟…][\"'»”’)\]]*$")


class _Line(NamedTuple):
    """One line of a paragraph that ``<br>`` separates: its text as written, its links, and what the rules
    between lines ask of it, found once."""

    text: str
    links: list[Link]
    label: bool  # it starts with a read-also or related label
    boilerplate: bool

    @property
    def label_alone(self) -> bool:
        return self.label and not self.links

    @property
    def links_only(self) -> bool:
        return is_link_only(Block("p", self.text, tuple(self.links)))


def _line(parts: list[str], links: list[Link]) -> _Line | None:
    """The line gathered in ``parts`` with ``links``, or None when it holds nothing."""
    text = collapse_spaces("".join(parts))
    if not text and not links:
        return None
    return _Line(text, links, match_label(text) is not None, boilerplate_kind(text, cleaned=True) is not None)


def _continues_read_also(previous: _Line | None, line: _Line, run: bool) -> bool:
    """Whether a read-also run goes on after ``line``: it starts one (a label with links), or is a link line in
    one or after a label alone."""
    if line.label and line.links:
        return True
    return (run or previous is not None and previous.label_alone) and line.links_only


def _ends_line_block(previous: _Line, line: _Line, run: bool) -> bool:
    """Whether the ``<br>`` between two lines of a paragraph ends a block: after a sentence's end; before a
    read-also or related label; around the Google-News line and other boilerplate; inside a read-also run and
    after it; after a label alone only before a line of links (a label and a bare title stay one block, the
    read-also split's text form)."""
    if run:
        return True
    if previous.label_alone:
        return line.links_only
    return bool(SENTENCE_END.search(previous.text)) or line.label or previous.boilerplate or line.boilerplate


def _loose_block(loose: list[str], links: list[Link] | None = None, joiner: str = "") -> Iterator[Block]:
    """The text gathered in ``loose`` (text nodes and inline elements' text, as written; or lines, joined by
    ``joiner``) as one block with ``links``; both lists emptied."""
    text = collapse_spaces(joiner.join(loose))
    found = tuple(links or ())
    loose.clear()
    if links is not None:
        links.clear()
    if text:
        yield Block("p", text, found)


def _walk_jsonld(data: object, depth: int = 0) -> Iterator[dict]:
    if depth > 5:
        return
    if isinstance(data, list):
        for entry in data:
            yield from _walk_jsonld(entry, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _walk_jsonld(data["@graph"], depth + 1)


def _jsonld_url(obj: dict) -> str | None:
    for key in ("url", "mainEntityOfPage"):
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str):
            return value
    return None


def _first_str(value: object) -> str | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return value if isinstance(value, str) else None


def _author_name(value: object) -> str | None:
    """A JSON-LD ``author`` as one byline: the names joined with ``، `` (URLs are not names; the portal's own
    name beside a person's, ``[Organization البوابة نيوز, Person …]``, is not an author's)."""
    names = _people_first(_jsonld_names(value))
    return "، ".join(names) if names else None


def _author_names(value: object) -> list[str]:
    """Each author's name of a JSON-LD ``author`` (a string, an object, or a list of either), label removed."""
    return _people_first([_unlabelled(name) for name in _jsonld_names(value)])


def _people_first(names: list[str]) -> list[str]:
    """The names that may be people's, when there are any; else all of them (a desk story's signature)."""
    people = [name for name in names if may_be_a_person(_unlabelled(name))]
    return people or names


def _unlabelled(name: str) -> str:
    """A byline without its leading label (``كتب: فلان`` -> ``فلان``); a label alone is kept as it is."""
    return BYLINE_LABEL.sub("", name) or name


def _jsonld_names(value: object, depth: int = 0) -> list[str]:
    if depth > 3:
        return []
    if isinstance(value, list):
        return [name for entry in value[:20] for name in _jsonld_names(entry, depth + 1)]
    if isinstance(value, dict):
        value = value.get("name")
    name = clean(value)
    return [name] if name and _not_url(name) else []


def _not_url(value: str | None) -> str | None:
    return None if looks_like_url(value) else value


def _image_urls(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        url = value.get("url") or value.get("contentUrl")
        if isinstance(url, str):
            yield url
    elif isinstance(value, list):
        for entry in value[:20]:
            yield from _image_urls(entry)
