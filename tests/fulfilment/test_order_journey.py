"""Orders placed through the real checkout travel the real fulfilment path: split over
warehouses, queued on each warehouse's Redis stream, shipped, delivered or cancelled
and refunded, with the books balancing (I1-I3) after every step."""

from __future__ import annotations

import pytest
import redis
from temporalio.client import WorkflowUpdateFailedError

from db.redis.warehouse_queue import CONSUMER_GROUP, stream_key
from tests.fulfilment.conftest import CHICAGO, MIAMI, SEATTLE, Store
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder, order_workflow_id, suborder_workflow_id
from workflows.suborder import SuborderWorkflow

pytestmark = pytest.mark.integration


def confirm(store: Store, suborder_id: str, update) -> str:
    async def call(client):
        handle = client.get_workflow_handle(suborder_workflow_id(suborder_id))
        return await handle.execute_update(update)

    return store.temporal(call)


def cancel(store: Store, order_id: str, user_id: int):
    async def call(client):
        handle = client.get_workflow_handle_for(OrderWorkflow.run, order_workflow_id(order_id))
        return await handle.execute_update(OrderWorkflow.cancel, CancelOrder(user_id))

    return store.temporal(call)


def queued(store: Store, warehouse_id: int) -> list[str]:
    """Suborder ids on a warehouse's stream (read without consuming them)."""
    client = redis.Redis.from_url(store.settings.redis_url)
    try:
        if not client.exists(stream_key(warehouse_id)):
            return []
        entries = client.xrange(stream_key(warehouse_id))
        groups = [g["name"].decode() for g in client.xinfo_groups(stream_key(warehouse_id))]
    finally:
        client.close()
    assert CONSUMER_GROUP in groups
    return [fields[b"suborder_id"].decode() for _, fields in entries]


def test_an_order_no_warehouse_can_ship_alone_splits_and_follows_its_parcels_to_delivery(
    store: Store,
):
    kettle = store.item({SEATTLE: 1, MIAMI: 2})
    lamp = store.item({CHICAGO: 4})
    _, order_id = store.order({kettle: 3, lamp: 1})

    suborders = store.assigned(order_id, warehouses=3)

    # No two warehouses hold it all: kettles from Seattle and Miami, the lamp from Chicago.
    assert store.suborders(order_id) == {
        SEATTLE: ("ASSIGNED", {kettle: 1}),
        CHICAGO: ("ASSIGNED", {lamp: 1}),
        MIAMI: ("ASSIGNED", {kettle: 2}),
    }

    def all_queued() -> bool:  # queued right after assignment
        return all(s in queued(store, w) for w, s in suborders.items())

    store.until(all_queued, what="every suborder on its warehouse's stream")
    assert store.shelf(kettle) == {SEATTLE: (1, 0), MIAMI: (2, 0)}
    store.check_invariants()

    for suborder_id in suborders.values():
        assert confirm(store, suborder_id, SuborderWorkflow.confirm_shipped) == "SHIPPED"
    store.until(lambda: store.order_status(order_id) == "SHIPPED", what="order SHIPPED")
    assert store.shelf(kettle) == {SEATTLE: (0, 0), MIAMI: (0, 0)}
    store.check_invariants()

    for suborder_id in suborders.values():
        delivered = confirm(store, suborder_id, SuborderWorkflow.confirm_delivered)
        assert delivered == "DELIVERED"
    store.until(lambda: store.order_status(order_id) == "DELIVERED", what="order DELIVERED")
    events = store.events(order_id)
    assert events[0] == "placed" and events[-1] == "delivered"
    assert events.count("assigned") == 3 and "shipped" in events
    store.check_invariants()


def test_an_order_one_warehouse_can_ship_goes_to_the_nearest_such_warehouse(store: Store):
    mug = store.item({SEATTLE: 1, CHICAGO: 3, MIAMI: 9})
    _, order_id = store.order({mug: 2})

    store.assigned(order_id, warehouses=1)

    assert store.suborders(order_id) == {CHICAGO: ("ASSIGNED", {mug: 2})}
    store.check_invariants()


def test_cancelling_after_assignment_gives_every_unit_back_and_refunds_the_payment(
    store: Store,
):
    kettle = store.item({SEATTLE: 1, MIAMI: 2})
    shopper, order_id = store.order({kettle: 3})
    store.assigned(order_id, warehouses=2)
    total = store.scalar("SELECT total FROM orders WHERE id = :o", o=order_id)

    answer = cancel(store, order_id, shopper.user_id)

    assert answer.status == "CANCELLED"
    assert store.order_status(order_id) == "CANCELLED"
    assert {s for s, _ in store.suborders(order_id).values()} == {"CANCELLED"}
    assert store.aggregated(kettle) == 3
    assert store.shelf(kettle) == {SEATTLE: (1, 1), MIAMI: (2, 2)}
    assert store.refunds(order_id) == [(f"refund-{order_id}", total)]
    assert store.events(order_id)[-1] == "refunded"
    store.check_invariants()


def test_an_order_cannot_be_cancelled_once_a_parcel_has_shipped_and_is_never_refunded(
    store: Store,
):
    kettle = store.item({SEATTLE: 1, MIAMI: 1})
    shopper, order_id = store.order({kettle: 2})
    suborders = store.assigned(order_id, warehouses=2)
    confirm(store, suborders[SEATTLE], SuborderWorkflow.confirm_shipped)

    with pytest.raises(WorkflowUpdateFailedError) as refused:
        cancel(store, order_id, shopper.user_id)

    assert refused.value.cause.type == "AlreadyShipped"

    # The rest still ships. (If the cancel reached Miami before the order heard of the
    # shipment, Miami's suborder was cancelled and its unit is planned again.)
    def miami_assigned() -> bool:
        rows = store.rows(
            "SELECT status FROM warehouse_orders WHERE order_id = :o AND warehouse_id = :w",
            o=order_id,
            w=MIAMI,
        )
        return "ASSIGNED" in {row.status for row in rows}

    store.until(miami_assigned, what="Miami's parcel still assigned")
    assert store.order_status(order_id) == "PENDING"
    assert store.refunds(order_id) == []
    store.check_invariants()


def test_an_operator_finds_an_order_by_its_id_its_customer_or_its_status(store: Store):
    mug = store.item({SEATTLE: 5})
    shopper, order_id = store.order({mug: 1})
    store.assigned(order_id, warehouses=1)

    async def ids(client, query: str) -> set[str]:
        return {execution.id async for execution in client.list_workflows(query)}

    def find(query: str) -> set[str]:
        return store.temporal(lambda client: ids(client, query))

    workflow_id = order_workflow_id(order_id)
    by_order = f"WorkflowType = 'OrderWorkflow' AND OrderId = '{order_id}'"
    by_customer = f"WorkflowType = 'OrderWorkflow' AND CustomerId = '{shopper.user_id}'"
    by_status = f"OrderId = '{order_id}' AND OrderStatus = 'PENDING'"
    # Visibility is eventually consistent: wait for the order to show up.
    store.until(lambda: workflow_id in find(by_order), what="order visible by id")
    assert find(by_customer) == {workflow_id}
    assert workflow_id in find(by_status)
