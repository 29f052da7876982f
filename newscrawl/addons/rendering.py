"""Add-on switched on by ``SPLASH_URL`` (issue 6): not built yet, so it leaves the settings as they are."""

from __future__ import annotations


class SplashAddon:
    def update_settings(self, settings) -> None:
        return None
