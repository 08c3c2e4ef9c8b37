"""The order desk's and the stock corrections' lines of tests/web/test_openapi_statuses.py:
one request per (operation, status), on the warehouse portal's app and database (its
operator account, its orders with real workflows)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text

from tests.web.openapi_world import NO_SUCH_WAREHOUSE, World, _unknown_parameter, _wh

DESK = "/api/v1/staff/orders"
NOBODY = "/api/v1/staff/orders?email=nobody@example.com"
REASON = {"reason": "Customer asked by phone"}


def _running_order(w: World) -> str:
    """An order whose workflow runs and has assigned it (tests/web/warehouse_world.py)."""
    from tests.web.warehouse_world import TACOMA

    world = w.warehouses
    order_id = world.order({world.item({TACOMA: 5}): 1})
    world.suborders(order_id)
    return order_id


def _bare_order(w: World, status: str) -> str:
    """An order row with no workflow behind it: the desk decides from the row alone."""
    order_id = f"bare-{uuid.uuid4().hex[:16]}"
    world = w.warehouses
    with world.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO orders (id, user_id, checkout_id, total, ordered_at, status, "
                "shipping_address, payment_reference, timeline) VALUES (:o, :u, :c, 0, :at, "
                ":s, CAST(:a AS jsonb), 'ch_openapi_test', '[]'::jsonb)"
            ),
            {"o": order_id, "u": world.shopper_id, "c": f"co-{order_id}", "s": status,
             "at": datetime.now(UTC), "a": json.dumps({"city": "Seattle"})},
        )  # fmt: skip
    return order_id


def _cancel(w: World, order_id: str, headers: dict[str, str] | None = None, body=None):
    return w.staff_post(f"{DESK}/{order_id}/cancel", headers, json=REASON if body is None else body)


STAFF_PROVOKE: dict[tuple[str, str, int], Any] = {
    ("get", DESK, 200): lambda w: w.staff_get(NOBODY),
    ("get", DESK, 400): lambda w: w.staff_get(DESK),
    ("get", DESK, 401): lambda w: w.staff_get(NOBODY, {}),
    ("get", DESK, 403): lambda w: w.staff_get(NOBODY, w.not_staff),
    ("get", DESK + "/{orderID}", 200): lambda w: w.staff_get(f"{DESK}/{_running_order(w)}"),
    ("get", DESK + "/{orderID}", 400): _unknown_parameter("get", DESK + "/{orderID}"),
    ("get", DESK + "/{orderID}", 401): lambda w: w.staff_get(f"{DESK}/x", {}),
    ("get", DESK + "/{orderID}", 403): lambda w: w.staff_get(f"{DESK}/x", w.not_staff),
    ("get", DESK + "/{orderID}", 404): lambda w: w.staff_get(f"{DESK}/no-such-order"),
    ("post", DESK + "/{orderID}/cancel", 200): lambda w: _cancel(w, _running_order(w)),
    ("post", DESK + "/{orderID}/cancel", 400): lambda w: _cancel(w, "x", body={}),
    ("post", DESK + "/{orderID}/cancel", 401): lambda w: _cancel(w, "x", {}),
    ("post", DESK + "/{orderID}/cancel", 403): lambda w: _cancel(w, "x", w.not_staff),
    ("post", DESK + "/{orderID}/cancel", 404): lambda w: _cancel(w, "no-such-order"),
    ("post", DESK + "/{orderID}/cancel", 409): lambda w: _cancel(w, _bare_order(w, "DELIVERED")),
    # No workflow was ever started for it: try again later.
    ("post", DESK + "/{orderID}/cancel", 503): lambda w: _cancel(w, _bare_order(w, "PENDING")),
    ("get", "/api/v1/warehouses/{warehouseID}/corrections", 200): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/corrections")
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/corrections", 400): lambda w: w.staff_get(
        "/api/v1/warehouses/abc/corrections"
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/corrections", 401): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/corrections"), {}
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/corrections", 403): lambda w: w.staff_get(
        _wh("/api/v1/warehouses/{w}/corrections"), w.not_staff
    ),
    ("get", "/api/v1/warehouses/{warehouseID}/corrections", 404): lambda w: w.staff_get(
        f"/api/v1/warehouses/{NO_SUCH_WAREHOUSE}/corrections"
    ),
}
