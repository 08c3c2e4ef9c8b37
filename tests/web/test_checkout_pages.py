"""Checkout in the browser: "Begin checkout" on the cart page, the checkout page with its
countdown and payment form (full page and htmx fragment), a decline shown in place, a
successful payment landing on the order page, "Cancel checkout", an expired hold, and
the cart page naming each line that ran short.

The fragments, the no-JavaScript redirect, the Luhn refusal and the sign-in redirect are
the pages' answers to checkout's outcomes: they run on the fakes in
test_checkout_pages_fast.py."""

from __future__ import annotations

import re
import time
from html import unescape

import pytest

from tests.web.shoppers import HTMX, register_in_browser

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

CARD_FORM = {
    "expiry": "12/34",
    "cvc": "123",
    "card_name": "Ada Shopper",
    "ship_name": "Ada Shopper",
    "line1": "1 Main St",
    "line2": "",
    "city": "Seattle",
    "postal_code": "98101",
    "country": "US",
}


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def browser(store):
    return register_in_browser(store.test_client())


def fill_cart(browser, cart: dict[int, int]) -> None:
    for item_id, quantity in cart.items():
        added = browser.post("/cart/add", {"item_id": item_id, "quantity": quantity}, htmx=True)
        assert added.status_code == 200, html(added)


def begin_in_browser(browser) -> str:
    """Press "Begin checkout" (htmx): the checkout page's path."""
    begun = browser.post("/checkout", htmx=True)
    assert begun.status_code == 200, html(begun)
    return begun.headers["HX-Redirect"]


def test_the_cart_page_offers_begin_checkout(browser, stock_item):
    fill_cart(browser, {stock_item(5): 1})

    page = html(browser.client.get("/cart"))

    assert 'action="/checkout" method="post"' in page and 'hx-post="/checkout"' in page
    assert "Begin checkout" in page


def test_begin_checkout_holds_the_cart_and_opens_the_checkout_page(browser, stock_item, stock_of):
    item = stock_item(5, price=1_250, name="Camp Stove")
    fill_cart(browser, {item: 2})

    without_js = browser.post("/checkout")

    assert without_js.status_code == 303
    path = without_js.headers["Location"]
    assert re.fullmatch(r"/checkout/[0-9a-f]{32}", path)
    assert begin_in_browser(browser) == path  # a second press: the same checkout
    assert stock_of(item) == 3
    page = html(browser.client.get(path))
    assert page.startswith("<!doctype html>")
    assert "Camp Stove" in page and "$25.00" in page
    assert re.search(r'data-expires-at="\d{4}-\d\d-\d\dT[\d:.]+Z"', page)
    assert re.search(r'data-test="countdown"[^>]*>[45]:\d\d<', page)
    assert 'src="/static/js/countdown.js"' in page
    assert 'id="payment-form"' in page and 'name="card_number"' in page
    assert "Cancel checkout" in page
    assert browser.client.get(path).headers["Cache-Control"] == "private, no-store"


def test_a_declined_card_is_shown_in_place_and_another_card_places_the_order(
    browser, stock_item, stock_of
):
    item = stock_item(4, price=3_000, name="Rain Jacket")
    fill_cart(browser, {item: 1})
    path = begin_in_browser(browser)

    declined = browser.post(
        path + "/payment", {**CARD_FORM, "card_number": "4000 0000 0000 0002"}, htmx=True
    )

    page = html(declined)
    assert declined.status_code == 402
    assert page.lstrip().startswith('<form id="payment-form"')
    assert "Your card was declined. Try another card." in page
    assert "4000 0000 0000 0002" not in page and 'value="Seattle"' in page

    paid = browser.post(
        path + "/payment", {**CARD_FORM, "card_number": "4242424242424242"}, htmx=True
    )

    order_path = paid.headers["HX-Redirect"]
    assert re.fullmatch(r"/orders/[0-9a-f]{32}\?placed=1", order_path)
    order = html(browser.client.get(order_path))
    assert "Thank you, your order is placed." in order
    assert "Rain Jacket" in order and "$30.00" in order and "PENDING" in order
    assert "Visa ending 4242" in order
    assert stock_of(item) == 3
    assert browser.client.get(path).headers["Location"] == order_path.split("?")[0]
    assert "Rain Jacket" in html(browser.client.get("/orders"))


