"""Who may pay, place the order or cancel, and when; how a checkout moves between states."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from domain.checkout import (
    TRANSITIONS,
    CheckoutStatus,
    IllegalTransition,
    address_problem,
    cancel_refusal,
    deadline_after_authorization,
    estimated_arrival,
    from_iso,
    order_found,
    payment_key,
    payment_refusal,
    replaced_by_new_cart,
    submit_refusal,
    to_iso,
    transition,
)
from domain.stock import Line

pytestmark = pytest.mark.unit
S = CheckoutStatus
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
DEADLINE = NOW + timedelta(minutes=5)
ADA, BOB = 1, 2


def pay(status, *, caller=ADA, now=NOW, deadline=DEADLINE):
    return payment_refusal(status, owner=ADA, caller=caller, now=now, deadline=deadline)


def submit(status, *, caller=ADA, now=NOW, deadline=DEADLINE):
    return submit_refusal(status, owner=ADA, caller=caller, now=now, deadline=deadline)


def test_the_happy_path_is_a_chain_of_allowed_moves():
    status = S.RESERVING
    for target in (S.RESERVED, S.AUTHORIZING, S.PAYMENT_AUTHORIZED, S.SUBMITTING, S.SUBMITTED):
        status = transition(status, target)
    assert status.is_finished


def test_a_declined_card_takes_the_checkout_back_to_reserved():
    assert transition(S.AUTHORIZING, S.RESERVED) is S.RESERVED


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (S.RESERVED, S.SUBMITTED),  # no order without payment
        (S.AUTHORIZING, S.EXPIRED),  # the hold never lapses mid-payment
        (S.SUBMITTING, S.CANCELLED),
        (S.EXPIRED, S.RESERVED),  # finished is final
    ],
)
def test_moves_that_would_lose_money_or_stock_are_illegal(current, target):
    with pytest.raises(IllegalTransition):
        transition(current, target)


def test_an_order_found_while_giving_back_makes_the_checkout_submitted():
    for status in (S.RESERVED, S.PAYMENT_AUTHORIZED, S.SUBMITTING, S.EXPIRED, S.CANCELLED):
        assert order_found(status) is S.SUBMITTED
    for status in (S.RESERVING, S.OUT_OF_STOCK, S.FAILED):
        with pytest.raises(IllegalTransition):
            order_found(status)


def test_finished_states_lead_nowhere_and_only_holding_states_hold_stock():
    assert all(not TRANSITIONS[s] for s in S if s.is_finished)
    assert {s for s in S if s.holds_stock} == {
        S.RESERVED,
        S.AUTHORIZING,
        S.PAYMENT_AUTHORIZED,
        S.SUBMITTING,
    }


def test_a_payment_before_the_deadline_is_accepted():
    assert pay(S.RESERVED, now=DEADLINE - timedelta(milliseconds=1)) is None


def test_a_payment_at_or_after_the_deadline_is_refused_as_expired():
    refusal = pay(S.RESERVED, now=DEADLINE)
    assert refusal.kind == "CheckoutExpired" and "expired" in refusal.message


@pytest.mark.parametrize(
    ("status", "kind"),
    [
        (S.RESERVING, "CheckoutNotReady"),
        (S.AUTHORIZING, "PaymentInProgress"),
        (S.PAYMENT_AUTHORIZED, "AlreadyPaid"),
        (S.EXPIRED, "CheckoutExpired"),
        (S.CANCELLED, "CheckoutCancelled"),
        (S.SUBMITTED, "CheckoutOrdered"),
    ],
)
def test_a_payment_is_refused_when_the_checkout_cannot_take_one(status, kind):
    assert pay(status).kind == kind


def test_nobody_but_the_owner_may_pay_place_or_cancel_and_is_not_told_why_else():
    assert pay(S.EXPIRED, caller=BOB).kind == "CheckoutNotYours"
    assert submit(S.PAYMENT_AUTHORIZED, caller=BOB).kind == "CheckoutNotYours"
    assert cancel_refusal(S.RESERVED, owner=ADA, caller=BOB).kind == "CheckoutNotYours"


def test_the_order_can_be_placed_only_once_paid_and_a_repeat_is_allowed():
    assert submit(S.RESERVED).kind == "PaymentRequired"
    assert submit(S.AUTHORIZING).kind == "PaymentInProgress"
    assert submit(S.PAYMENT_AUTHORIZED) is None
    assert submit(S.SUBMITTING) is None and submit(S.SUBMITTED) is None
    assert submit(S.PAYMENT_AUTHORIZED, now=DEADLINE).kind == "CheckoutExpired"


def test_cancelling_is_allowed_until_the_order_is_placed_and_twice_is_fine():
    for status in (S.RESERVING, S.RESERVED, S.AUTHORIZING, S.PAYMENT_AUTHORIZED, S.CANCELLED):
        assert cancel_refusal(status, owner=ADA, caller=ADA) is None
    assert cancel_refusal(S.SUBMITTED, owner=ADA, caller=ADA).kind == "AlreadySubmitted"
    assert cancel_refusal(S.EXPIRED, owner=ADA, caller=ADA).kind == "CheckoutExpired"


def test_a_payment_authorized_just_before_the_deadline_leaves_a_minute_to_place_the_order():
    late = DEADLINE - timedelta(seconds=5)
    assert deadline_after_authorization(DEADLINE, late) == late + timedelta(seconds=60)
    assert deadline_after_authorization(DEADLINE, NOW) == DEADLINE


def test_each_payment_attempt_has_its_own_idempotency_key():
    assert payment_key("co-1", 1) != payment_key("co-1", 2)
    assert payment_key("co-1", 1) == payment_key("co-1", 1)
    with pytest.raises(ValueError):
        payment_key("co-1", 0)


def test_an_address_needs_name_street_city_postcode_and_country():
    good = {
        "name": "Ada",
        "line1": "1 Main St",
        "line2": "",
        "city": "Seattle",
        "postal_code": "98101",
        "country": "US",
    }
    assert address_problem(good) is None
    assert address_problem({**good, "city": "  "}) == "Shipping address: city is required."
    assert "too long" in address_problem({**good, "line2": "x" * 500})


def test_instants_cross_boundaries_as_iso_strings_with_an_offset():
    assert from_iso(to_iso(NOW)) == NOW
    with pytest.raises(ValueError):
        to_iso(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        from_iso("2026-01-01T00:00:00")


def test_before_the_split_delivery_is_promised_by_the_rules_latest_date():
    assert estimated_arrival(NOW) == date(2026, 12, 3)  # 8 days: docs/delivery.md


@pytest.mark.parametrize(
    ("status", "held", "wanted", "replaced"),
    [
        (CheckoutStatus.RESERVED, [Line(1, 2)], [Line(1, 2)], False),
        (CheckoutStatus.RESERVED, [Line(1, 2)], [Line(1, 1), Line(1, 1)], False),
        (CheckoutStatus.RESERVED, [Line(1, 2)], [Line(1, 3)], True),
        (CheckoutStatus.RESERVED, [Line(1, 2)], [Line(1, 2), Line(2, 1)], True),
        (CheckoutStatus.PAYMENT_AUTHORIZED, [Line(1, 2)], [Line(1, 3)], False),
        (CheckoutStatus.AUTHORIZING, [Line(1, 2)], [Line(2, 1)], False),
    ],
)
def test_only_an_unpaid_checkout_holding_another_cart_is_replaced(status, held, wanted, replaced):
    assert replaced_by_new_cart(status, held, wanted) is replaced
