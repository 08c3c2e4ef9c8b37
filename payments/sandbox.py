"""The bundled sandbox gateway: test-card rules and a ledger in PostgreSQL.

Test cards (SPEC section 6):
    4242 4242 4242 4242   approved
    4000 0000 0000 0002   declined (card_declined)
    4000 0000 0000 9995   declined (insufficient_funds)
    any other Luhn-valid number with a valid expiry and CVC: approved

Every call runs in one transaction and is keyed so a repeat is harmless: authorize by
its idempotency key (UNIQUE), capture and void by the charge, refund by its own key.
Details that can never be charged (bad number, expiry or CVC) are refused before a
charge exists, exactly like a processor's client-side checks: nothing is written.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from db.locks import lock_rows
from db.models import ChargeStatus, PaymentCharge, PaymentRefund
from payments.cards import card_brand, card_problem, digits_only, last4
from payments.gateway import (
    Authorization,
    Capture,
    Card,
    ChargeAlreadyCaptured,
    ChargeNotCapturable,
    IdempotencyConflict,
    Refund,
    RefundExceedsCharge,
    UnknownCharge,
    Void,
)

APPROVED_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"

CARD_DECLINED = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"

DECLINE_MESSAGES = {
    CARD_DECLINED: "Your card was declined. Try another card.",
    INSUFFICIENT_FUNDS: "Your card has insufficient funds. Try another card.",
}
_TEST_DECLINES = {DECLINED_CARD: CARD_DECLINED, INSUFFICIENT_FUNDS_CARD: INSUFFICIENT_FUNDS}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SandboxGateway:
    def __init__(
        self, sessions: sessionmaker[Session], clock: Callable[[], datetime] = _utcnow
    ) -> None:
        self._sessions = sessions
        self._clock = clock

    def authorize(
        self, idempotency_key: str, amount: int, card: Card, *, reference: str = ""
    ) -> Authorization:
        if amount < 0:
            raise ValueError(f"cannot authorize a negative amount: {amount}")
        brand, four = card_brand(card.number), last4(card.number)
        problem = card_problem(card.number, card.expiry, card.cvc, self._clock())
        if problem is not None:
            return Authorization(
                "", idempotency_key, False, amount, brand, four, problem.code, problem.message
            )
        decline = _TEST_DECLINES.get(digits_only(card.number))
        values = {
            "id": f"ch_{uuid.uuid4().hex}",
            "idempotency_key": idempotency_key,
            "reference": reference,
            "status": ChargeStatus.DECLINED if decline else ChargeStatus.AUTHORIZED,
            "amount": amount,
            "refunded_amount": 0,
            "card_brand": brand,
            "card_last4": four,
            "decline_code": decline,
        }
        with self._sessions.begin() as session:
            # A concurrent call with the same key waits here for the first to commit,
            # then conflicts and reads the first one's answer.
            session.execute(
                insert(PaymentCharge)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["idempotency_key"])
            )
            charge = session.scalars(
                select(PaymentCharge).where(PaymentCharge.idempotency_key == idempotency_key)
            ).one()
            if charge.amount != amount:
                raise IdempotencyConflict(
                    f"key {idempotency_key!r} was used for {charge.amount} cents, not {amount}"
                )
            return _authorization(charge)

    def find_authorization(self, idempotency_key: str) -> Authorization | None:
        with self._sessions() as session:
            charge = session.scalars(
                select(PaymentCharge).where(PaymentCharge.idempotency_key == idempotency_key)
            ).one_or_none()
            return None if charge is None else _authorization(charge)

    def capture(self, authorization_id: str) -> Capture:
        with self._sessions.begin() as session:
            charge = _locked_charge(session, authorization_id)
            if charge.status is ChargeStatus.AUTHORIZED:
                charge.status = ChargeStatus.CAPTURED
                charge.captured_at = self._clock()
            elif charge.status not in (ChargeStatus.CAPTURED, ChargeStatus.REFUNDED):
                raise ChargeNotCapturable(f"charge {authorization_id} is {charge.status}")
            return Capture(charge.id, charge.amount, charge.captured_at)

    def void(self, authorization_id: str) -> Void:
        with self._sessions.begin() as session:
            charge = _locked_charge(session, authorization_id)
            if charge.status is ChargeStatus.AUTHORIZED:
                charge.status = ChargeStatus.VOIDED
                charge.voided_at = self._clock()
            elif charge.status in (ChargeStatus.CAPTURED, ChargeStatus.REFUNDED):
                raise ChargeAlreadyCaptured(f"charge {authorization_id} was captured; refund it")
            held = charge.amount if charge.status is ChargeStatus.VOIDED else 0
            return Void(charge.id, held)

    def refund(self, idempotency_key: str, authorization_id: str, amount: int) -> Refund:
        if amount <= 0:
            raise ValueError(f"a refund must be positive: {amount}")
        with self._sessions.begin() as session:
            # The charge lock serializes refunds of one charge, so two keys cannot
            # both pass the "enough left" check.
            charge = _locked_charge(session, authorization_id)
            earlier = session.scalars(
                select(PaymentRefund).where(PaymentRefund.idempotency_key == idempotency_key)
            ).one_or_none()
            if earlier is not None:
                if (earlier.charge_id, earlier.amount) != (authorization_id, amount):
                    raise IdempotencyConflict(
                        f"refund key {idempotency_key!r} was used differently"
                    )
                return _refund(earlier)
            if charge.status not in (ChargeStatus.CAPTURED, ChargeStatus.REFUNDED):
                raise ChargeNotCapturable(
                    f"charge {authorization_id} is {charge.status}; nothing to refund"
                )
            if amount > charge.amount - charge.refunded_amount:
                raise RefundExceedsCharge(
                    f"charge {authorization_id}: {charge.amount - charge.refunded_amount} cents "
                    f"left to refund, asked {amount}"
                )
            refund = PaymentRefund(
                id=f"re_{uuid.uuid4().hex}",
                charge_id=charge.id,
                idempotency_key=idempotency_key,
                amount=amount,
            )
            session.add(refund)
            charge.refunded_amount += amount
            if charge.refunded_amount == charge.amount:
                charge.status = ChargeStatus.REFUNDED
            return _refund(refund)


def _locked_charge(session: Session, authorization_id: str) -> PaymentCharge:
    found = lock_rows(session, PaymentCharge, [authorization_id])
    if not found:
        raise UnknownCharge(f"no charge {authorization_id}")
    return found[0]


def _authorization(charge: PaymentCharge) -> Authorization:
    declined = charge.status is ChargeStatus.DECLINED
    return Authorization(
        id=charge.id,
        idempotency_key=charge.idempotency_key,
        approved=not declined,
        amount=charge.amount,
        brand=charge.card_brand,
        last4=charge.card_last4,
        decline_code=charge.decline_code if declined else None,
        message=DECLINE_MESSAGES.get(charge.decline_code or "") if declined else None,
    )


def _refund(refund: PaymentRefund) -> Refund:
    return Refund(refund.id, refund.charge_id, refund.idempotency_key, refund.amount)
