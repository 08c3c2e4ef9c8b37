"""What the warehouse portal reads from PostgreSQL (the source of truth), and the
parsing of ids, statuses, limits and cursors that select it.

Queues are oldest first: `(created_at, id)` keyset pagination over the
`ix_warehouse_orders_queue (warehouse_id, status, created_at)` index. The cursor is
that pair, base64-encoded; it is only a position, so a forged one can at worst skip
rows of a queue the caller may read anyway.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from db.postgres.models import Suborder, Warehouse
from domain.order import SuborderStatus as SS
from web import keyset
from web.errors import BadRequest
from web.suborder_adapters import suborder_rows
from web.suborder_reads import SuborderRow

DEFAULT_LIMIT = 50
MAX_LIMIT = 100
MAX_DB_INT = 2**31 - 1  # warehouses.id is an INTEGER column
STATUSES = ", ".join(status.value for status in SS)
# Suborder ids are `<orderID>-S<n>`; anything else (NUL bytes, 10 kB of text) is no id.
_SUBORDER_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


@dataclass(frozen=True)
class WarehouseView:
    id: int
    name: str
    region: str
    active: bool
    assigned: int  # suborders waiting to ship


@dataclass(frozen=True)
class SuborderPage:
    rows: tuple[SuborderRow, ...]
    next_cursor: str | None
    limit: int


# --- parsing ------------------------------------------------------------------------


def parse_warehouse_id(raw: str) -> int | None:
    """A path's warehouse id: 400 unless digits; None (a 404) when it cannot exist."""
    if not raw.isascii() or not raw.isdigit():
        raise BadRequest(f"Warehouse ids are whole numbers, not {raw[:20]!r}.")
    value = int(raw)
    return value if 0 < value <= MAX_DB_INT else None


def is_suborder_id(raw: str) -> bool:
    return bool(_SUBORDER_ID.match(raw))


def parse_status(raw: str | None) -> SS:
    if raw is None or raw == "":
        return SS.ASSIGNED
    try:
        return SS(raw.strip().upper())
    except ValueError:
        raise BadRequest(f"status must be one of {STATUSES}, got {raw[:20]!r}.") from None


def parse_limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise BadRequest(f"limit must be a whole number from 1 to {MAX_LIMIT}.")
    return int(raw)


def encode_cursor(row: SuborderRow) -> str:
    return keyset.encode_cursor(row.created_at, row.suborder_id)


def decode_cursor(raw: str | None) -> tuple[datetime, str] | None:
    return keyset.decode_cursor(raw, valid_key=is_suborder_id) if raw else None


# --- reads --------------------------------------------------------------------------


def list_warehouses(session: Session) -> list[WarehouseView]:
    waiting = (
        select(Suborder.warehouse_id, func.count().label("n"))
        .where(Suborder.status == SS.ASSIGNED)
        .group_by(Suborder.warehouse_id)
        .subquery()
    )
    rows = session.execute(
        select(Warehouse, func.coalesce(waiting.c.n, 0))
        .outerjoin(waiting, waiting.c.warehouse_id == Warehouse.id)
        .order_by(Warehouse.id)
    )
    return [_warehouse(w, n) for w, n in rows]


def find_warehouse(session: Session, warehouse_id: int) -> WarehouseView | None:
    warehouse = session.get(Warehouse, warehouse_id)
    if warehouse is None:
        return None
    assigned = session.scalar(
        select(func.count())
        .select_from(Suborder)
        .where(Suborder.warehouse_id == warehouse_id, Suborder.status == SS.ASSIGNED)
    )
    return _warehouse(warehouse, assigned or 0)


def list_suborders(
    session: Session,
    warehouse_id: int,
    status: SS,
    *,
    limit: int = DEFAULT_LIMIT,
    after: tuple[datetime, str] | None = None,
) -> SuborderPage:
    """One page of a warehouse's suborders in `status`, oldest first."""
    query = select(Suborder).where(Suborder.warehouse_id == warehouse_id, Suborder.status == status)
    if after is not None:
        query = query.where(tuple_(Suborder.created_at, Suborder.id) > after)
    found = list(session.scalars(query.order_by(Suborder.created_at, Suborder.id).limit(limit + 1)))
    rows = suborder_rows(session, found[:limit])
    next_cursor = encode_cursor(rows[-1]) if len(found) > limit else None
    return SuborderPage(tuple(rows), next_cursor, limit)


def find_suborder(session: Session, warehouse_id: int, suborder_id: str) -> SuborderRow | None:
    """The suborder if it belongs to this warehouse (another warehouse's is None too)."""
    if not is_suborder_id(suborder_id):
        return None
    suborder = session.get(Suborder, suborder_id, populate_existing=True)
    if suborder is None or suborder.warehouse_id != warehouse_id:
        return None
    return suborder_rows(session, [suborder])[0]


def suborder_statuses(session: Session, suborder_ids: Sequence[str]) -> dict[str, str]:
    if not suborder_ids:
        return {}
    rows = session.execute(
        select(Suborder.id, Suborder.status).where(Suborder.id.in_(list(suborder_ids)))
    )
    return {row.id: SS(row.status).value for row in rows}


def _warehouse(warehouse: Warehouse, assigned: int) -> WarehouseView:
    return WarehouseView(
        warehouse.id, warehouse.name, warehouse.region, bool(warehouse.active), int(assigned)
    )
