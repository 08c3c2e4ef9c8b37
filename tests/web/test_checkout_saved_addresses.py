"""Checkout ships to a saved address (picked on the payment page, or `{"addressID": N}` in
the API), remembers the last one used, saves a new one when asked, and refuses an address
it cannot deliver to with a message per field, before any money moves."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tests.web.checkout_calls import begin, op, payment, wait_for_status
from tests.web.shoppers import register_in_browser

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

BERLIN = {
    "name": "Ada Shopper",
    "line1": "Unter den Linden 1",
    "city": "Berlin",
    "postalCode": "10117",
    "country": "Germany",
}
CARD_FORM = {"card_number": "4242424242424242", "expiry": "12/34", "cvc": "123", "card_name": "Ada"}


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_api_pays_with_a_saved_address_and_the_order_ships_there(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(5): 1})
    saved = shop.post("/api/v1/addresses", json=BERLIN, headers=shopper.headers).get_json()
    checkout = begin(shop, shopper).get_json()
    body = {**payment(), "shippingAddress": {"addressID": saved["addressID"]}}

    paid = shop.post(checkout["paymentInputURL"], json=body, headers=shopper.headers)

    assert paid.status_code == 200, paid.get_json()
    placed = op(shop, shopper, "SUBMIT", checkout["checkoutID"])
    assert placed.status_code == 201, placed.get_json()
    order = shop.get(f"/api/v1/orders/{placed.get_json()['orderID']}", headers=shopper.headers)
    assert order.get_json()["shippingAddress"]["city"] == "Berlin"
    assert order.get_json()["shippingAddress"]["country"] == "DE"
    book = shop.get("/api/v1/addresses", headers=shopper.headers).get_json()["addresses"]
    assert book[0]["lastUsedAt"] is not None


def test_an_address_we_cannot_deliver_to_is_refused_per_field_before_paying(
    shop, api_shopper, stock_item
):
    shopper = api_shopper({stock_item(5): 1})
    checkout = begin(shop, shopper).get_json()
    body = payment()
    body["shippingAddress"] = {**body["shippingAddress"], "country": "Narnia", "city": ""}

    refused = shop.post(checkout["paymentInputURL"], json=body, headers=shopper.headers)

    assert refused.status_code == 422
    error = refused.get_json()["error"]
    assert error["code"] == "invalid_address"
    assert set(error["fields"]) == {"country", "city"}
    state = wait_for_status(shop, shopper, checkout["checkoutID"], "RESERVED", seconds=10)
    assert state["status"] == "RESERVED"  # nothing authorised: the shopper can fix it


def test_a_zip_code_that_does_not_exist_is_refused(shop, api_shopper, stock_item):
    shopper = api_shopper({stock_item(5): 1})
    checkout = begin(shop, shopper).get_json()
    body = payment()
    body["shippingAddress"] = {**body["shippingAddress"], "postalCode": "00000"}

    refused = shop.post(checkout["paymentInputURL"], json=body, headers=shopper.headers)

    assert refused.status_code == 422
    assert "ZIP code 00000" in refused.get_json()["error"]["fields"]["postalCode"]


def test_another_shoppers_saved_address_cannot_be_shipped_to(shop, api_shopper, stock_item):
    owner = api_shopper()
    theirs = shop.post("/api/v1/addresses", json=BERLIN, headers=owner.headers).get_json()
    shopper = api_shopper({stock_item(5): 1})
    checkout = begin(shop, shopper).get_json()
    body = {**payment(), "shippingAddress": {"addressID": theirs["addressID"]}}

    refused = shop.post(checkout["paymentInputURL"], json=body, headers=shopper.headers)

    assert refused.status_code == 422
    assert "addressID" in refused.get_json()["error"]["fields"]


def test_the_payment_page_offers_saved_addresses_and_remembers_the_last_used(store, stock_item):
    browser = register_in_browser(store.test_client())
    browser.post("/account/addresses", {**BERLIN})
    browser.post(
        "/account/addresses",
        {
            "name": "Ada",
            "line1": "1 Main St",
            "city": "Seattle",
            "postalCode": "98101",
            "country": "US",
        },
    )
    ids = [
        int(i) for i in re.findall(r'data-address-id="(\d+)"', html(browser.client.get("/account")))
    ]
    seattle, berlin = ids  # newest first while neither has been used

    browser.post("/cart/add", {"item_id": stock_item(5), "quantity": 1}, htmx=True)
    path = browser.post("/checkout", htmx=True).headers["HX-Redirect"]
    form = html(browser.client.get(path))
    assert f'name="address_id" value="{seattle}" checked' in form
    assert "Unter den Linden 1" in form and "A new address" in form

    paid = browser.post(path + "/payment", {**CARD_FORM, "address_id": str(berlin)}, htmx=True)
    order_path = paid.headers["HX-Redirect"]
    order = html(browser.client.get(order_path))
    assert "Unter den Linden 1" in order and "10117 Berlin" in order

    browser.post("/cart/add", {"item_id": stock_item(5), "quantity": 1}, htmx=True)
    path = browser.post("/checkout", htmx=True).headers["HX-Redirect"]
    form = html(browser.client.get(path))
    assert f'name="address_id" value="{berlin}" checked' in form
    assert "last used" in form


def test_a_new_address_typed_at_checkout_is_saved_when_asked(store, stock_item):
    browser = register_in_browser(store.test_client())
    browser.post("/cart/add", {"item_id": stock_item(5), "quantity": 1}, htmx=True)
    path = browser.post("/checkout", htmx=True).headers["HX-Redirect"]
    typed = {
        "ship_name": "Ada Shopper",
        "line1": "10 Downing St",
        "city": "London",
        "postal_code": "sw1a 2aa",
        "country": "United Kingdom",
    }

    wrong = browser.post(path + "/payment", {**CARD_FORM, **typed, "postal_code": "123"}, htmx=True)
    assert wrong.status_code == 422
    assert 'data-test="field-error-postalCode"' in html(wrong)
    assert "looks like SW1A 1AA" in html(wrong)

    paid = browser.post(path + "/payment", {**CARD_FORM, **typed, "save_address": "1"}, htmx=True)
    assert paid.headers["HX-Redirect"].startswith("/orders/")
    book = html(browser.client.get("/account"))
    assert "10 Downing St" in book and "SW1A 2AA London" in book and "Last used" in book
