"""Discovery of article URLs from feeds, sitemaps and robots.txt: pure parsers first, no Scrapy import here."""

from newscrawl.discovery.entries import Entry, ParseResult
from newscrawl.discovery.feeds import parse_feed
from newscrawl.discovery.sitemaps import parse_sitemap, sitemaps_from_robots

__all__ = ["Entry", "ParseResult", "parse_feed", "parse_sitemap", "sitemaps_from_robots"]
