"""The code passes ruff's checks (pyproject.toml: pycodestyle, pyflakes, isort, bugbear, pyupgrade)."""

import subprocess
import sys

from tests.conftest import ROOT


def test_ruff_check_passes():
    proc = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "newscrawl", "tests", "benchmarks"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
