"""What bench.checkout reads back after each phase: stock seen, orders written, the
invariants, and CPU seconds turned into per-order figures."""

from __future__ import annotations

import os
import threading
import time
from datetime import UTC, datetime

import psycopg

from bench.common import log
from settings import Settings


class StockWatch:
    """Polls one item's aggregated stock while shoppers contend for it; keeps the minimum."""

    def __init__(self, dsn: str, item_id: int) -> None:
        self._dsn, self._item_id = dsn, item_id
        self.minimum: int | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stock-watch", daemon=True)

    def _run(self) -> None:
        with psycopg.connect(self._dsn, autocommit=True) as conn:
            while True:
                stopping = self._stop.is_set()
                (stock,) = conn.execute(
                    "SELECT stock FROM aggregated_stock WHERE item_id = %s", (self._item_id,)
                ).fetchone()
                self.minimum = stock if self.minimum is None else min(self.minimum, stock)
                if stopping:
                    return
                time.sleep(0.02)

    def __enter__(self) -> StockWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def orders_for(dsn: str, user_ids: list[int]) -> int:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT count(*) FROM orders WHERE user_id = ANY(%s) AND status <> 'CANCELLED'",
            (user_ids,),
        ).fetchone()[0]


# An order is fully assigned when its live suborders cover every unit it ordered.
_ASSIGNED_ORDERS = """
WITH wanted AS (
    SELECT o.id, sum(ol.quantity) AS units FROM orders o
    JOIN order_lines ol ON ol.order_id = o.id
    WHERE o.user_id = ANY(%s) AND o.status <> 'CANCELLED' GROUP BY o.id
), covered AS (
    SELECT w.order_id, sum(l.quantity) AS units, max(w.created_at) AS last_at
    FROM warehouse_orders w JOIN warehouse_order_lines l ON l.suborder_id = w.id
    WHERE w.order_id IN (SELECT id FROM wanted) AND w.status <> 'CANCELLED'
    GROUP BY w.order_id
)
SELECT count(*), max(covered.last_at) FROM wanted JOIN covered
    ON covered.order_id = wanted.id AND covered.units = wanted.units
"""


def wait_until_assigned(
    dsn: str, user_ids: list[int], expected: int, *, timeout: float = 300.0
) -> tuple[int, datetime | None]:
    """Wait for `expected` of these users' orders to be fully assigned to warehouses.

    Returns how many are, and when the last of their suborders was written (the
    database's clock, the same machine's): the end of the batch's fulfilment.
    """
    deadline = time.monotonic() + timeout
    with psycopg.connect(dsn) as conn:
        while True:
            count, last_at = conn.execute(_ASSIGNED_ORDERS, (user_ids,)).fetchone()
            conn.commit()
            if count >= expected or time.monotonic() > deadline:
                return count, last_at
            time.sleep(0.1)


def units_ordered(dsn: str, item_id: int) -> tuple[int, int, int]:
    """(orders with the item, units of it ordered, its aggregated stock now)."""
    with psycopg.connect(dsn) as conn:
        orders, units = conn.execute(
            "SELECT count(DISTINCT o.id), COALESCE(SUM(ol.quantity), 0) FROM order_lines ol "
            "JOIN orders o ON o.id = ol.order_id WHERE ol.item_id = %s AND o.status <> 'CANCELLED'",
            (item_id,),
        ).fetchone()
        (stock,) = conn.execute(
            "SELECT stock FROM aggregated_stock WHERE item_id = %s", (item_id,)
        ).fetchone()
    return orders, units, stock


def invariants_hold(settings: Settings) -> bool:
    from db.postgres.engine import make_engine
    from db.postgres.invariants import check_invariants

    assert settings.database_url is not None
    engine = make_engine(settings.database_url)
    try:
        report = check_invariants(engine, now=datetime.now(UTC))
    finally:
        engine.dispose()
    log(report.summary())
    for violation in report.violations[:10]:
        log(f"  {violation.invariant}: {violation.detail}")
    return report.ok


MACHINE = ("other", "machine_busy", "machine_capacity")


def per_unit(cpu: dict[str, float], units: int) -> dict[str, float]:
    """CPU ms per unit of work for each of this run's processes, and their total."""
    own = {k: v for k, v in cpu.items() if k not in MACHINE and v}
    result = {k: round(v / max(units, 1) * 1000, 1) for k, v in own.items()}
    result["total"] = round(sum(own.values()) / max(units, 1) * 1000, 1)
    return result


def cpu_bound_rate(cpu: dict[str, float], units: int) -> float:
    """Units/s if every core of the machine worked only for this run at this CPU cost."""
    own = sum(v for k, v in cpu.items() if k not in MACHINE)
    return round((os.cpu_count() or 1) * units / own, 1) if own else float("nan")


def log_cpu(label: str, cpu: dict[str, float]) -> None:
    parts = ", ".join(f"{k} {v:.1f}" for k, v in sorted(cpu.items(), key=lambda kv: -kv[1]))
    log(f"CPU seconds during {label}: {parts}")
