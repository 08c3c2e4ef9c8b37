"""The checkout activities on real PostgreSQL: all-or-nothing holds, retries that change
nothing, one order and one capture per checkout, and the books balancing after each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.exceptions import ApplicationError

from db.postgres.engine import make_session_factory
from domain.checkout import to_iso
from domain.stock import Line
from payments.gateway import Card
from payments.sandbox import DECLINED_CARD, INSUFFICIENT_FUNDS_CARD, SandboxGateway
from tests.activities.conftest import USER
from tests.payments.vault import TEST_SEALER
from workflows.checkout_messages import (
    AuthorizeRequest,
    PaymentMethod,
    ReleaseRequest,
    ReserveRequest,
    ShippingAddress,
    SubmitOrderRequest,
    VoidPaymentRequest,
)

pytestmark = pytest.mark.integration
A, B, C = 910001, 910002, 910003
HOLD = timedelta(minutes=5)
ADDRESS = ShippingAddress("Ada Shopper", "1 Main St", "Seattle", "98101", "US")


def checkout_id() -> str:
    return f"co-test-{uuid.uuid4().hex}"


def now() -> datetime:
    # Read when a request is built, never at import: a hold that expired while the suite
    # ran would be an I3 violation ("a HELD reservation whose checkout ended").
    return datetime.now(UTC)


def reserve_request(checkout: str, lines: dict[int, int]) -> ReserveRequest:
    return ReserveRequest(
        checkout, tuple(Line(i, q) for i, q in lines.items()), to_iso(now() + HOLD)
    )


def business_error(call) -> ApplicationError:
    with pytest.raises(ApplicationError) as raised:
        call()
    assert raised.value.non_retryable
    return raised.value


def reservation_states(shop, checkout: str) -> dict[int, str]:
    return dict(
        shop.rows("SELECT item_id, state FROM reservations WHERE checkout_id = :c", c=checkout)
    )


def vaulted(shop, number: str) -> PaymentMethod:
    """What the web tier does before a workflow sees the card: put it in the gateway's vault."""
    gateway = SandboxGateway(make_session_factory(shop.engine), TEST_SEALER)
    method = gateway.tokenize(Card(number, "12/30", "123", "Ada"))
    return PaymentMethod(method.id, method.brand, method.last4)


def paid_and_reserved(shop, lines: dict[int, int]):
    checkout = checkout_id()
    reserved = shop.activities.reserve(reserve_request(checkout, lines))
    amount = sum(line.unit_price * line.quantity for line in reserved.lines)
    auth = shop.activities.authorize_payment(
        AuthorizeRequest(checkout, 1, amount, vaulted(shop, "4242424242424242"))
    )
    return checkout, reserved, auth


def order_request(checkout, reserved, auth) -> SubmitOrderRequest:
    return SubmitOrderRequest(
        checkout_id=checkout,
        order_id=uuid.uuid4().hex,
        user_id=USER,
        lines=reserved.lines,
        shipping_address=ADDRESS,
        authorization=auth,
        ordered_at=to_iso(now()),
    )


def test_reserving_holds_every_line_and_reads_the_prices_the_order_will_use(
    shop, assert_invariants
):
    checkout = checkout_id()

    reserved = shop.activities.reserve(reserve_request(checkout, {B: 2, A: 1}))

    assert [(line.item_id, line.quantity, line.unit_price) for line in reserved.lines] == [
        (A, 1, 1_999),
        (B, 2, 4_550),
    ]
    assert (shop.stock(A), shop.stock(B)) == (9, 8)
    assert reservation_states(shop, checkout) == {A: "HELD", B: "HELD"}
    assert_invariants()


def test_one_short_line_holds_nothing_and_every_short_line_is_reported(shop, assert_invariants):
    shop.set_stock(A, 1)
    shop.set_stock(C, 0)
    checkout = checkout_id()

    error = business_error(
        lambda: shop.activities.reserve(reserve_request(checkout, {A: 2, B: 1, C: 1}))
    )

    assert error.type == "OutOfStock"
    assert list(error.details) == [
        {"itemID": A, "asked": 2, "left": 1},
        {"itemID": C, "asked": 1, "left": 0},
    ]
    assert (shop.stock(A), shop.stock(B), shop.stock(C)) == (1, 10, 0)
    assert reservation_states(shop, checkout) == {}
    assert_invariants()


def test_a_retried_reserve_holds_the_stock_once_and_answers_the_same(shop, assert_invariants):
    checkout = checkout_id()

    first = shop.activities.reserve(reserve_request(checkout, {A: 3}))
    again = shop.activities.reserve(reserve_request(checkout, {A: 3}))

    assert first == again and shop.stock(A) == 7
    assert_invariants()


def test_an_unknown_item_is_refused_without_holding_anything(shop, assert_invariants):
    error = business_error(
        lambda: shop.activities.reserve(reserve_request(checkout_id(), {A: 1, 999_999_999: 1}))
    )

    assert error.type == "UnknownItem" and list(error.details) == [999_999_999]
    assert shop.stock(A) == 10
    assert_invariants()


def test_a_cart_with_an_absurd_quantity_is_refused(shop):
    error = business_error(
        lambda: shop.activities.reserve(reserve_request(checkout_id(), {A: 1_000}))
    )

    assert error.type == "InvalidCart" and shop.stock(A) == 10


