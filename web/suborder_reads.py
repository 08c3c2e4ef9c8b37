"""Suborders from PostgreSQL as the web shows them: one read model for two features.

A suborder is one order's share for one warehouse (`db.models.Suborder`, rows of
`warehouse_orders` and `warehouse_order_lines`). The shopper's order page shows it as
a parcel ("Ships from Seattle"); the warehouse portal shows it as a line of its queue.
Both read the same `SuborderRow`, written by the fulfilment activities and only read
here, joined to `warehouses` for the name and region people recognise.

Line names: the order page passes the names at purchase (the order's own lines), the
portal passes none and gets the catalogue's current name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.geocoding import locate
from db.models import Item, Suborder, SuborderLine, Warehouse
from domain.delivery import parcel_arrival_from
from domain.order import SuborderStatus


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


def suborders_of(
    session: Session, order_id: str, names_at_purchase: Mapping[int, str]
) -> tuple[SuborderRow, ...]:
    """Every suborder of the order (cancelled ones too), oldest first."""
    suborders = session.scalars(
        select(Suborder)
        .where(Suborder.order_id == order_id)
        .order_by(Suborder.created_at, Suborder.id)
    ).all()
    return tuple(suborder_rows(session, suborders, names_at_purchase))


def suborder_rows(
    session: Session,
    suborders: Sequence[Suborder],
    line_names: Mapping[int, str] | None = None,
) -> list[SuborderRow]:
    """The rows of these suborders, in the order given, with their lines and warehouse."""
    if not suborders:
        return []
    ids = [s.id for s in suborders]
    lines = _lines_by_suborder(session, ids, line_names or {})
    warehouses = {
        row.id: (row.name, row.region, (row.latitude, row.longitude))
        for row in session.execute(
            select(
                Warehouse.id,
                Warehouse.name,
                Warehouse.region,
                Warehouse.latitude,
                Warehouse.longitude,
            ).where(Warehouse.id.in_({s.warehouse_id for s in suborders}))
        )
    }
    return [
        SuborderRow(
            suborder_id=s.id,
            order_id=s.order_id,
            warehouse_id=s.warehouse_id,
            warehouse_name=warehouses[s.warehouse_id][0],
            warehouse_region=warehouses[s.warehouse_id][1],
            status=SuborderStatus(s.status).value,
            created_at=s.created_at.astimezone(UTC),
            shipped_at=_utc(s.shipped_at),
            delivered_at=_utc(s.delivered_at),
            shipping_address=dict(s.shipping_address or {}),
            lines=lines.get(s.id, ()),
            arrival_date=parcel_date(s, warehouses[s.warehouse_id][2]),
        )
        for s in suborders
    ]


def parcel_date(suborder: Suborder, warehouse: tuple[float, float]) -> date | None:
    """A parcel's date (docs/delivery.md): by when it arrives, the day it did, or None."""
    status = SuborderStatus(suborder.status)
    if status == SuborderStatus.CANCELLED:
        return None
    if status == SuborderStatus.DELIVERED and suborder.delivered_at is not None:
        return suborder.delivered_at.astimezone(UTC).date()
    address = locate(dict(suborder.shipping_address or {}))
    return parcel_arrival_from(suborder.created_at.astimezone(UTC).date(), warehouse, address)


def arrival_dates(session: Session, order_ids: Sequence[str]) -> dict[str, date]:
    """Each order's latest parcel date, for a page of orders in one query (orders not split
    yet, or wholly cancelled, are absent)."""
    if not order_ids:
        return {}
    latest: dict[str, date] = {}
    for suborder, latitude, longitude in session.execute(
        select(Suborder, Warehouse.latitude, Warehouse.longitude)
        .join(Warehouse, Warehouse.id == Suborder.warehouse_id)
        .where(Suborder.order_id.in_(order_ids))
    ):
        when = parcel_date(suborder, (latitude, longitude))
        if when is not None and (
            suborder.order_id not in latest or when > latest[suborder.order_id]
        ):
            latest[suborder.order_id] = when
    return latest


def _lines_by_suborder(
    session: Session, suborder_ids: list[str], names: Mapping[int, str]
) -> dict[str, tuple[SuborderRowLine, ...]]:
    found: dict[str, list[SuborderRowLine]] = {}
    for line, catalogue_name in session.execute(
        select(SuborderLine, Item.name)
        .join(Item, Item.id == SuborderLine.item_id)
        .where(SuborderLine.suborder_id.in_(suborder_ids))
        .order_by(SuborderLine.suborder_id, SuborderLine.item_id)
    ):
        found.setdefault(line.suborder_id, []).append(
            SuborderRowLine(line.item_id, names.get(line.item_id, catalogue_name), line.quantity)
        )
    return {suborder_id: tuple(lines) for suborder_id, lines in found.items()}


def _utc(instant: datetime | None) -> datetime | None:
    return None if instant is None else instant.astimezone(UTC)
