"""Fakes for CheckoutWorkflow tests: the five checkout activities over an in-memory store.

Same activity names and message types as activities/checkout.py, same business
behaviour (all-or-nothing holds, idempotent by checkout / key, test cards), no
database. `CheckoutHarness` runs the real workflow on the time-skipping server.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

import pytest
from temporalio import activity
from temporalio.client import Client, WithStartWorkflowOperation, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import ApplicationError
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Worker

from activities.order_starter import OrderStarter
from domain.stock import Line, short_lines
from payments.sandbox import APPROVED_CARD, DECLINED_CARD, INSUFFICIENT_FUNDS_CARD
from settings import Settings
from tests.workflows.environment import (
    end_workflows,
    register_search_attributes,
    run,
    unique_task_queue,
    workflow_server,
)
from tests.workflows.fake_fulfilment import HandedToFulfilment
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import (
    AUTHORIZE_PAYMENT,
    OUT_OF_STOCK,
    PAYMENT_DECLINED,
    RELEASE,
    RESERVE,
    SUBMIT_ORDER,
    UNKNOWN_ITEM,
    VOID_PAYMENT,
    VOID_UNSETTLED_PAYMENT,
    AuthorizeRequest,
    AuthorizeResult,
    BeginRequest,
    CancelRequest,
    CheckoutInput,
    CheckoutView,
    PaymentMethod,
    PayRequest,
    PricedLine,
    ReleaseRequest,
    ReleaseResult,
    ReserveRequest,
    ReserveResult,
    ShippingAddress,
    SubmitOrderRequest,
    SubmitOrderResult,
    VoidPaymentRequest,
    VoidPaymentResult,
    VoidUnsettledRequest,
    checkout_workflow_id,
)
from workflows.order_messages import order_workflow_id

T = TypeVar("T")

TASK_QUEUE = "checkout-test"
PRICES = {1: 1_999, 2: 4_550, 3: 125_000}
ADDRESS = ShippingAddress("Ada Shopper", "1 Main St", "Seattle", "98101", "US")
DECLINES = {DECLINED_CARD: "card_declined", INSUFFICIENT_FUNDS_CARD: "insufficient_funds"}


ADA, BOB = 101, 202  # two shoppers


def run_scenario(scenario: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a test's `async def scenario()` on the session's loop and test server."""
    return run(scenario())


def update_error(failure: pytest.ExceptionInfo) -> ApplicationError:
    """The business error a refused update carries (its type and message)."""
    cause = failure.value.cause
    assert isinstance(cause, ApplicationError), cause
    return cause


def card(number: str = APPROVED_CARD) -> PaymentMethod:
    """The fake vault's token names the test card, so the fake gateway knows its outcome."""
    return PaymentMethod(f"pm_test_{number}", "visa", number[-4:])


def pay_request(user_id: int, number: str = APPROVED_CARD) -> PayRequest:
    return PayRequest(user_id, card(number), ADDRESS)


