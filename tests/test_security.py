"""Security: only the allowed site is fetched, responses are capped, no credential leaks, no root in the image.

Requests are counted at the servers, not inferred from the crawler's logs: the offline site serves the
``security`` fault preset (tests/site/server.py) and a second copy of the site on another loopback host
(127.0.0.2) plays "another domain". The home page links it (article-looking links, a section, its RSS),
one article redirects to it, another redirects into robots-disallowed ``/admin/``; robots.txt also
disallows one article and one section that the home page links; two pages answer 10 MB.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_crawl

SECRET = f"newscrawl-secret-{uuid.uuid4().hex}"
SESSION_TOKEN = f"newscrawl-token-{uuid.uuid4().hex}"
ACCESS_KEY = "AKIANEWSCRAWLSEC0001"
# What a page of the site is, for the crawler: home, articles, section listings and robots.txt.
# The site's pages, feeds and sitemaps (SITE.md): what the crawl may ask for.
SITE_PAGES = re.compile(r"^(?:/|/robots\.txt|/\d{6,}|/category/\d+(?:\?page=\d+)?|/rss\.xml|/rss/section/\d+"
                        r"|/sitemaps\.xml|/sitemap-news\.xml)$")


def crawl_stats(log: str) -> dict[str, int]:
    block = log.split("Dumping Scrapy stats:", 1)[-1]
    return {key: int(value) for key, value in re.findall(r"^[{ ]'([^']+)': (\d+)[,}]?$", block, re.MULTILINE)}


@pytest.fixture(scope="module")
def other_domain():
    from tests.site.server import serve

    try:
        server, _, _ = serve(host="127.0.0.2")
    except OSError:
        pytest.skip("127.0.0.2 cannot be bound here: no second host to count requests at")
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def crawl(tmp_path_factory, other_domain):
    from tests.site.server import serve

    server, _, base_url = serve(faults="security", offsite_base=other_domain.base_url)
    tmp = tmp_path_factory.mktemp("security")
    try:
        # DEBUG: the most the crawler ever logs. The AWS variables change nothing without a remote feed.
        result = run_crawl(tmp, "-a", f"base_url={base_url}", "-s", "LOG_LEVEL=DEBUG",
                           env={"NEWSCRAWL_STATE": str(tmp / "state.sqlite3"), "AWS_ACCESS_KEY_ID": ACCESS_KEY,
                                "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_SESSION_TOKEN": SESSION_TOKEN})
        result.server = server
        result.hits = server.hits
        result.stats = crawl_stats(result.log)
        result.tmp = tmp
        return result
    finally:
        server.shutdown()
        server.server_close()


def targets(result, kind: str) -> list[str]:
    return [fault.target for fault in result.server.fault_list if fault.kind == kind]


def test_the_crawl_ran(crawl, expected):
    assert {item["article_id"] for item in crawl.items} == {a["article_id"] for a in expected["articles"]}


def test_nothing_outside_the_allowed_site_is_requested(crawl, other_domain):
    assert other_domain.hits == {}
    assert crawl.stats.get("offsite/filtered", 0) >= 1  # the redirect to the other host, refused
    assert not any(key.startswith("downloader/exception_type_count/scrapy.exceptions.CannotResolveHost")
                   for key in crawl.stats)


def test_only_pages_of_the_site_are_requested(crawl):
    fault_pages = {target for target in crawl.server.faults if "?" not in target}
    assert {t: n for t, n in crawl.hits.items() if not SITE_PAGES.match(t) and t not in fault_pages} == {}


def test_robots_disallowed_paths_are_never_requested(crawl):
    disallowed = targets(crawl, "robots_disallowed")
    assert len(disallowed) == 2
    for target in disallowed:
        assert crawl.hits.get(target, 0) == 0, target
    assert [t for t in crawl.hits if t.startswith(("/admin", "/search"))] == []
    (redirect,) = targets(crawl, "disallowed_redirect")
    assert crawl.hits.get(redirect) == 1  # it was asked for; where it pointed was not
    assert crawl.stats.get("robotstxt/forbidden", 0) == 3  # the article, the section, the redirect into /admin/


def test_responses_are_capped_at_8_mib(crawl):
    for target in targets(crawl, "huge") + targets(crawl, "huge_unsized"):
        assert crawl.hits.get(target) == 1, target  # cut off, not retried
    assert crawl.stats.get("downloader/exception_type_count/scrapy.exceptions.DownloadCancelledError") == 2
    assert "larger than download max size (8388608)" in crawl.log
    assert crawl.stats.get("downloader/response_bytes", 0) < 8 * 1024 * 1024


def test_no_credential_appears_in_logs_stats_feeds_or_state(crawl):
    files = [path for path in crawl.tmp.rglob("*") if path.is_file()]
    assert any(path.suffix == ".jsonl" for path in files), "no feed file was written"
    assert any(path.name.startswith("state.sqlite3") for path in files), "no state was written"
    for needle in (SECRET, SESSION_TOKEN, ACCESS_KEY):
        assert needle not in crawl.log  # the stats are dumped into it
        for path in files:
            assert needle.encode() not in path.read_bytes(), path.name


def test_a_base_url_with_credentials_is_refused_without_echoing_them(site, tmp_path):
    """Accepted, the crawl could not fetch anything and would log the password in every error line."""
    password = f"pw-{uuid.uuid4().hex}"
    url = site.base_url.replace("http://", f"http://crawler:{password}@")
    result = run_crawl(tmp_path, "-a", f"base_url={url}", env={"NEWSCRAWL_STATE": "off"})
    assert result.returncode == 2
    assert "base_url" in result.log
    assert password not in result.log


# -- the container -------------------------------------------------------------------------------------
def dockerfile_instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of a Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = [line.strip() for line in text.splitlines()]
    return [(parts[0].upper(), parts[1] if len(parts) > 1 else "") for line in lines
            if line and not line.startswith("#") and (parts := line.split(None, 1))]


def final_stage(instructions: list[tuple[str, str]]) -> list[tuple[str, str]]:
    starts = [i for i, (name, _) in enumerate(instructions) if name == "FROM"]
    return instructions[starts[-1]:] if starts else instructions


def test_the_container_runs_as_a_non_root_user():
    stage = final_stage(dockerfile_instructions(ROOT / "Dockerfile"))
    users = [args.split()[0] for name, args in stage if name == "USER"]
    assert users, "the final stage sets no USER: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), users[-1]
    group = users[-1].split(":")[1] if ":" in users[-1] else None
    assert group not in ("root", "0"), users[-1]


def test_the_crawler_receives_the_stop_signal_itself():
    """``docker stop`` signals PID 1: an exec-form ENTRYPOINT makes that Scrapy (a shell would swallow the
    SIGTERM, and the crawl would be killed outright after the grace period, as by a second SIGTERM)."""
    stage = final_stage(dockerfile_instructions(ROOT / "Dockerfile"))
    entrypoints = [args for name, args in stage if name == "ENTRYPOINT"]
    assert entrypoints
    assert isinstance(json.loads(entrypoints[-1]), list), entrypoints[-1]
    stop_signals = [args for name, args in stage if name == "STOPSIGNAL"]
    assert not stop_signals or stop_signals[-1] in ("SIGTERM", "SIGINT", "15", "2")
