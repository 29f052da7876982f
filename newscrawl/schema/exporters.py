"""Feed exporters that write items in the shape NEWSCRAWL_ITEM_SCHEMA names."""

from __future__ import annotations

from scrapy.exporters import CsvItemExporter as ScrapyCsvItemExporter
from scrapy.exporters import JsonLinesItemExporter as ScrapyJsonLinesItemExporter


class JsonLinesItemExporter(ScrapyJsonLinesItemExporter):
    pass


class CsvItemExporter(ScrapyCsvItemExporter):
    pass
