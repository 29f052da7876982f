"""The deployment files keep what a run delivers: no feed on storage that dies with its pod unless the same
lines go to a remote feed the pod cannot start without; the examples work before anyone edits them.

Without a cluster or a Docker engine: the manifests are checked for structure (a small kubeval), the
feed and state paths are followed to the volumes that hold them, and the workers' start-up script and
Compose's worker entrypoint are run with ``sh`` and a stand-in ``scrapy`` that reports its environment.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from newscrawl.feeds.plan import check_remote_uri
from tests.conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
IMAGE_FEED_DIR = "/data/feeds"  # the Dockerfile's ENV NEWSCRAWL_FEED_DIR
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def load(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


MANIFESTS = {path.name: load(path) for path in sorted(K8S.glob("*.yaml"))}
DOCUMENTS = [(name, doc) for name, docs in MANIFESTS.items() for doc in docs]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
CONFIGMAPS = {doc["metadata"]["name"]: doc.get("data", {}) for _, doc in DOCUMENTS if doc["kind"] == "ConfigMap"}


def pod_specs() -> list[tuple[str, dict]]:
    specs = []
    for name, doc in DOCUMENTS:
        if doc["kind"] == "CronJob":
            specs.append((f"{name}:{doc['metadata']['name']}", doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]))
        elif doc["kind"] in ("StatefulSet", "Deployment", "Job"):
            specs.append((f"{name}:{doc['metadata']['name']}", doc["spec"]["template"]["spec"]))
    return specs


PODS = pod_specs()
CRAWLERS = [
    (pod_id, spec, container)
    for pod_id, spec in PODS
    for container in spec["containers"]
    if "newscrawl" in container["image"]
]


# -- structure (what kubeval would reject) ----------------------------------------------------------------
@pytest.mark.parametrize(("name", "doc"), DOCUMENTS, ids=[f"{n}:{d['kind']}" for n, d in DOCUMENTS])
def test_manifest_structure(name, doc):
    assert isinstance(doc.get("apiVersion"), str) and isinstance(doc.get("kind"), str), name
    if doc["kind"] == "Kustomization":
        assert all((K8S / resource).exists() for resource in doc["resources"])
        return
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", doc["metadata"]["name"])
    kind, spec = doc["kind"], doc.get("spec", {})
    if kind == "ConfigMap":
        assert all(isinstance(value, str) for value in doc.get("data", {}).values())
    elif kind == "Secret":
        assert all(isinstance(value, str) for value in doc.get("stringData", {}).values())
    elif kind == "PersistentVolumeClaim":
        assert spec["accessModes"] and spec["resources"]["requests"]["storage"]
    elif kind == "Service":
        assert spec["selector"] and all("port" in port for port in spec["ports"])
    elif kind == "CronJob":
        assert doc["apiVersion"] == "batch/v1" and len(spec["schedule"].split()) == 5
        assert spec["jobTemplate"]["spec"]["template"]["spec"]["restartPolicy"] in ("Never", "OnFailure")
    elif kind == "StatefulSet":
        labels = spec["template"]["metadata"]["labels"]
        assert spec["selector"]["matchLabels"].items() <= labels.items()
    else:
        pytest.fail(f"{name}: unexpected kind {kind}")


@pytest.mark.parametrize(("pod_id", "spec"), PODS, ids=[p for p, _ in PODS])
def test_pod_spec_references_are_whole(pod_id, spec):
    volumes = {volume["name"] for volume in spec.get("volumes", [])}
    for claim in spec.get("volumeClaimTemplates", []):
        volumes.add(claim["metadata"]["name"])
    for container in spec["containers"]:
        assert container["name"] and container["image"]
        for mount in container.get("volumeMounts", []):
            assert mount["name"] in volumes or pod_id.startswith("workers.yaml:newscrawl-redis"), mount
        for entry in container.get("env", []):
            assert ("value" in entry) != ("valueFrom" in entry), entry
            for ref in ("secretKeyRef", "configMapKeyRef"):
                if ref in entry.get("valueFrom", {}):
                    assert {"name", "key"} <= set(entry["valueFrom"][ref]), entry
        # Kubernetes expands $(NAME) in command and args: only names defined before are meant.
        defined = {entry["name"] for entry in container.get("env", [])}
        for word in [*container.get("command", []), *container.get("args", [])]:
            assert set(re.findall(r"(?<!\$)\$\((\w+)\)", word)) <= defined, word


def test_statefulset_claims_are_persistent():
    redis = next(doc for _, doc in DOCUMENTS if doc["kind"] == "StatefulSet")
    [claim] = redis["spec"]["volumeClaimTemplates"]
    mounts = {m["name"]: m["mountPath"] for m in redis["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]}
    assert mounts[claim["metadata"]["name"]] == "/data"
    assert "--appendonly" in redis["spec"]["template"]["spec"]["containers"][0]["args"]


# -- where the feeds and the state live -------------------------------------------------------------------
def env_value(spec: dict, container: dict, name: str) -> str | None:
    for entry in container.get("env", []):
        if entry["name"] == name:
            return entry.get("value", "<from valueFrom>")
    for source in container.get("envFrom", []):
        if "configMapRef" in source and name in CONFIGMAPS.get(source["configMapRef"]["name"], {}):
            return CONFIGMAPS[source["configMapRef"]["name"]][name]
    return None


def volume_holding(spec: dict, container: dict, path: str) -> dict | None:
    """The pod volume mounted over ``path`` (longest mount path first), or None (the root filesystem)."""
    mounts = sorted(container.get("volumeMounts", []), key=lambda m: len(m["mountPath"]), reverse=True)
    for mount in mounts:
        if path == mount["mountPath"] or path.startswith(mount["mountPath"].rstrip("/") + "/"):
            return next(volume for volume in spec["volumes"] if volume["name"] == mount["name"])
    return None


def requires_remote_feed(container: dict) -> bool:
    """The container's command refuses to start the crawl unless it has a remote feed URI to export."""
    script = "\n".join(container.get("args", [])) if container.get("command") == ["sh", "-c"] else ""
    return bool(re.search(r':\s*"\$\{\w+:\?', script)) and "export NEWSCRAWL_FEED_URI" in script


