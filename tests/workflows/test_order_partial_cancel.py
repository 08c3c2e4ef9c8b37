"""Cancelling the parcels that have not shipped (OrderWorkflow's `cancel_unshipped`),
and what every suborder workflow carries for operators, on the time-skipping server
with fake activities (tests/workflows/order_fakes.py)."""

from __future__ import annotations

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain.stock import Line
from tests.workflows.environment import run as run_in_session
from tests.workflows.order_fakes import ORDER, USER, FakeWarehouses, order_harness, statuses
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder, CancelUnshipped

pytestmark = pytest.mark.workflow

S1, S2 = f"{ORDER}-S1", f"{ORDER}-S2"


def run(scenario):
    return run_in_session(scenario())


def two_parcels(**switches) -> FakeWarehouses:
    """Item 10 ships from warehouse 1 (S1), two of item 11 from warehouse 2 (S2)."""
    return FakeWarehouses(
        available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2}, **switches
    )


async def one_parcel_shipped(h):
    handle = await h.start()
    await h.until_assigned()
    await h.ship(S1)
    await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
    return handle


def test_the_parcel_that_has_not_shipped_is_cancelled_and_only_its_lines_are_refunded():
    store = two_parcels()

    async def scenario():
        async with order_harness(store) as h:
            handle = await one_parcel_shipped(h)
            answer = await handle.execute_update(
                OrderWorkflow.cancel_unshipped, CancelUnshipped(USER)
            )
            await h.deliver(S1)
            return answer, await handle.result()

    answer, final = run(scenario)

    assert answer.cancelled_suborders == (S2,)
    assert answer.cancelled_lines == (Line(11, 2),)
    assert answer.refund == 2 * store.unit_price
    assert answer.order.status == "PARTLY_CANCELLED"
    assert store.refunds == {f"refund-{ORDER}-unshipped": 2 * store.unit_price}
    assert store.available == {1: {10: 1}, 2: {11: 3}}  # warehouse 2 has its units back
    assert store.aggregated == {11: 2}  # and the store may sell them again
    assert statuses(final) == {S1: "DELIVERED", S2: "CANCELLED"}
    assert final.status == "DELIVERED" and store.order_status == "DELIVERED"
    cancelled_email = store.emails[f"parcels-cancelled:{ORDER}"]
    assert cancelled_email.refund == 2 * store.unit_price


def test_nothing_shipped_yet_is_refused_the_whole_order_is_cancelled_instead():
    store = two_parcels()

    async def scenario():
        async with order_harness(store) as h:
            handle = await h.start()
            await h.until_assigned()
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(OrderWorkflow.cancel_unshipped, CancelUnshipped(USER))
            return refused.value.cause

    cause = run(scenario)

    assert cause.type == "NothingShipped"
    assert "cancel the whole order" in cause.message
    assert store.order_status == "PENDING" and store.refunds == {}


def test_a_second_partial_cancel_finds_nothing_left_and_the_whole_cancel_points_to_it():
    store = two_parcels()

    async def scenario():
        async with order_harness(store) as h:
            handle = await one_parcel_shipped(h)
            with pytest.raises(WorkflowUpdateFailedError) as whole:
                await handle.execute_update(OrderWorkflow.cancel, CancelOrder(USER))
            await handle.execute_update(OrderWorkflow.cancel_unshipped, CancelUnshipped(USER))
            with pytest.raises(WorkflowUpdateFailedError) as again:
                await handle.execute_update(OrderWorkflow.cancel_unshipped, CancelUnshipped(USER))
            return whole.value.cause, again.value.cause

    whole, again = run(scenario)

    assert whole.type == "AlreadyShipped"
    assert "cancel the parcels that have not shipped" in whole.message
    assert again.type == "NothingUnshipped"
    assert store.calls.count("refund_unshipped") == 1


def test_another_shopper_cannot_cancel_the_parcels_of_an_order():
    store = two_parcels()

    async def scenario():
        async with order_harness(store) as h:
            handle = await one_parcel_shipped(h)
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(
                    OrderWorkflow.cancel_unshipped, CancelUnshipped(USER + 1)
                )
            return refused.value.cause

    assert run(scenario).type == "NotYours"
    assert store.order_status == "PENDING"


def test_a_parcel_that_ships_while_being_cancelled_wins_and_the_order_ships_in_full():
    """The warehouse ships S2 just before its cancel reaches it: the suborder decides,
    the shipment wins, nothing is taken off or refunded, and the order goes on."""
    store = two_parcels(shipped_under_cancel={S2})

    async def scenario():
        async with order_harness(store) as h:
            handle = await one_parcel_shipped(h)
            with pytest.raises(WorkflowUpdateFailedError) as refused:
                await handle.execute_update(OrderWorkflow.cancel_unshipped, CancelUnshipped(USER))
            shipped = await h.until(lambda v: v.status == "SHIPPED")
            return refused.value.cause, shipped

    cause, shipped = run(scenario)

    assert cause.type == "NothingUnshipped"
    assert statuses(shipped) == {S1: "SHIPPED", S2: "SHIPPED"}
    assert store.refunds == {} and store.aggregated == {}
    assert store.physical == {1: {10: 1}, 2: {11: 1}}  # shipped once each, never cancelled


def test_every_suborder_workflow_carries_its_order_id_and_customer_id():
    store = two_parcels()

    async def scenario():
        async with order_harness(store) as h:
            await h.start()
            await h.until_assigned()
            found = {}
            for suborder_id in (S1, S2):
                described = await h.suborder(suborder_id).describe()
                found[suborder_id] = {
                    pair.key.name: pair.value for pair in described.typed_search_attributes
                }
            return found

    found = run(scenario)

    assert found == {
        S1: {"OrderId": ORDER, "CustomerId": str(USER)},
        S2: {"OrderId": ORDER, "CustomerId": str(USER)},
    }
