#!/usr/bin/env bash
# Set up and run the tests: ./scripts/test.sh [pytest options]
# Installs Debian's redis-server (the distributed-crawl tests start their own) and prometheus-pushgateway
# (the metrics tests start their own; optional, a stand-in replaces it) when missing, makes .venv
# with requirements-dev.txt, then runs pytest. The tests start every server they use on loopback:
# the offline site, redis-server, the Pushgateway, moto's S3 server and a Splash-API stand-in.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v prometheus-pushgateway >/dev/null 2>&1 || missing+=(prometheus-pushgateway)
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq || true
  for package in "${missing[@]}"; do
    # The Pushgateway is optional: without it the metrics tests push to a loopback stand-in.
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "$package" >/dev/null \
      || [ "$package" = prometheus-pushgateway ] || exit 1
  done
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
