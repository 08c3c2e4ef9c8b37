"""Typed SQLAlchemy 2.0 models for every table in SPEC section 3.

Stock lives outside `items` on purpose: `aggregated_stock` is the number a shopper
can still reserve, `warehouse_stock` is what each warehouse holds. CHECK constraints
make the database itself refuse an oversell, whatever the code above it does.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from domain.order import OrderStatus, SuborderStatus

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ReservationState(enum.StrEnum):
    HELD = "HELD"
    CONSUMED = "CONSUMED"
    RELEASED = "RELEASED"


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    # Stored as VARCHAR + CHECK: adding a state later is a plain migration.
    return Enum(cls, name=name, native_enum=False, length=16, create_constraint=True)


def _now() -> DateTime:
    return DateTime(timezone=True)


class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(100), index=True)
    brand: Mapped[str] = mapped_column(String(100), index=True)
    price: Mapped[int] = mapped_column(Integer)  # cents
    rating: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    # From an imported product file (catalog/importer.py); None shows the placeholder.
    image_url: Mapped[str | None] = mapped_column(String(2000))

    stock: Mapped[AggregatedStock] = relationship(back_populates="item", uselist=False)

    __table_args__ = (
        CheckConstraint("price >= 0", name="price_not_negative"),
        CheckConstraint("rating >= 0 AND rating <= 5", name="rating_in_range"),
    )


class AggregatedStock(Base):
    __tablename__ = "aggregated_stock"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    stock: Mapped[int] = mapped_column(Integer)

    item: Mapped[Item] = relationship(back_populates="stock")

    __table_args__ = (CheckConstraint("stock >= 0", name="stock_not_negative"),)


class HotItem(Base):
    """An item in waiting-room mode (domain/waiting_room.py): its shoppers queue to buy."""

    __tablename__ = "hot_items"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    enabled_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    enabled_by: Mapped[int | None] = mapped_column(BigInteger)


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


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="shopper")
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    # Part of every API token's fingerprint: "sign out everywhere" and a password change
    # bump it, which revokes every token issued before.
    auth_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class UserSession(Base):
    """A signed-in browser. The cookie names the row; deleting it signs that browser out."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # random, 256 bits
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())


class Cart(Base):
    __tablename__ = "carts"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    updated_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())

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


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    checkout_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(_now())
    state: Mapped[ReservationState] = mapped_column(
        _enum(ReservationState, "reservation_state"), default=ReservationState.HELD
    )
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())

    __table_args__ = (
        # A retried reserve activity hits this and becomes a no-op.
        UniqueConstraint("checkout_id", "item_id", name="uq_reservations_checkout_item"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_reservations_item_state", "item_id", "state"),
    )


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checkout_id: Mapped[str] = mapped_column(String(64), unique=True)
    total: Mapped[int] = mapped_column(Integer)  # cents
    ordered_at: Mapped[datetime] = mapped_column(_now())
    arrival_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[OrderStatus] = mapped_column(
        _enum(OrderStatus, "order_status"), default=OrderStatus.PENDING
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

    order: Mapped[Order] = relationship(back_populates="lines")

    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("unit_price >= 0", name="unit_price_not_negative"),
    )


class Suborder(Base):
    """One order's share for one warehouse: the code says "suborder" everywhere."""

    # The tables keep the names SPEC.md's data model (the contract) gives them:
    # `warehouse_orders` and `warehouse_order_lines` are suborders and their lines.
    __tablename__ = "warehouse_orders"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"))
    shipping_address: Mapped[dict] = mapped_column(JSONB)
    status: Mapped[SuborderStatus] = mapped_column(
        _enum(SuborderStatus, "suborder_status"), default=SuborderStatus.ASSIGNED
    )
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    shipped_at: Mapped[datetime | None] = mapped_column(_now())
    delivered_at: Mapped[datetime | None] = mapped_column(_now())

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


class CatalogState(Base):
    """One row: the catalogue version (bumped on every load/reindex; part of search cache keys)."""

    __tablename__ = "catalog_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    version: Mapped[int] = mapped_column(BigInteger, default=1)
    collection: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())

    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)


