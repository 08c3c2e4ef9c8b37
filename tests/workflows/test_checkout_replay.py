"""Recorded CheckoutWorkflow histories still replay: a change that would break checkouts
already running (non-determinism) fails here, not in production."""

from __future__ import annotations

import asyncio

import pytest
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from tests.workflows.checkout_histories import HISTORIES, SCENARIOS, record
from tests.workflows.environment import run
from workflows.checkout import CheckoutWorkflow

pytestmark = pytest.mark.workflow


def replay(history: WorkflowHistory) -> None:
    result = asyncio.run(
        Replayer(workflows=[CheckoutWorkflow]).replay_workflow(
            history, raise_on_replay_failure=False
        )
    )
    assert result.replay_failure is None, result.replay_failure


def test_every_checkout_path_has_a_recorded_history():
    recorded = {path.stem for path in HISTORIES.glob("checkout_*.json")}
    assert recorded == set(SCENARIOS)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_a_recorded_checkout_history_still_replays(name):
    replay(WorkflowHistory.from_json(name, (HISTORIES / f"{name}.json").read_text()))


def test_a_freshly_recorded_checkout_replays_on_the_current_code(tmp_path):
    path = run(
        record("checkout_paid_then_submitted", SCENARIOS["checkout_paid_then_submitted"], tmp_path)
    )
    replay(WorkflowHistory.from_json("fresh", path.read_text()))
