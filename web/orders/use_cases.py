"""The orders' use cases, written once for the pages and /api/v1/orders: list (keyset
cursor, `since`), one order, cancel, cancel the parcels that have not shipped.

Cancelling (what the order page's button and `POST /api/v1/checkout?op=CANCEL
{orderID}` share):

    1. PostgreSQL first: another shopper's order is not_found without asking Temporal,
       an order already cancelled is answered as it is (cancelling twice is fine), and
       one that visibly shipped is refused at once.
    2. Then the order's workflow decides (its `cancel` update): it stops every open
       suborder, gives the stock back, marks the order CANCELLED and refunds. A parcel
       that ships in the meantime makes it refuse (cannot_cancel, already_shipped).
    3. If there is no running workflow to ask, the database says what that means.

The answer is always the order as PostgreSQL now has it, so what a shopper is told
("cancelled, your payment was refunded") is what the order row says.

Cancelling the parcels that have not shipped (the page's button and `POST
/api/v1/orders/{orderID}/cancel-unshipped`, docs/orders.md) goes the same way: the
order row first (domain.order's rule: some parcel shipped, something has not), then
the workflow's `cancel_unshipped` update, which stops each open parcel unless it ships
first, takes the rest off the order and refunds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from domain.order import OrderStatus
from domain.refusals import RefusalKind
from web import keyset
from web.errors import BadRequest
from web.orders.errors import (
    ALREADY_CANCELLED_MESSAGE,
    ALREADY_SHIPPED_MESSAGE,
    CLOSED_MESSAGE,
    DELIVERED_MESSAGE,
    EVERYTHING_SHIPPED_MESSAGE,
    NOT_FOUND_MESSAGE,
    NOT_READY,
    NOTHING_SHIPPED_MESSAGE,
    NOTHING_UNSHIPPED_MESSAGE,
    SHIPMENT_BEING_RECORDED,
)
from web.orders.ports import OrderClient, OrderReads, WorkflowGone
from web.orders.reads import DEFAULT_LIMIT, MAX_LIMIT, ORDER_ID, OrderView, Position
from web.outcomes import Limits, over_limit
from web.refusals import Refused

LIMIT_FEATURE = "cancel"


@dataclass(frozen=True)
class OrderList:
    orders: tuple[OrderView, ...]
    next_cursor: str | None  # follow it with the same shopper and `since`
    limit: int


def list_orders(
    reads: OrderReads,
    user_id: int,
    *,
    limit: int,
    since: str | None,
    cursor: str | None,
    statuses: Sequence[str] = (),
) -> OrderList | Refused:
    """One page of the shopper's orders, newest first, only those in `statuses` when any
    are given. The cursor is bound to this shopper, this `since` and these statuses
    (web/keyset.py's scope): any other is bad_request."""
    since_at = parse_since(since)
    if isinstance(since_at, Refused):
        return since_at
    wanted = parse_statuses(statuses)
    if isinstance(wanted, Refused):
        return wanted
    scope = f"orders:{user_id}:{since_at.isoformat() if since_at else ''}"
    if wanted:
        scope += ":" + ",".join(sorted(wanted))
    after = None
    if cursor:
        try:
            after = Position(
                *keyset.decode_cursor(cursor, valid_key=ORDER_ID.fullmatch, scope=scope)
            )
        except BadRequest as error:
            return Refused(RefusalKind.BAD_REQUEST, str(error))
    page = reads.page(user_id, limit=limit, after=after, since=since_at, statuses=wanted)
    next_cursor = None
    if page.last is not None:
        next_cursor = keyset.encode_cursor(page.last.ordered_at, page.last.order_id, scope=scope)
    return OrderList(page.orders, next_cursor, page.limit)


def order_detail(reads: OrderReads, user_id: int, order_id: str) -> OrderView | Refused:
    order = reads.find(user_id, order_id)
    return order if order is not None else Refused(RefusalKind.NOT_FOUND, NOT_FOUND_MESSAGE)


def cancel_order(
    reads: OrderReads, client: OrderClient, limits: Limits, user_id: int, order_id: str
) -> OrderView | Refused:
    """The order as it stands after cancelling (status CANCELLED), or why not."""
    order = order_detail(reads, user_id, order_id)
    if isinstance(order, Refused) or order.status == OrderStatus.CANCELLED:
        return order
    shipped = _shipped(order)
    if shipped is not None:
        return shipped
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "cancel requests")
    if too_many is not None:
        return too_many
    answer = client.cancel(user_id, order_id)
    if isinstance(answer, Refused):
        return answer
    order = order_detail(reads, user_id, order_id)
    if isinstance(answer, WorkflowGone) and not isinstance(order, Refused):
        return _without_a_workflow(order, started=answer.started)
    return order


@dataclass(frozen=True)
class PartlyCancelled:
    """The order after its unshipped parcels were cancelled, what stopped, the refund."""

    order: OrderView
    cancelled_suborders: tuple[str, ...]
    refund: int  # cents


