"""The web side of CheckoutWorkflow: begin, read, pay, submit and cancel as plain calls.

The `CheckoutClient` port of web/checkout/use_cases.py: `TemporalCheckouts` (built
once in web/services.py) takes the signed-in shopper's id and gives the workflow's own
answers back (CheckoutView, PayResult, SubmitResult), or CheckoutNotFound /
CheckoutRefused / CheckoutUnavailable (web/checkout_errors.py). A run that has ended
is refused with the closing refusal its final view carries.

One workflow id per shopper (`checkout-<userID>`) and one run per checkout. The run of
every checkout begun here is noted in Redis, so a checkout that ended and was followed
by a newer one is still found, and refused with its own reason (409) instead of a 404.
Without the note (Redis flushed or down) the shopper's latest run is used, pinned by
its run id, and only if it is that very checkout: a pay meant for an old checkout must
never land on the new one.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import redis
from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import (
    SearchAttributePair,
    TypedSearchAttributes,
    WorkflowIDConflictPolicy,
)
from temporalio.service import RPCError, RPCStatusCode

from domain.checkout import CheckoutStatus, replaced_by_new_cart
from domain.refusals import Refusal, RefusalKind
from domain.stock import Line
from web.checkout.use_cases import Begun
from web.checkout_answers import order_already_placed
from web.checkout_errors import STILL_WORKING, CheckoutNotFound, CheckoutUnavailable, refused
from web.temporal_gateway import (
    TemporalGateway,
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    is_closed,
    temporal_call,
)
from workflows.checkout import CheckoutWorkflow
from workflows.checkout_messages import (
    CHECKOUT_ID_ATTRIBUTE,
    BeginRequest,
    CancelRequest,
    CheckoutInput,
    CheckoutView,
    PayRequest,
    PayResult,
    SubmitRequest,
    SubmitResult,
    checkout_workflow_id,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

RUN_KEY = "checkout:run:{}"
RUN_TTL_SECONDS = 7 * 86_400  # longer than any checkout is worth looking up
# A shopper waits on each of these; the workflow's own activity timeouts are shorter
# (30 s to reserve or authorize), so these only trip when Temporal itself is stuck.
QUERY_TIMEOUT = 10.0
BEGIN_TIMEOUT = 40.0
PAY_TIMEOUT = 45.0
ORDER_TIMEOUT = 60.0
# The previous checkout finished a moment ago but its run is still closing: try again.
BEGIN_ATTEMPTS = 5


class TemporalCheckouts:
    """The `CheckoutClient` port (web/checkout/use_cases.py) on Temporal."""

    def __init__(
        self,
        gateway: TemporalGateway | None,
        redis_client: redis.Redis,
        task_queue: str,
        ttl_seconds: int,
    ) -> None:
        self._gateway = gateway
        self._redis = redis_client
        self._task_queue = task_queue
        self._ttl_seconds = ttl_seconds

    # --- begin ----------------------------------------------------------------------

    def begin(self, user_id: int, lines: Sequence[Line]) -> Begun:
        """Hold `lines` (or answer with the checkout already running): update-with-start.

        A running checkout that holds another cart and has no payment in it is cancelled
        and the new cart held instead (domain.checkout.replaced_by_new_cart).
        """

        async def run(client: Client) -> tuple[CheckoutView, str | None, bool]:
            for attempt in range(BEGIN_ATTEMPTS):
                checkout_id = uuid.uuid4().hex
                start = WithStartWorkflowOperation(
                    CheckoutWorkflow.run,
                    CheckoutInput(checkout_id, user_id, tuple(lines), self._ttl_seconds),
                    id=checkout_workflow_id(user_id),
                    task_queue=self._task_queue,
                    # A double click (or a second tab) joins the running checkout.
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                    # How the hold sweeper tells a live checkout from a closed one.
                    search_attributes=TypedSearchAttributes(
                        [SearchAttributePair(CHECKOUT_ID_ATTRIBUTE, checkout_id)]
                    ),
                )
                try:
                    view = await client.execute_update_with_start_workflow(
                        CheckoutWorkflow.begin,
                        BeginRequest(user_id),
                        start_workflow_operation=start,
                    )
                except RPCError as error:
                    if not is_closed(error) or attempt == BEGIN_ATTEMPTS - 1:
                        raise
                else:
                    joined = view.checkout_id != checkout_id
                    if joined and replaced_by_new_cart(view.status, view.lines, lines):
                        if await self._cancelled_for_new_cart(client, user_id):
                            continue  # the next attempt holds the cart as it is now
                    if not joined or not view.status.is_finished:
                        handle = await start.workflow_handle()
                        return view, handle.first_execution_run_id, not joined
                await asyncio.sleep(0.05 * 2**attempt)
            raise CheckoutUnavailable()

        view, run_id, new = self._call(run, BEGIN_TIMEOUT)
        if run_id:
            self._remember(view.checkout_id, user_id, run_id)
        return Begun(view, new)

    @staticmethod
    async def _cancelled_for_new_cart(client: Client, user_id: int) -> bool:
        """Give back what the running checkout holds so the new cart can be held.

        False when it can no longer be cancelled (a payment began meanwhile): BEGIN then
        answers with that checkout as it is.
        """
        handle = client.get_workflow_handle(checkout_workflow_id(user_id))
        try:
            await handle.execute_update(CheckoutWorkflow.cancel, CancelRequest(user_id))
        except WorkflowUpdateFailedError:
            return False
        except RPCError as error:
            if not is_closed(error):
                raise
        return True

    # --- read -----------------------------------------------------------------------

    def current(self, user_id: int) -> CheckoutView | None:
        """The shopper's open checkout, or None: the running run of `checkout-<userID>`.

        One workflow id per shopper, so "my checkout" (SUBMIT or CANCEL without an id)
        needs no lookup table. A run that is closing (its state already finished) is
        not open any more.
        """

        async def run(client: Client) -> CheckoutView | None:
            try:
                latest = await client.get_workflow_handle(checkout_workflow_id(user_id)).describe()
            except RPCError as error:
                if error.status is RPCStatusCode.NOT_FOUND:
                    return None  # this shopper never began a checkout
                raise
            if latest.status is not WorkflowExecutionStatus.RUNNING:
                return None
            handle = client.get_workflow_handle(latest.id, run_id=latest.run_id)
            view: CheckoutView = await handle.query(CheckoutWorkflow.state)
            return None if view.status.is_finished or view.user_id != user_id else view

        return self._call(run, QUERY_TIMEOUT)

    def state(self, user_id: int, checkout_id: str) -> CheckoutView:
        run_id = self._noted_run(user_id, checkout_id)

        async def run(client: Client) -> CheckoutView:
            handle = await self._handle(client, user_id, checkout_id, run_id)
            return await handle.query(CheckoutWorkflow.state)

        view = self._call(run, QUERY_TIMEOUT)
        if view.checkout_id != checkout_id or view.user_id != user_id:
            raise CheckoutNotFound()
        return view

    # --- pay / submit / cancel ------------------------------------------------------

    def pay(
        self, user_id: int, checkout_id: str, request: PayRequest, *, place_order: bool
    ) -> PayResult:
        """Authorize the card; with `place_order` also write the order (one round trip)."""
        update = CheckoutWorkflow.pay_and_submit if place_order else CheckoutWorkflow.pay

        def closed(view: CheckoutView) -> PayResult:
            placed = order_already_placed(view) if place_order else None
            if placed is None:
                raise _closed_refusal(view)
            return placed

        timeout = ORDER_TIMEOUT if place_order else PAY_TIMEOUT
        return self._update(user_id, checkout_id, update, request, closed, timeout)

    def submit(self, user_id: int, checkout_id: str) -> SubmitResult:
        def closed(view: CheckoutView) -> SubmitResult:
            if view.status is CheckoutStatus.SUBMITTED and view.order_id:
                return SubmitResult(view.order_id, view.total)  # submitting twice: same order
            raise _closed_refusal(view)

        return self._update(
            user_id,
            checkout_id,
            CheckoutWorkflow.submit,
            SubmitRequest(user_id),
            closed,
            ORDER_TIMEOUT,
        )

    def cancel(self, user_id: int, checkout_id: str) -> CheckoutView:
        def closed(view: CheckoutView) -> CheckoutView:
            if view.status is CheckoutStatus.CANCELLED:
                return view  # cancelling twice is fine
            raise _closed_refusal(view)

        return self._update(
            user_id,
            checkout_id,
            CheckoutWorkflow.cancel,
            CancelRequest(user_id),
            closed,
            PAY_TIMEOUT,
        )

    # --- plumbing -------------------------------------------------------------------

    def _update(
        self,
        user_id: int,
        checkout_id: str,
        update: Callable,
        argument: Any,
        on_closed: Callable[[CheckoutView], T],
        timeout: float,
    ) -> T:
        run_id = self._noted_run(user_id, checkout_id)

        async def run(client: Client) -> T | CheckoutView:
            handle = await self._handle(client, user_id, checkout_id, run_id)
            try:
                return await handle.execute_update(update, argument)
            except RPCError as error:
                if not is_closed(error):
                    raise
            # The run already ended: its final state says why (or repeats the answer).
            return await handle.query(CheckoutWorkflow.state)

        answer = self._call(run, timeout)
        if isinstance(answer, CheckoutView):
            if answer.checkout_id != checkout_id:
                raise CheckoutNotFound()
            return on_closed(answer)
        return answer

    async def _handle(
        self, client: Client, user_id: int, checkout_id: str, run_id: str | None
    ) -> WorkflowHandle:
        """This checkout's run. Without a note, the latest run if it is this checkout."""
        workflow_id = checkout_workflow_id(user_id)
        if run_id:
            return client.get_workflow_handle(workflow_id, run_id=run_id)
        latest = await client.get_workflow_handle(workflow_id).describe()
        handle = client.get_workflow_handle(workflow_id, run_id=latest.run_id)
        view: CheckoutView = await handle.query(CheckoutWorkflow.state)
        if view.checkout_id != checkout_id:
            raise CheckoutNotFound()
        return handle

    def _call(self, make: Callable[[Client], Awaitable[T]], timeout: float) -> T:
        """The checkout's reading of web/temporal_gateway.py's outcomes."""
        try:
            return temporal_call(self._gateway, make, timeout=timeout, what="checkout")
        except WorkflowRefused as refusal:
            kind = RefusalKind.parse(refusal.kind) or RefusalKind.CHECKOUT_FAILED
            raise refused(Refusal(kind, refusal.message)) from refusal
        except (WorkflowNotFound, WorkflowClosed) as error:
            raise CheckoutNotFound() from error  # no such workflow (or run) at all
        except TemporalUnavailable as error:
            raise CheckoutUnavailable(
                description=STILL_WORKING if error.still_working else None
            ) from error

    def _remember(self, checkout_id: str, user_id: int, run_id: str) -> None:
        try:
            self._redis.set(RUN_KEY.format(checkout_id), f"{user_id}:{run_id}", ex=RUN_TTL_SECONDS)
        except redis.RedisError as error:  # the latest-run fallback still finds it
            log.warning("checkout: could not note the run of %s: %s", checkout_id, error)

    def _noted_run(self, user_id: int, checkout_id: str) -> str | None:
        try:
            noted = self._redis.get(RUN_KEY.format(checkout_id))
        except redis.RedisError:
            return None
        if noted is None:
            return None
        owner, _, run_id = noted.decode().partition(":")
        if owner != str(user_id):
            raise CheckoutNotFound()  # someone else's checkout: indistinguishable from none
        return run_id or None


def _closed_refusal(view: CheckoutView) -> Exception:
    """What the run said when it closed (web never works it out again from its own clock)."""
    return refused(
        view.closing_refusal
        or Refusal(RefusalKind.CHECKOUT_FAILED, "This checkout is already over.")
    )
