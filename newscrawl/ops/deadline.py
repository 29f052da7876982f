"""A total deadline for one outgoing request (the alert POST, the Pushgateway push).

urllib's ``timeout`` bounds each socket operation, not the request: a receiver that sends a byte every
few seconds holds it for ever. :func:`within` runs the request in a daemon thread and waits ``seconds``
for it; past that it raises :class:`TimeoutError` and leaves the thread behind (a daemon thread does not
keep the process alive, and its socket closes when the process exits).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def within(seconds: float, function: Callable[[], T], *, what: str = "the request") -> T:
    """``function()``'s result, or raise its exception, or :class:`TimeoutError` after ``seconds`` in all."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["value"] = function()
        except BaseException as exc:  # noqa: BLE001 (handed back to the caller below)
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="newscrawl-ops-request", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"{what} did not complete within {seconds:g} s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
