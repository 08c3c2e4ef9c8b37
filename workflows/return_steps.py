"""The activity calls ReturnWorkflow makes (workflow code): each a regular activity,
retried until it works (each is idempotent by the return id); a business failure
(a non-retryable ApplicationError) ends the call at once."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

from workflows.return_messages import (
    CLOSE_RETURN,
    MARK_RECEIVED,
    REFUND_RETURN,
    RESTOCK_RETURN,
    CloseReturnRequest,
    RefundReturnResult,
    ReturnRequest,
    ReturnStepResult,
)

_PATIENT = RetryPolicy(
    initial_interval=timedelta(milliseconds=200), maximum_interval=timedelta(seconds=30)
)
ATTEMPT_TIMEOUT = timedelta(seconds=30)  # the refund waits on the gateway


async def _call(name: str, request: object, result_type: type):
    return await workflow.execute_activity(
        name,
        request,
        result_type=result_type,
        start_to_close_timeout=ATTEMPT_TIMEOUT,
        retry_policy=_PATIENT,
    )


async def mark_received(return_id: str) -> ReturnStepResult:
    return await _call(MARK_RECEIVED, ReturnRequest(return_id), ReturnStepResult)


async def refund(return_id: str) -> RefundReturnResult:
    return await _call(REFUND_RETURN, ReturnRequest(return_id), RefundReturnResult)


async def restock(return_id: str) -> ReturnStepResult:
    return await _call(RESTOCK_RETURN, ReturnRequest(return_id), ReturnStepResult)


async def close(return_id: str, status: str, detail: str = "") -> ReturnStepResult:
    return await _call(
        CLOSE_RETURN, CloseReturnRequest(return_id, status, detail), ReturnStepResult
    )
