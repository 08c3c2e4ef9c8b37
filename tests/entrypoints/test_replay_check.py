"""A worker that meets open workflows its code can no longer replay says so at start."""

from __future__ import annotations

import asyncio
import time
import uuid
from datetime import timedelta

import pytest
from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.worker import UnsandboxedWorkflowRunner, Worker

import temporal_client
from entrypoints.replay_check import ReplayReport, Unreplayable, find_unreplayable

pytestmark = pytest.mark.integration

RUNNER = UnsandboxedWorkflowRunner()


@workflow.defn(name="ReplayProbe")
class ProbeAsReleased:
    @workflow.run
    async def run(self) -> None:
        await workflow.sleep(timedelta(hours=1))


@workflow.defn(name="ReplayProbe")
class ProbeChangedWithoutAPatch:
    """Today's code: the same workflow type now begins with an activity, not a timer."""

    @workflow.run
    async def run(self) -> None:
        await workflow.execute_activity("probe.step", start_to_close_timeout=timedelta(seconds=5))


async def _open_probe(client, task_queue: str) -> str:
    """A ReplayProbe run left open mid-sleep by the code it was started with."""
    workflow_id = f"replay-probe-{uuid.uuid4().hex[:8]}"
    async with Worker(
        client, task_queue=task_queue, workflows=[ProbeAsReleased], workflow_runner=RUNNER
    ):
        handle = await client.start_workflow(
            ProbeAsReleased.run, id=workflow_id, task_queue=task_queue
        )
        deadline = time.monotonic() + 60
        while not await _timer_started(handle):
            assert time.monotonic() < deadline, "the probe never started its timer"
            await asyncio.sleep(0.1)
    return workflow_id


async def _timer_started(handle) -> bool:
    history = await handle.fetch_history()
    return any(e.event_type == EventType.EVENT_TYPE_TIMER_STARTED for e in history.events)


async def _check_until_listed(client, workflows, task_queue: str) -> ReplayReport:
    """Visibility lags the start a little: look again until the open run is listed."""
    deadline = time.monotonic() + 60
    while True:
        report = await find_unreplayable(client, workflows, task_queue=task_queue, runner=RUNNER)
        if report.checked or time.monotonic() > deadline:
            return report
        await asyncio.sleep(0.2)


def test_a_worker_names_the_open_workflows_its_code_can_no_longer_replay(stack_settings):
    task_queue = f"replay-check-{uuid.uuid4().hex[:8]}"

    async def scenario():
        client = await temporal_client.connect(stack_settings)
        workflow_id = await _open_probe(client, task_queue)
        try:
            changed = await _check_until_listed(client, [ProbeChangedWithoutAPatch], task_queue)
            unchanged = await _check_until_listed(client, [ProbeAsReleased], task_queue)
        finally:
            await client.get_workflow_handle(workflow_id).terminate("test over")
        return workflow_id, changed, unchanged

    workflow_id, changed, unchanged = asyncio.run(scenario())

    assert changed.checked == 1
    assert [u.workflow_id for u in changed.unreplayable] == [workflow_id]
    assert "nondetermin" in changed.unreplayable[0].reason.lower()
    assert (unchanged.checked, unchanged.unreplayable) == (1, [])
    said = "\n".join(changed.lines("127.0.0.1:7233", "default"))
    assert workflow_id in said and "make clean-var" in said
    assert unchanged.lines("127.0.0.1:7233", "default") == []


def test_the_warning_names_at_most_twenty_workflows_and_counts_the_rest():
    report = ReplayReport(
        checked=30,
        unreplayable=[Unreplayable(f"checkout-{n}", "nondeterminism") for n in range(25)],
    )

    said = "\n".join(report.lines("t:7233", "default"))

    assert "25 of 30 open workflows" in said
    assert "checkout-19" in said and "checkout-20" not in said and "and 5 more" in said
