"""SIGKILL the worker (and with it the item's waiting room workflow) in the middle of a flash
sale, start another: no ticket is lost, the line keeps its order, the sale ends with
exactly as many orders as units and everyone else told SOLD_OUT."""

from __future__ import annotations

import itertools
import time

import pytest

from db.redis.waiting_room import WaitingRoom
from tests.fault.conftest import wait_until
from tests.fulfilment.conftest import Store
from tests.web.checkout_calls import op, pay
from tests.web.waiting_room_calls import join, make_hot
from tests.web.waiting_room_fixtures import insert_item, insert_shoppers

pytestmark = pytest.mark.integration

_ids = itertools.count(
    900_001
)  # apart from the web tests' waiting rooms (same Redis, same Temporal)
UNITS = 6
BEFORE, DURING = 20, 10


def _status(client, shopper, place) -> str:
    return client.get(place["statusURL"], headers=shopper.headers).get_json()["status"]


def test_a_worker_killed_mid_sale_loses_no_ticket_and_the_sale_finishes_on_a_new_worker(
    store: Store, worker
):
    client = store.app.test_client()
    item = insert_item(store.engine, UNITS, item_id=next(_ids))
    (staff,) = insert_shoppers(store.engine, store.settings, 1, role="operator")
    crowd = insert_shoppers(store.engine, store.settings, BEFORE + DURING)
    make_hot(client, staff, item)
    places = [join(client, shopper, item).get_json() for shopper in crowd[:BEFORE]]
    wait_until(lambda: _status(client, crowd[0], places[0]) == "ADMITTED", what="first admitted")

    worker.kill()  # the waiting room workflow's worker dies mid-sale
    # Mid-sale indeed: with no worker nobody is admitted any more, so the line as it
    # stands now is the line at the kill, someone already let in and others still waiting.
    at_kill = {
        _status(client, shopper, place)
        for shopper, place in zip(crowd[:BEFORE], places, strict=True)
    }
    assert {"ADMITTED", "WAITING"} <= at_kill, at_kill
    places += [join(client, shopper, item).get_json() for shopper in crowd[BEFORE:]]
    room = WaitingRoom(store.app.extensions["shopflow"].redis)
    tickets = [room.ticket(place["ticketID"]) for place in places]
    assert all(ticket is not None for ticket in tickets)  # every ticket is in Redis
    assert [t.seq for t in tickets] == sorted(t.seq for t in tickets)  # in join order

    worker.start()
    orders, outcome = {}, {}
    waiting = set(range(len(crowd)))
    deadline = time.monotonic() + 240  # a generous bound, not a timing
    while waiting and time.monotonic() < deadline:
        for index in sorted(waiting):
            state = _status(client, crowd[index], places[index])
            if state == "WAITING":
                continue
            waiting.discard(index)
            outcome[index] = state
            if state == "ADMITTED":
                shopper = crowd[index]
                begun = join(client, shopper, item, ticketID=places[index]["ticketID"])
                assert begun.status_code == 201, begun.get_json()
                checkout = begun.get_json()
                assert pay(client, shopper, checkout).status_code == 200
                submitted = op(client, shopper, "SUBMIT", checkout["checkoutID"])
                assert submitted.status_code == 201, submitted.get_json()
                orders[index] = submitted.get_json()["orderID"]
        time.sleep(0.1)

    assert not waiting, f"{len(waiting)} tickets never resolved after the restart"
    assert sorted(orders) == list(range(UNITS))  # first come, first served, across the crash
    assert sorted(i for i, s in outcome.items() if s == "SOLD_OUT") == list(
        range(UNITS, len(crowd))
    )
    assert store.aggregated(item) == 0
    store.check_invariants()
    with store.engine.begin() as conn:
        from sqlalchemy import text

        conn.execute(text("DELETE FROM waiting_room_items WHERE item_id = :i"), {"i": item})
