"""Redis behind Sentinel: every kind of client the store builds (db/redis/connect.py)
follows a failover on its own. A real primary, replica and three Sentinels
(stack/redis_sentinel.py); the primary is killed by its pid, the Sentinels promote the
replica, and the very same client objects carry on (docs/scaling.md, "Redis")."""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import replace

import pytest
import redis
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from db.redis.connect import (
    async_redis_client,
    limiter_storage_options,
    limiter_storage_uri,
    redis_client,
)
from settings import Settings, SettingsError
from stack.redis_sentinel import SentinelGroup

FAILOVER_SECONDS = 30  # agreement (1 s down-after) + election + promotion, on a busy box


def _until(attempt, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    last: Exception | None = None
    while time.monotonic() < deadline:
        try:
            return attempt()
        except (redis.RedisError, OSError, AssertionError) as exc:
            last = exc
            time.sleep(0.2)
    raise AssertionError(f"{what} within {seconds} s (last: {last!r})")


@pytest.fixture
def group(tmp_path):
    group = SentinelGroup(tmp_path / "sentinel", secrets.token_urlsafe(24)).start()
    yield group
    group.stop()


def _settings(group: SentinelGroup) -> Settings:
    return replace(
        Settings.from_env({"SHOPFLOW_ENV": "dev"}, env_file=None),
        redis_url=group.redis_url(database=3),
        redis_sentinels=group.sentinels,
        redis_sentinel_master="shopflow",
    )


@pytest.mark.integration
def test_every_client_follows_a_failover_without_being_rebuilt(group):
    settings = _settings(group)
    client = redis_client(settings, socket_timeout=1, socket_connect_timeout=1)
    limiter = FixedWindowRateLimiter(
        storage_from_string(limiter_storage_uri(settings), **limiter_storage_options(settings))
    )
    loop = asyncio.new_event_loop()
    aclient = async_redis_client(settings, socket_timeout=1, socket_connect_timeout=1)

    client.set("before", "kept")
    assert client.wait(1, 5000) == 1  # on the replica too, before the primary dies
    assert limiter.hit(parse("100/minute"), "sign-in", "ann")
    assert loop.run_until_complete(aclient.ping())
    old_primary = group.nodes["primary"].port

    group.kill("primary")
    _until(
        lambda: (group.primary_port() not in (None, old_primary)) or _fail("no new primary"),
        FAILOVER_SECONDS,
        "the Sentinels promoted the replica",
    )

    _until(lambda: client.set("after", "written"), 15, "the sync client wrote to the new primary")
    assert client.get("before") == b"kept" and client.get("after") == b"written"
    assert client.connection_pool.connection_kwargs["db"] == 3
    assert _until(lambda: limiter.hit(parse("100/minute"), "sign-in", "ann"), 15, "the limiter")
    assert _until(lambda: loop.run_until_complete(aclient.ping()), 15, "the async client")
    loop.run_until_complete(aclient.aclose())
    loop.close()
    client.close()


def _fail(message: str):
    raise AssertionError(message)


@pytest.mark.unit
def test_sentinel_addresses_are_checked_and_named_in_the_error():
    with pytest.raises(SettingsError) as refused:
        Settings.from_env({"REDIS_SENTINELS": "10.0.0.1:26379,sentinel-two"}, env_file=None)

    assert "REDIS_SENTINELS must be comma-separated host:port addresses (got 'sentinel-two')" in (
        str(refused.value)
    )


@pytest.mark.unit
def test_the_limiter_asks_the_sentinels_for_the_primary_and_counts_only_there():
    settings = replace(
        Settings.from_env({"SHOPFLOW_ENV": "dev"}, env_file=None),
        redis_url="redis://:p%40ss@ignored:6379/2",
        redis_sentinels=("s1:26379", "s2:26379"),
    )

    assert limiter_storage_uri(settings) == "redis+sentinel://:p%40ss@s1:26379,s2:26379/shopflow"
    options = limiter_storage_options(settings)
    assert options["use_replicas"] is False and options["db"] == 2


@pytest.mark.unit
def test_without_sentinels_every_client_uses_redis_url_as_before():
    settings = replace(
        Settings.from_env({"SHOPFLOW_ENV": "dev"}, env_file=None),
        redis_url="redis://localhost:6390/1",
    )

    assert limiter_storage_uri(settings) == "redis://localhost:6390/1"
    assert "use_replicas" not in limiter_storage_options(settings)
    client = redis_client(settings)
    assert client.connection_pool.connection_kwargs["port"] == 6390
    client.close()
