"""Suborders read from PostgreSQL into web/suborder_reads.py's `SuborderRow`.

Line names: the order page passes the names at purchase (the order's own lines), the
portal passes none and gets the catalogue's current name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.geo.geocoding import locate
from db.postgres.models import Item, Suborder, SuborderLine, Warehouse
from domain.delivery import parcel_arrival_from
from domain.order import SuborderStatus
from web.suborder_reads import SuborderRow, SuborderRowLine


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
