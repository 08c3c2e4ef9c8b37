"""SuborderWorkflow paths its order cannot drive on purpose, each recorded with the
suborder started on its own: histories/suborder/alone_<path>.json.

The order's recorder (order_histories.py) keeps every child it starts; these are the
races it only meets by chance (a cancel that reaches a suborder before its first task
or while it assigns, an assign retried after the row moved on, a cancel after the
parcel left). A suborder with no parent reports to nobody, which is a path too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

from domain.stock import Line
from tests.workflows.order_fakes import ORDER, FakeWarehouses, OrderHarness, order_harness
from workflows.order_messages import SuborderInput, suborder_workflow_id
from workflows.suborder import SuborderWorkflow

WORKFLOW = "suborder"
DIRECTORIES = (WORKFLOW,)
SUBORDER = f"{ORDER}-S1"
Scenario = Callable[[OrderHarness], Awaitable[None]]


def one_warehouse(**switches) -> FakeWarehouses:
    return FakeWarehouses(available={1: {10: 2}}, order_lines={10: 1}, **switches)


async def start(h: OrderHarness, **options) -> None:
    workflow_id = suborder_workflow_id(SUBORDER)
    h.started.append(workflow_id)
    await h.client.start_workflow(
        SuborderWorkflow.run,
        SuborderInput(ORDER, SUBORDER, 1, (Line(10, 1),)),
        id=workflow_id,
        task_queue=h.task_queue,
        **options,
    )


async def cancelled_before_assignment(h: OrderHarness) -> None:
    await start(h, start_signal="cancel")


async def cancelled_while_assigning(h: OrderHarness) -> None:
    """The cancel arrives while the assign is out (the one-second workflow task
    heartbeats meanwhile): the warehouse is never told, the stock goes back."""
    await start(h, task_timeout=timedelta(seconds=1))
    while not h.store.calls:
        await asyncio.sleep(0.02)
    await h.suborder(SUBORDER).signal(SuborderWorkflow.cancel)
    await asyncio.sleep(2.5)
    assert h.store.assign_gate is not None
    h.store.assign_gate.set()


async def assign_found_it_cancelled(h: OrderHarness) -> None:
    """A retried assign finds the suborder's row already cancelled: it reports that."""
    h.store.suborders[SUBORDER] = {"warehouse": 1, "lines": {10: 1}, "status": "CANCELLED"}
    await start(h)


async def cancel_after_shipment_ignored(h: OrderHarness) -> None:
    await start(h)
    await h.suborder(SUBORDER).execute_update(SuborderWorkflow.confirm_shipped)
    await h.suborder(SUBORDER).signal(SuborderWorkflow.cancel)
    await h.suborder(SUBORDER).execute_update(SuborderWorkflow.confirm_delivered)


SCENARIOS: dict[str, tuple[Callable[[], FakeWarehouses], Scenario]] = {
    "alone_cancelled_before_assignment": (one_warehouse, cancelled_before_assignment),
    "alone_cancelled_while_assigning": (
        lambda: one_warehouse(assign_gate=asyncio.Event()),
        cancelled_while_assigning,
    ),
    "alone_assign_found_it_cancelled": (one_warehouse, assign_found_it_cancelled),
    "alone_cancel_after_shipment_ignored": (one_warehouse, cancel_after_shipment_ignored),
}


async def record(name: str, directory: Path) -> list[Path]:
    make_store, scenario = SCENARIOS[name]
    async with order_harness(make_store()) as h:
        await scenario(h)
        handle = h.suborder(SUBORDER)
        await handle.result()
        path = directory / WORKFLOW / f"{name}.json"
        path.write_text((await handle.fetch_history()).to_json())
        return [path]
