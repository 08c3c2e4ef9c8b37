"""The order page in the browser: parcels per warehouse, the timeline, a status fragment
that refreshes itself (htmx polling) until the order is final, and "Cancel order"
(an htmx post with CSRF and a confirm dialog) until something ships, with real
fulfilment. What the page says for each answer of the cancel use case, its CSRF check and
another shopper's order run on the fakes: test_orders_cancel_outcomes.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html import unescape

import pytest

from tests.web.checkout_calls import ApiShopper
from tests.web.shoppers import HTMX, PASSWORD, post_form
from tests.web.test_orders_api import insert_order

pytest_plugins = ["tests.web.checkout_fixtures", "tests.web.order_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

SEATTLE = 1  # the warehouse tests/web/checkout_fixtures.py creates
POLLING = 'hx-trigger="every 3s"'
STOP_POLLING = 286  # htmx's "stop polling" status


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def words(page: str) -> str:
    """What a shopper reads: the page without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" :", ":")


def signed_in(store, shopper: ApiShopper):
    """A browser signed in as the API shopper (so the order can be placed through the API)."""
    client = store.test_client()
    answer = post_form(client, "/login", {"email": shopper.email, "password": PASSWORD})
    assert answer.status_code == 303
    return client


def cancel_in_browser(client, order_id: str, *, htmx: bool = True):
    return post_form(client, f"/orders/{order_id}/cancel", {}, htmx=htmx)


@pytest.fixture
def split_order(store, shop, api_shopper, item_in, portland, fulfilment):
    """A signed-in browser and its order: a lamp from Seattle, two mugs from Portland."""
    lamp = item_in(SEATTLE, 5, price=4_200, name="Desk Lamp")
    mug = item_in(portland, 5, price=900, name="Blue Mug")
    shopper = api_shopper({lamp: 1, mug: 2})
    order_id = fulfilment.place(shop, shopper)
    detail = fulfilment.wait_for_parcels(shop, shopper, order_id, count=2)
    parcels = {s["warehouse"]["name"]: s["suborderID"] for s in detail["suborders"]}
    return signed_in(store, shopper), shopper, order_id, parcels


def test_the_order_page_shows_each_parcel_by_warehouse_the_timeline_and_a_cancel_button(
    split_order,
):
    browser, _, order_id, _ = split_order

    page = browser.get(f"/orders/{order_id}")

    body = html(page)
    assert page.status_code == 200 and body.startswith("<!doctype html>")
    assert "Ships from Seattle: 1 item — Preparing" in words(body)
    assert "Ships from Portland: 2 items — Preparing" in words(body)
    assert "Blue Mug ×2" in body
    assert "Order placed" in body and body.count('data-event="assigned"') == 2
    form = re.search(r'<form class="order__cancel".*?</form>', body, re.S).group(0)
    assert f'hx-post="/orders/{order_id}/cancel"' in form and "hx-confirm=" in form
    assert 'name="csrf_token"' in form
    assert POLLING in body and f'hx-get="/orders/{order_id}/progress"' in body


def test_the_status_fragment_follows_the_parcels_and_stops_polling_once_delivered(
    split_order, fulfilment
):
    browser, _, order_id, parcels = split_order
    progress = f"/orders/{order_id}/progress"

    fulfilment.ship(parcels["Seattle"])
    answer = browser.get(progress, headers=HTMX)
    shipped_one = html(answer)

    assert shipped_one.lstrip().startswith('<div id="order-progress"')
    assert "<html" not in shipped_one
    assert "Ships from Seattle: 1 item — Shipped on" in words(shipped_one)
    assert "Parcel shipped" in shipped_one
    assert answer.status_code == 200  # still PENDING, polling goes on: Portland has not shipped
    assert 'data-test="cancel-order"' not in shipped_one

    fulfilment.ship(parcels["Portland"])
    for parcel in parcels.values():
        fulfilment.deliver(parcel)
    delivered = fulfilment.wait_until(
        lambda: "DELIVERED</span>" in (page := html(browser.get(progress, headers=HTMX))) and page,
        what="the order page to say DELIVERED",
    )

    assert browser.get(progress, headers=HTMX).status_code == STOP_POLLING
    assert "Ships from Portland: 2 items — Delivered on" in words(delivered)
    assert html(browser.get(progress)).startswith("<!doctype html>")  # a whole page without htmx


def test_a_shopper_cancels_from_the_order_page_and_is_told_about_the_refund(
    split_order, stock_of, assert_checkout_invariants
):
    browser, _, order_id, _ = split_order

    answer = cancel_in_browser(browser, order_id)

    fragment = html(answer)
    assert answer.status_code == 200
    assert fragment.lstrip().startswith('<div id="order-progress"')
    assert 'data-status="CANCELLED"' in fragment
    assert "Cancelled — your payment was refunded to your Visa ending 4242" in words(fragment)
    assert "Visa ending 4242" in fragment
    assert 'data-test="cancel-order"' not in fragment
    assert fragment.count('data-status="CANCELLED"') == 3  # the order and both parcels
    # Cancelled and refunded: nothing more will change, the next poll stops polling.
    assert browser.get(f"/orders/{order_id}/progress", headers=HTMX).status_code == STOP_POLLING
    assert_checkout_invariants()


def test_cancelling_without_javascript_goes_back_to_the_order_page(split_order):
    browser, _, order_id, _ = split_order

    answer = cancel_in_browser(browser, order_id, htmx=False)

    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/orders/{order_id}"
    page = html(browser.get(f"/orders/{order_id}"))
    assert "CANCELLED" in page and "Cancelled — your payment" in words(page)


def test_a_late_click_on_cancel_after_a_parcel_shipped_is_refused_with_a_clear_message(
    split_order, fulfilment
):
    browser, _, order_id, parcels = split_order
    assert 'data-test="cancel-order"' in html(browser.get(f"/orders/{order_id}"))
    fulfilment.ship(parcels["Portland"])

    answer = cancel_in_browser(browser, order_id)

    fragment = html(answer)
    assert answer.status_code == 409
    assert "already shipped, so it can no longer be cancelled" in fragment
    assert 'data-test="order-notice"' in fragment and 'data-status="PENDING"' in fragment
    assert 'data-test="cancel-order"' not in fragment


def test_the_page_says_so_when_cancelling_cannot_reach_the_order_system(
    make_store, api_shopper, stock_item, checkout_engine
):
    from stack.ports import free_ports

    (closed_port,) = free_ports(1)
    down = make_store(temporal_address=f"127.0.0.1:{closed_port}")
    shopper = api_shopper()
    order_id = insert_order(checkout_engine, shopper.user_id, stock_item(3), datetime.now(UTC))
    browser = signed_in(down, shopper)

    answer = cancel_in_browser(browser, order_id)

    assert answer.status_code == 503
    fragment = html(answer)
    assert "can't reach our order system" in fragment and "nothing was cancelled" in fragment
    assert 'data-test="cancel-order"' in fragment  # still PENDING: they may try again
