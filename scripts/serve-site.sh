#!/usr/bin/env bash
# Serve the offline copy of the site (tests/site/) on http://127.0.0.1:${PORT:-8000} until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -m tests.site.server --host 127.0.0.1 --port "${PORT:-8000}"
