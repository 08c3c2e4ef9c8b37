"""`POST /api/v1/checkout?op=CANCEL {orderID}`: cancel an order through its workflow
until anything ships, on real fulfilment: the stock comes back, races have one winner, an
ended or missing workflow and an unreachable Temporal are answered honestly. Every bad
body and the refusals decided from the order row run on the fakes
(test_orders_cancel_outcomes.py)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from tests.web.checkout_calls import run_together
from tests.web.test_orders_api import insert_order

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1  # the warehouse tests/web/checkout_fixtures.py creates
CANCEL = "/api/v1/checkout?op=CANCEL"


def cancel(client, shopper, order_id):
    return client.post(CANCEL, json={"orderID": order_id}, headers=shopper.headers)


@pytest.fixture
def split_order(shop, api_shopper, item_in, portland, fulfilment):
    """Three lamps from Seattle and one mug from Portland, assigned to both."""
    lamp = item_in(SEATTLE, 10, price=4_200, name="Desk Lamp")
    mug = item_in(portland, 4, price=900, name="Blue Mug")
    shopper = api_shopper({lamp: 3, mug: 1})
    order_id = fulfilment.place(shop, shopper)
    detail = fulfilment.wait_for_parcels(shop, shopper, order_id, count=2)
    return shopper, order_id, detail, lamp, mug


def test_a_shopper_cancels_an_order_before_anything_ships_and_the_stock_comes_back(
    shop, split_order, fulfilment, stock_of, checkout_engine, assert_checkout_invariants
):
    shopper, order_id, detail, lamp, mug = split_order
    assert (stock_of(lamp), stock_of(mug)) == (7, 3)

    answer = cancel(shop, shopper, order_id)

    assert answer.status_code == 200, answer.get_json()
    assert answer.headers["Cache-Control"] == "private, no-store"
    order = answer.get_json()
    assert order["orderID"] == order_id and order["status"] == "CANCELLED"
    assert order["canCancel"] is False
    assert {suborder["status"] for suborder in order["suborders"]} == {"CANCELLED"}
    events = [entry["event"] for entry in order["timeline"]]
    assert events.index("cancelled") < events.index("refunded")  # answered once refunded
    assert (stock_of(lamp), stock_of(mug)) == (10, 4)
    assert refunds(checkout_engine, order_id) == [detail["total"]]
    assert fulfilment.detail(shop, shopper, order_id)["status"] == "CANCELLED"
    assert_checkout_invariants()


def test_cancelling_an_order_twice_answers_the_cancelled_order_again(
    shop, split_order, stock_of, assert_checkout_invariants
):
    shopper, order_id, _, lamp, _ = split_order

    first = cancel(shop, shopper, order_id)
    second = cancel(shop, shopper, order_id)

    assert first.status_code == second.status_code == 200
    assert second.get_json()["status"] == "CANCELLED"
    assert stock_of(lamp) == 10  # given back once
    assert_checkout_invariants()


def test_a_shopper_cannot_cancel_an_order_once_a_parcel_has_shipped(
    shop, split_order, fulfilment, stock_of, checkout_engine, assert_checkout_invariants
):
    shopper, order_id, detail, lamp, mug = split_order
    (seattle,) = [s for s in detail["suborders"] if s["warehouse"]["name"] == "Seattle"]
    assert fulfilment.ship(seattle["suborderID"]) == "SHIPPED"

    answer = cancel(shop, shopper, order_id)

    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "already_shipped"
    assert (
        "already shipped" in error["message"] and "can no longer be cancelled" in error["message"]
    )
    after = fulfilment.detail(shop, shopper, order_id)
    assert after["status"] == "PENDING"
    assert sorted(s["status"] for s in after["suborders"]) == ["ASSIGNED", "SHIPPED"]
    assert (stock_of(lamp), stock_of(mug)) == (7, 3)
    assert refunds(checkout_engine, order_id) == []
    assert_checkout_invariants()


def test_two_cancels_at_once_both_answer_the_cancelled_order_and_the_stock_comes_back_once(
    store, split_order, stock_of, assert_checkout_invariants
):
    shopper, order_id, _, lamp, mug = split_order

    answers = run_together(store, [lambda c: cancel(c, shopper, order_id)] * 2)

    assert [answer.status_code for answer in answers] == [200, 200]
    assert {answer.get_json()["status"] for answer in answers} == {"CANCELLED"}
    assert (stock_of(lamp), stock_of(mug)) == (10, 4)
    assert_checkout_invariants()


# The race is decided where both meet: the parcel's workflow, which runs either the
# cancel or the shipment, never both. Each side gets there first once, in a known order
# and without sleeps: the shipment's update accepted before the cancel is sent; the
# cancel's signal in the parcel's history before the shipment is sent (while the
# shopper's cancel is still answering). Each test says who wins and what that did.
def test_a_shipment_that_reaches_the_parcel_first_wins_and_the_cancel_is_refused(
    shop, split_order, fulfilment, checkout_engine, stock_of, assert_checkout_invariants
):
    shopper, order_id, detail, lamp, mug = split_order
    (seattle,) = [s for s in detail["suborders"] if s["warehouse"]["name"] == "Seattle"]

    shipped = fulfilment.start_shipping(seattle["suborderID"])
    answer = cancel(shop, shopper, order_id)

    assert shipped() == "SHIPPED"
    assert answer.status_code == 409, answer.get_json()
    assert answer.get_json()["error"]["code"] == "already_shipped"
    after = fulfilment.detail(shop, shopper, order_id)
    parcel = [s for s in after["suborders"] if s["suborderID"] == seattle["suborderID"]][0]
    assert after["status"] == "PENDING" and parcel["status"] == "SHIPPED"
    assert refunds(checkout_engine, order_id) == []  # the shopper keeps paying for the order
    assert (stock_of(lamp), stock_of(mug)) == (7, 3)  # nothing came back to the shelves
    assert_checkout_invariants()


def test_a_cancel_that_reaches_the_parcel_first_wins_and_the_shipment_is_stopped(
    shop, split_order, fulfilment, checkout_engine, stock_of, assert_checkout_invariants
):
    shopper, order_id, detail, lamp, mug = split_order
    (seattle,) = [s for s in detail["suborders"] if s["warehouse"]["name"] == "Seattle"]
    total = detail["total"]
    answers: list = []

    cancelling = threading.Thread(target=lambda: answers.append(cancel(shop, shopper, order_id)))
    cancelling.start()
    fulfilment.wait_until(
        lambda: fulfilment.received_cancel(seattle["suborderID"]),
        what="the order's cancel to reach the Seattle parcel",
    )
    shipped: dict = {}
    try:
        shipped["status"] = fulfilment.ship(seattle["suborderID"])
    except Exception as error:  # judged by _ship_lost_to_the_cancel
        shipped["error"] = error
    cancelling.join(60)
    assert not cancelling.is_alive(), "the cancel never answered"

    assert answers[0].status_code == 200, answers[0].get_json()
    assert _ship_lost_to_the_cancel(shipped), shipped
    after = fulfilment.detail(shop, shopper, order_id)
    parcel = [s for s in after["suborders"] if s["suborderID"] == seattle["suborderID"]][0]
    assert after["status"] == "CANCELLED" and parcel["status"] == "CANCELLED"
    assert refunds(checkout_engine, order_id) == [total]  # every cent back
    assert (stock_of(lamp), stock_of(mug)) == (10, 4)  # every unit back
    assert_checkout_invariants()


def _ship_lost_to_the_cancel(shipped: dict) -> bool:
    """The portal's ship after a winning cancel: answered CANCELLED, or the parcel's
    workflow had already closed (the only error a lost race may give)."""
    from temporalio.service import RPCError, RPCStatusCode

    if "status" in shipped:
        return shipped["status"] == "CANCELLED"
    error = shipped.get("error")
    return isinstance(error, RPCError) and error.status is RPCStatusCode.NOT_FOUND


def refunds(engine, order_id: str) -> list[int]:
    """The amounts the payment gateway's ledger refunded for the order."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT r.amount FROM payment_refunds r "
            "JOIN orders o ON o.payment_reference = r.charge_id WHERE o.id = %s",
            (order_id,),
        )
        return [row.amount for row in rows]


