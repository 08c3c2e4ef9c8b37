"""Which checkout status moves count as which outcome (workflows/checkout_outcomes.py)."""

from __future__ import annotations

import pytest

from domain.checkout import CheckoutStatus as S
from workflows.checkout_outcomes import outcome_of

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("previous", "status", "outcome"),
    [
        (S.RESERVING, S.RESERVED, "begun"),
        (S.AUTHORIZING, S.RESERVED, None),  # back after a decline: not a new hold
        (S.AUTHORIZING, S.PAYMENT_AUTHORIZED, "paid"),
        (S.SUBMITTING, S.SUBMITTED, "submitted"),
        (S.RESERVED, S.EXPIRED, "expired"),
        (S.PAYMENT_AUTHORIZED, S.CANCELLED, "cancelled"),
        (S.RESERVING, S.OUT_OF_STOCK, None),
        (S.RESERVED, S.AUTHORIZING, None),
    ],
)
def test_outcome_of(previous, status, outcome):
    assert outcome_of(previous, status) == outcome
