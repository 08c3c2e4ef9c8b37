"""The `TokenRevocations` fake (tests/fakes/revocations.py) and the real announcer
(db/redis/revocations.py) say the same thing: each revoked user once, in order."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest


@pytest.fixture(
    params=[
        pytest.param("fake", marks=pytest.mark.unit),
        pytest.param("real", marks=[pytest.mark.integration, pytest.mark.web]),
    ]
)
def announcer(request) -> tuple[object, Callable[[], list[int]]]:
    """(the announcer, what the other processes heard so far)."""
    if request.param == "fake":
        from tests.fakes.revocations import FakeTokenRevocations

        fake = FakeTokenRevocations()
        yield fake, lambda: list(fake.announced)
        return
    import redis

    from db.redis.revocations import TokenRevocations, revoked_user_id

    settings = request.getfixturevalue("stack_settings")
    client = redis.Redis.from_url(settings.redis_url)
    real = TokenRevocations(client, f"contract-{uuid.uuid4().hex[:8]}")
    listener = client.pubsub(ignore_subscribe_messages=True)
    listener.subscribe(real.channel)
    listener.get_message(timeout=1)
    heard: list[int] = []

    def drain() -> list[int]:
        while (message := listener.get_message(timeout=0.5)) is not None:
            heard.append(revoked_user_id(message["data"]))
        return list(heard)

    yield real, drain
    listener.close()
    client.close()


def test_each_revoked_user_is_heard_once_in_order(announcer):
    revocations, heard = announcer

    revocations.announce(7)
    revocations.announce(3)

    assert heard() == [7, 3]
