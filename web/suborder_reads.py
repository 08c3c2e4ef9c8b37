"""Suborders from PostgreSQL as the web shows them: one read model for two features.

A suborder is one order's share for one warehouse (`db.postgres.models.Suborder`, rows of
`warehouse_orders` and `warehouse_order_lines`). The shopper's order page shows it as
a parcel ("Ships from Seattle"); the warehouse portal shows it as a line of its queue.
Both read the same `SuborderRow`, written by the fulfilment activities and only read
here, joined to `warehouses` for the name and region people recognise.

The rows are read from PostgreSQL by web/suborder_adapters.py (the orders' and the
warehouses' adapters call it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class SuborderRowLine:
    item_id: int
    name: str
    quantity: int


@dataclass(frozen=True)
class SuborderRow:
    suborder_id: str
    order_id: str
    warehouse_id: int
    warehouse_name: str
    warehouse_region: str
    status: str  # ASSIGNED | SHIPPED | DELIVERED | CANCELLED
    created_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    shipping_address: dict
    lines: tuple[SuborderRowLine, ...]
    # By when it arrives (docs/delivery.md); the day it did once delivered; None if cancelled.
    arrival_date: date | None = None

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)
