"""The bundled sandbox gateway: test-card rules and a ledger in PostgreSQL.

Test cards (docs/contract.md §6):
    4242 4242 4242 4242   approved
    4000 0000 0000 0002   declined (card_declined)
    4000 0000 0000 9995   declined (insufficient_funds)
    any other Luhn-valid number with a valid expiry and CVC: approved

`tokenize` puts a card in the sandbox vault (table payment_methods, standing in for a
processor's vault) for VAULT_TTL and answers with a token; details that can never be
charged (bad number, expiry or CVC) are refused there, exactly like a processor's
client-side checks: nothing is written. The number, expiry, name and CVC are sealed
with VAULT_KEYS (payments/vault_keys.py). `authorize` takes the token, never the card,
and erases the CVC at the first attempt, whatever its outcome, in the transaction that
records the charge. `delete_expired` (run by the hold sweep every minute) deletes
cards past their expiry.

Every call runs in one transaction and is keyed so a repeat is harmless: authorize by
its idempotency key (UNIQUE), capture and void by the charge, refund by its own key.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, sessionmaker

from db.postgres.locks import lock_rows
from db.postgres.models import ChargeStatus, PaymentCharge, PaymentRefund, VaultedCard
from payments.cards import card_brand, card_problem, digits_only, last4
from payments.gateway import (
    PAYMENT_METHOD_UNUSABLE,
    Authorization,
    Capture,
    Card,
    ChargeAlreadyCaptured,
    ChargeNotCapturable,
    IdempotencyConflict,
    InvalidCard,
    PaymentMethod,
    Refund,
    RefundExceedsCharge,
    UnknownCharge,
    Void,
)
from payments.vault_keys import CardSealer

APPROVED_CARD = "4242424242424242"
DECLINED_CARD = "4000000000000002"
INSUFFICIENT_FUNDS_CARD = "4000000000009995"

CARD_DECLINED = "card_declined"
INSUFFICIENT_FUNDS = "insufficient_funds"

DECLINE_MESSAGES = {
    CARD_DECLINED: "Your card was declined. Try another card.",
    INSUFFICIENT_FUNDS: "Your card has insufficient funds. Try another card.",
    PAYMENT_METHOD_UNUSABLE: "Enter your card details again.",
}
# Long enough for a shopper to pay within the 5-minute hold (plus retries), short enough
# that a card does not linger: expired rows are deleted by the next tokenize and by
# the minutely sweep (activities/hold_sweep.py).
VAULT_TTL = timedelta(minutes=15)
_TEST_DECLINES = {DECLINED_CARD: CARD_DECLINED, INSUFFICIENT_FUNDS_CARD: INSUFFICIENT_FUNDS}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SandboxGateway:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        sealer: CardSealer,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self._sessions = sessions
        self._sealer = sealer
        self._clock = clock

    def tokenize(self, card: Card) -> PaymentMethod:
        now = self._clock()
        problem = card_problem(card.number, card.expiry, card.cvc, now)
        if problem is not None:
            raise InvalidCard(problem.code, problem.message)
        token = f"pm_{uuid.uuid4().hex}"
        details = {"number": digits_only(card.number), "expiry": card.expiry, "name": card.name}
        method = VaultedCard(
            id=token,
            sealed_card=self._sealer.seal(json.dumps(details), row_id=token),
            sealed_cvc=self._sealer.seal(card.cvc, row_id=token),
            card_brand=card_brand(card.number),
            card_last4=last4(card.number),
            expires_at=now + VAULT_TTL,
        )
        with self._sessions.begin() as session:
            session.execute(delete(VaultedCard).where(VaultedCard.expires_at < now))
            session.add(method)
        return PaymentMethod(method.id, method.card_brand, method.card_last4, method.expires_at)

    def delete_expired(self) -> int:
        """Delete every vaulted card past its expiry; how many went."""
        with self._sessions.begin() as session:
            result = session.execute(
                delete(VaultedCard).where(VaultedCard.expires_at < self._clock())
            )
            return result.rowcount or 0

    def authorize(
        self, idempotency_key: str, amount: int, payment_method_id: str, *, reference: str = ""
    ) -> Authorization:
        if amount < 0:
            raise ValueError(f"cannot authorize a negative amount: {amount}")
        with self._sessions.begin() as session:
            # The vault row's lock serializes attempts on one card: a concurrent call with
            # the same key waits here, then finds the first one's charge below.
            card = session.get(VaultedCard, payment_method_id, with_for_update=True)
            earlier = self._charge_by_key(session, idempotency_key)
            if earlier is not None:  # a retry: the first answer, even though the CVC is gone
                return _checked_repeat(earlier, idempotency_key, amount)
            unusable = _unusable(card, self._clock())
            if unusable is not None:
                return Authorization("", idempotency_key, False, amount, *unusable)
            assert card is not None and card.sealed_cvc is not None
            details = json.loads(self._sealer.open(card.sealed_card, row_id=card.id))
            cvc = self._sealer.open(card.sealed_cvc, row_id=card.id)
            # Card rules: no CVC kept after an authorisation attempt, whatever its outcome
            # (the refusal below included); it commits with this transaction.
            card.sealed_cvc = None
            problem = card_problem(details["number"], details["expiry"], cvc, self._clock())
            if problem is not None:
                return Authorization(
                    "",
                    idempotency_key,
                    False,
                    amount,
                    card.card_brand,
                    card.card_last4,
                    problem.code,
                    problem.message,
                )
            decline = _TEST_DECLINES.get(details["number"])
            # Another token used with the same key (a bug upstream) conflicts here.
            session.execute(
                insert(PaymentCharge)
                .values(
                    id=f"ch_{uuid.uuid4().hex}",
                    idempotency_key=idempotency_key,
                    reference=reference,
                    status=ChargeStatus.DECLINED if decline else ChargeStatus.AUTHORIZED,
                    amount=amount,
                    refunded_amount=0,
                    card_brand=card.card_brand,
                    card_last4=card.card_last4,
                    decline_code=decline,
                )
                .on_conflict_do_nothing(index_elements=["idempotency_key"])
            )
            return _checked_repeat(
                self._charge_by_key(session, idempotency_key), idempotency_key, amount
            )

    @staticmethod
    def _charge_by_key(session: Session, idempotency_key: str) -> PaymentCharge | None:
        return session.scalars(
            select(PaymentCharge).where(PaymentCharge.idempotency_key == idempotency_key)
        ).one_or_none()

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


def _checked_repeat(
    charge: PaymentCharge | None, idempotency_key: str, amount: int
) -> Authorization:
    assert charge is not None
    if charge.amount != amount:
        raise IdempotencyConflict(
            f"key {idempotency_key!r} was used for {charge.amount} cents, not {amount}"
        )
    return _authorization(charge)


def _unusable(card: VaultedCard | None, now: datetime) -> tuple | None:
    """(brand, last4, code, message) of a decline when the token cannot authorize."""
    if card is not None and card.sealed_cvc is not None and card.expires_at > now:
        return None
    brand, four = (card.card_brand, card.card_last4) if card is not None else ("card", "")
    code = PAYMENT_METHOD_UNUSABLE
    return brand, four, code, DECLINE_MESSAGES[code]


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
