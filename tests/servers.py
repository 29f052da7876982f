"""Real servers for the tests, each on a free loopback port: moto's S3 API server and redis-server.

``start_moto()`` and ``start_redis()`` are context managers; ``moto_s3`` and ``redis_server`` are the
module-scoped fixtures built on them (import them into a test module to use them). A server that cannot
start raises with its own output; a missing ``redis-server`` binary skips the test (``scripts/test.sh``
installs it from Debian).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

LOOPBACK = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent

# Credentials for moto: any value works. The secret is unusual so a test can look for it in the output.
MOTO_ACCESS_KEY = "AKIANEWSCRAWLTEST0001"
MOTO_SECRET_KEY = "newscrawl-moto-secret-6a0f3c9e-not-a-real-key"
MOTO_REGION = "us-east-1"


def free_port() -> int:
    """A TCP port free on loopback right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def closed_port() -> int:
    """A loopback port nothing listens on: connections are refused at once."""
    return free_port()


def _wait_until(ready, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}:\n{output}")
        try:
            if ready():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{process.args[0]} did not start within {timeout}s:\n{log.read_text(errors='replace')}")


@contextmanager
def _process(args: list[str], ready, *, timeout: float = 30.0) -> Iterator[subprocess.Popen]:
    with tempfile.TemporaryDirectory(prefix="newscrawl-server-") as tmp:
        log = Path(tmp) / "server.log"
        with log.open("wb") as out:
            process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=tmp)
        try:
            _wait_until(ready, process, log, timeout)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# -- S3 (moto) ------------------------------------------------------------------------------------------
@dataclass
class MotoServer:
    endpoint_url: str

    def env(self) -> dict[str, str]:
        """The standard AWS variables that point boto3 (and so the crawler) at this server."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": MOTO_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": MOTO_SECRET_KEY,
            "AWS_DEFAULT_REGION": MOTO_REGION,
        }

    def client(self):
        import boto3

        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, aws_access_key_id=MOTO_ACCESS_KEY,
            aws_secret_access_key=MOTO_SECRET_KEY, region_name=MOTO_REGION,
        )

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def objects(self, bucket: str, prefix: str = "") -> dict[str, bytes]:
        """Every object under ``prefix``: key -> body bytes."""
        client = self.client()
        found = {}
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
            for entry in page.get("Contents", []):
                found[entry["Key"]] = client.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read()
        return found


@contextmanager
def start_moto() -> Iterator[MotoServer]:
    """moto's standalone S3 API server (``moto_server``) on a free loopback port."""
    executable = VENV_BIN / "moto_server"
    if not executable.exists():
        executable = Path(shutil.which("moto_server") or "moto_server")
    port = free_port()
    endpoint = f"http://{LOOPBACK}:{port}"

    def ready() -> bool:
        with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200

    with _process([str(executable), "-H", LOOPBACK, "-p", str(port)], ready):
        yield MotoServer(endpoint)


# -- Redis ----------------------------------------------------------------------------------------------
@dataclass
class RedisServer:
    url: str

    def client(self):
        import redis

        return redis.Redis.from_url(self.url)


@contextmanager
def start_redis() -> Iterator[RedisServer]:
    """A throwaway ``redis-server`` on a free loopback port: no persistence, no config file."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not installed (scripts/test.sh installs it from Debian)")
    port = free_port()
    url = f"redis://{LOOPBACK}:{port}/0"

    def ready() -> bool:
        with socket.create_connection((LOOPBACK, port), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    args = [executable, "--bind", LOOPBACK, "--port", str(port), "--save", "", "--appendonly", "no",
            "--protected-mode", "yes"]
    with _process(args, ready):
        yield RedisServer(url)


@pytest.fixture(scope="module")
def moto_s3() -> Iterator[MotoServer]:
    with start_moto() as server:
        yield server


@pytest.fixture(scope="module")
def redis_server() -> Iterator[RedisServer]:
    with start_redis() as server:
        yield server


def without_aws_env() -> dict[str, str]:
    """This process's environment without any AWS variable, so a developer's own never leak into a test."""
    return {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
