"""Voiding a hold whose authorize answer was lost, on real PostgreSQL through the
sandbox gateway's ledger: found by its idempotency key, voided once, nothing else."""

from __future__ import annotations

import pytest

from db.postgres.engine import make_session_factory
from domain.checkout import payment_key
from payments.gateway import Card
from payments.sandbox import DECLINED_CARD, SandboxGateway
from tests.activities.test_checkout_activities import checkout_id
from tests.payments.vault import TEST_SEALER
from workflows.checkout_messages import VoidUnsettledRequest

pytestmark = pytest.mark.integration


def authorize(shop, checkout: str, number: str = "4242424242424242"):
    """What the lost call did at the gateway: the hold exists, nobody heard of it."""
    gateway = SandboxGateway(make_session_factory(shop.engine), TEST_SEALER)
    card = Card(number, "12/30", "123", "Ada")
    token = gateway.tokenize(card).id
    return gateway.authorize(payment_key(checkout, 1), 4_550, token, reference=checkout)


def test_a_hold_nobody_heard_of_is_found_by_its_key_and_voided_once(shop):
    checkout = checkout_id()
    held = authorize(shop, checkout)

    first = shop.activities.void_unsettled_payment(VoidUnsettledRequest(checkout, 1))
    again = shop.activities.void_unsettled_payment(VoidUnsettledRequest(checkout, 1))

    assert first.outcome == again.outcome == "VOIDED"
    status = shop.scalar("SELECT status FROM payment_charges WHERE id = :c", c=held.id)
    assert status == "VOIDED"


def test_nothing_is_voided_when_the_payment_never_reached_the_gateway(shop):
    checkout = checkout_id()
    answer = shop.activities.void_unsettled_payment(VoidUnsettledRequest(checkout, 1))
    assert answer.outcome == "NONE"
    assert shop.scalar("SELECT count(*) FROM payment_charges WHERE reference = :c", c=checkout) == 0


def test_a_declined_payment_has_no_hold_to_void(shop):
    checkout = checkout_id()
    authorize(shop, checkout, DECLINED_CARD.replace(" ", ""))

    answer = shop.activities.void_unsettled_payment(VoidUnsettledRequest(checkout, 1))

    assert answer.outcome == "NONE"
    statuses = shop.rows("SELECT status FROM payment_charges WHERE reference = :c", c=checkout)
    assert [row.status for row in statuses] == ["DECLINED"]
