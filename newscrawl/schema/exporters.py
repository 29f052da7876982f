"""Feed exporters that write items in the shape NEWSCRAWL_ITEM_SCHEMA names.

- ``default``: this project's fields, in ``FEED_EXPORT_FIELDS`` order (Scrapy's exporters as they are).
- ``zyte``: each item converted by :func:`newscrawl.schema.zyte.to_zyte`; the feed's field list does not
  apply (the zyte ``Article`` has its own).

CSV cells never hold a Python repr: lists, dicts and booleans are JSON text (UTF-8, Arabic unescaped),
``None`` an empty cell. Any other value of NEWSCRAWL_ITEM_SCHEMA is refused before the crawl starts (the
crawl command checks :func:`item_schema`: one line naming the variable and the values it takes, exit code
2); the exporters raise :class:`ItemSchemaError` too, for a feed opened some other way.
"""

from __future__ import annotations

import json
from typing import Any

import attrs
from scrapy.exporters import CsvItemExporter as ScrapyCsvItemExporter
from scrapy.exporters import JsonLinesItemExporter as ScrapyJsonLinesItemExporter

SCHEMAS = ("default", "zyte")


class ItemSchemaError(ValueError):
    pass


def item_schema(settings) -> str:
    schema = str(settings.get("NEWSCRAWL_ITEM_SCHEMA") or "default").strip().lower()
    if schema not in SCHEMAS:
        raise ItemSchemaError(f"NEWSCRAWL_ITEM_SCHEMA={schema!r}: expected one of {', '.join(SCHEMAS)}")
    return schema


def zyte_fields() -> list[str]:
    from zyte_common_items import Article as ZyteArticle

    from newscrawl.schema.zyte import EXTRA_KEY

    return [f.name for f in attrs.fields(ZyteArticle)] + [EXTRA_KEY]


def json_cell(value: Any) -> Any:
    """A CSV cell: JSON text for lists, dicts and booleans, the value itself otherwise."""
    if isinstance(value, (list, tuple, dict, bool)):
        return json.dumps(value, ensure_ascii=False)
    return value


class _SchemaMixin:
    schema = "default"

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        exporter = cls(*args, **kwargs)
        exporter.schema = item_schema(crawler.settings)
        if exporter.schema == "zyte":
            exporter.fields_to_export = exporter.zyte_fields_to_export()
        return exporter

    def zyte_fields_to_export(self):
        return None

    def shaped(self, item: Any) -> Any:
        if self.schema == "zyte":
            from newscrawl.schema.zyte import to_zyte

            return to_zyte(item)
        return item


class JsonLinesItemExporter(_SchemaMixin, ScrapyJsonLinesItemExporter):
    def export_item(self, item: Any) -> None:
        super().export_item(self.shaped(item))


class CsvItemExporter(_SchemaMixin, ScrapyCsvItemExporter):
    def zyte_fields_to_export(self):
        return zyte_fields()

    def export_item(self, item: Any) -> None:
        super().export_item(self.shaped(item))

    def serialize_field(self, field, name: str, value: Any) -> Any:
        serializer = field.get("serializer", json_cell)
        return serializer(value)
