import os
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from newscrawl.arguments import SpiderArgumentError, SpiderArguments
from tests.conftest import ROOT


def test_defaults():
    args = SpiderArguments.parse({})
    assert args.base_url == "https://www.albawabhnews.com"
    assert args.sections == ()
    assert args.since is None


def test_values_are_read_and_removed_from_kwargs():
    kwargs = {"base_url": "http://127.0.0.1:8000/", "sections": "72, 1,72", "max_pages": "3",
              "since": "2023-11-22", "_job": "kept"}
    args = SpiderArguments.parse(kwargs)
    assert kwargs == {"_job": "kept"}
    assert args.base_url == "http://127.0.0.1:8000"
    assert args.sections == ("72", "1")
    assert args.max_pages == 3
    assert args.since == datetime(2023, 11, 22, tzinfo=ZoneInfo("Africa/Cairo"))


def test_window_and_id_range():
    """until is inclusive: a date alone is the whole day; ids are a range START-END."""
    cairo = ZoneInfo("Africa/Cairo")
    kwargs = {"since": "2023-10-20", "until": "2023-10-29", "ids": "4900000-4900500"}
    args = SpiderArguments.parse(kwargs)
    assert kwargs == {}
    assert args.since == datetime(2023, 10, 20, tzinfo=cairo)
    assert args.until == datetime(2023, 10, 29, 23, 59, 59, 999999, tzinfo=cairo)
    assert (args.ids.start, args.ids.end) == (4900000, 4900500)
    assert SpiderArguments.parse({"until": "2023-10-29T12:00+00:00"}).until == datetime(2023, 10, 29, 14, 0,
                                                                                        tzinfo=cairo)


@pytest.mark.parametrize(
    ("name", "value"),
    [("until", "29/10/2023"), ("ids", "4900500-4900000"), ("ids", "12-40"), ("ids", "4900000")],
)
def test_bad_window_or_range_names_the_argument(name, value):
    with pytest.raises(SpiderArgumentError, match=f"invalid spider argument {name}="):
        SpiderArguments.parse({name: value})


def test_until_before_since_is_refused():
    with pytest.raises(SpiderArgumentError, match="until.*before since"):
        SpiderArguments.parse({"since": "2023-10-20", "until": "2023-10-19"})


@pytest.mark.parametrize(
    ("name", "value"),
    [("base_url", "not a url"), ("sections", "world"), ("sections", ","), ("max_pages", "0"),
     ("max_pages", "two"), ("since", "22/11/2023"), ("since", "yesterday")],
)
def test_bad_values_name_the_argument(name, value):
    with pytest.raises(SpiderArgumentError, match=name):
        SpiderArguments.parse({name: value})


@pytest.mark.crawl
def test_scrapy_crawl_refuses_a_bad_argument_in_one_line():
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", "-a", "max_pages=zero"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert lines == ["scrapy crawl albawabh: error: invalid spider argument max_pages='zero': "
                     "expected a whole number of pages, 1 or more"]


@pytest.mark.parametrize(
    ("name", "suggestion"),
    [("section", "sections"), ("maxpages", "max_pages"), ("base-url", "base_url"), ("bogus", None),
     ("untill", "until")],
)
def test_an_unknown_argument_is_refused_by_name(name, suggestion):
    with pytest.raises(SpiderArgumentError) as error:
        SpiderArguments.parse({name: "1"})
    message = str(error.value)
    assert message.startswith(f"unknown spider argument {name!r}")
    assert ("did you mean" in message) == (suggestion is not None)
    if suggestion:
        assert f"(did you mean {suggestion!r}?)" in message
    assert message.endswith("known: base_url, sections, max_pages, since, until, ids, render, discover")


def test_underscore_keys_are_left_to_the_caller():
    """scrapyd passes ``_job`` (and ``_version``) as spider arguments to every spider."""
    kwargs = {"_job": "6487ec79", "_version": "r1"}
    SpiderArguments.parse(kwargs)
    assert kwargs == {"_job": "6487ec79", "_version": "r1"}


@pytest.mark.crawl
@pytest.mark.parametrize(
    ("argument", "line"),
    [
        ("section=72", "scrapy crawl albawabh: error: unknown spider argument 'section' (did you mean 'sections'?); "
                       "known: base_url, sections, max_pages, since, until, ids, render, discover"),
        ("bogus=1", "scrapy crawl albawabh: error: unknown spider argument 'bogus'; "
                    "known: base_url, sections, max_pages, since, until, ids, render, discover"),
        ("untill=2024-01-01", "scrapy crawl albawabh: error: unknown spider argument 'untill' (did you mean "
                              "'until'?); known: base_url, sections, max_pages, since, until, ids, render, discover"),
    ],
)
def test_scrapy_crawl_refuses_an_unknown_argument_in_one_line(tmp_path, argument, line):
    env = {**os.environ, "NEWSCRAWL_FEED_DIR": str(tmp_path / "feeds"), "NEWSCRAWL_STATE": str(tmp_path / "s.db")}
    proc = subprocess.run([sys.executable, "-m", "scrapy", "crawl", "albawabh", "-a", argument],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [line]
    assert not (tmp_path / "feeds").exists() or not any((tmp_path / "feeds").rglob("*.jsonl"))
