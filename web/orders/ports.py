"""What the orders' use cases need: reading a shopper's orders, and asking an order's
workflow to cancel it (or the parcels that have not shipped). Adapters:
web/orders/adapters.py; fakes: tests/fakes/orders.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from domain.order import OrderStatus
from web.orders.reads import OrdersPage, OrderView, Position
from web.refusals import Refused


class OrderReads(Protocol):
    def page(
        self,
        user_id: int,
        *,
        limit: int,
        after: Position | None,
        since: datetime | None,
        statuses: frozenset[OrderStatus] = frozenset(),
    ) -> OrdersPage:
        """The shopper's orders placed at or after `since` (and in `statuses`, unless
        empty), newest first (ordered_at, id), strictly after `after`; `last` is set only
        when more follow."""

    def find(self, user_id: int, order_id: str) -> OrderView | None:
        """The order with its suborders if it is this shopper's; anyone else's is None."""


@dataclass(frozen=True)
class WorkflowGone:
    """No running order workflow answered: `started` says whether one ever existed."""

    started: bool


@dataclass(frozen=True)
class CancelledParcels:
    """The order workflow's answer to `cancel_unshipped`: the suborders it stopped and
    the cents refunded for every unit it took off."""

    suborder_ids: tuple[str, ...]
    refund: int


class OrderClient(Protocol):
    def cancel(self, user_id: int, order_id: str) -> Refused | WorkflowGone | None:
        """The order workflow's `cancel` update: None once it accepted and finished; a
        Refused (not_found, cannot_cancel with the workflow's code, unavailable) or
        WorkflowGone when there is no running workflow to ask."""

    def cancel_unshipped(
        self, user_id: int, order_id: str
    ) -> CancelledParcels | Refused | WorkflowGone:
        """The order workflow's `cancel_unshipped` update: what it cancelled once it
        finished (refund included); a Refused (not_found, cannot_cancel with the
        workflow's code, unavailable) or WorkflowGone when no running workflow answered."""
