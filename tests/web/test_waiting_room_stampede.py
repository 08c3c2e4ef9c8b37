"""A flash sale through the waiting room: 300 shoppers join for 30 units. Exactly 30
orders, admitted strictly in join order, everyone else told SOLD_OUT, I1-I3 hold."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from db.redis.waiting_room import WaitingRoom
from tests.web.checkout_calls import op, pay
from tests.web.waiting_room_calls import join, make_hot

pytest_plugins = ["tests.web.waiting_room_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]

SHOPPERS = 300
UNITS = 30


def test_300_shoppers_for_30_units_make_30_orders_in_join_order_and_the_rest_are_sold_out(
    hot_store, staff, shoppers, new_item, stock_of, checkout_engine, assert_checkout_invariants
):
    client = hot_store.test_client()
    item = new_item(UNITS)
    make_hot(client, staff, item)
    crowd = shoppers(SHOPPERS)

    places = []
    for shopper in crowd:  # join order = list order
        joined = join(client, shopper, item)
        assert joined.status_code == 202, joined.get_json()
        places.append(joined.get_json())
    assert stock_of(item) == UNITS  # a line holds nothing

    orders: dict[int, str] = {}
    outcome: dict[int, str] = {}
    failures: list[str] = []

    def buy(index: int) -> None:
        shopper, place = crowd[index], places[index]
        buyer = hot_store.test_client()
        begun = join(buyer, shopper, item, ticketID=place["ticketID"])
        if begun.status_code != 201:
            failures.append(f"{index}: BEGIN {begun.status_code} {begun.get_json()}")
            return
        checkout = begun.get_json()
        paid = pay(buyer, shopper, checkout)
        submitted = op(buyer, shopper, "SUBMIT", checkout["checkoutID"])
        if paid.status_code != 200 or submitted.status_code != 201:
            failures.append(f"{index}: pay {paid.status_code} submit {submitted.status_code}")
            return
        orders[index] = submitted.get_json()["orderID"]

    waiting = set(range(SHOPPERS))
    deadline = time.monotonic() + 300  # a generous bound, not a timing
    with ThreadPoolExecutor(16) as buyers:
        while waiting and time.monotonic() < deadline:
            for index in sorted(waiting):
                status = client.get(places[index]["statusURL"], headers=crowd[index].headers)
                state = status.get_json()["status"]
                if state == "WAITING":
                    continue
                waiting.discard(index)
                outcome[index] = state
                if state == "ADMITTED":
                    buyers.submit(buy, index)
            time.sleep(0.1)
    assert not waiting, f"{len(waiting)} shoppers never heard how it ended"
    assert not failures, failures

    admitted = sorted(i for i, state in outcome.items() if state == "ADMITTED")
    assert len(orders) == UNITS and sorted(orders) == admitted
    assert admitted == list(range(UNITS))  # nobody overtook anybody
    sold_out = sorted(i for i, state in outcome.items() if state == "SOLD_OUT")
    assert sold_out == list(range(UNITS, SHOPPERS))
    room = WaitingRoom(hot_store.extensions["shopflow"].redis)
    deadlines = [room.ticket(places[i]["ticketID"]).admitted_until_ms for i in admitted]
    assert deadlines == sorted(deadlines)  # admitted in join order, not just the right set
    assert stock_of(item) == 0
    assert_checkout_invariants()
