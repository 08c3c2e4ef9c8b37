"""Restock: n more units of an item on a warehouse's shelves.

One transaction (docs/contract.md §3, "restock of n units"): warehouse physical +n,
warehouse available +n, aggregated +n. Adding the same n to both sides of I1
(aggregated + held + unassigned == Σ available) and of I2 (physical − available ==
assigned-not-shipped) keeps both true after the commit, whatever checkouts and
orders run meanwhile: every one of their steps is itself one transaction on the same
rows, and row locks serialise them.

Lock order, as everywhere (db/postgres/locks.py, activities/fulfilment.py): the
warehouse_stock row first, then the aggregated_stock row. The warehouse_stock row is
written with one INSERT … ON CONFLICT DO UPDATE, which locks it (and creates it when
this warehouse never held the item); aggregated_stock is locked with `lock_rows`.

The search index's in-stock flag is set afterwards by `refresh_in_stock_flag`, outside
the transaction: Typesense is not part of it, and a failure there must not undo units
that are really on the shelf. It is logged and reported to the caller; the next
restock, or `shopflow catalog reindex`, sets the flag from PostgreSQL again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import httpx
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker
from typesense import exceptions as ts_errors

from db.postgres.locks import lock_rows
from db.postgres.models import AggregatedStock, Item, RestockRecord, Warehouse, WarehouseStock
from db.postgres.timeouts import limit_transaction
from db.search.index import SearchIndex

log = logging.getLogger(__name__)

# One restock is one delivery to one warehouse; more than this is a typo, not a pallet.
MAX_RESTOCK_QUANTITY = 10_000
MAX_BIGINT = 2**63 - 1  # items.id


class RestockError(ValueError):
    """A restock refused before anything was written; `str()` is for the warehouse worker."""


class UnknownWarehouse(RestockError):
    pass


class UnknownItem(RestockError):
    pass


class InvalidRestockQuantity(RestockError):
    pass


class WarehouseInactive(RestockError):
    pass


class IdempotencyKeyReused(RestockError):
    """The key was used before for another item or quantity at this warehouse."""


@dataclass(frozen=True)
class RestockResult:
    warehouse_id: int
    item_id: int
    item_name: str
    quantity: int
    physical_stock: int  # this warehouse, after the restock
    available_stock: int
    aggregated_stock: int  # what shoppers can reserve now, all warehouses
    replayed: bool = False  # the answer of an earlier restock with the same key


def check_quantity(quantity: int) -> int:
    if type(quantity) is not int or quantity <= 0:
        raise InvalidRestockQuantity("The quantity must be a whole number of at least 1.")
    if quantity > MAX_RESTOCK_QUANTITY:
        raise InvalidRestockQuantity(
            f"At most {MAX_RESTOCK_QUANTITY:,} units per restock; split bigger deliveries."
        )
    return quantity


def restock(
    sessions: sessionmaker[Session],
    warehouse_id: int,
    item_id: int,
    quantity: int,
    *,
    key: str | None = None,
) -> RestockResult:
    """Add `quantity` units of `item_id` to `warehouse_id`, or raise a RestockError.

    With an idempotency `key`, the units are added once per (warehouse, key): a repeat
    with the same item and quantity answers with the first restock's result (replayed),
    another item or quantity raises IdempotencyKeyReused. The key is claimed in the same
    transaction as the units, so no crash or Redis outage can add them twice.
    """
    check_quantity(quantity)
    with sessions.begin() as session:
        limit_transaction(session.connection())
        item_name = item_at_warehouse(session, warehouse_id, item_id)
        record = _claim(session, warehouse_id, item_id, quantity, key)
        if not isinstance(record, RestockRecord):
            return replace(record, item_name=item_name)
        shelf = session.execute(
            insert(WarehouseStock)
            .values(
                item_id=item_id,
                warehouse_id=warehouse_id,
                physical_stock=quantity,
                available_stock=quantity,
            )
            .on_conflict_do_update(
                index_elements=[WarehouseStock.item_id, WarehouseStock.warehouse_id],
                set_={
                    "physical_stock": WarehouseStock.physical_stock + quantity,
                    "available_stock": WarehouseStock.available_stock + quantity,
                },
            )
            .returning(WarehouseStock.physical_stock, WarehouseStock.available_stock)
        ).one()
        locked = lock_rows(session, AggregatedStock, [item_id])
        if locked:
            aggregated = locked[0]
            aggregated.stock += quantity
        else:  # an item the loader never gave a stock row: start counting here
            aggregated = AggregatedStock(item_id=item_id, stock=quantity)
            session.add(aggregated)
        session.flush()
        record.physical_stock = shelf.physical_stock
        record.available_stock = shelf.available_stock
        record.aggregated_stock = aggregated.stock
        return RestockResult(
            warehouse_id=warehouse_id,
            item_id=item_id,
            item_name=item_name,
            quantity=quantity,
            physical_stock=shelf.physical_stock,
            available_stock=shelf.available_stock,
            aggregated_stock=aggregated.stock,
        )


def item_at_warehouse(session: Session, warehouse_id: int, item_id: int) -> str:
    """The item's name, once the warehouse exists and is active and the item exists; else
    a RestockError. Restocks and corrections (db/postgres/stock_corrections.py) ask alike."""
    warehouse = session.get(Warehouse, warehouse_id)
    if warehouse is None:
        raise UnknownWarehouse(f"There is no warehouse {warehouse_id}.")
    if not warehouse.active:
        # Orders are never planned onto an inactive warehouse, so units there would
        # be promised to shoppers (aggregated) and never shipped.
        raise WarehouseInactive(f"Warehouse {warehouse.name} is not active.")
    item_name = None
    if 0 < item_id <= MAX_BIGINT:  # beyond it no item can exist (and PG would refuse it)
        item_name = session.scalar(select(Item.name).where(Item.id == item_id))
    if item_name is None:
        raise UnknownItem(f"There is no item {item_id} in the catalogue.")
    return item_name


def _claim(
    session: Session, warehouse_id: int, item_id: int, quantity: int, key: str | None
) -> RestockRecord | RestockResult:
    """This restock's record (to fill in), or the earlier answer under the same key.

    INSERT … ON CONFLICT DO NOTHING: a concurrent duplicate waits on the key's index
    entry until the first commits, then finds its record.
    """
    claimed = session.scalar(
        insert(RestockRecord)
        .values(
            warehouse_id=warehouse_id,
            item_id=item_id,
            quantity=quantity,
            idempotency_key=key,
            physical_stock=0,
            available_stock=0,
            aggregated_stock=0,
        )
        .on_conflict_do_nothing(index_elements=["warehouse_id", "idempotency_key"])
        .returning(RestockRecord.id)
    )
    if claimed is not None:
        return session.get_one(RestockRecord, claimed)
    earlier = session.scalars(
        select(RestockRecord).where(
            RestockRecord.warehouse_id == warehouse_id, RestockRecord.idempotency_key == key
        )
    ).one()
    if (earlier.item_id, earlier.quantity) != (item_id, quantity):
        raise IdempotencyKeyReused(
            f"This Idempotency-Key was already used to restock {earlier.quantity} of item "
            f"{earlier.item_id}. Use a new key for a new restock."
        )
    return RestockResult(
        warehouse_id=warehouse_id,
        item_id=item_id,
        item_name="",
        quantity=quantity,
        physical_stock=earlier.physical_stock,
        available_stock=earlier.available_stock,
        aggregated_stock=earlier.aggregated_stock,
        replayed=True,
    )


def refresh_in_stock_flag(
    sessions: sessionmaker[Session], index: SearchIndex, item_id: int
) -> bool:
    """Set the item's search in-stock flag from the committed aggregated stock.

    Read after the commit (not taken from the restock's own numbers) so that a sale
    that emptied the shelf a moment later is not overwritten with "in stock". Returns
    False, after logging, when Typesense could not be updated; never raises for that.
    """
    with sessions() as session:
        stock = session.scalar(
            select(AggregatedStock.stock).where(AggregatedStock.item_id == item_id)
        )
    try:
        updated = index.set_in_stock(item_id, (stock or 0) > 0)
    except (ts_errors.TypesenseClientError, httpx.HTTPError, OSError) as error:
        log.warning("restock of item %s: search in-stock flag not updated: %s", item_id, error)
        return False
    if not updated:
        log.warning("restock of item %s: not in the search index yet; flag not set", item_id)
    return updated
