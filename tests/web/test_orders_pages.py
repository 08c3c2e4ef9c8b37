""" "My orders" in the browser: newest first, "Load more" by cursor as an htmx fragment,
a "last 3 months" filter, the order page, the header link; never another shopper's.

On the fakes (tests/fakes/orders.py, whose contract test is
tests/web/test_orders_contract.py)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.fakes.orders import order_view
from tests.web.shoppers import HTMX

pytestmark = pytest.mark.web

NOW = datetime.now(UTC)


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def order_ids(page: str) -> list[str]:
    return re.findall(r'data-test="order-row" data-order-id="([^"]+)"', page)


@pytest.fixture
def browser(fake_shop):
    return fake_shop.shopper()


@pytest.fixture
def history(fake_shop, browser):
    """12 orders: one a week for ten weeks, two more than three months ago. Newest first."""
    ages = [timedelta(weeks=w) for w in range(10)] + [timedelta(days=120), timedelta(days=130)]
    return [fake_shop.orders.add(browser.id, order_view(NOW - age)).order_id for age in ages]


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


def test_another_shoppers_order_page_is_a_404(fake_shop, browser, history):
    mallory = fake_shop.shopper()

    assert mallory.client.get(f"/orders/{history[0]}").status_code == 404
    assert order_ids(html(mallory.client.get("/orders"))) == []


def test_my_orders_needs_a_signed_in_shopper(fake_shop):
    answer = fake_shop.app.test_client().get("/orders")

    assert answer.status_code == 303 and answer.headers["Location"].startswith("/login")
