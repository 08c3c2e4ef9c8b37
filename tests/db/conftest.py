"""Fixtures for the db/ adapters' tests against the session's real servers."""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import redis

from db.redis.warehouse_queue import entries_key, queued_key, stream_key


@pytest.fixture
def redis_client(stack_settings) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(stack_settings.redis_url)
    yield client
    client.close()


@pytest.fixture
def warehouse(redis_client) -> Iterator[int]:
    """A warehouse id no other test uses; its queue's keys are removed afterwards."""
    warehouse_id = random.randint(8_000_000, 9_999_999)
    yield warehouse_id
    redis_client.delete(
        stream_key(warehouse_id), queued_key(warehouse_id), entries_key(warehouse_id)
    )
