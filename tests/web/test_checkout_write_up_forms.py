"""SUBMIT and CANCEL exactly as the design write-up sends them: no checkout id (no body,
`{}`, or `{cart: [...]}` for CANCEL) means the shopper's one open checkout; no open
checkout is a 409 `no_open_checkout`; someone else's checkout id is a 404 and leaves it
alone; an `Idempotency-Key` replays the answer of every form.

On the real stack: the journeys whose outcome PostgreSQL decides (the order placed and
listed, the stock given back, the checkout invariants). What the web decides (409, 404,
400, the replays of the other forms) runs on checkout's fakes in
test_checkout_write_up_forms_fast.py."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, pay, unique_key

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

CHECKOUT = "/api/v1/checkout"
NO_BODY = None


def post_op(shop, shopper, name: str, body, **headers):
    """The op with `body` as JSON, or with no body at all (None)."""
    if body is NO_BODY:
        return shop.post(f"{CHECKOUT}?op={name}", headers={**shopper.headers, **headers})
    return shop.post(f"{CHECKOUT}?op={name}", json=body, headers={**shopper.headers, **headers})


def begun_and_paid(shop, shopper) -> dict:
    begun = begin(shop, shopper)
    assert begun.status_code == 201, begun.get_json()
    checkout = begun.get_json()
    paid = pay(shop, shopper, checkout)
    assert paid.status_code == 200, paid.get_json()
    return checkout


@pytest.mark.parametrize("body", [NO_BODY, {}], ids=["no body", "empty object"])
def test_submit_without_a_checkout_id_places_the_order_of_the_open_checkout(
    shop, api_shopper, stock_item, stock_of, body, assert_checkout_invariants
):
    item = stock_item(5, price=1_250)
    shopper = api_shopper({item: 2})
    checkout = begun_and_paid(shop, shopper)

    submitted = post_op(shop, shopper, "SUBMIT", body)

    assert submitted.status_code == 201, submitted.get_json()
    placed = submitted.get_json()
    assert placed["status"] == "PENDING" and placed["total"] == 2_500
    orders = shop.get("/api/v1/orders", headers=shopper.headers).get_json()["orders"]
    assert [order["orderID"] for order in orders] == [placed["orderID"]]
    state = shop.get(f"{CHECKOUT}/{checkout['checkoutID']}", headers=shopper.headers).get_json()
    assert state["status"] == "SUBMITTED" and state["orderID"] == placed["orderID"]
    assert stock_of(item) == 3
    assert_checkout_invariants()


@pytest.mark.parametrize(
    "body",
    [NO_BODY, {}, "write-up cart"],
    ids=["no body", "empty object", "the write-up's {cart}"],
)
def test_cancel_without_a_checkout_id_cancels_the_open_checkout_and_gives_the_stock_back(
    shop, api_shopper, stock_item, stock_of, body, assert_checkout_invariants
):
    item = stock_item(4)
    shopper = api_shopper({item: 3})
    begun = begin(shop, shopper).get_json()
    assert stock_of(item) == 1
    if body == "write-up cart":
        body = {"cart": [{"itemID": item, "quantity": 3}]}

    cancelled = post_op(shop, shopper, "CANCEL", body)

    assert cancelled.status_code == 200, cancelled.get_json()
    assert cancelled.get_json() == {"checkoutID": begun["checkoutID"], "status": "CANCELLED"}
    assert stock_of(item) == 4
    assert_checkout_invariants()


@pytest.mark.parametrize("body", [NO_BODY, {}], ids=["no body", "empty object"])
def test_an_idempotency_key_replays_submit_without_an_id(
    shop, api_shopper, stock_item, stock_of, body
):
    item = stock_item(4)
    shopper = api_shopper({item: 1})
    begun_and_paid(shop, shopper)
    key = {"Idempotency-Key": unique_key()}

    first = post_op(shop, shopper, "SUBMIT", body, **key)
    again = post_op(shop, shopper, "SUBMIT", body, **key)

    assert first.status_code == again.status_code == 201
    assert again.get_data() == first.get_data()
    assert again.headers["Idempotent-Replayed"] == "true"
    orders = shop.get("/api/v1/orders", headers=shopper.headers).get_json()["orders"]
    assert len(orders) == 1 and stock_of(item) == 3
