"""`/api/v1/checkout` through the real app, a real worker and real PostgreSQL: a shopper
begins, pays and submits; stock moves exactly once; a declined card can be retried;
cancelling gives the stock back; the answers keep the documented shape.

Which checkout BEGIN gives and the 409 of a step out of order run on checkout's fakes in
test_checkout_api_states_fast.py."""

from __future__ import annotations

import re

import pytest

from tests.web.checkout_calls import (
    APPROVED,
    DECLINED,
    begin,
    op,
    payment,
    run_together,
    wait_for_status,
)

pytest_plugins = ["tests.web.checkout_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


def test_a_shopper_begins_pays_and_submits_and_the_order_is_in_their_orders(
    shop, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    item = stock_item(5, price=1_999, name="Trail Mug")
    shopper = api_shopper({item: 2})

    begun = begin(shop, shopper)
    assert begun.status_code == 201, begun.get_json()
    checkout = begun.get_json()
    assert begun.headers["Cache-Control"] == "private, no-store"
    assert set(checkout) == {
        "checkoutID", "paymentInputURL", "expiresAt", "status", "lines", "total"
    }  # fmt: skip
    assert checkout["paymentInputURL"] == f"/api/v1/checkout/{checkout['checkoutID']}/payment"
    assert ISO_UTC.match(checkout["expiresAt"])
    assert checkout["status"] == "RESERVED"
    assert checkout["lines"] == [
        {"itemID": item, "name": "Trail Mug", "quantity": 2, "unitPrice": 1_999}
    ]
    assert checkout["total"] == 3_998
    assert stock_of(item) == 3

    paid = shop.post(checkout["paymentInputURL"], json=payment(APPROVED), headers=shopper.headers)
    assert paid.status_code == 200, paid.get_json()
    assert paid.get_json() == {
        "checkoutID": checkout["checkoutID"],
        "status": "PAYMENT_AUTHORIZED",
        "card": {"brand": "visa", "last4": "4242"},
    }

    submitted = op(shop, shopper, "SUBMIT", checkout["checkoutID"])
    assert submitted.status_code == 201, submitted.get_json()
    placed = submitted.get_json()
    assert placed["status"] == "PENDING" and placed["total"] == 3_998

    orders = shop.get("/api/v1/orders", headers=shopper.headers).get_json()["orders"]
    assert [o["orderID"] for o in orders] == [placed["orderID"]]
    assert orders[0]["cart"] == checkout["lines"]
    assert stock_of(item) == 3  # decremented once, at BEGIN; the order consumed the hold
    assert shop.get("/api/v1/cart", headers=shopper.headers).get_json()["items"] == []
    state = shop.get(f"/api/v1/checkout/{checkout['checkoutID']}", headers=shopper.headers)
    assert state.get_json()["status"] == "SUBMITTED"
    assert state.get_json()["orderID"] == placed["orderID"]
    assert_checkout_invariants()


def test_a_double_click_on_begin_holds_the_stock_once(
    shop, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    item = stock_item(4)
    shopper = api_shopper({item: 3})

    first = begin(shop, shopper)
    second = begin(shop, shopper)

    assert first.status_code == second.status_code == 201
    assert first.get_json()["checkoutID"] == second.get_json()["checkoutID"]
    assert stock_of(item) == 1
    assert_checkout_invariants()


def test_two_tabs_beginning_at_the_same_moment_share_one_checkout(
    store, api_shopper, stock_item, stock_of
):
    item = stock_item(10)
    shopper = api_shopper({item: 2})
    answers = run_together(store, [lambda client: begin(client, shopper)] * 4)

    assert [a.status_code for a in answers] == [201] * 4
    assert len({a.get_json()["checkoutID"] for a in answers}) == 1
    assert stock_of(item) == 8


def test_a_declined_card_gets_a_402_and_another_card_works_while_the_hold_lasts(
    shop, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    item = stock_item(3)
    shopper = api_shopper({item: 1})
    checkout = begin(shop, shopper).get_json()

    declined = shop.post(
        checkout["paymentInputURL"], json=payment(DECLINED), headers=shopper.headers
    )
    assert declined.status_code == 402
    error = declined.get_json()["error"]
    assert error["code"] == "card_declined"
    assert error["message"].startswith("Your card was declined")
    state = shop.get(f"/api/v1/checkout/{checkout['checkoutID']}", headers=shopper.headers)
    assert state.get_json()["status"] == "RESERVED"
    assert state.get_json()["lastPaymentError"].startswith("Your card was declined")

    paid = shop.post(checkout["paymentInputURL"], json=payment(APPROVED), headers=shopper.headers)
    assert paid.status_code == 200, paid.get_json()
    submitted = op(shop, shopper, "SUBMIT", checkout["checkoutID"])
    assert submitted.status_code == 201
    assert stock_of(item) == 2
    assert_checkout_invariants()


def test_submitting_twice_gives_the_same_order(shop, api_shopper, stock_item, checkout_engine):
    shopper = api_shopper({stock_item(3): 1})
    checkout = begin(shop, shopper).get_json()
    shop.post(checkout["paymentInputURL"], json=payment(), headers=shopper.headers)

    first = op(shop, shopper, "SUBMIT", checkout["checkoutID"])
    second = op(shop, shopper, "SUBMIT", checkout["checkoutID"])

    assert first.status_code == second.status_code == 201
    assert first.get_json() == second.get_json()
    assert count_orders(checkout_engine, checkout["checkoutID"]) == 1


def test_cancelling_gives_the_stock_back_at_once_and_ends_the_checkout(
    shop, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    item = stock_item(6)
    shopper = api_shopper({item: 4})
    checkout = begin(shop, shopper).get_json()
    assert stock_of(item) == 2

    cancelled = op(shop, shopper, "CANCEL", checkout["checkoutID"])

    assert cancelled.status_code == 200
    assert cancelled.headers["Cache-Control"] == "private, no-store"
    assert cancelled.get_json() == {"checkoutID": checkout["checkoutID"], "status": "CANCELLED"}
    assert stock_of(item) == 6
    assert op(shop, shopper, "CANCEL", checkout["checkoutID"]).status_code == 200  # twice: fine
    late = shop.post(checkout["paymentInputURL"], json=payment(), headers=shopper.headers)
    assert late.status_code == 409 and "cancelled" in late.get_json()["error"]["message"]
    assert op(shop, shopper, "SUBMIT", checkout["checkoutID"]).status_code == 409
    assert_checkout_invariants()


def test_without_its_run_note_only_the_latest_checkout_is_found_never_a_wrong_one(
    store, shop, api_shopper, stock_item
):
    shopper = api_shopper({stock_item(5): 1})
    old = begin(shop, shopper).get_json()
    op(shop, shopper, "CANCEL", old["checkoutID"])
    current = begin(shop, shopper).get_json()
    store.extensions["shopflow"].redis.delete(
        *(f"checkout:run:{c['checkoutID']}" for c in (old, current))
    )  # Redis flushed, or the note never written

    assert (
        shop.get(f"/api/v1/checkout/{old['checkoutID']}", headers=shopper.headers).status_code
        == 404
    )
    wrong = shop.post(old["paymentInputURL"], json=payment(), headers=shopper.headers)
    assert wrong.status_code == 404  # and above all: the current checkout was not paid
    state = shop.get(f"/api/v1/checkout/{current['checkoutID']}", headers=shopper.headers)
    assert state.status_code == 200 and state.get_json()["card"] is None
    paid = shop.post(current["paymentInputURL"], json=payment(), headers=shopper.headers)
    assert paid.status_code == 200, paid.get_json()


def test_begin_reports_every_line_that_ran_short_and_holds_nothing(
    shop, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    plenty, few, gone = stock_item(10), stock_item(5), stock_item(3)
    shopper = api_shopper({plenty: 2, few: 4, gone: 3})
    with checkout_engine_of(shop).begin() as conn:  # others bought since they were added
        conn.exec_driver_sql(f"UPDATE aggregated_stock SET stock = 1 WHERE item_id = {few}")
        conn.exec_driver_sql(f"UPDATE aggregated_stock SET stock = 0 WHERE item_id = {gone}")
        conn.exec_driver_sql(
            "UPDATE warehouse_stock SET available_stock = 1, physical_stock = 1 "
            f"WHERE item_id = {few}"
        )
        conn.exec_driver_sql(
            "UPDATE warehouse_stock SET available_stock = 0, physical_stock = 0 "
            f"WHERE item_id = {gone}"
        )

    short = begin(shop, shopper)

    assert short.status_code == 409
    assert short.headers["Cache-Control"] == "private, no-store"
    error = short.get_json()["error"]
    assert error["code"] == "out_of_stock" and error["message"]
    assert error["lines"] == [
        {"itemID": few, "asked": 4, "left": 1},
        {"itemID": gone, "asked": 3, "left": 0},
    ]
    assert (stock_of(plenty), stock_of(few), stock_of(gone)) == (10, 1, 0)
    assert_checkout_invariants()


def test_a_hold_that_runs_out_gives_the_stock_back_and_refuses_payment(
    make_store, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    quick = make_store(reservation_ttl_seconds=2).test_client()
    item = stock_item(5)
    shopper = api_shopper({item: 2})
    checkout = begin(quick, shopper).get_json()
    assert stock_of(item) == 3

    state = wait_for_status(quick, shopper, checkout["checkoutID"], "EXPIRED", seconds=10)

    assert state["status"] == "EXPIRED"
    assert stock_of(item) == 5
    late = quick.post(checkout["paymentInputURL"], json=payment(), headers=shopper.headers)
    assert late.status_code == 409
    assert "expired" in late.get_json()["error"]["message"]
    assert_checkout_invariants()


def test_checkout_answers_503_with_a_message_when_temporal_is_down(
    make_store, api_shopper, stock_item
):
    from stack.ports import free_ports

    (closed_port,) = free_ports(1)
    down = make_store(temporal_address=f"127.0.0.1:{closed_port}").test_client()
    shopper = api_shopper({stock_item(5): 1})

    answer = begin(down, shopper)

    assert answer.status_code == 503
    assert answer.get_json()["error"]["message"].startswith("Checkout is unavailable")
    assert answer.headers["Cache-Control"] == "private, no-store"


# --- helpers -------------------------------------------------------------------------


def checkout_engine_of(client):
    return client.application.extensions["shopflow"].engine


def count_orders(engine, checkout_id: str) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql(
            "SELECT count(*) FROM orders WHERE checkout_id = %s", (checkout_id,)
        ).scalar_one()
