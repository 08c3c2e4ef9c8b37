"""Cancelling an order: what the order page's button and `POST /api/v1/checkout?op=CANCEL
{orderID}` share.

    1. PostgreSQL first: another shopper's order is a 404 without asking Temporal, an
       order already cancelled is answered as it is (cancelling twice is fine), and
       one that visibly shipped is refused at once.
    2. Then the order's workflow decides (its `cancel` update): it stops every open
       suborder, gives the stock back, marks the order CANCELLED and refunds. A parcel
       that ships in the meantime makes it refuse with AlreadyShipped.
    3. If there is no running workflow to ask, the database says what that means.

The answer is always the order as PostgreSQL now has it, so what a shopper is told
("cancelled, your payment was refunded") is what the order row says.
"""

from __future__ import annotations

from domain.order import OrderStatus
from web.orders.errors import (
    ALREADY_SHIPPED_MESSAGE,
    CLOSED_MESSAGE,
    DELIVERED_MESSAGE,
    NOT_READY,
    OrderCancelRefused,
    OrderNotFound,
    OrderUnavailable,
)
from web.orders.reads import OrderView, find_order
from web.orders.workflow_client import OrderWorkflowGone, order_client
from web.services import services
from workflows.order_messages import ALREADY_SHIPPED


def cancel_order(user_id: int, order_id: str) -> OrderView:
    """Cancel the shopper's order and return it as it now stands (status CANCELLED).

    Raises OrderNotFound, OrderCancelRefused or OrderUnavailable (web/orders/errors.py).
    """
    order = _read(user_id, order_id)
    if order.status == OrderStatus.CANCELLED:
        return order
    _refuse_if_shipped(order)
    try:
        order_client().cancel(user_id, order_id)
    except OrderWorkflowGone as gone:
        return _without_a_workflow(_read(user_id, order_id), started=gone.started)
    return _read(user_id, order_id)


def _without_a_workflow(order: OrderView, *, started: bool) -> OrderView:
    """No running workflow answered: the order row is all there is to go by."""
    if order.status == OrderStatus.CANCELLED:
        return order  # it ended cancelled, e.g. a second click after the first one won
    _refuse_if_shipped(order)
    if started:
        # Ended without delivering or cancelling (terminated by an operator): nothing
        # would give the stock or the money back, so do not pretend to cancel.
        raise OrderCancelRefused("OrderClosed", CLOSED_MESSAGE)
    # Not started yet: checkout starts it right after writing the order.
    raise OrderUnavailable(description=NOT_READY)


def _refuse_if_shipped(order: OrderView) -> None:
    if order.status == OrderStatus.DELIVERED:
        raise OrderCancelRefused("Delivered", DELIVERED_MESSAGE)
    if not order.can_cancel:
        raise OrderCancelRefused(ALREADY_SHIPPED, ALREADY_SHIPPED_MESSAGE)


def _read(user_id: int, order_id: str) -> OrderView:
    with services().sessions() as session:
        order = find_order(session, user_id, order_id)
    if order is None:
        raise OrderNotFound()
    return order
