"""The sandbox gateway's ledger on real PostgreSQL: test cards, idempotency, never charged twice."""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from db.postgres.engine import make_session_factory
from payments.gateway import (
    Card,
    ChargeAlreadyCaptured,
    ChargeNotCapturable,
    IdempotencyConflict,
    InvalidCard,
    RefundExceedsCharge,
)
from payments.sandbox import (
    APPROVED_CARD,
    DECLINED_CARD,
    INSUFFICIENT_FUNDS_CARD,
    VAULT_TTL,
    SandboxGateway,
)
from tests.payments.vault import TEST_SEALER

pytestmark = pytest.mark.integration
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.fixture
def gateway(engine):
    return SandboxGateway(make_session_factory(engine), TEST_SEALER, clock=lambda: NOW)


@pytest.fixture
def key():
    return f"test-{uuid.uuid4().hex}"


def card(number=APPROVED_CARD, expiry="12/30", cvc="123"):
    return Card(number, expiry, cvc, "Ada Shopper")


def vaulted(gateway, *args, **kwargs) -> str:
    """The card put in the vault: the token an authorize takes."""
    return gateway.tokenize(card(*args, **kwargs)).id


def ledger(engine, key_prefix: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT row_to_json(c)::text AS raw, c.* FROM payment_charges c WHERE idempotency_key LIKE :k"
            ),
            {"k": key_prefix + "%"},
        )
        return [dict(row._mapping) for row in rows]


def test_the_success_card_is_authorized_and_only_brand_and_last_four_are_stored(
    gateway, engine, key
):
    auth = gateway.authorize(
        key, 2_599, vaulted(gateway, "4242 4242 4242 4242", cvc="987"), reference="co-1"
    )

    assert (
        auth.approved and auth.id.startswith("ch_") and (auth.brand, auth.last4) == ("visa", "4242")
    )
    [row] = ledger(engine, key)
    assert (row["status"], row["amount"], row["card_last4"], row["reference"]) == (
        "AUTHORIZED",
        2_599,
        "4242",
        "co-1",
    )
    assert APPROVED_CARD not in row["raw"]
    # Random ids and timestamps may contain "987" by chance: look at whole values only.
    stored = json.loads(row["raw"]).values()
    assert "987" not in stored and 987 not in stored
    assert not any("cvc" in column or "number" in column for column in json.loads(row["raw"]))


@pytest.mark.parametrize(
    ("number", "code"),
    [(DECLINED_CARD, "card_declined"), (INSUFFICIENT_FUNDS_CARD, "insufficient_funds")],
)
def test_the_decline_cards_are_declined_with_their_reason_and_recorded(
    gateway, engine, key, number, code
):
    auth = gateway.authorize(key, 1_000, vaulted(gateway, number))

    assert not auth.approved and auth.decline_code == code and "Try another card" in auth.message
    assert [r["status"] for r in ledger(engine, key)] == ["DECLINED"]
    assert (
        gateway.authorize(key, 1_000, vaulted(gateway, APPROVED_CARD)) == auth
    )  # the key remembers the decline


def test_any_other_valid_card_is_authorized(gateway, key):
    assert (
        gateway.authorize(key, 1_000, vaulted(gateway, "5555 5555 5555 4444")).brand == "mastercard"
    )


@pytest.mark.parametrize(
    ("details", "code"),
    [
        ({"number": "4242424242424241"}, "invalid_number"),
        ({"expiry": "10/26"}, "expired_card"),
        ({"expiry": "2030-12"}, "invalid_expiry"),
        ({"cvc": "12"}, "invalid_cvc"),
    ],
)
def test_details_that_can_never_be_charged_are_refused_before_a_charge_exists(
    gateway, engine, key, details, code
):
    with pytest.raises(InvalidCard) as refused:
        gateway.tokenize(card(**details))

    assert refused.value.code == code
    assert ledger(engine, key) == []


def test_authorizing_again_with_the_same_key_returns_the_first_answer(gateway, engine, key):
    first = gateway.authorize(key, 1_000, vaulted(gateway))
    again = gateway.authorize(key, 1_000, vaulted(gateway))

    assert again == first and len(ledger(engine, key)) == 1


def test_the_same_key_for_another_amount_is_a_conflict(gateway, key):
    gateway.authorize(key, 1_000, vaulted(gateway))
    with pytest.raises(IdempotencyConflict):
        gateway.authorize(key, 1_001, vaulted(gateway))


