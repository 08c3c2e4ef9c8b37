"""HoldSweepWorkflow: one sweep runs its two activities and returns what they freed; its
recorded history still replays (a change that would break a sweep in flight fails here).

Re-record after a deliberate change: `.venv/bin/python -m tests.workflows.test_hold_sweep_replay`.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from temporalio import activity
from temporalio.client import WorkflowHistory
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer, Worker

from domain.stock import Line
from tests.workflows.conftest import temporal_test_server_path
from workflows.hold_sweep import (
    CLOSED,
    SWEEP_HOLDS,
    SWEEP_VAULT,
    FreedHold,
    HoldSweepWorkflow,
    SweepRequest,
    SweepResult,
)

pytestmark = pytest.mark.workflow
HISTORY = Path(__file__).parent / "histories" / "hold_sweep_freed_one.json"
FREED = FreedHold("c0ffee", CLOSED, (Line(7, 2),))


@activity.defn(name=SWEEP_HOLDS)
async def sweep_holds(request: SweepRequest) -> SweepResult:
    assert request.grace_seconds == 120
    return SweepResult(3, (FREED,))


@activity.defn(name=SWEEP_VAULT)
async def sweep_vault() -> int:
    return 2


async def record(path: Path) -> SweepResult:
    async with await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=temporal_test_server_path()
    ) as env:
        async with Worker(
            env.client,
            task_queue="sweep",
            workflows=[HoldSweepWorkflow],
            activities=[sweep_holds, sweep_vault],
        ):
            handle = await env.client.start_workflow(
                HoldSweepWorkflow.run,
                SweepRequest(grace_seconds=120),
                id=f"hold-sweep-{uuid.uuid4().hex[:6]}",
                task_queue="sweep",
            )
            result = await handle.result()
            path.write_text((await handle.fetch_history()).to_json())
            return result


def replay(text: str) -> None:
    result = asyncio.run(
        Replayer(workflows=[HoldSweepWorkflow]).replay_workflow(
            WorkflowHistory.from_json("sweep", text), raise_on_replay_failure=False
        )
    )
    assert result.replay_failure is None, result.replay_failure


def test_a_sweep_returns_what_its_activity_freed(tmp_path):
    result = asyncio.run(record(tmp_path / "sweep.json"))
    assert result == SweepResult(3, (FREED,), expired_cards=2)
    replay((tmp_path / "sweep.json").read_text())


def test_the_recorded_sweep_still_replays():
    replay(HISTORY.read_text())


if __name__ == "__main__":
    print(asyncio.run(record(HISTORY)))
