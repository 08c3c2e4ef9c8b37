"""A store with three warehouses far apart (Seattle, Chicago, Miami) on a database of
its own ("fulfilment_tests"), served by a real worker: checkout places real orders,
and the real OrderWorkflow splits them, assigns them and queues them to warehouses.

Shoppers order through the API (tests/web/checkout_calls.py); the warehouse side is
driven through each suborder's workflow (`confirm_shipped` / `confirm_delivered`),
which is what the portal calls. Item ids are drawn from 700,000 up and users start
at 2,000,001, so nothing here meets the other test databases' workflows.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import text

from settings import Settings
from tests.stock_world import insert_item, seed_database
from tests.web.checkout_calls import ApiShopper, place_order, register_api_shopper

SEATTLE, CHICAGO, MIAMI = 1, 2, 3
WAREHOUSES = {
    SEATTLE: ("Seattle", "Seattle, WA, US", 47.61, -122.33),
    CHICAGO: ("Chicago", "Chicago, IL, US", 41.88, -87.63),
    MIAMI: ("Miami", "Miami, FL, US", 25.76, -80.19),
}
FIRST_USER_ID = 2_000_001
_item_ids = itertools.count(700_001)


@pytest.fixture(scope="session")
def fulfilment_settings(isolated_settings, checkout_worker) -> Settings:
    settings = isolated_settings("fulfilment_tests")
    seed_database(settings.database_url, WAREHOUSES, FIRST_USER_ID)
    return checkout_worker.serve(settings)


@dataclass
class Store:
    """The fulfilment database, its storefront and the Temporal client of the workers."""

    settings: Settings
    engine: object
    app: Flask
    workers: object  # tests.conftest.CheckoutWorkers

    # --- the catalogue ----------------------------------------------------------------

    def item(self, shelves: dict[int, int], price: int = 2_500) -> int:
        """A new item with `shelves` = {warehouse: units}; aggregated stock is their sum."""
        item_id = next(_item_ids)
        return insert_item(
            self.engine,
            item_id,
            shelves,
            name=f"Item {item_id}",
            sku=f"FUL-{item_id}",
            price=price,
            description="A fulfilment test item.",
        )

    # --- shoppers ---------------------------------------------------------------------

    def order(self, cart: dict[int, int]) -> tuple[ApiShopper, str]:
        """A new shopper buys `cart` (ships to Seattle); their id and the order id."""
        client = self.app.test_client()
        shopper = register_api_shopper(client, cart)
        return shopper, place_order(client, shopper)["orderID"]

    # --- reading the database ---------------------------------------------------------

    def rows(self, sql: str, **params) -> list:
        with self.engine.connect() as conn:
            return list(conn.execute(text(sql), params))

    def scalar(self, sql: str, **params):
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    def shelf(self, item_id: int) -> dict[int, tuple[int, int]]:
        """{warehouse: (physical, available)} for one item."""
        rows = self.rows(
            "SELECT warehouse_id, physical_stock, available_stock FROM warehouse_stock "
            "WHERE item_id = :i ORDER BY warehouse_id",
            i=item_id,
        )
        return {row.warehouse_id: (row.physical_stock, row.available_stock) for row in rows}

    def aggregated(self, item_id: int) -> int:
        return self.scalar("SELECT stock FROM aggregated_stock WHERE item_id = :i", i=item_id)

    def suborders(self, order_id: str) -> dict[int, tuple[str, dict[int, int]]]:
        """{warehouse: (status, {item: quantity})} of an order's suborders."""
        found: dict[int, tuple[str, dict[int, int]]] = {}
        for row in self.rows(
            "SELECT w.warehouse_id, w.status, l.item_id, l.quantity FROM warehouse_orders w "
            "JOIN warehouse_order_lines l ON l.suborder_id = w.id "
            "WHERE w.order_id = :o ORDER BY w.warehouse_id, l.item_id",
            o=order_id,
        ):
            status, lines = found.setdefault(row.warehouse_id, (row.status, {}))
            lines[row.item_id] = row.quantity
        return found

    def suborder_ids(self, order_id: str) -> dict[int, str]:
        rows = self.rows(
            "SELECT warehouse_id, id FROM warehouse_orders WHERE order_id = :o", o=order_id
        )
        return {row.warehouse_id: row.id for row in rows}

    def order_status(self, order_id: str) -> str:
        return self.scalar("SELECT status FROM orders WHERE id = :o", o=order_id)

    def events(self, order_id: str) -> list[str]:
        timeline = self.scalar("SELECT timeline FROM orders WHERE id = :o", o=order_id)
        return [entry["event"] for entry in timeline]

    def refunds(self, order_id: str) -> list[tuple[str, int]]:
        rows = self.rows(
            "SELECT r.idempotency_key, r.amount FROM payment_refunds r "
            "JOIN orders o ON o.payment_reference = r.charge_id WHERE o.id = :o",
            o=order_id,
        )
        return [tuple(row) for row in rows]

    def until(self, check: Callable[[], object], *, seconds: float = 30.0, what: str = ""):
        """Poll `check` until it returns something truthy (the workers move on meanwhile)."""
        deadline = time.monotonic() + seconds
        while True:
            found = check()
            if found:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"never happened: {what or check}")
            time.sleep(0.05)

    def assigned(self, order_id: str, warehouses: int) -> dict[int, str]:
        """Wait until the order has `warehouses` ASSIGNED suborders; their ids by warehouse."""

        def check():
            found = self.suborders(order_id)
            if len(found) == warehouses and all(s == "ASSIGNED" for s, _ in found.values()):
                return self.suborder_ids(order_id)
            return None

        return self.until(check, what=f"{warehouses} assigned suborders for {order_id}")

    def check_invariants(self) -> None:
        from db.postgres.invariants import check_invariants

        report = check_invariants(self.engine, now=datetime.now(UTC))
        assert report.ok, "\n".join(f"{v.invariant}: {v.detail}" for v in report.violations)

    # --- Temporal ---------------------------------------------------------------------

    def temporal(self, make):
        """Run `make(client)` (a coroutine factory) on the workers' loop."""
        return self.workers.run(make(self.workers.client))


@pytest.fixture(scope="session")
def fulfilment_engine(fulfilment_settings: Settings):
    from db.postgres.engine import make_engine

    engine = make_engine(fulfilment_settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def store(fulfilment_settings, fulfilment_engine, checkout_worker) -> Iterator[Store]:
    from entrypoints.web_services import build_web_app

    app = build_web_app(fulfilment_settings)
    app.config["TESTING"] = True
    yield Store(fulfilment_settings, fulfilment_engine, app, checkout_worker)
    app.extensions["shopflow"].close()
