"""What bench.cluster reads back from PostgreSQL once the load has stopped: the sandbox
gateway's ledger against the orders, stock sold against stock loaded, and each live
viewer's last seen stock against the database's."""

from __future__ import annotations

import json
import time
from pathlib import Path

import psycopg

from bench.common import log

# Money taken or held: a checkout with more than one such charge was charged twice
# (a declined or voided attempt holds nothing; payments/sandbox.py).
_LEDGER = """
WITH taken AS (
    SELECT reference,
           count(*) FILTER (WHERE status IN ('AUTHORIZED', 'CAPTURED', 'REFUNDED')) AS held,
           bool_or(status IN ('CAPTURED', 'REFUNDED')) AS captured
    FROM payment_charges GROUP BY reference
)
SELECT
    count(*) FILTER (WHERE captured),
    count(*) FILTER (WHERE held > 1),
    count(*) FILTER (WHERE captured AND reference NOT IN (SELECT checkout_id FROM orders)),
    count(*) FILTER (WHERE held = 1 AND NOT captured),
    (SELECT count(*) FROM orders),
    (SELECT count(*) FROM orders o WHERE NOT EXISTS (
        SELECT 1 FROM taken t WHERE t.reference = o.checkout_id AND t.captured))
FROM taken
"""


def ledger(dsn: str) -> dict[str, int]:
    """Paid checkouts (a captured charge), orders, and how the two disagree."""
    with psycopg.connect(dsn) as conn:
        paid, double, unordered, held, orders, unpaid = conn.execute(_LEDGER).fetchone()
    return {
        "checkouts_paid": paid,
        "orders": orders,
        "double_charges": double,
        "paid_without_order": unordered,
        "orders_without_payment": unpaid,
        "authorized_not_captured": held,
    }


def stock_of(dsn: str, items: list[int]) -> dict[int, int]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT item_id, stock FROM aggregated_stock WHERE item_id = ANY(%s)", (items,)
        ).fetchall()
    return dict(rows)


def oversold(dsn: str, loaded: dict[int, int]) -> int:
    """Items with more units in live orders than were loaded, or below zero anywhere."""
    with psycopg.connect(dsn) as conn:
        ordered = dict(
            conn.execute(
                "SELECT ol.item_id, sum(ol.quantity - ol.cancelled_quantity) FROM order_lines ol "
                "JOIN orders o ON o.id = ol.order_id WHERE o.status <> 'CANCELLED' "
                "GROUP BY ol.item_id"
            ).fetchall()
        )
        negative = {
            item
            for (item,) in conn.execute(
                "SELECT item_id FROM aggregated_stock WHERE stock < 0 UNION "
                "SELECT item_id FROM warehouse_stock WHERE available_stock < 0 "
                "OR physical_stock < 0"
            ).fetchall()
        }
    over = {item for item, units in ordered.items() if units > loaded.get(item, units)}
    return len(over | negative)


def stale_viewers(snapshot: Path, truth: dict[int, int]) -> tuple[int, int]:
    """(viewers, viewers whose last seen stock differs from `truth`) in a snapshot."""
    rows = json.loads(snapshot.read_text())["viewers"]
    return len(rows), sum(1 for item, stock, *_ in rows if stock != truth.get(item))


def settle_viewers(dsn: str, snapshot: Path, items: list[int], seconds: float) -> dict:
    """Wait up to `seconds` for every viewer to show the database's stock.

    Both sides are read until they agree (or time is up): changes still in flight when
    the load stopped (expiring holds, the relay catching up) reach the viewers late,
    and a viewer is stale only if it still differs after the settle period.
    """
    deadline = time.monotonic() + seconds
    started = time.monotonic()
    while True:
        truth = stock_of(dsn, items)
        time.sleep(1.2)  # the viewers write their snapshot every second
        viewers, stale = stale_viewers(snapshot, truth)
        if (stale == 0 and stock_of(dsn, items) == truth) or time.monotonic() > deadline:
            break
    rows = json.loads(snapshot.read_text())["viewers"]
    if stale:
        examples = [r for r in rows if r[1] != truth.get(r[0])][:5]
        log(f"stale viewers (item, stock, eventID, connected, reconnects): {examples}; db {truth}")
    return {
        "viewers": viewers,
        "viewers_stale": stale,
        "viewers_connected": sum(1 for r in rows if r[3]),
        "viewer_reconnects": sum(r[4] for r in rows),
        "settle_s": round(time.monotonic() - started, 1),
    }
