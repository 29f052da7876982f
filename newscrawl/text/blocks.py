"""The body of an article as a sequence of blocks: the unit the text functions work on.

The site extractor turns the DOM of the article body into blocks; the aggregator reader turns text
lines into blocks; the read-also splitter and the text cleaners take and return blocks. No Scrapy here.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Link:
    """A link inside a body block.

    ``url`` is absolute. For a link to an article of the site, ``article_id`` is its id and ``url`` is
    the article's canonical URL; for any other link ``article_id`` is None.
    """

    title: str
    url: str
    article_id: str | None = None


@dataclass(frozen=True, slots=True)
class Block:
    """One block of an article body, in page order.

    ``kind`` is the element it came from: ``"p"``, ``"h2"``..``"h6"`` (sub-headings), ``"div"`` (a box
    inside the body, e.g. a boxed read-also list), ``"li"``, ``"blockquote"`` or ``"line"`` (a line of
    an aggregator's text copy). ``text`` is the block's visible text, ``links`` the links it holds.
    """

    kind: str
    text: str
    links: tuple[Link, ...] = field(default=())

    @property
    def article_links(self) -> tuple[Link, ...]:
        return tuple(link for link in self.links if link.article_id)
