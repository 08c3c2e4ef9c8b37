"""The embedded servers are closed: Typesense and Redis use credentials generated into
var/secrets.json (no published key, nothing in `ps`), every client of the session uses
them, and var/ and everything the servers write in it is readable by its owner only."""

from __future__ import annotations

import os
import stat
from dataclasses import replace
from pathlib import Path

import psutil
import pytest
import redis
import requests

from stack.secrets import secrets_path, with_embedded_credentials

pytestmark = pytest.mark.integration


def _generated(settings) -> dict:
    import json

    return json.loads(secrets_path(settings).read_text())


def test_redis_refuses_a_client_without_the_generated_password(stack_settings):
    password = _generated(stack_settings)["REDIS_PASSWORD"]
    assert len(password) >= 32 and f":{password}@" in stack_settings.redis_url
    anonymous = redis.Redis.from_url(stack_settings.redis_url.replace(f":{password}@", ""))
    with pytest.raises(redis.AuthenticationError):
        anonymous.ping()
    assert redis.Redis.from_url(stack_settings.redis_url).ping()


def test_typesense_refuses_the_old_published_key_and_takes_the_generated_one(
    stack_settings, tmp_path
):
    # With no key given, the stack generates one into var/secrets.json and uses it.
    bare = replace(stack_settings, var_dir=tmp_path, typesense_url=None, typesense_api_key=None)
    generated = with_embedded_credentials(bare).typesense_api_key
    assert generated == _generated(bare)["TYPESENSE_API_KEY"] and len(generated) >= 32
    # The test session gives its stack a random key of its own (tests/conftest.py): the
    # server takes that one and refuses the old published key and no key at all.
    key = stack_settings.typesense_api_key
    assert len(key) >= 32
    url = f"{stack_settings.typesense_url}/collections"
    for wrong in ("shopflow-dev-key", ""):
        assert (
            requests.get(url, headers={"X-TYPESENSE-API-KEY": wrong}, timeout=5).status_code == 401
        )
    assert requests.get(url, headers={"X-TYPESENSE-API-KEY": key}, timeout=5).status_code == 200


def test_no_embedded_server_shows_a_credential_in_its_command_line(stack_settings):
    generated = _generated(stack_settings)
    secrets = [generated["TYPESENSE_API_KEY"], generated["REDIS_PASSWORD"]]
    var = str(stack_settings.var_dir)
    for proc in psutil.process_iter(["cmdline"]):
        line = " ".join(proc.info["cmdline"] or ())
        if var in line:
            assert not any(secret in line for secret in secrets), line[:200]


def test_var_and_everything_in_it_is_readable_by_its_owner_only(stack_settings, engine):
    var = Path(stack_settings.var_dir)
    # 0711 when root: the embedded PostgreSQL runs as its own user and must enter var/.
    assert stat.S_IMODE(var.stat().st_mode) in (0o700, 0o711)
    # Something for each server to have written: a session key in Redis, rows in PostgreSQL.
    redis.Redis.from_url(stack_settings.redis_url).set("security-test", "an address")
    readable = []
    for root, dirs, files in os.walk(var):
        for name in files + dirs:
            path = Path(root) / name
            if path.is_symlink() or path.is_socket() or name.startswith(".s.PGSQL"):
                continue
            mode = stat.S_IMODE(path.lstat().st_mode)
            if mode & (stat.S_IRGRP | stat.S_IROTH | stat.S_IWGRP | stat.S_IWOTH):
                readable.append(f"{path.relative_to(var)} {oct(mode)}")
    assert readable == [], "\n".join(readable)


def test_an_older_world_readable_var_is_closed_when_the_stack_is_next_used(tmp_path):
    from settings import Settings
    from stack import EmbeddedStack

    var = tmp_path / "var"
    (var / "logs").mkdir(parents=True)
    log = var / "logs" / "postgres.log"
    log.write_text("customer@example.com\n")
    log.chmod(0o644)
    (var / "logs").chmod(0o755)
    var.chmod(0o755)

    EmbeddedStack(Settings(var_dir=var))

    assert stat.S_IMODE(var.stat().st_mode) in (0o700, 0o711)
    assert stat.S_IMODE((var / "logs").stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE((var / "secrets.json").stat().st_mode) == 0o600
