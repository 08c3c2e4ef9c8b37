"""The orders' ports in memory (web/orders/ports.py): orders kept per shopper, read
newest first by (ordered_at, id) exactly as the SQL adapter walks its index, and an
order workflow whose answer to `cancel` a test scripts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.order import OPEN_SUBORDER_STATUSES, OrderStatus, unshipped_lines
from domain.stock import Line
from web.orders.ports import CancelledParcels, WorkflowGone
from web.orders.reads import ORDER_ID, OrdersPage, OrderView, Position
from web.refusals import Refused


class FakeOrderReads:
    def __init__(self) -> None:
        self.orders: dict[str, tuple[int, OrderView]] = {}  # order id -> (owner, order)

    def add(self, user_id: int, order: OrderView) -> OrderView:
        self.orders[order.order_id] = (user_id, order)
        return order

    def set_status(self, order_id: str, status: str) -> None:
        owner, order = self.orders[order_id]
        self.orders[order_id] = (owner, replace(order, status=status))

    def page(
        self,
        user_id: int,
        *,
        limit: int,
        after: Position | None,
        since: datetime | None,
        statuses: frozenset[OrderStatus] = frozenset(),
    ) -> OrdersPage:
        mine = [
            order
            for owner, order in self.orders.values()
            if owner == user_id
            and (since is None or order.ordered_at >= since)
            and (not statuses or order.status in statuses)
            and (after is None or (order.ordered_at, order.order_id) < tuple(_key(after)))
        ]
        mine.sort(key=lambda order: (order.ordered_at, order.order_id), reverse=True)
        shown = tuple(replace(order, suborders=()) for order in mine[:limit])
        last = shown[-1] if len(mine) > limit else None
        return OrdersPage(shown, Position(last.ordered_at, last.order_id) if last else None, limit)

    def find(self, user_id: int, order_id: str) -> OrderView | None:
        if not ORDER_ID.fullmatch(order_id):
            return None
        owner, order = self.orders.get(order_id, (None, None))
        return order if owner == user_id else None


def _key(position: Position) -> tuple[datetime, str]:
    return (position.ordered_at, position.order_id)


class FakeOrderClient:
    """Answers `cancel` as scripted (`answer`); None means the workflow accepted, and then
    it does what the real one does to the order row: marks it CANCELLED."""

    def __init__(self, reads: FakeOrderReads) -> None:
        self._reads = reads
        self.answer: Refused | WorkflowGone | None = None
        # cancel_unshipped: None means accepted (and done as the real workflow does it)
        self.unshipped_answer: Refused | WorkflowGone | None = None
        self.calls: list[tuple[int, str]] = []

    def cancel(self, user_id: int, order_id: str) -> Refused | WorkflowGone | None:
        self.calls.append((user_id, order_id))
        if self.answer is None:
            self._reads.set_status(order_id, "CANCELLED")
        return self.answer

    def cancel_unshipped(
        self, user_id: int, order_id: str
    ) -> CancelledParcels | Refused | WorkflowGone:
        """Accepted: the open parcels are CANCELLED, the rest of the lines taken off (the
        rule of domain.order) and refunded at their price, the order PARTLY_CANCELLED."""
        self.calls.append((user_id, order_id))
        if self.unshipped_answer is not None:
            return self.unshipped_answer
        owner, order = self._reads.orders[order_id]
        taken = {
            line.item_id: line.quantity
            for line in unshipped_lines(
                order.status,
                (Line(line.item_id, line.quantity) for line in order.lines),
                (
                    (s.status, [Line(line.item_id, line.quantity) for line in s.lines])
                    for s in order.suborders
                ),
            )
        }
        stopped = tuple(s for s in order.suborders if s.status in OPEN_SUBORDER_STATUSES)
        lines = tuple(
            replace(line, cancelled_quantity=taken.get(line.item_id, 0)) for line in order.lines
        )
        suborders = tuple(
            replace(s, status="CANCELLED") if s in stopped else s for s in order.suborders
        )
        done = replace(order, status="PARTLY_CANCELLED", lines=lines, suborders=suborders)
        self._reads.orders[order_id] = (owner, done)
        return CancelledParcels(tuple(s.suborder_id for s in stopped), done.cancelled_total)


def order_view(
    ordered_at: datetime,
    *,
    order_id: str | None = None,
    status: str = "PENDING",
    name: str = "Tea Tin",
    quantity: int = 1,
    unit_price: int = 1_500,
    suborders: tuple = (),
    timeline: tuple[dict, ...] = (),
) -> OrderView:
    """An order as the SQL adapter reads one: one line, shipped to Seattle, paid by visa."""
    import uuid
    from datetime import timedelta

    from web.orders.reads import OrderLineView

    return OrderView(
        order_id=order_id or uuid.uuid4().hex,
        checkout_id=uuid.uuid4().hex,
        ordered_at=ordered_at,
        arrival_date=(ordered_at + timedelta(days=5)).date(),
        status=status,
        total=unit_price * quantity,
        lines=(OrderLineView(7, name, quantity, unit_price),),
        shipping_address={
            "name": "Ada",
            "line1": "1 Main St",
            "city": "Seattle",
            "postal_code": "98101",
            "country": "US",
        },
        card_brand="visa",
        card_last4="4242",
        timeline=timeline,
        suborders=suborders,
    )
