"""A small shop of its own for the checkout activity tests: items 910001-910003, one
warehouse, one shopper with a cart. Ids above 900000 never meet the demo catalogue;
everything is removed afterwards, so the session's invariants keep holding."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from activities.checkout import CheckoutActivities
from db.postgres.timeouts import bounded_sessions
from payments.sandbox import SandboxGateway
from tests.payments.vault import TEST_SEALER

WAREHOUSE = 99101
USER = 910001
PRICES = {910001: 1_999, 910002: 4_550, 910003: 125_000}


@dataclass
class Shop:
    engine: object
    activities: CheckoutActivities
    items: list[int]

    def stock(self, item_id: int) -> int:
        return self.scalar("SELECT stock FROM aggregated_stock WHERE item_id = :i", i=item_id)

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def set_stock(self, item_id: int, stock: int) -> None:
        """Stock changed since the cart was filled (warehouse and aggregate agree, as a restock/sale would)."""
        with self.engine.begin() as conn:
            conn.execute(
                text("UPDATE aggregated_stock SET stock = :s WHERE item_id = :i"),
                {"s": stock, "i": item_id},
            )
            conn.execute(
                text(
                    "UPDATE warehouse_stock SET physical_stock = :s, available_stock = :s WHERE item_id = :i"
                ),
                {"s": stock, "i": item_id},
            )


def _remove(conn) -> None:
    items = list(PRICES)
    conn.execute(text("DELETE FROM orders WHERE user_id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM reservations WHERE item_id = ANY(:ids)"), {"ids": items})
    conn.execute(text("DELETE FROM carts WHERE user_id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM users WHERE id = :u"), {"u": USER})
    conn.execute(text("DELETE FROM items WHERE id = ANY(:ids)"), {"ids": items})
    conn.execute(text("DELETE FROM warehouses WHERE id = :w"), {"w": WAREHOUSE})


@pytest.fixture
def shop(engine):
    """Ten of each item, a shopper whose cart holds all three plus nothing else."""
    with engine.begin() as conn:
        _remove(conn)  # a previous run that died half-way
        conn.execute(
            text(
                "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                "VALUES (:w, 'Checkout Test DC', 'Test, US', 47.6, -122.3, true)"
            ),
            {"w": WAREHOUSE},
        )
        for item_id, price in PRICES.items():
            conn.execute(
                text(
                    "INSERT INTO items (id, sku, name, description, category, brand, price) "
                    "VALUES (:i, :sku, :name, 'For checkout tests.', 'Test', 'Acme', :p)"
                ),
                {"i": item_id, "sku": f"CO-{item_id}", "name": f"Test item {item_id}", "p": price},
            )
            conn.execute(
                text("INSERT INTO aggregated_stock (item_id, stock) VALUES (:i, 10)"),
                {"i": item_id},
            )
            conn.execute(
                text(
                    "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, available_stock) "
                    "VALUES (:i, :w, 10, 10)"
                ),
                {"i": item_id, "w": WAREHOUSE},
            )
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, role) VALUES (:u, :e, 'x', 'shopper')"
            ),
            {"u": USER, "e": f"checkout-{uuid.uuid4().hex[:8]}@example.test"},
        )
        cart_id = conn.execute(
            text("INSERT INTO carts (user_id) VALUES (:u) RETURNING id"), {"u": USER}
        ).scalar_one()
        for item_id in PRICES:
            conn.execute(
                text("INSERT INTO cart_lines (cart_id, item_id, quantity) VALUES (:c, :i, 1)"),
                {"c": cart_id, "i": item_id},
            )
    sessions = bounded_sessions(engine)  # as the worker builds them
    yield Shop(
        engine, CheckoutActivities(sessions, SandboxGateway(sessions, TEST_SEALER)), list(PRICES)
    )
    with engine.begin() as conn:
        _remove(conn)
