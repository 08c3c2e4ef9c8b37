"""Suborders read from PostgreSQL into web/suborder_reads.py's `SuborderRow`.

Line names: the order page passes the names at purchase (the order's own lines), the
portal passes none and gets the catalogue's current name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.postgres.models import Item, Suborder, SuborderLine, Warehouse
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
        row.id: (row.name, row.region)
        for row in session.execute(
            select(Warehouse.id, Warehouse.name, Warehouse.region).where(
                Warehouse.id.in_({s.warehouse_id for s in suborders})
            )
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
        )
        for s in suborders
    ]


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
