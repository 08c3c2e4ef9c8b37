"""The order desk's use cases, once for /staff/orders and /api/v1/staff/orders.

look_up(reads, email=..., order_id=..., cursor, limit)
    exactly one of an email (case-insensitive, exact: the customer's orders, newest
    first, with a cursor bound to that customer) or an order number (that order).
    An email no account has is an empty answer, not an error.
staff_order(reads, order_id)           one order, whole
cancel_as_staff(reads, workflow, order_id, reason)
    what the shopper's cancel does (the order workflow's `cancel` update: stock back,
    refund), on the customer's behalf, with the store's reason on the timeline. The
    domain rule (domain/order.py `can_cancel`) decides first from PostgreSQL; the
    workflow has the last word (a parcel may ship in between).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass

from domain.order import OrderStatus
from domain.refusals import RefusalKind
from web import keyset
from web.errors import BadRequest
from web.refusals import Refused
from web.staff_orders.ports import (
    Customer,
    OrderSummary,
    Position,
    StaffCancel,
    StaffOrder,
    StaffOrderReads,
    WorkflowGone,
)

log = logging.getLogger(__name__)

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_REASON = 300  # characters: a sentence on the timeline, not a letter
MAX_EMAIL = 254
# Order ids are ours (hex today); anything else cannot be one and never reaches SQL.
ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")

NOT_FOUND = "There is no order {order_id!r}."
ALREADY_SHIPPED = "A parcel of this order has shipped, so it can no longer be cancelled."
DELIVERED = "This order has been delivered, so it can no longer be cancelled."
CLOSED = "This order's workflow has ended without cancelling it; nothing was changed."
NOT_READY = "This order is still being handed to the warehouses. Try again in a moment."


@dataclass(frozen=True)
class Lookup:
    """What a search found: the customer (None for an unknown email or order) and orders."""

    customer: Customer | None
    orders: tuple[OrderSummary, ...]
    next_cursor: str | None  # follow it with the same email
    limit: int


def look_up(
    reads: StaffOrderReads,
    *,
    email: str | None,
    order_id: str | None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Lookup | Refused:
    email, order_id = (email or "").strip() or None, (order_id or "").strip() or None
    if (email is None) == (order_id is None):
        return Refused(
            RefusalKind.BAD_REQUEST, "Look up by exactly one of an email or an order number."
        )
    if order_id is not None:
        if cursor:
            return Refused(RefusalKind.BAD_REQUEST, "nextCursor goes with an email lookup only.")
        order = reads.find(order_id) if ORDER_ID.fullmatch(order_id) else None
        if order is None:
            return Lookup(None, (), None, limit)
        return Lookup(order.customer, (order.summary,), None, limit)
    assert email is not None
    normalised = normalise_email(email)
    if len(normalised) > MAX_EMAIL or not normalised.isprintable():
        return Refused(
            RefusalKind.BAD_REQUEST, "That is not an email address we could have on file."
        )
    customer = reads.customer(normalised)
    if customer is None:
        return Lookup(None, (), None, limit)
    scope = f"staff-orders:{customer.customer_id}"
    after = None
    if cursor:
        try:
            after = Position(
                *keyset.decode_cursor(cursor, valid_key=ORDER_ID.fullmatch, scope=scope)
            )
        except BadRequest as error:
            return Refused(RefusalKind.BAD_REQUEST, str(error))
    page = reads.orders_of(customer.customer_id, limit=limit, after=after)
    next_cursor = None
    if page.last is not None:
        next_cursor = keyset.encode_cursor(page.last.ordered_at, page.last.order_id, scope=scope)
    return Lookup(customer, page.orders, next_cursor, limit)


def look_up_typed(
    reads: StaffOrderReads, typed: str, *, cursor: str | None, limit: int
) -> Lookup | Refused:
    """The desk's one search box: an email when what was typed has an @, else an order number."""
    email, order_id = (typed, None) if "@" in typed else (None, typed)
    return look_up(reads, email=email, order_id=order_id, cursor=cursor, limit=limit)


def staff_order(reads: StaffOrderReads, order_id: str) -> StaffOrder | Refused:
    order = reads.find(order_id) if ORDER_ID.fullmatch(order_id) else None
    if order is None:
        return Refused(RefusalKind.NOT_FOUND, NOT_FOUND.format(order_id=order_id[:64]))
    return order


def cancel_as_staff(
    reads: StaffOrderReads,
    workflow: StaffCancel,
    order_id: str,
    reason: str | None,
    *,
    staff_id: int,
) -> StaffOrder | Refused:
    """The order as it stands after cancelling (CANCELLED), or why not. Who cancelled is
    logged; the reason goes on the order's timeline."""
    checked = check_reason(reason)
    if isinstance(checked, Refused):
        return checked
    order = staff_order(reads, order_id)
    if isinstance(order, Refused) or order.status == OrderStatus.CANCELLED:
        return order  # cancelling twice is fine: the answer is the cancelled order
    refused = _not_cancellable(order)
    if refused is not None:
        return refused
    answer = workflow.cancel(order.customer.customer_id, order.order_id, checked)
    log.info("order %s: cancel by staff account %s (%s): %s", order_id, staff_id, checked, answer)
    if isinstance(answer, Refused):
        return answer
    after = staff_order(reads, order_id)
    if isinstance(answer, WorkflowGone) and not isinstance(after, Refused):
        return _without_a_workflow(after, started=answer.started)
    return after


def check_reason(raw: str | None) -> str | Refused:
    reason = " ".join((raw or "").split())
    if not reason:
        return Refused(RefusalKind.BAD_REQUEST, "Say why the order is cancelled (reason).")
    if len(reason) > MAX_REASON or not reason.isprintable():
        return Refused(
            RefusalKind.BAD_REQUEST, f"The reason must be at most {MAX_REASON} plain characters."
        )
    return reason


def parse_limit(raw: str | None) -> int | Refused:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdecimal() or not 1 <= int(raw[:6]) <= MAX_LIMIT:
        return Refused(
            RefusalKind.BAD_REQUEST, f"limit must be a whole number from 1 to {MAX_LIMIT}."
        )
    return int(raw)


def normalise_email(raw: str) -> str:
    """As sign-up stores it (NFKC, then casefold), so an exact match ignores case."""
    return unicodedata.normalize("NFKC", raw).strip().casefold()


def _not_cancellable(order: StaffOrder) -> Refused | None:
    if order.status == OrderStatus.DELIVERED:
        return Refused(RefusalKind.ORDER_DELIVERED, DELIVERED)
    if not order.can_cancel:
        return Refused(RefusalKind.ALREADY_SHIPPED, ALREADY_SHIPPED)
    return None


def _without_a_workflow(order: StaffOrder, *, started: bool) -> StaffOrder | Refused:
    """No running workflow answered: the order row is all there is to go by."""
    if order.status == OrderStatus.CANCELLED:
        return order
    refused = _not_cancellable(order)
    if refused is not None:
        return refused
    if started:
        return Refused(RefusalKind.ORDER_CLOSED, CLOSED)
    return Refused(RefusalKind.SERVICE_UNAVAILABLE, NOT_READY, retry_after=5)
