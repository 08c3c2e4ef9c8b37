"""`shopflow stack env [--json]`: the variables that point a second shell at the running
embedded stack, for `eval $(shopflow stack env)`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.integration

EMBEDDED_VARS = (
    "SHOPFLOW_VAR_DIR", "SHOPFLOW_REDIS_PORT", "SHOPFLOW_TYPESENSE_PORT",
    "SHOPFLOW_TYPESENSE_PEERING_PORT", "SHOPFLOW_TEMPORAL_PORT", "SHOPFLOW_TEMPORAL_UI_PORT",
    "SECRET_KEY", "PAYLOAD_ENCRYPTION_KEYS", "TYPESENSE_API_KEY",
)  # fmt: skip


def _stack_env(stack_settings: Settings, *args: str) -> subprocess.CompletedProcess:
    # The shell of someone who knows only where the stack lives, none of its URLs.
    everything = stack_settings.service_env()
    env = {name: everything[name] for name in EMBEDDED_VARS if name in everything}
    env.update(SHOPFLOW_ENV="dev", PATH="/usr/bin:/bin")
    return subprocess.run(
        [sys.executable, "-m", "entrypoints", "stack", "env", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_stack_env_names_the_running_servers_and_keys(stack_settings):
    result = _stack_env(stack_settings, "--json")
    assert result.returncode == 0, result.stderr
    pairs = json.loads(result.stdout)
    assert pairs["DATABASE_URL"] == stack_settings.database_url
    assert pairs["REDIS_URL"] == stack_settings.redis_url
    assert pairs["TYPESENSE_URL"] == stack_settings.typesense_url
    assert pairs["TYPESENSE_API_KEY"] == stack_settings.typesense_api_key
    assert pairs["TEMPORAL_ADDRESS"] == stack_settings.temporal_address
    assert pairs["SECRET_KEY"] == stack_settings.secret_key
    assert pairs["SHOPFLOW_ENV"] == "dev"


def test_stack_env_lines_evaluate_to_settings_that_reach_the_same_servers(stack_settings):
    result = _stack_env(stack_settings)
    assert result.returncode == 0, result.stderr
    assert all(line.startswith("export ") for line in result.stdout.splitlines())
    shell = subprocess.run(
        ["bash", "-c", result.stdout + "\nenv"], capture_output=True, text=True, check=True
    )
    env = dict(line.split("=", 1) for line in shell.stdout.splitlines() if "=" in line)
    evaluated = Settings.from_env(env)
    assert evaluated.database_url == stack_settings.database_url
    assert evaluated.temporal_address == stack_settings.temporal_address
