"""``NEWSCRAWL_REPORT_FILE``: the run as one JSON document, the file a scheduler reads after a run.

Written atomically (a temporary file in the same directory, fsynced, then renamed over the old one), so
a reader sees the previous report or this one, never half of one. Every string has passed the scrubber.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from newscrawl.ops.run import RunFacts, Scrubber, figures, iso, parse_check

REPORT_VERSION = 1


def report_document(facts: RunFacts, scrub: Scrubber) -> dict[str, Any]:
    stats = {key: value for key, value in sorted(facts.stats.items())}
    document = {
        "report_version": REPORT_VERSION,
        "spider": facts.spider,
        "run_id": facts.run_id,
        "status": "ok" if facts.ok else "failed",
        "exit_code": facts.exit_code,
        "reasons": facts.reasons,
        "started_at": iso(facts.started_at),
        "finished_at": iso(facts.finished_at),
        "duration_seconds": facts.duration_seconds,
        "arguments": facts.arguments,
        "figures": figures(facts.stats),
        "checks": {
            "enabled": facts.health_enabled,
            "failed": [parse_check(message) for message in facts.failed_checks],
        },
        "feeds": facts.feeds,
        "summary": facts.summary,
        "stats": stats,
    }
    return scrub(document)


def write_atomically(path: str | Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(handle, 0o666 & ~umask)  # mkstemp makes 0600; a report is read by others, like the metrics file
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_report(path: str | Path, document: dict[str, Any]) -> None:
    write_atomically(path, json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n")
