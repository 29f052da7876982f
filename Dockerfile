# newscrawl: scheduled crawls of albawabhnews.com.
#   docker build -t newscrawl:latest .
#   docker run --rm -v newscrawl-data:/data --env-file /etc/newscrawl.env newscrawl:latest
# State and feeds live in the /data volume; credentials come from the environment at run time, never
# from the image. See docs/deployment.md.
FROM python:3.11-slim-bookworm

LABEL org.opencontainers.image.title="newscrawl" \
      org.opencontainers.image.description="Scrapy crawler for albawabhnews.com: scheduled, incremental, JSON Lines feeds to disk and S3"

# tzdata: the zone database for the system (TZ, local log times); Python's zoneinfo uses it too, with the
# pinned PyPI tzdata as a fallback. Unpinned on purpose: zone rules change with the distribution's updates,
# and a pinned Debian version disappears from the mirrors when it is superseded.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSCRAWL_FEED_DIR=/data/feeds \
    NEWSCRAWL_STATE=/data/state/newscrawl.sqlite3

# A non-root user that owns the data volume and nothing else. A named volume mounted on /data starts as
# a copy of this directory, owner included; a bind mount must be writable by uid 10001.
RUN groupadd --system --gid 10001 newscrawl \
    && useradd --system --uid 10001 --gid newscrawl --home-dir /app --no-create-home --shell /usr/sbin/nologin newscrawl \
    && mkdir -p /data/feeds /data/state \
    && chown -R newscrawl:newscrawl /data

WORKDIR /app

# Dependencies first, in their own layer: a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY scrapy.cfg ./
COPY newscrawl ./newscrawl

USER 10001:10001
VOLUME ["/data"]
# SIGTERM (docker stop, Kubernetes) stops the crawl gracefully: feeds stored, state committed, exit 1.
STOPSIGNAL SIGTERM
ENTRYPOINT ["scrapy"]
CMD ["crawl", "albawabh"]
