"""EmailWorkflow: one email sent outside any order (a password reset), docs/email.md.

Started by the web with the id `email-<event key>`, so a double submit is one workflow
and one email; the activity inside retries until the mail server takes it.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.mail_messages import EMAIL_WORKFLOW_NAME, EmailRequest, EmailResult
    from workflows.mail_steps import start_email


@workflow.defn(name=EMAIL_WORKFLOW_NAME)
class EmailWorkflow:
    @workflow.run
    async def run(self, request: EmailRequest) -> EmailResult:
        return await start_email(request)
