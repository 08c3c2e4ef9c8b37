"""`/api/v1/checkout`'s states through the app on checkout's fakes
(tests/web/checkout_fast.py): which checkout BEGIN gives, and the 409 of a step out of
order, are the web's answers to the port's outcomes; tests/fakes/
test_checkout_contract.py keeps the fakes honest. The journeys where the worker,
PostgreSQL or a race decides stay in test_checkout_api.py."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, op, payment

pytestmark = pytest.mark.web


def test_a_second_begin_naming_other_lines_replaces_the_unpaid_checkout(
    shop, api_shopper, stock_item, stock_of
):
    first_item, other_item = stock_item(5), stock_item(5)
    shopper = api_shopper({first_item: 1})
    first = begin(shop, shopper).get_json()

    again = begin(shop, shopper, {"cart": [{"itemID": other_item, "quantity": 2}]})

    assert again.status_code == 201
    assert again.get_json()["checkoutID"] != first["checkoutID"]
    assert [(line["itemID"], line["quantity"]) for line in again.get_json()["lines"]] == [
        (other_item, 2)
    ]
    assert (stock_of(first_item), stock_of(other_item)) == (5, 3)


def test_submitting_before_paying_is_a_409(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(3): 1})
    checkout = begin(shop, shopper).get_json()

    early = op(shop, shopper, "SUBMIT", checkout["checkoutID"])

    assert early.status_code == 409
    assert "payment" in early.get_json()["error"]["message"].lower()


def test_after_a_checkout_ends_the_next_begin_starts_a_new_one(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(5): 1})
    first = begin(shop, shopper).get_json()
    op(shop, shopper, "CANCEL", first["checkoutID"])

    second = begin(shop, shopper)

    assert second.status_code == 201
    assert second.get_json()["checkoutID"] != first["checkoutID"]
    old = shop.get(f"/api/v1/checkout/{first['checkoutID']}", headers=shopper.headers)
    assert old.status_code == 200 and old.get_json()["status"] == "CANCELLED"
    late = shop.post(first["paymentInputURL"], json=payment(), headers=shopper.headers)
    assert late.status_code == 409  # the old checkout, not the new one, and it is over


def test_begin_can_name_the_lines_instead_of_using_the_cart(shop, api_shopper, stock_item):
    item = stock_item(5, price=700)
    shopper = api_shopper()  # nothing in the cart

    begun = begin(
        shop, shopper, {"cart": [{"itemID": item, "quantity": 1}, {"itemID": item, "quantity": 2}]}
    )

    assert begun.status_code == 201, begun.get_json()
    assert [(line["itemID"], line["quantity"]) for line in begun.get_json()["lines"]] == [(item, 3)]
    assert begun.get_json()["total"] == 2_100
