"""BEGIN again after changing the cart holds the cart as it is now; the same cart
again (a double click, a second tab) keeps the one hold; a checkout being paid for is
never swapped from under the shopper."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, pay

pytest_plugins = ["tests.web.checkout_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]


def add(shop, shopper, item_id: int, quantity: int = 1):
    return shop.patch(
        "/api/v1/cart?op=ADD",
        json={"itemID": item_id, "quantity": quantity},
        headers=shopper.headers,
    )


def test_beginning_again_after_changing_the_cart_holds_the_new_cart_instead(
    shop, api_shopper, stock_item, stock_of, assert_checkout_invariants
):
    kettle, mug = stock_item(5), stock_item(5)
    shopper = api_shopper({kettle: 2})
    first = begin(shop, shopper).get_json()
    assert add(shop, shopper, mug).status_code == 200

    second = begin(shop, shopper)

    assert second.status_code == 201
    again = second.get_json()
    assert again["checkoutID"] != first["checkoutID"]
    assert {(line["itemID"], line["quantity"]) for line in again["lines"]} == {
        (kettle, 2),
        (mug, 1),
    }
    old = shop.get(f"/api/v1/checkout/{first['checkoutID']}", headers=shopper.headers).get_json()
    assert old["status"] == "CANCELLED"
    assert (stock_of(kettle), stock_of(mug)) == (3, 4)  # the kettles are held once, not twice
    assert_checkout_invariants()


def test_the_same_cart_begun_twice_keeps_its_one_hold(shop, api_shopper, stock_item, stock_of):
    kettle = stock_item(5)
    shopper = api_shopper({kettle: 2})

    first, second = begin(shop, shopper).get_json(), begin(shop, shopper).get_json()

    assert first["checkoutID"] == second["checkoutID"]
    assert stock_of(kettle) == 3


def test_a_checkout_already_paid_for_is_not_replaced_by_a_changed_cart(
    shop, api_shopper, stock_item, stock_of
):
    kettle, mug = stock_item(5), stock_item(5)
    shopper = api_shopper({kettle: 1})
    first = begin(shop, shopper).get_json()
    assert pay(shop, shopper, first).status_code == 200
    add(shop, shopper, mug)

    second = begin(shop, shopper).get_json()

    assert second["checkoutID"] == first["checkoutID"]
    assert second["status"] == "PAYMENT_AUTHORIZED"
    assert (stock_of(kettle), stock_of(mug)) == (4, 5)
