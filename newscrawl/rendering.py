"""Rendering through Splash: a plain request becomes a request for Splash's ``/render.html``.

The spider calls :func:`render_request` only for the page kinds named in its ``render`` argument (or the
``NEWSCRAWL_RENDER`` setting) and only when ``SPLASH_URL`` is set (the add-on in
``newscrawl.addons.rendering`` then installs scrapy-splash's middlewares). Everything the spider put on
the request is kept (callback, errback, meta, cb_kwargs, headers, priority), and scrapy-splash answers
with a response whose ``url`` is the page's own URL, so extraction does not know the page was rendered.

Settings (read here, with these defaults):

- ``NEWSCRAWL_SPLASH_WAIT`` (0.5): seconds Splash waits after the page loaded, for scripts such as the
  image lazy-loader to run. Splash caps it at the render timeout.
- ``NEWSCRAWL_SPLASH_TIMEOUT`` (30): seconds Splash may spend on one page; scrapy-splash raises the
  request's ``download_timeout`` to this plus 5 so Scrapy does not give up first. Splash refuses values
  above its ``--max-timeout`` (90 by default) with HTTP 400.

Images are never loaded (``images=0``): the crawler keeps image URLs, not pixels.

What render.html does not give back: the page's HTTP status. Splash answers 200 with the HTML of a 404 or
500 page (scrapinghub/splash#716), so a rendered error page is not retried; the spider drops it as a page
without an article. Render only the page kinds that need it.
"""

from __future__ import annotations

from scrapy import Request

ENDPOINT = "render.html"
DEFAULT_WAIT = 0.5
DEFAULT_TIMEOUT = 30.0


def render_args(settings) -> dict:
    """The Splash arguments of every rendered request (besides ``url``, which scrapy-splash adds)."""
    timeout = settings.getfloat("NEWSCRAWL_SPLASH_TIMEOUT", DEFAULT_TIMEOUT)
    wait = min(settings.getfloat("NEWSCRAWL_SPLASH_WAIT", DEFAULT_WAIT), timeout)
    return {"wait": wait, "timeout": timeout, "images": 0}


def render_request(request: Request, settings) -> Request:
    """``request`` as a SplashRequest for ``/render.html``, everything else about it unchanged."""
    from newscrawl.compat.splash import SplashRequest

    if isinstance(request, SplashRequest):
        return request
    return request.replace(cls=SplashRequest, endpoint=ENDPOINT, args=render_args(settings))
