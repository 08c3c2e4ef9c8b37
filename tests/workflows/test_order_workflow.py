"""OrderWorkflow and its warehouse children on the time-skipping server, with fake
activities (tests/workflows/order_fakes.py)."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from tests.workflows.environment import run as run_in_session
from tests.workflows.order_fakes import (
    ORDER,
    USER,
    FakeWarehouses,
    order_harness,
    statuses,
)
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder
from workflows.suborder import SuborderWorkflow

pytestmark = pytest.mark.workflow

S1, S2, S3 = f"{ORDER}-S1", f"{ORDER}-S2", f"{ORDER}-S3"


def run(scenario):
    return run_in_session(scenario())


def test_an_order_no_single_warehouse_can_ship_is_split_into_two_assigned_suborders():
    store = FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            view = await h.until_assigned()
            attributes = (await handle.describe()).typed_search_attributes
            return view, {pair.key.name: pair.value for pair in attributes}

    view, attributes = run(scenario)

    assert [
        (s.warehouse_id, [(line.item_id, line.quantity) for line in s.lines])
        for s in view.suborders
    ] == [
        (1, [(10, 1)]),
        (2, [(11, 2)]),
    ]
    assert view.status == "PENDING"
    assert store.available == {1: {10: 1}, 2: {11: 1}}
    assert sorted(store.notified) == [(1, S1), (2, S2)]
    assert attributes == {
        "OrderId": ORDER,
        "CustomerId": str(USER),
        "OrderStatus": "PENDING",
    }


def test_a_warehouse_that_loses_the_race_for_its_stock_is_replaced_by_a_new_plan():
    store = FakeWarehouses(
        available={1: {10: 2}, 2: {10: 2}},
        order_lines={10: 2},
        steal_before_assign={1: {10: 1}},  # another order takes one unit at warehouse 1
    )

    async def scenario():
        async with order_harness(store) as h:
            await h.start()
            await h.until(lambda v: statuses(v) == {S1: "LOST", S2: "PLANNED"})
            return await h.until_assigned(S2)

    view = run(scenario)

    assert view.suborders[1].warehouse_id == 2
    assert store.available == {1: {10: 1}, 2: {10: 0}}
    assert store.calls.count("plan") == 2
    assert store.notified == [(2, S2)]


def test_an_order_is_shipped_when_every_suborder_shipped_and_delivered_when_every_one_arrived():
    store = FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            await h.ship(S1)
            half = await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
            await h.ship(S2)
            shipped = await h.until(lambda v: v.status == "SHIPPED")
            await h.deliver(S1)
            await h.deliver(S2)
            final = await handle.result()
            attributes = (await handle.describe()).typed_search_attributes
            return half, shipped, final, {pair.key.name: pair.value for pair in attributes}

    half, shipped, final, attributes = run(scenario)

    assert half.status == "PENDING"
    assert shipped.status == "SHIPPED"
    assert final.status == "DELIVERED"
    assert set(statuses(final).values()) == {"DELIVERED"}
    assert store.statuses == ["SHIPPED", "DELIVERED"]
    assert store.physical == {1: {10: 1}, 2: {11: 1}}
    assert attributes["OrderStatus"] == "DELIVERED"


def test_an_order_cancelled_before_any_warehouse_was_assigned_gives_all_its_stock_back():
    store = FakeWarehouses(available={1: {10: 1}}, order_lines={10: 5})  # no one holds 5

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            waiting = await h.until(lambda v: bool(v.missing))
            answer = await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER))
            return waiting, answer, await handle.result()

    waiting, answer, final = run(scenario)

    assert [(m.item_id, m.quantity) for m in waiting.missing] == [(10, 4)]
    assert answer.status == final.status == "CANCELLED"
    assert not final.suborders
    assert store.aggregated == {10: 5}
    assert not [c for c in store.calls if c.startswith("assign")]
    assert store.refunds == {f"refund-{ORDER}": store.total}


def test_an_order_cancelled_after_assignment_gives_back_warehouse_and_aggregated_stock():
    store = FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            answer = await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER))
            final = await handle.result()
            attributes = (await handle.describe()).typed_search_attributes
            return answer, final, {pair.key.name: pair.value for pair in attributes}

    answer, final, attributes = run(scenario)

    assert answer.status == final.status == "CANCELLED"
    assert statuses(final) == {S1: "CANCELLED", S2: "CANCELLED"}
    assert store.available == {1: {10: 2}, 2: {11: 3}}
    assert store.aggregated == {10: 1, 11: 2}
    assert store.order_status == "CANCELLED"
    assert attributes["OrderStatus"] == "CANCELLED"
    # Stock first, then the money, and the answer only once the refund is done.
    assert store.calls[-2:] == ["cancel_order", "refund_order"]
    assert store.refunds == {f"refund-{ORDER}": store.total}
    assert answer.message == "Cancelled by the shopper; the payment was refunded"


def test_the_store_cancels_for_the_shopper_with_its_reason_for_the_timeline():
    store = FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            cancel = CancelOrder(USER, reason="fraud check failed")
            answer = await handle.execute_update(OrderWorkflow.cancel, cancel)
            return answer, await handle.result()

    answer, final = run(scenario)

    assert answer.status == final.status == "CANCELLED"
    assert store.cancel_reasons == ["fraud check failed"]
    assert store.refunds == {f"refund-{ORDER}": store.total}
    assert answer.message == "Cancelled by the store; the payment was refunded"


def test_cancel_is_refused_once_a_suborder_has_shipped_and_the_order_goes_on():
    store = FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            await h.ship(S1)
            await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER))
            return refused, await handle.query(OrderWorkflow.state)

    refused, view = run(scenario)

    cause = refused.value.cause
    assert isinstance(cause, ApplicationError) and cause.type == "AlreadyShipped"
    assert view.status == "PENDING" and statuses(view) == {S1: "SHIPPED", S2: "PLANNED"}
    assert store.aggregated == {} and "cancel_order" not in store.calls
    assert store.refunds == {}


def test_another_shopper_cannot_cancel_an_order():
    store = FakeWarehouses(available={1: {10: 2}}, order_lines={10: 1})

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER + 1))
            return refused

    refused = run(scenario)

    assert refused.value.cause.type == "NotYours"
    assert store.order_status == "PENDING"


def test_a_shipment_that_wins_the_race_against_cancel_keeps_the_order_going_in_full():
    store = FakeWarehouses(
        available={1: {10: 2}, 2: {11: 3}},
        order_lines={10: 1, 11: 2},
        shipped_under_cancel={S1},
    )

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER))
            view = await h.until(lambda v: S3 in statuses(v))
            await h.until_assigned(S3)
            return refused, view

    refused, view = run(scenario)

    assert refused.value.cause.type == "AlreadyShipped"
    assert statuses(view) == {S1: "SHIPPED", S2: "CANCELLED", S3: "PLANNED"}
    assert store.suborders[S3]["status"] == "ASSIGNED"
    assert view.status == "PENDING" and view.suborders[2].warehouse_id == 2
    assert store.available == {1: {10: 1}, 2: {11: 1}}
    assert store.aggregated == {} and "cancel_order" not in store.calls
    assert store.refunds == {}


def test_the_portal_is_told_shipped_only_once_the_suborder_has_shipped():
    store = FakeWarehouses(available={1: {10: 2}}, order_lines={10: 1})

    async def scenario():
        async with order_harness(store) as h:
            await h.start()
            await h.until_assigned()
            parcel = h.suborder(S1)
            with pytest.raises(WorkflowUpdateFailedError) as early:
                await parcel.execute_update(SuborderWorkflow.confirm_delivered)
            shipped = await parcel.execute_update(SuborderWorkflow.confirm_shipped)
            again = await parcel.execute_update(SuborderWorkflow.confirm_shipped)
            delivered = await parcel.execute_update(SuborderWorkflow.confirm_delivered)
            return early.value.cause, shipped, again, delivered, await h.order().result()

    early, shipped, again, delivered, final = run(scenario)

    assert isinstance(early, ApplicationError) and early.type == "NotShipped"
    assert (shipped, again, delivered) == ("SHIPPED", "SHIPPED", "DELIVERED")
    assert final.status == "DELIVERED"
    assert store.physical == {1: {10: 1}}  # shipped once, however often the portal asked