@pytest.mark.parametrize(("pod_id", "spec", "container"), CRAWLERS, ids=[c[0] for c in CRAWLERS])
def test_no_feed_lives_only_on_ephemeral_storage(pod_id, spec, container):
    feed_dir = (env_value(spec, container, "NEWSCRAWL_FEED_DIR") or IMAGE_FEED_DIR).replace("$(POD_NAME)", "pod")
    volume = volume_holding(spec, container, feed_dir)
    assert volume is not None, f"{pod_id}: the feed would be on the container's own filesystem"
    if "persistentVolumeClaim" in volume:
        return
    assert "emptyDir" in volume, volume
    remote = env_value(spec, container, "NEWSCRAWL_FEED_URI")
    assert requires_remote_feed(container) or (remote and remote.startswith("s3://")), (
        f"{pod_id}: {feed_dir} is an emptyDir and no remote feed is required: the state would mark "
        "articles delivered into a feed that goes with the pod"
    )


@pytest.mark.parametrize(("pod_id", "spec", "container"), CRAWLERS, ids=[c[0] for c in CRAWLERS])
def test_state_is_persistent(pod_id, spec, container):
    if env_value(spec, container, "REDIS_URL"):
        return  # the Redis StatefulSet's claim (test_statefulset_claims_are_persistent)
    state = env_value(spec, container, "NEWSCRAWL_STATE") or "/data/state/newscrawl.sqlite3"
    volume = volume_holding(spec, container, state)
    assert volume is not None and "persistentVolumeClaim" in volume, pod_id


