"""Returns (docs/returns.md): one row per returned parcel, its lines, and the refund it
gave; and operators' refunds of any order or line.

A return belongs to one delivered suborder: its units go back to that suborder's
warehouse. `ReturnWorkflow` (id `return-<returnID>`) moves its status; the refund and
restock activities write `refund_id` and `restocked` once each, so a retried activity
finds its own earlier work here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.postgres.models.base import Base, string_enum, timestamptz
from domain.returns import ReturnStatus


class ProductReturn(Base):
    __tablename__ = "returns"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # A return goes with its order (tests and operators delete orders with their rows).
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    suborder_id: Mapped[str] = mapped_column(ForeignKey("warehouse_orders.id", ondelete="CASCADE"))
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    status: Mapped[ReturnStatus] = mapped_column(
        string_enum(ReturnStatus, "return_status"), default=ReturnStatus.AUTHORIZED
    )
    reason: Mapped[str] = mapped_column(String(500))
    refund_amount: Mapped[int] = mapped_column(Integer)  # cents: the lines at purchase prices
    refund_id: Mapped[str | None] = mapped_column(String(64))  # the gateway's, once refunded
    restocked: Mapped[bool] = mapped_column(default=False)  # the units are back on the shelf
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    received_at: Mapped[datetime | None] = mapped_column(timestamptz())
    refunded_at: Mapped[datetime | None] = mapped_column(timestamptz())

    lines: Mapped[list[ReturnLine]] = relationship(
        back_populates="product_return",
        cascade="all, delete-orphan",
        order_by="ReturnLine.item_id",
    )

    __table_args__ = (
        CheckConstraint("refund_amount >= 0", name="refund_not_negative"),
        # The portal lists a warehouse's returns waiting to be received, oldest first.
        Index("ix_returns_warehouse_queue", "warehouse_id", "status", "created_at"),
    )


class ReturnLine(Base):
    __tablename__ = "return_lines"

    return_id: Mapped[str] = mapped_column(
        ForeignKey("returns.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)  # cents, as the order line was bought

    product_return: Mapped[ProductReturn] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )


class StaffRefund(Base):
    """An operator's refund of an order or some of its lines, with a reason. Claimed
    under its Idempotency-Key before the gateway is asked (refund_id NULL until it has
    answered), so a retry with the same key completes the same refund, never a second."""

    __tablename__ = "staff_refunds"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(255))
    amount: Mapped[int] = mapped_column(Integer)  # cents
    lines: Mapped[list | None] = mapped_column(JSONB)  # [[itemID, quantity]]; None: all left
    reason: Mapped[str] = mapped_column(String(500))
    staff_user_id: Mapped[int] = mapped_column(BigInteger)
    refund_id: Mapped[str | None] = mapped_column(String(64))  # the gateway's, once it answered
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (
        UniqueConstraint("order_id", "idempotency_key", name="uq_staff_refunds_key"),
        CheckConstraint("amount > 0", name="amount_positive"),
    )
