"""Helpers the integration tests share to set up stock and clean up workflows.

Plain functions (not fixtures), so any test package can import them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text

Warehouse = tuple[str, str, float, float]  # name, region, latitude, longitude


def seed_database(database_url: str, warehouses: dict[int, Warehouse], first_user_id: int) -> None:
    """A test package's own database: its active warehouses, and user ids starting at
    `first_user_id` so its accounts can be told from any other package's."""
    from db.postgres.engine import make_engine

    engine = make_engine(database_url, pool_size=1)
    try:
        with engine.begin() as conn:
            conn.execute(
                text("SELECT setval(pg_get_serial_sequence('users', 'id'), :first, false)"),
                {"first": first_user_id},
            )
            for warehouse_id, (name, region, lat, lon) in warehouses.items():
                conn.execute(
                    text(
                        "INSERT INTO warehouses (id, name, region, latitude, longitude, active) "
                        "VALUES (:id, :name, :region, :lat, :lon, true)"
                    ),
                    {"id": warehouse_id, "name": name, "region": region, "lat": lat, "lon": lon},
                )
    finally:
        engine.dispose()


def insert_item(
    engine: Any,
    item_id: int,
    shelves: dict[int, int],
    *,
    name: str,
    sku: str,
    price: int = 2_500,
    description: str = "A test item.",
) -> int:
    """An item with `shelves` = {warehouse: units} on the shelf and free to order, and
    their sum as its aggregated stock, so invariant I1 holds from the start."""
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO items (id, sku, name, description, category, brand, price) "
                "VALUES (:id, :sku, :name, :description, 'Tests', 'Acme', :price)"
            ),
            {"id": item_id, "sku": sku, "name": name, "description": description, "price": price},
        )
        conn.execute(
            text("INSERT INTO aggregated_stock (item_id, stock) VALUES (:i, :s)"),
            {"i": item_id, "s": sum(shelves.values())},
        )
        for warehouse_id, units in shelves.items():
            conn.execute(
                text(
                    "INSERT INTO warehouse_stock (item_id, warehouse_id, physical_stock, "
                    "available_stock) VALUES (:i, :w, :u, :u)"
                ),
                {"i": item_id, "w": warehouse_id, "u": units},
            )
    return item_id


def terminate_workflows(workers: Any, workflow_ids: Iterable[str]) -> None:
    """Terminate the workflows a test started (their children go with them, parent
    close policy TERMINATE); ones already over are skipped. `workers` is the session's
    tests.conftest.CheckoutWorkers."""
    from temporalio.service import RPCError

    async def terminate_all() -> None:
        for workflow_id in workflow_ids:
            try:
                await workers.client.get_workflow_handle(workflow_id).terminate(reason="test over")
            except RPCError:
                pass  # already over: delivered or cancelled

    workers.run(terminate_all())
