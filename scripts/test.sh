#!/usr/bin/env bash
# Set up and run the tests: ./scripts/test.sh [pytest options]
# Installs Debian's redis-server when missing (the distributed-crawl tests start their own), makes .venv
# with requirements-dev.txt, then runs pytest. The tests start every server they use on loopback:
# the offline site, redis-server, moto's S3 server and a Splash-API stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v redis-server >/dev/null 2>&1; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi
source scripts/venv.sh requirements-dev.txt
set +e
"$VENV/bin/python" -m pytest "$@"
status=$?
set -e
if [ "$status" -eq 5 ]; then
  echo "pytest collected no tests: that is a failure" >&2
fi
exit "$status"
