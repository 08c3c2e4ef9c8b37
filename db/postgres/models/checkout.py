"""Checkout: the stock a checkout holds while the shopper pays."""

from __future__ import annotations

import enum
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
from sqlalchemy.orm import Mapped, mapped_column

from db.postgres.models.base import Base, string_enum, timestamptz


class ReservationState(enum.StrEnum):
    HELD = "HELD"
    CONSUMED = "CONSUMED"
    RELEASED = "RELEASED"


class Reservation(Base):
    __tablename__ = "reservations"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    checkout_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(timestamptz())
    state: Mapped[ReservationState] = mapped_column(
        string_enum(ReservationState, "reservation_state"), default=ReservationState.HELD
    )
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (
        # A retried reserve activity hits this and becomes a no-op.
        UniqueConstraint("checkout_id", "item_id", name="uq_reservations_checkout_item"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        Index("ix_reservations_item_state", "item_id", "state"),
    )
