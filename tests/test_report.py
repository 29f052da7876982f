"""The run report (NEWSCRAWL_REPORT_FILE): one JSON document per run, written atomically."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from newscrawl.ops.report import write_atomically
from tests.conftest import run_crawl
from tests.test_alerts import drifted_site

ARTICLES = 23  # the offline copy's articles


@pytest.mark.crawl
def test_a_healthy_run_reports_its_arguments_figures_checks_and_feed_files(site, tmp_path):
    report_file = tmp_path / "reports" / "last-run.json"
    result = run_crawl(
        tmp_path,
        "-a",
        f"base_url={site.base_url}",
        env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_REPORT_FILE": str(report_file)},
    )
    assert result.returncode == 0, result.log[-2000:]
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert (report["status"], report["exit_code"], report["reasons"]) == ("ok", 0, [])
    assert report["spider"] == "albawabh"
    assert report["arguments"] == {"base_url": site.base_url}
    assert report["figures"]["articles"] == {"new": ARTICLES, "updated": 0, "deleted": 0}
    assert report["figures"]["pages"]["article"] == ARTICLES
    assert report["checks"] == {"enabled": True, "failed": []}
    assert report["feeds"]["local_files"] == [str(result.feed)]
    assert report["feeds"]["failed_files"] == [] and report["feeds"]["files_failed"] == 0
    assert report["feeds"]["items_durable"] == ARTICLES
    assert report["feeds"]["configured"][0]["uri"] == str(result.feed)
    started, finished = (datetime.fromisoformat(report[k]) for k in ("started_at", "finished_at"))
    assert started <= finished and report["duration_seconds"] >= 0
    assert report["summary"][-1] == "run ok"
    assert report["stats"]["item_scraped_count"] == ARTICLES
    assert [p.name for p in report_file.parent.iterdir()] == ["last-run.json"]  # no temporary file left


@pytest.mark.crawl
def test_a_failed_run_reports_why_and_the_failed_check(tmp_path):
    report_file = tmp_path / "report.json"
    with drifted_site() as base_url:
        result = run_crawl(
            tmp_path,
            "-a",
            f"base_url={base_url}",
            env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_REPORT_FILE": str(report_file)},
        )
    assert result.returncode == 1
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["status"] == "failed" and report["exit_code"] == 1
    assert [check["check"] for check in report["checks"]["failed"]] == ["fallback_body"]
    assert any("fallback" in reason for reason in report["reasons"])


@pytest.mark.crawl
def test_an_unwritable_report_is_one_warning_and_the_run_stands(site, tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the report's directory should be")
    result = run_crawl(
        tmp_path,
        "-a",
        f"base_url={site.base_url}",
        env={"NEWSCRAWL_STATE": "off", "NEWSCRAWL_REPORT_FILE": str(blocker / "report.json")},
    )
    assert result.returncode == 0
    warnings = [line for line in result.log.splitlines() if "WARNING" in line and "report" in line]
    assert len(warnings) == 1, warnings


def test_an_atomic_write_replaces_the_old_file_whole_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("old")
    write_atomically(path, '{"new": "جديد"}\n')
    assert json.loads(path.read_text(encoding="utf-8")) == {"new": "جديد"}
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


@pytest.mark.crawl
def test_a_failed_run_whose_empty_feed_file_was_removed_names_no_file(tmp_path):
    """Every article dropped (a body class no selector knows): the failed run's empty -O file is removed,
    so the report names no local file and the metrics count no stored feed file."""
    from prometheus_client.parser import text_string_to_metric_families

    report_file = tmp_path / "report.json"
    metrics_file = tmp_path / "newscrawl.prom"
    with drifted_site("layout") as base_url:
        result = run_crawl(
            tmp_path,
            "-a",
            f"base_url={base_url}",
            env={
                "NEWSCRAWL_STATE": "off",
                "NEWSCRAWL_REPORT_FILE": str(report_file),
                "NEWSCRAWL_METRICS_FILE": str(metrics_file),
            },
        )
    assert result.returncode == 1
    assert not result.feed.exists()
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["feeds"]["local_files"] == []
    assert report["feeds"]["removed_empty"] == 1
    stored = [
        sample.value
        for family in text_string_to_metric_families(metrics_file.read_text())
        for sample in family.samples
        if sample.name == "newscrawl_feed_files_total" and sample.labels.get("result") == "stored"
    ]
    assert stored == [0.0]


def test_the_report_file_is_readable_by_others_as_the_umask_allows(tmp_path):
    import os
    import stat

    path = tmp_path / "report.json"
    old = os.umask(0o022)
    try:
        write_atomically(path, "{}\n")
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
        os.umask(0o027)
        write_atomically(path, "{}\n")
        assert stat.S_IMODE(path.stat().st_mode) == 0o640
    finally:
        os.umask(old)
