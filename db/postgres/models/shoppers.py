"""A shopper's own rows: account, browser sessions, address book, cart."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from db.postgres.models.base import Base, timestamptz


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="shopper")
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    # Part of every API token's fingerprint: "sign out everywhere" and a password change
    # bump it, which revokes every token issued before.
    auth_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # A warehouse worker's warehouses (domain/roles.py); read only for that role.
    warehouse_links: Mapped[list[UserWarehouse]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        CheckConstraint("role IN ('shopper', 'warehouse', 'operator', 'admin')", name="role_known"),
    )


class UserWarehouse(Base):
    """A warehouse a warehouse worker may work in (domain/roles.py)."""

    __tablename__ = "user_warehouses"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    warehouse_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("warehouses.id", ondelete="CASCADE"), primary_key=True
    )


class UserSession(Base):
    """A signed-in browser. The cookie names the row; deleting it signs that browser out."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, 256 bits
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    # Idle expiry (SESSION_IDLE_SECONDS) counts from here; refreshed at most once a minute.
    last_seen_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())


class SavedAddress(Base):
    """An address-book entry: checked by domain/addresses.py before it is written, so the
    country is always an ISO 3166 alpha-2 code."""

    __tablename__ = "addresses"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(200))
    postal_code: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    # Set when a checkout ships to it: the payment page offers the last used first.
    last_used_at: Mapped[datetime | None] = mapped_column(timestamptz())

    __table_args__ = (Index("ix_addresses_user_id", "user_id"),)


class Cart(Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    lines: Mapped[list[CartLine]] = relationship(
        back_populates="cart", cascade="all, delete-orphan", order_by="CartLine.item_id"
    )


class CartLine(Base):
    __tablename__ = "cart_lines"

    cart_id: Mapped[int] = mapped_column(
        ForeignKey("carts.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer)

    cart: Mapped[Cart] = relationship(back_populates="lines")

    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)
