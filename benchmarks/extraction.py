"""Extraction cost and body accuracy on the saved article pages, newscrawl against its peers.

    python -m benchmarks.extraction [--rounds 7] [--padded-kb 100]

Each saved article page of the offline copy (``tests/site/pages/articles``, 23 pages, ~19 KB) goes through:

- ``newscrawl``: what the crawl does per article page: ``newscrawl_extract`` (the page's bytes in, the item
  out: parse, error-page check, ``to_item``), then the clean, read-also and dates pipelines;
- ``newscrawl extraction only``: ``newscrawl_extract`` alone (the issue's "extraction costs at most the parse
  plus 1 ms" compares it with the next row);
- ``lxml parse only``: ``parsel.Selector(text=...)`` on the decoded page, the parse the crawl does today;
- ``selectolax parse only``: ``selectolax.lexbor.LexborHTMLParser`` on the page's bytes (benchmark-only);
- ``lxml head + article slice``: the parse of the ``<head>`` and the ``<article>`` element alone
  (``benchmarks.parse_cost.head_and_article``);
- ``trafilatura``: ``trafilatura.extract(html)``, its defaults;
- ``trafilatura fast``: ``trafilatura.extract(html, favor_precision=True, fast=True)``;
- ``newspaper4k``: ``newspaper.article(url, input_html=html, language="ar")``, an offline parse.

Cost: CPU milliseconds per page, the median over rounds of the mean over the 23 pages; the tools
alternate within each round, so a change of load hits all of them.

Accuracy, per page, against a reference body built from the page without newscrawl: the ``<p>`` and
``<h2>`` children of ``div.paragraph-list`` that have text, minus the read-also paragraphs (those that
hold the title of a related article listed in ``tests/fixtures/albawabh/expected.json``, or that are only
a read-also label). The reference is checked against the hand-written ``body_first``, ``body_last``,
``body_block_count`` and ``body_must_contain`` of expected.json and only pages where it agrees are
scored. Scores: character F1 (matching characters found by ``difflib``, whitespace collapsed) and
read-also leakage (a page whose extracted body holds any related title of expected.json).

Live article pages weigh 80-120 KB; the extra weight is chrome around the same article. So the same 23
pages are measured again padded to ``--padded-kb`` (default 100) with the live portal's chrome of
``benchmarks/chrome.py`` (the one ``python -m benchmarks.site --page-kb`` serves: head metas, scripts and
JSON-LD, mastheads' menus, ticker, sidebar lists, footer; the ``<article>`` element and the head's own
tags byte-identical), every tool included; the reference body is the unpadded page's.
"""

from __future__ import annotations

import argparse
import difflib
import functools
import json
import logging
import re
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from lxml import html as lxml_html

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "site" / "pages" / "articles"
EXPECTED = ROOT / "tests" / "fixtures" / "albawabh" / "expected.json"
CANONICAL = "https://www.albawabhnews.com"
INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\ufeff]")
#: A paragraph that is only a read-also / related label (the reference leaves it out).
LABEL_ONLY = re.compile(r"^[\s:]*(?:[اإأ]قرأ\s+[اأ]يض[اًـ]*|الموضوعات المتعلقة|موضوعات متعلقة|ذات صلة)[\s:]*$")
CRAWLED_AT = datetime(2026, 11, 29, 12, 0, tzinfo=UTC).isoformat()


def norm(text: str) -> str:
    """Whitespace collapsed, invisible marks removed, no-break spaces as spaces (expected.json's rule)."""
    return " ".join(INVISIBLE.sub("", text.replace("\u00a0", " ")).split())


# -- the pages and their reference bodies -----------------------------------------------------------


def load_pages() -> list[dict]:
    """Every saved article page with its expectation and reference body (``reference_ok`` when the
    reference agrees with the hand-written checks)."""
    expected = {a["article_id"]: a for a in json.loads(EXPECTED.read_text(encoding="utf-8"))["articles"]}
    pages = []
    for path in sorted(PAGES.glob("*.html")):
        article_id = path.stem
        html = path.read_text(encoding="utf-8")
        exp = expected.get(article_id)
        related = [norm(r["title"]) for r in exp["related"]] if exp else []
        blocks = reference_blocks(html, related)
        pages.append({
            "article_id": article_id,
            "url": f"{CANONICAL}/{article_id}",
            "html": html,
            "bytes": html.encode("utf-8"),
            "related_titles": related,
            "reference": " ".join(blocks),
            "reference_ok": bool(exp) and reference_agrees(blocks, exp),
        })
    return pages


def padded_pages(pages: list[dict], kb: float) -> list[dict]:
    """``pages`` padded with the live portal's chrome to about ``kb`` KB each (``benchmarks.chrome``)."""
    from benchmarks.chrome import pad_saved_pages

    big = pad_saved_pages({p["article_id"]: p["html"] for p in pages}, kb)
    return [{**p, "html": big[p["article_id"]], "bytes": big[p["article_id"]].encode("utf-8")} for p in pages]


