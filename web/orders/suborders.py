"""An order's suborders from PostgreSQL: one parcel per warehouse, as the order page shows it.

The rows are written by the fulfilment activities (warehouse_orders and their lines);
this module only reads them, joined to `warehouses` for the name and region a shopper
recognises ("Ships from Seattle"). Line names come from the order's own lines (the
name at purchase), falling back to the catalogue's current name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Item, Warehouse, WarehouseOrder, WarehouseOrderLine


@dataclass(frozen=True)
class SuborderLineView:
    item_id: int
    name: str
    quantity: int


@dataclass(frozen=True)
class SuborderView:
    suborder_id: str
    warehouse_id: int
    warehouse_name: str
    warehouse_region: str
    status: str  # ASSIGNED | SHIPPED | DELIVERED | CANCELLED
    created_at: datetime
    shipped_at: datetime | None
    delivered_at: datetime | None
    lines: tuple[SuborderLineView, ...]

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)


def suborders_of(
    session: Session, order_id: str, names_at_purchase: Mapping[int, str]
) -> tuple[SuborderView, ...]:
    """Every suborder of the order (cancelled ones too), oldest first."""
    rows = session.execute(
        select(WarehouseOrder, Warehouse.name, Warehouse.region)
        .join(Warehouse, Warehouse.id == WarehouseOrder.warehouse_id)
        .where(WarehouseOrder.order_id == order_id)
        .order_by(WarehouseOrder.created_at, WarehouseOrder.id)
    ).all()
    if not rows:
        return ()
    lines = _lines_by_suborder(session, [row.WarehouseOrder.id for row in rows], names_at_purchase)
    return tuple(
        SuborderView(
            suborder_id=suborder.id,
            warehouse_id=suborder.warehouse_id,
            warehouse_name=name,
            warehouse_region=region,
            status=str(suborder.status),
            created_at=_utc(suborder.created_at),
            shipped_at=_utc(suborder.shipped_at),
            delivered_at=_utc(suborder.delivered_at),
            lines=lines.get(suborder.id, ()),
        )
        for suborder, name, region in rows
    )


def _lines_by_suborder(
    session: Session, suborder_ids: list[str], names_at_purchase: Mapping[int, str]
) -> dict[str, tuple[SuborderLineView, ...]]:
    found: dict[str, list[SuborderLineView]] = {}
    for line, catalogue_name in session.execute(
        select(WarehouseOrderLine, Item.name)
        .join(Item, Item.id == WarehouseOrderLine.item_id)
        .where(WarehouseOrderLine.warehouse_order_id.in_(suborder_ids))
        .order_by(WarehouseOrderLine.warehouse_order_id, WarehouseOrderLine.item_id)
    ):
        found.setdefault(line.warehouse_order_id, []).append(
            SuborderLineView(
                line.item_id, names_at_purchase.get(line.item_id, catalogue_name), line.quantity
            )
        )
    return {suborder_id: tuple(lines) for suborder_id, lines in found.items()}


def _utc(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(UTC)
