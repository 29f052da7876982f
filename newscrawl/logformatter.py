"""Log lines: a dropped item names the reason and the URL, not the whole item (bodies are long); a download
error names its cause in words (``newscrawl.failures``). Scrapy passes the download error's traceback
beside these lines; the crawl command's ``ReadableFailures`` filter keeps it for DEBUG only."""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter

from newscrawl.failures import describe


class NewscrawlLogFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        result = super().dropped(item, exception, response, spider)
        result["msg"] = "Dropped: %(exception)s"
        result["args"] = {"exception": exception}
        result["level"] = logging.WARNING if result["level"] >= logging.WARNING else result["level"]
        return result

    def download_error(self, failure, request, spider, errmsg=None):
        result = super().download_error(failure, request, spider, errmsg)
        cause = describe(failure.value, request.url) if getattr(failure, "value", None) is not None else None
        cause = cause or errmsg or failure.getErrorMessage()
        result["msg"] = "Error downloading %(request)s: %(cause)s"
        result["args"] = {**result["args"], "cause": cause}
        return result
