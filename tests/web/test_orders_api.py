"""`GET /api/v1/orders` and `/api/v1/orders/<orderID>`: the shopper's own orders, newest
first, a cursor on (ordered date, id) that never repeats or skips an order, a `since`
filter, and a 4xx with a message for every bad argument."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.checkout import estimated_arrival
from domain.delivery import parcel_arrival
from tests.web.checkout_calls import place_order

pytest_plugins = ["tests.web.checkout_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

NOW = datetime.now(UTC).replace(microsecond=0)


def insert_order(
    engine, user_id: int, item_id: int, ordered_at: datetime, quantity: int = 1
) -> str:
    """An order written the way submit_order writes one (stock moved accordingly), minus the
    workflow: many orders at chosen dates, quickly."""
    order_id = uuid.uuid4().hex
    with engine.begin() as conn:
        price = conn.exec_driver_sql(
            "SELECT price FROM items WHERE id = %s", (item_id,)
        ).scalar_one()
        conn.exec_driver_sql(
            "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, arrival_date, status,"
            " shipping_address, payment_reference, card_brand, card_last4, timeline)"
            " VALUES (%s, %s, %s, %s, %s, %s, 'PENDING', %s, %s, 'visa', '4242', '[]')",
            (
                order_id,
                user_id,
                uuid.uuid4().hex,
                price * quantity,
                ordered_at,
                (ordered_at + timedelta(days=5)).date(),
                json.dumps(
                    {
                        "name": "Ada",
                        "line1": "1 Main St",
                        "city": "Seattle",
                        "postal_code": "98101",
                        "country": "US",
                    }
                ),
                f"ch_{uuid.uuid4().hex}",
            ),
        )
        conn.exec_driver_sql(
            "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
            " SELECT %s, id, %s, price, name FROM items WHERE id = %s",
            (order_id, quantity, item_id),
        )
        conn.exec_driver_sql(
            "UPDATE aggregated_stock SET stock = stock - %s WHERE item_id = %s", (quantity, item_id)
        )
    return order_id


@pytest.fixture
def history(shop, api_shopper, stock_item, checkout_engine):
    """A shopper with 7 orders: one a day for a week, the oldest 200 days ago."""
    shopper = api_shopper()
    item = stock_item(50, price=1_000, name="Notebook")
    dates = [NOW - timedelta(days=200)] + [NOW - timedelta(days=d) for d in range(6, 0, -1)]
    ids = [insert_order(checkout_engine, shopper.user_id, item, at) for at in dates]
    return shopper, list(reversed(ids)), item  # newest first


def test_a_placed_order_is_listed_with_its_lines_dates_and_status(
    shop, api_shopper, stock_item, assert_checkout_invariants
):
    item = stock_item(5, price=4_200, name="Desk Lamp")
    shopper = api_shopper({item: 2})
    placed = place_order(shop, shopper)

    listing = shop.get("/api/v1/orders", headers=shopper.headers)

    assert listing.status_code == 200
    assert listing.headers["Cache-Control"] == "private, no-store"
    body = listing.get_json()
    assert body["nextCursor"] is None and body["limit"] == 20
    (order,) = body["orders"]
    assert set(order) == {"orderID", "orderedDate", "arrivalDate", "status", "total", "cart"}
    assert order["orderID"] == placed["orderID"]
    assert order["status"] == "PENDING" and order["total"] == 8_400
    assert order["cart"] == [
        {"itemID": item, "name": "Desk Lamp", "quantity": 2, "unitPrice": 4_200}
    ]
    ordered = datetime.fromisoformat(order["orderedDate"].replace("Z", "+00:00"))
    assert abs((datetime.now(UTC) - ordered).total_seconds()) < 60
    # Checkout's promise until the order is split, then its Seattle parcel's date (a Seattle
    # address: the nearest band), whichever the listing meets (docs/delivery.md).
    promised = estimated_arrival(ordered).isoformat()
    by_parcel = parcel_arrival(ordered.date(), 0.0).isoformat()
    assert order["arrivalDate"] in (promised, by_parcel)

    detail = shop.get(f"/api/v1/orders/{placed['orderID']}", headers=shopper.headers).get_json()
    assert detail["card"] == {"brand": "visa", "last4": "4242"}
    assert detail["shippingAddress"]["city"] == "Seattle"
    assert "cardNumber" not in json.dumps(detail)
    assert_checkout_invariants()


def test_orders_come_newest_first_and_the_cursor_walks_them_without_repeats(shop, history):
    shopper, newest_first, _ = history
    seen: list[str] = []
    url = "/api/v1/orders?limit=3"
    pages = 0
    while url:
        body = shop.get(url, headers=shopper.headers).get_json()
        assert body["limit"] == 3
        seen += [order["orderID"] for order in body["orders"]]
        pages += 1
        url = (
            f"/api/v1/orders?limit=3&nextCursor={body['nextCursor']}"
            if body["nextCursor"]
            else None
        )

    assert seen == newest_first
    assert pages == 3


def test_an_order_placed_while_paging_neither_repeats_nor_shifts_the_next_page(
    shop, history, checkout_engine
):
    shopper, newest_first, item = history
    first = shop.get("/api/v1/orders?limit=2", headers=shopper.headers).get_json()
    insert_order(checkout_engine, shopper.user_id, item, NOW)  # newer than everything

    second = shop.get(
        f"/api/v1/orders?limit=2&nextCursor={first['nextCursor']}", headers=shopper.headers
    ).get_json()

    assert [o["orderID"] for o in second["orders"]] == newest_first[2:4]


def test_since_keeps_only_orders_from_that_date_on(shop, history):
    shopper, newest_first, _ = history
    since = (NOW - timedelta(days=90)).date().isoformat()

    body = shop.get(f"/api/v1/orders?since={since}", headers=shopper.headers).get_json()

    assert [o["orderID"] for o in body["orders"]] == newest_first[:6]
    instant = shop.get(
        "/api/v1/orders?since=" + (NOW - timedelta(days=2, hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        headers=shopper.headers,
    ).get_json()
    assert [o["orderID"] for o in instant["orders"]] == newest_first[:2]


@pytest.mark.parametrize(
    ("query", "wanted"),
    [
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("limit=-1", "limit"),
        ("since=yesterday", "since"),
        ("since=2026-13-45", "since"),
        ("nextCursor=garbage!", "nextCursor"),
        ("nextCursor=WyJ4Il0", "nextCursor"),
    ],
)
def test_a_bad_argument_is_a_400_with_a_message(shop, api_shopper, query, wanted):
    answer = shop.get(f"/api/v1/orders?{query}", headers=api_shopper().headers)

    assert answer.status_code == 400
    assert wanted in answer.get_json()["error"]["message"]


def test_an_unknown_order_is_a_404(shop, api_shopper):
    shopper = api_shopper()

    for order_id in ("0" * 32, "x" * 300, "%00"):
        answer = shop.get(f"/api/v1/orders/{order_id}", headers=shopper.headers)
        assert answer.status_code == 404
        assert answer.get_json()["error"]["message"]


def walk(client, shopper, query: str) -> tuple[list[str], int]:
    """Every order id a client sees by following nextCursor from `query`; and the pages."""
    seen: list[str] = []
    pages = 0
    url: str | None = f"/api/v1/orders?{query}"
    while url:
        answer = client.get(url, headers=shopper.headers)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        seen += [order["orderID"] for order in body["orders"]]
        pages += 1
        url = (
            f"/api/v1/orders?{query}&nextCursor={body['nextCursor']}"
            if body["nextCursor"]
            else None
        )
    return seen, pages


def test_the_cursor_never_skips_or_repeats_orders_placed_at_the_very_same_instant(
    shop, api_shopper, stock_item, checkout_engine
):
    shopper = api_shopper()
    item = stock_item(100, price=500, name="Pencil")
    same = NOW - timedelta(days=3)
    at = [same] * 17 + [NOW - timedelta(days=d) for d in (1, 2, 4, 5, 6, 40)]
    placed = {insert_order(checkout_engine, shopper.user_id, item, when): when for when in at}
    newest_first = sorted(placed, key=lambda order_id: (placed[order_id], order_id), reverse=True)

    seen, pages = walk(shop, shopper, "limit=5")

    assert seen == newest_first
    assert len(set(seen)) == 23 and pages == 5
    since_same = walk(shop, shopper, "limit=4&since=" + same.isoformat().replace("+00:00", "Z"))[0]
    assert since_same == newest_first[:19]  # two newer ones, then every one of the 17


def test_since_accepts_an_instant_with_any_utc_offset(shop, history):
    shopper, newest_first, _ = history
    two_days_ago = NOW - timedelta(days=2, hours=1)
    in_berlin = two_days_ago.astimezone(timezone(timedelta(hours=2))).isoformat()

    body = shop.get(
        "/api/v1/orders", query_string={"since": in_berlin}, headers=shopper.headers
    ).get_json()

    assert [o["orderID"] for o in body["orders"]] == newest_first[:2]
