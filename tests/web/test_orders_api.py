"""`GET /api/v1/orders` on the real stack: an order placed through checkout is listed with
its lines, dates and status. Paging, `since`, cursors and bad arguments run on the
fakes (test_orders_listing.py); `insert_order` writes orders for other stack tests."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

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


def test_status_filters_in_postgresql_and_bogus_parameters_are_refused(
    shop, api_shopper, stock_item, checkout_engine, assert_checkout_invariants
):
    shopper = api_shopper()
    item = stock_item(10)
    ids = [
        insert_order(checkout_engine, shopper.user_id, item, NOW - timedelta(days=day))
        for day in (1, 2, 3)
    ]
    with checkout_engine.begin() as conn:
        # Cancelled as the order workflow cancels: the stock goes back (invariant I1 holds
        # for the tests that share this database).
        conn.exec_driver_sql(
            "UPDATE orders SET status = 'CANCELLED' WHERE id = ANY(%s)", ([ids[0], ids[2]],)
        )
        conn.exec_driver_sql(
            "UPDATE aggregated_stock SET stock = stock + 2 WHERE item_id = %s", (item,)
        )

    cancelled = shop.get("/api/v1/orders?status=CANCELLED&limit=1", headers=shopper.headers)
    cursor = cancelled.get_json()["nextCursor"]
    rest = shop.get(
        f"/api/v1/orders?status=CANCELLED&limit=1&nextCursor={cursor}", headers=shopper.headers
    )
    pending = shop.get("/api/v1/orders?status=PENDING&status=SHIPPED", headers=shopper.headers)
    bogus = shop.get("/api/v1/orders?bogus=1", headers=shopper.headers)

    assert [o["orderID"] for o in cancelled.get_json()["orders"]] == [ids[0]]
    assert [o["orderID"] for o in rest.get_json()["orders"]] == [ids[2]]
    assert rest.get_json()["nextCursor"] is None
    assert [o["orderID"] for o in pending.get_json()["orders"]] == [ids[1]]
    assert bogus.status_code == 400
    assert bogus.get_json()["error"]["code"] == "unknown_parameter"
    assert_checkout_invariants()
