"""`GET /api/v1/items/<itemID>/stock/events` and the pages' stream, on a real server."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from tests.live.sse import SseStream

pytestmark = [pytest.mark.integration, pytest.mark.web]

TOASTER = "Two-Slice Toaster"  # 22 units
SKILLET = "Cast Iron Skillet"  # 8 units
BACKPACK = "Laptop Backpack"  # 27 units


def events_url(server, item_id) -> str:
    return f"{server.url}/api/v1/items/{item_id}/stock/events"


def next_change(stream: SseStream):
    event = stream.next()
    assert event.id is not None and event.id.isdigit()
    return event


def test_the_first_event_is_the_current_stock_and_each_change_follows_it(live_store, live_server):
    world, toaster = live_store.world, live_store.item(TOASTER)
    units = world.stock(toaster)
    with SseStream(events_url(live_server, toaster)) as stream:  # no login: public
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        first = next_change(stream)
        assert first.json == {**first.json, "itemID": toaster, "stock": units, "inStock": True}
        world.set_stock(toaster, 0)
        sold_out = next_change(stream)
        world.set_stock(toaster, units)
        back = next_change(stream)
    assert (sold_out.json["stock"], sold_out.json["inStock"]) == (0, False)
    assert (back.json["stock"], back.json["inStock"]) == (units, True)
    assert int(first.id) < int(sold_out.id) < int(back.id)


def test_last_event_id_resumes_with_exactly_the_changes_missed(live_store, live_server):
    world, skillet = live_store.world, live_store.item(SKILLET)
    units = world.stock(skillet)
    with SseStream(events_url(live_server, skillet)) as stream:
        world.set_stock(skillet, units - 1)
        while (seen := next_change(stream)).json["stock"] != units - 1:
            pass
    world.set_stock(skillet, units - 2)  # while the shopper's train is in a tunnel
    world.set_stock(skillet, units)
    with SseStream(events_url(live_server, skillet), {"Last-Event-ID": seen.id}) as stream:
        missed = [next_change(stream), next_change(stream)]
    assert [e.json["stock"] for e in missed] == [units - 2, units]
    assert int(seen.id) < int(missed[0].id) < int(missed[1].id)


def test_a_quiet_stream_sends_heartbeats(live_store, live_server):
    with SseStream(events_url(live_server, live_store.item(BACKPACK))) as stream:
        next_change(stream)
        heartbeat = stream.next(with_comments=True)  # nothing changes meanwhile
    assert heartbeat.comments and heartbeat.data == ""


def test_a_search_card_whose_item_keeps_changing_but_stays_in_stock_still_hears_heartbeats(
    live_store, live_server
):
    """The card shows only in or out of stock, so its page is sent none of these changes;
    the connection must still say something every heartbeat period (0.5 s here), or a
    proxy in front would time it out while the item is at its busiest."""
    world, backpack = live_store.world, live_store.item(BACKPACK)
    units = world.stock(backpack)
    busy = threading.Event()

    def keep_changing():
        while not busy.is_set():
            world.set_stock(backpack, units - 1)
            world.set_stock(backpack, units)
            time.sleep(0.05)

    url = f"{live_server.url}/live/stock?view=card&items={backpack}:{units}"
    changer = threading.Thread(target=keep_changing)
    with SseStream(url) as stream:
        changer.start()
        try:
            heard = stream.next(with_comments=True)
        finally:
            busy.set()
            changer.join(timeout=30)
    assert heard.comments and heard.data == ""
    assert len(world.changes(backpack)) > 2  # it did change meanwhile


@pytest.mark.parametrize("item", ["999999", "0", "abc", "99999999999999999999999"])
def test_an_unknown_item_is_a_404(live_server, item):
    answer = httpx.get(events_url(live_server, item), timeout=10)
    assert answer.status_code == 404
    assert "itemID" in answer.json()["error"]["message"]


def test_the_pages_stream_pushes_the_card_and_says_when_an_item_sells_out(live_store, live_server):
    world, toaster = live_store.world, live_store.item(TOASTER)
    units = world.stock(toaster)
    url = f"{live_server.url}/live/stock?view=card&items={toaster}"
    with SseStream(url) as stream:
        first = stream.next()
        assert first.event == f"stock-{toaster}" and "In stock" in first.data
        assert "Add to cart" in first.data
        world.set_stock(toaster, 0)
        card, availability = stream.next(), stream.next()
        world.set_stock(toaster, units)
        back = [stream.next(), stream.next()]
    assert card.event == f"stock-{toaster}" and "Out of stock" in card.data
    assert "Add to cart" not in card.data
    assert (availability.event, availability.data) == (f"availability-{toaster}", "out")
    assert [(e.event, e.data) for e in back][1] == (f"availability-{toaster}", "in")


def test_the_pages_and_the_streams_share_one_origin(live_store, live_server):
    page = httpx.get(f"{live_server.url}/items/{live_store.item(TOASTER)}", timeout=10)
    assert page.status_code == 200
    assert f"/live/stock?view=item&amp;items={live_store.item(TOASTER)}:" in page.text
    assert "vendor/sse.min.js" in page.text
    assert httpx.get(f"{live_server.url}/live/stock?items=x", timeout=10).status_code == 400
