"""newscrawl.dates on real date strings written by others (``tests/fixtures/dates/real_forms.tsv``).

Each line names its source; the expected value was worked out by reading the string (see the folder's
README). A row is right when the value is that instant (compared in UTC), or None where None is expected:
never a wrong date.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from newscrawl.dates import parse_date

NOW = datetime(2023, 11, 22, 15, 0, tzinfo=ZoneInfo("Africa/Cairo"))
FIXTURE = Path(__file__).parent / "fixtures" / "dates" / "real_forms.tsv"


def _rows():
    rows = []
    for number, line in enumerate(FIXTURE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        raw, expected, source = line.split("\t")
        rows.append(pytest.param(raw, None if expected == "None" else expected, id=f"{number}-{source[:40]}"))
    return rows


ROWS = _rows()


def test_fixture_names_a_source_on_every_line():
    assert len(ROWS) >= 45
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            assert len(line.split("\t")) == 3 and line.split("\t")[2].strip(), line


@pytest.mark.parametrize(("raw", "expected"), ROWS)
def test_real_form(raw, expected):
    value = parse_date(raw, now=NOW)
    if expected is None:
        assert value is None, value
    else:
        assert value is not None, raw
        assert value.astimezone(UTC) == datetime.fromisoformat(expected).astimezone(UTC)
        assert value.isoformat() == expected  # and shown with the offset in force in Cairo then
