"""The order desk's ports in memory (web/staff_orders/ports.py): customers by email,
orders by number, read newest first by (ordered_at, id) as the SQL adapter walks its
index, and an order workflow whose answer to the store's `cancel` a test scripts.
tests/web/test_staff_orders_contract.py holds them to the real adapters."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from domain.order import OrderStatus
from web.refusals import Refused
from web.staff_orders.ports import (
    Customer,
    Position,
    StaffOrder,
    StaffOrderLine,
    SummaryPage,
    WorkflowGone,
)
from web.suborder_reads import SuborderRow, SuborderRowLine

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADDRESS = {"name": "Ada Lovelace", "line1": "12 Pike St", "line2": "Apt 3", "city": "Seattle",
           "postal_code": "98101", "country": "US"}  # fmt: skip
_ids = itertools.count(5_000_001)


class FakeStaffOrderReads:
    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}  # by (normalised) email
        self.orders: dict[str, StaffOrder] = {}

    def add_customer(self, email: str) -> Customer:
        customer = Customer(next(_ids), email)
        self.customers[email] = customer
        return customer

    def add_order(
        self, customer: Customer, *, minutes: int = 0, status: str = "PENDING",
        parcel_status: str = "ASSIGNED", at: datetime | None = None,
    ) -> StaffOrder:  # fmt: skip
        order_id = uuid.uuid4().hex
        ordered_at = at or START + timedelta(minutes=minutes)
        parcel = SuborderRow(
            f"{order_id}-S1", order_id, 1, "Seattle", "Seattle, US", parcel_status, ordered_at,
            None, None, dict(ADDRESS), (SuborderRowLine(7, "Tea Tin", 1),),
        )  # fmt: skip
        order = StaffOrder(
            order_id=order_id,
            customer=customer,
            ordered_at=ordered_at,
            status=status,
            total=3_000,
            refunded=0,
            lines=(StaffOrderLine(7, "Tea Tin", 1, 3_000),),
            shipping_address=dict(ADDRESS),
            card_brand="visa",
            card_last4="4242",
            timeline=({"at": ordered_at.isoformat(), "event": "placed", "detail": ""},),
            suborders=(parcel,),
        )
        self.orders[order_id] = order
        return order

    def customer(self, email: str) -> Customer | None:
        return self.customers.get(email)

    def orders_of(self, customer_id: int, *, limit: int, after: Position | None) -> SummaryPage:
        theirs = sorted(
            (
                o
                for o in self.orders.values()
                if o.customer.customer_id == customer_id
                and (
                    after is None or (o.ordered_at, o.order_id) < (after.ordered_at, after.order_id)
                )
            ),
            key=lambda o: (o.ordered_at, o.order_id),
            reverse=True,
        )
        shown = tuple(o.summary for o in theirs[:limit])
        last = shown[-1] if len(theirs) > limit else None
        return SummaryPage(shown, Position(last.ordered_at, last.order_id) if last else None)

    def find(self, order_id: str) -> StaffOrder | None:
        return self.orders.get(order_id)  # a malformed id is simply no key here


class FakeStaffCancel:
    """Answers as scripted (`answer`); None means the workflow accepted, and then it does
    what the real one does to the order: CANCELLED, parcels stopped, refunded, the reason
    on the timeline."""

    def __init__(self, reads: FakeStaffOrderReads) -> None:
        self._reads = reads
        self.answer: Refused | WorkflowGone | None = None
        self.calls: list[tuple[int, str, str]] = []

    def cancel(self, customer_id: int, order_id: str, reason: str) -> Refused | WorkflowGone | None:
        self.calls.append((customer_id, order_id, reason))
        order = self._reads.orders[order_id]
        if self.answer is None and order.customer.customer_id == customer_id:
            cancelled = {"at": START.isoformat(), "event": "cancelled",
                         "detail": f"Cancelled by the store: {reason}"}  # fmt: skip
            self._reads.orders[order_id] = replace(
                order,
                status=OrderStatus.CANCELLED.value,
                refunded=order.total,
                timeline=(*order.timeline, cancelled),
                suborders=tuple(replace(s, status="CANCELLED") for s in order.suborders),
            )
        return self.answer