def test_eight_simultaneous_authorizations_with_one_key_make_one_charge(gateway, engine, key):
    with ThreadPoolExecutor(max_workers=8) as pool:
        token = vaulted(gateway)
        answers = list(pool.map(lambda _: gateway.authorize(key, 1_000, token), range(8)))

    assert len({a.id for a in answers}) == 1 and len(ledger(engine, key)) == 1


def test_capturing_twice_captures_once(gateway, engine, key):
    auth = gateway.authorize(key, 1_000, vaulted(gateway))

    first, second = gateway.capture(auth.id), gateway.capture(auth.id)

    assert first == second and first.captured_at == NOW and first.amount == 1_000
    assert [r["status"] for r in ledger(engine, key)] == ["CAPTURED"]


def test_a_voided_authorization_cannot_be_captured_and_voiding_twice_is_harmless(
    gateway, engine, key
):
    auth = gateway.authorize(key, 1_000, vaulted(gateway))

    assert gateway.void(auth.id) == gateway.void(auth.id)
    with pytest.raises(ChargeNotCapturable):
        gateway.capture(auth.id)
    assert [r["status"] for r in ledger(engine, key)] == ["VOIDED"]


def test_a_declined_charge_cannot_be_captured(gateway, key):
    auth = gateway.authorize(key, 1_000, vaulted(gateway, DECLINED_CARD))
    with pytest.raises(ChargeNotCapturable):
        gateway.capture(auth.id)


def test_captured_money_is_refunded_not_voided_and_a_repeated_refund_pays_back_once(
    gateway, engine, key
):
    auth = gateway.authorize(key, 1_000, vaulted(gateway))
    gateway.capture(auth.id)

    with pytest.raises(ChargeAlreadyCaptured):
        gateway.void(auth.id)
    first = gateway.refund(f"{key}:refund", auth.id, 1_000)
    again = gateway.refund(f"{key}:refund", auth.id, 1_000)

    assert first == again
    [row] = ledger(engine, key)
    assert (row["status"], row["refunded_amount"]) == ("REFUNDED", 1_000)
    with pytest.raises(RefundExceedsCharge):
        gateway.refund(f"{key}:refund-2", auth.id, 1)


def test_a_partial_refund_leaves_the_charge_captured(gateway, engine, key):
    auth = gateway.authorize(key, 1_000, vaulted(gateway))
    gateway.capture(auth.id)

    gateway.refund(f"{key}:r1", auth.id, 400)

    [row] = ledger(engine, key)
    assert (row["status"], row["refunded_amount"]) == ("CAPTURED", 400)


def vault_row(engine, token: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM payment_methods WHERE id = :t"), {"t": token})
        found = row.one_or_none()
        return None if found is None else dict(found._mapping)


def test_the_cvc_is_erased_by_the_first_authorization_and_the_token_cannot_pay_again(
    gateway, engine, key
):
    token = vaulted(gateway, cvc="987")
    assert vault_row(engine, token)["sealed_cvc"] is not None

    first = gateway.authorize(key, 1_000, token)

    assert first.approved and vault_row(engine, token)["sealed_cvc"] is None
    assert gateway.authorize(key, 1_000, token) == first  # a retry still gets its answer
    again = gateway.authorize(f"{key}:2", 1_000, token)
    assert not again.approved and again.decline_code == "payment_method_unusable"
    assert len(ledger(engine, key)) == 1


def test_a_declined_card_loses_its_cvc_too(gateway, engine, key):
    token = vaulted(gateway, DECLINED_CARD)
    assert not gateway.authorize(key, 1_000, token).approved
    assert vault_row(engine, token)["sealed_cvc"] is None


def test_an_expired_or_unknown_token_is_declined_without_a_charge(engine, key):
    sessions = make_session_factory(engine)
    token = SandboxGateway(sessions, TEST_SEALER, clock=lambda: NOW).tokenize(card()).id
    later = SandboxGateway(
        sessions, TEST_SEALER, clock=lambda: NOW + VAULT_TTL + timedelta(seconds=1)
    )

    for used in (token, "pm_unknown"):
        auth = later.authorize(f"{key}:{used}", 1_000, used)
        assert not auth.approved and auth.decline_code == "payment_method_unusable"
    assert ledger(engine, key) == []
    later.tokenize(card())  # vaulting sweeps what expired
    assert vault_row(engine, token) is None
