"""Recorded HoldSweepWorkflow histories: histories/hold_sweep/<path>.json.

Recorded by `make histories` (tests/workflows/record.py) with a fake sweep activity.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from temporalio import activity
from temporalio.client import WorkflowFailureError
from temporalio.worker import Worker

from domain.stock import Line
from tests.workflows.environment import unique_task_queue, workflow_server
from workflows.hold_sweep import HoldSweepWorkflow
from workflows.hold_sweep_messages import (
    CLOSED,
    SWEEP_HOLDS,
    SWEEP_VAULT,
    FreedHold,
    SweepRequest,
    SweepResult,
)

WORKFLOW = "hold_sweep"
DIRECTORIES = (WORKFLOW,)
FREED = FreedHold("c0ffee", CLOSED, (Line(7, 2),))


@activity.defn(name=SWEEP_HOLDS)
async def sweep_holds(request: SweepRequest) -> SweepResult:
    if request.grace_seconds < 0:  # the database is gone: both attempts fail
        raise RuntimeError("connection refused")
    return SweepResult(3, (FREED,))


@activity.defn(name=SWEEP_VAULT)
async def sweep_vault() -> int:
    return 2  # expired cards deleted


SCENARIOS = {
    "freed_one": SweepRequest(grace_seconds=120),
    "failed_twice": SweepRequest(grace_seconds=-1),
}


async def run_sweep(request: SweepRequest, keep: list | None = None) -> SweepResult:
    task_queue = unique_task_queue("sweep")
    async with workflow_server() as env:
        async with Worker(
            env.client,
            task_queue=task_queue,
            workflows=[HoldSweepWorkflow],
            activities=[sweep_holds, sweep_vault],
        ):
            handle = await env.client.start_workflow(
                HoldSweepWorkflow.run,
                request,
                id=f"hold-sweep-{uuid.uuid4().hex[:6]}",
                task_queue=task_queue,
            )
            try:
                return await handle.result()
            finally:
                if keep is not None:
                    keep.append(await handle.fetch_history())


async def record(name: str, directory: Path) -> list[Path]:
    kept: list = []
    try:
        await run_sweep(SCENARIOS[name], kept)
    except WorkflowFailureError:
        pass  # a sweep whose activity failed twice: the next minute's run is the retry
    path = directory / WORKFLOW / f"{name}.json"
    path.write_text(kept[0].to_json())
    return [path]
