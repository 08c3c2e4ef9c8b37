"""The process's fan-out hands each stock change to the streams following its item."""

from __future__ import annotations

import asyncio

import pytest
import redis

from db.redis.stock_feed import StockChange, StockFeedKeys
from web.live.fanout import Channel, StockFanout

pytestmark = pytest.mark.unit

KETTLE, LAMP = 11, 12


def fanout() -> StockFanout:
    return StockFanout(client=None, keys=StockFeedKeys("unit"))  # never started: no Redis


def test_a_change_reaches_every_stream_following_its_item_and_no_other():
    async def scenario():
        hub = fanout()
        kettle_pages = [hub.register([KETTLE]) for _ in range(157)]
        cart = hub.register([KETTLE, LAMP])
        lamp_page = hub.register([LAMP])
        change = StockChange(event_id=5, item_id=KETTLE, stock=2)
        hub.dispatch(change)
        woken = [await asyncio.wait_for(p.next_batch(), 1) for p in [*kettle_pages, cart]]
        return woken, lamp_page.pending

    woken, lamp_pending = asyncio.run(scenario())
    assert woken == [([StockChange(5, KETTLE, 2)], False)] * 158
    assert lamp_pending == []


class DroppingPubSub:
    """A subscription whose first connection breaks; the second stays open, quiet."""

    def __init__(self, attempts: list[str]) -> None:
        self.attempts = attempts

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def subscribe(self, *channels) -> None:
        self.attempts.append("subscribed")

    async def listen(self):
        if self.attempts.count("subscribed") == 1:
            raise redis.ConnectionError("Connection closed by server.")
        await asyncio.Event().wait()
        yield  # never reached: makes this an async generator


class DroppingClient:
    def __init__(self) -> None:
        self.attempts: list[str] = []

    def pubsub(self, **_):
        return DroppingPubSub(self.attempts)


def test_another_channel_hears_at_once_that_the_subscription_dropped_and_when_it_is_back(
    monkeypatch,
):
    monkeypatch.setattr("web.live.fanout.RECONNECT_SECONDS", 0.05)
    heard: list[str] = []
    revoked = Channel(
        "tokens-revoked",
        on_message=lambda data: None,
        on_reconnect=lambda: heard.append("back"),
        on_lost=lambda: heard.append("lost"),
    )

    async def scenario() -> None:
        hub = StockFanout(client=DroppingClient(), keys=StockFeedKeys("unit"), also=[revoked])
        await hub.start()
        for _ in range(100):
            if heard == ["lost", "back"]:
                break
            await asyncio.sleep(0.02)
        for task in hub._tasks:
            task.cancel()

    asyncio.run(scenario())
    assert heard == ["lost", "back"]


class Watcher:
    def __init__(self) -> None:
        self.heard: list[object] = []

    def changed(self, item_id: int) -> None:
        self.heard.append(item_id)

    def lost(self) -> None:
        self.heard.append("lost")

    def resumed(self) -> None:
        self.heard.append("resumed")


def test_a_watcher_hears_every_items_change_even_one_no_stream_follows():
    watcher = Watcher()
    hub = StockFanout(client=None, keys=StockFeedKeys("unit"), watchers=[watcher])
    hub.register([KETTLE])

    hub.dispatch(StockChange(event_id=5, item_id=KETTLE, stock=2))
    hub.dispatch(StockChange(event_id=6, item_id=LAMP, stock=0))

    assert watcher.heard == [KETTLE, LAMP]


def test_a_watcher_hears_that_the_subscription_opened_dropped_and_reopened(monkeypatch):
    monkeypatch.setattr("web.live.fanout.RECONNECT_SECONDS", 0.05)
    watcher = Watcher()

    async def scenario() -> None:
        hub = StockFanout(client=DroppingClient(), keys=StockFeedKeys("unit"), watchers=[watcher])
        await hub.start()
        for _ in range(100):
            if watcher.heard == ["resumed", "lost", "resumed"]:
                break
            await asyncio.sleep(0.02)
        for task in hub._tasks:
            task.cancel()

    asyncio.run(scenario())
    assert watcher.heard == ["resumed", "lost", "resumed"]
