"""Rendering through Splash (issue 6): not built yet, so requests are fetched as they are."""

from __future__ import annotations


def render_request(request, settings):
    return request
