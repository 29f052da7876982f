"""A loopback server speaking Splash's HTTP API, for tests: no browser, no Docker.

It answers the way Splash 3.x does (docs/api.rst, splash/resources.py and splash/render_options.py in
scrapinghub/splash) for what newscrawl sends it:

- ``GET /render.html?url=...`` and ``POST /render.html`` with a JSON body (``Content-Type:
  application/json``): arguments ``url`` (required), ``wait``, ``timeout``, ``images``, ``headers`` (POST
  only), ``http_method``, ``body``, ``baseurl``, ``resource_timeout``, ``viewport``. The page is fetched
  over loopback with urllib (the ``headers`` argument forwarded, as Splash sends it with the first
  request), then the server waits ``wait`` seconds and answers ``200 text/html; charset=utf-8`` with the
  page as a browser would serialize its DOM (parsed and written back by lxml, always UTF-8). Like Splash's
  render.html it answers 200 with the HTML of a 404 or 500 page too (scrapinghub/splash#716).
- Errors are Splash's JSON ``{"error": <status>, "type": ..., "description": ..., "info": ...}``:

  - 400 ``BadOption`` for a missing or malformed argument (``info.type`` ``argument_required`` or
    ``bad_argument``; ``invalid_json`` for a body that is not JSON);
  - 415 ``UnsupportedContentType`` for a POST that is neither JSON nor JavaScript;
  - 502 ``RenderError`` when the page cannot be loaded (``info``: ``type`` "Network", the Qt network
    error ``code``, ``text``, ``url``);
  - 504 ``GlobalTimeoutError`` when loading plus ``wait`` exceeds ``timeout`` (``info``: ``{"timeout": t}``).
- ``GET /_ping`` answers ``{"status": "ok", "maxrss": ...}``.

``server.renders`` counts renders per ``url`` argument and ``server.calls`` keeps every call's arguments,
for tests to see what went through "Splash" and what did not. Start it with :func:`serve`.
"""

from __future__ import annotations

import gzip
import json
import re
import resource
import socket
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import lxml.html

DEFAULT_TIMEOUT = 30.0  # splash/defaults.py
MAX_TIMEOUT = 90.0  # Splash's --max-timeout default
DOCTYPE = re.compile(r"\s*<!doctype[^>]*>", re.IGNORECASE)
HOP_BY_HOP = {"accept-encoding", "connection", "host", "content-length", "transfer-encoding", "keep-alive"}

# QNetworkReply::NetworkError codes, as Splash reports them in a RenderError's info.
NETWORK_ERRORS = {ConnectionRefusedError: (1, "Connection refused"), socket.gaierror: (3, "Host not found"),
                  ConnectionResetError: (2, "Remote host closed the connection")}


class BadOption(Exception):
    """Incorrect HTTP API arguments"""


class RenderError(Exception):
    """Error rendering page"""


class GlobalTimeoutError(Exception):
    """Timeout exceeded rendering page"""


class UnsupportedContentType(Exception):
    """Request Content-Type is not supported"""


ERROR_STATUS = {BadOption: 400, UnsupportedContentType: 415, RenderError: 502, GlobalTimeoutError: 504}


def error_body(exc: Exception) -> dict:
    """Splash's error JSON for ``exc`` (splash/resources.py, ``_write_error``)."""
    return {"error": ERROR_STATUS[type(exc)], "type": type(exc).__name__,
            "description": (type(exc).__doc__ or "").strip(), "info": exc.args[0] if exc.args else None}


class RenderOptions:
    """Argument checks as in splash/render_options.py."""

    def __init__(self, data: dict):
        self.data = data

    def get(self, name: str, default=..., type_=str, range_=None):
        value = self.data.get(name)
        if value is None:
            if default is ...:
                raise BadOption({"type": "argument_required", "argument": name,
                                 "description": f"Required argument is missing: {name}"})
            return default
        if type_ is not None:
            try:
                value = type_(value)
            except (TypeError, ValueError):
                raise BadOption({"type": "bad_argument", "argument": name,
                                 "description": f"Argument {name!r} has a wrong type",
                                 "required_type": type_.__name__}) from None
        if range_ is not None and not range_[0] <= value <= range_[1]:
            raise BadOption({"type": "bad_argument", "argument": name,
                             "description": "Argument is out of the allowed range",
                             "min": range_[0], "max": range_[1], "value": value})
        return value

    def params(self) -> dict:
        timeout = self.get("timeout", DEFAULT_TIMEOUT, float, (0, MAX_TIMEOUT))
        params = {
            "url": self.get("url", type_=None),
            "timeout": timeout,
            "wait": self.get("wait", 0.0, float, (0, timeout)),
            "images": self.get("images", 1, int, (0, 1)),
            "resource_timeout": self.get("resource_timeout", 0.0, float, (0, 1e6)),
            "baseurl": self.get("baseurl", None, None),
            "http_method": self.get("http_method", "GET"),
            "body": self.get("body", None, None),
            "headers": self.get("headers", None, None),
        }
        if params["http_method"].upper() not in ("GET", "POST"):
            raise BadOption({"type": "bad_argument", "argument": "http_method",
                             "description": f"Unsupported HTTP method {params['http_method']}"})
        headers = params["headers"]
        if headers is not None and not isinstance(headers, (dict, list)):
            raise BadOption({"type": "bad_argument", "argument": "headers",
                             "description": "'headers' must be either a JSON array of (name, value) pairs or a "
                                            "JSON object"})
        return params


