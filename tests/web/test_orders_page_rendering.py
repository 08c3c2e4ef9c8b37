"""How the order page reads for each state of an order, on the fakes: parcels by
warehouse, the timeline in words, the cancel form only while nothing has shipped, and the
polling that stops once nothing will change. Orders whose parcels really ship are
followed on the real stack in test_orders_cancel_pages.py."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest

from tests.fakes.orders import order_view
from web.suborder_reads import SuborderRow, SuborderRowLine

pytestmark = pytest.mark.web

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
POLLING = 'hx-trigger="every 3s"'


def html(response) -> str:
    return unescape(response.get_data(as_text=True))


def words(page: str) -> str:
    """What a shopper reads: the page without tags, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page).split()).replace(" :", ":")


def parcel(warehouse: str, status: str, *lines: tuple[str, int], shipped=None, delivered=None):
    return SuborderRow(
        f"o-{warehouse}", "o", 1, warehouse, f"{warehouse}, US", status, NOW, shipped, delivered,
        {}, tuple(SuborderRowLine(i, name, qty) for i, (name, qty) in enumerate(lines, 1)),
    )  # fmt: skip


def event(name: str, detail: str = "", at: datetime = NOW) -> dict:
    return {"at": at.isoformat(), "event": name, "detail": detail}


@pytest.fixture
def browser(fake_shop):
    return fake_shop.shopper()


def test_a_split_order_shows_each_parcel_by_warehouse_the_timeline_and_a_cancel_form(
    fake_shop, browser
):
    order = fake_shop.orders.add(
        browser.id,
        order_view(
            NOW,
            suborders=(
                parcel("Seattle", "ASSIGNED", ("Desk Lamp", 1)),
                parcel("Portland", "ASSIGNED", ("Blue Mug", 2)),
            ),
            timeline=(event("placed", "Paid $58.00"), event("assigned"), event("assigned")),
        ),
    )

    page = browser.get(f"/orders/{order.order_id}")

    body = html(page)
    assert page.status_code == 200 and body.startswith("<!doctype html>")
    assert page.headers["Cache-Control"] == "private, no-store"
    assert "Ships from Seattle: 1 item — Preparing" in words(body)
    assert "Ships from Portland: 2 items — Preparing" in words(body)
    assert "Blue Mug ×2" in body
    assert "Order placed — Paid $58.00" in words(body)
    assert body.count('data-event="assigned"') == 2
    form = re.search(r'<form class="order__cancel".*?</form>', body, re.S).group(0)
    assert f'hx-post="/orders/{order.order_id}/cancel"' in form and "hx-confirm=" in form
    assert f'name="csrf_token" value="{browser.csrf}"' in form
    assert POLLING in body and f'hx-get="/orders/{order.order_id}/progress"' in body


def test_once_a_parcel_ships_the_page_says_when_and_offers_no_cancel(fake_shop, browser):
    shipped_at = NOW + timedelta(days=1)
    order = fake_shop.orders.add(
        browser.id,
        order_view(
            NOW,
            suborders=(
                parcel("Seattle", "SHIPPED", ("Desk Lamp", 1), shipped=shipped_at),
                parcel("Portland", "ASSIGNED", ("Blue Mug", 2)),
            ),
        ),
    )

    fragment = browser.get(f"/orders/{order.order_id}/progress", htmx=True)

    text = html(fragment)
    assert fragment.status_code == 200  # Portland has not shipped: polling goes on
    assert text.lstrip().startswith('<div id="order-progress"') and "<html" not in text
    assert "Ships from Seattle: 1 item — Shipped on 1 December" in words(text)
    assert 'data-test="cancel-order"' not in text


def test_a_pending_order_without_parcels_says_a_warehouse_is_being_chosen(fake_shop, browser):
    order = fake_shop.orders.add(browser.id, order_view(NOW))

    text = html(browser.get(f"/orders/{order.order_id}", htmx=True))

    assert text.lstrip().startswith('<section id="order"')
    assert 'data-test="parcels-pending"' in text and 'data-test="cancel-order"' in text


def test_a_delivered_order_stops_the_polling_and_offers_no_cancel(fake_shop, browser):
    delivered_at = NOW + timedelta(days=3)
    order = fake_shop.orders.add(
        browser.id,
        order_view(
            NOW,
            status="DELIVERED",
            suborders=(
                parcel(
                    "Seattle", "DELIVERED", ("Desk Lamp", 1), shipped=NOW, delivered=delivered_at
                ),
            ),
        ),
    )

    fragment = browser.get(f"/orders/{order.order_id}/progress", htmx=True)
    whole = browser.get(f"/orders/{order.order_id}")

    assert fragment.status_code == 286  # htmx's "stop polling"
    assert "Ships from Seattle: 1 item — Delivered on 3 December" in words(html(fragment))
    assert whole.status_code == 200 and POLLING not in html(whole)
    assert 'data-test="cancel-order"' not in html(whole)


def test_right_after_checkout_the_page_says_thank_you(fake_shop, browser):
    order = fake_shop.orders.add(browser.id, order_view(NOW))

    assert "Thank you" in html(browser.get(f"/orders/{order.order_id}?placed=1"))
    assert "Thank you" not in html(browser.get(f"/orders/{order.order_id}"))