# --- Payment ledger of the sandbox gateway (payments/sandbox.py) -----------------------
# A real processor keeps this on its side; the sandbox keeps it here so tests can prove
# "never charged twice". Only brand and last four digits are stored, never a number.


class ChargeStatus(enum.StrEnum):
    AUTHORIZED = "AUTHORIZED"
    DECLINED = "DECLINED"
    CAPTURED = "CAPTURED"
    VOIDED = "VOIDED"
    REFUNDED = "REFUNDED"  # fully refunded; a partial refund leaves it CAPTURED


class PaymentCharge(Base):
    __tablename__ = "payment_charges"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "ch_…", the authorization id
    # A retried authorize with the same key finds this row instead of charging again.
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    reference: Mapped[str] = mapped_column(String(64), index=True)  # the checkout id
    status: Mapped[ChargeStatus] = mapped_column(_enum(ChargeStatus, "charge_status"))
    amount: Mapped[int] = mapped_column(Integer)  # cents
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    decline_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    captured_at: Mapped[datetime | None] = mapped_column(_now())
    voided_at: Mapped[datetime | None] = mapped_column(_now())

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount", name="refund_within_amount"
        ),
    )


class VaultedCard(Base):
    """The sandbox gateway's card vault: it stands in for a processor's vault, which in
    production holds the card instead of our database. Rows live minutes (expires_at),
    and the CVC is erased by the first authorization, as card rules demand."""

    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "pm_…", the token
    number: Mapped[str] = mapped_column(String(19))
    expiry: Mapped[str] = mapped_column(String(7))
    cvc: Mapped[str | None] = mapped_column(String(4))
    name: Mapped[str] = mapped_column(String(200))
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(_now(), index=True)


class PaymentRefund(Base):
    __tablename__ = "payment_refunds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "re_…"
    charge_id: Mapped[str] = mapped_column(ForeignKey("payment_charges.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)


class RestockRecord(Base):
    """Every restock, and the Idempotency-Key it came with: a retried restock finds
    its first record here (same warehouse + key) and adds nothing (db/restock.py)."""

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
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())

    __table_args__ = (
        # NULL keys (restocks sent without one) never collide.
        UniqueConstraint("warehouse_id", "idempotency_key", name="uq_restocks_key"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )


# --- The shopper's own: saved addresses (web/account) -----------------------------------


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
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.now())
    # Set when a checkout ships to it: the payment page offers the last used first.
    last_used_at: Mapped[datetime | None] = mapped_column(_now())

    __table_args__ = (Index("ix_addresses_user_id", "user_id"),)


class CoPurchase(Base):
    """In how many orders two items were bought together (both directions stored). Kept by
    the `order_lines_count_co_purchases` trigger (migration 0005_shopper), never by code."""

    __tablename__ = "co_purchases"

    item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    other_item_id: Mapped[int] = mapped_column(
        ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    orders: Mapped[int] = mapped_column(Integer)

    __table_args__ = (CheckConstraint("orders > 0", name="orders_positive"),)


class StockEvent(Base):
    """One committed change of an item's aggregated stock, waiting for the relay.

    Written only by the trigger of migration 0007_live (never by application code);
    the relay (db.live_stock.relay) publishes the row to Redis and deletes it.
    """

    __tablename__ = "stock_events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    item_id: Mapped[int] = mapped_column(BigInteger)
    stock: Mapped[int] = mapped_column(Integer)
    crossed_zero: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(_now(), server_default=func.clock_timestamp())


class StockSearchPending(Base):
    """An item whose stock crossed zero and whose Typesense `in_stock` flag is not yet
    updated; `event_id` is the newest crossing, so a later one is never lost."""

    __tablename__ = "stock_search_pending"

    item_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger)