# -- the workers' start-up check, run -------------------------------------------------------------------
@pytest.fixture
def fake_scrapy(tmp_path) -> Path:
    """A ``scrapy`` that writes its arguments and feed variables to report.json and exits 0."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "scrapy"
    script.write_text(
        "#!/bin/sh\n"
        f'printf \'{{"args": "%s", "uri": "%s", "dir": "%s"}}\' "$*" "$NEWSCRAWL_FEED_URI" "$NEWSCRAWL_FEED_DIR"'
        f" > {tmp_path}/report.json\n"
    )
    script.chmod(0o755)
    return bin_dir


def run_sh(argv: list[str], bin_dir: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    full_env = {"PATH": f"{bin_dir}:/usr/bin:/bin", **env}
    return subprocess.run(argv, env=full_env, capture_output=True, text=True, timeout=30)


def worker_container() -> dict:
    [(_, _, container)] = [c for c in CRAWLERS if c[0] == "workers.yaml:newscrawl-albawabh"]
    return container


def worker_argv() -> list[str]:
    container = worker_container()
    return [*container["command"], *container["args"]]


WORKER_ENV = {"NEWSCRAWL_RUN_ID": "newscrawl-albawabh-2901", "POD_NAME": "newscrawl-albawabh-2901-x7k2q"}


@pytest.mark.parametrize("prefix", [None, "", "file:///data/out", "/data/out", "s3://"])
def test_worker_refuses_to_start_without_an_s3_feed(fake_scrapy, prefix):
    env = dict(WORKER_ENV) | ({"FEED_PREFIX": prefix} if prefix is not None else {})
    proc = run_sh(worker_argv(), fake_scrapy, env)
    assert proc.returncode != 0
    assert "feed-prefix" in proc.stderr and "newscrawl: error:" in proc.stderr
    assert not (fake_scrapy.parent / "report.json").exists(), "scrapy must not start"


@pytest.mark.parametrize("prefix", ["s3://news-bucket/newscrawl", "s3://news-bucket/newscrawl/"])
def test_worker_uploads_one_object_per_worker_and_run(fake_scrapy, prefix):
    proc = run_sh(worker_argv(), fake_scrapy, WORKER_ENV | {"FEED_PREFIX": prefix})
    assert proc.returncode == 0, proc.stderr
    report = json.loads((fake_scrapy.parent / "report.json").read_text())
    assert report["args"] == "crawl albawabh"
    assert (
        report["uri"]
        == "s3://news-bucket/newscrawl/newscrawl-albawabh-2901/newscrawl-albawabh-2901-x7k2q-%(time)s.jsonl.gz"
    )
    check_remote_uri(report["uri"], {"s3", "file"})  # the crawler accepts it


def test_worker_feed_prefix_and_credentials_come_from_objects_the_user_creates():
    env = {entry["name"]: entry for entry in worker_container()["env"]}
    assert env["FEED_PREFIX"]["valueFrom"]["configMapKeyRef"]["name"] == "newscrawl-workers"
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        assert env[name]["valueFrom"]["secretKeyRef"]["name"] == "newscrawl-aws"
    assert "newscrawl-workers" not in CONFIGMAPS  # no placeholder bucket shipped


# -- Compose --------------------------------------------------------------------------------------------
def compose_argv(service: str) -> list[str]:
    entrypoint = COMPOSE["services"][service]["entrypoint"]
    return [word.replace("$$", "$") for word in entrypoint]  # Compose's own escaping


def test_compose_services_keep_data_on_named_volumes():
    for name in ("crawler", "worker", "redis"):
        mounts = COMPOSE["services"][name]["volumes"]
        assert any(mount.split(":")[0] in COMPOSE["volumes"] and mount.endswith(":/data") for mount in mounts), name


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("", ""),
        (
            "s3://news-bucket/newscrawl/%(name)s/%(time)s.jsonl.gz",
            "s3://news-bucket/newscrawl/%(name)s/w1-%(time)s.jsonl.gz",
        ),
    ],
)
def test_compose_workers_write_feeds_of_their_own(fake_scrapy, uri, expected):
    proc = run_sh(
        [*compose_argv("worker"), "-a", "max_pages=1"], fake_scrapy, {"NEWSCRAWL_FEED_URI": uri, "HOSTNAME": "w1"}
    )
    assert proc.returncode == 0, proc.stderr
    report = json.loads((fake_scrapy.parent / "report.json").read_text())
    assert report == {"args": "crawl albawabh -a max_pages=1", "uri": expected, "dir": "/data/feeds/w1"}


# -- the examples work before they are edited ----------------------------------------------------------------
def active_lines(path: Path) -> list[str]:
    return [line for line in path.read_text().splitlines() if line.strip() and not line.lstrip().startswith("#")]


def test_examples_leave_s3_off_until_a_bucket_is_named():
    assert not [line for line in active_lines(ROOT / "deploy" / "newscrawl.env.example") if "s3://" in line]
    for name, data in CONFIGMAPS.items():
        assert "NEWSCRAWL_FEED_URI" not in data, name
    [cronjob] = MANIFESTS["cronjob.yaml"]
    [container] = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    for entry in container["env"]:
        ref = entry.get("valueFrom", {}).get("secretKeyRef")
        if ref and ref["name"] == "newscrawl-aws":
            assert ref.get("optional") is True, entry["name"]  # a cluster without S3 needs no Secret


def s3_examples() -> list[tuple[str, str]]:
    files = [*DOCS, *sorted((ROOT / "deploy").rglob("*")), ROOT / "docker-compose.yml"]
    return [
        (path.name, uri)
        for path in files
        if path.is_file()
        for uri in re.findall(r"s3://[^\s'\"`)]+", path.read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(("name", "uri"), s3_examples())
def test_s3_examples_never_repeat_the_spider_name(name, uri):
    assert "albawabh/albawabh" not in uri.replace("%(name)s", "albawabh"), f"{name}: {uri}"


def docker_commands() -> list[str]:
    joined = "\n".join(path.read_text(encoding="utf-8").replace("\\\n", " ") for path in DOCS)
    return [line.split("#")[0] for line in joined.splitlines() if "docker" in line]


def test_compose_worker_commands_name_both_profiles():
    commands = [c for c in docker_commands() if re.search(r"docker compose .*\bworker\b", c)]
    assert commands
    for command in commands:
        assert "--profile redis" in command and "--profile workers" in command, command


def test_image_tags_agree_with_compose_and_the_manifests():
    images = {COMPOSE["services"]["crawler"]["image"], COMPOSE["services"]["worker"]["image"]}
    images |= {container["image"] for _, _, container in CRAWLERS}
    text = "\n".join(path.read_text(encoding="utf-8") for path in DOCS)
    mentioned = set(re.findall(r"(?:[\w.-]+/)?newscrawl:[\w.-]+(?=[\s`])", text)) - {
        "newscrawl:lock",
        "newscrawl:state",
    }
    assert mentioned and mentioned <= images, mentioned - images


def test_no_path_of_one_machine_in_the_docs():
    for path in [*DOCS, ROOT / "tests" / "site" / "README.md"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"(?<![\w.])/(work|home|Users|root)/", text), path
    assert os.sep == "/"


def test_every_docker_run_of_the_crawler_keeps_data_on_a_named_volume():
    """``docker run --rm`` without a named volume would put the state and feeds on an anonymous volume
    (the image's ``VOLUME /data``) that ``--rm`` deletes with the container."""
    texts = [*docker_commands(), *(ROOT / "deploy" / "crontab").read_text().splitlines()]
    texts += [line.lstrip("# ") for line in (ROOT / "Dockerfile").read_text().splitlines()]
    runs = [text for text in texts if re.search(r"docker run .*newscrawl:", text)]
    assert runs
    for run in runs:
        assert re.search(r"-v [\w-]+:/data\b", run), run