def test_another_shoppers_order_cannot_be_cancelled_and_looks_missing(
    shop, split_order, api_shopper, stock_of
):
    owner, order_id, _, lamp, _ = split_order
    mallory = api_shopper()

    answer = cancel(shop, mallory, order_id)

    assert answer.status_code == 404
    assert answer.get_json()["error"]["message"]
    assert (
        shop.get(f"/api/v1/orders/{order_id}", headers=owner.headers).get_json()["status"]
        == "PENDING"
    )
    assert stock_of(lamp) == 7


def test_an_order_whose_fulfilment_has_not_started_yet_asks_to_try_again(
    shop, api_shopper, stock_item, checkout_engine
):
    shopper = api_shopper()
    order_id = insert_order(checkout_engine, shopper.user_id, stock_item(3), datetime.now(UTC))

    answer = cancel(shop, shopper, order_id)

    assert answer.status_code == 503
    assert "try cancelling again" in answer.get_json()["error"]["message"]


def test_an_order_whose_workflow_was_ended_by_an_operator_is_not_pretended_cancelled(
    shop, split_order, fulfilment, stock_of
):
    shopper, order_id, _, lamp, _ = split_order
    fulfilment.end()  # terminated: nothing would give the stock or the money back

    answer = cancel(shop, shopper, order_id)

    assert answer.status_code == 409
    assert "can no longer be cancelled online" in answer.get_json()["error"]["message"]
    assert fulfilment.detail(shop, shopper, order_id)["status"] == "PENDING"
    assert stock_of(lamp) == 7


def test_cancelling_answers_503_with_a_message_when_temporal_is_down(
    make_store, api_shopper, stock_item, checkout_engine
):
    from stack.ports import free_ports

    (closed_port,) = free_ports(1)
    down = make_store(temporal_address=f"127.0.0.1:{closed_port}").test_client()
    shopper = api_shopper()
    order_id = insert_order(checkout_engine, shopper.user_id, stock_item(3), datetime.now(UTC))

    answer = cancel(down, shopper, order_id)

    assert answer.status_code == 503
    assert "nothing was cancelled" in answer.get_json()["error"]["message"]


def test_a_checkout_id_still_cancels_the_checkout(shop, api_shopper, stock_item, stock_of):
    item = stock_item(4)
    shopper = api_shopper({item: 2})
    begun = shop.post("/api/v1/checkout?op=BEGIN", headers=shopper.headers).get_json()

    answer = shop.post(CANCEL, json={"checkoutID": begun["checkoutID"]}, headers=shopper.headers)

    assert answer.status_code == 200
    assert answer.get_json() == {"checkoutID": begun["checkoutID"], "status": "CANCELLED"}
    assert stock_of(item) == 4
