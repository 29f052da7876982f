"""What parsing an article page costs, three ways, measured in this process on pages given as bytes.

- ``lxml whole page``: what the crawl does with a response today: ``parsel.Selector(text=...)`` on the
  decoded page (Scrapy's ``response.selector``: the text encoded back to UTF-8 and parsed by
  ``lxml.html.HTMLParser``);
- ``lexbor whole page``: ``selectolax.lexbor.LexborHTMLParser`` on the same bytes (selectolax is a
  benchmark-only dependency; the row is left out without it);
- ``lxml head + article slice``: the same parsel parse of a byte slice, the ``<head>`` and the first
  ``<article ...>...</article>`` element (found with ``bytes.find``; the finding is counted in), wrapped
  in ``<body>``; the whole page when either marker is missing.

Each figure is CPU time (``time.process_time``), the median over rounds of the mean over the pages; the
three alternate within a round so a change of load hits all of them.
"""

from __future__ import annotations

import statistics
import time
import urllib.request
from collections.abc import Callable

from parsel import Selector


def lxml_whole(body: bytes) -> object:
    return Selector(text=body.decode("utf-8"))


def head_and_article(body: bytes) -> bytes:
    """``<head>`` and the first ``<article>`` element of ``body``, as one small document; else ``body``."""
    head_end = body.find(b"</head>")
    start = body.find(b"<article", head_end if head_end >= 0 else 0)
    end = body.find(b"</article>", start)
    if head_end < 0 or start < 0 or end < 0:
        return body
    return body[: head_end + 7] + b"<body>" + body[start: end + 10] + b"</body></html>"


def lxml_slice(body: bytes) -> object:
    return Selector(text=head_and_article(body).decode("utf-8"))


def lexbor_parser() -> Callable[[bytes], object] | None:
    try:
        from selectolax.lexbor import LexborHTMLParser
    except ImportError:
        return None
    return LexborHTMLParser


def parsers() -> dict[str, Callable[[bytes], object]]:
    found: dict[str, Callable[[bytes], object]] = {"lxml whole page": lxml_whole}
    if (lexbor := lexbor_parser()) is not None:
        found["lexbor whole page"] = lexbor
    found["lxml head + article slice"] = lxml_slice
    return found


def measure_parsers(pages: list[bytes], rounds: int = 5) -> dict[str, float]:
    """CPU ms per page of each parser on ``pages`` (median over ``rounds`` of the mean over the pages)."""
    chosen = parsers()
    for parse in chosen.values():  # warm-up
        for body in pages[:5]:
            parse(body)
    per_round: dict[str, list[float]] = {name: [] for name in chosen}
    for _ in range(rounds):
        for name, parse in chosen.items():
            start = time.process_time()
            for body in pages:
                parse(body)
            per_round[name].append(1000 * (time.process_time() - start) / len(pages))
    return {name: round(statistics.median(values), 3) for name, values in per_round.items()}


def fetch_sample(base_url: str, article_ids: list[str], count: int = 100) -> list[bytes]:
    """``count`` article pages spread evenly over ``article_ids``, as the server sends them."""
    step = max(1, len(article_ids) // count)
    pages = []
    for article_id in article_ids[::step][:count]:
        with urllib.request.urlopen(f"{base_url}/{article_id}", timeout=30) as response:
            pages.append(response.read())
    return pages
