"""Cancelling the parcels of an order that have not shipped: the order's side of it.

By the time the order workflow calls `cancel_unshipped`, each open suborder has been
stopped by its own workflow (`fulfilment.cancel_suborder`: warehouse available +q, row
CANCELLED) or has shipped first, whichever its row's conditional UPDATE let win. This
one transaction then takes off the order every unit that is not in a parcel that left
its warehouse (domain.order.unshipped_lines, docs/orders.md):

    order_lines.cancelled_quantity  = those units (no longer ordered: invariant I1)
    aggregated stock                +q for them (sellable again)
    orders.status                   PARTLY_CANCELLED, and a timeline entry

Idempotent by the order: a retry finds the order PARTLY_CANCELLED and answers the
units it took the first time. Lock order as in activities/fulfilment.py's
cancel_order: the order row, then aggregated_stock rows in item-id order.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity
from temporalio.exceptions import ApplicationError

from db.postgres.locks import lock_rows
from db.postgres.models import AggregatedStock, Order, Suborder, SuborderLine
from db.postgres.order_timeline import append_event
from domain.order import OrderStatus as OS
from domain.order import SuborderStatus as SS
from domain.order import has_shipped, unshipped_lines
from domain.stock import Line
from workflows.order_messages import (
    CANCEL_UNSHIPPED,
    NOTHING_SHIPPED,
    NOTHING_UNSHIPPED,
    UNKNOWN_ORDER,
    CancelUnshippedRequest,
    CancelUnshippedResult,
)

SUBORDER_ACTIVE = "SuborderActive"  # called while a suborder is still assigned
PARTLY_CANCELLED_EVENT = "partly cancelled"


def _business_error(kind: str, message: str) -> ApplicationError:
    return ApplicationError(message, type=kind, non_retryable=True)


class UnshippedActivities:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def activities(self) -> list[Callable]:
        return [self.cancel_unshipped]

    @activity.defn(name=CANCEL_UNSHIPPED)
    def cancel_unshipped(self, request: CancelUnshippedRequest) -> CancelUnshippedResult:
        """Take every unshipped unit off the order and give it back to aggregated stock."""
        with self._sessions.begin() as session:
            locked = lock_rows(session, Order, [request.order_id])
            if not locked:
                raise _business_error(UNKNOWN_ORDER, f"no order {request.order_id}")
            order = locked[0]
            taken_before = tuple(
                Line(line.item_id, line.cancelled_quantity)
                for line in order.lines
                if line.cancelled_quantity
            )
            if taken_before:  # a retry: the first attempt committed
                return CancelUnshippedResult(taken_before, changed=False)
            suborders = _suborders(session, request.order_id)
            if any(status == SS.ASSIGNED for status, _ in suborders):
                raise _business_error(
                    SUBORDER_ACTIVE, f"order {request.order_id} still has assigned suborders"
                )
            ordered = [Line(line.item_id, line.quantity) for line in order.lines]
            taken = unshipped_lines(order.status, ordered, suborders)
            if not taken:
                if has_shipped(order.status, (status for status, _ in suborders)):
                    raise _business_error(
                        NOTHING_UNSHIPPED, f"order {request.order_id} has nothing left to cancel"
                    )
                raise _business_error(
                    NOTHING_SHIPPED, f"nothing of order {request.order_id} has shipped"
                )
            quantities = {line.item_id: line.quantity for line in taken}
            for line in order.lines:
                line.cancelled_quantity = quantities.get(line.item_id, 0)
            for row in lock_rows(session, AggregatedStock, quantities):
                row.stock += quantities[row.item_id]
            order.status = OS.PARTLY_CANCELLED
            session.flush()
            names = {line.item_id: line.name for line in order.lines}
            what = ", ".join(f"{line.quantity} × {names[line.item_id]}" for line in taken)
            append_event(
                session,
                order.id,
                PARTLY_CANCELLED_EVENT,
                f"The parcels that had not shipped were cancelled: {what}",
            )
            return CancelUnshippedResult(taken, changed=True)


def _suborders(session: Session, order_id: str) -> list[tuple[str, list[Line]]]:
    """(status, lines) of every suborder of the order."""
    found: dict[str, tuple[str, list[Line]]] = {}
    for suborder_id, status, item_id, quantity in session.execute(
        select(Suborder.id, Suborder.status, SuborderLine.item_id, SuborderLine.quantity)
        .join(SuborderLine, SuborderLine.suborder_id == Suborder.id)
        .where(Suborder.order_id == order_id)
    ):
        found.setdefault(suborder_id, (str(status), []))[1].append(Line(item_id, quantity))
    return list(found.values())
