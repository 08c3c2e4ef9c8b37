"""The waiting room through the API, on the real app, a real worker (the waiting room workflow
included), PostgreSQL and Redis: staff switch an item hot, shoppers queue instead of
holding, the admitted one buys, a released hold or a lapsed window admits the next, and
a sold-out item tells everyone waiting."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.web.checkout_calls import op, pay
from tests.web.waiting_room_calls import join, make_hot, ticket_status, until

pytest_plugins = ["tests.web.waiting_room_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]


def _status(client, shopper, place) -> str:
    return ticket_status(client, shopper, place["statusURL"])["status"]


def test_only_staff_switch_an_item_hot_and_bad_input_is_refused(
    hot_client, staff, shoppers, new_item, checkout_engine
):
    item = new_item(5)
    (shopper,) = shoppers(1)
    url = f"/api/v1/items/{item}/hot"

    assert hot_client.put(url, json={"enabled": True}).status_code == 401
    refused = hot_client.put(url, json={"enabled": True}, headers=shopper.headers)
    assert refused.status_code == 403
    assert refused.get_json()["error"]["message"]

    switched = make_hot(hot_client, staff, item)
    assert switched["hot"] is True and switched["waitingRoomWorkflowID"] == f"waiting-room-{item}"
    assert switched["waitingRoomRunning"] is True
    listed = hot_client.get("/api/v1/waiting-rooms", headers=staff.headers).get_json()["items"]
    assert item in [row["itemID"] for row in listed]
    assert hot_client.get("/api/v1/waiting-rooms", headers=shopper.headers).status_code == 403

    for body in ({"enabled": "yes"}, {"enabled": 1}, {}, {"enabled": None}):
        answer = hot_client.put(url, json=body, headers=staff.headers)
        assert answer.status_code == 400, body
    for bad in ("abc", "0", "-1", "1.5", "99999999999999999999", "²"):
        answer = hot_client.put(
            f"/api/v1/items/{bad}/hot", json={"enabled": True}, headers=staff.headers
        )
        assert answer.status_code in (400, 404), bad
    malformed = hot_client.put(
        url, data="{nope", headers={**staff.headers, "Content-Type": "application/json"}
    )
    assert malformed.status_code == 400
    unknown = hot_client.put(
        "/api/v1/items/799999/hot", json={"enabled": True}, headers=staff.headers
    )
    assert unknown.status_code == 404

    assert make_hot(hot_client, staff, item, enabled=False)["hot"] is False
    with checkout_engine.connect() as conn:
        assert (
            conn.execute(
                text("SELECT count(*) FROM waiting_room_items WHERE item_id = :i"), {"i": item}
            ).scalar_one()
            == 0
        )


def test_a_waiting_rooms_shoppers_wait_in_line_and_only_the_admitted_one_holds_stock(
    hot_client, staff, shoppers, new_item, stock_of, assert_checkout_invariants
):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    first, second = shoppers(2)

    joined = join(hot_client, first, item)
    assert joined.status_code == 202, joined.get_json()
    place = joined.get_json()
    assert {"ticketID", "position", "estimatedWaitSeconds", "statusURL", "status"} <= set(place)
    assert joined.headers["Cache-Control"] == "private, no-store"
    again = join(hot_client, first, item).get_json()
    assert again["ticketID"] == place["ticketID"]  # joining twice: the same ticket
    assert stock_of(item) == 1  # a place in line holds nothing

    until(lambda: _status(hot_client, first, place) == "ADMITTED", what="first admitted")
    admitted = ticket_status(hot_client, first, place["statusURL"])
    assert admitted["admittedUntil"] and admitted["position"] is None
    assert stock_of(item) == 1  # admission holds nothing either

    # The second shopper waits: the one unit is promised to the first.
    waiting = join(hot_client, second, item).get_json()
    assert waiting["status"] == "WAITING" and waiting["position"] == 1
    assert waiting["estimatedWaitSeconds"] >= 1
    # Not theirs to read or use; their own waiting ticket does not hold anything.
    assert hot_client.get(place["statusURL"], headers=second.headers).status_code == 404
    assert hot_client.get(place["statusURL"]).status_code == 401
    stolen = join(hot_client, second, item, ticketID=place["ticketID"])
    assert stolen.status_code == 404
    still = join(hot_client, second, item, ticketID=waiting["ticketID"])
    assert still.status_code == 202 and still.get_json()["status"] == "WAITING"
    assert stock_of(item) == 1

    begun = join(hot_client, first, item, ticketID=place["ticketID"])
    assert begun.status_code == 201, begun.get_json()
    assert stock_of(item) == 0
    repeated = join(hot_client, first, item, ticketID=place["ticketID"])
    assert repeated.status_code == 201
    assert repeated.get_json()["checkoutID"] == begun.get_json()["checkoutID"]
    without_ticket = join(hot_client, first, item)  # back from the cart page: the same hold
    assert without_ticket.status_code == 201
    assert without_ticket.get_json()["checkoutID"] == begun.get_json()["checkoutID"]

    # The first pays and submits: nothing left, nothing held: the second is sold out.
    checkout = begun.get_json()
    assert pay(hot_client, first, checkout).status_code == 200
    assert op(hot_client, first, "SUBMIT", checkout["checkoutID"]).status_code == 201
    until(lambda: _status(hot_client, second, waiting) == "SOLD_OUT", what="second told sold out")
    late = join(hot_client, shoppers(1)[0], item).get_json()
    assert late["status"] == "SOLD_OUT"  # a newcomer is told at once
    refused = join(hot_client, second, item, ticketID=waiting["ticketID"])
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "sold_out"
    assert stock_of(item) == 0
    assert_checkout_invariants()


def test_a_released_hold_admits_the_next_shopper(
    hot_client, staff, shoppers, new_item, stock_of, assert_checkout_invariants
):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    first, second = shoppers(2)
    place = join(hot_client, first, item).get_json()
    until(lambda: _status(hot_client, first, place) == "ADMITTED", what="first admitted")
    waiting = join(hot_client, second, item).get_json()
    begun = join(hot_client, first, item, ticketID=place["ticketID"]).get_json()

    cancelled = op(hot_client, first, "CANCEL", begun["checkoutID"])
    assert cancelled.status_code == 200
    until(lambda: _status(hot_client, second, waiting) == "ADMITTED", what="second admitted")
    # The first's admission was used: it cannot hold again without queueing.
    used = join(hot_client, first, item, ticketID=place["ticketID"])
    assert used.status_code == 409 and used.get_json()["error"]["code"] == "ticket_used"
    again = join(hot_client, first, item)  # joining again: a new place, behind the second
    assert again.status_code == 202 and again.get_json()["ticketID"] != place["ticketID"]
    assert again.get_json()["status"] == "WAITING"
    second_checkout = join(hot_client, second, item)  # admitted: BEGIN without the ticket works too
    assert second_checkout.status_code == 201, second_checkout.get_json()
    assert stock_of(item) == 0
    assert_checkout_invariants()


def test_an_admission_not_used_in_its_window_expires_and_the_next_is_admitted(
    make_app, checkout_settings, staff, shoppers, new_item, stock_of, assert_checkout_invariants
):
    app = make_app(
        replace(
            checkout_settings,
            admission_window_seconds=1,
            waiting_room_admission_rate=50.0,
            waiting_room_tick_ms=100,
        )
    )
    client = app.test_client()
    item = new_item(1)
    make_hot(client, staff, item)
    first, second = shoppers(2)
    place = join(client, first, item).get_json()
    waiting = join(client, second, item).get_json()

    until(lambda: _status(client, first, place) == "EXPIRED", what="first expired")
    until(lambda: _status(client, second, waiting) in ("ADMITTED", "EXPIRED"), what="second let in")
    late = join(client, first, item, ticketID=place["ticketID"])
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "admission_expired"
    assert stock_of(item) == 1  # nobody held anything
    rejoined = join(client, first, item).get_json()
    assert rejoined["ticketID"] != place["ticketID"]  # a new place at the back
    make_hot(client, staff, item, enabled=False)
    assert_checkout_invariants()


def test_switching_an_item_off_lets_everyone_waiting_through(
    hot_client, staff, shoppers, new_item, stock_of
):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    first, second, third = shoppers(3)
    places = [join(hot_client, s, item).get_json() for s in (first, second, third)]
    until(lambda: _status(hot_client, first, places[0]) == "ADMITTED", what="first admitted")

    switched = make_hot(hot_client, staff, item, enabled=False)
    assert switched["released"] >= 1
    assert _status(hot_client, third, places[2]) == "ADMITTED"
    begun = join(hot_client, third, item)  # an ordinary checkout again
    assert begun.status_code == 201
    assert stock_of(item) == 0


def test_hostile_waiting_room_input_gets_a_4xx(hot_client, staff, shoppers, new_item):
    item = new_item(3)
    other = new_item(3)
    make_hot(hot_client, staff, item)
    make_hot(hot_client, staff, other)
    (shopper,) = shoppers(1)
    for ticket in (123, True, ["x"], {"a": 1}, "", "x" * 500):
        answer = join(hot_client, shopper, item, ticketID=ticket)
        assert answer.status_code == 400, ticket
    for ticket in ("nope", f"{item}-" + "0" * 32, f"{other}-" + "z" * 32, "../../etc"):
        answer = join(hot_client, shopper, item, ticketID=ticket)
        assert answer.status_code == 404, ticket
    place = join(hot_client, shopper, other).get_json()
    wrong_item = join(hot_client, shopper, item, ticketID=place["ticketID"])
    assert wrong_item.status_code == 422
    both = hot_client.post(
        "/api/v1/checkout?op=BEGIN",
        json={"cart": [{"itemID": item, "quantity": 1}, {"itemID": other, "quantity": 1}]},
        headers=shopper.headers,
    )
    assert both.status_code == 422 and both.get_json()["error"]["code"] == "several_waiting_rooms"
    for path in ("nope", "1-" + "a" * 32, "%00", "x" * 300):
        answer = hot_client.get(f"/api/v1/waiting-room/tickets/{path}", headers=shopper.headers)
        assert answer.status_code == 404, path
