"""Record one history per OrderWorkflow path into tests/workflows/histories/order_*.json.

    .venv/bin/python -m tests.workflows.order_histories

Run it after an intentional, replay-compatible change to OrderWorkflow or
WarehouseAssignmentWorkflow, or when a path is added; commit the JSON.
test_order_replay.py replays every file (the order's history, plus one child's for
the path that ships and delivers), so a change that breaks running orders fails the
suite instead of production.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from temporalio.client import WorkflowUpdateFailedError

from tests.workflows.order_fakes import (
    ORDER,
    USER,
    FakeWarehouses,
    OrderHarness,
    order_harness,
    statuses,
)
from workflows.order import OrderWorkflow
from workflows.order_messages import CancelOrder

HISTORIES = Path(__file__).parent / "histories"
S1, S2 = f"{ORDER}-S1", f"{ORDER}-S2"
Scenario = Callable[[OrderHarness], Awaitable[None]]


def split_store() -> FakeWarehouses:
    return FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})


def assigned_everywhere(view) -> bool:
    return bool(view.suborders) and all(s.status == "ASSIGNED" for s in view.suborders)


async def shipped_and_delivered(h: OrderHarness) -> None:
    await h.until(assigned_everywhere)
    for suborder in (S1, S2):
        await h.ship(suborder)
    await h.until(lambda v: v.status == "SHIPPED")
    for suborder in (S1, S2):
        await h.deliver(suborder)


async def replanned_after_lost_race(h: OrderHarness) -> None:
    await h.until(lambda v: statuses(v) == {S1: "LOST", S2: "ASSIGNED"})
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))


async def cancelled_before_assignment(h: OrderHarness) -> None:
    await h.until(lambda v: bool(v.missing))
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))


async def cancelled_after_assignment(h: OrderHarness) -> None:
    await h.until(assigned_everywhere)
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))


async def cancel_refused_after_shipment(h: OrderHarness) -> None:
    await h.until(assigned_everywhere)
    await h.ship(S1)
    await h.until(lambda v: statuses(v)[S1] == "SHIPPED")
    try:
        await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))
    except WorkflowUpdateFailedError:  # the refusal is the point of this path
        pass
    await h.ship(S2)
    await h.until(lambda v: v.status == "SHIPPED")
    for suborder in (S1, S2):
        await h.deliver(suborder)


SCENARIOS: dict[str, tuple[Callable[[], FakeWarehouses], Scenario]] = {
    "order_shipped_and_delivered": (split_store, shipped_and_delivered),
    "order_replanned_after_lost_race": (
        lambda: FakeWarehouses(
            available={1: {10: 2}, 2: {10: 2}},
            order_lines={10: 2},
            steal_before_assign={1: {10: 1}},
        ),
        replanned_after_lost_race,
    ),
    "order_cancelled_before_assignment": (
        lambda: FakeWarehouses(available={1: {10: 1}}, order_lines={10: 5}),
        cancelled_before_assignment,
    ),
    "order_cancelled_after_assignment": (split_store, cancelled_after_assignment),
    "order_cancel_refused_after_shipment": (split_store, cancel_refused_after_shipment),
}
# The child's own history, recorded alongside the path that takes it furthest.
CHILD_HISTORY = "order_suborder_shipped_and_delivered"


async def record(name: str, directory: Path = HISTORIES) -> list[Path]:
    make_store, scenario = SCENARIOS[name]
    async with order_harness(make_store()) as h:
        handle = await h.start()
        await scenario(h)
        await handle.result()
        written = [directory / f"{name}.json"]
        written[0].write_text((await handle.fetch_history()).to_json())
        if name == "order_shipped_and_delivered":
            written.append(directory / f"{CHILD_HISTORY}.json")
            written[1].write_text((await h.suborder(S1).fetch_history()).to_json())
        return written


async def record_all(directory: Path = HISTORIES) -> list[Path]:
    return [path for name in SCENARIOS for path in await record(name, directory)]


if __name__ == "__main__":
    for path in asyncio.run(record_all()):
        print(f"recorded {path}")