@dataclass
class FakeStore:
    """Stock, holds, charges and orders the fake activities keep, plus switches to misbehave."""

    stock: dict[int, int]
    held: dict[str, dict[int, int]] = field(default_factory=dict)  # checkout -> item -> qty
    released: dict[str, dict[int, int]] = field(default_factory=dict)
    consumed: dict[str, dict[int, int]] = field(default_factory=dict)
    charges: dict[str, dict] = field(default_factory=dict)  # idempotency key -> charge
    orders: dict[str, str] = field(default_factory=dict)  # checkout -> order id
    calls: list[str] = field(default_factory=list)
    fail_first_reserve_after_commit: bool = False
    fail_order_write: bool = False
    fail_order_write_after_commit: bool = False  # the order is written, the answer an error
    fail_reserve: bool = False  # the database is gone: nothing held, no business answer
    lose_authorize_answers: bool = False  # the gateway holds the money, the answer is lost
    authorize_gate: asyncio.Event | None = None
    release_gate: asyncio.Event | None = None
    # Set when authorize / submit_order begins: a race test waits on it, never on a sleep.
    authorize_entered: asyncio.Event = field(default_factory=asyncio.Event)
    submit_entered: asyncio.Event = field(default_factory=asyncio.Event)
    submit_gate: asyncio.Event | None = None

    def charge_statuses(self) -> list[str]:
        return [c["status"] for c in self.charges.values()]

    def activities(self) -> list:
        @activity.defn(name=RESERVE)
        async def reserve(request: ReserveRequest) -> ReserveResult:
            self.calls.append("reserve")
            lines = list(request.lines)
            if self.fail_reserve:
                raise ApplicationError("database is gone", type="Outage", non_retryable=True)
            unknown = [line.item_id for line in lines if line.item_id not in PRICES]
            if unknown:
                raise ApplicationError(
                    f"no such item: {unknown}", *unknown, type=UNKNOWN_ITEM, non_retryable=True
                )
            if request.checkout_id not in self.held:
                short = short_lines(lines, self.stock)
                if short:
                    raise ApplicationError(
                        "short",
                        *[s.as_details() for s in short],
                        type=OUT_OF_STOCK,
                        non_retryable=True,
                    )
                for line in lines:
                    self.stock[line.item_id] -= line.quantity
                self.held[request.checkout_id] = {line.item_id: line.quantity for line in lines}
                if self.fail_first_reserve_after_commit:
                    self.fail_first_reserve_after_commit = False
                    raise RuntimeError("connection lost after COMMIT")
            held = self.held[request.checkout_id]
            return ReserveResult(
                request.checkout_id,
                tuple(PricedLine(i, q, PRICES[i], f"Item {i}") for i, q in sorted(held.items())),
            )

        @activity.defn(name=RELEASE)
        async def release(request: ReleaseRequest) -> ReleaseResult:
            self.calls.append("release")
            if self.release_gate is not None:
                await self.release_gate.wait()
            held = self.held.pop(request.checkout_id, {})
            for item_id, quantity in held.items():
                self.stock[item_id] += quantity
            self.released.setdefault(request.checkout_id, {}).update(held)
            return ReleaseResult(
                tuple(Line(i, q) for i, q in sorted(held.items())),
                self.orders.get(request.checkout_id),
            )

        @activity.defn(name=AUTHORIZE_PAYMENT)
        async def authorize(request: AuthorizeRequest) -> AuthorizeResult:
            self.calls.append("authorize")
            self.authorize_entered.set()
            if self.authorize_gate is not None:
                await self.authorize_gate.wait()
            key = f"{request.checkout_id}:pay:{request.attempt}"
            number = request.payment.payment_method_id.removeprefix("pm_test_")
            charge = self.charges.setdefault(
                key,
                {
                    "id": f"ch_{uuid.uuid4().hex}",
                    "status": "DECLINED" if number in DECLINES else "AUTHORIZED",
                    "code": DECLINES.get(number),
                    "amount": request.amount,
                },
            )
            if self.lose_authorize_answers:
                raise ApplicationError(
                    "gateway timed out", type="GatewayTimeout", non_retryable=True
                )
            if charge["status"] == "DECLINED":
                raise ApplicationError(
                    "Your card was declined. Try another card.",
                    {"code": charge["code"], "brand": "visa", "last4": number[-4:]},
                    type=PAYMENT_DECLINED,
                    non_retryable=True,
                )
            return AuthorizeResult(charge["id"], request.amount, "visa", number[-4:])

        @activity.defn(name=SUBMIT_ORDER)
        async def submit_order(request: SubmitOrderRequest) -> SubmitOrderResult:
            self.calls.append("submit_order")
            self.submit_entered.set()
            if self.submit_gate is not None:
                await self.submit_gate.wait()
            self._charge(request.authorization.authorization_id)["status"] = "CAPTURED"
            if self.fail_order_write:
                raise ApplicationError(
                    "database is gone", type="OrderWriteFailed", non_retryable=True
                )
            if request.checkout_id not in self.orders:
                self.consumed[request.checkout_id] = self.held.pop(request.checkout_id)
                self.orders[request.checkout_id] = request.order_id
            if self.fail_order_write_after_commit:
                raise ApplicationError(
                    "connection lost after COMMIT", type="OrderWriteFailed", non_retryable=True
                )
            total = sum(line.unit_price * line.quantity for line in request.lines)
            return SubmitOrderResult(self.orders[request.checkout_id], total, True)

        @activity.defn(name=VOID_PAYMENT)
        async def void_payment(request: VoidPaymentRequest) -> VoidPaymentResult:
            self.calls.append("void_payment")
            charge = self._charge(request.authorization_id)
            charge["status"] = "REFUNDED" if charge["status"] == "CAPTURED" else "VOIDED"
            return VoidPaymentResult(charge["status"])

        @activity.defn(name=VOID_UNSETTLED_PAYMENT)
        async def void_unsettled(request: VoidUnsettledRequest) -> VoidPaymentResult:
            self.calls.append("void_unsettled")
            charge = self.charges.get(f"{request.checkout_id}:pay:{request.attempt}")
            if charge is None or charge["status"] != "AUTHORIZED":
                return VoidPaymentResult("NONE")
            charge["status"] = "VOIDED"
            return VoidPaymentResult("VOIDED")

        return [reserve, release, authorize, submit_order, void_payment, void_unsettled]

    def _charge(self, charge_id: str) -> dict:
        return next(c for c in self.charges.values() if c["id"] == charge_id)


