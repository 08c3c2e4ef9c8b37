"""OrderWorkflow: split a submitted order over warehouses and follow it to delivery.

One workflow per order (id `order-<orderID>`). It plans the split (an activity that
reads warehouse stock and calls domain.allocation), then starts one
SuborderWorkflow child per suborder. Children report every change the order
acts on (lost, shipped, delivered, cancelled) with the `suborder_changed` signal; a
suborder stays PLANNED in this workflow's view while it is assigned and waiting. The
order then keeps one rule: whatever the live suborders (not LOST, not CANCELLED) do not
cover is planned again. So a warehouse that lost the race for its stock, or a plan
that found too little stock (Unallocatable: retried after REPLAN_AFTER, or at once when
a child frees lines), is re-planned, never failed.

Status: PENDING → SHIPPED once every line is in a shipped suborder → DELIVERED once all
are delivered; orders.status, the timeline and the OrderStatus search attribute follow.

Cancel (update `cancel`, the shopper's): refused by the validator once anything has
shipped. Otherwise every child gives its stock back, then `cancel_order` restores the
aggregated stock of every line and marks the order CANCELLED. If a shipment wins the
race against the cancel, the cancel is answered AlreadyShipped and the lines of the
suborders that did get cancelled are planned again, so the order is still fulfilled.
Then the payment is refunded through the gateway (its own idempotency key,
`refund-<orderID>`). Every step is an activity that Temporal retries until it
succeeds, so a worker killed in the middle of a cancel finishes it on restart.

Cancel the parcels that have not shipped (update `cancel_unshipped`, docs/orders.md):
once something shipped, every open child is stopped as above (each decides its own race
with a shipment), `cancel_unshipped` takes the rest off the order (PARTLY_CANCELLED, then
DELIVERED once the shipped parcels arrive) and `refund_unshipped` refunds only that.

Emails (docs/email.md): "placed" after the first plan (with its parcels), "delivered",
and "cancelled" with the refund; each an activity started and not awaited, so a mail
server that is down delays the email, never the order. The run awaits them at the end.
"""

from __future__ import annotations

import contextlib
from datetime import timedelta

from temporalio import workflow
from temporalio.common import SearchAttributePair, TypedSearchAttributes
from temporalio.exceptions import ActivityError, ApplicationError, FailureError

with workflow.unsafe.imports_passed_through():
    from domain.allocation import Suborder, remaining_lines
    from domain.order import (
        FINAL_ORDER_STATUSES,
        GONE_SUBORDER_STATUSES,
        OPEN_SUBORDER_STATUSES,
        PLANNED,
        has_shipped,
        unshipped_lines,
    )
    from domain.order import OrderStatus as OS
    from domain.order import SuborderStatus as SS
    from domain.stock import Line
    from workflows import order_steps as steps
    from workflows.checkout_steps import business_cause
    from workflows.mail_messages import (
        ORDER_CANCELLED,
        ORDER_DELIVERED,
        ORDER_PLACED,
        PARCELS_CANCELLED,
        EmailRequest,
        MailParcel,
    )
    from workflows.mail_steps import start_email
    from workflows.order_messages import (
        ALREADY_SHIPPED,
        CUSTOMER_ID,
        NOT_YOURS,
        NOTHING_SHIPPED,
        NOTHING_UNSHIPPED,
        ORDER_ID,
        ORDER_STATUS,
        UNALLOCATABLE,
        WORKFLOW_NAME,
        CancelOrder,
        CancelUnshipped,
        OrderInput,
        OrderProgress,
        SuborderChanged,
        SuborderInput,
        SuborderProgress,
        UnshippedCancelled,
        suborder_id_for,
        suborder_workflow_id,
    )
    from workflows.order_refusals import (
        ALREADY_SHIPPED_MESSAGE,
        EVERYTHING_SHIPPED_MESSAGE,
        NOTHING_SHIPPED_MESSAGE,
        NOTHING_UNSHIPPED_MESSAGE,
    )
    from workflows.suborder import SUBORDER_CHANGED, SuborderWorkflow

# How long an order whose stock no warehouse holds waits before planning again.
REPLAN_AFTER = timedelta(minutes=15)