def test_cancel_checkout_gives_the_stock_back_and_says_so(browser, stock_item, stock_of):
    item = stock_item(5)
    fill_cart(browser, {item: 3})
    path = begin_in_browser(browser)
    assert stock_of(item) == 2

    cancelled = browser.post(path + "/cancel", htmx=True)

    page = html(cancelled)
    assert cancelled.status_code == 200
    assert page.lstrip().startswith('<section id="checkout"') and 'data-status="CANCELLED"' in page
    assert "Checkout cancelled. The items were released back into stock" in page
    assert 'id="payment-form"' not in page
    assert stock_of(item) == 5
    assert "Begin checkout" in html(browser.client.get("/cart"))  # the cart is unchanged


def test_when_the_hold_runs_out_the_page_says_the_stock_was_released(
    make_store, stock_item, stock_of
):
    quick = register_in_browser(make_store(reservation_ttl_seconds=2).test_client())
    item = stock_item(5)
    fill_cart(quick, {item: 2})
    path = begin_in_browser(quick)
    assert re.search(r'data-test="countdown"[^>]*>0:0[0-2]<', html(quick.client.get(path)))

    deadline = time.monotonic() + 10
    while 'data-status="EXPIRED"' not in (page := html(quick.client.get(path, headers=HTMX))):
        assert time.monotonic() < deadline, page
        time.sleep(0.25)

    assert "Your hold on these items expired, so they were released back into stock" in page
    # The workflow says EXPIRED first (from then on it refuses a payment), then its
    # release commits: the stock comes back a moment after the page changes.
    while stock_of(item) != 5:
        assert time.monotonic() < deadline + 10, f"stock {stock_of(item)}, not released"
        time.sleep(0.1)
    late = quick.post(
        path + "/payment", {**CARD_FORM, "card_number": "4242424242424242"}, htmx=True
    )
    assert late.status_code == 409 and "expired" in html(late)


def test_begin_checkout_names_every_line_that_ran_short_on_the_cart_page(
    browser, stock_item, stock_of, checkout_engine
):
    plenty, few, gone = stock_item(9), stock_item(5), stock_item(2)
    fill_cart(browser, {plenty: 1, few: 3, gone: 2})
    with checkout_engine.begin() as conn:  # other shoppers bought them meanwhile
        for item, left in ((few, 1), (gone, 0)):
            conn.exec_driver_sql(
                f"UPDATE aggregated_stock SET stock = {left} WHERE item_id = {item}"
            )
            conn.exec_driver_sql(
                f"UPDATE warehouse_stock SET available_stock = {left}, physical_stock = {left} "
                f"WHERE item_id = {item}"
            )

    answer = browser.post("/checkout", htmx=True)

    page = html(answer)
    assert answer.status_code == 409
    assert page.lstrip().startswith('<section id="cart"')
    assert "Since you added it, only 1 left." in page
    assert "Since you added it, this item sold out." in page
    assert "Some items ran out since you added them." in page
    assert (stock_of(plenty), stock_of(few), stock_of(gone)) == (9, 1, 0)
    full = browser.post("/checkout")
    assert full.status_code == 409 and html(full).startswith("<!doctype html>")


def test_a_checkout_paid_through_the_api_offers_place_your_order(browser, stock_item):
    from tests.web.checkout_calls import ApiShopper, pay
    from tests.web.shoppers import PASSWORD, bearer

    fill_cart(browser, {stock_item(4): 1})
    path = begin_in_browser(browser)
    token = browser.client.post(
        "/api/v1/auth/token", json={"email": browser.email, "password": PASSWORD}
    ).get_json()["token"]
    checkout_id = path.rsplit("/", 1)[1]
    api_checkout = {"paymentInputURL": f"/api/v1/checkout/{checkout_id}/payment"}
    shopper = ApiShopper(browser.email, bearer(token), user_id=0)  # the same shopper, by API
    assert pay(browser.client, shopper, api_checkout).status_code == 200

    page = html(browser.client.get(path))
    assert "Your visa ending 4242 is authorized." in page and "Place your order" in page
    assert 'id="payment-form"' not in page

    placed = browser.post(path + "/submit", htmx=True)

    assert placed.headers["HX-Redirect"].startswith("/orders/")


def test_begin_checkout_says_so_when_checkout_is_unavailable(make_store, stock_item):
    from stack.ports import free_ports

    (closed_port,) = free_ports(1)
    down = register_in_browser(
        make_store(temporal_address=f"127.0.0.1:{closed_port}").test_client()
    )
    fill_cart(down, {stock_item(4): 1})

    answer = down.post("/checkout", htmx=True)

    assert answer.status_code == 503
    assert "Checkout is unavailable right now" in html(answer)
