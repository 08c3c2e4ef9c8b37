"""ReturnWorkflow: one returned parcel, from authorisation to refund (docs/returns.md).

Started by the web (id `return-<returnID>`) once the return's row is written:

    AUTHORIZED  mails the shopper the return number, then waits for the warehouse's
                `receive` update (RECEIVE_WITHIN at most: then EXPIRED, nothing refunded)
    RECEIVED    `mark_received` wrote it; the refund goes through the gateway (key
                `refund-return-<returnID>`), then the units go back on the warehouse's
                shelves (restock's SQL, so the stock_events outbox sees them)
    REFUNDED    mails the amount; REFUND_FAILED when the gateway refused (the units are
                still restocked: they are physically back, and an operator settles the money)

Every step is an activity, idempotent by the return id, retried until it succeeds.
"""

from __future__ import annotations

import contextlib

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.returns import RECEIVE_WITHIN
    from domain.returns import ReturnStatus as RS
    from workflows import return_steps as steps
    from workflows.checkout_steps import business_cause
    from workflows.mail_messages import RETURN_AUTHORIZED, RETURN_REFUNDED, EmailRequest
    from workflows.mail_steps import start_email
    from workflows.return_messages import (
        REFUND_REFUSED,
        RETURN_WORKFLOW_NAME,
        ReturnInput,
        ReturnProgress,
    )


@workflow.defn(name=RETURN_WORKFLOW_NAME)
class ReturnWorkflow:
    @workflow.init
    def __init__(self, input: ReturnInput) -> None:
        self._input = input
        self._status = RS.AUTHORIZED.value
        self._received = False
        self._message: str | None = None

    @workflow.run
    async def run(self, input: ReturnInput) -> ReturnProgress:
        mail = [start_email(EmailRequest(RETURN_AUTHORIZED, input.return_id))]
        try:
            await workflow.wait_condition(lambda: self._received, timeout=RECEIVE_WITHIN)
        except TimeoutError:
            await steps.close(input.return_id, RS.EXPIRED, "never received")
            self._status = RS.EXPIRED.value
        else:
            await steps.mark_received(input.return_id)
            self._status = RS.RECEIVED.value
            refund = await self._refund()
            await steps.restock(input.return_id)
            if refund is None:
                await steps.close(input.return_id, RS.REFUND_FAILED, self._message or "")
                self._status = RS.REFUND_FAILED.value
            else:
                await steps.close(input.return_id, RS.REFUNDED)
                self._status = RS.REFUNDED.value
                mail.append(
                    start_email(EmailRequest(RETURN_REFUNDED, input.return_id, refund=refund))
                )
        await workflow.wait_condition(workflow.all_handlers_finished)
        for email in mail:
            # Late if the mail server is down, never lost; an email about nothing (a row
            # gone) must not fail the return.
            with contextlib.suppress(ActivityError):
                await email
        return self._progress()

    async def _refund(self) -> int | None:
        """The amount refunded, or None (and why, in _message) when it was refused."""
        try:
            return (await steps.refund(self._input.return_id)).amount
        except FailureError as error:
            refused = business_cause(error, REFUND_REFUSED)
            if refused is None:
                raise
            self._message = refused.message
            return None

    def _progress(self) -> ReturnProgress:
        return ReturnProgress(
            self._input.return_id, self._status, self._input.refund_amount, self._message
        )

    @workflow.update
    async def receive(self) -> ReturnProgress:
        """The warehouse has the parcel: answered once the row says RECEIVED (or later)."""
        self._received = True
        await workflow.wait_condition(lambda: self._status != RS.AUTHORIZED)
        return self._progress()

    @receive.validator
    def _validate_receive(self) -> None:
        if self._status == RS.EXPIRED:
            raise ApplicationError(
                "This return lapsed: it was never received.", type="ReturnExpired"
            )

    @workflow.query
    def state(self) -> ReturnProgress:
        return self._progress()
