"""Correcting a warehouse's stock down: n units off the shelf without an order (damaged,
lost, a recount), with who and why recorded in `stock_corrections` (docs/staff.md).

One transaction, the mirror of a restock (db/postgres/restock.py): warehouse physical −n,
warehouse available −n, aggregated −n. Taking the same n off both sides of I1 and I2
keeps them true. `domain.stock.removable_units` says how many may go: no more than the
warehouse has free (available) and no more than no one is promised (aggregated), read
under the rows' locks so no checkout or assignment can slip in between.

Lock order, as everywhere (db/postgres/locks.py): the warehouse_stock row first, then the
aggregated_stock row. aggregated_stock's trigger writes the stock_events outbox row the
relay turns into the live feed and Typesense's `in_stock` (docs/live-stock.md); the
portal also refreshes the search flag afterwards, as after a restock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.locks import lock_rows
from db.postgres.models import AggregatedStock, Item, StockCorrection, WarehouseStock
from db.postgres.restock import IdempotencyKeyReused, RestockError, item_at_warehouse
from db.postgres.timeouts import limit_transaction
from domain.stock import correction_problem, removable_units


class InvalidCorrection(RestockError):
    pass


class TooManyToRemove(RestockError):
    """More units than may leave the shelf; `removable` is how many may."""

    def __init__(self, message: str, removable: int) -> None:
        super().__init__(message)
        self.removable = removable


@dataclass(frozen=True)
class Correction:
    warehouse_id: int
    item_id: int
    item_name: str
    delta: int  # negative: units removed
    reason: str
    note: str
    user_id: int | None
    created_at: datetime
    physical_stock: int  # this warehouse, right after
    available_stock: int
    aggregated_stock: int
    replayed: bool = False  # the answer of an earlier correction with the same key


def correct_down(
    sessions: sessionmaker[Session],
    warehouse_id: int,
    item_id: int,
    units: int,
    *,
    reason: str,
    note: str = "",
    user_id: int | None,
    key: str | None = None,
) -> Correction:
    """Take `units` of `item_id` off `warehouse_id`'s shelf, or raise a RestockError
    (TooManyToRemove with how many may go). With a `key`, a retry answers the first
    correction (replayed) and removes nothing more."""
    problem = correction_problem(units, reason, note)
    if problem:
        raise InvalidCorrection(problem)
    with sessions.begin() as session:
        limit_transaction(session.connection())
        item_name = item_at_warehouse(session, warehouse_id, item_id)
        earlier = _earlier(session, warehouse_id, key, item_id, -units)
        if earlier is not None:
            return earlier
        shelf = session.scalars(
            select(WarehouseStock)
            .where(WarehouseStock.warehouse_id == warehouse_id, WarehouseStock.item_id == item_id)
            .with_for_update()
        ).one_or_none()
        aggregated = lock_rows(session, AggregatedStock, [item_id])
        available = shelf.available_stock if shelf else 0
        promised_to_no_one = aggregated[0].stock if aggregated else 0
        may_go = removable_units(available, promised_to_no_one)
        if units > may_go:
            raise TooManyToRemove(
                f"Only {may_go} unit(s) of {item_name} can be removed from this warehouse: "
                f"{available} are free on its shelf and {promised_to_no_one} are promised to "
                "no order or checkout across all warehouses.",
                may_go,
            )
        assert shelf is not None and aggregated  # may_go >= units >= 1
        shelf.physical_stock -= units
        shelf.available_stock -= units
        aggregated[0].stock -= units
        session.flush()
        row = session.scalar(
            insert(StockCorrection)
            .values(
                warehouse_id=warehouse_id,
                item_id=item_id,
                delta=-units,
                reason=reason,
                note=note,
                user_id=user_id,
                idempotency_key=key,
                physical_stock=shelf.physical_stock,
                available_stock=shelf.available_stock,
                aggregated_stock=aggregated[0].stock,
            )
            .returning(StockCorrection)
        )
        assert row is not None
        return _correction(row, item_name)


def recent_corrections(
    sessions: sessionmaker[Session], warehouse_id: int, limit: int = 10
) -> list[Correction]:
    """The warehouse's latest corrections, newest first."""
    with sessions() as session:
        rows = session.execute(
            select(StockCorrection, Item.name)
            .join(Item, Item.id == StockCorrection.item_id)
            .where(StockCorrection.warehouse_id == warehouse_id)
            .order_by(StockCorrection.created_at.desc(), StockCorrection.id.desc())
            .limit(limit)
        )
        return [_correction(row, name) for row, name in rows]


def _earlier(
    session: Session, warehouse_id: int, key: str | None, item_id: int, delta: int
) -> Correction | None:
    """The correction already recorded under this key, if any (then nothing moves again).

    A concurrent retry with the same key waits on the unique index at INSERT and then
    fails the transaction; its own retry finds the first one here."""
    if key is None:
        return None
    found = session.execute(
        select(StockCorrection, Item.name)
        .join(Item, Item.id == StockCorrection.item_id)
        .where(StockCorrection.warehouse_id == warehouse_id, StockCorrection.idempotency_key == key)
    ).one_or_none()
    if found is None:
        return None
    row, name = found
    if (row.item_id, row.delta) != (item_id, delta):
        raise IdempotencyKeyReused(
            f"This Idempotency-Key was already used to correct item {row.item_id} by "
            f"{row.delta}. Use a new key for a new correction."
        )
    correction = _correction(row, name)
    return Correction(**{**correction.__dict__, "replayed": True})


def _correction(row: StockCorrection, item_name: str) -> Correction:
    return Correction(
        warehouse_id=row.warehouse_id,
        item_id=row.item_id,
        item_name=item_name,
        delta=row.delta,
        reason=row.reason,
        note=row.note,
        user_id=row.user_id,
        created_at=(row.created_at or datetime.now(UTC)).astimezone(UTC),
        physical_stock=row.physical_stock,
        available_stock=row.available_stock,
        aggregated_stock=row.aggregated_stock,
    )
