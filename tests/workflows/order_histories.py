"""One recorded history per OrderWorkflow path, and the histories of its suborders:
histories/order/<path>.json and histories/suborder/<path>-s<N>.json.

Recorded by `make histories` (tests/workflows/record.py) on the time-skipping server
with the fake fulfilment activities (order_fakes.py), never by a test. Every child the
order started is recorded, so each suborder path (shipped, delivered, cancelled, lost,
a cancel or a ship that lost its race) has a history of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from temporalio.client import WorkflowUpdateFailedError
from temporalio.common import SearchAttributePair, TypedSearchAttributes

from domain.order import OrderStatus
from tests.workflows.order_fakes import (
    ORDER,
    USER,
    FakeWarehouses,
    OrderHarness,
    order_harness,
    statuses,
)
from workflows.order import REPLAN_AFTER, OrderWorkflow
from workflows.order_messages import (
    CUSTOMER_ID,
    ORDER_ID,
    ORDER_STATUS,
    CancelOrder,
    CancelUnshipped,
)
from workflows.suborder import SuborderWorkflow

WORKFLOW, CHILD = "order", "suborder"
S1, S2, S3 = f"{ORDER}-S1", f"{ORDER}-S2", f"{ORDER}-S3"
Scenario = Callable[[OrderHarness], Awaitable[None]]


def split_store(**switches) -> FakeWarehouses:
    return FakeWarehouses(
        available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2}, **switches
    )


def spare_store(**switches) -> FakeWarehouses:
    """Two warehouses that each hold the whole order: a lost line can go elsewhere."""
    return FakeWarehouses(available={1: {10: 2}, 2: {10: 2}}, order_lines={10: 2}, **switches)


async def cancel(h: OrderHarness) -> None:
    """The shopper's cancel; a refusal (AlreadyShipped) is a path too."""
    try:
        await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))
    except WorkflowUpdateFailedError:
        pass


async def ship_and_deliver(h: OrderHarness, *suborders: str) -> None:
    for suborder in suborders:
        await h.ship(suborder)
    await h.until(lambda v: v.status == "SHIPPED")
    for suborder in suborders:
        await h.deliver(suborder)


async def shipped_and_delivered(h: OrderHarness) -> None:
    await h.until_assigned()
    await ship_and_deliver(h, S1, S2)


async def replanned_after_lost_race(h: OrderHarness) -> None:
    await h.until(lambda v: statuses(v).get(S1) == "LOST" and S2 in statuses(v))
    await h.until_assigned(S2)
    await cancel(h)


async def waited_for_restock(h: OrderHarness) -> None:
    await h.until(lambda v: bool(v.missing))
    h.store.available[1][10] = 5  # the restock lands; the order plans again after a while
    await h.env.sleep(REPLAN_AFTER + timedelta(seconds=1))
    await h.until_assigned()
    await ship_and_deliver(h, S1)


async def cancelled_before_assignment(h: OrderHarness) -> None:
    await h.until(lambda v: bool(v.missing))
    await cancel(h)


async def cancelled_while_planning(h: OrderHarness) -> None:
    """The cancel is taken while the plan is still out (the order's one-second workflow
    task heartbeats then, which lets the update in): nothing is started for that plan."""
    while "plan" not in h.store.calls:
        await asyncio.sleep(0.02)
    cancelling = asyncio.ensure_future(cancel(h))
    await asyncio.sleep(2.5)
    assert h.store.plan_gate is not None
    h.store.plan_gate.set()
    await cancelling


async def cancelled_after_assignment(h: OrderHarness) -> None:
    await h.until_assigned()
    await cancel(h)


async def cancelled_by_the_store(h: OrderHarness) -> None:
    """The staff order desk's cancel: the customer's id and the store's reason."""
    await h.until_assigned()
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER, reason="fraud"))


async def cancel_refused_after_shipment(h: OrderHarness) -> None:
    await h.until_assigned()
    await h.ship(S1)
    await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
    await cancel(h)
    await ship_and_deliver(h, S1, S2)


async def cancel_lost_to_a_shipment(h: OrderHarness) -> None:
    """S1 ships just before the cancel reaches it: S2 is cancelled, then planned again
    (S3), and the order is still fulfilled."""
    await h.until_assigned()
    await cancel(h)
    await h.until_assigned(S3)
    await ship_and_deliver(h, S1, S3)


async def cancel_lost_to_every_shipment(h: OrderHarness) -> None:
    """Both suborders ship before the cancel reaches them: nothing is left to plan again,
    and the order goes on to delivery."""
    await h.until_assigned()
    await cancel(h)
    await h.until(lambda v: v.status == "SHIPPED")
    for suborder in (S1, S2):
        await h.deliver(suborder)


async def cancel_refused_by_the_database(h: OrderHarness) -> None:
    """Every suborder was cancelled, yet cancel_order finds the order shipped: the lines
    are planned again."""
    await h.until_assigned()
    await cancel(h)
    await h.until_assigned(S2)
    await ship_and_deliver(h, S2)


async def ship_lost_to_a_cancel(h: OrderHarness) -> None:
    """The suborder was cancelled in the database just before the portal's ship: the
    order plans its lines again (S2)."""
    await h.until_assigned()
    await h.ship(S1)
    await h.until_assigned(S2)
    await ship_and_deliver(h, S2)