class SplashHandler(BaseHTTPRequestHandler):
    server: SplashServer
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - quiet
        return None

    def do_GET(self):
        self._dispatch(dict(parse_qsl(urlsplit(self.path).query)))

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        content_type = self.headers.get("Content-Type", "")
        data = dict(parse_qsl(urlsplit(self.path).query))
        try:
            if "application/json" in content_type:
                try:
                    data.update(json.loads(raw.decode("utf-8") or "{}"))
                except ValueError as exc:
                    raise BadOption({"type": "invalid_json", "description": "Can't decode JSON",
                                     "message": str(exc)}) from None
            elif "application/javascript" in content_type:
                data["js_source"] = raw.decode("utf-8")
            else:
                raise UnsupportedContentType({"supported": ["application/javascript", "application/json"],
                                              "received": content_type})
        except (BadOption, UnsupportedContentType) as exc:
            self._send_error(exc)
            return
        self._dispatch(data)

    def _dispatch(self, data: dict) -> None:
        path = urlsplit(self.path).path
        if path == "/_ping":
            self._send(200, "application/json",
                       json.dumps({"status": "ok", "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
        elif path == "/render.html":
            self.server.record(self.command, data)
            try:
                html = self.server.render(RenderOptions(data).params())
            except (BadOption, RenderError, GlobalTimeoutError) as exc:
                self._send_error(exc)
            else:
                self._send(200, "text/html; charset=utf-8", html)
        else:
            self._send(404, "text/html", "<html><head><title>404 - No Such Resource</title></head></html>")

    def _send_error(self, exc: Exception) -> None:
        self._send(ERROR_STATUS[type(exc)], "application/json", json.dumps(error_body(exc)))

    def _send(self, status: int, content_type: str, text: str) -> None:
        body = text.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class SplashServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address):
        super().__init__(address, SplashHandler)
        self.renders: Counter[str] = Counter()
        self.calls: list[dict] = []
        self._lock = threading.Lock()

    def record(self, method: str, data: dict) -> None:
        with self._lock:
            self.calls.append({"method": method, **data})
            if data.get("url"):
                self.renders[data["url"]] += 1

    def render(self, params: dict) -> str:
        started = time.monotonic()
        limit = params["timeout"] + params["wait"]
        request = urllib.request.Request(params["url"], method=params["http_method"].upper(),
                                         data=params["body"].encode("utf-8") if params["body"] else None)
        headers = params["headers"] or {}
        for name, value in headers.items() if isinstance(headers, dict) else headers:
            if name.lower() not in HOP_BY_HOP:
                request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=limit) as answer:
                raw, encoding, charset = answer.read(), answer.headers.get("Content-Encoding"), \
                    answer.headers.get_content_charset()
        except urllib.error.HTTPError as exc:  # render.html shows error pages like any page
            raw, encoding, charset = exc.read(), exc.headers.get("Content-Encoding"), exc.headers.get_content_charset()
        except TimeoutError:
            raise GlobalTimeoutError({"timeout": params["timeout"]}) from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise GlobalTimeoutError({"timeout": params["timeout"]}) from None
            code, text = next(((code, text) for cls, (code, text) in NETWORK_ERRORS.items()
                               if isinstance(reason, cls)), (99, str(reason)))
            raise RenderError({"type": "Network", "code": code, "text": text, "url": params["url"]}) from None
        if encoding == "gzip":
            raw = gzip.decompress(raw)
        remaining = limit - (time.monotonic() - started)
        if params["wait"] > remaining:
            raise GlobalTimeoutError({"timeout": params["timeout"]})
        time.sleep(params["wait"])
        return serialize_dom(raw, charset)


def serialize_dom(raw: bytes, charset: str | None) -> str:
    """The page as a browser hands back its DOM: parsed, then written out as text (lxml standing in)."""
    if not raw.strip():
        return "<html><head></head><body></body></html>"
    text = raw.decode(charset or "utf-8", errors="replace")
    html = lxml.html.tostring(lxml.html.document_fromstring(text), encoding="unicode", method="html")
    doctype = DOCTYPE.match(text)  # lxml invents one when the page has none; a browser keeps the page's
    return f"{doctype.group(0).strip()}\n{html}" if doctype else html


def serve(port: int = 0, host: str = "127.0.0.1"):
    """Start the server in a thread: ``(server, thread, base_url)``; stop with shutdown() and server_close()."""
    server = SplashServer((host, port))
    thread = threading.Thread(target=server.serve_forever, name="splash-server", daemon=True)
    thread.start()
    return server, thread, f"http://{host}:{server.server_address[1]}"


if __name__ == "__main__":  # python -m tests.splash_server [port]
    import sys

    server, thread, url = serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8050)
    print(f"Splash-API test server on {url}", flush=True)
    thread.join()
