"""The order page reads an order and its suborders as one moment: fulfilment writes a
suborder and its "assigned" event in one transaction, so a page never shows one without
the other, even when that transaction commits between the page's two reads."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, text
from sqlalchemy.orm import sessionmaker

from web.orders.adapters import find_order

pytestmark = pytest.mark.integration

WAREHOUSE, ITEM = 99201, 990201


@pytest.fixture
def placed_order(engine):
    """An order of two lamps with one suborder assigned so far; removed afterwards."""
    order_id = uuid.uuid4().hex
    with engine.begin() as conn:
        user_id = conn.execute(
            text(
                "INSERT INTO users (email, password_hash, role) VALUES (:e, 'x', 'shopper') RETURNING id"
            ),
            {"e": f"snapshot-{order_id}@example.com"},
        ).scalar_one()
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                "VALUES (:w, 'Snapshot DC', 'Test, US', 47.6, -122.3, true)"
            ),
            {"w": WAREHOUSE},
        )
        conn.execute(
            text(
                "INSERT INTO items (id, sku, name, description, category, brand, price)"
                " VALUES (:i, 'SNAP-1', 'Desk Lamp', 'A lamp.', 'Home', 'Acme', 4200)"
            ),
            {"i": ITEM},
        )
        conn.execute(
            text(
                "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status,"
                " shipping_address, payment_reference, timeline)"
                " VALUES (:o, :u, :o, 8400, :at, 'PENDING', '{}', 'ch_x', '[]')"
            ),
            {"o": order_id, "u": user_id, "at": datetime.now(UTC)},
        )
        conn.execute(
            text(
                "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name)"
                " VALUES (:o, :i, 2, 4200, 'Desk Lamp')"
            ),
            {"o": order_id, "i": ITEM},
        )
        assign(conn, order_id, f"{order_id}-S1")
    yield user_id, order_id
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM warehouse_orders WHERE order_id = :o"), {"o": order_id})
        conn.execute(text("DELETE FROM orders WHERE id = :o"), {"o": order_id})
        conn.execute(text("DELETE FROM users WHERE id = :u"), {"u": user_id})
        conn.execute(text("DELETE FROM items WHERE id = :i"), {"i": ITEM})
        conn.execute(text("DELETE FROM warehouses WHERE id = :w"), {"w": WAREHOUSE})


def assign(conn, order_id: str, suborder_id: str) -> None:
    """What the assign activity commits: the suborder, its line and the order's event."""
    conn.execute(
        text(
            "INSERT INTO warehouse_orders (id, order_id, warehouse_id, shipping_address, status)"
            " VALUES (:s, :o, :w, '{}', 'ASSIGNED')"
        ),
        {"s": suborder_id, "o": order_id, "w": WAREHOUSE},
    )
    conn.execute(
        text(
            "INSERT INTO warehouse_order_lines (suborder_id, item_id, quantity) VALUES (:s, :i, 1)"
        ),
        {"s": suborder_id, "i": ITEM},
    )
    entry = [{"at": datetime.now(UTC).isoformat(), "event": "assigned", "detail": suborder_id}]
    conn.execute(
        text("UPDATE orders SET timeline = timeline || CAST(:e AS jsonb) WHERE id = :o"),
        {"e": json.dumps(entry), "o": order_id},
    )


def test_a_suborder_assigned_while_the_page_reads_shows_with_its_event_or_not_at_all(
    engine, placed_order
):
    user_id, order_id = placed_order
    fired = []

    def assign_the_second_after_the_order_row_is_read(conn, cursor, statement, *args):
        if not fired and "FROM orders" in statement:
            fired.append(True)
            with engine.begin() as other:
                assign(other, order_id, f"{order_id}-S2")

    event.listen(engine, "after_cursor_execute", assign_the_second_after_the_order_row_is_read)
    try:
        with sessionmaker(engine)() as session:
            order = find_order(session, user_id, order_id)
    finally:
        event.remove(engine, "after_cursor_execute", assign_the_second_after_the_order_row_is_read)

    assert fired, "the second assignment never ran between the reads"
    assert order is not None
    assigned_events = [e for e in order.events if e.event == "assigned"]
    assert len(order.suborders) == len(assigned_events) == 1
