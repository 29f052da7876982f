"""Every command in the README's and docs/'s ``sh`` code blocks, run as a user would run it on a fresh clone.

Each block runs in its own temporary copy of the repository (its ``.venv`` a link to this one; ``PATH``
without the virtual environment, so a command missing its ``.venv/bin/`` prefix fails), in order, with the
``export`` lines before it in the same block. Commands are run as written, except:

- a crawl of the live site crawls the offline copy on loopback instead (``-a base_url=``, a ``base_url``
  of ``127.0.0.1:8000`` pointed at it) with the politeness delays off;
- ``127.0.0.1:6379`` is a throwaway redis-server, ``YOUR-BUCKET`` a bucket on moto's S3 server;
- ``./scripts/serve-site.sh`` (which runs until Ctrl-C) is started, asked for a page and stopped;
- ``./scripts/test.sh`` runs one small test module, not the suite this test belongs to.

The rest is skipped with its reason: Docker, Kubernetes, Splash, package installs and the minutes-long
benchmarks. A command that exits non-zero fails the test named after its file and line.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.servers import free_port, start_moto, start_redis

VENV = Path(sys.executable).parent.parent
DOC_FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FAST = "-s DOWNLOAD_DELAY=0 -s AUTOTHROTTLE_ENABLED=False"
CRAWL = re.compile(r"(\./scripts/crawl\.sh|\.venv/bin/scrapy crawl albawabh)")
SKIPS = [  # (pattern, reason), first match wins
    (re.compile(r"\bdocker\b"), "needs a Docker engine"),
    (re.compile(r"\bkubectl\b"), "needs a Kubernetes cluster"),
    (re.compile(r"SPLASH_URL="), "needs a Splash server (tests/test_splash.py covers rendering)"),
    (re.compile(r"\bpip install\b"), "installs packages"),
    (re.compile(r"-m benchmarks"), "a benchmark of minutes (tests/test_benchmarks_smoke.py runs it small)"),
]


@dataclass
class Command:
    path: Path
    line: int
    block: int
    text: str
    exports: tuple[str, ...]

    @property
    def id(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def skip_reason(self) -> str | None:
        return next((reason for pattern, reason in SKIPS if pattern.search(self.text)), None)


def strip_comment(line: str) -> str:
    """``line`` without a trailing ``# comment`` (a ``#`` after whitespace, outside quotes)."""
    quote = None
    for i, char in enumerate(line):
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i].rstrip()
    return line.rstrip()


def sh_blocks(path: Path) -> list[tuple[int, list[str]]]:
    """``(first line number, lines)`` of each ```sh block."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if current is None and line.strip() == "```sh":
            current, start = [], number + 1
        elif current is not None and line.strip() == "```":
            blocks.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
    return blocks


def commands(path: Path) -> list[Command]:
    """The logical commands of ``path``'s sh blocks: continuation lines joined, ``for ... done`` kept whole."""
    found = []
    for block, (start, lines) in enumerate(sh_blocks(path)):
        exports: list[str] = []
        pending, first = "", 0
        for offset, raw in enumerate(lines):
            line = strip_comment(raw)
            if not line.strip() and not pending:
                continue
            if not pending:
                first = start + offset
            if line.endswith("\\"):
                pending += line[:-1] + " "
                continue
            pending += line
            if re.match(r"\s*(for|while)\b", pending) and not re.search(r"\bdone\s*$", pending):
                pending += "\n"
                continue
            text = pending.strip()
            pending = ""
            if text.startswith("export "):
                exports.append(text)
                continue
            if text == "wait" and found and found[-1].path == path and found[-1].block == block:
                found[-1].text += "\nwait"  # waits for the command before it: one shell
                continue
            found.append(Command(path, first, block, text, tuple(exports)))
    return found


ALL = [command for path in DOC_FILES for command in commands(path)]


def test_the_docs_have_commands_and_the_first_screen_has_the_two():
    readme = [command.text for command in ALL if command.path == ROOT / "README.md"]
    assert readme[:2] == ["./scripts/crawl.sh", "./scripts/serve-site.sh"]
    assert "./scripts/test.sh" in readme[:5]
    assert len(ALL) > 20


LOCAL = [c for c in ALL if not re.search(r"\b(docker|kubectl)\b", c.text)]


@pytest.mark.parametrize("text", [c.text for c in LOCAL], ids=[c.id for c in LOCAL])
def test_no_command_relies_on_a_path_it_does_not_have(text):
    """No bare ``scrapy`` or ``python -m newscrawl`` (nothing is on PATH on a fresh clone; a container's
    own ``python`` is fine)."""
    assert not re.search(r"(^|[\s;&|(])(scrapy|python3?|pytest|ruff|pip)\s", text), text


