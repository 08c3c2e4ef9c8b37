"""Which items have a waiting room (table `waiting_room_items`) and the stock figures
the admitter admits by."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from db.postgres.models import AggregatedStock, Item, Reservation, ReservationState, WaitingRoomItem


@dataclass(frozen=True)
class WaitingRoomItemRow:
    item_id: int
    name: str
    stock: int
    held: int


def item_exists(session: Session, item_id: int) -> bool:
    return session.get(Item, item_id) is not None


def set_hot(session: Session, item_id: int, enabled: bool, *, by: int | None) -> None:
    """Switch an item into waiting-room mode or out of it (idempotent)."""
    if enabled:
        session.execute(
            insert(WaitingRoomItem)
            .values(item_id=item_id, enabled_by=by)
            .on_conflict_do_nothing(index_elements=[WaitingRoomItem.item_id])
        )
    else:
        session.execute(delete(WaitingRoomItem).where(WaitingRoomItem.item_id == item_id))


def is_hot(session: Session, item_id: int) -> bool:
    return session.get(WaitingRoomItem, item_id) is not None


def hot_among(session: Session, item_ids: Iterable[int]) -> list[int]:
    """The hot ones of `item_ids`, in id order (one indexed lookup per BEGIN)."""
    wanted = sorted(set(item_ids))
    if not wanted:
        return []
    return list(
        session.scalars(
            select(WaitingRoomItem.item_id)
            .where(WaitingRoomItem.item_id.in_(wanted))
            .order_by(WaitingRoomItem.item_id)
        )
    )


def units_left_and_held(session: Session, item_id: int) -> tuple[int, int]:
    """(aggregated stock: what shoppers can still reserve, units in HELD reservations)."""
    stock = session.scalar(select(AggregatedStock.stock).where(AggregatedStock.item_id == item_id))
    held = session.scalar(
        select(func.coalesce(func.sum(Reservation.quantity), 0)).where(
            Reservation.item_id == item_id, Reservation.state == ReservationState.HELD
        )
    )
    return int(stock or 0), int(held or 0)


def list_hot(session: Session) -> list[WaitingRoomItemRow]:
    held = (
        select(Reservation.item_id, func.sum(Reservation.quantity).label("held"))
        .where(Reservation.state == ReservationState.HELD)
        .group_by(Reservation.item_id)
        .subquery()
    )
    rows = session.execute(
        select(
            WaitingRoomItem.item_id,
            Item.name,
            func.coalesce(AggregatedStock.stock, 0),
            func.coalesce(held.c.held, 0),
        )
        .join(Item, Item.id == WaitingRoomItem.item_id)
        .outerjoin(AggregatedStock, AggregatedStock.item_id == WaitingRoomItem.item_id)
        .outerjoin(held, held.c.item_id == WaitingRoomItem.item_id)
        .order_by(WaitingRoomItem.enabled_at.desc(), WaitingRoomItem.item_id)
    )
    return [WaitingRoomItemRow(int(i), name, int(s), int(h)) for i, name, s, h in rows]
