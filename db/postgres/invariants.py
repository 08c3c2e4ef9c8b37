"""The stock invariants of docs/contract.md §3, checked over the whole database.

I1 per item:  aggregated.stock + HELD reservations + submitted-but-unassigned
              == Σ warehouse available_stock
              (submitted: order lines of orders not cancelled, less the units a
              partial cancel took off them, docs/orders.md)
I2 per (item, warehouse): physical − available == assigned-but-not-shipped
I3 nothing negative; every order has a payment reference; no HELD reservation
   whose checkout has ended: none beside the order it became, and none the hold
   sweeper should have freed (expired longer ago than its grace plus two sweeps).

Holds past their expiry are not a violation by themselves any more: the hold
sweeper (a Temporal Schedule, activities/hold_sweep.py) releases them every minute,
those of closed checkouts at once and all of them `grace` after expiry. What I3 still
reports is a hold the sweeper has missed, i.e. the sweeper is not running.

Each check is one SQL statement so it scales to a million items; the result lists
the offending rows with their numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Engine, text

# The sweeper runs every minute; two missed runs past its grace is a sweeper down.
SWEEPS_MISSED = timedelta(minutes=2)
DEFAULT_SWEEP_GRACE = timedelta(seconds=300)  # Settings.hold_sweep_grace_seconds

I1_SQL = """
WITH held AS (
    SELECT item_id, SUM(quantity) AS q FROM reservations WHERE state = 'HELD' GROUP BY item_id
), ordered AS (
    SELECT ol.item_id, SUM(ol.quantity - ol.cancelled_quantity) AS q
    FROM order_lines ol JOIN orders o ON o.id = ol.order_id
    WHERE o.status <> 'CANCELLED' GROUP BY ol.item_id
), assigned AS (
    SELECT wl.item_id, SUM(wl.quantity) AS q
    FROM warehouse_order_lines wl
    JOIN warehouse_orders w ON w.id = wl.suborder_id
    JOIN orders o ON o.id = w.order_id
    WHERE w.status <> 'CANCELLED' AND o.status <> 'CANCELLED' GROUP BY wl.item_id
), available AS (
    SELECT item_id, SUM(available_stock) AS q FROM warehouse_stock GROUP BY item_id
)
SELECT a.item_id,
       a.stock,
       COALESCE(h.q, 0) AS held,
       COALESCE(od.q, 0) - COALESCE(asg.q, 0) AS unassigned,
       COALESCE(av.q, 0) AS available
FROM aggregated_stock a
LEFT JOIN held h ON h.item_id = a.item_id
LEFT JOIN ordered od ON od.item_id = a.item_id
LEFT JOIN assigned asg ON asg.item_id = a.item_id
LEFT JOIN available av ON av.item_id = a.item_id
WHERE a.stock + COALESCE(h.q, 0) + COALESCE(od.q, 0) - COALESCE(asg.q, 0) <> COALESCE(av.q, 0)
ORDER BY a.item_id
LIMIT :limit
"""

I2_SQL = """
WITH pending AS (
    SELECT wl.item_id, w.warehouse_id, SUM(wl.quantity) AS q
    FROM warehouse_order_lines wl JOIN warehouse_orders w ON w.id = wl.suborder_id
    WHERE w.status = 'ASSIGNED' GROUP BY wl.item_id, w.warehouse_id
)
SELECT s.item_id, s.warehouse_id, s.physical_stock, s.available_stock, COALESCE(p.q, 0) AS pending
FROM warehouse_stock s
LEFT JOIN pending p ON p.item_id = s.item_id AND p.warehouse_id = s.warehouse_id
WHERE s.physical_stock - s.available_stock <> COALESCE(p.q, 0)
ORDER BY s.item_id, s.warehouse_id
LIMIT :limit
"""

I3_CHECKS = {
    "negative aggregated stock": "SELECT item_id, stock FROM aggregated_stock WHERE stock < 0",
    "negative warehouse stock": (
        "SELECT item_id, warehouse_id, physical_stock, available_stock FROM warehouse_stock "
        "WHERE physical_stock < 0 OR available_stock < 0"
    ),
    "order without payment": (
        "SELECT id, checkout_id FROM orders "
        "WHERE payment_reference IS NULL OR payment_reference = ''"
    ),
    "HELD reservation of a checkout that became an order": (
        "SELECT r.checkout_id, r.item_id, r.quantity FROM reservations r "
        "JOIN orders o ON o.checkout_id = r.checkout_id WHERE r.state = 'HELD'"
    ),
    "HELD reservation the hold sweeper missed (is the worker running?)": (
        "SELECT checkout_id, item_id, quantity, expires_at FROM reservations "
        "WHERE state = 'HELD' AND expires_at < :stale_before"
    ),
}


@dataclass
class Violation:
    invariant: str
    detail: str


@dataclass
class InvariantReport:
    items: int = 0
    warehouses_stocked: int = 0
    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        if self.ok:
            return (
                f"invariants I1-I3 hold over {self.items} items and "
                f"{self.warehouses_stocked} warehouse stock rows"
            )
        return f"{len(self.violations)} invariant violation(s) over {self.items} items"


def check_invariants(
    engine: Engine,
    *,
    now: datetime,
    limit: int = 50,
    sweep_grace: timedelta = DEFAULT_SWEEP_GRACE,
) -> InvariantReport:
    report = InvariantReport()
    with engine.connect() as conn:
        report.items = conn.execute(text("SELECT count(*) FROM aggregated_stock")).scalar_one()
        report.warehouses_stocked = conn.execute(
            text("SELECT count(*) FROM warehouse_stock")
        ).scalar_one()
        for row in conn.execute(text(I1_SQL), {"limit": limit}):
            report.violations.append(
                Violation(
                    "I1",
                    f"item {row.item_id}: aggregated {row.stock} + held {row.held} + "
                    f"unassigned {row.unassigned} != warehouse available {row.available}",
                )
            )
        for row in conn.execute(text(I2_SQL), {"limit": limit}):
            report.violations.append(
                Violation(
                    "I2",
                    f"item {row.item_id} warehouse {row.warehouse_id}: physical "
                    f"{row.physical_stock} - available {row.available_stock} != "
                    f"assigned-not-shipped {row.pending}",
                )
            )
        params = {"stale_before": now - sweep_grace - SWEEPS_MISSED}
        for name, sql in I3_CHECKS.items():
            for row in conn.execute(text(sql + " LIMIT :limit"), {**params, "limit": limit}):
                values = ", ".join(f"{k}={v}" for k, v in row._mapping.items())
                report.violations.append(Violation("I3", f"{name}: {values}"))
    return report
