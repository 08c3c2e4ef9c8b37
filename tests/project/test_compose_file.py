"""docker-compose.yml runs the same store on official images."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from settings import PROJECT_ROOT

COMPOSE = PROJECT_ROOT / "docker-compose.yml"

pytestmark = pytest.mark.unit


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_every_engine_on_an_official_pinned_image():
    services = _compose()["services"]
    images = {name: svc.get("image", "") for name, svc in services.items()}
    assert images["postgres"].startswith("postgres:16")
    assert images["redis"].startswith("redis:7")
    assert images["typesense"] == "typesense/typesense:0.24.1"
    assert images["temporal"].startswith("temporalio/")
    assert images["temporal-ui"].startswith("temporalio/ui:")


def test_web_and_worker_reach_the_engines_through_the_environment_only():
    services = _compose()["services"]
    for name in ("web", "worker"):
        env = services[name]["environment"]
        for key in ("DATABASE_URL", "REDIS_URL", "TYPESENSE_URL", "TEMPORAL_ADDRESS", "SMTP_URL"):
            assert env[key], f"{name} lacks {key}"


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
