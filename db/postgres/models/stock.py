"""Stock: what a shopper can still reserve (`aggregated_stock`), what each warehouse
holds (`warehouse_stock`), restocks, and the outbox of stock changes for the relay.

CHECK constraints make the database itself refuse an oversell, whatever the code above
it does."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.postgres.models.base import Base, timestamptz

if TYPE_CHECKING:
    from db.postgres.models.catalog import Item


class AggregatedStock(Base):
    __tablename__ = "aggregated_stock"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    stock: Mapped[int] = mapped_column(Integer)

    item: Mapped[Item] = relationship(back_populates="stock")

    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)


class Warehouse(Base):
    __tablename__ = "warehouses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    region: Mapped[str] = mapped_column(String(100))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    active: Mapped[bool] = mapped_column(default=True)


class WarehouseStock(Base):
    __tablename__ = "warehouse_stock"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), primary_key=True)
    physical_stock: Mapped[int] = mapped_column(Integer)
    available_stock: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(
            "0 <= available_stock AND available_stock <= physical_stock",
            name="available_within_physical",
        ),
        Index("ix_warehouse_stock_warehouse_id", "warehouse_id"),
    )


class RestockRecord(Base):
    """Every restock, and the Idempotency-Key it came with: a retried restock finds
    its first record here (same warehouse + key) and adds nothing (db/postgres/restock.py)."""

    __tablename__ = "restocks"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    # A record goes with its item or warehouse (tests and catalogue reloads delete them).
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    quantity: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # The answer the restock gave (what the shelves held right after it).
    physical_stock: Mapped[int] = mapped_column(Integer)
    available_stock: Mapped[int] = mapped_column(Integer)
    aggregated_stock: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (
        # NULL keys (restocks sent without one) never collide.
        UniqueConstraint("warehouse_id", "idempotency_key", name="uq_restocks_key"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class StockEvent(Base):
    """One committed change of an item's aggregated stock, waiting for the relay.

    Written only by the trigger of migration 0008_stock_events (never by application code);
    the relay (db.redis.stock_relay) publishes the row to Redis and deletes it.
    """

    __tablename__ = "stock_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer)
    crossed_zero: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(
        timestamptz(), server_default=func.clock_timestamp()
    )


class StockSearchPending(Base):
    """An item whose stock crossed zero and whose Typesense `in_stock` flag is not yet
    updated; `event_id` is the newest crossing, so a later one is never lost."""

    __tablename__ = "stock_search_pending"

    item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)


class StockCorrection(Base):
    """Units taken off a warehouse's shelf without an order (damaged, lost, a recount), who
    took them and why (db/postgres/stock_corrections.py; docs/staff.md). A retried
    correction finds its first record here (same warehouse + Idempotency-Key)."""

    __tablename__ = "stock_corrections"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id", ondelete="CASCADE"))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"))
    delta: Mapped[int] = mapped_column(Integer)  # units added (negative: removed)
    reason: Mapped[str] = mapped_column(String(40))  # domain.stock.CorrectionReason
    note: Mapped[str] = mapped_column(String(300), default="")
    # Who: the staff account (kept if the account is deleted, as a plain number).
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    # What the shelves held right after it (the answer a retry gets again).
    physical_stock: Mapped[int] = mapped_column(Integer)
    available_stock: Mapped[int] = mapped_column(Integer)
    aggregated_stock: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("warehouse_id", "idempotency_key", name="uq_stock_corrections_key"),
        CheckConstraint("delta <> 0", name="delta_not_zero"),
        Index("ix_stock_corrections_warehouse_created", "warehouse_id", "created_at"),
    )