@workflow.defn(name=WORKFLOW_NAME)
class OrderWorkflow:
    @workflow.init
    def __init__(self, input: OrderInput) -> None:
        self._input = input
        self._status = OS.PENDING
        self._order_lines: tuple[Line, ...] = ()
        self._suborders: dict[str, SuborderProgress] = {}
        self._children: dict[str, workflow.ChildWorkflowHandle] = {}
        self._missing: tuple[Line, ...] = ()
        self._message: str | None = None
        self._plan_due = True
        self._cancel_requested = False
        self._cancelling = False
        self._cancel_refusals = 0
        self._cancel_reason = ""  # the store's reason, when staff asked (CancelOrder.reason)
        self._unshipped_requested = False
        self._unshipped_answers = 0  # partial cancels decided, either way
        self._unshipped: UnshippedCancelled | None = None
        self._changes = 0
        self._confirmed = False  # the "order placed" email is on its way
        self._mail: list[workflow.ActivityHandle] = []

    @workflow.run
    async def run(self, input: OrderInput) -> OrderProgress:
        if workflow.info().typed_search_attributes.get(ORDER_ID) is None:
            # The checkout's starter sets them at start (activities/order_starter.py),
            # which saves this upsert's event and visibility write; an order started
            # any other way (an operator, a test) sets them here.
            workflow.upsert_search_attributes(
                [
                    ORDER_ID.value_set(input.order_id),
                    CUSTOMER_ID.value_set(str(input.user_id)),
                    ORDER_STATUS.value_set(OS.PENDING),
                ]
            )
        while self._status not in FINAL_ORDER_STATUSES:
            if self._cancel_requested:
                await self._cancel()
            elif self._unshipped_requested:
                await self._cancel_unshipped()
            elif self._plan_due:
                await self._plan_rest()
            elif self._everything_in(SS.SHIPPED, SS.DELIVERED) and self._status == OS.PENDING:
                await self._set_status(OS.SHIPPED, "shipped", "Every parcel has shipped")
            elif self._everything_in(SS.DELIVERED) and self._status in (
                OS.SHIPPED,
                OS.PARTLY_CANCELLED,
            ):
                await self._set_status(OS.DELIVERED, "delivered", "Every parcel was delivered")
                self._email(ORDER_DELIVERED)
            else:
                await self._wait_for_change()
        await workflow.wait_condition(workflow.all_handlers_finished)
        for child in self._children.values():
            await child  # each has reported its last change; let it close before we do
        for email in self._mail:
            # Late if the mail server is down, never lost (retried without end); only an
            # email about nothing (a row gone) fails, and that must not fail the order.
            with contextlib.suppress(ActivityError):
                await email
        return self.state()

    def _email(self, kind: str, **details) -> None:
        self._mail.append(start_email(EmailRequest(kind, self._input.order_id, **details)))

    # --- planning -------------------------------------------------------------------------

    def _live(self) -> list[SuborderProgress]:
        return [s for s in self._suborders.values() if s.status not in GONE_SUBORDER_STATUSES]

    def _uncovered(self) -> tuple[tuple[int, int], ...]:
        live = [
            Suborder(s.warehouse_id, tuple((line.item_id, line.quantity) for line in s.lines))
            for s in self._live()
        ]
        return remaining_lines(self._order_lines, live)

    def _everything_in(self, *statuses: str) -> bool:
        live = self._live()
        return (
            bool(self._order_lines)
            and not self._uncovered()
            and bool(live)
            and all(s.status in statuses for s in live)
        )

    async def _plan_rest(self) -> None:
        self._plan_due = False  # a child that loses a race meanwhile sets it again
        lines: tuple[Line, ...] = ()
        if self._order_lines:
            lines = tuple(Line(item, quantity) for item, quantity in self._uncovered())
            if not lines:
                return
        try:
            plan = await steps.plan(self._input.order_id, self._input.strategy, lines)
        except FailureError as error:
            if cause := business_cause(error, UNALLOCATABLE):
                self._missing = tuple(Line(d["itemID"], d["missing"]) for d in cause.details)
                self._message = "Waiting for a restock: " + cause.message
                self._confirm(())
                return
            raise
        self._order_lines = plan.order_lines
        self._missing = ()
        self._message = None
        self._confirm(
            tuple(
                MailParcel(p.warehouse_id, sum(line.quantity for line in p.lines))
                for p in plan.suborders
            )
        )
        if self._cancel_requested or self._unshipped_requested:
            return  # nothing started yet for this plan: the cancel has less to undo
        for planned in plan.suborders:
            suborder_id = suborder_id_for(self._input.order_id, len(self._suborders) + 1)
            self._suborders[suborder_id] = SuborderProgress(
                suborder_id, planned.warehouse_id, planned.lines, PLANNED
            )
            self._children[suborder_id] = await workflow.start_child_workflow(
                SuborderWorkflow.run,
                SuborderInput(
                    self._input.order_id, suborder_id, planned.warehouse_id, planned.lines
                ),
                id=suborder_workflow_id(suborder_id),
                # An operator finds an order's parcels by its id or its customer
                # (docs/operations.md); registered like the order's own attributes.
                search_attributes=TypedSearchAttributes(
                    [
                        SearchAttributePair(ORDER_ID, self._input.order_id),
                        SearchAttributePair(CUSTOMER_ID, str(self._input.user_id)),
                    ]
                ),
            )

    def _confirm(self, parcels: tuple[MailParcel, ...]) -> None:
        """The "order placed" email, once, with the parcels of the first plan (none when
        the first plan waits for a restock)."""
        if not self._confirmed:
            self._confirmed = True
            self._email(ORDER_PLACED, parcels=parcels)

    async def _wait_for_change(self) -> None:
        seen = self._changes
        # Only an order waiting for stock needs a timer; otherwise signals move it on.
        timeout = REPLAN_AFTER if self._missing else None
        try:
            await workflow.wait_condition(lambda: self._changes != seen, timeout=timeout)
        except TimeoutError:
            self._plan_due = True

    async def _set_status(self, status: str, event: str, detail: str) -> None:
        await steps.set_order_status(self._input.order_id, status, event, detail)
        self._status = status
        workflow.upsert_search_attributes([ORDER_STATUS.value_set(status)])

    # --- cancel ---------------------------------------------------------------------------

    async def _stop_open_suborders(self) -> tuple[str, ...]:
        """Ask every open child to cancel and wait until each has cancelled or shipped
        (its own race with the warehouse); answers the suborders it asked."""
        open_ids = tuple(
            suborder_id
            for suborder_id, suborder in self._suborders.items()
            if suborder.status in OPEN_SUBORDER_STATUSES
        )
        for suborder_id in open_ids:
            # A child that already ended (e.g. LOST) refuses the signal; its last
            # report is on its way, so there is nothing more to do for it.
            with contextlib.suppress(FailureError):
                await self._children[suborder_id].signal(SuborderWorkflow.cancel)
        await workflow.wait_condition(
            lambda: all(s.status not in OPEN_SUBORDER_STATUSES for s in self._suborders.values())
        )
        return open_ids

    async def _cancel(self) -> None:
        self._cancelling = True
        await self._stop_open_suborders()
        refused = has_shipped(self._status, (s.status for s in self._suborders.values()))
        if not refused:
            try:
                await steps.cancel_order(self._input.order_id, self._cancel_reason)
            except FailureError as error:
                if not business_cause(error, ALREADY_SHIPPED):
                    raise
                refused = True
        self._cancelling = False
        self._cancel_requested = False
        if refused:
            # A shipment won: the order goes on; re-plan whatever the cancel did stop.
            self._cancel_refusals += 1
            self._plan_due = True
            return
        message = "Cancelled by the store" if self._cancel_reason else "Cancelled by the shopper"
        # The money goes back after the stock: cancel_order committed, so the order can
        # no longer ship. Its own idempotency key makes a retry the same refund. The
        # cancel update answers only after this, so "cancelled" always means "refunded" too.
        refund = await steps.refund_order(self._input.order_id)
        if refund.amount:
            message += "; the payment was refunded"
        self._status = OS.CANCELLED
        self._message = message
        workflow.upsert_search_attributes([ORDER_STATUS.value_set(OS.CANCELLED)])
        self._email(ORDER_CANCELLED, refund=refund.amount)

    async def _cancel_unshipped(self) -> None:
        self._cancelling = True
        asked = await self._stop_open_suborders()
        try:
            taken = await steps.cancel_unshipped(self._input.order_id)
        except FailureError as error:
            if not business_cause(error, NOTHING_UNSHIPPED, NOTHING_SHIPPED):
                raise
            # Every open parcel shipped before its cancel: the order goes on as it was.
            self._cancelling = False
            self._unshipped_requested = False
            self._unshipped = None
            self._unshipped_answers += 1
            self._plan_due = True  # a LOST suborder's lines, if any, still need a warehouse
            return
        self._cancelling = False
        self._unshipped_requested = False
        gone = {line.item_id: line.quantity for line in taken.cancelled}
        # What the order still ships: exactly the parcels that left, so nothing is
        # uncovered and nothing is planned again.
        self._order_lines = tuple(
            Line(line.item_id, line.quantity - gone.get(line.item_id, 0))
            for line in self._order_lines
            if line.quantity > gone.get(line.item_id, 0)
        )
        self._missing = ()
        self._plan_due = False
        # Refunded before the update answers, like the whole cancel: "cancelled" always
        # means "refunded" too.
        refund = await steps.refund_unshipped(self._input.order_id)
        self._status = OS.PARTLY_CANCELLED
        self._message = "The parcels that had not shipped were cancelled and refunded"
        workflow.upsert_search_attributes([ORDER_STATUS.value_set(OS.PARTLY_CANCELLED)])
        stopped = tuple(i for i in asked if self._suborders[i].status == SS.CANCELLED)
        self._unshipped = UnshippedCancelled(stopped, taken.cancelled, refund.amount, self.state())
        self._unshipped_answers += 1
        self._email(PARCELS_CANCELLED, refund=refund.amount)

    @workflow.update
    async def cancel_unshipped(self, request: CancelUnshipped) -> UnshippedCancelled:
        answers = self._unshipped_answers
        self._unshipped_requested = True
        self._changes += 1
        await workflow.wait_condition(lambda: self._unshipped_answers != answers)
        if self._unshipped is None:
            raise ApplicationError(
                NOTHING_UNSHIPPED_MESSAGE, type=NOTHING_UNSHIPPED, non_retryable=True
            )
        return self._unshipped

    @cancel_unshipped.validator
    def _validate_cancel_unshipped(self, request: CancelUnshipped) -> None:
        if request.user_id != self._input.user_id:
            raise ApplicationError("This order is not yours.", type=NOT_YOURS, non_retryable=True)
        suborders = [(s.status, s.lines) for s in self._suborders.values()]
        if unshipped_lines(self._status, self._order_lines, suborders):
            return
        if has_shipped(self._status, (status for status, _ in suborders)):
            raise ApplicationError(
                NOTHING_UNSHIPPED_MESSAGE, type=NOTHING_UNSHIPPED, non_retryable=True
            )
        raise ApplicationError(NOTHING_SHIPPED_MESSAGE, type=NOTHING_SHIPPED, non_retryable=True)

    @workflow.update
    async def cancel(self, request: CancelOrder) -> OrderProgress:
        if self._status != OS.CANCELLED:
            refusals = self._cancel_refusals
            self._cancel_requested = True
            self._cancel_reason = request.reason
            self._changes += 1
            await workflow.wait_condition(
                lambda: self._status == OS.CANCELLED or self._cancel_refusals != refusals
            )
            if self._status != OS.CANCELLED:
                raise self._shipped_refusal()
        return self.state()

    def _shipped_refusal(self) -> ApplicationError:
        """AlreadyShipped, pointing to cancelling the rest when there is a rest."""
        suborders = [(s.status, s.lines) for s in self._suborders.values()]
        rest = unshipped_lines(self._status, self._order_lines, suborders)
        message = ALREADY_SHIPPED_MESSAGE if rest else EVERYTHING_SHIPPED_MESSAGE
        return ApplicationError(message, type=ALREADY_SHIPPED, non_retryable=True)

    @cancel.validator
    def _validate_cancel(self, request: CancelOrder) -> None:
        if request.user_id != self._input.user_id:
            raise ApplicationError("This order is not yours.", type=NOT_YOURS, non_retryable=True)
        if has_shipped(self._status, (s.status for s in self._suborders.values())):
            raise self._shipped_refusal()

    # --- children and queries -------------------------------------------------------------

    @workflow.signal(name=SUBORDER_CHANGED)
    def suborder_changed(self, change: SuborderChanged) -> None:
        known = self._suborders.get(change.suborder_id)
        if known is None:
            return
        self._suborders[change.suborder_id] = SuborderProgress(
            known.suborder_id, known.warehouse_id, known.lines, change.status
        )
        if change.status in GONE_SUBORDER_STATUSES and not self._cancelling:
            self._plan_due = True
        self._changes += 1

    @workflow.query
    def state(self) -> OrderProgress:
        return OrderProgress(
            order_id=self._input.order_id,
            user_id=self._input.user_id,
            status=self._status,
            suborders=tuple(self._suborders.values()),
            missing=self._missing,
            message=self._message,
        )
