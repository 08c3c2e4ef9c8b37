"""db.postgres.restock against real PostgreSQL: +n on physical, available and aggregated in one
transaction, refusals that write nothing, and restocks racing the fulfilment
activities (assign, ship) without breaking I1-I3.

Its own small world: warehouses 99301-99302, items from 931001, one shopper; all of it
removed afterwards, so the session's invariants keep holding.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from activities.fulfilment import FulfilmentActivities
from db.postgres.engine import make_session_factory
from db.postgres.restock import (
    InvalidRestockQuantity,
    UnknownItem,
    UnknownWarehouse,
    WarehouseInactive,
    restock,
)
from domain.stock import Line
from workflows.order_messages import AssignRequest, SuborderRequest

pytestmark = pytest.mark.integration

DEPOT, SHUT = 99301, 99302
ITEM, OTHER_ITEM = 931001, 931002
USER = 931001


@dataclass
class World:
    engine: object

    def shelf(self, warehouse: int, item: int) -> tuple[int, int] | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT physical_stock, available_stock FROM warehouse_stock "
                    "WHERE warehouse_id = :w AND item_id = :i"
                ),
                {"w": warehouse, "i": item},
            ).one_or_none()
        return None if row is None else (row.physical_stock, row.available_stock)

    def aggregated(self, item: int) -> int:
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT stock FROM aggregated_stock WHERE item_id = :i"), {"i": item}
            ).scalar_one()

    def place_order(self, quantity: int) -> str:
        """What checkout's submit leaves: the order and its line, aggregated reduced."""
        order_id = f"ord-rst-{uuid.uuid4().hex[:12]}"
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status, "
                    "shipping_address, payment_reference, timeline) VALUES (:o, :u, :c, 0, "
                    "now(), 'PENDING', CAST(:a AS jsonb), 'ch_test', '[]'::jsonb)"
                ),
                {"o": order_id, "u": USER, "c": f"co-{order_id}", "a": json.dumps({"city": "X"})},
            )
            conn.execute(
                text(
                    "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name) "
                    "VALUES (:o, :i, :q, 0, 'Restock test line')"
                ),
                {"o": order_id, "i": ITEM, "q": quantity},
            )
            conn.execute(
                text("UPDATE aggregated_stock SET stock = stock - :q WHERE item_id = :i"),
                {"q": quantity, "i": ITEM},
            )
        return order_id


def _remove(conn) -> None:
    conn.execute(
        text(
            "DELETE FROM warehouse_orders WHERE order_id IN "
            "(SELECT id FROM orders WHERE user_id = :u)"
        ),
        {"u": USER},
    )
    conn.execute(text("DELETE FROM orders WHERE user_id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM users WHERE id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM items WHERE id = ANY(:i)"), {"i": [ITEM, OTHER_ITEM]})
    conn.execute(text("DELETE FROM warehouses WHERE id = ANY(:w)"), {"w": [DEPOT, SHUT]})


@pytest.fixture
def world(engine):
    with engine.begin() as conn:
        _remove(conn)
        for warehouse, active in ((DEPOT, True), (SHUT, False)):
            conn.execute(
                text(
                    "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                    "VALUES (:w, :n, 'Test', 47.6, -122.3, :a)"
                ),
                {"w": warehouse, "n": f"Restock Test {warehouse}", "a": active},
            )
        for item in (ITEM, OTHER_ITEM):
            conn.execute(
                text(
                    "INSERT INTO items (id, sku, name, description, category, brand, price) "
                    "VALUES (:i, :s, 'Restock crate', 'For restock tests.', 'Test', 'Acme', 500)"
                ),
                {"i": item, "s": f"RST-{item}"},
            )
        conn.execute(
            text("INSERT INTO aggregated_stock (item_id, stock) VALUES (:i, 4)"), {"i": ITEM}
        )
        conn.execute(
            text(
                "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
                "available_stock) VALUES (:i, :w, 4, 4)"
            ),
            {"i": ITEM, "w": DEPOT},
        )
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, role) VALUES (:u, :e, 'x', 'shopper')"
            ),
            {"u": USER, "e": f"restock-{uuid.uuid4().hex[:8]}@example.test"},
        )
    yield World(engine)
    with engine.begin() as conn:
        _remove(conn)


def test_a_restock_adds_n_to_physical_available_and_aggregated(engine, world, assert_invariants):
    result = restock(make_session_factory(engine), DEPOT, ITEM, 5)

    assert (result.physical_stock, result.available_stock, result.aggregated_stock) == (9, 9, 9)
    assert world.shelf(DEPOT, ITEM) == (9, 9) and world.aggregated(ITEM) == 9
    assert_invariants()


def test_an_item_without_any_stock_row_gets_both_rows(engine, world, assert_invariants):
    result = restock(make_session_factory(engine), DEPOT, OTHER_ITEM, 3)

    assert result.aggregated_stock == 3
    assert world.shelf(DEPOT, OTHER_ITEM) == (3, 3) and world.aggregated(OTHER_ITEM) == 3
    assert_invariants()


@pytest.mark.parametrize(
    ("warehouse", "item", "quantity", "error"),
    [
        (424242, ITEM, 1, UnknownWarehouse),
        (DEPOT, 939999, 1, UnknownItem),
        (DEPOT, 2**70, 1, UnknownItem),
        (DEPOT, ITEM, 0, InvalidRestockQuantity),
        (DEPOT, ITEM, 10_001, InvalidRestockQuantity),
        (SHUT, ITEM, 1, WarehouseInactive),
    ],
)
def test_a_refused_restock_writes_nothing(engine, world, warehouse, item, quantity, error):
    with pytest.raises(error):
        restock(make_session_factory(engine), warehouse, item, quantity)

    assert world.shelf(DEPOT, ITEM) == (4, 4) and world.aggregated(ITEM) == 4
    assert world.shelf(SHUT, ITEM) is None


def test_restocks_racing_assignments_and_shipments_keep_the_invariants(
    engine, world, assert_invariants
):
    sessions = make_session_factory(engine)
    fulfilment = FulfilmentActivities(sessions)
    restock(sessions, DEPOT, ITEM, 8)  # 12 on the shelf
    orders = [world.place_order(2) for _ in range(6)]  # all 12 sold: aggregated 0

    def assign_and_ship(order_id: str) -> str:
        suborder_id = f"{order_id}-S1"
        fulfilment.assign(AssignRequest(order_id, suborder_id, DEPOT, (Line(ITEM, 2),)))
        return fulfilment.mark_shipped(SuborderRequest(suborder_id)).status

    def restock_one(_: int) -> int:
        return restock(sessions, DEPOT, ITEM, 1).physical_stock

    with ThreadPoolExecutor(8) as pool:
        restocks = [pool.submit(restock_one, n) for n in range(10)]
        shipped = [pool.submit(assign_and_ship, order_id) for order_id in orders]
        outcomes = [future.result() for future in shipped]
        for future in restocks:
            future.result()

    assert outcomes == ["SHIPPED"] * 6
    assert world.shelf(DEPOT, ITEM) == (12 + 10 - 12, 12 + 10 - 12)
    assert world.aggregated(ITEM) == 10
    assert_invariants()