def cancel_unshipped(
    reads: OrderReads, client: OrderClient, limits: Limits, user_id: int, order_id: str
) -> PartlyCancelled | Refused:
    """Cancel every parcel that has not shipped and refund its lines, or why not."""
    order = order_detail(reads, user_id, order_id)
    if isinstance(order, Refused):
        return order
    # Every attempt on one's own order counts, a refused one too (cheap to ask again).
    too_many = over_limit(limits, user_id, LIMIT_FEATURE, "cancel requests")
    if too_many is not None:
        return too_many
    if not order.can_cancel_unshipped:
        return _nothing_unshipped(order)
    answer = client.cancel_unshipped(user_id, order_id)
    if isinstance(answer, Refused):
        if answer.kind is RefusalKind.NOTHING_SHIPPED:
            # The row shows a shipment whose parcel is still reporting it to its order
            # (a moment after the commit): nothing changed, asking again will do.
            return unavailable(SHIPMENT_BEING_RECORDED)
        return answer
    if isinstance(answer, WorkflowGone):
        if answer.started:
            return Refused(RefusalKind.ORDER_CLOSED, CLOSED_MESSAGE)
        return unavailable(NOT_READY)
    order = order_detail(reads, user_id, order_id)
    if isinstance(order, Refused):
        return order
    return PartlyCancelled(order, answer.suborder_ids, answer.refund)


def parse_limit(raw: str | None) -> int | Refused:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdecimal() or not 1 <= int(raw[:6]) <= MAX_LIMIT:
        return Refused(
            RefusalKind.BAD_REQUEST, f"limit must be a whole number from 1 to {MAX_LIMIT}."
        )
    return int(raw)


def parse_statuses(raw: Sequence[str]) -> frozenset[OrderStatus] | Refused:
    """`status=` given once per status (`?status=SHIPPED&status=DELIVERED`)."""
    try:
        return frozenset(OrderStatus(value) for value in raw)
    except ValueError:
        bad = next(value for value in raw if value not in OrderStatus.__members__)
        return Refused(
            RefusalKind.BAD_REQUEST,
            f"status {bad[:64]!r} is not one of {', '.join(OrderStatus)}; "
            "repeat the parameter for more than one (status=SHIPPED&status=DELIVERED).",
        )


def parse_since(raw: str | None) -> datetime | None | Refused:
    """`since` as a date (2026-01-31, from midnight UTC) or an ISO 8601 instant."""
    if raw is None or raw == "":
        return None
    text = raw.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return Refused(
            RefusalKind.BAD_REQUEST, "since must be a date like 2026-01-31 or an ISO 8601 time."
        )
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def _without_a_workflow(order: OrderView, *, started: bool) -> OrderView | Refused:
    """No running workflow answered: the order row is all there is to go by."""
    if order.status == OrderStatus.CANCELLED:
        return order  # it ended cancelled, e.g. a second click after the first one won
    shipped = _shipped(order)
    if shipped is not None:
        return shipped
    if started:
        # Ended without delivering or cancelling (terminated by an operator): nothing
        # would give the stock or the money back, so do not pretend to cancel.
        return Refused(RefusalKind.ORDER_CLOSED, CLOSED_MESSAGE)
    # Not started yet: checkout starts it right after writing the order.
    return unavailable(NOT_READY)


def unavailable(message: str) -> Refused:
    """503 with the code and Retry-After every other outage of the store answers with."""
    return Refused(RefusalKind.SERVICE_UNAVAILABLE, message, retry_after=5)


def _shipped(order: OrderView) -> Refused | None:
    if order.status == OrderStatus.DELIVERED:
        return Refused(RefusalKind.ORDER_DELIVERED, DELIVERED_MESSAGE)
    if not order.can_cancel:
        if not order.can_cancel_unshipped:
            return Refused(RefusalKind.ALREADY_SHIPPED, EVERYTHING_SHIPPED_MESSAGE)
        # Points to what is still possible: the page's button, the API's path.
        rest = {"cancelUnshipped": cancel_unshipped_path(order.order_id)}
        return Refused(RefusalKind.ALREADY_SHIPPED, ALREADY_SHIPPED_MESSAGE, details=rest)
    return None


def cancel_unshipped_path(order_id: str) -> str:
    return f"/api/v1/orders/{order_id}/cancel-unshipped"


def _nothing_unshipped(order: OrderView) -> Refused:
    """Why the order has no parcels to cancel apart from the rest (domain.order's rule)."""
    if order.status == OrderStatus.CANCELLED:
        return Refused(RefusalKind.ORDER_CANCELLED, ALREADY_CANCELLED_MESSAGE)
    if order.status == OrderStatus.DELIVERED:
        return Refused(RefusalKind.ORDER_DELIVERED, DELIVERED_MESSAGE)
    if order.can_cancel:
        return Refused(RefusalKind.NOTHING_SHIPPED, NOTHING_SHIPPED_MESSAGE)
    return Refused(RefusalKind.NOTHING_UNSHIPPED, NOTHING_UNSHIPPED_MESSAGE)
