"""A web process whose Redis subscription drops: the streams open in it miss nothing.

Pub/sub does not keep what is published while a subscriber is away. After the fan-out
subscribes again it tells every open stream to resync: the API stream re-reads the
item's Redis stream from the last id it sent, the pages' stream re-reads PostgreSQL.
The connection is cut by Redis itself (CLIENT KILL on the fan-out's named connection);
the fan-out's reconnect pause is stretched so the change surely falls in the gap.
"""

from __future__ import annotations

import pytest

from tests.live.sse import SseStream
from tests.waiting import wait_until
from web.live import fanout
from web.live.fanout import fanout_client_name

pytestmark = [pytest.mark.integration, pytest.mark.web]

KETTLE = "Electric Kettle 1.7L"


def cut_the_subscription(world) -> None:
    """Kill the web process's subscription and wait until Redis counts no subscriber."""
    name = fanout_client_name(world.keys)
    ids = [c["id"] for c in world.redis.client_list() if c.get("name") == name]
    assert ids, "the fan-out's connection is not in CLIENT LIST"
    for client_id in ids:
        world.redis.client_kill_filter(_id=client_id)
    wait_until(lambda: subscribers(world) == 0, what="the subscription to drop", every=0.02)


def subscribers(world) -> int:
    return dict(world.redis.pubsub_numsub(world.keys.channel))[world.keys.channel.encode()]


@pytest.fixture
def kettle(live_store, monkeypatch):
    """The kettle's (id, units), its stock put back afterwards; the fan-out waits 3 s
    before it subscribes again, so the change surely falls in the gap."""
    monkeypatch.setattr(fanout, "RECONNECT_SECONDS", 3.0)
    world, item_id = live_store.world, live_store.item(KETTLE)
    units = world.stock(item_id)
    yield item_id, units
    world.set_stock(item_id, units)


def change_while_nobody_listens(world, item_id: int, stock: int) -> None:
    published = len(world.changes(item_id))
    cut_the_subscription(world)
    world.set_stock(item_id, stock)
    wait_until(
        lambda: len(world.changes(item_id)) > published, what="the relay to publish", every=0.02
    )
    assert subscribers(world) == 0  # published into the gap: pub/sub dropped it


def test_a_change_published_while_the_subscription_was_down_still_reaches_the_api_stream(
    live_store, live_server, kettle
):
    (item_id, units), world = kettle, live_store.world
    with SseStream(f"{live_server.url}/api/v1/items/{item_id}/stock/events", timeout=20) as stream:
        first = stream.next()
        change_while_nobody_listens(world, item_id, units - 1)
        missed = stream.next(within=15)
        world.set_stock(item_id, units)  # and the live feed works again after it
        after = stream.next(within=15)
    assert missed.json["stock"] == units - 1 and int(missed.id) > int(first.id)
    assert after.json["stock"] == units and int(after.id) > int(missed.id)


def test_a_sell_out_published_while_the_subscription_was_down_still_reaches_the_page(
    live_store, live_server, kettle
):
    (item_id, units), world = kettle, live_store.world
    url = f"{live_server.url}/live/stock?view=card&items={item_id}:{units}"
    with SseStream(url, timeout=20) as stream:
        stream.next(with_comments=True, within=15)  # a heartbeat: it has read its stock
        change_while_nobody_listens(world, item_id, 0)
        card, availability = stream.next(within=15), stream.next(within=15)
    assert card.event == f"stock-{item_id}" and "Out of stock" in card.data
    assert (availability.event, availability.data) == (f"availability-{item_id}", "out")
