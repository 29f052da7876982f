#!/usr/bin/env bash
# Set up (first run) and crawl: ./scripts/crawl.sh [scrapy crawl options], e.g.
#   ./scripts/crawl.sh                                     the live site, feed under ./feeds/
#   ./scripts/crawl.sh -a base_url=http://127.0.0.1:8000   a copy of the site (./scripts/serve-site.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh requirements.txt
exec "$VENV/bin/scrapy" crawl albawabh "$@"
