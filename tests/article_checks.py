"""Field-by-field comparison of an emitted article with its hand-written expectation (expected.json).

Shared by the extraction tests on saved pages and the end-to-end crawl test, so both judge the same way.
"""

from __future__ import annotations

import re

INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\ufeff]")

# Fields compared for equality, as expected.json spells them.
EXACT_FIELDS = ("url", "article_id", "title", "description", "section", "author", "authors", "published_at",
                "modified_at", "images", "tags", "keywords", "related")


def norm(text: str) -> str:
    return " ".join(INVISIBLE.sub("", text.replace("\u00a0", " ")).split())


def paragraphs(item: dict) -> list[str]:
    return [norm(part) for part in (item.get("body") or "").split("\n\n") if norm(part)]


def check_field(item: dict, expected: dict, name: str, expected_all: dict) -> None:
    """Assert one field (or one body property) of ``item`` against ``expected``."""
    if name in EXACT_FIELDS:
        assert item.get(name) == expected[name], name
    elif name == "body_first":
        assert paragraphs(item)[0] == norm(expected["body_first"])
    elif name == "body_last":
        assert paragraphs(item)[-1] == norm(expected["body_last"])
    elif name == "body_block_count":
        assert len(paragraphs(item)) == expected["body_block_count"]
    elif name == "body_must_contain":
        body = norm(item.get("body") or "")
        for text in expected["body_must_contain"]:
            assert norm(text) in body, text
    elif name == "body_must_not_contain":
        body = norm(item.get("body") or "")
        for text in expected["body_must_not_contain"] + expected_all["body_must_not_contain_all"]:
            assert norm(text) not in body, text
        for entry in expected["related"]:
            assert norm(entry["title"]) not in body, entry["title"]
    elif name == "constants":
        assert (item["source"], item["language"]) == ("البوابة نيوز", "ar")
    else:  # pragma: no cover - a typo in a test's field list
        raise AssertionError(f"unknown field {name}")


CHECKED_FIELDS = (*EXACT_FIELDS, "body_first", "body_last", "body_block_count", "body_must_contain",
                  "body_must_not_contain", "constants")
