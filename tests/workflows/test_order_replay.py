"""Recorded OrderWorkflow / SuborderWorkflow histories still replay: a change
that would break orders already running (non-determinism) fails here, not in production."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.environment import run
from tests.workflows.order_histories import CHILD_HISTORIES, HISTORIES, SCENARIOS, record
from workflows.order import OrderWorkflow
from workflows.suborder import SuborderWorkflow

pytestmark = pytest.mark.workflow


def replay(history: WorkflowHistory) -> None:
    result = asyncio.run(
        Replayer(workflows=[OrderWorkflow, SuborderWorkflow]).replay_workflow(
            history, raise_on_replay_failure=False
        )
    )
    assert result.replay_failure is None, result.replay_failure


def test_every_order_path_has_a_recorded_history():
    recorded = {path.stem for path in HISTORIES.glob("order_*.json")}
    assert recorded == {*SCENARIOS, *CHILD_HISTORIES.values()}


@pytest.mark.parametrize("name", sorted([*SCENARIOS, *CHILD_HISTORIES.values()]))
def test_a_recorded_order_history_still_replays(name):
    replay(WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text()))


def test_a_freshly_recorded_order_replays_on_the_current_code(tmp_path):
    for path in run(record("order_shipped_and_delivered", tmp_path)):
        replay(WorkflowHistory.from_json("fresh", path.read_text()))
