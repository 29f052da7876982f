"""``python -m newscrawl.split``: JSON Lines out, one-line errors and a non-zero exit for unreadable input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from newscrawl.split import EXIT_UNREADABLE, decode_text, main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "tests" / "fixtures" / "aggregator" / "kremlin-2023-11-22.txt"


def run(*args: str, stdin: bytes | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "newscrawl.split", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture(scope="module")
def seed_run() -> subprocess.CompletedProcess:
    # A C locale must not matter: the output is UTF-8 whatever the terminal says.
    return run(str(SEED), env={"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": ""})


def test_file_exit_code(seed_run):
    assert seed_run.returncode == 0
    assert seed_run.stderr == b""


def test_file_prints_json_lines(seed_run):
    lines = seed_run.stdout.decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [record["title"] for record in records] == [
        "الكرملين: نأسف لعدم مشاركة يريفان في قمة معاهدة الأمن الجماعي في مينسك",
        "مينسك تطلب من موسكو بناء محطة طاقة كهروذرية ثانية",
    ]
    assert records[0]["related"] == [{"title": "مينسك تطلب من موسكو بناء محطة طاقة كهروذرية ثانية"}]


def test_arabic_is_unescaped(seed_run):
    text = seed_run.stdout.decode("utf-8")
    assert "\\u06" not in text
    assert "الكرملين" in text


def test_standard_input():
    result = run("-", stdin=SEED.read_bytes())
    assert result.returncode == 0
    assert len(result.stdout.decode("utf-8").splitlines()) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(b"", "is empty", id="empty"),
        pytest.param(b"  \n\n ", "is empty", id="whitespace-only"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary", id="binary-nul"),
        pytest.param(b"\x01\x02\x03\x04\x05" * 20, "binary", id="binary-control-chars"),
        pytest.param("عنوان\nنص".encode("cp1256"), "not valid UTF-8", id="windows-1256"),
        pytest.param("عنوان".encode("utf-16"), "UTF-16", id="utf-16"),
        pytest.param("تابع أحدث الأخبار عبر تطبيق\n".encode(), "no title", id="only-boilerplate"),
    ],
)
def test_unreadable_input(tmp_path, data, message):
    path = tmp_path / "copy.txt"
    path.write_bytes(data)
    for result in (run(str(path)), run("-", stdin=data)):
        assert result.returncode == EXIT_UNREADABLE
        assert result.stdout == b""
        err = result.stderr.decode("utf-8")
        assert err.count("\n") == 1 and err.endswith("\n")
        assert err.startswith("newscrawl.split: error: ")
        assert message in err
        assert "Traceback" not in err


def test_missing_file(tmp_path):
    result = run(str(tmp_path / "absent.txt"))
    assert result.returncode == EXIT_UNREADABLE
    absent = tmp_path / "absent.txt"
    assert result.stderr.decode() == f"newscrawl.split: error: cannot read {absent}: No such file or directory\n"


def test_directory(tmp_path):
    result = run(str(tmp_path))
    assert result.returncode == EXIT_UNREADABLE
    assert result.stderr.decode().count("\n") == 1


def test_no_argument_is_a_usage_error():
    result = run()
    assert result.returncode == 2
    assert b"usage:" in result.stderr


def test_utf8_bom_is_accepted():
    assert decode_text("\ufeffعنوان".encode(), "x") == "عنوان"


def test_main_in_process(capsysbinary):
    assert main([str(SEED)]) == 0
    out = capsysbinary.readouterr().out.decode("utf-8")
    assert len(out.splitlines()) == 2
