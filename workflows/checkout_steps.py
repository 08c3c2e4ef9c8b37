"""The activity calls CheckoutWorkflow makes, with their timeouts and retry policies.

Workflow code (deterministic): it only schedules local activities by name. Kept apart
so the workflow module reads as the checkout's story, not its plumbing.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError, CancelledError, FailureError

from domain.checkout import Refusal
from workflows.checkout_messages import (
    AUTHORIZE_PAYMENT,
    RELEASE,
    RESERVE,
    SUBMIT_ORDER,
    VOID_PAYMENT,
    VOID_UNSETTLED_PAYMENT,
    AuthorizeRequest,
    AuthorizeResult,
    ReleaseRequest,
    ReleaseResult,
    ReserveRequest,
    ReserveResult,
    SubmitOrderRequest,
    SubmitOrderResult,
    VoidPaymentRequest,
    VoidPaymentResult,
    VoidUnsettledRequest,
)
from workflows.order_messages import START_ORDER, StartOrderRequest, StartOrderResult

_QUICK = RetryPolicy(
    initial_interval=timedelta(milliseconds=100), maximum_interval=timedelta(seconds=2)
)
_PATIENT = RetryPolicy(
    initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=30)
)
# A shopper is waiting on BEGIN and on the payment page: give up after half a minute.
SHOPPER_WAITING = timedelta(seconds=30)
# Capture + order write rides out a short database outage before the workflow gives
# the money and the stock back.
ORDER_WRITE_PATIENCE = timedelta(minutes=2)
ATTEMPT_TIMEOUT = timedelta(seconds=10)


def refuse(refusal: Refusal | None) -> None:
    """Turn a domain refusal into the error an update's caller receives."""
    if refusal is not None:
        raise ApplicationError(refusal.message, type=refusal.kind, non_retryable=True)


def reraise_cancellation(error: FailureError) -> None:
    """A workflow being cancelled surfaces as a failure too; that one is not ours to handle."""
    if isinstance(error, CancelledError):
        raise error


def business_cause(error: FailureError, *kinds: str) -> ApplicationError | None:
    """The activity's business failure of one of these types, or None for a technical one.

    A local activity's failure arrives either as an ActivityError wrapping the
    ApplicationError or as the ApplicationError itself: look through the chain.
    """
    reraise_cancellation(error)
    found: BaseException | None = error
    while isinstance(found, FailureError):
        if isinstance(found, ApplicationError) and found.type in kinds:
            return found
        found = found.cause
    return None


async def _while_the_shopper_waits(name: str, request: object, result_type: type):
    return await workflow.execute_local_activity(
        name,
        request,
        result_type=result_type,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        schedule_to_close_timeout=SHOPPER_WAITING,
        retry_policy=_QUICK,
    )


async def _until_done(name: str, request: object, result_type: type):
    """Compensations must eventually happen: retried until they do."""
    return await workflow.execute_local_activity(
        name,
        request,
        result_type=result_type,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        retry_policy=_PATIENT,
    )


async def reserve(request: ReserveRequest) -> ReserveResult:
    return await _while_the_shopper_waits(RESERVE, request, ReserveResult)


async def authorize(request: AuthorizeRequest) -> AuthorizeResult:
    return await _while_the_shopper_waits(AUTHORIZE_PAYMENT, request, AuthorizeResult)


async def submit_order(request: SubmitOrderRequest) -> SubmitOrderResult:
    return await workflow.execute_local_activity(
        SUBMIT_ORDER,
        request,
        result_type=SubmitOrderResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        schedule_to_close_timeout=ORDER_WRITE_PATIENCE,
        retry_policy=_PATIENT,
    )


async def release(checkout_id: str) -> ReleaseResult:
    return await _until_done(RELEASE, ReleaseRequest(checkout_id), ReleaseResult)


async def void_payment(checkout_id: str, auth: AuthorizeResult) -> VoidPaymentResult:
    request = VoidPaymentRequest(checkout_id, auth.authorization_id, auth.amount)
    return await _until_done(VOID_PAYMENT, request, VoidPaymentResult)


async def void_unsettled(checkout_id: str, attempt: int) -> VoidPaymentResult:
    """Void the hold an authorize whose answer never came may have left (none: a no-op)."""
    request = VoidUnsettledRequest(checkout_id, attempt)
    return await _until_done(VOID_UNSETTLED_PAYMENT, request, VoidPaymentResult)


async def start_order(order_id: str, user_id: int) -> StartOrderResult:
    """Hand a written order to its OrderWorkflow; retried until it is started (or found)."""
    return await _until_done(START_ORDER, StartOrderRequest(order_id, user_id), StartOrderResult)
