"""Log lines for dropped items name the reason and the URL, not the whole item (bodies are long)."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class NewscrawlLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        result["level"] = logging.WARNING if result["level"] >= logging.WARNING else result["level"]
        return result
