"""Two stock relays run side by side: exactly one publishes, and when it is killed the
other takes over within seconds, with every change published once (docs/live-stock.md,
"Relay").

The relays hold a PostgreSQL advisory lock while active (db/redis/stock_relay.py); the
standby polls for it. Killing the active relay's process closes its connections, so
PostgreSQL frees the lock at once and the standby's next poll takes it."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from tests.live.conftest import RelayProcess, add_item, make_world

pytestmark = pytest.mark.integration

TAKEOVER_SECONDS = 5.0


def _active(relays: list[RelayProcess], logs) -> list[RelayProcess]:
    return [relay for relay, log in zip(relays, logs, strict=True) if b"active" in log.read_bytes()]


def _until(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found := check():
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what} within {seconds} s")


def _sell(world, item: int, units: int) -> None:
    for _ in range(units):
        with world.engine.begin() as conn:
            conn.execute(
                text("UPDATE aggregated_stock SET stock = stock - 1 WHERE item_id = :i"),
                {"i": item},
            )


def test_one_of_two_relays_publishes_and_the_other_takes_over_when_it_is_killed(
    isolated_settings, tmp_path
):
    world = make_world(isolated_settings, "two_relays")
    item = add_item(world, 930201, 200)
    logs = [tmp_path / "relay-a.log", tmp_path / "relay-b.log"]
    relays = [RelayProcess(world.settings, log) for log in logs]
    try:
        active = _until(lambda: _active(relays, logs), 60, "a relay active")
        time.sleep(1.0)  # long enough for a second relay to claim the lock too, if it could
        assert len(_active(relays, logs)) == 1, "both relays say they are active"
        [first] = active
        standby = next(relay for relay in relays if relay is not first)

        _sell(world, item, 40)
        _until(lambda: world.outbox() == [], 60, "the active relay drained the outbox")

        first.kill()  # SIGKILL, by its own pid, with sales going on
        seller = threading.Thread(target=_sell, args=(world, item, 40))
        seller.start()
        _until(
            lambda: _active([standby], [logs[relays.index(standby)]]),
            TAKEOVER_SECONDS,
            "the standby took over",
        )
        seller.join(timeout=60)
        _until(lambda: world.outbox() == [], TAKEOVER_SECONDS, "the standby drained the outbox")
    finally:
        for relay in relays:
            relay.stop()
        world.engine.dispose()

    changes = world.changes(item)
    ids = [change["eventID"] for change in changes]
    assert len(ids) == len(set(ids)), "a change was published twice"
    # The first row (200 units) and then every sale, each once.
    assert sorted((c["stock"] for c in changes), reverse=True) == list(range(200, 200 - 81, -1))
