"""Replaying recorded histories against today's workflow code (see docs/testing.md,
"Workflow histories").

Every history names its workflow type in its first event, so one Replayer that knows
every workflow replays any of them, wherever it was filed: this commit's files, or the
previous commit's (test_replay_previous_commit.py), whose layout may differ.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer, WorkflowRunner

from workflows.checkout import CheckoutWorkflow
from workflows.email import EmailWorkflow
from workflows.hold_sweep import HoldSweepWorkflow
from workflows.order import OrderWorkflow
from workflows.reindex import ReindexCatalogWorkflow
from workflows.returns import ReturnWorkflow
from workflows.suborder import SuborderWorkflow
from workflows.waiting_room import WaitingRoomWorkflow

HISTORIES = Path(__file__).parent / "histories"
WORKFLOWS = (
    CheckoutWorkflow,
    OrderWorkflow,
    SuborderWorkflow,
    HoldSweepWorkflow,
    WaitingRoomWorkflow,
    ReindexCatalogWorkflow,
    EmailWorkflow,
    ReturnWorkflow,
)


def committed() -> Iterator[Path]:
    """Every history file under histories/, as `<workflow>/<path>.json`."""
    return iter(sorted(HISTORIES.glob("*/*.json")))


def workflow_type(history_json: str) -> str:
    """The workflow type a history belongs to (from its first event)."""
    history = WorkflowHistory.from_json("history", history_json)
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


def replay_failures(
    histories: dict[str, str], *, runner: WorkflowRunner | None = None
) -> dict[str, Exception | None]:
    """Replay each named history (name -> JSON) on today's code, all in one Replayer:
    name -> why it no longer replays, or None if it does. `runner`: the coverage
    check's unsandboxed one."""
    parsed = {name: WorkflowHistory.from_json(name, text) for name, text in histories.items()}
    options = {"workflow_runner": runner} if runner is not None else {}
    replayer = Replayer(workflows=list(WORKFLOWS), **options)

    async def each() -> AsyncIterator[WorkflowHistory]:
        for history in parsed.values():
            yield history

    async def replay() -> dict[str, Exception | None]:
        results = await replayer.replay_workflows(each(), raise_on_replay_failure=False)
        return {
            name: results.replay_failures.get(history.run_id) for name, history in parsed.items()
        }

    return asyncio.run(replay())
