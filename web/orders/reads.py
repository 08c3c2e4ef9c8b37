"""A shopper's orders from PostgreSQL, newest first, walked with a keyset cursor.

The cursor is the last order shown, (ordered_at, id): the next page is everything
strictly older in that order, which the (user_id, ordered_at, id) index answers
without counting or skipping rows, and an order placed meanwhile can neither repeat
nor vanish from the pages. The cursor is plain (not signed): every query is filtered
by the shopper's own id, so a hand-made cursor can only skip through their own orders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select, tuple_
from sqlalchemy.orm import Session, selectinload

from db.models import Order
from domain.delivery import order_arrival
from domain.order import FINAL_ORDER_STATUSES, OrderStatus, can_cancel
from web import keyset
from web.errors import BadRequest
from web.orders.timeline import TimelineEntry, last_time_of, timeline_entries
from web.suborder_reads import SuborderRow, arrival_dates, suborders_of

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Order ids are ours (hex today); anything else cannot be one, and must not reach SQL
# (a NUL byte would make PostgreSQL refuse the query outright).
ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
REFUNDED_EVENT = "refunded"  # written to the timeline once the refund went through
# The refund follows the cancel by a moment; the page keeps watching for it this long.
REFUND_WATCH = timedelta(minutes=5)


@dataclass(frozen=True)
class OrderLineView:
    item_id: int
    name: str
    quantity: int
    unit_price: int  # cents, at purchase


@dataclass(frozen=True)
class OrderView:
    order_id: str
    checkout_id: str
    ordered_at: datetime
    arrival_date: date | None
    status: str
    total: int
    lines: tuple[OrderLineView, ...]
    shipping_address: dict
    card_brand: str | None
    card_last4: str | None
    timeline: tuple[dict, ...]
    # Read only for one order (find_order); the listing leaves it empty.
    suborders: tuple[SuborderRow, ...] = ()

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def delivered(self) -> bool:
        """Its arrival_date is then the day the last parcel was delivered."""
        return self.status == OrderStatus.DELIVERED

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_ORDER_STATUSES  # the page stops polling

    @property
    def can_cancel(self) -> bool:
        """What the page offers; the order's workflow still has the last word (a parcel
        may ship between this read and the click)."""
        return can_cancel(self.status, (suborder.status for suborder in self.suborders))

    @property
    def events(self) -> tuple[TimelineEntry, ...]:
        return timeline_entries(self.timeline)

    @property
    def refunded(self) -> bool:
        return any(entry.event == REFUNDED_EVENT for entry in self.events)

    def refund_pending_at(self, now: datetime) -> bool:
        """Cancelled a moment before `now` and the refund not noted yet: worth watching for it."""
        if self.status != OrderStatus.CANCELLED or self.refunded or self.total <= 0:
            return False
        cancelled_at = last_time_of(self.events, "cancelled")
        return cancelled_at is not None and now - cancelled_at < REFUND_WATCH

    def keeps_changing_at(self, now: datetime) -> bool:
        """Whether the order page should keep asking for fresh status (htmx polling)."""
        return not self.is_final or self.refund_pending_at(now)

    @property
    def keeps_changing(self) -> bool:
        return self.keeps_changing_at(datetime.now(UTC))


@dataclass(frozen=True)
class OrdersPage:
    orders: tuple[OrderView, ...]
    next_cursor: str | None
    limit: int


@dataclass(frozen=True)
class Position:
    ordered_at: datetime
    order_id: str


def list_orders(
    session: Session,
    user_id: int,
    *,
    limit: int = DEFAULT_LIMIT,
    after: Position | None = None,
    since: datetime | None = None,
) -> OrdersPage:
    statement = select(Order).where(Order.user_id == user_id)
    if since is not None:
        statement = statement.where(Order.ordered_at >= since)
    if after is not None:
        statement = statement.where(
            tuple_(Order.ordered_at, Order.id) < tuple_(after.ordered_at, after.order_id)
        )
    statement = (
        statement.order_by(Order.ordered_at.desc(), Order.id.desc())
        .limit(limit + 1)  # one more tells whether there is a next page
        .options(selectinload(Order.lines))
    )
    rows = session.scalars(statement).all()
    dates = arrival_dates(session, [order.id for order in rows[:limit]])
    page = [_with_parcel_dates(_view(order), dates.get(order.id)) for order in rows[:limit]]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = encode_cursor(Position(last.ordered_at, last.order_id))
    return OrdersPage(tuple(page), next_cursor, limit)


def find_order(session: Session, user_id: int, order_id: str) -> OrderView | None:
    """The order if it is this shopper's; someone else's is None, exactly like a missing one."""
    if not ORDER_ID.fullmatch(order_id):
        return None
    # One snapshot for the order row and its suborders: fulfilment writes a suborder and
    # its "assigned" event in one transaction, and a page must not show one without the
    # other (read committed would let a commit land between the two reads).
    session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    order = session.scalars(
        select(Order)
        .where(Order.id == order_id, Order.user_id == user_id)
        .options(selectinload(Order.lines))
    ).one_or_none()
    if order is None:
        return None
    names = {line.item_id: line.name for line in order.lines}
    suborders = suborders_of(session, order.id, names)
    latest = order_arrival(s.arrival_date for s in suborders)
    return replace(_with_parcel_dates(_view(order), latest), suborders=suborders)


def _with_parcel_dates(view: OrderView, latest_parcel: date | None) -> OrderView:
    """The parcels' own latest date once there are parcels (docs/delivery.md); until the
    order is split, the date checkout promised; a cancelled order, none."""
    if view.status == OrderStatus.CANCELLED:
        return replace(view, arrival_date=None)
    return view if latest_parcel is None else replace(view, arrival_date=latest_parcel)


def encode_cursor(position: Position) -> str:
    return keyset.encode_cursor(position.ordered_at, position.order_id)


def decode_cursor(cursor: str) -> Position:
    return Position(*keyset.decode_cursor(cursor, valid_key=ORDER_ID.fullmatch))


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdecimal() or not 1 <= int(raw[:6]) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def parse_since(raw: str | None) -> datetime | None:
    """`since` as a date (2026-01-31, from midnight UTC) or an ISO 8601 instant."""
    if raw is None or raw == "":
        return None
    text = raw.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time.min, tzinfo=UTC)
        instant = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise BadRequest("since must be a date like 2026-01-31 or an ISO 8601 time.") from None
    return instant if instant.tzinfo else instant.replace(tzinfo=UTC)


def months_ago(today: date, months: int) -> date:
    """The same day `months` calendar months earlier (clamped to the month's last day)."""
    month_index = today.year * 12 + today.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a first day")


def _view(order: Order) -> OrderView:
    return OrderView(
        order_id=order.id,
        checkout_id=order.checkout_id,
        ordered_at=order.ordered_at.astimezone(UTC),
        # A cancelled order arrives never.
        arrival_date=None if order.status == OrderStatus.CANCELLED else order.arrival_date,
        status=str(order.status),
        total=order.total,
        lines=tuple(
            OrderLineView(line.item_id, line.name, line.quantity, line.unit_price)
            for line in order.lines
        ),
        shipping_address=dict(order.shipping_address or {}),
        card_brand=order.card_brand,
        card_last4=order.card_last4,
        timeline=tuple(order.timeline or ()),
    )
