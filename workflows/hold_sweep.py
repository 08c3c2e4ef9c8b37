"""HoldSweepWorkflow: give back stock that no checkout will ever give back.

A Temporal Schedule (`hold-sweep-<task queue>`, created by the worker at start, visible
under Schedules in the Web UI) starts this workflow every minute. Its one activity
(activities/hold_sweep.py) releases, through the checkout's own `release` code, the
HELD reservations

* of a checkout whose workflow has closed (terminated by an operator, or a timed-out
  reserve attempt that committed after the workflow had given up), and
* whose hold expired more than `grace_seconds` ago, whatever the workflow says (the
  grace covers a payment accepted just before the deadline: authorize and order
  write take at most 2.5 minutes).

A second activity then deletes the sandbox vault's expired cards (payments/sandbox.py),
so a card nobody paid with leaves the database within a minute of its expiry.

The result lists what was freed, so each run in the Web UI says what it did. What it
exchanges with the Schedule and the activity is in workflows/hold_sweep_messages.py.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.hold_sweep_messages import (
    SWEEP_HOLDS,
    SWEEP_VAULT,
    WORKFLOW_NAME,
    SweepRequest,
    SweepResult,
)


@workflow.defn(name=WORKFLOW_NAME)
class HoldSweepWorkflow:
    @workflow.run
    async def run(self, request: SweepRequest) -> SweepResult:
        # One attempt fits well inside the minute; the next run is the real retry.
        holds = await workflow.execute_activity(
            SWEEP_HOLDS,
            request,
            result_type=SweepResult,
            start_to_close_timeout=timedelta(seconds=45),
            retry_policy=RetryPolicy(maximum_attempts=2),
        )
        expired_cards = await workflow.execute_activity(
            SWEEP_VAULT,
            result_type=int,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(maximum_attempts=2),
        )
        return replace(holds, expired_cards=expired_cards)
