"""ReturnWorkflow on the time-skipping server with fake return and mail activities, and
its recorded histories: histories/return/<path>.json (docs/returns.md).

    refunded          received -> refunded -> restocked -> REFUNDED, two emails
    refund_refused    the gateway says no: restocked anyway, REFUND_FAILED, one email
    never_received    nobody receives it within RECEIVE_WITHIN: EXPIRED, one email
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from temporalio import activity
from temporalio.client import WorkflowHistory
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from tests.workflows.environment import end_workflows, unique_task_queue, workflow_server
from workflows.mail_messages import SEND_EMAIL, EmailRequest, EmailResult
from workflows.return_messages import (
    CLOSE_RETURN,
    MARK_RECEIVED,
    REFUND_REFUSED,
    REFUND_RETURN,
    RESTOCK_RETURN,
    CloseReturnRequest,
    RefundReturnResult,
    ReturnInput,
    ReturnProgress,
    ReturnRequest,
    ReturnStepResult,
    return_workflow_id,
)
from workflows.returns import ReturnWorkflow

WORKFLOW = "return"
DIRECTORIES = (WORKFLOW,)
RETURN_ID = "RT-RECORDED1"
AMOUNT = 2_500
SCENARIOS = ("refunded", "refund_refused", "never_received")


@dataclass
class FakeReturns:
    """What the activities did, in order; the gateway refuses when `refuse` is set."""

    refuse: bool = False
    steps: list[str] = field(default_factory=list)
    emails: dict[str, EmailRequest] = field(default_factory=dict)
    refunds: int = 0

    def activities(self) -> list:
        @activity.defn(name=MARK_RECEIVED)
        async def mark_received(request: ReturnRequest) -> ReturnStepResult:
            self.steps.append("received")
            return ReturnStepResult(request.return_id, changed=True)

        @activity.defn(name=REFUND_RETURN)
        async def refund(request: ReturnRequest) -> RefundReturnResult:
            if self.refuse:
                raise ApplicationError(
                    "The payment gateway refused the refund: charge voided",
                    type=REFUND_REFUSED,
                    non_retryable=True,
                )
            self.refunds += 1
            self.steps.append("refunded")
            return RefundReturnResult(f"re_{request.return_id}", AMOUNT)

        @activity.defn(name=RESTOCK_RETURN)
        async def restock(request: ReturnRequest) -> ReturnStepResult:
            self.steps.append("restocked")
            return ReturnStepResult(request.return_id, changed=True)

        @activity.defn(name=CLOSE_RETURN)
        async def close(request: CloseReturnRequest) -> ReturnStepResult:
            self.steps.append(f"closed {request.status}")
            return ReturnStepResult(request.return_id, changed=True)

        @activity.defn(name=SEND_EMAIL)
        async def send_email(request: EmailRequest) -> EmailResult:
            self.emails[request.event_key] = request
            return EmailResult(request.event_key, sent=True)

        return [mark_received, refund, restock, close, send_email]


async def run_return(
    fakes: FakeReturns, *, receive: bool, receive_twice: bool = False
) -> tuple[ReturnProgress, list[ReturnProgress], WorkflowHistory]:
    """Start a return, receive it (or not), and answer its result, the updates' answers
    and its history."""
    task_queue = unique_task_queue("return")
    workflow_id = f"{return_workflow_id(RETURN_ID)}-{uuid.uuid4().hex[:6]}"
    async with workflow_server() as env:
        async with Worker(
            env.client,
            task_queue=task_queue,
            workflows=[ReturnWorkflow],
            activities=fakes.activities(),
        ):
            handle = await env.client.start_workflow(
                ReturnWorkflow.run,
                ReturnInput(RETURN_ID, "ORDER-1", AMOUNT),
                id=workflow_id,
                task_queue=task_queue,
            )
            answers = []
            try:
                if receive:
                    answers.append(await handle.execute_update(ReturnWorkflow.receive))
                    if receive_twice:
                        answers.append(await handle.execute_update(ReturnWorkflow.receive))
                result = await handle.result()
                return result, answers, await handle.fetch_history()
            finally:
                await end_workflows(env.client, [workflow_id])


async def record(name: str, directory: Path) -> list[Path]:
    fakes = FakeReturns(refuse=name == "refund_refused")
    _, _, history = await run_return(fakes, receive=name != "never_received")
    path = directory / WORKFLOW / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(history.to_json())
    return [path]
