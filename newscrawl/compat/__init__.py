"""Compatibility layers for third-party Scrapy plugins that lag behind the pinned Scrapy.

Each module here fixes one plugin, names the upstream facts behind every fix, and is tested in
``tests/test_<plugin>_compat.py`` so that an upgrade which makes a fix unnecessary, or breaks it,
fails CI instead of failing a crawl.
"""
