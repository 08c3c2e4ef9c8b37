"""The orders' read model: what the order pages and /api/v1/orders render.

`OrderView` is one order as the web shows it; `OrdersPage` one page of a shopper's
orders, newest first, with the `Position` (ordered_at, id) of the last order when
there are more. PostgreSQL fills them in web/orders/adapters.py; the fast tests' fake
in tests/fakes/orders.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from domain.money import line_total
from domain.order import FINAL_ORDER_STATUSES, OrderStatus, can_cancel, can_cancel_unshipped
from domain.stock import Line
from web.order_timeline import TimelineEntry, last_time_of, timeline_entries
from web.suborder_reads import SuborderRow

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# Order ids are ours (hex today); anything else cannot be one, and must not reach SQL
# (a NUL byte would make PostgreSQL refuse the query outright).
ORDER_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
REFUNDED_EVENT = "refunded"  # written to the timeline once the refund went through
PARTLY_REFUNDED_EVENT = "partly refunded"  # likewise for the parcels that had not shipped
# The refund follows the cancel by a moment; the page keeps watching for it this long.
REFUND_WATCH = timedelta(minutes=5)


@dataclass(frozen=True)
class OrderLineView:
    item_id: int
    name: str
    quantity: int
    unit_price: int  # cents, at purchase
    cancelled_quantity: int = 0  # taken off by cancelling the parcels that had not shipped


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
    def can_cancel_unshipped(self) -> bool:
        """Whether the page offers "Cancel the parcels that have not shipped" (some
        parcel shipped, something has not); the workflow still has the last word."""
        return can_cancel_unshipped(
            self.status,
            (Line(line.item_id, line.quantity) for line in self.lines),
            (
                (s.status, [Line(line.item_id, line.quantity) for line in s.lines])
                for s in self.suborders
            ),
        )

    @property
    def cancelled_lines(self) -> tuple[OrderLineView, ...]:
        """The lines a partial cancel took units off (their cancelled_quantity > 0)."""
        return tuple(line for line in self.lines if line.cancelled_quantity)

    @property
    def cancelled_total(self) -> int:
        """What the partial cancel refunds: the cancelled units at their purchase price."""
        return sum(
            line_total(line.unit_price, line.cancelled_quantity) for line in self.cancelled_lines
        )

    @property
    def events(self) -> tuple[TimelineEntry, ...]:
        return timeline_entries(self.timeline)

    @property
    def refunded(self) -> bool:
        return any(entry.event == REFUNDED_EVENT for entry in self.events)

    @property
    def partly_refunded(self) -> bool:
        return any(entry.event == PARTLY_REFUNDED_EVENT for entry in self.events)

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
class Position:
    ordered_at: datetime
    order_id: str


@dataclass(frozen=True)
class OrdersPage:
    orders: tuple[OrderView, ...]
    # The last order shown when more follow (the next page starts after it), else None.
    last: Position | None
    limit: int


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
