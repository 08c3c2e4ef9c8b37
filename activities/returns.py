"""A return's steps (docs/returns.md): each one transaction or one gateway call,
idempotent by the return id, so Temporal may run any of them again.

    mark_received  AUTHORIZED -> RECEIVED (+ timeline), a second call changes nothing
    refund         the gateway refund under `refund-return-<returnID>` (never the cancel
                   refund's key); the refund cap (domain/returns.py) is checked first
    restock        each line back on the warehouse's shelves through restock's SQL
                   (db/postgres/restock.py) with the key `return-<returnID>:<itemID>`,
                   so physical, available and aggregated stock rise once and the
                   stock_events outbox sees it
    close          the final status (+ timeline)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from db.postgres.models import ProductReturn
from db.postgres.order_timeline import append_event
from db.postgres.restock import restock
from db.postgres.returns import lock_order, refunded_so_far
from domain.money import format_cents
from domain.returns import ReturnStatus as RS
from domain.returns import check_refund
from payments.gateway import PaymentGateway, PaymentGatewayError
from workflows.return_messages import (
    CLOSE_RETURN,
    MARK_RECEIVED,
    REFUND_REFUSED,
    REFUND_RETURN,
    RESTOCK_RETURN,
    UNKNOWN_RETURN,
    CloseReturnRequest,
    RefundReturnResult,
    ReturnRequest,
    ReturnStepResult,
    return_refund_key,
)

# Timeline events: one per return and step, so `once` needs the return id in the name.
RECEIVED_EVENT = "return-received"
FINAL_EVENTS = {
    RS.REFUNDED: "return-refunded",
    RS.REFUND_FAILED: "return-refund-failed",
    RS.EXPIRED: "return-expired",
}


def restock_key(return_id: str, item_id: int) -> str:
    return f"return-{return_id}:{item_id}"


class ReturnActivities:
    def __init__(self, sessions: sessionmaker[Session], gateway: PaymentGateway) -> None:
        self._sessions = sessions
        self._gateway = gateway

    def activities(self) -> list[Callable]:
        return [self.mark_received, self.refund, self.restock, self.close]

    @activity.defn(name=MARK_RECEIVED)
    def mark_received(self, request: ReturnRequest) -> ReturnStepResult:
        with self._sessions.begin() as session:
            row = _locked(session, request.return_id)
            if row.status is not RS.AUTHORIZED:
                return ReturnStepResult(row.id, changed=False)
            row.status = RS.RECEIVED
            row.received_at = datetime.now(UTC)
            append_event(
                session,
                row.order_id,
                f"{RECEIVED_EVENT}:{row.id}",
                f"Return {row.id} received by the warehouse",
                once=True,
            )
            return ReturnStepResult(row.id, changed=True)

    @activity.defn(name=REFUND_RETURN)
    def refund(self, request: ReturnRequest) -> RefundReturnResult:
        """Give the returned lines' money back; a second call answers the same refund."""
        with self._sessions.begin() as session:
            order_id = _locked(session, request.return_id, lock=False).order_id
            # The order's row first (as operators' refunds take it), then the return's.
            order = lock_order(session, order_id)
            row = _locked(session, request.return_id)
            amount, reference = row.refund_amount, order.payment_reference
            if row.refund_id is None:
                # The cap (domain/returns.py): every other refund counts, this one not.
                refunded = refunded_so_far(session, order_id, but=row.id)
                too_much = check_refund(amount, order.total, refunded)
                if too_much is not None:
                    raise ApplicationError(
                        too_much.message, type=REFUND_REFUSED, non_retryable=True
                    )
        if amount <= 0:
            return RefundReturnResult(refund_id=None, amount=0)
        try:
            refund = self._gateway.refund(return_refund_key(request.return_id), reference, amount)
        except PaymentGatewayError as error:
            raise ApplicationError(
                f"The payment gateway refused the refund: {error}",
                type=REFUND_REFUSED,
                non_retryable=True,
            ) from None
        with self._sessions.begin() as session:
            session.execute(
                update(ProductReturn)
                .where(ProductReturn.id == request.return_id, ProductReturn.refund_id.is_(None))
                .values(refund_id=refund.id)
            )
        return RefundReturnResult(refund_id=refund.id, amount=refund.amount)

    @activity.defn(name=RESTOCK_RETURN)
    def restock(self, request: ReturnRequest) -> ReturnStepResult:
        with self._sessions() as session:
            row = _locked(session, request.return_id, lock=False)
            if row.restocked:
                return ReturnStepResult(row.id, changed=False)
            warehouse_id = row.warehouse_id
            lines = [(line.item_id, line.quantity) for line in row.lines]
        for item_id, quantity in lines:
            # One transaction per line, each claimed by its own key: a retry after a
            # crash between two lines adds only the lines not yet added.
            restock(
                self._sessions,
                warehouse_id,
                item_id,
                quantity,
                key=restock_key(request.return_id, item_id),
            )
        with self._sessions.begin() as session:
            session.execute(
                update(ProductReturn)
                .where(ProductReturn.id == request.return_id)
                .values(restocked=True)
            )
        return ReturnStepResult(request.return_id, changed=True)

    @activity.defn(name=CLOSE_RETURN)
    def close(self, request: CloseReturnRequest) -> ReturnStepResult:
        status = RS(request.status)
        with self._sessions.begin() as session:
            row = _locked(session, request.return_id)
            if row.status is status:
                return ReturnStepResult(row.id, changed=False)
            row.status = status
            if status is RS.REFUNDED:
                row.refunded_at = datetime.now(UTC)
            append_event(
                session,
                row.order_id,
                f"{FINAL_EVENTS[status]}:{row.id}",
                _detail(row, status, request.detail),
                once=True,
            )
            return ReturnStepResult(row.id, changed=True)


def _detail(row: ProductReturn, status: RS, why: str) -> str:
    if status is RS.REFUNDED:
        return f"Return {row.id}: {format_cents(row.refund_amount)} refunded to your card"
    if status is RS.REFUND_FAILED:
        return f"Return {row.id}: the refund could not be made ({why}); our staff will settle it"
    return f"Return {row.id} lapsed: the parcel never reached the warehouse"


def _locked(session: Session, return_id: str, *, lock: bool = True) -> ProductReturn:
    row = session.get(ProductReturn, return_id, with_for_update=lock)
    if row is None:
        raise ApplicationError(f"no return {return_id}", type=UNKNOWN_RETURN, non_retryable=True)
    return row
