"""A shopper can never see or act on another shopper's checkout, payment page or order:
every such request is a 404, exactly like an id that does not exist, and changes nothing."""

from __future__ import annotations

import pytest

from tests.web.checkout_calls import begin, op, payment, place_order
from tests.web.shoppers import register_in_browser

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]


@pytest.fixture
def alice_checkout(shop, api_shopper, stock_item):
    alice = api_shopper({stock_item(5): 2})
    return alice, begin(shop, alice).get_json()


def test_another_shoppers_checkout_is_a_404_through_the_api_and_stays_untouched(
    shop, api_shopper, alice_checkout, stock_of
):
    alice, checkout = alice_checkout
    mallory = api_shopper()
    checkout_id = checkout["checkoutID"]

    answers = [
        shop.get(f"/api/v1/checkout/{checkout_id}", headers=mallory.headers),
        shop.post(checkout["paymentInputURL"], json=payment(), headers=mallory.headers),
        op(shop, mallory, "SUBMIT", checkout_id),
        op(shop, mallory, "CANCEL", checkout_id),
    ]

    assert [answer.status_code for answer in answers] == [404] * 4
    assert all("couldn't find" in a.get_json()["error"]["message"] for a in answers)
    state = shop.get(f"/api/v1/checkout/{checkout_id}", headers=alice.headers).get_json()
    assert state["status"] == "RESERVED" and state["card"] is None


def test_another_shoppers_order_is_a_404_and_missing_from_their_list(shop, api_shopper, stock_item):
    alice = api_shopper({stock_item(5): 1})
    order = place_order(shop, alice)
    mallory = api_shopper()

    assert (
        shop.get(f"/api/v1/orders/{order['orderID']}", headers=mallory.headers).status_code == 404
    )
    assert shop.get("/api/v1/orders", headers=mallory.headers).get_json()["orders"] == []
    assert shop.get(f"/api/v1/orders/{order['orderID']}", headers=alice.headers).status_code == 200


def test_another_shoppers_checkout_payment_and_order_pages_are_404(
    store, shop, api_shopper, stock_item
):
    alice = api_shopper({stock_item(5): 1})
    checkout = begin(shop, alice).get_json()
    other = api_shopper({stock_item(5): 1})
    order = place_order(shop, other)
    browser = store.test_client()
    mallory = register_in_browser(browser)
    checkout_page = f"/checkout/{checkout['checkoutID']}"

    pages = [
        browser.get(checkout_page),
        browser.get(checkout_page + "/payment"),
        browser.get(checkout_page, headers={"HX-Request": "true"}),
        browser.get(f"/orders/{order['orderID']}"),
        mallory.post(checkout_page + "/payment", {"card_number": "4242424242424242"}),
        mallory.post(checkout_page + "/cancel"),
    ]

    assert [page.status_code for page in pages] == [404] * 6
    assert "find that checkout" in pages[0].get_data(as_text=True)
    state = shop.get(f"/api/v1/checkout/{checkout['checkoutID']}", headers=alice.headers)
    assert state.get_json()["status"] == "RESERVED"
