"""Shipping and delivering through the staff API, against real order workflows: each
suborder's child workflow decides, the database row answers once it has closed."""

from __future__ import annotations

import pytest

from db.redis.warehouse_queue import WarehouseQueue
from tests.web.warehouse_world import BOSTON, TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = "/api/v1/warehouses"


def _post(app, path: str, headers: dict) -> tuple[int, dict]:
    answer = app.test_client().post(path, headers=headers)
    return answer.status_code, answer.get_json()


def _queue(app, headers: dict, warehouse: int = TACOMA, **params) -> dict:
    answer = app.test_client().get(
        f"{API}/{warehouse}/suborders", headers=headers, query_string=params
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_new_suborder_waits_in_its_warehouse_queue_marked_new_once(
    portal_app, staff_headers, world
):
    item = world.item({TACOMA: 5})
    order_id = world.order({item: 2})
    [suborder_id] = world.suborders(order_id)
    world.wait_queued(TACOMA, suborder_id)

    first = _queue(portal_app, staff_headers)
    mine = [s for s in first["suborders"] if s["suborderID"] == suborder_id]
    assert mine and mine[0]["status"] == "ASSIGNED" and mine[0]["new"] is True
    assert mine[0]["orderID"] == order_id
    assert mine[0]["lines"] == [{"itemID": item, "name": f"Crate {item}", "quantity": 2}]
    assert mine[0]["shippingAddress"]["city"] == "Seattle"

    again = _queue(portal_app, staff_headers)
    assert [s["new"] for s in again["suborders"] if s["suborderID"] == suborder_id] == [False]


def test_the_queue_lists_the_oldest_suborder_first_and_pages_on(portal_app, staff_headers, world):
    item = world.item({TACOMA: 10})
    placed = []
    for _ in range(3):
        order_id = world.order({item: 1})
        placed += world.suborders(order_id)

    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"nextCursor": cursor} if cursor else {})
        page = _queue(portal_app, staff_headers, **params)
        assert len(page["suborders"]) <= 2
        seen += [s["suborderID"] for s in page["suborders"]]
        cursor = page["nextCursor"]
        if not cursor:
            break
    assert [s for s in seen if s in placed] == placed
    assert len(seen) == len(set(seen))


def test_shipping_marks_the_suborder_shipped_and_twice_is_harmless(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 4})
    [suborder_id] = world.suborders(world.order({item: 3}))
    ship = f"{API}/{TACOMA}/suborders/{suborder_id}/ship"

    status, shipped = _post(portal_app, ship, staff_headers)
    assert status == 200, shipped
    assert shipped["status"] == "SHIPPED" and shipped["shippedAt"]
    assert world.shelf(TACOMA, item) == (1, 1)  # physical −3 on shipping; available −3 earlier

    status, again = _post(portal_app, ship, staff_headers)
    assert (status, again["status"]) == (200, "SHIPPED")
    assert world.shelf(TACOMA, item) == (1, 1)
    assert suborder_id in {
        s["suborderID"] for s in _queue(portal_app, staff_headers, status="SHIPPED")["suborders"]
    }
    assert suborder_id not in {
        s["suborderID"] for s in _queue(portal_app, staff_headers)["suborders"]
    }
    assert_portal_invariants()


def test_shipping_acknowledges_the_suborder_on_the_warehouse_stream(
    portal_app, staff_headers, world
):
    item = world.item({TACOMA: 2})
    [suborder_id] = world.suborders(world.order({item: 1}))
    world.wait_queued(TACOMA, suborder_id)
    _queue(portal_app, staff_headers)  # the portal reads the stream: the entry is pending
    queue = WarehouseQueue(portal_app.extensions["shopflow"].redis)
    pending_before = queue.pending_count(TACOMA)

    status, _ = _post(portal_app, f"{API}/{TACOMA}/suborders/{suborder_id}/ship", staff_headers)
    assert status == 200
    assert queue.pending_count(TACOMA) == pending_before - 1
    assert queue.ack_suborder(TACOMA, suborder_id) is False  # nothing left to acknowledge


def test_delivering_before_shipping_is_refused_with_a_reason(portal_app, staff_headers, world):
    item = world.item({TACOMA: 2})
    [suborder_id] = world.suborders(world.order({item: 1}))

    status, refused = _post(
        portal_app, f"{API}/{TACOMA}/suborders/{suborder_id}/deliver", staff_headers
    )
    assert status == 409
    assert refused["error"]["code"] == "not_shipped"
    assert "shipped" in refused["error"]["message"]
    assert world.scalar("SELECT status FROM warehouse_orders WHERE id = :s", s=suborder_id) == (
        "ASSIGNED"
    )


def test_a_delivered_suborder_stays_delivered_when_shipped_or_delivered_again(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 2})
    order_id = world.order({item: 2})
    [suborder_id] = world.suborders(order_id)
    base = f"{API}/{TACOMA}/suborders/{suborder_id}"

    assert _post(portal_app, f"{base}/ship", staff_headers)[0] == 200
    status, delivered = _post(portal_app, f"{base}/deliver", staff_headers)
    assert (status, delivered["status"]) == (200, "DELIVERED")
    assert delivered["deliveredAt"]
    # The child workflow has closed: the database row answers from now on.
    world.suborders(order_id, status="DELIVERED")
    assert _post(portal_app, f"{base}/ship", staff_headers)[1]["status"] == "DELIVERED"
    assert _post(portal_app, f"{base}/deliver", staff_headers)[1]["status"] == "DELIVERED"
    assert_portal_invariants()


def test_a_suborder_the_shopper_cancelled_is_never_shipped(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 3})
    order_id = world.order({item: 2})
    [suborder_id] = world.suborders(order_id)
    world.cancel(order_id)
    world.suborders(order_id, status="CANCELLED")

    status, refused = _post(
        portal_app, f"{API}/{TACOMA}/suborders/{suborder_id}/ship", staff_headers
    )
    assert status == 409
    assert refused["error"]["code"] == "cancelled"
    assert "cancelled" in refused["error"]["message"]
    assert world.shelf(TACOMA, item) == (3, 3)  # everything back on the shelf, nothing left
    assert world.aggregated(item) == 3
    assert suborder_id not in {
        s["suborderID"] for s in _queue(portal_app, staff_headers)["suborders"]
    }
    assert_portal_invariants()


def test_another_warehouses_suborder_is_not_found_here(portal_app, staff_headers, world):
    item = world.item({BOSTON: 2})
    [suborder_id] = world.suborders(world.order({item: 1}))

    for action in ("ship", "deliver"):
        status, answer = _post(
            portal_app, f"{API}/{TACOMA}/suborders/{suborder_id}/{action}", staff_headers
        )
        assert status == 404, answer
    assert suborder_id in {
        s["suborderID"] for s in _queue(portal_app, staff_headers, warehouse=BOSTON)["suborders"]
    }


def test_fulfilment_unreachable_is_a_503_and_nothing_changes(make_portal_app, staff_headers, world):
    item = world.item({TACOMA: 2})
    [suborder_id] = world.suborders(world.order({item: 1}))
    from stack.ports import free_ports

    (closed_port,) = free_ports(1)
    app = make_portal_app(temporal_address=f"127.0.0.1:{closed_port}")

    status, answer = _post(app, f"{API}/{TACOMA}/suborders/{suborder_id}/ship", staff_headers)
    assert status == 503
    assert "nothing was changed" in answer["error"]["message"]
    assert world.scalar("SELECT status FROM warehouse_orders WHERE id = :s", s=suborder_id) == (
        "ASSIGNED"
    )