async def confirmed_by_the_portal(h: OrderHarness) -> None:
    await h.until_assigned()
    for suborder in (S1, S2):
        await h.suborder(suborder).execute_update(SuborderWorkflow.confirm_shipped)
    for suborder in (S1, S2):
        await h.suborder(suborder).execute_update(SuborderWorkflow.confirm_delivered)


async def cancel_unshipped(h: OrderHarness) -> None:
    """The shopper's partial cancel; a refusal (NothingUnshipped) is a path too."""
    try:
        await h.order().execute_update(OrderWorkflow.cancel_unshipped, CancelUnshipped(USER))
    except WorkflowUpdateFailedError:
        pass


async def partly_cancelled(h: OrderHarness) -> None:
    """S1 shipped; the shopper cancels the rest: S2 is cancelled and refunded, S1 is
    delivered and the order ends DELIVERED."""
    await h.until_assigned()
    await h.ship(S1)
    await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
    await cancel_unshipped(h)
    await h.deliver(S1)


async def partial_cancel_lost_to_a_shipment(h: OrderHarness) -> None:
    """S1 shipped; S2 ships just before the partial cancel reaches it: nothing is left
    to cancel and the order ships in full."""
    await h.until_assigned()
    await h.ship(S1)
    await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
    await cancel_unshipped(h)
    await h.until(lambda v: v.status == "SHIPPED")
    for suborder in (S1, S2):
        await h.deliver(suborder)


def started_by_the_checkout() -> TypedSearchAttributes:
    """The search attributes the checkout's starter sets (activities/order_starter.py)."""
    return TypedSearchAttributes(
        [
            SearchAttributePair(ORDER_ID, ORDER),
            SearchAttributePair(CUSTOMER_ID, str(USER)),
            SearchAttributePair(ORDER_STATUS, OrderStatus.PENDING.value),
        ]
    )


SCENARIOS: dict[str, tuple[Callable[[], FakeWarehouses], Scenario]] = {
    "shipped_and_delivered": (split_store, shipped_and_delivered),
    "replanned_after_lost_race": (
        lambda: spare_store(steal_before_assign={1: {10: 1}}),
        replanned_after_lost_race,
    ),
    "waited_for_restock": (
        lambda: FakeWarehouses(available={1: {10: 1}}, order_lines={10: 2}),
        waited_for_restock,
    ),
    "cancelled_before_assignment": (
        lambda: FakeWarehouses(available={1: {10: 1}}, order_lines={10: 5}, total=0),
        cancelled_before_assignment,
    ),
    "cancelled_while_planning": (
        lambda: split_store(plan_gate=asyncio.Event()),
        cancelled_while_planning,
    ),
    "cancelled_after_assignment": (split_store, cancelled_after_assignment),
    "cancelled_by_the_store": (split_store, cancelled_by_the_store),
    "cancel_refused_after_shipment": (split_store, cancel_refused_after_shipment),
    "cancel_lost_to_a_shipment": (
        lambda: FakeWarehouses(
            available={1: {10: 2}, 2: {11: 6}},
            order_lines={10: 1, 11: 2},
            shipped_under_cancel={S1},
        ),
        cancel_lost_to_a_shipment,
    ),
    "cancel_lost_to_every_shipment": (
        lambda: split_store(shipped_under_cancel={S1, S2}),
        cancel_lost_to_every_shipment,
    ),
    "cancel_refused_by_the_database": (
        lambda: spare_store(refuse_cancel_order=True),
        cancel_refused_by_the_database,
    ),
    "ship_lost_to_a_cancel": (
        lambda: spare_store(cancelled_under_ship={S1}),
        ship_lost_to_a_cancel,
    ),
    "confirmed_by_the_portal": (split_store, confirmed_by_the_portal),
    "partly_cancelled": (split_store, partly_cancelled),
    "partial_cancel_lost_to_a_shipment": (
        lambda: split_store(shipped_under_cancel={S2}),
        partial_cancel_lost_to_a_shipment,
    ),
}
# Started with the search attributes the checkout's starter sets (no upsert then).
STARTED_BY_THE_CHECKOUT = {"shipped_and_delivered", "confirmed_by_the_portal"}
# A workflow task of one second: a local activity that takes longer heartbeats it.
SHORT_TASKS = {"cancelled_while_planning"}
DIRECTORIES = (WORKFLOW, CHILD)


async def record(name: str, directory: Path) -> list[Path]:
    make_store, scenario = SCENARIOS[name]
    async with order_harness(make_store()) as h:
        attributes = started_by_the_checkout() if name in STARTED_BY_THE_CHECKOUT else None
        task_timeout = timedelta(seconds=1) if name in SHORT_TASKS else None
        handle = await h.start(search_attributes=attributes, task_timeout=task_timeout)
        await scenario(h)
        progress = await handle.result()
        written = [directory / WORKFLOW / f"{name}.json"]
        written[0].write_text((await handle.fetch_history()).to_json())
        for suborder in progress.suborders:
            number = suborder.suborder_id.rsplit("-S", 1)[1]
            path = directory / CHILD / f"{name}-s{number}.json"
            path.write_text((await h.suborder(suborder.suborder_id).fetch_history()).to_json())
            written.append(path)
        return written
