"""What ReturnWorkflow and the return activities pass each other (docs/returns.md).

Statuses travel as the plain strings of domain.returns.ReturnStatus.
"""

from __future__ import annotations

from dataclasses import dataclass

RETURN_WORKFLOW_NAME = "ReturnWorkflow"

# Activity names (the contract between workflows/returns.py and activities/returns.py).
MARK_RECEIVED = "returns.mark_received"
REFUND_RETURN = "returns.refund"
RESTOCK_RETURN = "returns.restock"
CLOSE_RETURN = "returns.close"

# ApplicationError types (business outcomes, never retried).
UNKNOWN_RETURN = "UnknownReturn"
REFUND_REFUSED = "RefundRefused"  # the gateway (or the refund cap) said no


def return_workflow_id(return_id: str) -> str:
    return f"return-{return_id}"


def return_refund_key(return_id: str) -> str:
    """The gateway's idempotency key: never the cancel refund's `refund-<orderID>`."""
    return f"refund-return-{return_id}"


@dataclass(frozen=True)
class ReturnInput:
    return_id: str
    order_id: str
    refund_amount: int  # cents, as authorised


@dataclass(frozen=True)
class ReturnRequest:
    return_id: str


@dataclass(frozen=True)
class ReturnStepResult:
    return_id: str
    changed: bool  # False when an earlier attempt had already done it


@dataclass(frozen=True)
class RefundReturnResult:
    refund_id: str | None  # None for a return worth nothing (free items)
    amount: int


@dataclass(frozen=True)
class CloseReturnRequest:
    return_id: str
    status: str  # REFUNDED, REFUND_FAILED or EXPIRED
    detail: str = ""  # why, for the order's timeline (a refused refund's reason)


@dataclass(frozen=True)
class ReturnProgress:
    """The `state` query's and the `receive` update's answer, and the run's result."""

    return_id: str
    status: str
    refund_amount: int
    message: str | None = None
