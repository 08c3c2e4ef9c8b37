"""The warehouse tests' world: warehouse ids, the shipping address, and `Warehouses`,
which creates stock and orders on the warehouse test database and drives their
fulfilment workflows. Plain helpers (no fixtures), so test modules may import them;
the fixtures are in tests/web/warehouse_fixtures.py.
"""

from __future__ import annotations

import itertools
import json
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from catalog.records import WarehouseRecord
from settings import Settings
from tests.stock_world import insert_item, terminate_workflows
from tests.waiting import wait_until
from workflows.task_queues import Service, task_queue

TACOMA, BOSTON, CLOSED = 7101, 7102, 7103
WAREHOUSES = [
    WarehouseRecord(TACOMA, "Tacoma", "Tacoma, WA, US", 47.25, -122.44),
    WarehouseRecord(BOSTON, "Boston", "Boston, MA, US", 42.36, -71.06),
    WarehouseRecord(CLOSED, "Closed Depot", "Denver, CO, US", 39.74, -104.99),
]
SEATTLE_ADDRESS = {
    "name": "Ada Lovelace",
    "line1": "1 Pike St",
    "city": "Seattle",
    "postal_code": "98101",
    "country": "US",
}
# One indexed item per test that needs the search flag; created items start above them.
INDEXED_ITEMS = 20
_item_ids = itertools.count(1_000)


@dataclass
class Warehouses:
    """Stock, orders and their fulfilment on the warehouse test database."""

    engine: Any
    worker: Any
    settings: Settings
    shopper_id: int
    started: list[str] = field(default_factory=list)

    # --- stock -------------------------------------------------------------------------

    def item(self, shelves: dict[int, int], name: str | None = None) -> int:
        """A new item with `shelves` units per warehouse (aggregated = their sum, I1)."""
        item_id = next(_item_ids)
        return insert_item(
            self.engine,
            item_id,
            shelves,
            name=name or f"Crate {item_id}",
            sku=f"WHT-{item_id:06d}",
            price=900,
            description="A portal test item.",
        )

    def shelf(self, warehouse_id: int, item_id: int) -> tuple[int, int] | None:
        """(physical, available) of the item in that warehouse, or None without a row."""
        with self.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT physical_stock, available_stock FROM warehouse_stock "
                    "WHERE warehouse_id = :w AND item_id = :i"
                ),
                {"w": warehouse_id, "i": item_id},
            ).one_or_none()
        return None if row is None else (row.physical_stock, row.available_stock)

    def aggregated(self, item_id: int) -> int:
        return self.scalar("SELECT stock FROM aggregated_stock WHERE item_id = :i", i=item_id)

    def scalar(self, sql: str, **params: Any) -> Any:
        with self.engine.connect() as conn:
            return conn.execute(text(sql), params).scalar()

    # --- orders ------------------------------------------------------------------------

    def order(self, lines: dict[int, int]) -> str:
        """Write a submitted order and start its OrderWorkflow; returns the order id."""
        from workflows.order import OrderWorkflow
        from workflows.order_messages import OrderInput, order_workflow_id

        order_id = f"wh-{uuid.uuid4().hex[:16]}"
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status, "
                    "shipping_address, payment_reference, timeline) VALUES (:o, :u, :c, 0, "
                    ":at, 'PENDING', CAST(:a AS jsonb), 'ch_portal_test', '[]'::jsonb)"
                ),
                {
                    "o": order_id,
                    "u": self.shopper_id,
                    "c": f"co-{order_id}",
                    "at": datetime.now(UTC),
                    "a": json.dumps(SEATTLE_ADDRESS),
                },
            )
            for item_id, quantity in sorted(lines.items()):
                conn.execute(
                    text(
                        "INSERT INTO order_lines (order_id, item_id, quantity, unit_price, name) "
                        "VALUES (:o, :i, :q, 0, 'Portal test line')"
                    ),
                    {"o": order_id, "i": item_id, "q": quantity},
                )
                conn.execute(
                    text("UPDATE aggregated_stock SET stock = stock - :q WHERE item_id = :i"),
                    {"q": quantity, "i": item_id},
                )
        workflow_id = order_workflow_id(order_id)
        self.started.append(workflow_id)
        self.worker.run(
            self.worker.client.start_workflow(
                OrderWorkflow.run,
                OrderInput(order_id, self.shopper_id, strategy="nearest"),
                id=workflow_id,
                task_queue=task_queue(self.settings.task_queue, Service.FULFILMENT),
            )
        )
        return order_id

    def suborders(self, order_id: str, count: int = 1, status: str = "ASSIGNED") -> list[str]:
        """The order's suborder ids once there are `count` of them, all in `status`."""

        def ready() -> list[str] | None:
            with self.engine.connect() as conn:
                rows = conn.execute(
                    text("SELECT id, status FROM warehouse_orders WHERE order_id = :o ORDER BY id"),
                    {"o": order_id},
                ).all()
            if len(rows) == count and all(row.status == status for row in rows):
                return [row.id for row in rows]
            return None

        return wait_until(ready, what=f"{count} suborder(s) {status} for order {order_id}")

    def wait_queued(self, warehouse_id: int, suborder_id: str) -> None:
        """Until notify_warehouse has put the suborder on the warehouse's stream (it runs
        just after the assignment commits, so a row can be ASSIGNED a moment before)."""
        import redis

        from db.redis.warehouse_queue import queued_key

        client = redis.Redis.from_url(self.settings.redis_url)
        try:
            wait_until(
                lambda: client.sismember(queued_key(warehouse_id), suborder_id),
                what=f"suborder {suborder_id} on warehouse {warehouse_id}'s stream",
            )
        finally:
            client.close()

    def cancel(self, order_id: str) -> None:
        """What the shopper's cancel does: the order workflow's own `cancel` update."""
        from workflows.order import OrderWorkflow
        from workflows.order_messages import CancelOrder, order_workflow_id

        handle = self.worker.client.get_workflow_handle_for(
            OrderWorkflow.run, order_workflow_id(order_id)
        )
        self.worker.run(handle.execute_update(OrderWorkflow.cancel, CancelOrder(self.shopper_id)))

    def end(self) -> None:
        terminate_workflows(self.worker, self.started)
