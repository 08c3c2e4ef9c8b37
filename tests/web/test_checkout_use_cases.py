"""Checkout's use cases (web/checkout/use_cases.py) on the fakes of tests/fakes/checkout.py,
with the limits and the hold as production configures them (Settings.from_env({}))."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.checkout import CheckoutStatus, from_iso
from domain.refusals import RefusalKind
from domain.stock import Line, ShortLine
from payments.gateway import Card
from payments.sandbox import APPROVED_CARD, DECLINED_CARD
from tests.fakes.checkout import CheckoutWorld
from web.checkout import use_cases
from web.checkout_errors import CheckoutNotFound
from web.refusals import TABLE, answer
from workflows.checkout_messages import ShippingAddress

pytestmark = pytest.mark.unit

K = RefusalKind
S = CheckoutStatus
ADA, BOB = 1, 2
ADDRESS = ShippingAddress("Ada Shopper", "1 Main St", "Seattle", "98101", "US")


def card(number: str = APPROVED_CARD) -> use_cases.PaymentEntered:
    return use_cases.PaymentEntered(Card(number, "12/39", "123", "Ada"), ADDRESS)


def held(world: CheckoutWorld, user_id: int = ADA, lines=None) -> str:
    outcome = use_cases.begin(world.ports, user_id, lines or [Line(1, 1)])
    assert isinstance(outcome, use_cases.Held), outcome
    return outcome.view.checkout_id


def test_the_hold_lasts_as_long_as_production_configures_it_five_minutes():
    world = CheckoutWorld({1: 3})
    outcome = use_cases.begin(world.ports, ADA, [Line(1, 2)])

    assert isinstance(outcome, use_cases.Held)
    assert from_iso(outcome.view.expires_at) - world.clock() == timedelta(minutes=5)
    assert world.checkouts.stock == {1: 1}


def test_begin_without_lines_holds_the_shoppers_cart_and_an_empty_cart_is_refused():
    world = CheckoutWorld({1: 3, 2: 3})
    empty = use_cases.begin(world.ports, ADA)
    world.carts.carts[ADA] = [Line(2, 2)]
    outcome = use_cases.begin(world.ports, ADA)

    assert isinstance(empty, use_cases.Refused) and empty.kind is K.EMPTY_CART
    assert isinstance(outcome, use_cases.Held)
    assert [(line.item_id, line.quantity) for line in outcome.view.lines] == [(2, 2)]


def test_begin_names_every_unknown_item_and_holds_nothing():
    world = CheckoutWorld({1: 3})
    outcome = use_cases.begin(world.ports, ADA, [Line(1, 1), Line(77, 1), Line(55, 1)])

    assert isinstance(outcome, use_cases.Refused) and outcome.kind is K.UNKNOWN_ITEM
    assert outcome.details["itemIDs"] == [55, 77]
    assert world.checkouts.calls == [] and world.checkouts.stock == {1: 3}


def test_begin_refuses_more_units_of_one_item_than_production_allows():
    world = CheckoutWorld({1: 100})
    cap = world.limits.max_held_units_per_item
    outcome = use_cases.begin(world.ports, ADA, [Line(1, cap + 1)])

    assert isinstance(outcome, use_cases.Refused) and outcome.kind is K.TOO_MANY_UNITS
    assert isinstance(use_cases.begin(world.ports, ADA, [Line(1, cap)]), use_cases.Held)


def test_begin_reports_the_lines_that_ran_short():
    world = CheckoutWorld({1: 1, 2: 5})
    outcome = use_cases.begin(world.ports, ADA, [Line(1, 2), Line(2, 1)])

    assert isinstance(outcome, use_cases.Refused) and outcome.kind is K.CHECKOUT_OUT_OF_STOCK
    assert outcome.details["lines"] == (ShortLine(1, 2, 1),)
    assert world.checkouts.stock == {1: 1, 2: 5}


def test_a_payment_is_authorized_and_placed_in_one_step_for_the_page():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    outcome = use_cases.pay(world.ports, ADA, checkout_id, card(), place_order=True)

    assert isinstance(outcome, use_cases.Paid) and outcome.result.order_id
    assert world.checkouts.state(ADA, checkout_id).status is S.SUBMITTED


def test_a_declined_card_is_a_decline_and_the_hold_stays():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    outcome = use_cases.pay(world.ports, ADA, checkout_id, card(DECLINED_CARD), place_order=False)

    assert isinstance(outcome, use_cases.Declined) and not outcome.unavailable
    assert world.checkouts.state(ADA, checkout_id).status is S.RESERVED


def test_production_allows_five_payment_attempts_per_checkout_then_asks_to_wait():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    tries = [
        use_cases.pay(world.ports, ADA, checkout_id, card(DECLINED_CARD), place_order=False)
        for _ in range(6)
    ]

    assert all(isinstance(outcome, use_cases.Declined) for outcome in tries[:5])
    sixth = tries[5]
    assert isinstance(sixth, use_cases.Refused) and sixth.kind is K.TOO_MANY_PAYMENT_ATTEMPTS
    assert sixth.retry_after and sixth.retry_after > 0
    assert answer(sixth.kind).status == 429


def test_an_expired_hold_refuses_payment_with_the_refusal_the_checkout_closed_with():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    world.clock.advance(5 * 60)
    outcome = use_cases.pay(world.ports, ADA, checkout_id, card(), place_order=False)

    assert isinstance(outcome, use_cases.Refused) and outcome.kind is K.CHECKOUT_EXPIRED
    assert world.vault.numbers == {}  # nothing vaulted for a checkout that cannot be paid
    assert world.checkouts.stock == {1: 3}


def test_a_cancel_while_the_order_is_being_placed_is_refused_and_gives_nothing_back():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    assert isinstance(
        use_cases.pay(world.ports, ADA, checkout_id, card(), place_order=False), use_cases.Paid
    )
    world.checkouts.put_in(checkout_id, S.SUBMITTING)
    outcome = use_cases.cancel(world.ports, ADA, checkout_id)

    assert isinstance(outcome, use_cases.Refused) and outcome.kind is K.ALREADY_SUBMITTED
    assert answer(outcome.kind).status == 409
    assert world.checkouts.stock == {1: 2}  # still held for the order


def test_cancel_gives_the_stock_back_and_twice_is_fine_then_submit_says_cancelled():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    first = use_cases.cancel(world.ports, ADA, checkout_id)
    second = use_cases.cancel(world.ports, ADA, checkout_id)
    submitted = use_cases.submit(world.ports, ADA, checkout_id)

    assert isinstance(first, use_cases.Cancelled) and isinstance(second, use_cases.Cancelled)
    assert world.checkouts.stock == {1: 3}
    assert isinstance(submitted, use_cases.Refused) and submitted.kind is K.CHECKOUT_CANCELLED


def test_submit_and_cancel_without_an_id_act_on_the_open_checkout_or_say_there_is_none():
    world = CheckoutWorld({1: 3})
    none = use_cases.submit(world.ports, ADA, None)
    held(world)
    cancelled = use_cases.cancel(world.ports, ADA, None)

    assert isinstance(none, use_cases.Refused) and none.kind is K.NO_OPEN_CHECKOUT
    assert isinstance(cancelled, use_cases.Cancelled)
    assert cancelled.view.status is S.CANCELLED


def test_another_shoppers_checkout_is_not_found_for_read_pay_submit_and_cancel():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world, ADA)

    with pytest.raises(CheckoutNotFound):
        use_cases.read(world.ports, BOB, checkout_id)
    with pytest.raises(CheckoutNotFound):
        use_cases.pay(world.ports, BOB, checkout_id, card(), place_order=False)
    with pytest.raises(CheckoutNotFound):
        use_cases.submit(world.ports, BOB, checkout_id)
    with pytest.raises(CheckoutNotFound):
        use_cases.cancel(world.ports, BOB, checkout_id)
    assert world.checkouts.state(ADA, checkout_id).status is S.RESERVED


def test_every_refusal_has_one_status_and_code():
    assert set(TABLE) == set(RefusalKind)
    assert answer(K.CHECKOUT_NOT_YOURS).status == 404
    assert all(400 <= row.status < 600 for row in TABLE.values())


def test_paying_again_after_the_order_was_placed_answers_that_same_order():
    world = CheckoutWorld({1: 3})
    checkout_id = held(world)
    first = use_cases.pay(world.ports, ADA, checkout_id, card(), place_order=True)
    again = use_cases.pay(world.ports, ADA, checkout_id, card(), place_order=True)

    assert isinstance(first, use_cases.Paid) and first.result.order_id
    assert isinstance(again, use_cases.Paid) and again.result.order_id == first.result.order_id
    assert world.checkouts.stock == {1: 2}  # one order, one unit
