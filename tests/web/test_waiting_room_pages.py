"""The waiting room in the browser: staff switch items hot on their page; a shopper who
begins checkout for an item with a waiting room lands on a waiting page that re-reads itself, moves on
to checkout by itself once admitted, and says plainly when the item sold out."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import text

from tests.web.checkout_calls import op, pay
from tests.web.shoppers import register_in_browser
from tests.web.waiting_room_calls import join, make_hot, until

pytest_plugins = ["tests.web.waiting_room_fixtures"]

pytestmark = [pytest.mark.web, pytest.mark.integration]

WAITING_PATH = re.compile(r"^/checkout/waiting/(\d+-[0-9a-f]{32})$")


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def staff_browser(hot_store, checkout_engine):
    browser = register_in_browser(hot_store.test_client())
    with checkout_engine.begin() as conn:
        conn.execute(
            text("UPDATE users SET role = 'operator' WHERE email = :e"), {"e": browser.email}
        )
    return browser


@pytest.fixture
def browser(hot_store):
    return register_in_browser(hot_store.test_client())


def test_staff_switch_items_hot_and_back_on_their_page_and_shoppers_cannot(
    hot_client, staff_browser, browser, new_item
):
    item = new_item(4)
    anonymous = hot_client.get("/staff/waiting-rooms")
    assert anonymous.status_code == 303 and "/login" in anonymous.headers["Location"]
    assert browser.client.get("/staff/waiting-rooms").status_code == 403
    assert (
        browser.post("/staff/waiting-rooms", {"item_id": item, "enabled": "1"}).status_code == 403
    )

    page = html(staff_browser.client.get("/staff/waiting-rooms"))
    assert 'data-test="waiting-rooms-link"' in page and 'data-test="hot-on"' in page

    switched = staff_browser.post(
        "/staff/waiting-rooms", {"item_id": item, "enabled": "1"}, htmx=True
    )
    assert switched.status_code == 200
    fragment = html(switched)
    assert "<html" not in fragment
    assert f'data-item-id="{item}"' in fragment and 'data-test="hot-notice"' in fragment

    off = staff_browser.post("/staff/waiting-rooms", {"item_id": item, "enabled": "0"}, htmx=True)
    assert off.status_code == 200 and f'data-item-id="{item}"' not in html(off)
    for bad, status in (("", 422), ("abc", 422), ("-3", 422), ("799998", 404)):
        refused = staff_browser.post("/staff/waiting-rooms", {"item_id": bad, "enabled": "1"})
        assert refused.status_code == status, bad
        assert 'data-test="hot-error"' in html(refused)


def test_begin_for_an_item_with_a_waiting_room_opens_a_waiting_page_that_moves_on_to_checkout_by_itself(
    hot_client, staff, shoppers, browser, new_item, stock_of
):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    (ahead,) = shoppers(1)
    ahead_place = join(hot_client, ahead, item).get_json()  # takes the one unit first
    until(
        lambda: (
            hot_client.get(ahead_place["statusURL"], headers=ahead.headers).get_json()["status"]
            == "ADMITTED"
        ),
        what="the shopper ahead admitted",
    )

    assert browser.post("/cart/add", {"item_id": item, "quantity": 1}, htmx=True).status_code == 200
    begun = browser.post("/checkout", htmx=True)
    assert begun.status_code == 200
    waiting_path = begun.headers["HX-Redirect"]
    assert WAITING_PATH.match(waiting_path), waiting_path
    assert stock_of(item) == 1  # nothing held for the browser's shopper

    page = html(browser.client.get(waiting_path))
    assert 'data-status="WAITING"' in page and 'sse-swap="position" hx-swap="innerHTML">1<' in page
    # It follows its ticket's stream; a status event (or a failed stream) fetches the part.
    assert f'sse-connect="{waiting_path}/events"' in page and 'hx-ext="sse"' in page
    assert f'hx-get="{waiting_path}/status"' in page and 'hx-trigger="sse:status, ' in page
    assert 'sse-swap="position"' in page and 'sse-swap="wait"' in page
    fragment = html(browser.client.get(waiting_path + "/status", headers={"HX-Request": "true"}))
    assert "<html" not in fragment and 'data-status="WAITING"' in fragment
    # Someone else's waiting page is nobody's.
    other = register_in_browser(hot_client)
    assert other.client.get(waiting_path).status_code == 404

    # The shopper ahead gives up: the browser's shopper is let in and moves on by itself.
    checkout = join(hot_client, ahead, item, ticketID=ahead_place["ticketID"]).get_json()
    assert op(hot_client, ahead, "CANCEL", checkout["checkoutID"]).status_code == 200

    def admitted():
        part = html(browser.client.get(waiting_path + "/status", headers={"HX-Request": "true"}))
        return part if 'data-status="ADMITTED"' in part else None

    part = until(admitted, what="the browser's shopper admitted")
    assert 'hx-post="/checkout"' in part and 'hx-trigger="load"' in part
    assert "sse-connect" not in part  # the stream closes with the waiting part
    onwards = browser.post("/checkout", htmx=True)  # what hx-trigger="load" sends
    assert onwards.status_code == 200, html(onwards)
    assert onwards.headers["HX-Redirect"].startswith("/checkout/")
    assert "waiting" not in onwards.headers["HX-Redirect"]
    assert stock_of(item) == 0


def test_the_waiting_page_says_sold_out_plainly(hot_client, staff, shoppers, browser, new_item):
    item = new_item(1)
    make_hot(hot_client, staff, item)
    (winner,) = shoppers(1)
    place = join(hot_client, winner, item).get_json()
    until(
        lambda: (
            hot_client.get(place["statusURL"], headers=winner.headers).get_json()["status"]
            == "ADMITTED"
        ),
        what="winner admitted",
    )
    browser.post("/cart/add", {"item_id": item, "quantity": 1}, htmx=True)
    waiting_path = browser.post("/checkout", htmx=True).headers["HX-Redirect"]

    checkout = join(hot_client, winner, item, ticketID=place["ticketID"]).get_json()
    assert pay(hot_client, winner, checkout).status_code == 200
    assert op(hot_client, winner, "SUBMIT", checkout["checkoutID"]).status_code == 201

    def sold_out():
        page = html(browser.client.get(waiting_path))
        return page if 'data-status="SOLD_OUT"' in page else None

    page = until(sold_out, what="the waiting page says sold out")
    assert 'data-test="sold-out"' in page and "hx-trigger" not in page.split('id="waiting-room"')[1]
