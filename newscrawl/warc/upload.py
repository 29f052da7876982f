"""Copies of the finished WARC files in S3 (``NEWSCRAWL_WARC_URI=s3://bucket/prefix/``).

boto3 reads the credentials, region and endpoint from the environment (``AWS_ACCESS_KEY_ID``,
``AWS_SECRET_ACCESS_KEY``, ``AWS_DEFAULT_REGION``, ``AWS_ENDPOINT_URL``), as for the feeds. The object key
is the prefix followed by the file's name. The local file is never removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newscrawl.feeds.plan import split_remote_uri


class WarcSettingsError(ValueError):
    pass


@dataclass(frozen=True)
class S3Target:
    bucket: str
    prefix: str

    @classmethod
    def parse(cls, uri: str) -> S3Target:
        """``s3://bucket/prefix/``; :class:`WarcSettingsError` when ``uri`` cannot be one."""
        parts = split_remote_uri(uri, "NEWSCRAWL_WARC_URI", WarcSettingsError)
        if parts.scheme != "s3" or not parts.hostname:
            raise WarcSettingsError(f"NEWSCRAWL_WARC_URI must be s3://bucket/prefix/, not {uri!r}")
        if parts.query or parts.fragment:
            raise WarcSettingsError("NEWSCRAWL_WARC_URI takes no query or fragment: s3://bucket/prefix/")
        prefix = parts.path.lstrip("/")
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return cls(bucket=parts.hostname, prefix=prefix)

    def key(self, path: Path) -> str:
        return self.prefix + path.name

    def uri(self, path: Path) -> str:
        return f"s3://{self.bucket}/{self.key(path)}"


class S3Uploader:
    def __init__(self, target: S3Target):
        self.target = target
        self._client = None

    def client(self):
        if self._client is None:
            import boto3

            self._client = boto3.session.Session().client("s3")
        return self._client

    def upload(self, path: Path) -> str:
        """Upload ``path`` (blocking: run it in a thread); return its URI. Raises on failure."""
        self.client().upload_file(str(path), self.target.bucket, self.target.key(path))
        return self.target.uri(path)


def check_warc_settings(settings) -> None:
    """Raise :class:`WarcSettingsError` when the raw-capture settings cannot work (the crawl exits 2)."""
    directory = settings.get("NEWSCRAWL_WARC_DIR")
    uri = settings.get("NEWSCRAWL_WARC_URI")
    if uri and not directory:
        raise WarcSettingsError("NEWSCRAWL_WARC_URI needs NEWSCRAWL_WARC_DIR: files are written locally first")
    if not directory:
        return
    max_bytes = settings.getint("NEWSCRAWL_WARC_MAX_BYTES", 1_000_000_000)
    if max_bytes <= 0:
        raise WarcSettingsError(f"NEWSCRAWL_WARC_MAX_BYTES must be a positive number of bytes, not {max_bytes}")
    if uri:
        S3Target.parse(uri)
