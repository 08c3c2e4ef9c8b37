"""SUBMIT and CANCEL exactly as the design write-up sends them: no checkout id (no body,
`{}`, or `{cart: [...]}` for CANCEL) means the shopper's one open checkout; no open
checkout is a 409 `no_open_checkout`; someone else's checkout id is a 404 and leaves it
alone; an `Idempotency-Key` replays the answer of every form.

On checkout's fakes (tests/web/checkout_fast.py): which checkout a form means and how
its outcome becomes a status is decided by the web layer; tests/fakes/
test_checkout_contract.py keeps the fakes honest. The journeys PostgreSQL decides stay in
test_checkout_write_up_forms.py."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, pay, unique_key

pytestmark = pytest.mark.web

CHECKOUT = "/api/v1/checkout"
NO_BODY = None


def post_op(shop, shopper, name: str, body, **headers):
    """The op with `body` as JSON, or with no body at all (None)."""
    if body is NO_BODY:
        return shop.post(f"{CHECKOUT}?op={name}", headers={**shopper.headers, **headers})
    return shop.post(f"{CHECKOUT}?op={name}", json=body, headers={**shopper.headers, **headers})


@pytest.fixture
def stock_item(fast):
    return lambda stock, price=None: fast.new_item(stock)


def begun_and_paid(shop, shopper) -> dict:
    begun = begin(shop, shopper)
    assert begun.status_code == 201, begun.get_json()
    checkout = begun.get_json()
    paid = pay(shop, shopper, checkout)
    assert paid.status_code == 200, paid.get_json()
    return checkout


def test_the_write_up_cart_on_cancel_is_informational_the_open_checkout_is_cancelled(
    shop, api_shopper, stock_item, stock_of
):
    held, other = stock_item(2), stock_item(9)
    shopper = api_shopper({held: 2})
    begun = begin(shop, shopper).get_json()

    cancelled = post_op(shop, shopper, "CANCEL", {"cart": [{"itemID": other, "quantity": 1}]})

    assert cancelled.get_json() == {"checkoutID": begun["checkoutID"], "status": "CANCELLED"}
    assert stock_of(held) == 2 and stock_of(other) == 9


@pytest.mark.parametrize("name", ["SUBMIT", "CANCEL"])
@pytest.mark.parametrize("body", [NO_BODY, {}], ids=["no body", "empty object"])
def test_without_an_open_checkout_submit_and_cancel_are_a_409_no_open_checkout(
    shop, api_shopper, name, body
):
    shopper = api_shopper()  # never began a checkout

    answer = post_op(shop, shopper, name, body)

    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "no_open_checkout"
    assert "no open checkout" in error["message"] and "op=BEGIN" in error["message"]
    assert answer.headers["Cache-Control"] == "private, no-store"


def test_a_checkout_that_ended_is_not_open_any_more(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(3): 1})
    begin(shop, shopper)
    assert post_op(shop, shopper, "CANCEL", NO_BODY).status_code == 200

    for name in ("SUBMIT", "CANCEL"):
        answer = post_op(shop, shopper, name, NO_BODY)
        assert answer.status_code == 409
        assert answer.get_json()["error"]["code"] == "no_open_checkout"


def test_cancel_with_the_write_up_cart_and_nothing_open_is_a_409(shop, api_shopper, stock_item):
    item = stock_item(3)
    shopper = api_shopper({item: 1})

    answer = post_op(shop, shopper, "CANCEL", {"cart": [{"itemID": item, "quantity": 1}]})

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] == "no_open_checkout"


def test_submit_without_an_id_before_paying_is_refused_and_the_hold_stays(
    shop, api_shopper, stock_item, stock_of
):
    item = stock_item(3)
    shopper = api_shopper({item: 1})
    begun = begin(shop, shopper).get_json()

    answer = post_op(shop, shopper, "SUBMIT", NO_BODY)

    assert answer.status_code == 409
    assert answer.get_json()["error"]["code"] != "no_open_checkout"
    state = shop.get(f"{CHECKOUT}/{begun['checkoutID']}", headers=shopper.headers).get_json()
    assert state["status"] == "RESERVED" and stock_of(item) == 2


@pytest.mark.parametrize("name", ["SUBMIT", "CANCEL"])
def test_another_shoppers_checkout_id_is_a_404_and_their_checkout_is_untouched(
    shop, api_shopper, stock_item, stock_of, name
):
    item = stock_item(3)
    alice = api_shopper({item: 1})
    checkout = begun_and_paid(shop, alice)
    mallory = api_shopper({stock_item(3): 1})
    begin(shop, mallory)  # mallory has an open checkout of her own: still not alice's

    answer = post_op(shop, mallory, name, {"checkoutID": checkout["checkoutID"]})

    assert answer.status_code == 404
    state = shop.get(f"{CHECKOUT}/{checkout['checkoutID']}", headers=alice.headers).get_json()
    assert state["status"] == "PAYMENT_AUTHORIZED" and stock_of(item) == 2


def test_an_id_that_is_not_the_open_checkout_never_reaches_the_open_one(
    shop, api_shopper, stock_item, stock_of
):
    item = stock_item(3)
    shopper = api_shopper({item: 1})
    begin(shop, shopper)

    answer = post_op(shop, shopper, "CANCEL", {"checkoutID": "0" * 32})

    assert answer.status_code == 404
    assert stock_of(item) == 2  # the open checkout still holds its unit


def test_an_idempotency_key_replays_cancel_without_an_id(shop, api_shopper, stock_item, stock_of):
    item = stock_item(4)
    shopper = api_shopper({item: 2})
    begun = begin(shop, shopper).get_json()
    key = {"Idempotency-Key": unique_key()}

    first = post_op(shop, shopper, "CANCEL", NO_BODY, **key)
    again = post_op(shop, shopper, "CANCEL", NO_BODY, **key)
    unkeyed = post_op(shop, shopper, "CANCEL", NO_BODY)

    assert first.status_code == again.status_code == 200
    assert again.get_json() == {"checkoutID": begun["checkoutID"], "status": "CANCELLED"}
    assert again.headers["Idempotent-Replayed"] == "true"
    assert unkeyed.status_code == 409  # without the key: nothing is open any more
    assert stock_of(item) == 4


def test_the_same_key_with_another_form_is_a_422(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(4): 1})
    checkout = begun_and_paid(shop, shopper)
    key = {"Idempotency-Key": unique_key()}

    first = post_op(shop, shopper, "SUBMIT", NO_BODY, **key)
    other = post_op(shop, shopper, "SUBMIT", {"checkoutID": checkout["checkoutID"]}, **key)

    assert first.status_code == 201
    assert other.status_code == 422
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"


@pytest.mark.parametrize(
    ("body", "wanted"),
    [
        ({"cart": "everything"}, "cart must be a list"),
        ({"cart": [{"itemID": 1}]}, "cart[0].quantity is required"),
        ({"cart": [{"itemID": "1", "quantity": 1}]}, "cart[0].itemID must be a whole number"),
        ({"cart": [7]}, "cart[0] must be an object"),
        ({"checkoutID": ["x"]}, "checkoutID must be a string"),
    ],
)
def test_a_malformed_cancel_body_is_a_400_and_cancels_nothing(
    shop, api_shopper, stock_item, stock_of, body, wanted
):
    item = stock_item(3)
    shopper = api_shopper({item: 1})
    begin(shop, shopper)

    answer = post_op(shop, shopper, "CANCEL", body)

    assert answer.status_code == 400
    assert wanted in answer.get_json()["error"]["message"]
    assert stock_of(item) == 2


def test_submit_refuses_an_order_id(shop, api_shopper):
    answer = post_op(shop, api_shopper(), "SUBMIT", {"orderID": "f" * 32})

    assert answer.status_code == 400
    assert "orderID is only for CANCEL" in answer.get_json()["error"]["message"]