def test_releasing_twice_gives_the_stock_back_once(shop, assert_invariants):
    checkout = checkout_id()
    shop.activities.reserve(reserve_request(checkout, {A: 2, B: 1}))

    first = shop.activities.release(ReleaseRequest(checkout))
    again = shop.activities.release(ReleaseRequest(checkout))

    assert first.released == (Line(A, 2), Line(B, 1)) and again.released == ()
    assert (shop.stock(A), shop.stock(B)) == (10, 10)
    assert reservation_states(shop, checkout) == {A: "RELEASED", B: "RELEASED"}
    assert_invariants()


def test_a_declined_card_is_a_business_error_that_keeps_the_bank_reason_to_the_ledger(shop):
    checkout = checkout_id()

    error = business_error(
        lambda: shop.activities.authorize_payment(
            AuthorizeRequest(checkout, 1, 1_999, vaulted(shop, DECLINED_CARD))
        )
    )

    assert error.type == "PaymentDeclined" and error.details[0]["code"] == "card_declined"
    assert error.details[0]["last4"] == "0002"


def test_insufficient_funds_is_told_to_the_shopper_as_a_plain_decline(shop):
    checkout = checkout_id()

    error = business_error(
        lambda: shop.activities.authorize_payment(
            AuthorizeRequest(checkout, 1, 1_999, vaulted(shop, INSUFFICIENT_FUNDS_CARD))
        )
    )

    assert error.details[0]["code"] == "card_declined" and "funds" not in str(error.details)
    ledger = shop.scalar(
        "SELECT decline_code FROM payment_charges WHERE reference = :c", c=checkout
    )
    assert ledger == "insufficient_funds"


def test_submitting_twice_writes_one_order_and_captures_once(shop, assert_invariants):
    checkout, reserved, auth = paid_and_reserved(shop, {A: 2, B: 1})
    with shop.engine.begin() as conn:  # a price change after BEGIN does not reach this order
        conn.exec_driver_sql(f"UPDATE items SET price = 1 WHERE id = {A}")
    request = order_request(checkout, reserved, auth)

    first = shop.activities.submit_order(request)
    again = shop.activities.submit_order(order_request(checkout, reserved, auth))

    assert (
        first.created and not again.created and again.order_id == first.order_id == request.order_id
    )
    assert first.total == 2 * 1_999 + 4_550
    order = shop.rows(
        "SELECT status, total, payment_reference, card_last4 FROM orders WHERE checkout_id = :c",
        c=checkout,
    )
    assert [tuple(row) for row in order] == [
        ("PENDING", first.total, auth.authorization_id, "4242")
    ]
    lines = shop.rows(
        "SELECT item_id, quantity, unit_price FROM order_lines WHERE order_id = :o ORDER BY item_id",
        o=first.order_id,
    )
    assert [tuple(row) for row in lines] == [(A, 2, 1_999), (B, 1, 4_550)]
    charges = shop.rows("SELECT status FROM payment_charges WHERE reference = :c", c=checkout)
    assert [row.status for row in charges] == ["CAPTURED"]
    assert reservation_states(shop, checkout) == {A: "CONSUMED", B: "CONSUMED"}
    cart = shop.rows(
        "SELECT cl.item_id FROM cart_lines cl JOIN carts c ON c.id = cl.cart_id WHERE c.user_id = :u",
        u=USER,
    )
    assert [row.item_id for row in cart] == [C]  # only the ordered items left the cart
    assert (shop.stock(A), shop.stock(B)) == (8, 9)
    assert_invariants()


def test_releasing_after_the_order_was_written_changes_nothing_and_names_the_order(
    shop, assert_invariants
):
    checkout, reserved, auth = paid_and_reserved(shop, {A: 1})
    placed = shop.activities.submit_order(order_request(checkout, reserved, auth))

    released = shop.activities.release(ReleaseRequest(checkout))

    assert released.released == () and released.order_id == placed.order_id
    assert shop.stock(A) == 9
    assert_invariants()


def test_an_order_is_never_written_for_stock_that_was_released(shop, assert_invariants):
    checkout, reserved, auth = paid_and_reserved(shop, {A: 1})
    shop.activities.release(ReleaseRequest(checkout))

    error = business_error(
        lambda: shop.activities.submit_order(order_request(checkout, reserved, auth))
    )
    refunded = shop.activities.void_payment(
        VoidPaymentRequest(checkout, auth.authorization_id, auth.amount)
    )

    assert error.type == "ReservationLost"
    assert shop.scalar("SELECT count(*) FROM orders WHERE checkout_id = :c", c=checkout) == 0
    assert refunded.outcome == "REFUNDED"  # the capture happened first, so it is paid back
    assert shop.stock(A) == 10
    assert_invariants()


def test_voiding_an_uncaptured_authorization_drops_the_hold(shop):
    checkout, _, auth = paid_and_reserved(shop, {A: 1})

    voided = shop.activities.void_payment(
        VoidPaymentRequest(checkout, auth.authorization_id, auth.amount)
    )
    again = shop.activities.void_payment(
        VoidPaymentRequest(checkout, auth.authorization_id, auth.amount)
    )

    assert voided.outcome == again.outcome == "VOIDED"
    shop.activities.release(ReleaseRequest(checkout))
