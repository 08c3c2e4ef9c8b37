"""Record one history per OrderWorkflow path into tests/workflows/histories/order_*.json.

    .venv/bin/python -m tests.workflows.order_histories

It records only the paths that have no file yet (`--all` re-records everything).
Before 1.0 a change to these workflows re-records every history with `--all`; from
1.0 on committed histories stand for orders already running on older code, a change
goes behind `workflow.patched` and gets a scenario of its own (docs/architecture.md).
test_order_replay.py replays every file (the order's history, plus one child's for
the path that ships and delivers), so a change that breaks running orders fails the
suite instead of production.
"""

from __future__ import annotations

import asyncio
import sys
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
from workflows.suborder import SuborderWorkflow

HISTORIES = Path(__file__).parent / "histories"
S1, S2 = f"{ORDER}-S1", f"{ORDER}-S2"
Scenario = Callable[[OrderHarness], Awaitable[None]]


def split_store() -> FakeWarehouses:
    return FakeWarehouses(available={1: {10: 2}, 2: {11: 3}}, order_lines={10: 1, 11: 2})


async def shipped_and_delivered(h: OrderHarness) -> None:
    await h.until_assigned()
    for suborder in (S1, S2):
        await h.ship(suborder)
    await h.until(lambda v: v.status == "SHIPPED")
    for suborder in (S1, S2):
        await h.deliver(suborder)


async def replanned_after_lost_race(h: OrderHarness) -> None:
    await h.until(lambda v: statuses(v).get(S1) == "LOST" and S2 in statuses(v))
    await h.until_assigned(S2)
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))


async def cancelled_before_assignment(h: OrderHarness) -> None:
    await h.until(lambda v: bool(v.missing))
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))


async def cancelled_after_assignment(h: OrderHarness) -> None:
    await h.until_assigned()
    await h.order().execute_update(OrderWorkflow.cancel, CancelOrder(USER))


async def cancel_refused_after_shipment(h: OrderHarness) -> None:
    await h.until_assigned()
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


async def confirmed_by_the_portal(h: OrderHarness) -> None:
    await h.until_assigned()
    for suborder in (S1, S2):
        await h.suborder(suborder).execute_update(SuborderWorkflow.confirm_shipped)
    for suborder in (S1, S2):
        await h.suborder(suborder).execute_update(SuborderWorkflow.confirm_delivered)


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
    "order_confirmed_by_the_portal": (split_store, confirmed_by_the_portal),
}
# The children's own histories, recorded alongside the paths that take them furthest.
CHILD_HISTORIES = {
    "order_shipped_and_delivered": "order_suborder_shipped_and_delivered",
    "order_confirmed_by_the_portal": "order_suborder_confirmed_by_the_portal",
}


async def record(name: str, directory: Path = HISTORIES) -> list[Path]:
    make_store, scenario = SCENARIOS[name]
    async with order_harness(make_store()) as h:
        handle = await h.start()
        await scenario(h)
        await handle.result()
        written = [directory / f"{name}.json"]
        written[0].write_text((await handle.fetch_history()).to_json())
        if name in CHILD_HISTORIES:
            written.append(directory / f"{CHILD_HISTORIES[name]}.json")
            written[1].write_text((await h.suborder(S1).fetch_history()).to_json())
        return written


async def record_all(directory: Path = HISTORIES, *, overwrite: bool = False) -> list[Path]:
    """Record the paths without a file yet (`overwrite`: all); see checkout_histories."""
    return [
        path
        for name in SCENARIOS
        if overwrite or not (directory / f"{name}.json").exists()
        for path in await record(name, directory)
    ]


if __name__ == "__main__":
    for path in asyncio.run(record_all(overwrite="--all" in sys.argv)):
        print(f"recorded {path}")
