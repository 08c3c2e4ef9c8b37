"""The sandbox vault keeps nothing readable: SQL alone sees no digit of a card but the last
four, the CVC goes at the first authorisation attempt whatever its outcome, keys rotate,
and the minutely sweep deletes expired cards."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from db.postgres.engine import make_session_factory
from payments.gateway import Card
from payments.sandbox import SandboxGateway
from payments.vault_keys import CardSealer, VaultKeyMissing, card_sealer
from tests import sweeps

pytestmark = pytest.mark.integration

NUMBER = "4539 1488 0343 6467"  # Luhn-valid Visa, digits found nowhere else in a row
DIGITS = NUMBER.replace(" ", "")
CVC = "871"
OLD, NEW = CardSealer(("o" * 40,)), CardSealer(("n" * 40, "o" * 40))


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _gateway(engine, sealer=OLD, clock=None) -> SandboxGateway:
    return SandboxGateway(
        make_session_factory(engine), sealer, clock=clock or (lambda: datetime.now(UTC))
    )


def _raw_row(engine, token: str) -> dict:
    with engine.connect() as conn:
        row = conn.execute(text("SELECT * FROM payment_methods WHERE id = :t"), {"t": token})
        return dict(row.one()._mapping)


def _dump(engine, token: str) -> str:
    with engine.connect() as conn:
        return conn.execute(
            text("SELECT p::text FROM payment_methods p WHERE id = :t"), {"t": token}
        ).scalar_one()


def test_sql_alone_reads_no_digit_of_the_card_nor_the_cvc(engine):
    token = _gateway(engine).tokenize(Card(NUMBER, "12/30", CVC, "Ada Lovelace")).id

    row, dump = _raw_row(engine, token), _dump(engine, token)

    windows = {DIGITS[i : i + 5] for i in range(len(DIGITS) - 4)}  # last4 alone may show
    for name, value in row.items():
        if isinstance(value, bytes | memoryview):
            raw = bytes(value)
            assert not any(w.encode() in raw for w in windows), name
            assert CVC.encode() not in raw and b"Ada" not in raw, name
        else:
            assert value != CVC, name
            assert not any(w in str(value) for w in windows), name
            assert "Ada" not in str(value), name
    assert DIGITS not in dump and DIGITS[:12] not in dump and "Lovelace" not in dump
    assert row["card_last4"] == "6467" and row["sealed_cvc"] is not None


def test_a_sealed_card_still_authorizes_after_rotation_and_not_without_its_key(engine):
    token = _gateway(engine, OLD).tokenize(Card(NUMBER, "12/30", CVC)).id

    auth = _gateway(engine, NEW).authorize(f"k-{uuid.uuid4().hex}", 500, token)
    assert auth.approved

    other = _gateway(engine, OLD).tokenize(Card(NUMBER, "12/30", CVC)).id
    with pytest.raises(VaultKeyMissing):
        _gateway(engine, CardSealer(("z" * 40,))).authorize(f"k-{uuid.uuid4().hex}", 500, other)


def test_a_sealed_card_moved_to_another_row_does_not_open():
    sealed = OLD.seal("4242", row_id="pm_a")
    assert OLD.open(sealed, row_id="pm_a") == "4242"
    with pytest.raises(Exception):  # noqa: B017 (cryptography's InvalidTag)
        OLD.open(sealed, row_id="pm_b")


def test_the_cvc_is_erased_even_when_the_attempt_is_refused_before_any_charge(engine):
    # Tokenised a minute before the card's last valid moment, authorised after it: the
    # attempt is refused (expired card) and must still take the CVC with it.
    clock = Clock(datetime(2030, 12, 31, 23, 59, tzinfo=UTC))
    gateway = _gateway(engine, clock=clock)
    token = gateway.tokenize(Card(NUMBER, "12/30", CVC)).id
    clock.now += timedelta(minutes=2)

    auth = gateway.authorize(f"k-{uuid.uuid4().hex}", 500, token)

    assert not auth.approved and auth.decline_code == "expired_card"
    assert _raw_row(engine, token)["sealed_cvc"] is None


def test_the_minutely_sweep_deletes_expired_cards(
    security_worker_settings, security_engine, checkout_worker
):
    settings = security_worker_settings
    # Sealed with the keys the workers hold, as the web tier does.
    gateway = _gateway(security_engine, card_sealer(settings))
    expired = gateway.tokenize(Card(NUMBER, "12/30", CVC)).id
    live = gateway.tokenize(Card(NUMBER, "12/30", CVC)).id
    with security_engine.begin() as conn:
        conn.execute(
            text(
                "UPDATE payment_methods SET expires_at = now() - interval '1 minute' WHERE id = :t"
            ),
            {"t": expired},
        )

    result = checkout_worker.run(sweeps.sweep_once(checkout_worker.client, settings))

    with security_engine.connect() as conn:
        left = set(
            conn.execute(
                text("SELECT id FROM payment_methods WHERE id = ANY(:ids)"),
                {"ids": [expired, live]},
            ).scalars()
        )
    assert left == {live}
    # The worker's own Schedule may have swept it first.
    assert result.expired_cards >= 0


def test_the_vault_column_names_say_nothing_is_clear(engine):
    with engine.connect() as conn:
        columns = conn.execute(
            text(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'payment_methods'"
            )
        ).scalars()
        assert not {c for c in columns if re.fullmatch(r"number|cvc|expiry|name", c)}
