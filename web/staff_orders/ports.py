"""What the order desk's use cases need, and the orders as staff read them.

Adapters: web/staff_orders/adapters.py; fakes: tests/fakes/staff_orders.py (held to the
adapters by tests/web/test_staff_orders_contract.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.order import can_cancel
from web.order_timeline import TimelineEntry, timeline_entries
from web.refusals import Refused
from web.suborder_reads import SuborderRow


@dataclass(frozen=True)
class Customer:
    customer_id: int  # users.id: what the order workflow's CustomerId search attribute holds
    email: str


@dataclass(frozen=True)
class StaffOrderLine:
    item_id: int
    name: str
    quantity: int
    unit_price: int  # cents, at purchase


@dataclass(frozen=True)
class OrderSummary:
    """One row of a customer's orders."""

    order_id: str
    ordered_at: datetime
    status: str
    total: int
    units: int


@dataclass(frozen=True)
class StaffOrder:
    """One order, whole: whose it is, where it goes, its parcels, timeline and refunds."""

    order_id: str
    customer: Customer
    ordered_at: datetime
    status: str
    total: int
    refunded: int  # cents given back so far (the payment ledger)
    lines: tuple[StaffOrderLine, ...]
    shipping_address: dict
    card_brand: str | None
    card_last4: str | None
    timeline: tuple[dict, ...]
    suborders: tuple[SuborderRow, ...]

    @property
    def events(self) -> tuple[TimelineEntry, ...]:
        return timeline_entries(self.timeline)

    @property
    def can_cancel(self) -> bool:
        """The domain rule (domain/order.py); the order's workflow has the last word."""
        return can_cancel(self.status, (suborder.status for suborder in self.suborders))

    @property
    def summary(self) -> OrderSummary:
        units = sum(line.quantity for line in self.lines)
        return OrderSummary(self.order_id, self.ordered_at, self.status, self.total, units)


@dataclass(frozen=True)
class Position:
    ordered_at: datetime
    order_id: str


@dataclass(frozen=True)
class SummaryPage:
    orders: tuple[OrderSummary, ...]
    last: Position | None  # the last order shown when more follow


class StaffOrderReads(Protocol):
    def customer(self, email: str) -> Customer | None:
        """The account with this email (already normalised: NFKC, casefolded), if any."""

    def orders_of(self, customer_id: int, *, limit: int, after: Position | None) -> SummaryPage:
        """The customer's orders, newest first (ordered_at, id), strictly after `after`."""

    def find(self, order_id: str) -> StaffOrder | None:
        """Any customer's order with its suborders; None if there is no such order."""


@dataclass(frozen=True)
class WorkflowGone:
    """No running order workflow answered: `started` says whether one ever existed."""

    started: bool


class StaffCancel(Protocol):
    def cancel(self, customer_id: int, order_id: str, reason: str) -> Refused | WorkflowGone | None:
        """The order workflow's `cancel` update on the customer's behalf, with the store's
        reason for the timeline: None once it accepted and finished; a Refused
        (cannot_cancel with the workflow's code, unavailable) or WorkflowGone."""
