"""/api/v1/checkout's handlers on fakes: each outcome's status and body, Idempotency-Key,
Retry-After, and card input, with production's hold and limits."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.checkout import CheckoutStatus, from_iso
from payments.sandbox import APPROVED_CARD, DECLINED_CARD
from tests.fakes.checkout import CheckoutWorld
from tests.web.checkout_fast import CheckoutApi, payment

pytestmark = pytest.mark.web

ADA, BOB = 1, 2
BEGIN = "/api/v1/checkout?op=BEGIN"


@pytest.fixture
def api() -> CheckoutApi:
    return CheckoutApi(CheckoutWorld({1: 5, 2: 5}))


def begin(api: CheckoutApi, user_id: int = ADA, cart=None, **headers: str):
    return api.post(user_id, BEGIN, {"cart": cart or [{"itemID": 1, "quantity": 1}]}, **headers)


def test_begin_answers_201_with_a_five_minute_hold(api):
    response = begin(api)

    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "RESERVED" and body["total"] == 100
    expires = from_iso(body["expiresAt"].replace("Z", "+00:00"))
    assert expires - api.world.clock() == timedelta(minutes=5)


def test_begin_with_an_unknown_item_is_422_naming_it(api):
    response = begin(api, cart=[{"itemID": 1, "quantity": 1}, {"itemID": 99, "quantity": 1}])

    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_item"
    assert response.get_json()["error"]["itemIDs"] == [99]


def test_begin_out_of_stock_is_409_with_the_short_lines(api):
    response = begin(api, cart=[{"itemID": 1, "quantity": 6}])

    assert response.status_code == 409
    error = response.get_json()["error"]
    assert error["code"] == "out_of_stock" and error["lines"][0]["itemID"] == 1


def test_the_same_idempotency_key_replays_the_answer_and_holds_once(api):
    first = begin(api, **{"Idempotency-Key": "k-1"})
    second = begin(api, **{"Idempotency-Key": "k-1"})

    assert first.status_code == second.status_code == 201
    assert first.get_data() == second.get_data()
    assert api.world.checkouts.calls.count("begin") == 1


def test_the_same_idempotency_key_with_another_body_is_refused(api):
    first = begin(api, cart=[{"itemID": 1, "quantity": 1}], **{"Idempotency-Key": "k-2"})
    second = begin(api, cart=[{"itemID": 1, "quantity": 2}], **{"Idempotency-Key": "k-2"})

    assert first.status_code == 201
    assert second.status_code == 422
    assert api.world.checkouts.stock[1] == 4  # the second body held nothing


def test_pay_approved_is_200_with_the_card_and_declined_is_402(api):
    checkout_id = begin(api).get_json()["checkoutID"]
    declined = api.post(ADA, f"/api/v1/checkout/{checkout_id}/payment", payment(DECLINED_CARD))
    approved = api.post(ADA, f"/api/v1/checkout/{checkout_id}/payment", payment(APPROVED_CARD))

    assert declined.status_code == 402
    assert declined.get_json()["error"]["code"] == "card_declined"
    assert approved.status_code == 200
    assert approved.get_json()["card"] == {"brand": "visa", "last4": "4242"}


# Luhn-valid, but shorter than any card number (12 to 19 digits, payments/cards.py).
@pytest.mark.parametrize("number", ["42424242420", "4242 4242 420", "424242428", "42424242"])
def test_a_card_number_that_is_too_short_is_422_and_nothing_is_vaulted(api, number):
    checkout_id = begin(api).get_json()["checkoutID"]
    response = api.post(ADA, f"/api/v1/checkout/{checkout_id}/payment", payment(number))

    assert response.status_code == 422
    assert api.world.vault.numbers == {}
    assert api.world.checkouts.calls.count("pay") == 0


def test_the_sixth_payment_attempt_is_429_with_retry_after(api):
    checkout_id = begin(api).get_json()["checkoutID"]
    statuses = [
        api.post(ADA, f"/api/v1/checkout/{checkout_id}/payment", payment(DECLINED_CARD))
        for _ in range(6)
    ]

    assert [r.status_code for r in statuses] == [402] * 5 + [429]
    assert int(statuses[-1].headers["Retry-After"]) > 0
    assert statuses[-1].get_json()["error"]["code"] == "too_many_payment_attempts"


def test_paying_someone_elses_checkout_is_404_and_stores_no_card(api):
    checkout_id = begin(api, ADA).get_json()["checkoutID"]
    response = api.post(BOB, f"/api/v1/checkout/{checkout_id}/payment", payment(APPROVED_CARD))

    assert response.status_code == 404
    assert api.world.vault.numbers == {}


def test_cancel_while_submitting_is_409_already_submitted(api):
    checkout_id = begin(api).get_json()["checkoutID"]
    api.post(ADA, f"/api/v1/checkout/{checkout_id}/payment", payment(APPROVED_CARD))
    api.world.checkouts.put_in(checkout_id, CheckoutStatus.SUBMITTING)
    response = api.post(ADA, "/api/v1/checkout?op=CANCEL", {"checkoutID": checkout_id})

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "already_submitted"
    assert api.world.checkouts.stock[1] == 4


def test_an_expired_checkout_refuses_submit_with_checkout_expired(api):
    checkout_id = begin(api).get_json()["checkoutID"]
    api.world.clock.advance(301)
    response = api.post(ADA, "/api/v1/checkout?op=SUBMIT", {"checkoutID": checkout_id})
    state = api.get(ADA, f"/api/v1/checkout/{checkout_id}")

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "checkout_expired"
    assert state.get_json()["status"] == "EXPIRED"


def test_submit_with_nothing_open_is_409_no_open_checkout(api):
    response = api.post(ADA, "/api/v1/checkout?op=SUBMIT")

    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_open_checkout"


def test_submit_then_cancel_of_the_open_checkout(api):
    checkout_id = begin(api).get_json()["checkoutID"]
    api.post(ADA, f"/api/v1/checkout/{checkout_id}/payment", payment(APPROVED_CARD))
    placed = api.post(ADA, "/api/v1/checkout?op=SUBMIT")
    cancelled = api.post(ADA, "/api/v1/checkout?op=CANCEL", {"checkoutID": checkout_id})

    assert placed.status_code == 201 and placed.get_json()["status"] == "PENDING"
    assert cancelled.status_code == 409
    assert cancelled.get_json()["error"]["code"] == "checkout_ordered"
    assert "My orders" in cancelled.get_json()["error"]["message"]
