"""Splitting read-also (اقرأ أيضا) and related-story blocks out of an article body.

One algorithm over the body as a sequence of :class:`~newscrawl.text.blocks.Block` objects, used for
crawled pages (blocks with links) and for aggregator text copies (``kind="line"`` blocks, no links).
Pure: no Scrapy import.

A read-also block takes one of these forms (SITE.md, "Read also"):

``inline``
    A block that starts with a label and holds article links: ``اقرأ أيضًا: <a href=/4912001>…</a>``,
    the label possibly glued to the first title (``اقرأ أيضاًالجارديان: …``). Each article link becomes a
    related item. Text after the label that is not a link title is kept as a paragraph if it is a real
    sentence (:data:`RESIDUAL_MIN_WORDS` words or more), and dropped if it is only separators.
    Without any link (a page whose body came as text), a label followed by a title line is the same
    form, with a title and no URL.
``label_run``
    A block that is only a label (a ``<p>`` or a heading), followed by a run of blocks that each hold
    only article links (or link boxes). The run ends at the first block that is not link-only. A run
    also continues after an ``inline`` block.
``box``
    A ``div`` (box kind) holding article links and no other text than the links' titles, bullets, and
    at most a short heading (a label or any heading of :data:`BOX_HEADING_MAX_WORDS` words).
``label_only``
    A label alone followed by nothing it could introduce: dropped, since a bare ``اقرأ أيضا`` is not
    article text. It yields no related item.

In a text copy (``kind="line"``) there are no links: a label line (alone, or followed by a title on the
same line) is followed by *title lines* (:func:`is_title_line`: short, no closing full stop) until the
body resumes; every title becomes ``{"title": …}``.

Anything else is never removed: a link-only paragraph that no label introduces, a box with real text
(a quote, a caption), a paragraph that mentions اقرأ mid-sentence, links to other sites or to tag pages.
A body with no read-also block comes back unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from newscrawl.text.arabic import LabelSet, LeadingLabel, clean_text, match_key
from newscrawl.text.blocks import Block, Link

#: Read-also label spellings. Matching is insensitive to hamza, tanween, tatweel, a trailing colon
#: (:class:`~newscrawl.text.arabic.LabelSet`), so ``اقرأ أيضا``, ``اقرأ أيضاً``, ``اقرأ أيضًا``,
#: ``اقرأ ايضا``, ``إقرأ أيضاً``, ``إقرأ أيضا`` and ``أقرأ أيضـا:`` are one label.
READ_ALSO_LABELS = ("اقرأ أيضا",)

#: Related-story label spellings, matched the same way.
RELATED_LABELS = (
    "موضوعات متعلقة",
    "الموضوعات المتعلقة",
    "مواضيع متعلقة",
    "المواضيع المتعلقة",
    "أخبار متعلقة",
    "الأخبار المتعلقة",
    "ذات صلة",
    "موضوعات ذات صلة",
    "مواضيع ذات صلة",
    "أخبار ذات صلة",
)

LABELS = LabelSet({**{s: "read_also" for s in READ_ALSO_LABELS}, **{s: "related" for s in RELATED_LABELS}})

#: Block kinds that are boxes inside the body (a boxed read-also list comes as one such block).
BOX_KINDS = frozenset({"div", "ul", "ol", "aside", "section", "table", "nav"})

#: The kind of an aggregator text-copy line.
LINE_KIND = "line"

#: A box may carry a heading of at most this many words besides its links' titles.
BOX_HEADING_MAX_WORDS = 6

#: Text left in an ``inline`` block besides its label and link titles is kept as a paragraph when it
#: has at least this many words.
RESIDUAL_MIN_WORDS = 5

#: A title line (text copies): at most this many words and characters, and no closing full stop.
TITLE_MAX_WORDS = 18
TITLE_MAX_CHARS = 140

#: A line ending in one of these (after closing quotes/brackets) is a sentence, not a title.
SENTENCE_END = ".!?؟…۔"
#: A line ending in one of these introduces what follows (a quote, a list): not a title.
LEAD_IN_END = ":：؛;،,"
_CLOSERS = "\"'”’»)]} "

FORMS = ("inline", "label_run", "box", "label_only")


def match_label(text: str | None) -> LeadingLabel | None:
    """The read-also or related label ``text`` starts with, or None (see :data:`LABELS`)."""
    return LABELS.match(text)


def text_label(text: str | None) -> LeadingLabel | None:
    """The label of a read-also block written as text (no links): a label alone, or a label followed by
    a title line, glued, after a colon, or (for the read-also label) after a space. A related-story
    label followed by words without a colon (``ذات صلة بالموضوع``) is prose or a sub-heading: None."""
    label = match_label(text)
    if label is None or label.alone:
        return label
    if not is_title_line(label.rest):
        return None
    if label.colon or not label.separated or label.name == "read_also":
        return label
    return None


def is_title_line(text: str | None) -> bool:
    """True if ``text`` reads as a headline rather than a body paragraph: non-empty, short
    (:data:`TITLE_MAX_WORDS`, :data:`TITLE_MAX_CHARS`), and not ending in a full stop or a lead-in
    colon (a closing quote after a full stop counts as a full stop). A headline may end in a quote."""
    text = clean_text(text)
    if not text or len(text) > TITLE_MAX_CHARS or len(text.split()) > TITLE_MAX_WORDS:
        return False
    if text[-1] in LEAD_IN_END or text[-1] in SENTENCE_END:
        return False
    core = text.rstrip(_CLOSERS)
    return bool(core) and core[-1] not in SENTENCE_END and core[-1] not in LEAD_IN_END


def has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def residual_text(text: str, titles: Sequence[str]) -> str:
    """``text`` with each of ``titles`` removed once, in order; what is left, stripped."""
    text = clean_text(text)
    parts: list[str] = []
    pos = 0
    for title in titles:
        title = clean_text(title)
        if not title:
            continue
        found = text.find(title, pos)
        if found < 0:
            found = text.find(title)
            if found < 0 or found < pos:
                continue
        parts.append(text[pos:found])
        pos = found + len(title)
    parts.append(text[pos:])
    return clean_text(" ".join(parts))


def is_link_only(block: Block) -> bool:
    """True if ``block`` holds article links and no letters besides their titles."""
    links = block.article_links
    return bool(links) and not has_letters(residual_text(block.text, [link.title for link in links]))


def is_link_box(block: Block) -> bool:
    """True if ``block`` is a box of article links: a box kind, ≥1 article link, and no text besides
    the titles but bullets and an optional short heading (a label, or a few words, no full stop)."""
    links = block.article_links
    if block.kind not in BOX_KINDS or not links:
        return False
    rest = residual_text(block.text, [link.title for link in links])
    if not has_letters(rest):
        return True
    label = match_label(rest)
    if label is not None and not has_letters(label.rest):
        return True
    return len(rest.split()) <= BOX_HEADING_MAX_WORDS and rest.rstrip(_CLOSERS)[-1:] not in SENTENCE_END


@dataclass
class SplitResult:
    #: The body without its read-also blocks, in order (untouched blocks are the same objects).
    body_blocks: list[Block]
    #: Related items in page order, without duplicates: ``{"title", "url"}``, or ``{"title"}`` for a
    #: title without a link (text copies).
    related: list[dict] = field(default_factory=list)
    #: The form of each read-also block removed, in page order (see :data:`FORMS`).
    forms: list[str] = field(default_factory=list)


class _Related:
    """Related items in order, first occurrence kept (by URL, or by title key without a URL); a link repeated
    with a title gives it to a first occurrence that had none (a card's thumbnail, then its title)."""

    def __init__(self) -> None:
        self.items: list[dict] = []
        self._titles: set[str] = set()  # the match keys of the titles without a URL
        self._by_url: dict[str, dict] = {}

    def add_link(self, link: Link, fallback_title: str = "") -> None:
        title = clean_text(link.title) or fallback_title
        if (known := self._by_url.get(link.url)) is not None:
            if not known["title"]:  # a card links its thumbnail, then its title: the title is the one with text
                known["title"] = title
            return
        self._by_url[link.url] = item = {"title": title, "url": link.url}
        self.items.append(item)

    def add_title(self, title: str) -> None:
        title = clean_text(title)
        key = match_key(title)
        if not title or key in self._titles:
            return
        self._titles.add(key)
        self.items.append({"title": title})


def _introduces_links(label: LeadingLabel, links: Sequence[Link]) -> bool:
    """A label introduces its block's links when a colon follows it, or when the text after it (glued
    or not) begins with a link's title. ``ذات صلة بالأمر، قال …`` with a link further on is prose."""
    if label.colon or label.alone:
        return True
    rest = match_key(label.rest)
    return any(match_key(link.title) and rest.startswith(match_key(link.title)) for link in links)


def _without_label(link: Link) -> Link:
    """The link with a read-also label taken off its title, for a label written inside the link
    (``<a>اقرأ أيضاًالجارديان: …</a>``)."""
    label = match_label(link.title)
    if label is None or not label.rest:
        return link
    return Link(label.rest, link.url, link.article_id)


def split_related(blocks: Sequence[Block]) -> SplitResult:
    """Split read-also blocks out of ``blocks``: see the module docstring for the forms."""
    body: list[Block] = []
    related = _Related()
    forms: list[str] = []
    i, n = 0, len(blocks)
    while i < n:
        block = blocks[i]
        label = match_label(block.text)
        if label is None:
            if is_link_box(block):
                for link in block.article_links:
                    related.add_link(link)
                forms.append("box")
            else:
                body.append(block)
            i += 1
            continue

        if block.kind == LINE_KIND:
            end = _split_label_lines(blocks, i, label, related, forms)
            if end == i:
                body.append(block)
                end += 1
            i = end
            continue

        links = tuple(_without_label(link) for link in block.article_links)
        if links and _introduces_links(label, links):
            fallback = label.rest if len(links) == 1 else ""
            for link in links:
                related.add_link(link, fallback)
            rest = residual_text(label.rest, [link.title for link in links])
            if len(rest.split()) >= RESIDUAL_MIN_WORDS and has_letters(rest):
                body.append(Block(block.kind, rest, tuple(link for link in block.links if not link.article_id)))
            forms.append("box" if block.kind in BOX_KINDS else "inline")
            i = _absorb_link_run(blocks, i + 1, related, forms)
        elif label.alone and not links:
            at, end = len(forms), _absorb_link_run(blocks, i + 1, related, forms)
            boxes = len(forms) - at
            if end == i + 1:
                forms.append("label_only")
            elif end - (i + 1) > boxes:  # a label over boxes only is their heading: counted as boxes
                forms.insert(at, "label_run")
            i = end
        elif not block.links and not label.alone and label.colon and text_label(block.text):
            related.add_title(label.rest)  # a read-also paragraph that lost its link (text-only body)
            forms.append("inline")
            i += 1
        else:
            body.append(block)
            i += 1
    return SplitResult(body, related.items, forms)


def _absorb_link_run(blocks: Sequence[Block], start: int, related: _Related, forms: list[str]) -> int:
    """Take the link-only blocks and link boxes from ``start`` on; return the index after the run.
    A link box in the run counts as a ``box`` block of its own."""
    j = start
    while j < len(blocks) and blocks[j].kind != LINE_KIND:
        if is_link_box(blocks[j]):
            forms.append("box")
        elif not is_link_only(blocks[j]):
            break
        for link in blocks[j].article_links:
            related.add_link(link)
        j += 1
    return j


def _split_label_lines(
    blocks: Sequence[Block], start: int, label: LeadingLabel, related: _Related, forms: list[str]
) -> int:
    """A label line and the title lines after it (text copies). Returns ``start`` if the line is not
    a read-also label (a sentence that merely begins with the label's words)."""
    if text_label(blocks[start].text) is None:
        return start
    titles = [] if label.alone else [label.rest]
    j = start + 1
    while (
        j < len(blocks)
        and blocks[j].kind == LINE_KIND
        and not blocks[j].links
        and match_label(blocks[j].text) is None
        and is_title_line(blocks[j].text)
    ):
        titles.append(blocks[j].text)
        j += 1
    for title in titles:
        related.add_title(title)
    if not label.alone:
        forms.append("inline")
    else:
        forms.append("label_run" if titles else "label_only")
    return j
