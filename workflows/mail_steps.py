"""Sending an email from workflow code: a regular activity, retried until the SMTP
server takes it (docs/email.md). Started, not awaited, where the workflow goes on: an
order does not wait for its email, and a mail server that is down makes mail late,
never an order stuck. The caller awaits the handles before its run ends."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.mail_messages import SEND_EMAIL, EmailRequest, EmailResult

# Retried without end: a mail server down for hours delivers its backlog when it is back.
# Every 10 s at most, so a short outage delays mail by seconds, not minutes.
_UNTIL_SENT = RetryPolicy(
    initial_interval=timedelta(seconds=1), maximum_interval=timedelta(seconds=10)
)
SEND_TIMEOUT = timedelta(seconds=30)


def start_email(request: EmailRequest) -> workflow.ActivityHandle[EmailResult]:
    return workflow.start_activity(
        SEND_EMAIL,
        request,
        result_type=EmailResult,
        start_to_close_timeout=SEND_TIMEOUT,
        retry_policy=_UNTIL_SENT,
    )
