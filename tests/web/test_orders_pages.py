""" "My orders" in the browser: newest first, "Load more" by cursor as an htmx fragment,
a "last 3 months" filter, the order page, the header link; never another shopper's."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.web.shoppers import HTMX, register_in_browser
from tests.web.test_orders_api import insert_order

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

NOW = datetime.now(UTC)


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def order_ids(page: str) -> list[str]:
    return re.findall(r'data-test="order-row" data-order-id="([^"]+)"', page)


@pytest.fixture
def browser(store):
    return register_in_browser(store.test_client())


@pytest.fixture
def history(browser, stock_item, checkout_engine):
    """12 orders: one a week for ten weeks, two more than three months ago. Newest first."""
    from sqlalchemy.orm import Session

    from db.postgres.users import find_user_by_email

    with Session(checkout_engine) as session:
        user_id = find_user_by_email(session, browser.email).id
    item = stock_item(40, price=1_500, name="Tea Tin")
    ages = [timedelta(weeks=w) for w in range(10)] + [timedelta(days=120), timedelta(days=130)]
    return [insert_order(checkout_engine, user_id, item, NOW - age) for age in ages]


def test_my_orders_shows_the_newest_ten_then_loads_more_in_place(browser, history):
    page = browser.client.get("/orders")

    first = html(page)
    assert page.status_code == 200 and first.startswith("<!doctype html>")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert order_ids(first) == history[:10]
    assert "Tea Tin" in first and "$15.00" in first and "Pending" in first
    more_url = re.search(r'hx-get="([^"]+)"[^>]*data-test="load-more"', first).group(1)

    more = html(browser.client.get(more_url, headers=HTMX))

    assert "<html" not in more and more.lstrip().startswith('<li class="order-row"')
    assert order_ids(more) == history[10:]
    assert 'data-test="load-more"' not in more


def test_the_last_three_months_filter_hides_older_orders(browser, history):
    page = html(browser.client.get("/orders"))
    recent_url = re.search(r'href="([^"]+)" data-test="recent-filter"', page).group(1)

    recent = html(browser.client.get(recent_url))

    assert order_ids(recent) == history[:10]
    assert 'data-test="load-more"' not in recent
    assert re.search(r'aria-current="page"\s*>Last 3 months<', recent)


def test_a_shopper_without_orders_is_told_so(browser):
    page = html(browser.client.get("/orders"))

    assert "You haven't ordered anything yet." in page


def test_the_order_page_shows_lines_status_and_address_and_the_header_links_to_orders(
    browser, history
):
    page = browser.client.get(f"/orders/{history[0]}")
    fragment = browser.client.get(f"/orders/{history[0]}", headers=HTMX)

    body = html(page)
    assert page.status_code == 200
    assert f"Order {history[0][:8]}" in body and "Thank you" not in body
    assert "Tea Tin" in body and "PENDING" in body and "Seattle" in body
    assert 'data-test="orders-link"' in body and 'href="/orders"' in body
    assert html(fragment).lstrip().startswith('<section id="order"')


def test_another_shoppers_order_page_is_a_404(store, browser, history):
    mallory = register_in_browser(store.test_client())

    assert mallory.client.get(f"/orders/{history[0]}").status_code == 404
    assert order_ids(html(mallory.client.get("/orders"))) == []


def test_my_orders_needs_a_signed_in_shopper(store):
    answer = store.test_client().get("/orders")

    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
