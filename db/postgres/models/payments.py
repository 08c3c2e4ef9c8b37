"""The payment ledger of the sandbox gateway (payments/sandbox.py).

A real processor keeps this on its side; the sandbox keeps it here so tests can prove
"never charged twice". Only brand and last four digits are stored, never a number."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, LargeBinary, String, func
from sqlalchemy.orm import Mapped, mapped_column

from db.postgres.models.base import Base, string_enum, timestamptz


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
    status: Mapped[ChargeStatus] = mapped_column(string_enum(ChargeStatus, "charge_status"))
    amount: Mapped[int] = mapped_column(Integer)  # cents
    refunded_amount: Mapped[int] = mapped_column(Integer, default=0)
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    decline_code: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    captured_at: Mapped[datetime | None] = mapped_column(timestamptz())
    voided_at: Mapped[datetime | None] = mapped_column(timestamptz())

    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint(
            "refunded_amount >= 0 AND refunded_amount <= amount", name="refund_within_amount"
        ),
    )


class VaultedCard(Base):
    """The sandbox gateway's card vault: it stands in for a processor's vault, which in
    production holds the card instead of our database. Rows live minutes (expires_at),
    and the CVC is erased by the first authorization attempt, as card rules demand.

    The number, expiry and name (`sealed_card`) and the CVC (`sealed_cvc`) are sealed
    with VAULT_KEYS (payments/vault_keys.py): SQL alone reads no digit of the card beyond
    the last four a receipt shows."""

    __tablename__ = "payment_methods"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "pm_…", the token
    sealed_card: Mapped[bytes] = mapped_column(LargeBinary)
    sealed_cvc: Mapped[bytes | None] = mapped_column(LargeBinary)
    card_brand: Mapped[str] = mapped_column(String(20))
    card_last4: Mapped[str] = mapped_column(String(4))
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(timestamptz(), index=True)


class PaymentRefund(Base):
    __tablename__ = "payment_refunds"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # "re_…"
    charge_id: Mapped[str] = mapped_column(ForeignKey("payment_charges.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    amount: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(timestamptz(), server_default=func.now())

    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)
