"""Whatever a view asks of Temporal, it hears one of five answers: the result, closed,
refused, unavailable or not found (web/temporal_gateway.py)."""

from __future__ import annotations

import pytest
from temporalio.client import RPCTimeoutOrCancelledError, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from web.temporal_gateway import (
    TemporalUnavailable,
    WorkflowClosed,
    WorkflowNotFound,
    WorkflowRefused,
    temporal_call,
)

pytestmark = pytest.mark.unit


class Gateway:
    """Stands in for TemporalGateway: answers every call with `outcome`."""

    def __init__(self, outcome: object) -> None:
        self.outcome = outcome

    def call(self, make, *, timeout):
        if isinstance(self.outcome, BaseException):
            raise self.outcome
        return self.outcome


def ask(outcome: object):
    return temporal_call(Gateway(outcome), lambda client: None, timeout=1, what="test")


def not_found(message: str) -> RPCError:
    return RPCError(message, RPCStatusCode.NOT_FOUND, b"")


def test_an_answer_comes_back_as_it_is():
    assert ask({"status": "RESERVED"}) == {"status": "RESERVED"}


def test_a_workflow_that_says_no_is_a_refusal_with_its_reason():
    said_no = WorkflowUpdateFailedError(ApplicationError("Too late.", type="Expired"))

    with pytest.raises(WorkflowRefused) as refused:
        ask(said_no)

    assert (refused.value.kind, refused.value.message) == ("Expired", "Too late.")


def test_an_update_that_failed_without_a_reason_is_unavailable_not_a_refusal():
    with pytest.raises(TemporalUnavailable) as unavailable:
        ask(WorkflowUpdateFailedError(RuntimeError("worker crashed")))
    assert not unavailable.value.still_working


def test_a_run_that_already_ended_is_closed_and_one_never_started_is_not_found():
    with pytest.raises(WorkflowClosed):
        ask(not_found("workflow execution already completed"))
    with pytest.raises(WorkflowClosed):
        ask(not_found("update aborted by closing workflow"))
    with pytest.raises(WorkflowNotFound):
        ask(not_found("workflow not found for ID: checkout-7"))


def test_a_slow_answer_is_unavailable_but_may_still_take_effect():
    for slow in (TimeoutError(), RPCTimeoutOrCancelledError("deadline")):
        with pytest.raises(TemporalUnavailable) as unavailable:
            ask(slow)
        assert unavailable.value.still_working


def test_a_server_error_or_no_temporal_at_all_is_unavailable():
    with pytest.raises(TemporalUnavailable):
        ask(RPCError("boom", RPCStatusCode.INTERNAL, b""))
    with pytest.raises(TemporalUnavailable):
        temporal_call(None, lambda client: None, timeout=1, what="test")
