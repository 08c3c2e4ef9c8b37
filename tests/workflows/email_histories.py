"""Recorded EmailWorkflow histories: histories/email/<path>.json.

Recorded by `make histories` (tests/workflows/record.py) with a fake mail activity that
fails first (a mail server down), then sends.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from temporalio import activity
from temporalio.worker import Worker

from tests.workflows.environment import unique_task_queue, workflow_server
from workflows.email import EmailWorkflow
from workflows.mail_messages import (
    PASSWORD_RESET,
    SEND_EMAIL,
    EmailRequest,
    EmailResult,
    email_workflow_id,
)

WORKFLOW = "email"
DIRECTORIES = (WORKFLOW,)
SCENARIOS = {
    "sent_after_the_server_came_back": EmailRequest(
        PASSWORD_RESET, "7", link="http://shop.test/password-reset/recorded"
    ),
}


async def run_email(request: EmailRequest, keep: list | None = None) -> EmailResult:
    attempts: list[int] = []

    @activity.defn(name=SEND_EMAIL)
    async def send_email(request: EmailRequest) -> EmailResult:
        attempts.append(1)
        if len(attempts) == 1:
            raise ConnectionRefusedError("the mail server is down")
        return EmailResult(request.event_key, sent=True)

    task_queue = unique_task_queue("email")
    async with workflow_server() as env:
        async with Worker(
            env.client, task_queue=task_queue, workflows=[EmailWorkflow], activities=[send_email]
        ):
            handle = await env.client.start_workflow(
                EmailWorkflow.run,
                request,
                id=f"{email_workflow_id(request)}-{uuid.uuid4().hex[:6]}",
                task_queue=task_queue,
            )
            try:
                return await handle.result()
            finally:
                if keep is not None:
                    keep.append(await handle.fetch_history())


async def record(name: str, directory: Path) -> list[Path]:
    kept: list = []
    await run_email(SCENARIOS[name], kept)
    path = directory / WORKFLOW / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(kept[0].to_json())
    return [path]
