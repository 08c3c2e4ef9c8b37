"""SuborderWorkflow: one suborder at one warehouse, from assignment to delivery.

Started by OrderWorkflow (id `suborder-<suborderID>`). It assigns (takes the
warehouse's available stock and writes the suborder, atomically), queues the
suborder on the warehouse's Redis stream, then waits for the portal's signals:

    ship     the parcel left the warehouse (physical stock −q)
    deliver  the parcel arrived
    cancel   the order is being cancelled: give the stock back unless it already shipped

The portal uses the updates `confirm_shipped` / `confirm_delivered` instead: the same
requests, answered with the suborder's status once the worker has acted on them, so a
warehouse worker sees "shipped" only after the database says so.

Every change the order acts on is signalled to it as `suborder_changed`: shipped,
delivered, cancelled, and LOST when the warehouse lost the race for its stock (the
run ends, nothing was written, the order re-plans those lines). ASSIGNED is not
reported: the order does not need it. Cancel racing
ship is decided by the suborder row's conditional status UPDATE, so whichever the
database applies first wins and the other is refused (a shipped suborder is never cancelled, a cancelled one never ships).

Once shipped, it mails the shopper (docs/email.md), without waiting for the mail server.
"""

from __future__ import annotations

import contextlib

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.order import LOST, OPEN_SUBORDER_STATUSES, PLANNED
    from domain.order import SuborderStatus as SS
    from workflows import order_steps as steps
    from workflows.checkout_steps import business_cause
    from workflows.mail_messages import PARCEL_SHIPPED, EmailRequest
    from workflows.mail_steps import start_email
    from workflows.order_messages import (
        ALREADY_SHIPPED,
        NOT_SHIPPED,
        SUBORDER_CANCELLED,
        SUBORDER_WORKFLOW_NAME,
        WAREHOUSE_SHORT,
        AssignRequest,
        NotifyRequest,
        SuborderChanged,
        SuborderInput,
    )

SUBORDER_CHANGED = "suborder_changed"  # the parent's signal


@workflow.defn(name=SUBORDER_WORKFLOW_NAME)
class SuborderWorkflow:
    @workflow.init
    def __init__(self, input: SuborderInput) -> None:
        self._input = input
        self._status = PLANNED
        self._ship = False
        self._deliver = False
        self._cancel = False
        self._mail: list[workflow.ActivityHandle] = []

    @workflow.run
    async def run(self, input: SuborderInput) -> str:
        if self._cancel:  # cancelled before it was ever assigned: nothing to give back
            return await self._report(SS.CANCELLED)
        try:
            assigned = await steps.assign(
                AssignRequest(input.order_id, input.suborder_id, input.warehouse_id, input.lines)
            )
        except FailureError as error:
            if business_cause(error, WAREHOUSE_SHORT):
                return await self._report(LOST)
            raise
        if assigned.status == SS.ASSIGNED:
            # Queue it on the warehouse's stream in the same workflow task. The order
            # treats a planned and an assigned suborder alike (open, and covering its
            # lines), so "assigned" is not worth a signal, which would cost both
            # workflows a workflow task on every order. LOST and every later change
            # are reported.
            if not self._cancel:
                await steps.notify_warehouse(
                    NotifyRequest(input.order_id, input.suborder_id, input.warehouse_id)
                )
            self._status = SS.ASSIGNED
        else:
            await self._report(assigned.status)
        while self._status not in (SS.DELIVERED, SS.CANCELLED):
            await workflow.wait_condition(self._has_work)
            if self._status == SS.ASSIGNED and self._cancel:
                await self._cancel_suborder()
            elif self._status == SS.ASSIGNED and self._ship:
                await self._ship_suborder()
            elif self._status == SS.SHIPPED and self._deliver:
                await self._report((await steps.mark_delivered(input.suborder_id)).status)
        # A confirm_* update still answering must get its reply before the run closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        for email in self._mail:
            # Late if the mail server is down, never lost (retried without end); only an
            # email about nothing (a row gone) fails, and that must not fail the order.
            with contextlib.suppress(ActivityError):
                await email
        return self._status

    def _has_work(self) -> bool:
        if self._status == SS.ASSIGNED:
            return self._cancel or self._ship
        return self._status == SS.SHIPPED and self._deliver

    async def _cancel_suborder(self) -> None:
        try:
            await steps.cancel_suborder(self._input.suborder_id)
        except FailureError as error:
            if business_cause(error, ALREADY_SHIPPED):  # ship won the race
                self._cancel = False
                return await self._report(SS.SHIPPED)
            raise
        await self._report(SS.CANCELLED)

    async def _ship_suborder(self) -> None:
        try:
            shipped = await steps.mark_shipped(self._input.suborder_id)
        except FailureError as error:
            if business_cause(error, SUBORDER_CANCELLED):  # cancel won the race
                return await self._report(SS.CANCELLED)
            raise
        self._mail.append(start_email(EmailRequest(PARCEL_SHIPPED, self._input.suborder_id)))
        await self._report(shipped.status)

    async def _report(self, status: str) -> str:
        self._status = status
        parent = workflow.info().parent
        if parent is not None:
            await workflow.get_external_workflow_handle(parent.workflow_id).signal(
                SUBORDER_CHANGED, SuborderChanged(self._input.suborder_id, status)
            )
        return status

    @workflow.signal
    def ship(self) -> None:
        self._ship = True

    @workflow.signal
    def deliver(self) -> None:
        self._deliver = True

    @workflow.signal
    def cancel(self) -> None:
        # Once shipped there is nothing to cancel: the order's validator refuses it too.
        if self._status in OPEN_SUBORDER_STATUSES:
            self._cancel = True

    @workflow.update
    async def confirm_shipped(self) -> str:
        """Ship (if still possible) and answer with the status that decided it."""
        self.ship()
        await workflow.wait_condition(lambda: self._status not in OPEN_SUBORDER_STATUSES)
        return self._status

    @workflow.update
    async def confirm_delivered(self) -> str:
        """Deliver a shipped parcel and answer with the status once written."""
        self.deliver()
        await workflow.wait_condition(lambda: self._status != SS.SHIPPED)
        return self._status

    @confirm_delivered.validator
    def _validate_delivered(self) -> None:
        if self._status in OPEN_SUBORDER_STATUSES:
            raise ApplicationError(
                "This parcel has not shipped yet: mark it shipped first.",
                type=NOT_SHIPPED,
                non_retryable=True,
            )

    @workflow.query
    def status(self) -> str:
        return self._status
