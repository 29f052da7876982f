# newscrawl: `docker build -t newscrawl .` then `docker run --rm -v newscrawl-data:/data newscrawl`
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    NEWSCRAWL_FEED_DIR=/data/feeds \
    NEWSCRAWL_STATE=/data/state/newscrawl.sqlite3

# A non-root user owns the data volume and nothing else.
RUN groupadd --system --gid 10001 newscrawl \
    && useradd --system --uid 10001 --gid newscrawl --home-dir /app --no-create-home --shell /usr/sbin/nologin newscrawl \
    && mkdir -p /data/feeds /data/state \
    && chown -R newscrawl:newscrawl /data

WORKDIR /app

# Dependencies first: a code change does not reinstall them. tzdata (Africa/Cairo) comes from PyPI.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

COPY scrapy.cfg ./
COPY newscrawl ./newscrawl

USER 10001:10001
VOLUME ["/data"]
ENTRYPOINT ["scrapy"]
CMD ["crawl", "albawabh"]