# -- the environment a block runs in ------------------------------------------------------------------
@pytest.fixture(scope="module")
def services():
    """The offline site (the same server ./scripts/serve-site.sh runs), a redis-server and moto's S3."""
    from tests.site.server import serve

    server, _thread, base_url = serve(port=0)
    try:
        with start_redis() as redis, start_moto() as moto:
            moto.create_bucket("readme-bucket")
            yield {"site": base_url, "redis": redis, "moto": moto}
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def checkouts(tmp_path_factory):
    """One fresh copy of the repository per code block (the working tree, as a clone of it would be: no
    git metadata, caches, feeds or state), its ``.venv`` a link to this one."""
    made: dict[tuple[str, int], Path] = {}
    cache = shutil.ignore_patterns(
        ".git", ".venv", "__pycache__", "*.pyc", ".pytest_cache", ".hypothesis", ".ruff_cache"
    )

    def ignore(directory: str, names: list[str]) -> set[str]:
        top = {"feeds", ".state", ".ci"} if Path(directory) == ROOT else set()
        return set(cache(directory, names)) | (top & set(names))

    def checkout(command: Command) -> Path:
        key = (command.id.split(":")[0], command.block)
        if key not in made:
            root = tmp_path_factory.mktemp("clone") / "repo"
            shutil.copytree(ROOT, root, ignore=ignore, symlinks=True)
            (root / ".venv").symlink_to(VENV)
            made[key] = root
        return made[key]

    return checkout


def user_env(services) -> dict[str, str]:
    """A user's shell: this PATH without the virtual environment, no NEWSCRAWL_/AWS_ variable of ours."""
    path = [
        entry
        for entry in os.environ.get("PATH", "/usr/bin:/bin").split(os.pathsep)
        if entry and not Path(entry).resolve().is_relative_to(VENV.resolve())
    ]
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("NEWSCRAWL_", "AWS_", "REDIS_", "SPLASH_", "VIRTUAL_ENV", "PYTHON"))
    }
    return env | {"PATH": os.pathsep.join(path)} | services["moto"].env()


def rewrite(text: str, services) -> str:
    """The command, pointed at the loopback servers."""
    site = services["site"]
    text = text.replace("http://127.0.0.1:8000", site)
    text = text.replace("redis://127.0.0.1:6379/0", services["redis"].url)
    text = text.replace("YOUR-BUCKET", "readme-bucket")

    def crawl(match: re.Match) -> str:
        extra = FAST if "base_url=" in text else f"-a base_url={site} {FAST}"
        return f"{match.group(0)} {extra}"

    return CRAWL.sub(crawl, text)


def serve_site(command: Command, cwd: Path, env: dict[str, str]) -> None:
    """Start ``./scripts/serve-site.sh`` as written (a free port given the documented way), fetch, stop."""
    port = free_port()
    text = command.text
    if "--port" in text:
        text = re.sub(r"--port[ =]\d+", f"--port {port}", text)
    else:
        text = f"PORT={port} {text}"
    process = subprocess.Popen(
        ["bash", "-c", text],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert process.poll() is None, process.stdout.read()
                assert time.monotonic() < deadline, "serve-site.sh did not answer"
                time.sleep(0.2)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
        process.stdout.close()


@pytest.mark.crawl
@pytest.mark.parametrize("command", ALL, ids=[c.id for c in ALL])
def test_command_runs(command, services, checkouts):
    if reason := command.skip_reason():
        pytest.skip(reason)
    cwd = checkouts(command)
    env = user_env(services)
    if command.text.startswith(("./scripts/serve-site.sh", "PORT=")) and "serve-site.sh" in command.text:
        serve_site(command, cwd, env)
        return
    text = rewrite(command.text, services)
    if text == "./scripts/test.sh":
        text = "./scripts/test.sh -q -p no:cacheprovider tests/test_urls.py"
    script = "\n".join(["set -euo pipefail", *(rewrite(e, services) for e in command.exports), text])
    proc = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, f"{command.id}: {text}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    if match := re.search(r"-O (\S+)", text):
        # With the state on, -O holds only what is new since the block's earlier crawls (maybe nothing).
        lines = (cwd / match.group(1)).read_text(encoding="utf-8").splitlines()
        assert all(line.startswith('{"') for line in lines), match.group(1)
        if "NEWSCRAWL_STATE=off" in text:
            assert len(lines) >= 20, f"{match.group(1)}: {len(lines)} articles with the state off"
    if "s3://" in text:
        keys = services["moto"].objects("readme-bucket", "")
        assert all(re.fullmatch(r"newscrawl/albawabh/[^/]+\.jsonl\.gz", key) for key in keys), keys
        emitted = re.search(r"articles emitted (\d+)", proc.stderr)
        assert emitted and (keys or emitted.group(1) == "0"), "a run that emitted articles uploaded nothing"


def links(path: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return [target for target in re.findall(r"\]\(([^)\s]+)\)", text) if "://" not in target]


LINKS = [(path, target) for path in DOC_FILES for target in links(path)]


@pytest.mark.parametrize(("path", "target"), LINKS, ids=[f"{p.relative_to(ROOT)}->{t}" for p, t in LINKS])
def test_relative_links_lead_somewhere(path, target):
    assert (path.parent / target.split("#")[0]).exists(), f"{path.relative_to(ROOT)} links {target}"


def test_every_docs_page_is_linked_from_the_index():
    index = (ROOT / "docs" / "README.md").read_text(encoding="utf-8")
    pages = {path.name for path in (ROOT / "docs").glob("*.md")} - {"README.md"}
    assert pages and not [name for name in pages if f"({name})" not in index]


def test_readme_is_short_and_opens_with_the_two_commands():
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    first_screen = "\n".join(lines[:40])
    assert len(lines) <= 200
    assert "./scripts/crawl.sh" in first_screen and "./scripts/test.sh" in first_screen
    assert "base_url=http://127.0.0.1:8000" in first_screen