def reference_blocks(html: str, related_titles: list[str]) -> list[str]:
    root = lxml_html.fromstring(html)
    body = root.xpath("//div[contains(concat(' ', normalize-space(@class), ' '), ' paragraph-list ')]")
    if not body:
        return []
    blocks = []
    for child in body[0]:
        if not isinstance(child.tag, str) or child.tag not in ("p", "h2"):
            continue
        text = norm(child.text_content())
        if not text or LABEL_ONLY.match(text) or any(title in text for title in related_titles):
            continue
        blocks.append(text)
    return blocks


def reference_agrees(blocks: list[str], exp: dict) -> bool:
    joined = " ".join(blocks)
    return (bool(blocks) and blocks[0] == norm(exp["body_first"]) and blocks[-1] == norm(exp["body_last"])
            and len(blocks) == exp["body_block_count"]
            and all(norm(text) in joined for text in exp.get("body_must_contain", ())))


def char_f1(reference: str, extracted: str) -> float:
    if not reference or not extracted:
        return 0.0
    matcher = difflib.SequenceMatcher(None, reference, extracted, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    if not matched:
        return 0.0
    precision, recall = matched / len(extracted), matched / len(reference)
    return 2 * precision * recall / (precision + recall)


# -- the extractors: a page (dict with "html", "bytes", "url") in, body text out ----------------------


def newscrawl_extract(page_bytes: bytes, url: str):
    """The crawl's extraction of one article page: its bytes in, the item (or None) out.

    THE HOOK, one line: the spider's ``parse_article`` calls ``newscrawl.sites.albawabh.extract_article`` on
    the response's body (one parse: the head and the article element, the whole page when the slice cannot
    answer; the error-page check; ``to_item``), so this does the same. Before that function existed it was
    ``ArticlePage(Selector(text=page_bytes.decode()), url, site)``, its error-page check and ``to_item``."""
    from newscrawl.sites.albawabh import extract_article

    return extract_article(page_bytes, "utf-8", url, CRAWLED_AT, site=_site(), text=page_bytes.decode).item


@functools.cache
def _site():
    from newscrawl.sites.urls import Site

    return Site()


def newscrawl_extraction_only() -> Callable[[dict], str]:
    def extract(page: dict) -> str:
        item = newscrawl_extract(page["bytes"], page["url"])
        return (item.body or "") if item is not None else ""

    return extract


def newscrawl_extractor() -> Callable[[dict], str]:
    """``newscrawl_extract`` then the text pipelines the crawl runs on every item (clean, read-also, dates)."""
    from benchmarks.parse_cost import NullStats
    from newscrawl.pipelines.clean import CleanTextPipeline
    from newscrawl.pipelines.dates import DatesPipeline
    from newscrawl.pipelines.related import RelatedPipeline

    pipelines = [CleanTextPipeline(NullStats()), RelatedPipeline(NullStats()), DatesPipeline(NullStats())]

    def extract(page: dict) -> str:
        item = newscrawl_extract(page["bytes"], page["url"])
        if item is None:
            return ""
        for pipeline in pipelines:
            item = pipeline.process_item(item)
        return item.body or ""

    return extract


def parsel_parse() -> Callable[[dict], str]:
    from benchmarks.parse_cost import lxml_whole

    def parse(page: dict) -> str:
        lxml_whole(page["bytes"])
        return ""

    return parse


def lexbor_parse() -> Callable[[dict], str]:
    from selectolax.lexbor import LexborHTMLParser

    def parse(page: dict) -> str:
        LexborHTMLParser(page["bytes"])
        return ""

    return parse


def slice_parse() -> Callable[[dict], str]:
    from benchmarks.parse_cost import lxml_slice

    def parse(page: dict) -> str:
        lxml_slice(page["bytes"])
        return ""

    return parse


def trafilatura_extractor(**options) -> Callable[[dict], str]:
    import trafilatura

    def extract(page: dict) -> str:
        return trafilatura.extract(page["html"], **options) or ""

    return extract


def newspaper_extractor() -> Callable[[dict], str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "nltk is not installed" is about features not used here
        import newspaper

    def extract(page: dict) -> str:
        return newspaper.article(page["url"], input_html=page["html"], language="ar").text or ""

    return extract


#: name -> (factory, module it needs, whether its body is scored)
TOOLS: dict[str, tuple[Callable[[], Callable[[dict], str]], str | None, bool]] = {
    "newscrawl": (newscrawl_extractor, None, True),
    "newscrawl extraction only": (newscrawl_extraction_only, None, False),
    "lxml parse only": (parsel_parse, None, False),
    "selectolax parse only": (lexbor_parse, "selectolax", False),
    "lxml head + article slice": (slice_parse, None, False),
    "trafilatura": (lambda: trafilatura_extractor(), "trafilatura", True),
    "trafilatura fast": (lambda: trafilatura_extractor(favor_precision=True, fast=True), "trafilatura", True),
    "newspaper4k": (newspaper_extractor, "newspaper", True),
}
#: Rows that are a parse, not an extraction (shown as such in the tables).
PARSE_ONLY = ("lxml parse only", "selectolax parse only", "lxml head + article slice")


def available_tools(names: list[str] | None = None) -> tuple[dict[str, Callable[[dict], str]], dict[str, str]]:
    """The extractors that can run here, and why the others cannot."""
    import importlib.util

    ready, missing = {}, {}
    for name, (factory, module, _) in TOOLS.items():
        if names is not None and name not in names:
            continue
        if module and importlib.util.find_spec(module) is None:
            missing[name] = f"{module} is not installed (pip install -r requirements-bench.txt)"
            continue
        ready[name] = factory()
    return ready, missing


# -- the benchmark ----------------------------------------------------------------------------------


def measure(pages: list[dict], extractors: dict[str, Callable[[dict], str]], rounds: int, log, label: str = ""):
    """Bodies and scores of each extractor on ``pages``, and its median CPU ms/page over ``rounds``."""
    bodies = {name: [fn(p) for p in pages] for name, fn in extractors.items()}  # warm-up
    per_round: dict[str, list[float]] = {name: [] for name in extractors}
    for _ in range(rounds):
        for name, fn in extractors.items():
            start = time.process_time()
            for page in pages:
                fn(page)
            per_round[name].append(1000 * (time.process_time() - start) / len(pages))
    scored = [i for i, p in enumerate(pages) if p["reference_ok"]]
    results = {}
    for name in extractors:
        entry = {"ms_per_page": round(statistics.median(per_round[name]), 3)}
        if TOOLS[name][2]:
            f1 = [char_f1(pages[i]["reference"], norm(bodies[name][i])) for i in scored]
            leaks = [pages[i]["article_id"] for i in scored
                     if any(title in norm(bodies[name][i]) for title in pages[i]["related_titles"])]
            entry.update(
                char_f1_mean=round(statistics.fmean(f1), 4) if f1 else None,
                char_f1_min=round(min(f1), 4) if f1 else None,
                pages_leaking_read_also=len(leaks),
                leaking_ids=leaks,
            )
        results[name] = entry
        log(f"extraction{label}: {name:<17} {entry['ms_per_page']:>7.2f} ms/page"
            + (f"  char F1 {entry['char_f1_mean']:.3f} (min {entry['char_f1_min']:.3f})"
               f"  read-also leaked on {entry['pages_leaking_read_also']}" if "char_f1_mean" in entry else ""))
    return results, scored


def bench_extraction(rounds: int = 7, tools: list[str] | None = None, log=print, padded_kb: float = 100) -> dict:
    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    logging.getLogger("newspaper").setLevel(logging.CRITICAL)
    logging.getLogger("newscrawl").setLevel(logging.ERROR)
    pages = load_pages()
    extractors, missing = available_tools(tools)
    results, scored = measure(pages, extractors, rounds, log)
    padded_result = None
    if padded_kb:
        big = padded_pages(pages, padded_kb)
        padded_result = {
            "kb": padded_kb,
            "chrome": "benchmarks/chrome.py (the live portal's chrome, as python -m benchmarks.site --page-kb)",
            "mean_page_kb": round(statistics.fmean(len(p["bytes"]) for p in big) / 1024, 1),
            "rounds": max(1, rounds // 2),
            "tools": measure(big, extractors, max(1, rounds // 2), log, f" ({padded_kb:g} KB)")[0],
            "newscrawl_parse": parse_paths(big),
        }
    pages_with_related = sum(1 for i in scored if pages[i]["related_titles"])
    return {
        "pages": len(pages),
        "scored_pages": len(scored),
        "unscored_ids": [p["article_id"] for p in pages if not p["reference_ok"]],
        "pages_with_read_also": pages_with_related,
        "mean_page_kb": round(statistics.fmean(len(p["bytes"]) for p in pages) / 1024, 1),
        "rounds": rounds,
        "newscrawl_hook": "extract_article" if _uses_extract_article() else "ArticlePage(Selector(text=...)).to_item",
        "tools": results,
        "newscrawl_parse": parse_paths(pages),
        "missing": missing,
        "padded": padded_result,
    }


def parse_paths(pages: list[dict]) -> dict[str, int]:
    """How the crawl's extraction parsed each page (``newscrawl/extract/parse/<how>``: the slice, or the whole
    page and why), when ``extract_article`` reports it."""
    from collections import Counter

    from newscrawl.sites.albawabh import extract_article

    events: Counter[str] = Counter()
    for page in pages:
        extract_article(page["bytes"], "utf-8", page["url"], CRAWLED_AT, site=_site(), text=page["bytes"].decode,
                        events=events)
    prefix = "newscrawl/extract/parse/"
    return {key[len(prefix):]: n for key, n in sorted(events.items()) if key.startswith(prefix)}


def _uses_extract_article() -> bool:
    import inspect

    return "extract_article(" in inspect.getsource(newscrawl_extract).split('"""')[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Extraction cost and accuracy against trafilatura and newspaper4k.")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--padded-kb", type=float, default=100,
                        help="also on the pages padded to this many KB with the live portal's chrome (0: not)")
    args = parser.parse_args(argv)
    result = bench_extraction(args.rounds, padded_kb=args.padded_kb, log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
