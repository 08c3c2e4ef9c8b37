"""The contract between the workflow tests' FakeStore (tests/workflows/checkout_fakes.py)
and the real checkout activities on PostgreSQL: the same scenarios, the same answers.

The fast workflow tests trust FakeStore to behave like activities/checkout.py; every
scenario here runs against both, so a fake that drifts from the real thing fails here
rather than letting the workflow tests pass on behaviour production does not have.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from domain.checkout import to_iso
from domain.stock import Line
from payments.sandbox import APPROVED_CARD, DECLINED_CARD
from tests.activities.conftest import USER
from tests.activities.test_checkout_activities import vaulted
from tests.workflows.checkout_fakes import ADDRESS, FakeStore, card
from workflows.checkout_messages import (
    AUTHORIZE_PAYMENT,
    RELEASE,
    RESERVE,
    SUBMIT_ORDER,
    VOID_PAYMENT,
    AuthorizeRequest,
    ReleaseRequest,
    ReserveRequest,
    SubmitOrderRequest,
    VoidPaymentRequest,
)

pytestmark = pytest.mark.integration  # the real side needs PostgreSQL

A, B, C = "A", "B", "C"  # the same three items (same prices) on either side


@dataclass
class Checkout:
    """One store behind the five checkout activities, whichever it is."""

    name: str
    ids: dict[str, int]  # A/B/C -> this store's item id
    activities: dict[str, Any]  # activity name -> callable
    read_stock: Any
    write_stock: Any
    card: Any  # test card number -> the PaymentMethod token a workflow would carry

    def call(self, activity_name: str, request: object) -> Any:
        result = ActivityEnvironment().run(self.activities[activity_name], request)
        return asyncio.run(result) if inspect.isawaitable(result) else result

    def refused(self, activity_name: str, request: object) -> ApplicationError:
        with pytest.raises(ApplicationError) as raised:
            self.call(activity_name, request)
        assert raised.value.non_retryable
        return raised.value

    def stock(self, item: str) -> int:
        return self.read_stock(self.ids[item])

    def set_stock(self, item: str, units: int) -> None:
        self.write_stock(self.ids[item], units)

    def item(self, item_id: int) -> str:
        return {v: k for k, v in self.ids.items()}[item_id]

    # --- the requests, as the workflow builds them ----------------------------------

    def reserve(self, checkout: str, lines: dict[str, int]) -> ReserveRequest:
        expires = to_iso(datetime.now(UTC) + timedelta(minutes=5))
        return ReserveRequest(
            checkout, tuple(Line(self.ids[i], q) for i, q in lines.items()), expires
        )


def fake_checkout() -> Checkout:
    store = FakeStore(stock={1: 10, 2: 10, 3: 10})

    def write(item_id: int, units: int) -> None:
        store.stock[item_id] = units

    named = {fn.__temporal_activity_definition.name: fn for fn in store.activities()}
    return Checkout("fake", {A: 1, B: 2, C: 3}, named, store.stock.__getitem__, write, card)


@pytest.fixture(params=["fake", "real"])
def checkout(request) -> Checkout:
    if request.param == "fake":
        return fake_checkout()
    shop = request.getfixturevalue("shop")  # tests/activities/conftest.py: PostgreSQL
    named = {fn.__temporal_activity_definition.name: fn for fn in shop.activities.activities()}
    ids = dict(zip((A, B, C), sorted(shop.items), strict=True))
    return Checkout(
        "real", ids, named, shop.stock, shop.set_stock, lambda number: vaulted(shop, number)
    )


def new_checkout_id() -> str:
    return f"co-contract-{uuid.uuid4().hex}"


def priced(checkout: Checkout, lines) -> list[tuple[str, int, int]]:
    return [(checkout.item(line.item_id), line.quantity, line.unit_price) for line in lines]


def paid(checkout: Checkout, lines: dict[str, int]):
    checkout_id = new_checkout_id()
    reserved = checkout.call(RESERVE, checkout.reserve(checkout_id, lines))
    amount = sum(line.unit_price * line.quantity for line in reserved.lines)
    auth = checkout.call(
        AUTHORIZE_PAYMENT, AuthorizeRequest(checkout_id, 1, amount, checkout.card(APPROVED_CARD))
    )
    return checkout_id, reserved, auth


def submit(checkout: Checkout, checkout_id: str, reserved, auth, order_id: str):
    return checkout.call(
        SUBMIT_ORDER,
        SubmitOrderRequest(
            checkout_id=checkout_id,
            order_id=order_id,
            user_id=USER,
            lines=reserved.lines,
            shipping_address=ADDRESS,
            authorization=auth,
            ordered_at=to_iso(datetime.now(UTC)),
        ),
    )


def test_reserving_holds_every_line_at_the_prices_the_order_will_use(checkout):
    reserved = checkout.call(RESERVE, checkout.reserve(new_checkout_id(), {B: 2, A: 1}))

    assert priced(checkout, reserved.lines) == [(A, 1, 1_999), (B, 2, 4_550)]
    assert (checkout.stock(A), checkout.stock(B), checkout.stock(C)) == (9, 8, 10)


def test_one_short_line_holds_nothing_and_every_short_line_is_reported(checkout):
    checkout.set_stock(A, 1)
    checkout.set_stock(C, 0)

    error = checkout.refused(RESERVE, checkout.reserve(new_checkout_id(), {A: 2, B: 1, C: 1}))

    assert error.type == "OutOfStock"
    reported = [(checkout.item(d["itemID"]), d["asked"], d["left"]) for d in error.details]
    assert reported == [(A, 2, 1), (C, 1, 0)]
    assert (checkout.stock(A), checkout.stock(B), checkout.stock(C)) == (1, 10, 0)


def test_a_retried_reserve_holds_once_and_answers_the_same(checkout):
    request = checkout.reserve(new_checkout_id(), {A: 3})

    first = checkout.call(RESERVE, request)
    again = checkout.call(RESERVE, request)

    assert first == again and checkout.stock(A) == 7


def test_releasing_gives_the_hold_back_once(checkout):
    checkout_id = new_checkout_id()
    checkout.call(RESERVE, checkout.reserve(checkout_id, {A: 2, B: 1}))

    released = checkout.call(RELEASE, ReleaseRequest(checkout_id))
    again = checkout.call(RELEASE, ReleaseRequest(checkout_id))

    assert sorted((checkout.item(line.item_id), line.quantity) for line in released.released) == [
        (A, 2),
        (B, 1),
    ]
    assert released.order_id is None and again.order_id is None
    assert (checkout.stock(A), checkout.stock(B)) == (10, 10)


def test_a_declined_card_is_a_business_refusal_with_its_reason(checkout):
    checkout_id = new_checkout_id()
    checkout.call(RESERVE, checkout.reserve(checkout_id, {A: 1}))

    error = checkout.refused(
        AUTHORIZE_PAYMENT, AuthorizeRequest(checkout_id, 1, 1_999, checkout.card(DECLINED_CARD))
    )

    assert error.type == "PaymentDeclined"
    assert error.details[0]["code"] == "card_declined"


def test_placing_the_order_twice_gives_one_order_and_keeps_the_stock_sold(checkout):
    checkout_id, reserved, auth = paid(checkout, {A: 1, B: 2})
    order_id = uuid.uuid4().hex

    first = submit(checkout, checkout_id, reserved, auth, order_id)
    again = submit(checkout, checkout_id, reserved, auth, uuid.uuid4().hex)
    released = checkout.call(RELEASE, ReleaseRequest(checkout_id))

    assert (first.order_id, first.total, first.created) == (order_id, 1_999 + 2 * 4_550, True)
    assert (again.order_id, again.total) == (order_id, first.total)
    assert released.order_id == order_id and released.released == ()  # nothing to give back
    assert (checkout.stock(A), checkout.stock(B)) == (9, 8)


def test_voiding_an_authorization_that_was_never_captured_voids_it(checkout):
    checkout_id, reserved, auth = paid(checkout, {A: 1})

    voided = checkout.call(
        VOID_PAYMENT, VoidPaymentRequest(checkout_id, auth.authorization_id, auth.amount)
    )

    assert voided.outcome == "VOIDED"
    assert (auth.card_brand, auth.card_last4) == ("visa", APPROVED_CARD[-4:])


def test_money_taken_for_an_order_that_was_then_given_up_is_refunded(checkout):
    checkout_id, reserved, auth = paid(checkout, {A: 1})
    submit(checkout, checkout_id, reserved, auth, uuid.uuid4().hex)

    refunded = checkout.call(
        VOID_PAYMENT, VoidPaymentRequest(checkout_id, auth.authorization_id, auth.amount)
    )

    assert refunded.outcome == "REFUNDED"


def test_the_fake_offers_exactly_the_activities_the_real_worker_registers(shop):
    real = {fn.__temporal_activity_definition.name for fn in shop.activities.activities()}

    assert set(fake_checkout().activities) == real
