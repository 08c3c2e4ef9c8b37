"""Checkout against a shopper who is not the owner, or who holds stock only to let it lapse
(docs/security.md): no card stored, no attempt used up, no endless holds."""

from __future__ import annotations

import pytest

from domain.refusals import RefusalKind
from domain.stock import Line
from payments.gateway import Card
from payments.sandbox import APPROVED_CARD, DECLINED_CARD
from tests.fakes.checkout import CheckoutWorld
from web.checkout import use_cases
from web.checkout_errors import CheckoutNotFound
from web.refusals import answer
from workflows.checkout_messages import ShippingAddress

pytestmark = pytest.mark.unit

ADA, BOB = 1, 2
ADDRESS = ShippingAddress("Bob", "1 Main St", "Seattle", "98101", "US")
UNKNOWN = "f" * 32


def entered(number: str = APPROVED_CARD) -> use_cases.PaymentEntered:
    return use_cases.PaymentEntered(Card(number, "12/39", "123", "Bob"), ADDRESS)


def begin(world: CheckoutWorld, user_id: int = ADA, item_id: int = 1) -> use_cases.Held:
    outcome = use_cases.begin(world.ports, user_id, [Line(item_id, 1)])
    assert isinstance(outcome, use_cases.Held), outcome
    return outcome


def test_a_card_sent_to_a_checkout_that_does_not_exist_is_never_stored():
    world = CheckoutWorld({1: 3})
    with pytest.raises(CheckoutNotFound):
        use_cases.pay(world.ports, BOB, UNKNOWN, entered(), place_order=False)
    assert world.vault.numbers == {}


def test_a_card_sent_to_another_shoppers_checkout_is_never_stored():
    world = CheckoutWorld({1: 3})
    checkout_id = begin(world, ADA).view.checkout_id
    with pytest.raises(CheckoutNotFound):
        use_cases.pay(world.ports, BOB, checkout_id, entered(), place_order=True)
    assert world.vault.numbers == {}


def test_a_card_sent_to_a_cancelled_checkout_is_never_stored():
    world = CheckoutWorld({1: 3})
    checkout_id = begin(world, ADA).view.checkout_id
    use_cases.cancel(world.ports, ADA, checkout_id)
    outcome = use_cases.pay(world.ports, ADA, checkout_id, entered(), place_order=False)
    assert isinstance(outcome, use_cases.Refused)
    assert outcome.kind is RefusalKind.CHECKOUT_CANCELLED
    assert world.vault.numbers == {}


def test_someone_else_cannot_use_up_the_owners_payment_attempts():
    world = CheckoutWorld({1: 3})
    checkout_id = begin(world, ADA).view.checkout_id
    for _ in range(20):
        with pytest.raises(CheckoutNotFound):
            use_cases.pay(world.ports, BOB, checkout_id, entered(DECLINED_CARD), place_order=False)

    tries = [
        use_cases.pay(world.ports, ADA, checkout_id, entered(DECLINED_CARD), place_order=False)
        for _ in range(5)
    ]
    assert all(isinstance(outcome, use_cases.Declined) for outcome in tries)


def test_holds_left_to_lapse_again_and_again_make_the_shopper_wait():
    world = CheckoutWorld({1: 3, 2: 3})
    for _ in range(5):  # production: 5 new holds of one item per hour
        checkout_id = begin(world, ADA).view.checkout_id
        world.clock.advance(5 * 60)  # the hold lapses (the fake expires it on its next read)
        assert world.checkouts.state(ADA, checkout_id).status.is_finished

    again = use_cases.begin(world.ports, ADA, [Line(1, 1)])

    assert isinstance(again, use_cases.Refused) and again.kind is RefusalKind.TOO_MANY_HOLDS
    assert answer(again.kind).status == 429 and again.retry_after and again.retry_after > 0
    assert "item 1" in again.message
    # Only that shopper, only that item.
    assert isinstance(use_cases.begin(world.ports, ADA, [Line(2, 1)]), use_cases.Held)
    assert isinstance(use_cases.begin(world.ports, BOB, [Line(1, 1)]), use_cases.Held)


def test_a_double_click_on_begin_joins_the_hold_and_is_not_counted_again():
    world = CheckoutWorld({1: 3})
    first = begin(world, ADA)
    for _ in range(3):  # within BEGIN's own limit (10 a minute)
        assert begin(world, ADA).view.checkout_id == first.view.checkout_id
    world.checkouts.cancel(ADA, first.view.checkout_id)
    for _ in range(4):  # four more new holds are still allowed this hour
        checkout_id = begin(world, ADA).view.checkout_id
        world.checkouts.cancel(ADA, checkout_id)
