"""HoldSweepWorkflow: one sweep frees holds, then deletes expired cards, and says what it did."""

from __future__ import annotations

import pytest

from tests.workflows.environment import run
from tests.workflows.sweep_histories import FREED, run_sweep
from workflows.hold_sweep_messages import SweepRequest, SweepResult

pytestmark = pytest.mark.workflow


def test_a_sweep_returns_what_its_activity_freed():
    assert run(run_sweep(SweepRequest(grace_seconds=120))) == SweepResult(
        3, (FREED,), expired_cards=2
    )
