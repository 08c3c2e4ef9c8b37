"""A waiting-room ticket's live stream (`eventsURL`, web/live/tickets.py) on a real server:
the shopper sees where they stand at once, moves up when someone ahead is let in, and is
told the item sold out, without asking again; nobody else can follow their ticket."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest

from tests.live.sse import SseStream
from tests.live_server import ServerThread
from tests.web.checkout_calls import op, pay
from tests.web.waiting_room_calls import join, make_hot, ticket_status, until

pytest_plugins = ["tests.web.waiting_room_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture
def hot_server(hot_store):
    """The hot store on one origin (web/live/asgi.py), heartbeats every half second."""
    settings = hot_store.extensions["shopflow"].settings
    server = ServerThread(replace(settings, sse_heartbeat_seconds=0.5))
    yield server
    server.stop()


def _next_where(stream: SseStream, check, seen: list) -> dict:
    """The next event whose data passes `check` (the estimate may change on the way)."""
    while True:
        event = stream.next()
        seen.append(event)
        if check(event.json):
            return event.json


def test_a_ticket_stream_follows_the_place_in_line_until_the_item_sells_out(
    hot_client, hot_server, staff, shoppers, new_item, assert_checkout_invariants
):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    first, second, third = shoppers(3)
    ahead = join(hot_client, first, item).get_json()
    until(
        lambda: ticket_status(hot_client, first, ahead["statusURL"])["status"] == "ADMITTED",
        what="the first shopper admitted",
    )
    next_in_line = join(hot_client, second, item).get_json()
    mine = join(hot_client, third, item).get_json()
    assert (next_in_line["position"], mine["position"]) == (1, 2)
    assert mine["eventsURL"] == f"/api/v1/waiting-room/tickets/{mine['ticketID']}/events"

    seen: list = []
    with SseStream(hot_server.url + mine["eventsURL"], third.headers) as stream:
        assert stream.response.headers["content-type"].startswith("text/event-stream")
        assert stream.response.headers["cache-control"] == "no-store"
        now = _next_where(stream, lambda data: True, seen)
        assert now == {
            "ticketID": mine["ticketID"],
            "status": "WAITING",
            "position": 2,
            "estimatedWaitSeconds": now["estimatedWaitSeconds"],
            "admittedUntil": None,
            "itemID": item,
        }
        assert now["estimatedWaitSeconds"] >= 1
        assert stream.next(with_comments=True).comments  # a quiet line: heartbeats

        # The first gives the unit back: the second is let in, this ticket moves up.
        begun = join(hot_client, first, item, ticketID=ahead["ticketID"]).get_json()
        assert op(hot_client, first, "CANCEL", begun["checkoutID"]).status_code == 200
        moved = _next_where(stream, lambda data: data["position"] != 2, seen)
        assert (moved["status"], moved["position"]) == ("WAITING", 1)

        # The second buys the last unit: everyone still waiting is sold out.
        checkout = join(hot_client, second, item, ticketID=next_in_line["ticketID"]).get_json()
        assert pay(hot_client, second, checkout).status_code == 200
        assert op(hot_client, second, "SUBMIT", checkout["checkoutID"]).status_code == 201
        over = _next_where(stream, lambda data: data["status"] != "WAITING", seen)
        assert over == {**over, "status": "SOLD_OUT", "position": None, "admittedUntil": None}
    ids = [int(event.id) for event in seen]
    assert ids == sorted(set(ids)), ids  # every event has an id, growing
    assert ticket_status(hot_client, third, mine["statusURL"])["status"] == "SOLD_OUT"
    assert_checkout_invariants()


def test_only_the_tickets_shopper_can_follow_it(hot_client, hot_server, staff, shoppers, new_item):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    owner, someone_else = shoppers(2)
    mine = join(hot_client, owner, item).get_json()
    url = hot_server.url + mine["eventsURL"]

    anonymous = httpx.get(url, timeout=30)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
    assert anonymous.json()["error"]["code"] == "unauthorized"
    # Someone else's ticket is as unknown as one never issued (the statusURL says the same).
    foreign = httpx.get(url, headers=someone_else.headers, timeout=30)
    assert foreign.status_code == 404 and foreign.json()["error"]["code"] == "ticket_not_found"
    forged = httpx.get(url, headers={"Authorization": "Bearer forged"}, timeout=30)
    assert forged.status_code == 401
    # The write-up's `Authentication` header works here too; two different tokens are a
    # 400, never a guess at which shopper is asking.
    spelled = {"Authentication": owner.headers["Authorization"]}
    with httpx.stream("GET", url, headers=spelled, timeout=30) as followed:
        assert followed.status_code == 200
    both = {**owner.headers, "Authentication": someone_else.headers["Authorization"]}
    assert httpx.get(url, headers=both, timeout=30).status_code == 400
    for unknown in ("nope", f"{item}-{'0' * 32}", "1-" + "z" * 32, "9" * 200):
        answer = httpx.get(
            f"{hot_server.url}/api/v1/waiting-room/tickets/{unknown}/events",
            headers=owner.headers,
            timeout=30,
        )
        assert answer.status_code == 404, unknown
    # The browser's route knows the shopper by the session cookie only, never a token.
    page_route = f"{hot_server.url}/checkout/waiting/{mine['ticketID']}/events"
    assert httpx.get(page_route, headers=owner.headers, timeout=30).status_code == 401
    make_hot(hot_client, staff, item, enabled=False)
