"""CheckoutWorkflow: hold the cart's stock, wait durably for payment, then order or give back.

One running workflow per shopper (id `checkout-{user_id}`). BEGIN is update-with-start
of `begin` with conflict policy USE_EXISTING, so a double click lands on the same
workflow and the same hold. The workflow then waits up to the hold's deadline for:

    pay             authorize the card (a decline can be retried while the hold lasts)
    submit          capture and write the order
    pay_and_submit  both, for the payment page's single button
    cancel          give the stock back now

Expiry gives the stock back too. A placed order is handed to its own OrderWorkflow
(`order-<orderID>`, started by a local activity; it outlives the checkout) just before
the checkout closes. Once a payment is accepted the timer waits for its outcome, so a
hold never lapses while a card is being charged.

Activities run as local activities: each is one short transaction or gateway call,
idempotent by checkout id, and skipping the task-queue round trip measured 24 vs
18.5 orders/s on the 2-core target (notes/stack-recipes.md). A worker killed mid-call
runs the call again on replay, which the business keys make harmless.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from datetime import datetime

from temporalio import workflow
from temporalio.exceptions import ApplicationError, FailureError

# Pure, deterministic modules with no state: passed through so the sandbox does not
# re-import them for every checkout run.
with workflow.unsafe.imports_passed_through():
    from domain.checkout import (
        BUSY,
        CANCELLABLE,
        NOT_YOURS,
        CheckoutStatus,
        Refusal,
        address_problem,
        cancel_refusal,
        closing_refusal,
        deadline_after_authorization,
        order_found,
        payment_refusal,
        submit_refusal,
        to_iso,
        transition,
    )
    from domain.money import order_total
    from domain.refusals import RefusalKind
    from domain.stock import InvalidCart, ShortLine, hold_expiry, normalise_lines
    from workflows import checkout_outcomes as outcomes
    from workflows import checkout_steps as steps
    from workflows.checkout_messages import (
        CHECKOUT_STATUS,
        CUSTOMER_ID,
        INVALID_CART,
        ORDER_FAILED,
        ORDER_ID_ATTRIBUTE,
        OUT_OF_STOCK,
        PAYMENT_DECLINED,
        UNKNOWN_ITEM,
        WORKFLOW_NAME,
        AuthorizeRequest,
        AuthorizeResult,
        BeginRequest,
        CancelRequest,
        CheckoutInput,
        CheckoutView,
        PayRequest,
        PayResult,
        PricedLine,
        ReserveRequest,
        ShippingAddress,
        SubmitOrderRequest,
        SubmitRequest,
        SubmitResult,
    )
    from workflows.checkout_steps import business_cause, refuse
    from workflows.order_handoff import hand_to_fulfilment

S = CheckoutStatus
PAYMENT_UNAVAILABLE = (
    "We could not reach the payment service. Your card was not charged; try again."
)


@workflow.defn(name=WORKFLOW_NAME)
class CheckoutWorkflow:
    @workflow.init
    def __init__(self, input: CheckoutInput) -> None:
        # Set here, not in run(): with update-with-start the begin validator may run
        # before run() does, and it needs the owner.
        self._input = input
        self._status = S.RESERVING
        # A nonsensical ttl must not wedge the workflow task; one second is "no hold".
        self._deadline: datetime = hold_expiry(workflow.now(), max(input.ttl_seconds, 1))
        self._lines: tuple[PricedLine, ...] = ()
        self._short: tuple[ShortLine, ...] = ()
        self._message: str | None = None
        self._attempt = 1
        self._payment_error: str | None = None
        self._authorization: AuthorizeResult | None = None
        # The attempt whose authorize ended without an answer (a timeout): the gateway
        # may hold money under its key, which giving back must void.
        self._unsettled_attempt: int | None = None
        self._address: ShippingAddress | None = None
        self._order_id: str | None = None
        self._cancel_requested = False
        self._changes = 0  # bumped by every change the waiting loop must look at
        self._published: tuple[str, str | None] | None = None  # (status, order id) upserted

    @workflow.run
    async def run(self, input: CheckoutInput) -> CheckoutView:
        await self._reserve()
        if self._status is S.RESERVED:
            await self._hold()
        # Let a begin/cancel that is still answering finish before the workflow closes.
        await workflow.wait_condition(workflow.all_handlers_finished)
        if self._order_id is not None:
            await hand_to_fulfilment(self._order_id, self._input.user_id)
        self._publish()
        return self.state()

    async def _reserve(self) -> None:
        try:
            lines = normalise_lines(self._input.lines)
        except InvalidCart as error:
            return self._finish(S.REJECTED, str(error))
        request = ReserveRequest(self._input.checkout_id, tuple(lines), to_iso(self._deadline))
        try:
            self._lines = (await steps.reserve(request)).lines
        except FailureError as error:
            if cause := business_cause(error, OUT_OF_STOCK):
                self._short = tuple(ShortLine.from_details(d) for d in cause.details)
                return self._finish(S.OUT_OF_STOCK, "Some items ran out since you added them.")
            if cause := business_cause(error, UNKNOWN_ITEM, INVALID_CART):
                return self._finish(S.REJECTED, cause.message)
            # An attempt that timed out may still have committed: give back whatever it held.
            await steps.release(self._input.checkout_id)
            return self._finish(
                S.FAILED, "We could not reserve your items. Nothing is held; try again."
            )
        self._set_status(S.RESERVED)

    async def _hold(self) -> None:
        """Wait for payment, cancel or the deadline; the deadline never ends a busy checkout."""
        while not self._status.is_finished:
            if self._status not in BUSY:
                if self._cancel_requested:
                    return await self._give_back(S.CANCELLED)
                if workflow.now() >= self._deadline:
                    return await self._give_back(S.EXPIRED)
            if self._status not in BUSY:  # at rest: what operators search for
                self._publish()
            seen = self._changes
            timeout = None if self._status in BUSY else self._deadline - workflow.now()
            try:
                await workflow.wait_condition(
                    lambda seen=seen: self._changes != seen, timeout=timeout
                )
            except TimeoutError:
                pass

    async def _give_back(self, status: CheckoutStatus) -> None:
        self._set_status(status)  # first: from now on every validator refuses a payment
        # Stock first, money second: the release also tells whether an order exists
        # after all (see domain.checkout.order_found), and then nothing is refunded.
        released = await steps.release(self._input.checkout_id)
        if released.order_id is not None:
            return self._order_placed(released.order_id, recovered=True)
        if self._authorization is not None:
            await steps.void_payment(self._input.checkout_id, self._authorization)
        elif self._unsettled_attempt is not None:
            await steps.void_unsettled(self._input.checkout_id, self._unsettled_attempt)

    # --- begin / state ------------------------------------------------------------------

    @workflow.update
    async def begin(self, request: BeginRequest) -> CheckoutView:
        """Answers once the reservation is decided: RESERVED (with expires_at) or OUT_OF_STOCK."""
        await workflow.wait_condition(lambda: self._status is not S.RESERVING)
        return self.state()

    @begin.validator
    def _validate_begin(self, request: BeginRequest) -> None:
        refuse(NOT_YOURS if request.user_id != self._input.user_id else None)

    @workflow.query
    def state(self) -> CheckoutView:
        auth = self._authorization
        return CheckoutView(
            checkout_id=self._input.checkout_id,
            user_id=self._input.user_id,
            status=self._status,
            expires_at=to_iso(self._deadline),
            lines=self._lines,
            total=order_total(self._lines),
            short_lines=self._short,
            order_id=self._order_id,
            payment_error=self._payment_error,
            card_brand=auth.card_brand if auth else None,
            card_last4=auth.card_last4 if auth else None,
            message=self._message,
            closing_refusal=closing_refusal(self._status),
        )

    # --- pay ----------------------------------------------------------------------------

    @workflow.update
    async def pay(self, request: PayRequest) -> PayResult:
        return await self._pay(request)

    @pay.validator
    def _validate_pay(self, request: PayRequest) -> None:
        self._check_payment(request)

    @workflow.update
    async def pay_and_submit(self, request: PayRequest) -> PayResult:
        """The payment page's one button: authorize and, if approved, place the order."""
        paid = await self._pay(request)
        if not paid.approved:
            return paid
        # A cancel that arrived while the card was being authorized wins: it voids.
        refuse(self._refusal(submit_refusal, request.user_id))
        placed = await self._place_order()
        return replace(paid, status=self._status, order_id=placed.order_id)

    @pay_and_submit.validator
    def _validate_pay_and_submit(self, request: PayRequest) -> None:
        self._check_payment(request)

    def _check_payment(self, request: PayRequest) -> None:
        refuse(self._refusal(payment_refusal, request.user_id))
        problem = address_problem(asdict(request.shipping_address))
        if problem:
            raise ApplicationError(problem, type=RefusalKind.INVALID_ADDRESS, non_retryable=True)

    def _refusal(self, rule: Callable[..., Refusal | None], caller: int) -> Refusal | None:
        """Ask a domain rule about the checkout as the shopper sees it: a requested cancel counts."""
        cancelling = self._cancel_requested and self._status in CANCELLABLE
        return rule(
            S.CANCELLED if cancelling else self._status,
            owner=self._input.user_id,
            caller=caller,
            now=workflow.now(),
            deadline=self._deadline,
        )

    async def _pay(self, request: PayRequest) -> PayResult:
        # Checked again: the hold may have ended between validation and this handler.
        refuse(self._refusal(payment_refusal, request.user_id))
        self._set_status(S.AUTHORIZING)
        self._address = request.shipping_address
        amount = order_total(self._lines)
        checkout_id = self._input.checkout_id
        try:
            auth = await steps.authorize(
                AuthorizeRequest(checkout_id, self._attempt, amount, request.payment)
            )
        except FailureError as error:
            decline = business_cause(error, PAYMENT_DECLINED)
            if decline is not None:
                outcomes.count(outcomes.DECLINED)
                self._attempt += 1  # a decline is final for its idempotency key
                self._unsettled_attempt = None
            else:
                self._unsettled_attempt = self._attempt  # retried with the same key
            details = (decline.details[0] if decline and decline.details else None) or {}
            self._payment_error = decline.message if decline else PAYMENT_UNAVAILABLE
            self._set_status(S.RESERVED)
            return PayResult(
                approved=False,
                status=self._status,
                expires_at=to_iso(self._deadline),
                decline_code=details.get("code", "processing_error"),
                message=self._payment_error,
                card_brand=details.get("brand"),
                card_last4=details.get("last4"),
            )
        self._authorization, self._payment_error = auth, None
        self._unsettled_attempt = None
        self._deadline = deadline_after_authorization(self._deadline, workflow.now())
        self._set_status(S.PAYMENT_AUTHORIZED)
        return PayResult(
            True,
            self._status,
            to_iso(self._deadline),
            card_brand=auth.card_brand,
            card_last4=auth.card_last4,
        )

    # --- submit -------------------------------------------------------------------------

    @workflow.update
    async def submit(self, request: SubmitRequest) -> SubmitResult:
        refuse(self._refusal(submit_refusal, request.user_id))
        return await self._place_order()

    @submit.validator
    def _validate_submit(self, request: SubmitRequest) -> None:
        refuse(self._refusal(submit_refusal, request.user_id))

    async def _place_order(self) -> SubmitResult:
        if self._status in (S.SUBMITTING, S.SUBMITTED):  # a repeated submit: the same order
            await workflow.wait_condition(lambda: self._status is not S.SUBMITTING)
            return self._submitted()
        assert self._authorization is not None and self._address is not None
        self._set_status(S.SUBMITTING)
        request = SubmitOrderRequest(
            checkout_id=self._input.checkout_id,
            order_id=workflow.uuid4().hex,
            user_id=self._input.user_id,
            lines=self._lines,
            shipping_address=self._address,
            authorization=self._authorization,
            ordered_at=to_iso(workflow.now()),
        )
        try:
            self._order_placed((await steps.submit_order(request)).order_id)
        except FailureError as error:
            steps.reraise_cancellation(error)
            await self._abandon_order()
        return self._submitted()

    async def _abandon_order(self) -> None:
        """The order could not be written: stock back first, then the money."""
        # Releasing first settles a race with a late attempt of submit_order: both move
        # the HELD reservations under the same row locks, so exactly one of them wins.
        released = await steps.release(self._input.checkout_id)
        if released.order_id is not None:
            return self._order_placed(released.order_id, recovered=True)
        assert self._authorization is not None
        await steps.void_payment(self._input.checkout_id, self._authorization)
        self._finish(
            S.FAILED,
            "We could not place your order. Any payment was returned and the items released.",
        )

    def _order_placed(self, order_id: str, *, recovered: bool = False) -> None:
        self._order_id = order_id
        if recovered:
            self._message = None
            return self._move(order_found(self._status))
        self._set_status(S.SUBMITTED)

    def _submitted(self) -> SubmitResult:
        if self._status is not S.SUBMITTED or self._order_id is None:
            raise ApplicationError(
                self._message or "The order was not placed.", type=ORDER_FAILED, non_retryable=True
            )
        return SubmitResult(self._order_id, order_total(self._lines))

    # --- cancel -------------------------------------------------------------------------

    @workflow.update
    async def cancel(self, request: CancelRequest) -> CheckoutView:
        """Give the stock back now (after a payment in flight settles); answers with the final state."""
        self._cancel_requested = True
        self._changes += 1
        await workflow.wait_condition(lambda: self._status.is_finished)
        return self.state()

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        refuse(cancel_refusal(self._status, owner=self._input.user_id, caller=request.user_id))

    def _set_status(self, status: CheckoutStatus) -> None:
        self._move(transition(self._status, status))

    def _move(self, status: CheckoutStatus) -> None:
        """Enter a status the domain rules already allowed."""
        outcomes.count(outcomes.outcome_of(self._status, status))
        self._status = status
        self._changes += 1

    def _publish(self) -> None:
        """Upsert the search attributes once the workflow rests (waits, or ends), not on
        every move: each upsert is a history event and a visibility write, and the
        passing statuses (RESERVING, AUTHORIZING, SUBMITTING) last one workflow task.
        A checkout stuck in one shows its pending local activity in the Web UI."""
        now = (self._status.value, self._order_id)
        if now == self._published:
            return
        attributes = [CHECKOUT_STATUS.value_set(self._status.value)]
        if self._published is None:
            attributes.append(CUSTOMER_ID.value_set(str(self._input.user_id)))
        if self._order_id is not None and (self._published or (None, None))[1] is None:
            attributes.append(ORDER_ID_ATTRIBUTE.value_set(self._order_id))
        workflow.upsert_search_attributes(attributes)
        self._published = now

    def _finish(self, status: CheckoutStatus, message: str) -> None:
        self._message = message
        self._set_status(status)
