"""Restocking through the staff API: +n on the shelf, free to order and for shoppers, in
one transaction; search learns the item is back; every bad input is a 4xx, nothing
half-written; invariants hold, also while orders are being assigned and shipped."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.web.warehouse_world import BOSTON, CLOSED, TACOMA

pytest_plugins = ["tests.web.warehouse_fixtures"]
pytestmark = [pytest.mark.web, pytest.mark.integration]

API = "/api/v1/warehouses"


def _restock(app, headers, warehouse: int = TACOMA, **body):
    return app.test_client().post(f"{API}/{warehouse}/restock", json=body, headers=headers)


def test_a_restock_adds_the_units_to_the_shelf_and_to_what_shoppers_can_order(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 4, BOSTON: 1})

    answer = _restock(portal_app, staff_headers, itemID=item, quantity=6)

    assert answer.status_code == 200, answer.get_json()
    assert answer.headers["Cache-Control"] == "private, no-store"
    body = answer.get_json()
    assert (body["physicalStock"], body["availableStock"], body["aggregatedStock"]) == (10, 10, 11)
    assert body["quantity"] == 6 and body["name"] == f"Crate {item}"
    assert world.shelf(TACOMA, item) == (10, 10)
    assert world.shelf(BOSTON, item) == (1, 1)
    assert world.aggregated(item) == 11
    assert_portal_invariants()


def test_a_warehouse_can_receive_an_item_it_never_held(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({BOSTON: 2})
    assert world.shelf(TACOMA, item) is None

    answer = _restock(portal_app, staff_headers, itemID=item, quantity=3)

    assert answer.status_code == 200, answer.get_json()
    assert world.shelf(TACOMA, item) == (3, 3)
    assert world.aggregated(item) == 5
    assert_portal_invariants()


def test_restocking_a_sold_out_item_puts_it_back_in_stock_in_search(
    portal_app, staff_headers, world, warehouse_db
):
    from db.search.index import SearchIndex, make_typesense_client

    sold_out = 1  # loaded with no stock at all: indexed as out of stock
    index = SearchIndex(make_typesense_client(warehouse_db), warehouse_db.typesense_collection)
    documents = index.client.collections[warehouse_db.typesense_collection].documents
    assert documents[str(sold_out)].retrieve()["in_stock"] is False

    answer = _restock(portal_app, staff_headers, itemID=sold_out, quantity=2)

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["searchIndexUpdated"] is True
    assert documents[str(sold_out)].retrieve()["in_stock"] is True
    assert world.shelf(TACOMA, sold_out) == (2, 2)


def test_search_being_down_does_not_undo_a_restock(make_portal_app, staff_headers, world):
    from stack.ports import free_ports

    (closed_port,) = free_ports(1)
    app = make_portal_app(typesense_url=f"http://127.0.0.1:{closed_port}")
    item = world.item({TACOMA: 1})

    answer = _restock(app, staff_headers, itemID=item, quantity=4)

    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["searchIndexUpdated"] is False
    assert "search" in answer.get_json()["message"]
    assert world.shelf(TACOMA, item) == (5, 5)


ITEM = object()  # stands for the test's own item
BAD_BODIES = [
    ({"quantity": 1}, 400, "itemID is required"),
    ({"itemID": "seven", "quantity": 1}, 400, "itemID must be a whole number"),
    ({"itemID": 1.0, "quantity": 1}, 400, "whole number"),
    ({"itemID": True, "quantity": 1}, 400, "whole number"),
    ({"itemID": ITEM}, 400, "quantity is required"),
    ({"itemID": ITEM, "quantity": "5"}, 400, "quantity must be a whole number"),
    ({"itemID": ITEM, "quantity": 0}, 400, "at least 1"),
    ({"itemID": ITEM, "quantity": -3}, 400, "say why with reason"),  # a correction down
    ({"itemID": ITEM, "quantity": 10_001}, 400, "At most 10,000"),
    ({"itemID": ITEM, "quantity": 10**30}, 400, "At most 10,000"),
    ({"itemID": 987_654_321, "quantity": 1}, 404, "no item 987654321"),
    ({"itemID": 10**30, "quantity": 1}, 404, "no item"),
    ({"itemID": -1, "quantity": 1}, 404, "no item"),
]


@pytest.mark.parametrize(("body", "status", "message"), BAD_BODIES)
def test_a_bad_restock_is_refused_with_a_reason_and_writes_nothing(
    portal_app, staff_headers, world, body, status, message
):
    item = world.item({TACOMA: 2})
    body = {k: item if v is ITEM else v for k, v in body.items()}

    answer = _restock(portal_app, staff_headers, **body)

    assert answer.status_code == status, answer.get_json()
    assert message in answer.get_json()["error"]["message"]
    assert world.shelf(TACOMA, item) == (2, 2)
    assert world.aggregated(item) == 2


@pytest.mark.parametrize(
    "raw", [b"", b"not json", b"[1, 2]", b'"text"', b"{", b'{"itemID": 1, "quantity": 1']
)
def test_a_restock_body_that_is_not_a_json_object_is_refused(portal_app, staff_headers, raw):
    answer = portal_app.test_client().post(
        f"{API}/{TACOMA}/restock",
        data=raw,
        headers={**staff_headers, "Content-Type": "application/json"},
    )
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"]


def test_restocking_an_unknown_or_inactive_warehouse_is_refused(portal_app, staff_headers, world):
    item = world.item({TACOMA: 1})

    unknown = _restock(portal_app, staff_headers, warehouse=424242, itemID=item, quantity=1)
    inactive = _restock(portal_app, staff_headers, warehouse=CLOSED, itemID=item, quantity=1)

    assert unknown.status_code == 404
    assert inactive.status_code == 409
    assert "not active" in inactive.get_json()["error"]["message"]
    assert world.shelf(CLOSED, item) is None and world.aggregated(item) == 1


def test_restocks_while_orders_are_assigned_and_shipped_keep_the_invariants(
    portal_app, staff_headers, world, assert_portal_invariants
):
    item = world.item({TACOMA: 6})
    orders = [world.order({item: 2}) for _ in range(3)]

    suborders = [world.suborders(order_id)[0] for order_id in orders]

    def restock() -> int:
        return _restock(portal_app, staff_headers, itemID=item, quantity=1).status_code

    def ship(suborder: str):
        return lambda: (
            portal_app.test_client()
            .post(f"{API}/{TACOMA}/suborders/{suborder}/ship", headers=staff_headers)
            .status_code
        )

    # Restocks and shipments of the same shelf, all released at once (not one pool after
    # the other), so a restock that lost a shipment's update would show on the shelf.
    calls = [restock] * 8 + [ship(s) for s in suborders]
    barrier = threading.Barrier(len(calls))

    def together(call):
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        answers = list(pool.map(together, calls))
    statuses, shipped = answers[:8], answers[8:]

    assert statuses == [200] * 8 and shipped == [200] * 3
    assert world.shelf(TACOMA, item) == (6 + 8 - 6, 6 + 8 - 6)
    assert world.aggregated(item) == 6 + 8 - 6
    assert_portal_invariants()
