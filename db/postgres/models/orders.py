"""Orders, their lines, their suborders (one per warehouse) and what was bought together."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.postgres.models.base import Base, string_enum, timestamptz
from domain.order import OrderStatus, SuborderStatus


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checkout_id: Mapped[str] = mapped_column(String(64), unique=True)
    total: Mapped[int] = mapped_column(Integer)  # cents
    ordered_at: Mapped[datetime] = mapped_column(timestamptz())
    arrival_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[OrderStatus] = mapped_column(
        string_enum(OrderStatus, "order_status"), default=OrderStatus.PENDING
    )
    shipping_address: Mapped[dict] = mapped_column(JSONB)
    # Never a card number: the gateway's reference plus brand and last four.
    payment_reference: Mapped[str] = mapped_column(String(100))
    card_brand: Mapped[str | None] = mapped_column(String(20))
    card_last4: Mapped[str | None] = mapped_column(String(4))
    # [{at, event, detail}] newest last: placed, assigned, shipped, delivered, cancelled.
    timeline: Mapped[list] = mapped_column(JSONB, default=list)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.item_id"
    )

    __table_args__ = (
        CheckConstraint("total >= 0", name="total_not_negative"),
        # "My orders" walks this index newest first with a (ordered_at, id) cursor.
        Index("ix_orders_user_ordered", "user_id", "ordered_at", "id"),
    )


class OrderLine(Base):
    __tablename__ = "order_lines"

    order_id: Mapped[str] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)
    unit_price: Mapped[int] = mapped_column(Integer)  # cents at purchase time
    name: Mapped[str] = mapped_column(String(300))
    # Units taken off by "cancel the parcels that have not shipped" (docs/orders.md):
    # no longer ordered (invariant I1 counts quantity - cancelled_quantity), refunded.
    cancelled_quantity: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
        CheckConstraint(
            "cancelled_quantity >= 0 AND cancelled_quantity <= quantity",
            name="cancelled_quantity_within_quantity",
        ),
    )

    @property
    def kept_quantity(self) -> int:
        """What the order still ships of this line."""
        return self.quantity - self.cancelled_quantity


class Suborder(Base):
    """One order's share for one warehouse: the code says "suborder" everywhere."""

    # The tables keep the names the contract's (docs/contract.md) data model (the contract) gives them:
    # `warehouse_orders` and `warehouse_order_lines` are suborders and their lines.
    __tablename__ = "warehouse_orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    shipping_address: Mapped[dict] = mapped_column(JSONB)
    status: Mapped[SuborderStatus] = mapped_column(
        string_enum(SuborderStatus, "suborder_status"), default=SuborderStatus.ASSIGNED
    )
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    shipped_at: Mapped[datetime | None] = mapped_column(timestamptz())
    delivered_at: Mapped[datetime | None] = mapped_column(timestamptz())

    lines: Mapped[list[SuborderLine]] = relationship(
        back_populates="suborder", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_warehouse_orders_queue", "warehouse_id", "status", "created_at"),)


class SuborderLine(Base):
    __tablename__ = "warehouse_order_lines"  # see Suborder

    suborder_id: Mapped[str] = mapped_column(
        ForeignKey("warehouse_orders.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)

    suborder: Mapped[Suborder] = relationship(back_populates="lines")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)


class CoPurchase(Base):
    """In how many orders two items were bought together (both directions stored). Kept by
    the `order_lines_count_co_purchases` trigger (migration 0006_co_purchases), never by code."""

    __tablename__ = "co_purchases"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    other_item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    orders: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("orders > 0", name="orders_positive"),)
