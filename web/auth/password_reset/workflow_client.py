"""Mailing a reset link: EmailWorkflow (workflows/email.py), id
`email-password-reset:<the link's token hash>`, so the email goes out, late rather than
never, whatever the mail server does meanwhile. (The hash, which the database keeps too,
cannot be turned back into the link.)"""

from __future__ import annotations

from temporalio.client import Client
from temporalio.common import WorkflowIDReusePolicy

from web.temporal_gateway import TemporalGateway, temporal_call
from workflows.email import EmailWorkflow
from workflows.mail_messages import PASSWORD_RESET, EmailRequest, email_workflow_id

START_TIMEOUT = 10.0


class ResetMail:
    def __init__(self, gateway: TemporalGateway | None, task_queue: str) -> None:
        self._gateway = gateway
        self._task_queue = task_queue

    def send_reset(self, link_key: str, link: str) -> None:
        request = EmailRequest(PASSWORD_RESET, link_key, link=link)

        async def start(client: Client) -> None:
            await client.start_workflow(
                EmailWorkflow.run,
                request,
                id=email_workflow_id(request),
                task_queue=self._task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )

        temporal_call(self._gateway, start, timeout=START_TIMEOUT, what="password reset")