# The hold as production configures it (no RESERVATION_TTL_SECONDS set): what the
# web's BEGIN passes to every checkout (web/services.py), and what these tests hold for.
PRODUCTION_HOLD_SECONDS = Settings.from_env({}).reservation_ttl_seconds


@dataclass
class CheckoutHarness:
    env: WorkflowEnvironment
    store: FakeStore
    task_queue: str = TASK_QUEUE
    # Checkout workflow ids this harness began (ended when it closes: ids repeat).
    begun: list[str] = field(default_factory=list)

    @property
    def client(self) -> Client:
        return self.env.client

    async def begin(
        self,
        user_id: int,
        lines: dict[int, int],
        *,
        ttl_seconds: int = PRODUCTION_HOLD_SECONDS,
        checkout_id: str | None = None,
        task_timeout: timedelta | None = None,
    ) -> CheckoutView:
        """What the web layer's BEGIN does: update-with-start, USE_EXISTING."""
        start = WithStartWorkflowOperation(
            CheckoutWorkflow.run,
            CheckoutInput(
                checkout_id or uuid.uuid4().hex,
                user_id,
                tuple(Line(i, q) for i, q in lines.items()),
                ttl_seconds,
            ),
            id=checkout_workflow_id(user_id),
            task_queue=self.task_queue,
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_timeout=task_timeout,
        )
        self.begun.append(checkout_workflow_id(user_id))
        return await self.client.execute_update_with_start_workflow(
            CheckoutWorkflow.begin, BeginRequest(user_id), start_workflow_operation=start
        )

    def handle(self, user_id: int) -> WorkflowHandle[CheckoutWorkflow, CheckoutView]:
        return self.client.get_workflow_handle_for(
            CheckoutWorkflow.run, checkout_workflow_id(user_id)
        )


__all__ = ["register_search_attributes"]  # kept importable from here


@asynccontextmanager
async def checkout_harness(
    store: FakeStore, *, real_time: bool = False
) -> AsyncIterator[CheckoutHarness]:
    """The real CheckoutWorkflow on the session's test server (tests/workflows/environment.py),
    on a task queue of its own. `real_time`: the real dev server, for scenarios the
    time-skipping server mishandles (it rejects a workflow task that accepts an update
    while a timer fired during a local activity: "invalid history builder state for
    action")."""
    task_queue = unique_task_queue(TASK_QUEUE)
    async with workflow_server(real_time=real_time) as env:
        harness = CheckoutHarness(env, store, task_queue)
        try:
            async with Worker(
                env.client,
                task_queue=task_queue,
                workflows=[CheckoutWorkflow, HandedToFulfilment],
                # The real starter: it starts the stand-in OrderWorkflow on this server.
                activities=[
                    *store.activities(),
                    *OrderStarter(env.client, task_queue).activities(),
                ],
            ):
                yield harness
        finally:
            handed = [order_workflow_id(order_id) for order_id in store.orders.values()]
            await end_workflows(env.client, [*harness.begun, *handed])


def pay_then_cancel(store: FakeStore) -> CheckoutView:
    """ADA begins for one unit of item 1, pays, then cancels: the final state."""

    async def scenario():
        async with checkout_harness(store) as h:
            await h.begin(ADA, {1: 1})
            await h.handle(ADA).execute_update(CheckoutWorkflow.pay, pay_request(ADA))
            return await h.handle(ADA).execute_update(CheckoutWorkflow.cancel, CancelRequest(ADA))

    return run_scenario(scenario)
