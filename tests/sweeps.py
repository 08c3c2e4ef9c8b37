"""Run the hold sweeper once, on demand: trigger its Schedule and wait for that run."""

from __future__ import annotations

import asyncio

from temporalio.client import Client, ScheduleOverlapPolicy

from settings import Settings
from workflows.hold_sweep import SweepResult, schedule_id


async def sweep_once(client: Client, settings: Settings, *, create: bool = True) -> SweepResult:
    """`create`: make the schedule first, as a worker start does (twice: idempotent)."""
    if create:
        from entrypoints.worker import ensure_hold_sweep_schedule

        sid = await ensure_hold_sweep_schedule(client, settings)
        assert sid == await ensure_hold_sweep_schedule(client, settings)
    handle = client.get_schedule_handle(schedule_id(settings.task_queue))
    # recent_actions keeps only the last few runs: look for a run not seen before.
    seen = {a.action.workflow_id for a in (await handle.describe()).info.recent_actions}
    # ALLOW_ALL: a minutely sweep running right now must not swallow this one (SKIP).
    await handle.trigger(overlap=ScheduleOverlapPolicy.ALLOW_ALL)
    for _ in range(300):  # the trigger is taken within moments; 30 s is plenty
        new = [
            a
            for a in (await handle.describe()).info.recent_actions
            if a.action.workflow_id not in seen
        ]
        if new:
            break
        await asyncio.sleep(0.1)
    else:
        raise AssertionError("the schedule never started a sweep")
    started = new[-1].action
    run = client.get_workflow_handle(
        started.workflow_id, run_id=started.first_execution_run_id, result_type=SweepResult
    )
    return await run.result()
