"""Refunding a cancelled order, or the parcels of an order that did not ship, through
the payment gateway.

One external call each, idempotent by its business key: the refund's idempotency key
is `refund-<orderID>` (the whole order) or `refund-<orderID>-unshipped` (the lines a
partial cancel took off, docs/orders.md: it happens at most once per order), not the
checkout's key, so a retried activity (or a worker that
dies after the gateway answered) finds the same refund instead of refunding twice,
and a refund can never be mistaken for the checkout's own authorization or void.

The order row says what to refund (its captured total and the authorization it was
captured from). The timeline entry is written after the gateway answered and only
once, so the shopper sees "Refunded" exactly when the money is on its way back.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from db.postgres.models import Order
from db.postgres.order_timeline import append_event
from domain.money import format_cents, line_total
from domain.order import OrderStatus as OS
from payments.gateway import PaymentGateway
from workflows.order_messages import (
    NOT_CANCELLED,
    REFUND_ORDER,
    REFUND_UNSHIPPED,
    UNKNOWN_ORDER,
    RefundOrderRequest,
    RefundOrderResult,
    RefundUnshippedRequest,
)

REFUNDED_EVENT = "refunded"
PARTLY_REFUNDED_EVENT = "partly refunded"


def refund_key(order_id: str) -> str:
    return f"refund-{order_id}"


def unshipped_refund_key(order_id: str) -> str:
    return f"refund-{order_id}-unshipped"


class RefundActivities:
    def __init__(self, sessions: sessionmaker[Session], gateway: PaymentGateway) -> None:
        self._sessions = sessions
        self._gateway = gateway

    def activities(self) -> list[Callable]:
        return [self.refund_order, self.refund_unshipped]

    @activity.defn(name=REFUND_ORDER)
    def refund_order(self, request: RefundOrderRequest) -> RefundOrderResult:
        """Give a cancelled order's money back; a second call answers the same refund."""
        with self._sessions() as session:
            order = session.get(Order, request.order_id)
            if order is None:
                raise ApplicationError(
                    f"no order {request.order_id}", type=UNKNOWN_ORDER, non_retryable=True
                )
            # Only the cancel path refunds, and only after cancel_order committed.
            if order.status is not OS.CANCELLED:
                raise ApplicationError(
                    f"order {request.order_id} is {order.status}, not cancelled",
                    type=NOT_CANCELLED,
                    non_retryable=True,
                )
            authorization_id, amount = order.payment_reference, order.total
        if amount <= 0:  # a free order has nothing to give back
            return RefundOrderResult(refund_id=None, amount=0)
        refund = self._gateway.refund(refund_key(request.order_id), authorization_id, amount)
        self._note_refund(
            request.order_id, REFUNDED_EVENT, f"{format_cents(amount)} refunded to your card"
        )
        return RefundOrderResult(refund_id=refund.id, amount=refund.amount)

    @activity.defn(name=REFUND_UNSHIPPED)
    def refund_unshipped(self, request: RefundUnshippedRequest) -> RefundOrderResult:
        """Give back the price of the units a partial cancel took off (their price at
        purchase); a second call answers the same refund."""
        with self._sessions() as session:
            order = session.get(Order, request.order_id)
            if order is None:
                raise ApplicationError(
                    f"no order {request.order_id}", type=UNKNOWN_ORDER, non_retryable=True
                )
            taken = [line for line in order.lines if line.cancelled_quantity]
            # Only after cancel_unshipped committed: the lines say what it took off.
            if not taken:
                raise ApplicationError(
                    f"order {request.order_id} has no cancelled lines",
                    type=NOT_CANCELLED,
                    non_retryable=True,
                )
            authorization_id = order.payment_reference
            amount = sum(line_total(line.unit_price, line.cancelled_quantity) for line in taken)
        if amount <= 0:  # free lines have nothing to give back
            return RefundOrderResult(refund_id=None, amount=0)
        key = unshipped_refund_key(request.order_id)
        refund = self._gateway.refund(key, authorization_id, amount)
        self._note_refund(
            request.order_id,
            PARTLY_REFUNDED_EVENT,
            f"{format_cents(amount)} refunded to your card for the cancelled parcels",
        )
        return RefundOrderResult(refund_id=refund.id, amount=refund.amount)

    def _note_refund(self, order_id: str, event: str, detail: str) -> None:
        with self._sessions.begin() as session:
            append_event(session, order_id, event, detail, once=True)
