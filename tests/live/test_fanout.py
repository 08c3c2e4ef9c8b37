"""The process's fan-out hands each stock change to the streams following its item."""

from __future__ import annotations

import asyncio

import pytest

from db.redis.stock_feed import StockChange, StockFeedKeys
from web.live.fanout import StockFanout

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
