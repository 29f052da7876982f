"""Add-on switched on by ``NEWSCRAWL_FEED_URI`` (issue 5): not built yet, so it leaves the settings as they are."""

from __future__ import annotations


class FeedsAddon:
    def update_settings(self, settings) -> None:
        return None
