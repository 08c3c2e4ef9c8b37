"""The activity calls OrderWorkflow and SuborderWorkflow make (workflow code).

The steps every order takes at once (plan, assign, notify) run as local activities:
they happen on every order, right behind checkout, and each regular activity costs a
task-queue round trip and another workflow task (bench.checkout: see
docs/benchmarks.md). Their retries show in the Web UI as a pending local activity on
the workflow. The rare, slow-moving steps (ship, deliver, cancel, refund) stay
regular activities, each visible in the history with its own attempts.

Business failures (non-retryable ApplicationErrors) end a call at once; anything
else is retried until it works, because every step is idempotent by its key.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from domain.stock import Line
from workflows.order_messages import (
    ASSIGN,
    CANCEL_ORDER,
    CANCEL_SUBORDER,
    CANCEL_UNSHIPPED,
    MARK_DELIVERED,
    MARK_SHIPPED,
    NOTIFY_WAREHOUSE,
    PLAN,
    REFUND_ORDER,
    REFUND_UNSHIPPED,
    SET_ORDER_STATUS,
    AssignRequest,
    AssignResult,
    CancelOrderRequest,
    CancelOrderResult,
    CancelUnshippedRequest,
    CancelUnshippedResult,
    NotifyRequest,
    NotifyResult,
    PlanRequest,
    PlanResult,
    RefundOrderRequest,
    RefundOrderResult,
    RefundUnshippedRequest,
    SetOrderStatusRequest,
    SetOrderStatusResult,
    SuborderRequest,
    SuborderResult,
)

_PATIENT = RetryPolicy(
    initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=30)
)
# Each step is one short transaction or Redis call; a worker that died mid-call is
# noticed this long after it took the task, and the step runs again elsewhere.
ATTEMPT_TIMEOUT = timedelta(seconds=10)


async def _call(name: str, request: object, result_type: type, *, local: bool = False):
    if local:
        return await workflow.execute_local_activity(
            name,
            request,
            result_type=result_type,
            start_to_close_timeout=ATTEMPT_TIMEOUT,
            retry_policy=_PATIENT,
        )
    return await workflow.execute_activity(
        name,
        request,
        result_type=result_type,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        retry_policy=_PATIENT,
    )


async def plan(order_id: str, strategy: str, lines: tuple[Line, ...] = ()) -> PlanResult:
    return await _call(PLAN, PlanRequest(order_id, strategy, lines), PlanResult, local=True)


async def assign(request: AssignRequest) -> AssignResult:
    return await _call(ASSIGN, request, AssignResult, local=True)


async def notify_warehouse(request: NotifyRequest) -> NotifyResult:
    return await _call(NOTIFY_WAREHOUSE, request, NotifyResult, local=True)


async def mark_shipped(suborder_id: str) -> SuborderResult:
    return await _call(MARK_SHIPPED, SuborderRequest(suborder_id), SuborderResult)


async def mark_delivered(suborder_id: str) -> SuborderResult:
    return await _call(MARK_DELIVERED, SuborderRequest(suborder_id), SuborderResult)


async def cancel_suborder(suborder_id: str) -> SuborderResult:
    return await _call(CANCEL_SUBORDER, SuborderRequest(suborder_id), SuborderResult)


async def cancel_order(order_id: str, reason: str = "") -> CancelOrderResult:
    return await _call(CANCEL_ORDER, CancelOrderRequest(order_id, reason), CancelOrderResult)


async def cancel_unshipped(order_id: str) -> CancelUnshippedResult:
    return await _call(CANCEL_UNSHIPPED, CancelUnshippedRequest(order_id), CancelUnshippedResult)


async def set_order_status(
    order_id: str, status: str, event: str, detail: str = ""
) -> SetOrderStatusResult:
    return await _call(
        SET_ORDER_STATUS,
        SetOrderStatusRequest(order_id, status, event, detail),
        SetOrderStatusResult,
    )


async def refund_order(order_id: str) -> RefundOrderResult:
    return await _call(REFUND_ORDER, RefundOrderRequest(order_id), RefundOrderResult)


async def refund_unshipped(order_id: str) -> RefundOrderResult:
    return await _call(REFUND_UNSHIPPED, RefundUnshippedRequest(order_id), RefundOrderResult)
