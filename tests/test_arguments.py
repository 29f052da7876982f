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
              "since": "2023-11-22", "other": "kept"}
    args = SpiderArguments.parse(kwargs)
    assert kwargs == {"other": "kept"}
    assert args.base_url == "http://127.0.0.1:8000"
    assert args.sections == ("72", "1")
    assert args.max_pages == 3
    assert args.since == datetime(2023, 11, 22, tzinfo=ZoneInfo("Africa/Cairo"))


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
