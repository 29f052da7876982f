#!/usr/bin/env bash
# Serve the offline copy of the site (tests/site/) on loopback until Ctrl-C:
#   ./scripts/serve-site.sh                 http://127.0.0.1:8000
#   ./scripts/serve-site.sh --port 8001     another port (PORT=8001 ./scripts/serve-site.sh does the same)
# Any other option of the server is passed on (--edition update, --faults standard, --verbose...; see
# tests/site/README.md). An option given here wins over PORT. Only the standard library is needed: the
# project's .venv is used when it exists, else python3.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${PYTHON:-}" ]; then
  PYTHON=python3
  [ -x .venv/bin/python ] && PYTHON=.venv/bin/python
fi
exec "$PYTHON" -m tests.site.server --host 127.0.0.1 --port "${PORT:-8000}" "$@"
