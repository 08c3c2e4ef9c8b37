"""Run the hold sweeper once, on demand: trigger its Schedule and wait for that run."""

from __future__ import annotations

import asyncio

from temporalio.client import (
    Client,
    ScheduleActionExecutionStartWorkflow,
    ScheduleHandle,
    ScheduleOverlapPolicy,
)

from settings import Settings
from workflows.hold_sweep_messages import SweepResult, schedule_id


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
    # Temporal names a scheduled run "<id>-<its time to the second>": a trigger in the
    # same second as the minutely run collides with it and is dropped without a word, so
    # a trigger not taken within a few seconds is sent again (a second apart at least).
    for _ in range(6):  # 6 × 5 s: the trigger is normally taken within moments
        await handle.trigger(overlap=ScheduleOverlapPolicy.ALLOW_ALL)
        new = await _runs_not_in(handle, seen, within_seconds=5.0)
        if new:
            break
    else:
        raise AssertionError("the schedule never started a sweep")
    started = new[-1]
    run = client.get_workflow_handle(
        started.workflow_id, run_id=started.first_execution_run_id, result_type=SweepResult
    )
    return await run.result()


async def _runs_not_in(
    handle: ScheduleHandle, seen: set[str], *, within_seconds: float
) -> list[ScheduleActionExecutionStartWorkflow]:
    """The schedule's recent runs not in `seen`, waiting up to `within_seconds` for one."""
    for _ in range(int(within_seconds * 10)):
        new = [
            a.action
            for a in (await handle.describe()).info.recent_actions
            if a.action.workflow_id not in seen
        ]
        if new:
            return new
        await asyncio.sleep(0.1)
    return []
