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


async def reserve(request: ReserveRequest) -> ReserveResult:
    return await workflow.execute_local_activity(
        RESERVE,
        request,
        result_type=ReserveResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        schedule_to_close_timeout=SHOPPER_WAITING,
        retry_policy=_QUICK,
    )


async def authorize(request: AuthorizeRequest) -> AuthorizeResult:
    return await workflow.execute_local_activity(
        AUTHORIZE_PAYMENT,
        request,
        result_type=AuthorizeResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        schedule_to_close_timeout=SHOPPER_WAITING,
        retry_policy=_QUICK,
    )


async def submit_order(request: SubmitOrderRequest) -> SubmitOrderResult:
    return await workflow.execute_local_activity(
        SUBMIT_ORDER,
        request,
        result_type=SubmitOrderResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        schedule_to_close_timeout=ORDER_WRITE_PATIENCE,
        retry_policy=_PATIENT,
    )


# Compensations must eventually happen: retried until they do.


async def release(checkout_id: str) -> ReleaseResult:
    return await workflow.execute_local_activity(
        RELEASE,
        ReleaseRequest(checkout_id),
        result_type=ReleaseResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        retry_policy=_PATIENT,
    )


async def void_payment(checkout_id: str, auth: AuthorizeResult) -> VoidPaymentResult:
    return await workflow.execute_local_activity(
        VOID_PAYMENT,
        VoidPaymentRequest(checkout_id, auth.authorization_id, auth.amount),
        result_type=VoidPaymentResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        retry_policy=_PATIENT,
    )


async def void_unsettled(checkout_id: str, attempt: int) -> VoidPaymentResult:
    """Void the hold an authorize whose answer never came may have left (none: a no-op)."""
    return await workflow.execute_local_activity(
        VOID_UNSETTLED_PAYMENT,
        VoidUnsettledRequest(checkout_id, attempt),
        result_type=VoidPaymentResult,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        retry_policy=_PATIENT,
    )
